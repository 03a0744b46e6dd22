// One writer at a time. SQLite serialises single transactions, but a run is several (record,
// render, send): a lock held for the whole command keeps a second cron run out.
//
// The lock is keyed on the ledger file, not on the path as typed, so every way of reaching the
// file meets the same lock:
//
// 1. A write lock on a small SQLite file in the ledger's real folder, named after the ledger's
//    device and inode (`.pre-incasso-<dev>-<ino>.lock`), taken with BEGIN IMMEDIATE and held
//    until the command ends. The real folder (symlinks and `..` resolved) and the inode make
//    `--ledger link.db`, `--ledger ../x/pre-incasso.db`, a second hard link in the same folder
//    and the same folder seen through a bind mount all meet one lock file. The operating system
//    releases it when the process dies, even by kill -9.
// 2. A hard link in another folder reaches the file from a folder the lock file is not in. When
//    the ledger has more than one link, the writer also claims it inside the file itself (table
//    `writer_lock`, see `claimLedger`), naming the process by host, pid and start time; a claim
//    of a process that is provably gone is taken over. (Only then: the claim is a write, and a
//    command that changes nothing should leave the ledger's bytes as they were.)
//
// Who holds lock 1 is written, for the message of a waiting command, to `<lock file>.json`.
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { openSqlite } from './sqlite.js';
import { AppError } from '../errors.js';
import { currentProcess, formatIdentity, isGone, parseIdentity } from '../platform/process-identity.js';

export interface LockHandle {
  release(): void;
  /** True for the outermost hold of this process: it claims and releases the in-file claim. */
  readonly outermost: boolean;
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

/** The ledger's path with symlinks and `..` resolved; for a file not created yet, its folder's. */
export function realLedgerPath(ledgerPath: string): string {
  const full = path.resolve(ledgerPath);
  try {
    return fs.realpathSync(full);
  } catch {
    try {
      return path.join(fs.realpathSync(path.dirname(full)), path.basename(full));
    } catch {
      return full;
    }
  }
}

/** The lock file of a ledger: in its real folder, named after its device and inode. */
export function lockFileOf(ledgerPath: string): string {
  const real = realLedgerPath(ledgerPath);
  const st = fs.statSync(real, { throwIfNoEntry: false });
  return st ? path.join(path.dirname(real), `.pre-incasso-${st.dev}-${st.ino}.lock`) : `${real}.lock`;
}

export function acquireLock(ledgerPath: string, command: string, waitForMs: number = waitMs()): LockHandle {
  const file = lockFileOf(ledgerPath);
  // Who holds it: next to the lock file (found from every path) and, for the people and scripts
  // that look there, next to the ledger as `<ledger>.lock.json`.
  const infoFiles = [`${file}.json`, `${realLedgerPath(ledgerPath)}.lock.json`];
  const handle = (outermost: boolean): LockHandle => {
    let released = false;
    return {
      outermost,
      release() {
        if (released) return;
        released = true;
        releaseHeld(file, infoFiles);
      },
    };
  };
  const mine = held.get(file);
  if (mine) {
    mine.count++;
    return handle(false);
  }
  try {
    fs.closeSync(fs.openSync(file, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY | (fs.constants.O_NOFOLLOW ?? 0), 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if (fs.lstatSync(file).isSymbolicLink()) {
    throw new AppError('ledger_locked', `The lock file ${file} is a symbolic link.`, { hint: 'Someone planted it; remove it and check who can write to the ledger folder.' });
  }
  const db = openSqlite(file);
  try {
    db.pragma(`busy_timeout = ${waitForMs}`);
    db.exec('BEGIN IMMEDIATE');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      const holder = readInfo(infoFiles[0]!) ?? readInfo(infoFiles[1]!);
      const who = holder ? `process ${holder.pid} (${holder.command}, since ${holder.since})` : 'another process';
      throw new AppError('ledger_locked', `The ledger ${ledgerPath} is in use by ${who}.`, {
        hint: 'Wait for it to finish and try again. The lock is released when that process ends, also if it crashes.',
      });
    }
    throw error;
  }
  const info: LockInfo = { pid: process.pid, command, since: new Date().toISOString() };
  for (const infoFile of infoFiles) {
    try {
      const tmp = `${infoFile}.${process.pid}.tmp`;
      fs.rmSync(tmp, { force: true });
      fs.writeFileSync(tmp, JSON.stringify(info), { mode: 0o600, flag: 'wx' });
      fs.renameSync(tmp, infoFile);
    } catch {
      /* the info file only names the holder in a message */
    }
  }
  held.set(file, { count: 1, db });
  return handle(true);
}

function releaseHeld(file: string, infoFiles: string[]): void {
  const entry = held.get(file);
  if (!entry) return;
  entry.count--;
  if (entry.count > 0) return;
  held.delete(file);
  // Remove our name before letting go, so a waiting command never names a finished one.
  for (const infoFile of infoFiles) if (readInfo(infoFile)?.pid === process.pid) fs.rmSync(infoFile, { force: true });
  if (entry.db.inTransaction) entry.db.exec('ROLLBACK');
  entry.db.close();
}

// ---------------------------------------------------------------------------------------------
// The claim inside the ledger

interface ClaimRow {
  holder: string;
  command: string;
  since: string;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Claims the ledger for this process (table `writer_lock`), waiting up to the lock wait for a
 * live holder to finish. A holder that is provably gone (crashed) is replaced. The env variable
 * PRE_INCASSO_BREAK_LOCK=<host:pid:start as shown> lets a person remove a claim of a process on
 * another machine that is known to be gone.
 */
export function claimLedger(db: Database.Database, ledgerPath: string, command: string): void {
  const me = formatIdentity(currentProcess());
  const deadline = Date.now() + waitMs();
  const select = db.prepare('SELECT holder, command, since FROM writer_lock WHERE id = 1');
  const upsert = db.prepare('INSERT INTO writer_lock (id, holder, command, since) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, command = excluded.command, since = excluded.since');
  for (;;) {
    const other = db.transaction((): ClaimRow | undefined => {
      const row = select.get() as ClaimRow | undefined;
      if (row && row.holder !== me) {
        const id = parseIdentity(row.holder);
        const broken = process.env.PRE_INCASSO_BREAK_LOCK !== undefined && process.env.PRE_INCASSO_BREAK_LOCK === row.holder;
        if (id && !isGone(id) && !broken) return row;
      }
      upsert.run(me, command.slice(0, 500), new Date().toISOString());
      return undefined;
    }).immediate();
    if (!other) return;
    if (Date.now() >= deadline) {
      const id = parseIdentity(other.holder);
      throw new AppError('ledger_locked', `The ledger ${ledgerPath} is in use by process ${id?.pid ?? '?'} on ${id?.host ?? '?'} (${other.command}, since ${other.since}), reached through another path to the same file.`, {
        hint: `Wait for it to finish and try again. If that process is gone (its machine restarted), run once with PRE_INCASSO_BREAK_LOCK='${other.holder}'.`,
      });
    }
    sleepSync(50);
  }
}

/** Removes this process's claim (the last thing before the ledger is closed). */
export function unclaimLedger(db: Database.Database): void {
  db.prepare('DELETE FROM writer_lock WHERE id = 1 AND holder = ?').run(formatIdentity(currentProcess()));
}
