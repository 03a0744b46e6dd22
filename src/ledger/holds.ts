// The holds aggregate: a debtor or one invoice paused by the bookkeeper (with a reason, maybe
// until a date, maybe as a dispute). All SQL on `holds` for the commands and the planner.
import type { Db } from './ledger.js';
import { appendEvent } from './events.js';
import type { PlanHold } from '../domain/plan.js';

export function insertHold(db: Db, h: { debtor: string; invoice: string | null; reason: string; dispute: boolean; until: string | null }, today: string): number {
  const id = Number(
    db.prepare('INSERT INTO holds (debtor_number, invoice_number, reason, dispute, until, created_on) VALUES (?, ?, ?, ?, ?, ?)')
      .run(h.invoice ? null : h.debtor, h.invoice, h.reason, h.dispute ? 1 : 0, h.until, today).lastInsertRowid,
  );
  appendEvent(db, { kind: h.dispute ? 'dispute' : 'hold', today, debtor: h.debtor, invoice: h.invoice, data: { hold_id: id, reason: h.reason, until: h.until } });
  return id;
}

/** Releases the unreleased holds on one invoice, or (invoice null) those on the debtor itself; returns their ids. */
export function releaseHolds(db: Db, target: { debtor: string; invoice: string | null }, today: string): number[] {
  const ids = (target.invoice
    ? db.prepare('SELECT id FROM holds WHERE invoice_number = ? AND released_on IS NULL').pluck().all(target.invoice)
    : db.prepare('SELECT id FROM holds WHERE debtor_number = ? AND released_on IS NULL').pluck().all(target.debtor)) as number[];
  const release = db.prepare('UPDATE holds SET released_on = ? WHERE id = ?');
  for (const id of ids) {
    release.run(today, id);
    appendEvent(db, { kind: 'release', today, debtor: target.debtor, invoice: target.invoice, data: { hold_id: id } });
  }
  return ids;
}

/** Holds in force on `today` (not released, not expired), and how many of them are disputes. */
export function countActiveHolds(db: Db, today: string): { n: number; disputes: number } {
  return db
    .prepare('SELECT count(*) AS n, coalesce(sum(dispute), 0) AS disputes FROM holds WHERE released_on IS NULL AND (until IS NULL OR until > ?)')
    .get(today) as { n: number; disputes: number };
}

/** Active (unreleased) holds per debtor; expiry by date is decided by the account. */
export function readHolds(db: Db, debtor?: string): Map<string, PlanHold[]> {
  const rows = db
    .prepare(
      `SELECT coalesce(h.debtor_number, i.debtor_number) AS debtor, h.invoice_number, h.reason, h.dispute, h.until
       FROM holds h LEFT JOIN invoices i ON i.number = h.invoice_number
       WHERE h.released_on IS NULL ${debtor ? 'AND coalesce(h.debtor_number, i.debtor_number) = ?' : ''}
       ORDER BY h.id`,
    )
    .raw()
    .all(...(debtor ? [debtor] : [])) as [string, string | null, string, number, string | null][];
  const map = new Map<string, PlanHold[]>();
  for (const [d, invoice, reason, dispute, until] of rows) {
    const list = map.get(d) ?? [];
    list.push({ invoiceNumber: invoice, reason, dispute: dispute === 1, until });
    map.set(d, list);
  }
  return map;
}

/** What a hold's key names: the invoice with that number (and its debtor), the debtor with that number. */
export function lookUpHoldKey(db: Db, key: string): { invoice: { number: string; debtor: string } | null; debtor: string | null } {
  const invoice = db.prepare('SELECT number, debtor_number AS debtor FROM invoices WHERE number = ?').get(key) as { number: string; debtor: string } | undefined;
  const debtor = db.prepare('SELECT number FROM debtors WHERE number = ?').pluck().get(key) as string | undefined;
  return { invoice: invoice ?? null, debtor: debtor ?? null };
}
