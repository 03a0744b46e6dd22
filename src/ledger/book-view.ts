// Reading the book for the bookkeeper's lists: debtors and invoices with their stage, open
// amount, age and holds, and one debtor whole. Read-only; every query is here.
//
// The per-claim figures come from one function, `claimFigures`: the ledger's tables, with the
// open amount of every claim a credit note is set off against taken from the debtor's account
// (src/domain/account.ts), so the lists agree with explain, status and the handover.
import { readAccountCorrections } from './report.js';
import type { Db } from './ledger.js';
import { nameKey } from '../domain/name-key.js';

export interface ClaimFigure {
  invoice: string;
  debtor: string;
  issueDate: string | null;
  dueDate: string;
  amountCents: number;
  openCents: number;
  status: string;
  stageIndex: number | null;
  stageDate: string | null;
  /** Days past the due date on `today` (0 when not yet due). */
  daysOverdue: number;
  held: boolean;
  disputed: boolean;
  reference: string | null;
}

const CLAIMS_SQL = `
SELECT i.number, i.debtor_number, i.issue_date, i.due_date, i.amount_cents, i.open_cents, i.status, i.stage_index, i.stage_date,
       max(0, CAST(julianday(:today) - julianday(i.due_date) AS INTEGER)) AS overdue,
       EXISTS (SELECT 1 FROM holds h WHERE h.released_on IS NULL AND (h.until IS NULL OR h.until > :today)
                 AND (h.invoice_number = i.number OR h.debtor_number = i.debtor_number)) AS held,
       EXISTS (SELECT 1 FROM holds h WHERE h.released_on IS NULL AND h.dispute = 1 AND (h.until IS NULL OR h.until > :today)
                 AND (h.invoice_number = i.number OR h.debtor_number = i.debtor_number)) AS disputed,
       i.reference
FROM invoices i %WHERE% ORDER BY i.debtor_number, i.due_date, i.number`;

/** Every invoice's figures as the ledger holds them (optionally of one debtor). */
export function claimFigures(db: Db, today: string, debtor?: string): ClaimFigure[] {
  const sql = CLAIMS_SQL.replace('%WHERE%', debtor === undefined ? '' : 'WHERE i.debtor_number = :debtor');
  const rows = db.prepare(sql).raw().all(debtor === undefined ? { today } : { today, debtor }) as [
    string, string, string | null, string, number, number, string, number | null, string | null, number, number, number, string | null,
  ][];
  // The stored open amount is the export's; where the account sets a credit note off against a
  // claim (issue 10), the account's figure is the one every command shows.
  const corrected = new Map(readAccountCorrections(db, today).map((c) => [c.invoice, c.accountCents]));
  return rows.map(([invoice, d, issueDate, dueDate, amountCents, openCents, status, stageIndex, stageDate, overdue, held, disputed, reference]) => ({
    invoice, debtor: d, issueDate, dueDate, amountCents, openCents: corrected.get(invoice) ?? openCents, status, stageIndex, stageDate, daysOverdue: overdue, held: held === 1, disputed: disputed === 1, reference,
  }));
}

export interface DebtorRow {
  number: string;
  name: string;
  type: string;
  email: string | null;
  channel: string | null;
  language: string;
  street: string | null;
  postcode: string | null;
  city: string | null;
  country: string;
  phone: string | null;
  contactPerson: string | null;
  kvk: string | null;
  vatNumber: string | null;
  iban: string | null;
  note: string | null;
}

const DEBTOR_SQL = `SELECT number, name, type, email, channel, language, street, postcode, city, country, phone, contact_person AS contactPerson,
  kvk, vat_number AS vatNumber, iban, note FROM debtors`;

export function readDebtors(db: Db): DebtorRow[] {
  return db.prepare(`${DEBTOR_SQL} ORDER BY number`).all() as DebtorRow[];
}

export function readDebtor(db: Db, number: string): DebtorRow | undefined {
  return db.prepare(`${DEBTOR_SQL} WHERE number = ?`).get(number) as DebtorRow | undefined;
}

export function correctedFields(db: Db, debtor: string): { field: string; value: string | null; at: string; today: string }[] {
  return db.prepare('SELECT field, value, at, today FROM debtor_corrections WHERE debtor_number = ? ORDER BY field').all(debtor) as {
    field: string; value: string | null; at: string; today: string;
  }[];
}

/** Name keys of the counterparties of payments with money not allocated and not ignored. */
export function unmatchedPayerKeys(db: Db): Set<string> {
  const names = db
    .prepare(
      `SELECT p.counterparty_name FROM payments p
       WHERE p.counterparty_name IS NOT NULL AND p.id NOT IN (SELECT payment_id FROM payments_ignored)
         AND p.amount_cents > coalesce((SELECT sum(amount_cents) FROM allocations a WHERE a.payment_id = p.id), 0)`,
    )
    .pluck()
    .all() as string[];
  return new Set(names.map(nameKey).filter((k) => k !== ''));
}

