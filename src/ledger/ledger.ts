// Opening the SQLite ledger: file mode 0600, migrations, refusal of newer schemas, and the
// single-writer lock that keeps two cron runs from both sending letters.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../cli/errors.js';
import { LATEST_VERSION, migrations } from './migrations/index.js';
import { acquireLock, type LockHandle } from './lock.js';

export type Db = Database.Database;

export interface OpenLedgerOptions {
  /** Create the file when it does not exist (writing commands do; reading ones do not). */
  create?: boolean;
  /** Open for reading only: no lock, no writes; the file stays byte-identical. */
  readonly?: boolean;
  /** The command line, recorded in the lock file so a waiting run can name the holder. */
  command?: string;
}

export interface Ledger {
  db: Db;
  path: string;
  close(): void;
}

const BUSY_TIMEOUT_MS = 5_000;

export function openLedger(file: string, options: OpenLedgerOptions = {}): Ledger {
  const full = path.resolve(file);
  const exists = fs.existsSync(full);
  if (!exists && !options.create) {
    throw new AppError('ledger_missing', `No ledger at ${full}.`, {
      hint: 'Run `pre-incasso init` to create one, or `pre-incasso import <file>` to start it with invoices.',
    });
  }
  let lock: LockHandle | undefined;
  if (!options.readonly) lock = acquireLock(full, options.command ?? 'pre-incasso');
  try {
    if (!exists) createEmptyFile(full);
    const version = readVersion(full);
    if (version > LATEST_VERSION) {
      throw new AppError('ledger_newer', `The ledger ${full} has schema version ${version}; this pre-incasso knows up to ${LATEST_VERSION}.`, {
        hint: 'It was written by a newer pre-incasso. Upgrade pre-incasso; do not edit the ledger by hand.',
      });
    }
    if (version < LATEST_VERSION && options.readonly) {
      // A read-only command on an old ledger: migrate once under the lock, then read.
      const writer = openLedger(full, { command: options.command ?? 'pre-incasso (migration)' });
      writer.close();
    }
    const db = new Database(full, { readonly: options.readonly === true, fileMustExist: true });
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('foreign_keys = ON');
    if (!options.readonly) {
      db.pragma('journal_mode = DELETE');
      db.pragma('synchronous = FULL');
      // 64 MB of page cache: a million-row import touches the invoice indexes all over.
      db.pragma('cache_size = -65536');
      if (version < LATEST_VERSION) migrate(db, full, version);
      fs.chmodSync(full, 0o600);
    }
    return {
      db,
      path: full,
      close() {
        if (db.open) db.close();
        lock?.release();
      },
    };
  } catch (error) {
    lock?.release();
    throw asLedgerError(error, full);
  }
}

function createEmptyFile(full: string): void {
  fs.mkdirSync(path.dirname(full), { recursive: true });
  // Created 0600 before SQLite touches it: the ledger holds personal data (AVG art. 32).
  fs.closeSync(fs.openSync(full, 'wx', 0o600));
}

function readVersion(full: string): number {
  const db = new Database(full, { readonly: true, fileMustExist: true });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > 0) {
      // A ledger from this tool has a `events` table; anything else is not ours.
      const ok = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").get();
      if (!ok) throw new AppError('ledger_corrupt', `${full} is a SQLite file but not a pre-incasso ledger.`, { hint: 'Check --ledger or the `ledger` setting in the config.' });
    } else {
      const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master").get() as { n: number };
      if (tables.n > 0) throw new AppError('ledger_corrupt', `${full} is a SQLite file but not a pre-incasso ledger.`, { hint: 'Check --ledger or the `ledger` setting in the config.' });
    }
    return version;
  } finally {
    db.close();
  }
}

function migrate(db: Db, full: string, from: number): void {
  if (from > 0) {
    // An older ledger: keep a copy before changing its shape, so an upgrade can be undone.
    const backup = `${full}.v${from}.backup`;
    fs.copyFileSync(full, backup);
    fs.chmodSync(backup, 0o600);
  }
  for (const migration of migrations) {
    if (migration.version <= from) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}

function asLedgerError(error: unknown, full: string): unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: string }).code ?? '';
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

/** Maps a SQLite busy error thrown later (inside a transaction) to the ledger error. */
export function ledgerError(error: unknown, full: string): unknown {
  return asLedgerError(error, full);
}
