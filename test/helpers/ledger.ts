// Ledgers in tests: reading the one the CLI wrote (query), and building one by hand for the unit
// tests (a fresh file with every migration, then rows with exactly the columns a test names).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openLedger, type Db, type Ledger } from '../../src/ledger/ledger.js';

export function query<T = Record<string, unknown>>(dir: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(path.join(dir, 'pre-incasso.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

export interface TempLedger {
  dir: string;
  file: string;
  ledger: Ledger;
  /** Closes the ledger and removes its folder. */
  remove(): void;
}

/** A new ledger file `name` in a fresh folder `<tmp>/<prefix>XXXXXX`. */
export function tempLedger(prefix: string, name = 'pre-incasso.db'): TempLedger {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const file = path.join(dir, name);
  const ledger = openLedger(file, { create: true });
  return {
    dir,
    file,
    ledger,
    remove() {
      ledger.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One row with exactly these columns (the rest take the schema's defaults); returns its rowid. */
export function insertRow(db: Db, table: string, row: Record<string, unknown>): number {
  const columns = Object.keys(row);
  const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
  return Number(db.prepare(sql).run(...columns.map((c) => row[c])).lastInsertRowid);
}

/** The invoice import (id 1) that a hand-made ledger's invoices point at. */
export function addImport(db: Db, row: { at: string; today: string; files?: string }): void {
  insertRow(db, 'imports', { id: 1, kind: 'invoices', at: row.at, today: row.today, files: row.files ?? '[]' });
}

/** A debtor row: a Dutch-speaking consumer unless the row says otherwise. */
export function addDebtor(db: Db, row: { number: string; name: string } & Record<string, unknown>): void {
  insertRow(db, 'debtors', { type: 'consumer', language: 'nl', ...row });
}

/** An invoice row of import 1, line 1 of its source file, all of it open unless the row says otherwise. */
export function addInvoice(db: Db, row: { number: string; debtor_number: string; due_date: string; amount_cents: number; source_file: string } & Record<string, unknown>): void {
  insertRow(db, 'invoices', { open_cents: row.amount_cents, source_line: 1, import_id: 1, ...row });
}
