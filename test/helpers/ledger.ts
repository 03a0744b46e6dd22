// Reading a test's ledger after the CLI wrote it: read-only, closed again at once.
import path from 'node:path';
import Database from 'better-sqlite3';

export function query<T = Record<string, unknown>>(dir: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(path.join(dir, 'pre-incasso.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}
