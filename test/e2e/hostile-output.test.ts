// Issue 11, defects 4 and 5: output files are created new (never written through a planted
// symlink, always 0600, folders 0700), and control characters in debtor data never reach the
// terminal or a CSV file as they are.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, baseEnv, cli, workspace, writeCsv, CSV_HEADER } from '../helpers/cli.js';

const TODAY = '2026-09-22';
const ESC = '\u001b';
const BEL = '\u0007';
let dir: string;

/** Runs the CLI under umask 000, as a careless cron or container set-up would. */
function cliUmask0(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('sh', ['-c', 'umask 000; exec "$0" "$@"', process.execPath, BIN, ...args], { cwd: dir, env: baseEnv(), encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const mode = (file: string): number => fs.lstatSync(file).mode & 0o777;

beforeAll(() => {
  dir = workspace();
  writeCsv(dir, 'open.csv', [
    CSV_HEADER,
    `2026-0101;10001;"J. Jansen${ESC}]0;pwned${BEL}${ESC}[2J";particulier;;Lindelaan 4;3818 LK;Amersfoort;16-08-2026;15-09-2026;121,00;121,00`,
    '2026-0102;10002;Bouwbedrijf Van Dijk B.V.;zakelijk;;Industrieweg 88;3825 MA;Amersfoort;16-08-2026;15-09-2026;2.541,00;2.541,00',
  ]);
  expect(cli(dir, ['import', 'open.csv', '--today', TODAY]).code).toBe(0);
  const run = cli(dir, ['run', '--no-mail', '--today', TODAY]);
  expect(run.code, run.stderr).toBe(0);
});

describe('control characters are shown, not obeyed', () => {
  it('run --dry-run, status and explain print ESC and BEL as \\u001b and \\u0007', () => {
    for (const args of [['run', '--dry-run', '--allow-stale', '--today', '2026-10-30'], ['status', '--today', TODAY], ['explain', '10001', '--today', TODAY]]) {
      const r = cli(dir, args);
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(0);
      expect(r.stdout + r.stderr, args[0]).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    }
    const explain = cli(dir, ['explain', '10001', '--today', TODAY]);
    expect(explain.stdout + explain.stderr).toContain('J. Jansen\\u001b]0;pwned\\u0007\\u001b[2J');
  });

  it('the print manifest holds no control characters', () => {
    const r = cli(dir, ['letters', '--combined', 'print/all.pdf', '--today', TODAY]);
    expect(r.code, r.stderr).toBe(0);
    const manifest = fs.readFileSync(path.join(dir, 'print', 'all.manifest.csv'), 'utf8');
    expect(manifest).toContain('J. Jansen\\u001b]0;pwned\\u0007\\u001b[2J');
    expect(manifest.replace(/\r\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f]/);
  });
});

describe('output files are made new, never written through a symlink', () => {
  it('letters --out: a symlink planted at a letter name is replaced, its target untouched; files 0600, new folders 0700', () => {
    // Learn the names the letters get.
    expect(cli(dir, ['letters', '--out', 'scratch', '--today', TODAY]).code).toBe(0);
    const names = fs.readdirSync(path.join(dir, 'scratch')).sort();
    expect(names.length).toBeGreaterThan(0);
    const victim = path.join(dir, 'victim.txt');
    fs.writeFileSync(victim, 'do not touch');
    const out = path.join(dir, 'pdf');
    fs.mkdirSync(out);
    fs.symlinkSync(victim, path.join(out, names[0]!));
    fs.writeFileSync(path.join(out, names[1] ?? 'x.pdf'), 'old', { mode: 0o666 });
    fs.chmodSync(path.join(out, names[1] ?? 'x.pdf'), 0o666);
    const r = cliUmask0(['letters', '--out', 'pdf', '--today', TODAY]);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(victim, 'utf8')).toBe('do not touch');
    for (const name of names) {
      const file = path.join(out, name);
      expect(fs.lstatSync(file).isFile(), name).toBe(true);
      expect(mode(file), name).toBe(0o600);
      expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
    }
    // A folder the tool creates is 0700 even under umask 000.
    const r2 = cliUmask0(['letters', '--out', 'new/deeper', '--today', TODAY]);
    expect(r2.code, r2.stderr).toBe(0);
    expect(mode(path.join(dir, 'new'))).toBe(0o700);
    expect(mode(path.join(dir, 'new', 'deeper'))).toBe(0o700);
  });

  it('letters --combined and its manifest: planted symlinks are replaced, targets untouched', () => {
    const victim = path.join(dir, 'victim2.txt');
    fs.writeFileSync(victim, 'do not touch');
    fs.mkdirSync(path.join(dir, 'c'));
    fs.symlinkSync(victim, path.join(dir, 'c', 'post.pdf'));
    fs.symlinkSync(victim, path.join(dir, 'c', 'post.manifest.csv'));
    const r = cliUmask0(['letters', '--combined', 'c/post.pdf', '--today', TODAY]);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(victim, 'utf8')).toBe('do not touch');
    for (const f of ['post.pdf', 'post.manifest.csv']) {
      expect(fs.lstatSync(path.join(dir, 'c', f)).isFile()).toBe(true);
      expect(mode(path.join(dir, 'c', f))).toBe(0o600);
    }
  });

  it('mail --dry-run --out: the same for the .eml files', () => {
    const maildir = workspace({
      config: (c) => ({ ...c, mail: { from: 'Bakkerij <administratie@korenschoof.example>', smtp: { host: '127.0.0.1', port: 2525, secure: false, requireTLS: false, user: 'x', passwordFile: 'pw.txt' } } }),
    });
    fs.writeFileSync(path.join(maildir, 'pw.txt'), 'pw\n', { mode: 0o600 });
    writeCsv(maildir, 'open.csv', [CSV_HEADER, '2026-0101;10001;J. Jansen;particulier;j@example.nl;Lindelaan 4;3818 LK;Amersfoort;16-08-2026;15-09-2026;121,00;121,00']);
    expect(cli(maildir, ['import', 'open.csv', '--today', TODAY]).code).toBe(0);
    expect(cli(maildir, ['run', '--no-mail', '--today', TODAY]).code).toBe(0);
    expect(cli(maildir, ['mail', '--dry-run', '--out', 'scratch', '--today', TODAY]).code).toBe(0);
    const [name] = fs.readdirSync(path.join(maildir, 'scratch'));
    const victim = path.join(maildir, 'victim.txt');
    fs.writeFileSync(victim, 'do not touch');
    fs.mkdirSync(path.join(maildir, 'eml'));
    fs.symlinkSync(victim, path.join(maildir, 'eml', name!));
    const r = cli(maildir, ['mail', '--dry-run', '--out', 'eml', '--today', TODAY]);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(victim, 'utf8')).toBe('do not touch');
    expect(fs.lstatSync(path.join(maildir, 'eml', name!)).isFile()).toBe(true);
    expect(mode(path.join(maildir, 'eml', name!))).toBe(0o600);
  });
});
