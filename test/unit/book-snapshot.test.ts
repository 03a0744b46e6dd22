// The book snapshot every import and run records (issue 16: one grouped scan instead of two
// index walks) gives exactly the figures of the former statements, kept here as the reference:
// random books of open, handed-over, paid and closed invoices, credit notes (which the account
// sets off), due dates on both sides of today.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { openLedger, type Ledger } from '../../src/ledger/ledger.js';
import type { Db } from '../../src/ledger/ledger.js';
import { readAccountCorrections, recordBookSnapshot } from '../../src/ledger/report.js';
import { OpenBookGroups, openBookGroupRows } from '../../src/domain/report/open-book-groups.js';

const TODAY = '2026-11-23';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reimp-book-snapshot-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let shared: Ledger | null = null;
const ledger = (): Ledger => (shared ??= openLedger(path.join(dir, 'book.db'), { create: true, command: 'test' }));
afterAll(() => shared?.close());

/** The statements before issue 16, as they were: the reference. */
function referenceSnapshot(db: Db, today: string, source: 'import' | 'run'): { totals: unknown[]; debtors: unknown[][] } {
  const totals = db
    .prepare(
      `SELECT coalesce(sum(status = 'open'), 0), coalesce(sum(CASE WHEN status = 'open' THEN open_cents END), 0), coalesce(sum(status = 'open' AND due_date < :today), 0),
              coalesce(sum(CASE WHEN status = 'open' AND due_date < :today THEN open_cents END), 0), coalesce(sum(CASE WHEN status = 'handed_over' THEN open_cents END), 0),
              count(DISTINCT CASE WHEN status = 'open' THEN debtor_number END)
       FROM invoices WHERE status IN ('open', 'handed_over') AND open_cents <> 0`,
    )
    .raw()
    .get({ today }) as number[];
  const corrections = readAccountCorrections(db, today);
  for (const c of corrections) {
    const delta = c.accountCents - c.ledgerCents;
    if (c.status === 'handed_over') {
      totals[4]! += delta;
      continue;
    }
    const count = Number(c.accountCents !== 0) - Number(c.ledgerCents !== 0);
    totals[0]! += count;
    totals[1]! += delta;
    if (c.dueDate < today) (totals[2]! += count), (totals[3]! += delta);
  }
  if (source === 'run') return { totals, debtors: [] };
  const debtors = db
    .prepare(
      `SELECT debtor_number, sum(open_cents), sum(CASE WHEN open_cents > 0 AND due_date < :today THEN open_cents ELSE 0 END) AS overdue,
              max(CASE WHEN open_cents > 0 AND due_date < :today THEN CAST(julianday(:today) - julianday(due_date) AS INTEGER) ELSE 0 END)
       FROM invoices WHERE status = 'open' AND open_cents <> 0 GROUP BY debtor_number HAVING overdue > 0 ORDER BY debtor_number`,
    )
    .raw()
    .all({ today }) as [string, number, number, number][];
  for (const row of debtors) {
    for (const c of corrections) {
      if (c.status !== 'open' || c.debtor !== row[0]) continue;
      row[1] += c.accountCents - c.ledgerCents;
      if (c.dueDate < today) row[2] += Math.max(0, c.accountCents) - Math.max(0, c.ledgerCents);
    }
  }
  return { totals, debtors };
}

const invoiceArb = fc.record({
  debtor: fc.nat({ max: 5 }),
  status: fc.constantFrom('open', 'open', 'open', 'handed_over', 'paid', 'closed'),
  dueOffset: fc.integer({ min: -400, max: 60 }),
  amount: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 100_000 }) }, { weight: 1, arbitrary: fc.integer({ min: -30_000, max: -1 }) }),
  openShare: fc.constantFrom(0, 0.3, 1, 1),
});

