// Opening the SQLite ledger: file mode 0600, migrations, refusal of newer schemas, and the
// single-writer lock that keeps two cron runs from both sending letters.
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { AppError } from '../errors.js';
import { openSqlite } from './sqlite.js';
import { LATEST_VERSION, migrations } from './migrations/index.js';
import { acquireLock, claimLedger, unclaimLedger, type LockHandle } from './lock.js';
import { ensureDir, fsyncDir } from '../platform/files.js';
import { environmentError, noteLedgerPath } from '../platform/errors.js';

export type Db = Database.Database;

export interface OpenLedgerOptions {
  /** Create the file when it does not exist (writing commands do; reading ones do not). */
  create?: boolean;
  /** Open for reading only: no lock, no writes; the file stays byte-identical. */
  readonly?: boolean;
  /** The command line, recorded in the lock file so a waiting run can name the holder. */
  command?: string;
  /** How long to wait for another writer's lock (default PRE_INCASSO_LOCK_WAIT_MS or 3 s); 0: not at all. */
  lockWaitMs?: number;
}

export interface Ledger {
  db: Db;
  path: string;
  close(): void;
}

const BUSY_TIMEOUT_MS = 5_000;

export function openLedger(file: string, options: OpenLedgerOptions = {}): Ledger {
  const full = path.resolve(file);
  noteLedgerPath(full);
  if (!fs.existsSync(full) && !options.create) {
    throw new AppError('ledger_missing', `No ledger at ${full}.`, {
      hint: 'Run `pre-incasso init` to create one, or `pre-incasso import <file>` to start it with invoices.',
    });
  }
  if (options.readonly) {
    if (fs.statSync(full, { throwIfNoEntry: false })?.isDirectory()) {
      throw environmentError(Object.assign(new Error('is a directory'), { code: 'EISDIR', path: full }), { role: 'ledger', path: full })!;
    }
    try {
      return openReader(full, options);
    } catch (error) {
      // A writer was killed mid-commit and left a hot journal: a read-only connection may not
      // roll it back. Let a writer (under the lock) restore the last committed state first.
      if ((error as { code?: string }).code !== 'SQLITE_READONLY_ROLLBACK') throw asLedgerError(error, full);
      openLedger(full, { command: options.command ?? 'pre-incasso (recovery)' }).close();
      return openReader(full, options);
    }
  }
  if (fs.statSync(full, { throwIfNoEntry: false })?.isDirectory()) {
    throw environmentError(Object.assign(new Error('is a directory'), { code: 'EISDIR', path: full }), { role: 'ledger', path: full })!;
  }
  let lock: LockHandle;
  try {
    // Created (empty, 0600) before the lock: the lock is named after the file's inode.
    if (!fs.existsSync(full)) createEmptyFile(full);
    lock = acquireLock(full, options.command ?? 'pre-incasso', options.lockWaitMs);
  } catch (error) {
    throw asLedgerError(error, full);
  }
  let claimed = false;
  try {
    // Read-write from the first statement: that is what rolls back a hot journal left by a crash.
    const db = openSqlite(full, { fileMustExist: true });
    try {
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      const version = checkLedger(db, full);
      db.pragma('foreign_keys = ON');
      db.pragma('journal_mode = DELETE');
      db.pragma('synchronous = FULL');
      // 64 MB of page cache: a million-row import touches the invoice indexes all over.
      db.pragma('cache_size = -65536');
      if (version < LATEST_VERSION) migrate(db, full, version);
      fs.chmodSync(full, 0o600);
      // A hard link elsewhere reaches the file without meeting the lock file: claim it inside.
      if (lock.outermost && fs.statSync(full).nlink > 1) {
        claimLedger(db, full, options.command ?? 'pre-incasso');
        claimed = true;
      }
    } catch (error) {
      db.close();
      throw error;
    }
    return {
      db,
      path: full,
      close() {
        if (db.open) {
          if (claimed) {
            try {
              if (db.inTransaction) db.exec('ROLLBACK');
              unclaimLedger(db);
            } catch {
              // A full or read-only disk: the claim stays, and the next writer sees that this
              // process is gone and takes it over.
            }
          }
          db.close();
        }
        lock.release();
      },
    };
  } catch (error) {
    lock.release();
    throw asLedgerError(error, full);
  }
}