export interface LetterRow {
  id: number;
  run: number;
  date: string;
  stage: string;
  channels: string[];
  amountCents: number;
  pdfSha256: string | null;
  printedAt: string | null;
  posted: string | null;
  withdrawn: { reason: string; at: string } | null;
  mail: { outboxId: number; to: string; state: string; withdrawn: boolean; sentAt: string | null; emlSha256: string | null; attempts: number; lastError: string | null } | null;
  invoices: string[];
}

/** The name of a posting column on letters, if the law work added one (`posted_on`, …). */
export function postedColumn(db: Db): string | null {
  const cols = (db.prepare('PRAGMA table_info(letters)').all() as { name: string }[]).map((c) => c.name);
  return ['posted_on', 'posted_at', 'posted_date', 'posted'].find((c) => cols.includes(c)) ?? null;
}

export function readLetters(db: Db, where: { debtor?: string; letterId?: number }): LetterRow[] {
  const posted = postedColumn(db);
  const cond: string[] = [];
  const params: unknown[] = [];
  if (where.debtor !== undefined) (cond.push('l.debtor_number = ?'), params.push(where.debtor));
  if (where.letterId !== undefined) (cond.push('l.id = ?'), params.push(where.letterId));
  const rows = db
    .prepare(
      `SELECT l.id, l.run_id, l.date, l.stage_id, l.channels, l.amount_cents, l.pdf_sha256, l.printed_at, ${posted ? `l.${posted}` : 'NULL'} AS posted,
              w.reason AS w_reason, w.at AS w_at,
              o.id AS o_id, o.to_address, o.state, o.sent_at, o.eml_sha256, o.attempts, o.last_error, ow.outbox_id IS NOT NULL AS o_withdrawn,
              (SELECT group_concat(invoice_number, ',') FROM letter_invoices li WHERE li.letter_id = l.id AND li.role = 'due') AS invoices
       FROM letters l LEFT JOIN letter_withdrawals w ON w.letter_id = l.id
       LEFT JOIN outbox o ON o.letter_id = l.id LEFT JOIN outbox_withdrawn ow ON ow.outbox_id = o.id
       ${cond.length ? `WHERE ${cond.join(' AND ')}` : ''} ORDER BY l.date, l.id`,
    )
    .all(...params) as Record<string, unknown>[];
  return rows.map((r) => ({
    id: r.id as number,
    run: r.run_id as number,
    date: r.date as string,
    stage: r.stage_id as string,
    channels: JSON.parse(r.channels as string) as string[],
    amountCents: r.amount_cents as number,
    pdfSha256: (r.pdf_sha256 as string | null) ?? null,
    printedAt: (r.printed_at as string | null) ?? null,
    posted: r.posted === null || r.posted === undefined ? null : String(r.posted),
    withdrawn: r.w_reason ? { reason: r.w_reason as string, at: r.w_at as string } : null,
    mail: r.o_id
      ? {
          outboxId: r.o_id as number, to: r.to_address as string, state: r.state as string, withdrawn: r.o_withdrawn === 1,
          sentAt: (r.sent_at as string | null) ?? null, emlSha256: (r.eml_sha256 as string | null) ?? null, attempts: r.attempts as number, lastError: (r.last_error as string | null) ?? null,
        }
      : null,
    invoices: r.invoices ? String(r.invoices).split(',') : [],
  }));
}

export interface PaymentRow {
  id: number;
  date: string;
  amountCents: number;
  counterpartyName: string | null;
  reference: string | null;
  allocations: { invoice: string; amountCents: number; method: string }[];
  ignored: string | null;
}

export function readDebtorPayments(db: Db, debtor: string): PaymentRow[] {
  const rows = db
    .prepare(
      `SELECT p.id, p.date, p.amount_cents, p.counterparty_name, p.reference, a.invoice_number, a.amount_cents AS allocated, a.method, pi.reason AS ignored
       FROM payments p JOIN allocations a ON a.payment_id = p.id JOIN invoices i ON i.number = a.invoice_number
       LEFT JOIN payments_ignored pi ON pi.payment_id = p.id
       WHERE i.debtor_number = ? ORDER BY p.date, p.id, a.invoice_number`,
    )
    .all(debtor) as { id: number; date: string; amount_cents: number; counterparty_name: string | null; reference: string | null; invoice_number: string; allocated: number; method: string; ignored: string | null }[];
  const map = new Map<number, PaymentRow>();
  for (const r of rows) {
    const p = map.get(r.id) ?? { id: r.id, date: r.date, amountCents: r.amount_cents, counterpartyName: r.counterparty_name, reference: r.reference, allocations: [], ignored: r.ignored };
    p.allocations.push({ invoice: r.invoice_number, amountCents: r.allocated, method: r.method });
    map.set(r.id, p);
  }
  return [...map.values()];
}