/** A book of invoices written by `fill` into the shared ledger, inside a transaction rolled back afterwards. */
function inBook(fill: (put: (number: string, debtor: string, due: string, amount: number, open: number, status: string, line: number) => void) => void, check: (db: Db) => void): void {
  const db = ledger().db;
  db.exec('BEGIN');
  try {
    db.exec("INSERT INTO imports (id, kind, at, today, files) VALUES (1, 'invoices', '2026-11-01T08:00:00Z', '2026-11-01', '[]')");
    const debtor = db.prepare("INSERT OR IGNORE INTO debtors (number, name, type, language) VALUES (?, ?, 'consumer', 'nl')");
    const invoice = db.prepare(
      "INSERT INTO invoices (number, debtor_number, due_date, amount_cents, open_cents, status, source_file, source_line, import_id) VALUES (?, ?, ?, ?, ?, ?, 'x.csv', ?, 1)",
    );
    fill((number, d, due, amount, open, status, line) => {
      debtor.run(d, `Debiteur ${d}`);
      invoice.run(number, d, due, amount, open, status, line);
    });
    check(db);
  } finally {
    db.exec('ROLLBACK');
  }
}

/** What recordBookSnapshot stored under `id`. */
function stored(db: Db, id: number): { totals: unknown; debtors: unknown[] } {
  return {
    totals: db.prepare('SELECT open_invoices, open_cents, overdue_invoices, overdue_cents, handed_over_cents, debtors FROM book_snapshots WHERE id = ?').raw().get(id),
    debtors: db.prepare('SELECT debtor_number, open_cents, overdue_cents, max_days_late FROM book_snapshot_debtors WHERE snapshot_id = ? ORDER BY 1').raw().all(id),
  };
}

const dayFrom = (today: string, offset: number): string => new Date(Date.parse(`${today}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);

describe('recordBookSnapshot', () => {
  it('records the figures of the former statements, credit notes set off as the account does', () => {
    fc.assert(
      fc.property(fc.array(invoiceArb, { maxLength: 40 }), fc.constantFrom('import' as const, 'run' as const), (invoices, source) => {
        inBook(
          (put) =>
            invoices.forEach((inv, i) => {
              const open = inv.amount < 0 ? (inv.status === 'paid' ? 0 : inv.amount) : inv.status === 'paid' ? 0 : Math.round(inv.amount * inv.openShare);
              put(`F${i}`, `D${inv.debtor}`, dayFrom(TODAY, inv.dueOffset), inv.amount, open, inv.status, i + 2);
            }),
          (db) => {
            const expected = referenceSnapshot(db, TODAY, source);
            expect(stored(db, recordBookSnapshot(db, TODAY, source, 7))).toEqual(expected);
          },
        );
      }),
      { numRuns: 100 },
    );
  });

  it('a first load: the open book the reading thread sums as it sends the rows is the one the ledger groups', () => {
    // What a first load writes: `open`, or `paid` when nothing is open; claims and credit notes,
    // due dates on both sides of today (and today itself), debtors met in any order.
    const firstLoadRow = fc.record({
      debtor: fc.nat({ max: 7 }),
      dueOffset: fc.integer({ min: -800, max: 60 }),
      amount: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 100_000 }) }, { weight: 1, arbitrary: fc.integer({ min: -30_000, max: -1 }) }),
      openShare: fc.constantFrom(0, 0.5, 1, 1),
    });
    fc.assert(
      fc.property(fc.array(firstLoadRow, { maxLength: 40 }), fc.constantFrom('2026-11-23', '2024-02-29', '2027-01-01'), (rows, today) => {
        const summed = new OpenBookGroups(today);
        inBook(
          (put) =>
            rows.forEach((r, i) => {
              const due = dayFrom(today, r.dueOffset);
              const open = Math.round(r.amount * r.openShare);
              put(`F${i}`, `D${r.debtor}`, due, r.amount, open, open === 0 ? 'paid' : 'open', i + 2);
              summed.add(`D${r.debtor}`, due, open);
            }),
          (db) => {
            const grouped = stored(db, recordBookSnapshot(db, today, 'import', 7));
            // Through the wire as the writer thread gets it (a structured clone).
            const wire = structuredClone(summed.toWire());
            expect(stored(db, recordBookSnapshot(db, today, 'import', 7, openBookGroupRows(wire)))).toEqual(grouped);
          },
        );
      }),
      { numRuns: 150 },
    );
  });
});
