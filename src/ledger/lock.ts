// One writer at a time. SQLite serialises single transactions, but a run is several (record,
// render, send): a lock held for the whole command keeps a second cron run out.
//
// The lock is a write lock on a small SQLite file next to the ledger (`<ledger>.lock`), taken
// with BEGIN IMMEDIATE and held until the command ends. The operating system releases it when
// the process dies, even by kill -9, so there are no stale locks to clean up and no race
// between two processes taking over a dead one's lock. Who holds it is written, for the
// message of a waiting command, to `<ledger>.lock.json`.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { AppError } from '../cli/errors.js';

export interface LockHandle {
  release(): void;
}

interface LockInfo {
  pid: number;
  command: string;
  since: string;
}

function waitMs(): number {
  const fromEnv = Number(process.env.PRE_INCASSO_LOCK_WAIT_MS);
  return Number.isFinite(fromEnv) && fromEnv >= 0 ? fromEnv : 3_000;
}

/** Locks this process holds, by lock file: a nested open (migration) shares the outer lock. */
const held = new Map<string, { count: number; db: Database.Database }>();

function readInfo(file: string): LockInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

export function acquireLock(ledgerPath: string, command: string): LockHandle {
  const file = `${ledgerPath}.lock`;
  const infoFile = `${file}.json`;
  const handle = (): LockHandle => {
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        releaseHeld(file, infoFile);
      },
    };
  };
  const mine = held.get(file);
  if (mine) {
    mine.count++;
    return handle();
  }
  try {
    fs.closeSync(fs.openSync(file, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const db = new Database(file);
  try {
    db.pragma(`busy_timeout = ${waitMs()}`);
    db.exec('BEGIN IMMEDIATE');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      const holder = readInfo(infoFile);
      const who = holder ? `process ${holder.pid} (${holder.command}, since ${holder.since})` : 'another process';
      throw new AppError('ledger_locked', `The ledger ${ledgerPath} is in use by ${who}.`, {
        hint: 'Wait for it to finish and try again. The lock is released when that process ends, also if it crashes.',
      });
    }
    throw error;
  }
  const info: LockInfo = { pid: process.pid, command, since: new Date().toISOString() };
  fs.writeFileSync(infoFile, JSON.stringify(info), { mode: 0o600 });
  held.set(file, { count: 1, db });
  return handle();
}

function releaseHeld(file: string, infoFile: string): void {
  const entry = held.get(file);
  if (!entry) return;
  entry.count--;
  if (entry.count > 0) return;
  held.delete(file);
  // Remove our name before letting go, so a waiting command never names a finished one.
  if (readInfo(infoFile)?.pid === process.pid) fs.rmSync(infoFile, { force: true });
  entry.db.exec('ROLLBACK');
  entry.db.close();
}
