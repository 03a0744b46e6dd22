// The first load of an import (issue 16): the invoice indexes are dropped inside the transaction
// and built again before COMMIT, foreign keys are checked once as a set, and an orphan refuses
// the import. On a real ledger file (openLedger, all migrations).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLedger, type Ledger } from '../../src/ledger/ledger.js';
import { InvoiceBulkLoad, foreignKeyOrphans } from '../../src/ledger/invoice-bulk-load.js';
import { AppError } from '../../src/errors.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imp-bulk-load-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
function ledger(): Ledger {
  return openLedger(path.join(dir, `l${++n}.db`), { create: true, command: 'test' });
}
const indexes = (l: Ledger): { name: string; sql: string }[] =>
  l.db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'invoices' AND sql IS NOT NULL ORDER BY name").all() as { name: string; sql: string }[];
const foreignKeys = (l: Ledger): number => l.db.pragma('foreign_keys', { simple: true }) as number;

function addImport(l: Ledger): void {
  l.db.prepare("INSERT INTO imports (id, kind, at, today, files) VALUES (1, 'invoices', '2026-11-01T00:00:00Z', '2026-11-01', '[]')").run();
}
function addDebtor(l: Ledger, number: string): void {
  l.db.prepare("INSERT INTO debtors (number, name, type, language, import_id) VALUES (?, ?, 'consumer', 'nl', 1)").run(number, `Debiteur ${number}`);
}
function addInvoice(l: Ledger, number: string, debtor: string): void {
  l.db
    .prepare("INSERT INTO invoices (number, debtor_number, due_date, amount_cents, open_cents, source_file, source_line, import_id) VALUES (?, ?, '2026-10-01', 1000, 1000, 'x.csv', 2, 1)")
    .run(number, debtor);
}