/**
 * A second read-write connection to a ledger this process already holds open with `openLedger`
 * (and so holds the lock of): for a worker thread that owns the write transaction of an import.
 * The same settings as the first connection; the caller keeps the first one (and the lock) open
 * until this one is closed.
 */
export function openLockedConnection(full: string): Db {
  const db = openSqlite(full, { fileMustExist: true });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = FULL');
    db.pragma('cache_size = -65536');
    return db;
  } catch (error) {
    db.close();
    throw asLedgerError(error, full);
  }
}

function openReader(full: string, options: OpenLedgerOptions): Ledger {
  let db = openSqlite(full, { readonly: true, fileMustExist: true });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (checkLedger(db, full) < LATEST_VERSION) {
      // A read-only command on an old ledger: migrate once under the lock, then read.
      db.close();
      openLedger(full, { command: options.command ?? 'pre-incasso (migration)' }).close();
      db = openSqlite(full, { readonly: true, fileMustExist: true });
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
    db.pragma('foreign_keys = ON');
    // A dry run or status reads every open invoice in debtor order: 64 MB of page cache, and the
    // file mapped (read-only) so pages are not copied into the cache one by one.
    db.pragma('cache_size = -65536');
    db.pragma('mmap_size = 268435456');
  } catch (error) {
    if (db.open) db.close();
    throw error;
  }
  const reader = db;
  return {
    db: reader,
    path: full,
    close() {
      if (reader.open) reader.close();
    },
  };
}

function createEmptyFile(full: string): void {
  ensureDir(path.dirname(full));
  // Created 0600 before SQLite touches it: the ledger holds personal data (AVG art. 32).
  try {
    fs.closeSync(fs.openSync(full, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** The schema version, after checking the file is a ledger of this tool and not too new. */
function checkLedger(db: Db, full: string): number {
  const version = db.pragma('user_version', { simple: true }) as number;
  const notOurs = (): AppError =>
    new AppError('ledger_corrupt', `${full} is a SQLite file but not a pre-incasso ledger.`, { hint: 'Check --ledger or the `ledger` setting in the config.' });
  if (version > 0) {
    // A ledger from this tool has an `events` table; anything else is not ours.
    if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").get()) throw notOurs();
  } else if ((db.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: number }).n > 0) {
    throw notOurs();
  }
  if (version > LATEST_VERSION) {
    throw new AppError('ledger_newer', `The ledger ${full} has schema version ${version}; this pre-incasso knows up to ${LATEST_VERSION}.`, {
      hint: 'It was written by a newer pre-incasso. Upgrade pre-incasso; do not edit the ledger by hand.',
    });
  }
  return version;
}

function migrate(db: Db, full: string, from: number): void {
  if (from > 0) {
    // An older ledger: keep a copy before changing its shape, so an upgrade can be undone.
    const backup = `${full}.v${from}.backup`;
    // Copied to a new temp name (never through a planted symlink), then renamed into place.
    const tmp = `${backup}.${process.pid}.tmp`;
    fs.rmSync(tmp, { force: true });
    fs.copyFileSync(full, tmp, fs.constants.COPYFILE_EXCL);
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, backup);
    fsyncDir(path.dirname(backup));
  }
  const runAll = (): void => {
    for (const migration of migrations) {
      if (migration.version <= from) continue;
      db.transaction(() => {
        db.exec(migration.sql);
        db.pragma(`user_version = ${migration.version}`);
      })();
    }
  };
  // A new ledger has nothing to keep between the steps: one transaction (each step a savepoint)
  // and one sync instead of one per migration, which was most of the time to create it.
  if (from === 0) db.transaction(runAll)();
  else runAll();
}

function asLedgerError(error: unknown, full: string): unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: string }).code ?? '';
  const environment = environmentError(error, { role: 'ledger', path: full });
  if (environment) return environment;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new AppError('ledger_corrupt', `The ledger ${full} is not a readable SQLite database (${code}).`, {
      hint: 'Restore it from a backup; `pre-incasso doctor` checks integrity.',
      cause: error,
    });
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new AppError('ledger_locked', `The ledger ${full} is busy: another process holds a write lock.`, {
      hint: 'Wait for the other pre-incasso command to finish, then try again.',
      cause: error,
    });
  }
  return error;
}
