// The start of a command (issue 16): `--help` and `status` load only what they need, and the
// caches that make them fast (src/cli/boot.ts: V8's code cache per command, the text of a plain
// `--help`) are used only when they belong to this build, and change no output. Each run is
// recorded by test/helpers/load-recorder.cjs (files loaded through require, Node's built-in
// modules, and which of our modules the bundle evaluated). Needs `npm run build` first.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, EXAMPLES, ROOT, baseEnv, cliIntoClosedPipe, workspace } from '../helpers/cli.js';

const RECORDER = path.join(ROOT, 'test', 'helpers', 'load-recorder.cjs');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'startup-test-'));
const workspaces: string[] = [];
afterAll(() => {
  for (const d of [tmp, ...workspaces]) fs.rmSync(d, { recursive: true, force: true });
});

interface Loaded {
  files: string[];
  builtins: string[];
  own: string[];
}
interface Run {
  code: number;
  stdout: string;
  stderr: string;
  loaded: Loaded;
}

let runs = 0;
/** The CLI as the user runs it, with the recorder preloaded and its own cache folder. */
function run(cwd: string, args: string[], cache: string, extra: NodeJS.ProcessEnv = {}): Run {
  const record = path.join(tmp, `record-${runs++}.json`);
  const r = spawnSync(process.execPath, ['--require', RECORDER, BIN, ...args], {
    cwd,
    env: baseEnv({ XDG_CACHE_HOME: cache, LOAD_RECORD: record, ...extra }),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, loaded: JSON.parse(fs.readFileSync(record, 'utf8')) as Loaded };
}

/** The packages in node_modules a run loaded, by name. */
function packages(loaded: Loaded): string[] {
  const names = loaded.files.map((f) => /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(f)?.[1]).filter((n): n is string => n !== undefined);
  return [...new Set(names)].sort();
}

const HEAVY = ['pdf-lib', '@pdf-lib/fontkit', 'nodemailer', 'handlebars', 'qrcode', 'echarts', 'fflate', 'zod', 'csv-parse', 'fast-xml-parser', 'read-excel-file', 'iconv-lite', 'chalk', '@inquirer/prompts'];
const OUR_HEAVY = /^(report|handover|letters|mail|importers)\/|^workflows\/(write-letters|deliver-outbox|export-handover|import-|report|morning-summary)/;

function cacheFiles(cache: string): string[] {
  const dir = path.join(cache, 'pre-incasso');
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

describe('start-up', () => {
  it('--help loads the start and no package, cold and from the remembered text, and prints the same text', () => {
    const cache = path.join(tmp, 'help-cache');
    const dir = fs.mkdtempSync(path.join(tmp, 'help-'));
    const plain = run(dir, ['--help'], cache, { PRE_INCASSO_CONFIG_CACHE: '0' });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^Usage: pre-incasso \[options\] \[command\]/);
    expect(plain.stdout).toContain('status');
    expect(cacheFiles(cache)).toEqual([]);

    const cold = run(dir, ['--help'], cache);
    const warm = run(dir, ['--help'], cache);
    const short = run(dir, ['-h'], cache);
    for (const r of [cold, warm, short]) {
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(plain.stdout);
    }
    // The first run lists the commands by loading every command module (and remembers the list);
    // later the help is commander's from the remembered list, or the remembered text itself.
    const listed = run(dir, ['--no-color', '--help'], cache);
    expect(listed.stdout).toBe(plain.stdout);
    for (const r of [listed, warm, short]) {
      // commander is inside the bundle: no package at all is loaded for the help.
      expect(packages(r.loaded)).toEqual([]);
      expect(r.loaded.files.map((f) => path.relative(ROOT, f)).sort()).toEqual([path.join('bin', 'pre-incasso.js'), path.join('dist', 'app', 'boot.cjs')]);
      expect(r.loaded.builtins).not.toContain('child_process');
    }
    expect(listed.loaded.own).toContain('cli/program.js');
    expect(listed.loaded.own.filter((m) => m.startsWith('cli/commands/') && m !== 'cli/commands/index.js')).toEqual([]);
    // Besides the cli/ start: the ground files and the few small modules main.ts and context.ts import.
    const START = ['config/cache.js', 'domain/control-chars.js', 'domain/dates.js', 'errors.js', 'platform/errors.js', 'version.js'];
    expect([...new Set(listed.loaded.own.filter((m) => !m.startsWith('cli/')))].sort()).toEqual(START);
    expect(listed.loaded.builtins).not.toContain('crypto');
    // From the remembered text, the bundle is not even evaluated: only boot.cjs ran.
    for (const r of [warm, short]) expect([...new Set(r.loaded.own)].sort()).toEqual(['cli/boot.js', 'cli/stdio.js', 'config/cache.js']);
  });

  it('a remembered --help text is used only with its build key, and only for the plain --help', () => {
    const cache = path.join(tmp, 'help-key-cache');
    const dir = fs.mkdtempSync(path.join(tmp, 'help-key-'));
    const first = run(dir, ['--help'], cache);
    const file = cacheFiles(cache).find((f) => f.endsWith('-help.txt'))!;
    expect(file).toBeDefined();
    const full = path.join(cache, 'pre-incasso', file);
    const [key, ...text] = fs.readFileSync(full, 'utf8').split('\n');
    expect(text.join('\n')).toBe(first.stdout);
    expect(key).toContain(process.version);

    // The key is what makes it valid: the same key with other text is printed (proof it is read) ...
    fs.writeFileSync(full, `${key}\nremembered\n`);
    expect(run(dir, ['--help'], cache).stdout).toBe('remembered\n');
    // ... another key (another build, another Node, another width) is not, and the text is made again.
    fs.writeFileSync(full, `${key} 999\nremembered\n`);
    const again = run(dir, ['--help'], cache);
    expect(again.stdout).toBe(first.stdout);
    expect(fs.readFileSync(full, 'utf8')).toBe(`${key}\n${first.stdout}`);
    // A command's help, or `--help` with another option, is commander's own every time.
    fs.writeFileSync(full, `${key}\nremembered\n`);
    expect(run(dir, ['--no-color', '--help'], cache).stdout).toBe(first.stdout);
    expect(run(dir, ['status', '--help'], cache).stdout).toMatch(/^Usage: pre-incasso status/);
  });

  it('a remembered --help into a pipe whose reader is gone ends quietly with 0', async () => {
    const cache = path.join(tmp, 'epipe-cache');
    const dir = fs.mkdtempSync(path.join(tmp, 'epipe-'));
    run(dir, ['--help'], cache);
    expect(await cliIntoClosedPipe(dir, ['--help'], { env: { XDG_CACHE_HOME: cache } })).toEqual({ code: 0, stderr: '' });
  });

  it('status loads better-sqlite3 and its own modules only; the code cache changes nothing and a bad one is made again', () => {
    const cache = path.join(tmp, 'status-cache');
    const ws = workspace({ files: [path.join(EXAMPLES, 'openstaande-posten-september.csv')] });
    workspaces.push(ws);
    expect(run(ws, ['import', 'openstaande-posten-september.csv', '--today', '2026-09-22'], cache).code).toBe(0);
    const args = ['status', '--today', '2026-09-22'];
    const plain = run(ws, args, cache, { PRE_INCASSO_CONFIG_CACHE: '0' });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('open: 8 invoices');
    const cold = run(ws, args, path.join(tmp, 'status-cache-cold'));
    const warm = run(ws, args, cache);
    const again = run(ws, args, cache);
    for (const r of [cold, warm, again]) {
      expect(r.code).toBe(0);
      expect(r.stderr).toBe(plain.stderr);
      expect(r.stdout).toBe(plain.stdout);
    }
    // The config is validated (zod) when it is not remembered; after that only better-sqlite3.
    expect(packages(cold.loaded)).toEqual(['better-sqlite3', 'zod']);
    for (const r of [warm, again]) {
      expect(packages(r.loaded)).toEqual(['better-sqlite3']);
      for (const heavy of HEAVY) expect(packages(r.loaded)).not.toContain(heavy);
      expect(r.loaded.own.filter((m) => OUR_HEAVY.test(m))).toEqual([]);
      expect(r.loaded.own.filter((m) => m.startsWith('cli/commands/') && m !== 'cli/commands/index.js')).toEqual(['cli/commands/status.js']);
      expect(r.loaded.own).toContain('workflows/status.js');
      // Neither child_process nor stdin's stream; nor node:crypto, as no share is stored today (no
      // fingerprint needed); nor the stream (net.Socket) Node builds for stdout into a pipe (cli/stdio.ts).
      for (const builtin of ['child_process', 'internal/fs/promises', 'crypto', 'net', 'stream']) expect(r.loaded.builtins).not.toContain(builtin);
    }

    const code = cacheFiles(cache).find((f) => f.endsWith('-status.v8'))!;
    expect(code).toBeDefined();
    const full = path.join(cache, 'pre-incasso', code);
    const made = fs.statSync(full).mtimeMs;
    expect(fs.statSync(full).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(full)).mode & 0o777).toBe(0o700);
    // Used, not rewritten, while it fits.
    run(ws, args, cache);
    expect(fs.statSync(full).mtimeMs).toBe(made);
    // Damaged data under the right key: V8 refuses it, the command is compiled and runs as ever, and the cache is made again.
    const bytes = fs.readFileSync(full);
    const nl = bytes.indexOf(10);
    fs.writeFileSync(full, Buffer.concat([bytes.subarray(0, nl + 1), Buffer.alloc(bytes.length - nl - 1, 7)]));
    const damaged = run(ws, args, cache);
    expect(damaged.code).toBe(0);
    expect(damaged.stdout).toBe(plain.stdout);
    expect(fs.readFileSync(full).subarray(nl + 1).every((b) => b === 7)).toBe(false);
    // Another key (another build or Node): not used, made again.
    fs.writeFileSync(full, Buffer.concat([Buffer.from('v0 other\n'), bytes.subarray(nl + 1)]));
    expect(run(ws, args, cache).stdout).toBe(plain.stdout);
    expect(fs.readFileSync(full).subarray(0, nl + 1).equals(bytes.subarray(0, nl + 1))).toBe(true);
  });

  it('the first run after a build, which describes every command, leaves no code cache; the next run of the command makes it', () => {
    const cache = path.join(tmp, 'first-run-cache');
    const ws = workspace({ files: [path.join(EXAMPLES, 'openstaande-posten-september.csv')] });
    workspaces.push(ws);
    // A new cache folder is what a new build looks like: no command list, no code cache.
    const first = run(ws, ['import', 'openstaande-posten-september.csv', '--today', '2026-09-22'], cache);
    expect(first.code).toBe(0);
    expect(first.loaded.own).toContain('cli/commands/payments.js');
    expect(cacheFiles(cache).filter((f) => f.endsWith('.v8'))).toEqual([]);
    const status = run(ws, ['status', '--today', '2026-09-22'], cache);
    expect(status.loaded.own).not.toContain('cli/commands/payments.js');
    expect(cacheFiles(cache).filter((f) => f.endsWith('.v8')).map((f) => f.replace(/^app-[0-9a-f]+-/, ''))).toEqual(['status.v8']);
  });

  it('without the bundle, or with one older than tsc\'s output, the modules in dist/ run', () => {
    // A copy of the installation (dist and bin copied, the rest linked), so this build's files stay untouched.
    const root = path.join(tmp, 'install');
    fs.mkdirSync(root);
    fs.cpSync(path.join(ROOT, 'dist'), path.join(root, 'dist'), { recursive: true, preserveTimestamps: true });
    fs.cpSync(path.join(ROOT, 'bin'), path.join(root, 'bin'), { recursive: true });
    for (const f of ['package.json', 'node_modules', 'law', 'templates', 'examples']) fs.symlinkSync(path.join(ROOT, f), path.join(root, f));
    const bin = path.join(root, 'bin', 'pre-incasso.js');
    const dir = fs.mkdtempSync(path.join(tmp, 'install-ws-'));
    const runCopy = (args: string[]): Run => {
      const record = path.join(tmp, `record-${runs++}.json`);
      const r = spawnSync(process.execPath, ['--require', RECORDER, bin, ...args], { cwd: dir, env: baseEnv({ XDG_CACHE_HOME: path.join(tmp, 'install-cache'), LOAD_RECORD: record }), encoding: 'utf8' });
      return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, loaded: JSON.parse(fs.readFileSync(record, 'utf8')) as Loaded };
    };
    const bundled = runCopy(['calc', 'interest', '--help']);
    expect(bundled.code).toBe(0);
    expect(bundled.loaded.own).toContain('cli/program.js');

    // tsc wrote dist/ after the bundle was made: the bundle is not used.
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(root, 'dist', 'cli', 'main.js'), later, later);
    const stale = runCopy(['calc', 'interest', '--help']);
    expect(stale.code).toBe(0);
    expect(stale.stdout).toBe(bundled.stdout);
    expect(stale.loaded.own.filter((m) => !['cli/boot.js', 'cli/stdio.js', 'config/cache.js'].includes(m))).toEqual([]);
    const usage = runCopy(['statsu']);
    expect(usage.code).toBe(2);

    fs.rmSync(path.join(root, 'dist', 'app', 'main.vm'));
    const none = runCopy(['calc', 'interest', '--help']);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe(bundled.stdout);
  });

  it('errors keep their exit codes and messages through the bundle', () => {
    const cache = path.join(tmp, 'error-cache');
    const dir = fs.mkdtempSync(path.join(tmp, 'errors-'));
    const usage = run(dir, ['statsu'], cache);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("error: unknown command 'statsu'");
    // A failed command leaves no code cache (a typo makes no file of its own).
    expect(cacheFiles(cache).filter((f) => f.endsWith('.v8'))).toEqual([]);
    const missing = run(dir, ['status', '--today', '2026-09-22'], cache);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('No configuration at');
    expect(run(dir, ['--version'], cache).stdout.trim()).toBe((JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });
});
