// `--help` lists every command from a remembered description without loading the command
// modules (src/cli/commands/index.ts): the listing must be the one the modules themselves give,
// and the module of the asked-for command is always the real one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { requestedCommand } from '../../src/cli/commands/index.js';
import { Output } from '../../src/cli/output.js';

const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'stat-command-list-'));
const env = { XDG_CACHE_HOME: cache };
const out = new Output({ json: false, quiet: true, verbose: false, color: false });

afterAll(() => fs.rmSync(cache, { recursive: true, force: true }));

describe('the command list', () => {
  it('--help from the remembered description equals --help with every module loaded', async () => {
    const full = await buildProgram(out, env, ['--help']);
    expect((await buildProgram(out, env)).helpInformation()).toBe(full.helpInformation());
    const files = fs.readdirSync(path.join(cache, 'pre-incasso')).filter((f) => f.startsWith('commands-'));
    expect(files).toHaveLength(1);
    const listed = await buildProgram(out, env, ['--help']);
    expect(listed.helpInformation()).toBe(full.helpInformation());
    expect(listed.commands.map((c) => c.name())).toEqual(full.commands.map((c) => c.name()));
    // Listed commands carry no action of their own; the asked-for one is the real command with its options.
    const real = await buildProgram(out, env, ['status', '--today', '2026-09-22']);
    const status = real.commands.find((c) => c.name() === 'status')!;
    expect(status.helpInformation()).toBe(full.commands.find((c) => c.name() === 'status')!.helpInformation());
    const debtor = await buildProgram(out, env, ['debtor', 'export', 'D1']);
    expect(debtor.commands.find((c) => c.name() === 'debtor')!.commands.map((c) => c.name()).sort())
      .toEqual(full.commands.find((c) => c.name() === 'debtor')!.commands.map((c) => c.name()).sort());
  });

  it.each([
    [['--help'], null],
    [['status'], 'status'],
    [['--today', '2026-09-22', 'status', '--json'], 'status'],
    [['--config', 'run', 'explain', 'D1'], 'explain'],
    [['--ledger=x.db', 'hold', 'D1', '--reason', 'x'], 'hold'],
    [['help', 'release'], 'release'],
    [['help'], null],
    [['--json', '--', 'status'], null],
  ])('%j asks for %s', (argv, name) => {
    expect(requestedCommand(argv)).toBe(name);
  });
});
