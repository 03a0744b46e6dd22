// A copy of the ledger in memory, for a dry run that does exactly what the real command would:
// the ledger file is neither locked nor touched, and the copy is gone when it is closed.
import type Database from 'better-sqlite3';
import { openLedger, type Ledger } from './ledger.js';
import { openSqlite } from './sqlite.js';

export function openLedgerCopy(file: string, options: { command?: string } = {}): Ledger {
  const source = openLedger(file, { readonly: true, ...options });
  let db: Database.Database;
  try {
    db = openSqlite(source.db.serialize());
  } finally {
    source.close();
  }
  db.pragma('foreign_keys = ON');
  return { db, path: source.path, close: () => db.close() };
}