describe('a first load', () => {
  it('drops the status-share triggers during the load, builds the same ones again, and deletes every stored share once', () => {
    const l = ledger();
    try {
      const triggers = (): { name: string; sql: string }[] =>
        l.db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'debtor_status_%' ORDER BY name").all() as { name: string; sql: string }[];
      const before = triggers();
      expect(before.map((t) => t.name)).toEqual(expect.arrayContaining(['debtor_status_invoices_insert', 'debtor_status_debtors_update']));
      addImport(l);
      addDebtor(l, 'D0');
      l.db.prepare("INSERT INTO debtor_status (debtor_number, planned_on, fingerprint, summary) VALUES ('D0', '2026-11-01', 'f', NULL)").run();
      const bulk = InvoiceBulkLoad.prepare(l.db)!;
      l.db.exec('BEGIN IMMEDIATE');
      bulk.begin();
      expect(triggers().filter((t) => ['invoices', 'debtors'].some((table) => t.name.startsWith(`debtor_status_${table}_`)))).toEqual([]);
      addDebtor(l, 'D1');
      for (let i = 0; i < 20; i++) addInvoice(l, `F${i}`, 'D1');
      bulk.finish();
      l.db.exec('COMMIT');
      bulk.close();
      expect(triggers()).toEqual(before);
      expect(l.db.prepare('SELECT count(*) FROM debtor_status').pluck().get()).toBe(0);
      // The triggers work again after the load.
      l.db.prepare("INSERT INTO debtor_status (debtor_number, planned_on, fingerprint, summary) VALUES ('D1', '2026-11-01', 'f', NULL)").run();
      addInvoice(l, 'F99', 'D1');
      expect(l.db.prepare('SELECT count(*) FROM debtor_status').pluck().get()).toBe(0);
    } finally {
      l.close();
    }
  });

  it('drops the invoice indexes inside the transaction and builds the same ones again before COMMIT', () => {
    const l = ledger();
    try {
      const before = indexes(l);
      expect(before.map((i) => i.name)).toEqual(expect.arrayContaining(['invoices_debtor', 'invoices_open_amount']));
      const bulk = InvoiceBulkLoad.prepare(l.db)!;
      expect(bulk).not.toBeNull();
      expect(foreignKeys(l)).toBe(0);
      // A small page cache while the rows are appended (the load's memory), the large one after.
      expect(l.db.pragma('cache_size', { simple: true })).toBe(-8192);
      l.db.exec('BEGIN IMMEDIATE');
      bulk.begin();
      // Only the partial index no imported row can enter (status 'handed_over') stays live.
      expect(indexes(l).map((i) => i.name)).toEqual(['invoices_handed_over']);
      addImport(l);
      addDebtor(l, 'D1');
      for (let i = 0; i < 50; i++) addInvoice(l, `F${i}`, 'D1');
      bulk.finish();
      expect(indexes(l)).toEqual(before);
      l.db.exec('COMMIT');
      bulk.close();
      expect(foreignKeys(l)).toBe(1);
      expect(l.db.pragma('cache_size', { simple: true })).toBe(-65536);
      // The rebuilt index answers: the debtor's invoices are found through it.
      const plan = l.db.prepare("EXPLAIN QUERY PLAN SELECT number FROM invoices WHERE debtor_number = 'D1'").all() as { detail: string }[];
      expect(plan.map((p) => p.detail).join(' ')).toContain('invoices_debtor');
      expect(l.db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      l.close();
    }
  });

  it('refuses an invoice whose debtor does not exist, and the rollback brings the indexes back', () => {
    const l = ledger();
    try {
      const before = indexes(l);
      const bulk = InvoiceBulkLoad.prepare(l.db)!;
      l.db.exec('BEGIN IMMEDIATE');
      bulk.begin();
      addImport(l);
      addDebtor(l, 'D1');
      addInvoice(l, 'F1', 'D1');
      // Foreign keys are off for the load: SQLite takes the orphan, the check before COMMIT must not.
      addInvoice(l, 'F2', 'NOBODY');
      let error: unknown;
      try {
        bulk.finish();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).message).toMatch(/invoices\.debtor_number = "NOBODY" has no row in debtors.*nothing was imported/);
      l.db.exec('ROLLBACK');
      bulk.close();
      expect(foreignKeys(l)).toBe(1);
      expect(l.db.prepare('SELECT count(*) AS n FROM invoices').get()).toEqual({ n: 0 });
      expect(indexes(l)).toEqual(before);
    } finally {
      l.close();
    }
  });

  it('the set check finds every kind of orphan the written tables can have', () => {
    const l = ledger();
    try {
      l.db.pragma('foreign_keys = OFF');
      addImport(l);
      addDebtor(l, 'D1');
      addInvoice(l, 'F1', 'D1');
      expect(foreignKeyOrphans(l.db)).toEqual([]);
      l.db.prepare("INSERT INTO debtors (number, name, type, language, import_id) VALUES ('D2', 'X', 'consumer', 'nl', 99)").run();
      l.db.prepare("INSERT INTO book_snapshot_debtors (snapshot_id, debtor_number, open_cents, overdue_cents, max_days_late) VALUES (77, 'D1', 1000, 1000, 3)").run();
      addInvoice(l, 'F3', 'D3');
      addInvoice(l, 'F4', 'D4');
      expect(foreignKeyOrphans(l.db)).toEqual([
        { table: 'debtors', column: 'import_id', parent: 'imports', value: 99, count: 1 },
        { table: 'invoices', column: 'debtor_number', parent: 'debtors', value: 'D3', count: 2 },
        { table: 'book_snapshot_debtors', column: 'snapshot_id', parent: 'book_snapshots', value: 77, count: 1 },
      ]);
    } finally {
      l.close();
    }
  });

  it('a ledger that has invoices is no first load: foreign keys stay on, indexes stay', () => {
    const l = ledger();
    try {
      addImport(l);
      addDebtor(l, 'D1');
      addInvoice(l, 'F1', 'D1');
      expect(InvoiceBulkLoad.prepare(l.db)).toBeNull();
      expect(foreignKeys(l)).toBe(1);
    } finally {
      l.close();
    }
  });
});
