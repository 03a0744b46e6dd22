// Issue 11, defect 1: the claim inside a hard-linked ledger. A claim of a process that is
// provably gone is taken over; one of a process on another machine is respected until a person
// says it is gone (PRE_INCASSO_BREAK_LOCK).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { openLedger } from '../../src/ledger/ledger.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-claim-'));
  file = path.join(dir, 'pre-incasso.db');
  openLedger(file, { create: true }).close();
  fs.mkdirSync(path.join(dir, 'elsewhere'));
  fs.linkSync(file, path.join(dir, 'elsewhere', 'same.db'));
  process.env.PRE_INCASSO_LOCK_WAIT_MS = '0';
});
afterEach(() => {
  delete process.env.PRE_INCASSO_LOCK_WAIT_MS;
  delete process.env.PRE_INCASSO_BREAK_LOCK;
  fs.rmSync(dir, { recursive: true, force: true });
});

function plantClaim(holder: string): void {
  const ledger = openLedger(file);
  ledger.db.prepare("INSERT OR REPLACE INTO writer_lock (id, holder, command, since) VALUES (1, ?, 'pre-incasso run', '2026-11-26T10:00:00Z')").run(holder);
  // Close without the release a normal close does: as if the process had crashed.
  ledger.db.close();
  ledger.close();
}

describe('the claim inside a hard-linked ledger', () => {
  it('a claim of a dead process on this host is taken over', async () => {
    const gone = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((r) => gone.on('exit', r));
    plantClaim(`${os.hostname()}:${gone.pid}:123`);
    const ledger = openLedger(path.join(dir, 'elsewhere', 'same.db'));
    expect((ledger.db.prepare('SELECT holder FROM writer_lock').pluck().get() as string).split(':')[1]).toBe(String(process.pid));
    ledger.close();
    // Released at close.
    const reader = openLedger(file, { readonly: true });
    expect(reader.db.prepare('SELECT count(*) FROM writer_lock').pluck().get()).toBe(0);
    reader.close();
  });

  it('a claim of a process on another machine is respected, until PRE_INCASSO_BREAK_LOCK names it', () => {
    plantClaim('other-host:4242:999');
    let error: unknown;
    try {
      openLedger(path.join(dir, 'elsewhere', 'same.db'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).exitCode).toBe(5);
    expect((error as AppError).message).toContain('in use by process 4242 on other-host (pre-incasso run, since 2026-11-26T10:00:00Z)');
    expect((error as AppError).hint).toContain("PRE_INCASSO_BREAK_LOCK='other-host:4242:999'");
    process.env.PRE_INCASSO_BREAK_LOCK = 'other-host:4242:999';
    openLedger(path.join(dir, 'elsewhere', 'same.db')).close();
  });
});