export interface HoldRow {
  id: number;
  invoice: string | null;
  reason: string;
  dispute: boolean;
  until: string | null;
  createdOn: string;
  releasedOn: string | null;
}

export function readDebtorHolds(db: Db, debtor: string): HoldRow[] {
  return (
    db
      .prepare(
        `SELECT h.id, h.invoice_number, h.reason, h.dispute, h.until, h.created_on, h.released_on FROM holds h LEFT JOIN invoices i ON i.number = h.invoice_number
         WHERE coalesce(h.debtor_number, i.debtor_number) = ? ORDER BY h.id`,
      )
      .all(debtor) as { id: number; invoice_number: string | null; reason: string; dispute: number; until: string | null; created_on: string; released_on: string | null }[]
  ).map((h) => ({ id: h.id, invoice: h.invoice_number, reason: h.reason, dispute: h.dispute === 1, until: h.until, createdOn: h.created_on, releasedOn: h.released_on }));
}

export interface EventRow {
  id: number;
  at: string;
  today: string;
  kind: string;
  invoice: string | null;
  data: Record<string, unknown>;
}

/** The debtor's history: events on the debtor or on any of its invoices, oldest first. */
export function readDebtorEvents(db: Db, debtor: string): EventRow[] {
  return (
    db
      .prepare(
        `SELECT id, at, today, kind, invoice_number, data FROM events WHERE debtor_number = ?
         UNION SELECT id, at, today, kind, invoice_number, data FROM events WHERE invoice_number IN (SELECT number FROM invoices WHERE debtor_number = ?)
         ORDER BY id`,
      )
      .all(debtor, debtor) as { id: number; at: string; today: string; kind: string; invoice_number: string | null; data: string }[]
  ).map((e) => ({ id: e.id, at: e.at, today: e.today, kind: e.kind, invoice: e.invoice_number, data: JSON.parse(e.data) as Record<string, unknown> }));
}

export interface PostCounts {
  notPrinted: number;
  printedNotPosted: number;
  posted: number;
  /** Whether the ledger records posting at all (a `posted` column on letters). */
  postingRecorded: boolean;
}

/** Post letters not withdrawn: not printed yet, printed but not recorded as posted, posted. */
export function postLetterCounts(db: Db, debtor?: string): PostCounts {
  const posted = postedColumn(db);
  const row = db
    .prepare(
      `SELECT coalesce(sum(l.printed_at IS NULL ${posted ? `AND l.${posted} IS NULL` : ''}), 0) AS not_printed,
              coalesce(sum(l.printed_at IS NOT NULL ${posted ? `AND l.${posted} IS NULL` : ''}), 0) AS printed,
              ${posted ? `coalesce(sum(l.${posted} IS NOT NULL), 0)` : '0'} AS posted
       FROM letters l WHERE EXISTS (SELECT 1 FROM json_each(l.channels) WHERE value = 'post')
         AND l.id NOT IN (SELECT letter_id FROM letter_withdrawals) ${debtor !== undefined ? 'AND l.debtor_number = ?' : ''}`,
    )
    .get(...(debtor !== undefined ? [debtor] : [])) as { not_printed: number; printed: number; posted: number };
  return { notPrinted: row.not_printed, printedNotPosted: row.printed, posted: row.posted, postingRecorded: posted !== null };
}

/** Money received but not placed on any invoice, and not marked as no customer payment. */
export function unmatchedMoney(db: Db): { payments: number; cents: number } {
  const row = db
    .prepare(
      `SELECT count(*) AS n, coalesce(sum(p.amount_cents - coalesce(a.s, 0)), 0) AS cents
       FROM payments p LEFT JOIN (SELECT payment_id, sum(amount_cents) AS s FROM allocations GROUP BY payment_id) a ON a.payment_id = p.id
       WHERE p.amount_cents > coalesce(a.s, 0) AND p.id NOT IN (SELECT payment_id FROM payments_ignored)`,
    )
    .get() as { n: number; cents: number };
  return { payments: row.n, cents: row.cents };
}

/** The debtors with a hold (and those with a dispute) in force today. */
export function activeHolds(db: Db, today: string): { held: Set<string>; disputed: Set<string> } {
  const rows = db
    .prepare('SELECT debtor_number, dispute FROM holds WHERE debtor_number IS NOT NULL AND released_on IS NULL AND (until IS NULL OR until > ?)')
    .all(today) as { debtor_number: string; dispute: number }[];
  return { held: new Set(rows.map((r) => r.debtor_number)), disputed: new Set(rows.filter((r) => r.dispute === 1).map((r) => r.debtor_number)) };
}
