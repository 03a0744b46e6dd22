// Issue 11, defect 7: a failing machine is told as what it is (cause, path, fix) with the
// documented exit code (5 for the ledger, 4 for input and output paths), never as an internal
// error, and never as "cannot rollback - no transaction is active". Faults are real: a small
// tmpfs that fills up, a read-only remount, a folder where a file should be, a user without
// permission. Where the machine does not allow one (not root, no tmpfs), that case is skipped
// with a message.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, CSV_HEADER, baseEnv, cli, workspace, writeCsv } from '../helpers/cli.js';

const TODAY = '2026-09-22';
const mounts: string[] = [];
let dir: string;

function mountTmpfs(sizeKb: number): string | null {
  const target = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-fault-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=0755`, 'tmpfs', target], { encoding: 'utf8' });
  if (r.status !== 0) {
    fs.rmdirSync(target);
    console.warn(`skipped: cannot mount a tmpfs here (${(r.stderr || r.error?.message || '').trim()})`);
    return null;
  }
  mounts.push(target);
  return target;
}

function remountReadOnly(target: string): boolean {
  return spawnSync('mount', ['-o', 'remount,ro', target]).status === 0;
}

function rows(n: number, from = 0): string[] {
  const out = [CSV_HEADER];
  for (let i = from; i < from + n; i++) out.push(`F-${i};D${i % 500};Debiteur ${i % 500} met een wat langere naam;particulier;;Straat ${i};1011 AA;Amsterdam;01-08-2026;31-08-2026;${100 + (i % 900)},00;${100 + (i % 900)},00`);
  return out;
}

function count(ledger: string): number {
  const db = new Database(ledger, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM invoices').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

beforeAll(() => {
  dir = workspace();
  writeCsv(dir, 'small.csv', rows(20));
  writeCsv(dir, 'big.csv', rows(20_000, 1000));
});

afterAll(() => {
  for (const m of mounts.reverse()) {
    spawnSync('umount', [m]);
    fs.rmSync(m, { recursive: true, force: true });
  }
});

describe('disk full', () => {
  it('import into a ledger on a full disk: exit 5, "disk is full", the ledger as it was', () => {
    const disk = mountTmpfs(512);
    if (!disk) return;
    const ledger = path.join(disk, 'pre-incasso.db');
    expect(cli(dir, ['import', 'small.csv', '--ledger', ledger, '--today', TODAY]).code).toBe(0);
    const before = count(ledger);
    const r = cli(dir, ['import', 'big.csv', '--ledger', ledger, '--today', TODAY]);
    expect(r.stderr).not.toContain('cannot rollback');
    expect(r.stderr).not.toContain('Internal error');
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toMatch(/error: The disk is full: cannot write .*pre-incasso\.db \((SQLITE_FULL|ENOSPC)\)/);
    expect(r.stderr).toContain('hint: Free space on the disk');
    // Nothing half-written: the ledger still opens, with what it had.
    expect(count(ledger)).toBe(before);
    const status = cli(dir, ['status', '--ledger', ledger, '--today', TODAY]);
    expect(status.code, status.stderr).toBe(0);
  });

  it('letters --out onto a full disk: exit 4, the path and the fix', () => {
    const disk = mountTmpfs(64);
    if (!disk) return;
    const ledger = path.join(dir, 'letters.db');
    expect(cli(dir, ['import', 'small.csv', '--ledger', ledger, '--today', TODAY]).code).toBe(0);
    expect(cli(dir, ['run', '--no-mail', '--ledger', ledger, '--today', TODAY]).code).toBe(0);
    const r = cli(dir, ['letters', '--out', path.join(disk, 'pdf'), '--ledger', ledger, '--today', TODAY]);
    expect(r.stderr).not.toContain('Internal error');
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toMatch(/error: The disk is full: cannot write .*\(ENOSPC\)/);
  });
});

describe('read-only file system', () => {
  it('a ledger on a read-only mount: exit 5 with "read-only"; output there: exit 4', () => {
    const disk = mountTmpfs(4096);
    if (!disk) return;
    const ledger = path.join(disk, 'pre-incasso.db');
    expect(cli(dir, ['import', 'small.csv', '--ledger', ledger, '--today', TODAY]).code).toBe(0);
    if (!remountReadOnly(disk)) {
      console.warn('skipped: cannot remount read-only here');
      return;
    }
    const r = cli(dir, ['import', 'small.csv', '--ledger', ledger, '--today', TODAY]);
    expect(r.stderr).not.toContain('Internal error');
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toMatch(/read-only file system/);
    // Reading still works.
    expect(cli(dir, ['status', '--ledger', ledger, '--today', TODAY]).code).toBe(0);
    const out = cli(dir, ['letters', '--out', path.join(disk, 'pdf'), '--ledger', path.join(dir, 'letters.db'), '--today', TODAY]);
    expect(out.stderr).not.toContain('Internal error');
    expect(out.code, out.stderr).toBe(4);
    expect(out.stderr).toMatch(/read-only file system.*\(EROFS\)/);
  });
});

describe('a folder where a file was expected, and the other way round', () => {
  it('--ledger naming a folder: exit 5, "is a folder, not a file"', () => {
    fs.mkdirSync(path.join(dir, 'ledger-folder'));
    for (const args of [['import', 'small.csv'], ['status'], ['hold', 'D1', '--reason', 'x']]) {
      const r = cli(dir, [...args, '--ledger', 'ledger-folder', '--today', TODAY]);
      expect(r.stderr, args[0]).not.toContain('Internal error');
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(5);
      expect(r.stderr).toContain('ledger-folder is a folder, not a file (EISDIR)');
    }
  });

  it('letters --out naming a file: exit 4, "a file where a folder was expected"', () => {
    const ledger = path.join(dir, 'letters2.db');
    expect(cli(dir, ['import', 'small.csv', '--ledger', ledger, '--today', TODAY]).code).toBe(0);
    expect(cli(dir, ['run', '--no-mail', '--ledger', ledger, '--today', TODAY]).code).toBe(0);
    fs.writeFileSync(path.join(dir, 'a-file'), 'x');
    const r = cli(dir, ['letters', '--out', 'a-file', '--ledger', ledger, '--today', TODAY]);
    expect(r.stderr).not.toContain('Internal error');
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain('a-file is a file where a folder was expected (ENOTDIR)');
    fs.mkdirSync(path.join(dir, 'dirtarget.pdf'));
    const onFolder = cli(dir, ['letters', '--combined', 'dirtarget.pdf', '--ledger', ledger, '--today', TODAY]);
    expect(onFolder.code, onFolder.stderr).toBe(4);
    expect(onFolder.stderr).toContain('dirtarget.pdf is a folder, not a file (EISDIR)');
  });
});

describe('permission denied', () => {
  it('a ledger the user may not write: exit 5, "Permission denied", the fix', () => {
    if (process.getuid?.() !== 0) {
      console.warn('skipped: needs root to run the CLI as another user');
      return;
    }
    const ledger = path.join(dir, 'owned.db');
    expect(cli(dir, ['import', 'small.csv', '--ledger', ledger, '--today', TODAY]).code).toBe(0);
    const shared = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-perm-'));
    fs.chmodSync(shared, 0o755);
    fs.copyFileSync(ledger, path.join(shared, 'pre-incasso.db'));
    fs.copyFileSync(path.join(dir, 'pre-incasso.config.json'), path.join(shared, 'pre-incasso.config.json'));
    fs.chmodSync(path.join(shared, 'pre-incasso.config.json'), 0o644);
    const r = spawnSync(process.execPath, [BIN, 'hold', 'D1', '--reason', 'x', '--today', TODAY], { cwd: shared, env: { ...baseEnv(), HOME: shared }, encoding: 'utf8', uid: 65534, gid: 65534 });
    fs.rmSync(shared, { recursive: true, force: true });
    expect(r.stderr).not.toContain('Internal error');
    expect(r.status, r.stderr).toBe(5);
    expect(r.stderr).toMatch(/Permission denied: cannot open or write .* \((EACCES|SQLITE_CANTOPEN|SQLITE_READONLY)\)|cannot be written/);
  });
});
