// The SQL behind `report` and the book snapshots it draws its history from. Every figure is a
// set-based aggregate (GROUP BY in SQLite, no query per debtor), so the report over a million
// invoices costs a few table scans; src/domain/report turns these facts into the figures.
import type { Db } from './ledger.js';
import type { IsoDate } from '../domain/dates.js';
import { debtorAccount } from '../domain/account.js';
import type { AccountCorrection, OpenGroup } from '../domain/report/book.js';
import type { LetterInvoiceFact } from '../domain/report/effectiveness.js';
import type { InvoiceFact } from '../domain/report/signals.js';
import type { OpenBookGroup } from '../domain/report/open-book-groups.js';
import { readAccountFacts } from './account-facts.js';

/**
 * Records what the book looks like now, under `today`: one row of totals, and for an import one
 * row per debtor with money overdue. Call it inside the import's or run's own transaction.
 * One scan of the invoices grouped by debtor (a sort, not a walk of an index with a lookup per
 * invoice) gives both, unless a first load passes the same groups `summed` as it read its rows;
 * the handed-over sum comes from its partial index.
 */
export function recordBookSnapshot(db: Db, today: IsoDate, source: 'import' | 'run', sourceId: number, summed?: OpenBookGroup[]): number {
  const groups = summed ?? openBookGroups(db, today);
  const handedOver = db.prepare("SELECT coalesce(sum(open_cents), 0) FROM invoices WHERE status = 'handed_over' AND open_cents <> 0").pluck().get() as number;
  const t = { openInvoices: 0, openCents: 0, overdueInvoices: 0, overdueCents: 0, handedOverCents: handedOver };
  for (const [, invoices, open, overdueInvoices, overdueCents] of groups) {
    t.openInvoices += invoices;
    t.openCents += open;
    t.overdueInvoices += overdueInvoices;
    t.overdueCents += overdueCents;
  }
  // The stored open_cents keep a credit note whole; the debtor's account sets it off against
  // claims (also handed-over ones). Correct the totals to the account, as the report does.
  const corrections = readAccountCorrections(db, today);
  for (const c of corrections) {
    const delta = c.accountCents - c.ledgerCents;
    if (c.status === 'handed_over') {
      t.handedOverCents += delta;
      continue;
    }
    const count = Number(c.accountCents !== 0) - Number(c.ledgerCents !== 0);
    t.openInvoices += count;
    t.openCents += delta;
    if (c.dueDate < today) (t.overdueInvoices += count), (t.overdueCents += delta);
  }
  const id = Number(
    db
      .prepare(
        `INSERT INTO book_snapshots (today, source, source_id, open_invoices, open_cents, overdue_invoices, overdue_cents, handed_over_cents, debtors)
         VALUES (:today, :source, :sourceId, :openInvoices, :openCents, :overdueInvoices, :overdueCents, :handedOverCents, :debtors)`,
      )
      .run({ today, source, sourceId, ...t, debtors: groups.length }).lastInsertRowid,
  );
  if (source === 'import') {
    // Per debtor the same correction, on the claims still in pre-incasso; a debtor has a row when
    // the stored figures show money overdue.
    const perDebtor = new Map<string, { open: number; overdue: number }>();
    for (const c of corrections) {
      if (c.status !== 'open') continue;
      const d = perDebtor.get(c.debtor) ?? { open: 0, overdue: 0 };
      d.open += c.accountCents - c.ledgerCents;
      if (c.dueDate < today) d.overdue += Math.max(0, c.accountCents) - Math.max(0, c.ledgerCents);
      perDebtor.set(c.debtor, d);
    }
    const insert = db.prepare('INSERT INTO book_snapshot_debtors (snapshot_id, debtor_number, open_cents, overdue_cents, max_days_late) VALUES (?, ?, ?, ?, ?)');
    for (const [debtor, , open, , , overdue, maxDaysLate] of groups) {
      if (overdue <= 0) continue;
      const d = perDebtor.get(debtor);
      insert.run(id, debtor, open + (d?.open ?? 0), overdue + (d?.overdue ?? 0), maxDaysLate);
    }
  }
  return id;
}

/**
 * Per debtor with open invoices: [debtor, invoices, open, overdue invoices, overdue, overdue
 * claims (credit notes left out), days the oldest overdue claim is late]. A first load sums the
 * same while it reads its rows (domain/report/open-book-groups.ts) and passes them instead.
 */
function openBookGroups(db: Db, today: IsoDate): OpenBookGroup[] {
  // `+status`: the partial indexes on status would each cost a primary-key lookup per open invoice.
  return db
    .prepare(
      `SELECT debtor_number, count(*), sum(open_cents), sum(due_date < :today), sum(CASE WHEN due_date < :today THEN open_cents ELSE 0 END),
              sum(CASE WHEN open_cents > 0 AND due_date < :today THEN open_cents ELSE 0 END),
              coalesce(CAST(julianday(:today) - julianday(min(CASE WHEN open_cents > 0 AND due_date < :today THEN due_date END)) AS INTEGER), 0)
       FROM invoices WHERE +status = 'open' AND open_cents <> 0 GROUP BY +debtor_number`,
    )
    .raw()
    .all({ today }) as OpenBookGroup[];
}

/**
 * The claims of debtors with an open credit note whose open amount in their account differs from
 * the ledger's stored figure (only there can they differ: the account sets credit notes off).
 */
export function readAccountCorrections(db: Db, today: IsoDate): (AccountCorrection & { invoice: string; debtor: string })[] {
  const debtors = readDebtorsWithOpenCredit(db);
  const out: (AccountCorrection & { invoice: string; debtor: string })[] = [];
  if (debtors.length === 0) return out;
  for (const input of readAccountFacts(db, { debtors })) {
    const account = new Map(debtorAccount(input, today).claims.map((c) => [c.number, c]));
    for (const inv of input.invoices) {
      const status = inv.status ?? 'open';
      if (status !== 'open' && status !== 'handed_over') continue;
      const accountCents = account.get(inv.number)?.openCents ?? inv.openCents;
      if (accountCents !== inv.openCents) {
        out.push({ invoice: inv.number, debtor: input.debtor.number, status, dueDate: inv.dueDate, stageIndex: inv.stageIndex, ledgerCents: inv.openCents, accountCents });
      }
    }
  }
  return out;
}

export interface AmountGroup<K> {
  key: K;
  invoices: number;
  cents: number;
}

/**
 * Open and handed-over invoices grouped by status, due date and stage (a few thousand groups at
 * most), in one scan of the invoices: the domain buckets them by age and by stage.
 */
export function readOpenGroups(db: Db): OpenGroup[] {
  return (
    db
      .prepare("SELECT status, due_date, stage_index, count(*), sum(open_cents) FROM invoices WHERE status IN ('open', 'handed_over') AND open_cents <> 0 GROUP BY status, due_date, stage_index")
      .raw()
      .all() as ['open' | 'handed_over', string, number | null, number, number][]
  ).map(([status, dueDate, stageIndex, invoices, cents]) => ({ status, dueDate, stageIndex, invoices, cents }));
}

/**
 * The open items the stored status shares leave out, grouped per debtor: the handed-over claims
 * and the open ones below zero (credit notes; the import refuses an open amount whose sign differs
 * from the invoice amount, so every other open item is a claim above zero, which the shares hold).
 * Two index searches; the book of a million invoices has a few of these.
 */
export function readGroupsOutsideShares(db: Db): OpenGroup[] {
  return (
    db
      .prepare(
        `SELECT debtor_number, status, due_date, stage_index, count(*), sum(open_cents) FROM (
           SELECT debtor_number, status, due_date, stage_index, open_cents FROM invoices WHERE status = 'handed_over' AND open_cents <> 0
           UNION ALL
           SELECT debtor_number, status, due_date, stage_index, open_cents FROM invoices WHERE status IN ('open', 'handed_over') AND status = 'open' AND open_cents < 0
         ) GROUP BY 1, 2, 3, 4`,
      )
      .raw()
      .all() as [string, 'open' | 'handed_over', string, number | null, number, number][]
  ).map(([debtor, status, dueDate, stageIndex, invoices, cents]) => ({ debtor, status, dueDate, stageIndex, invoices, cents }));
}

/** Open invoices under an active hold (of the invoice or of its debtor), split by dispute. */
export function readHeld(db: Db, today: IsoDate): { held: AmountGroup<'hold'>; disputed: AmountGroup<'dispute'> } {
  const rows = db
    .prepare(
      `WITH active AS (SELECT * FROM holds WHERE released_on IS NULL AND (until IS NULL OR until > :today)),
       held AS (
         SELECT i.number, i.open_cents, a.dispute FROM active a JOIN invoices i ON i.number = a.invoice_number
         UNION ALL
         SELECT i.number, i.open_cents, a.dispute FROM active a JOIN invoices i ON i.debtor_number = a.debtor_number WHERE a.invoice_number IS NULL
       ),
       per AS (SELECT number, max(open_cents) AS cents, max(dispute) AS dispute FROM held h
               WHERE EXISTS (SELECT 1 FROM invoices i WHERE i.number = h.number AND i.status = 'open' AND i.open_cents > 0) GROUP BY number)
       SELECT dispute, count(*), coalesce(sum(cents), 0) FROM per GROUP BY dispute`,
    )
    .raw()
    .all({ today }) as [number, number, number][];
  const pick = (d: number): { invoices: number; cents: number } => {
    const r = rows.find((x) => x[0] === d);
    return { invoices: r?.[1] ?? 0, cents: r?.[2] ?? 0 };
  };
  return { held: { key: 'hold', ...pick(0) }, disputed: { key: 'dispute', ...pick(1) } };
}

export interface UnmatchedPayment {
  id: number;
  date: IsoDate;
  amountCents: number;
  unallocatedCents: number;
  counterparty: string | null;
  reference: string | null;
}

/** Bank money not (fully) allocated to an invoice: totals and the largest `limit`. */
export function readUnmatched(db: Db, limit: number): { count: number; cents: number; top: UnmatchedPayment[] } {
  const base = `SELECT p.id, p.date, p.amount_cents, p.amount_cents - coalesce(a.allocated, 0) AS rest, p.counterparty_name, coalesce(p.reference, p.description)
                FROM payments p LEFT JOIN (SELECT payment_id, sum(amount_cents) AS allocated FROM allocations GROUP BY payment_id) a ON a.payment_id = p.id
                WHERE p.amount_cents > coalesce(a.allocated, 0)`;
  const [count, cents] = db.prepare(`SELECT count(*), coalesce(sum(rest), 0) FROM (${base})`).raw().get() as [number, number];
  const top = (db.prepare(`${base} ORDER BY rest DESC, p.id LIMIT ?`).raw().all(limit) as [number, string, number, number, string | null, string | null][]).map(
    ([id, date, amountCents, unallocatedCents, counterparty, reference]) => ({ id, date, amountCents, unallocatedCents, counterparty, reference }),
  );
  return { count, cents, top };
}

export interface SnapshotRow {
  id: number;
  today: IsoDate;
  source: 'import' | 'run';
  openInvoices: number;
  openCents: number;
  overdueInvoices: number;
  overdueCents: number;
  handedOverCents: number;
  debtors: number;
}

export function readSnapshots(db: Db, until: IsoDate): SnapshotRow[] {
  return (
    db
      .prepare('SELECT id, today, source, open_invoices, open_cents, overdue_invoices, overdue_cents, handed_over_cents, debtors FROM book_snapshots WHERE today <= ? ORDER BY today, id')
      .raw()
      .all(until) as [number, string, 'import' | 'run', number, number, number, number, number, number][]
  ).map(([id, today, source, openInvoices, openCents, overdueInvoices, overdueCents, handedOverCents, debtors]) => ({
    id, today, source, openInvoices, openCents, overdueInvoices, overdueCents, handedOverCents, debtors,
  }));
}

export interface DebtorSnapshotRow {
  today: IsoDate;
  debtor: string;
  openCents: number;
  overdueCents: number;
  maxDaysLate: number;
}

/**
 * Per-debtor rows of the last `count` import days (the last import of each day), oldest first;
 * none when there are fewer than `atLeast` such days (the trend signals need two to compare).
 */
export function readDebtorSnapshots(db: Db, until: IsoDate, count: number, atLeast = 1): DebtorSnapshotRow[] {
  const days = db.prepare("SELECT count(DISTINCT today) FROM book_snapshots WHERE source = 'import' AND today <= ?").pluck().get(until) as number;
  if (Math.min(days, count) < atLeast) return [];
  return (
    db
      .prepare(
        `WITH last AS (SELECT max(id) AS id, today FROM book_snapshots WHERE source = 'import' AND today <= ? GROUP BY today ORDER BY today DESC LIMIT ?)
         SELECT last.today, d.debtor_number, d.open_cents, d.overdue_cents, d.max_days_late
         FROM last JOIN book_snapshot_debtors d ON d.snapshot_id = last.id ORDER BY d.debtor_number, last.today`,
      )
      .raw()
      .all(until, count) as [string, string, number, number, number][]
  ).map(([today, debtor, openCents, overdueCents, maxDaysLate]) => ({ today, debtor, openCents, overdueCents, maxDaysLate }));
}

/** The dates of the last `count` invoice imports (one per day), newest first. */
export function readImportDays(db: Db, until: IsoDate, count: number): IsoDate[] {
  return (db.prepare("SELECT DISTINCT today FROM imports WHERE kind = 'invoices' AND today <= ? ORDER BY today DESC LIMIT ?").raw().all(until, count) as [string][]).map((r) => r[0]);
}

// Reductions of an invoice's open amount, dated: bank payments allocated to it, a lower open
// amount in a later export, and the invoice closed because a snapshot export no longer lists it
// (settled in the bookkeeping: its last open amount). A higher open amount (a payment reversed,
// an export that lags behind the bank) counts negative, so the sum stays the net reduction.
// Three index-driven queries, one per source, each joined to the rows it concerns.
const OPEN_CHANGE = "json_extract(e.data, '$.changes.open_cents[0]') - json_extract(e.data, '$.changes.open_cents[1]')";

export interface LetterInvoiceRow extends LetterInvoiceFact {
  letterStage: number;
}

/**
 * Each invoice a letter demanded (role due), the stage it moved to, and its later reductions.
 * Every letter moves each invoice it demands one stage (the planner's rule), so the stage is the
 * letter's place among that invoice's letters; a consumer's final letter takes every claim it
 * demands to its own (final) stage (6:96 lid 7), so there it is at least the letter's stage.
 * The reductions are read once per
 * source for all demanded invoices and attached here, not looked up row by row.
 */
export function readLetterInvoices(db: Db, until: IsoDate): LetterInvoiceRow[] {
  const handed = new Set(
    (db.prepare("SELECT DISTINCT hi.invoice_number FROM handover_invoices hi JOIN handovers h ON h.id = hi.handover_id WHERE h.state = 'done' AND h.today <= ?").raw().all(until) as [string][]).map((r) => r[0]),
  );
  const out: LetterInvoiceRow[] = [];
  const byInvoice = new Map<string, LetterInvoiceRow[]>();
  const rows = db
    .prepare(
      `SELECT l.id, l.stage_index, l.date, x.invoice_number, x.open_cents, l.final = 1 AND d.type = 'consumer'
       FROM letter_invoices x JOIN letters l ON l.id = x.letter_id JOIN debtors d ON d.number = l.debtor_number WHERE x.role = 'due' AND l.date <= ?`,
    )
    .raw()
    .iterate(until) as IterableIterator<[number, number, string, string, number, number]>;
  // A consumer's final letter (6:96 lid 7) takes every due claim to the final stage at once,
  // also one that had no letter before: for those claims the letter's own stage is the stage.
  const sweeps = new Set<LetterInvoiceRow>();
  for (const [letterId, letterStage, letterDate, invoice, openCents, sweep] of rows) {
    const row: LetterInvoiceRow = { letterId, letterStage, stageIndex: letterStage, letterDate, invoice, openCents, handedOver: handed.has(invoice), reductions: [] };
    if (sweep) sweeps.add(row);
    out.push(row);
    const list = byInvoice.get(invoice);
    if (list) list.push(row);
    else byInvoice.set(invoice, [row]);
  }
  for (const list of byInvoice.values()) {
    if (list.length > 1) list.sort((a, b) => (a.letterDate < b.letterDate ? -1 : a.letterDate > b.letterDate ? 1 : a.letterId - b.letterId));
    list.forEach((row, i) => (row.stageIndex = sweeps.has(row) ? Math.max(i, row.letterStage) : i));
  }
  if (out.length === 0) return out;
  const demanded = "EXISTS (SELECT 1 FROM letter_invoices x WHERE x.invoice_number = %COL% AND x.role = 'due')";
  const sources = [
    `SELECT a.invoice_number, p.date, a.amount_cents FROM allocations a JOIN payments p ON p.id = a.payment_id
     WHERE p.date <= :until AND ${demanded.replace('%COL%', 'a.invoice_number')}`,
    `SELECT e.invoice_number, e.today, ${OPEN_CHANGE} FROM events e
     WHERE e.kind = 'invoice_updated' AND e.today <= :until AND json_extract(e.data, '$.changes.open_cents') IS NOT NULL AND ${demanded.replace('%COL%', 'e.invoice_number')}`,
    `SELECT e.invoice_number, e.today, i.open_cents FROM events e JOIN invoices i ON i.number = e.invoice_number
     WHERE e.kind = 'invoice_closed' AND e.today <= :until AND i.status = 'closed' AND i.open_cents > 0 AND ${demanded.replace('%COL%', 'e.invoice_number')}`,
  ];
  for (const sql of sources) {
    for (const [invoice, date, cents] of db.prepare(sql).raw().iterate({ until }) as IterableIterator<[string, string, number]>) {
      if (cents === 0) continue;
      for (const row of byInvoice.get(invoice) ?? []) if (date > row.letterDate) row.reductions.push({ date, cents });
    }
  }
  return out;
}

export interface LetterCountRow {
  stageIndex: number;
  letters: number;
}

export function readLetterCounts(db: Db, until: IsoDate): LetterCountRow[] {
  return (db.prepare('SELECT stage_index, count(*) FROM letters WHERE date <= ? GROUP BY stage_index').raw().all(until) as [number, number][]).map(([stageIndex, letters]) => ({ stageIndex, letters }));
}

export interface SettledRow {
  debtor: string;
  invoice: string;
  dueDate: IsoDate;
  settledOn: IsoDate;
}

/** Invoices paid or closed in full, with the day of their last reduction: the payment behaviour. */
export function readSettled(db: Db, until: IsoDate): SettledRow[] {
  const sources = [
    // Closed: absent from a snapshot export (settled in the bookkeeping).
    `SELECT i.debtor_number, i.number, i.due_date, e.today FROM events e JOIN invoices i ON i.number = e.invoice_number
     WHERE e.kind = 'invoice_closed' AND i.status = 'closed' AND i.amount_cents > 0 AND e.today <= :until`,
    // Paid by a bank payment allocated to it.
    `SELECT i.debtor_number, i.number, i.due_date, p.date FROM allocations a JOIN payments p ON p.id = a.payment_id JOIN invoices i ON i.number = a.invoice_number
     WHERE i.status = 'paid' AND i.amount_cents > 0 AND p.date <= :until`,
    // Paid: an export showed nothing open any more.
    `SELECT i.debtor_number, i.number, i.due_date, e.today FROM events e JOIN invoices i ON i.number = e.invoice_number
     WHERE e.kind = 'invoice_updated' AND i.status = 'paid' AND i.amount_cents > 0 AND e.today <= :until AND json_extract(e.data, '$.changes.open_cents[1]') = 0`,
  ];
  const last = new Map<string, SettledRow>();
  for (const sql of sources) {
    for (const [debtor, invoice, dueDate, settledOn] of db.prepare(sql).raw().iterate({ until }) as IterableIterator<[string, string, string, string]>) {
      const seen = last.get(invoice);
      if (!seen || settledOn > seen.settledOn) last.set(invoice, { debtor, invoice, dueDate, settledOn });
    }
  }
  return [...last.values()];
}

/** Debtor names looked up one by one as asked (the report names a few dozen of a book's debtors). */
export function debtorNameLookup(db: Db): { get(number: string): string | undefined } {
  const one = db.prepare('SELECT name FROM debtors WHERE number = ?').pluck();
  const seen = new Map<string, string | undefined>();
  return {
    get(number) {
      if (!seen.has(number)) seen.set(number, one.get(number) as string | undefined);
      return seen.get(number);
    },
  };
}

export interface TopDebtorRow {
  debtor: string;
  name: string;
  invoices: number;
  openCents: number;
  oldestDue: IsoDate;
  stageIndex: number | null;
}

/**
 * The invoices with their open amount as the debtor's account has it: `corrections` (from
 * readAccountCorrections) replace the stored figure of the few claims a credit note was set off
 * against, and of the credit notes themselves. A CTE named `inv`, with the column `acct`.
 */
function accountInvoices(corrections: { invoice: string; accountCents: number }[]): { cte: string; fix: string } {
  // Nothing to correct (no debtor has an open credit note): the stored figure, without a join per invoice.
  if (corrections.length === 0) return { cte: 'inv AS (SELECT i.*, i.open_cents AS acct FROM invoices i)', fix: '[]' };
  return {
    cte: `fix(number, cents) AS (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(:fix)),
          inv AS (SELECT i.*, coalesce(f.cents, i.open_cents) AS acct FROM invoices i LEFT JOIN fix f ON f.number = i.number)`,
    fix: JSON.stringify(corrections.map((c) => [c.invoice, c.accountCents])),
  };
}

/**
 * The `limit` debtors with the most open (as their accounts have it). With `among`, only those
 * debtors are read (through the debtor index): the candidates the stored status shares name.
 */
export function readTopDebtors(db: Db, limit: number, corrections: { invoice: string; accountCents: number }[] = [], among?: string[]): TopDebtorRow[] {
  const { cte, fix } = accountInvoices(corrections);
  const which = among ? 'AND i.debtor_number IN (SELECT value FROM json_each(:among))' : '';
  return (
    db
      .prepare(
        `WITH ${cte}
         SELECT i.debtor_number, d.name, count(*), sum(i.acct) AS cents, min(i.due_date), max(i.stage_index)
         FROM inv i JOIN debtors d ON d.number = i.debtor_number
         WHERE i.status = 'open' AND i.acct <> 0 ${which} GROUP BY i.debtor_number HAVING cents > 0 ORDER BY cents DESC, i.debtor_number LIMIT :limit`,
      )
      .raw()
      .all({ limit, fix, ...(among ? { among: JSON.stringify(among) } : {}) }) as [string, string, number, number, string, number | null][]
  ).map(([debtor, name, invoices, openCents, oldestDue, stageIndex]) => ({ debtor, name, invoices, openCents, oldestDue, stageIndex }));
}

export interface HoldRow {
  id: number;
  debtor: string;
  name: string;
  invoice: string | null;
  dispute: boolean;
  reason: string;
  since: IsoDate;
  until: IsoDate | null;
  openCents: number;
}

/** Active holds and disputes with their reasons, oldest first. */
export function readActiveHolds(db: Db, today: IsoDate, limit: number, corrections: { invoice: string; accountCents: number }[] = []): { count: number; rows: HoldRow[] } {
  const { cte, fix } = accountInvoices(corrections);
  const where = 'h.released_on IS NULL AND (h.until IS NULL OR h.until > :today)';
  const [count] = db.prepare(`SELECT count(*) FROM holds h WHERE ${where}`).raw().get({ today }) as [number];
  const rows = (
    db
      .prepare(
        `WITH ${cte}
         SELECT h.id, coalesce(h.debtor_number, i.debtor_number) AS debtor, d.name, h.invoice_number, h.dispute, h.reason, h.created_on, h.until,
                CASE WHEN h.invoice_number IS NOT NULL THEN CASE WHEN i.status = 'open' THEN i.acct ELSE 0 END
                     ELSE (SELECT coalesce(sum(acct), 0) FROM inv x WHERE x.debtor_number = h.debtor_number AND x.status = 'open' AND x.acct > 0) END
         FROM holds h LEFT JOIN inv i ON i.number = h.invoice_number
         JOIN debtors d ON d.number = coalesce(h.debtor_number, i.debtor_number)
         WHERE ${where} ORDER BY h.dispute DESC, h.created_on, h.id LIMIT :limit`,
      )
      .raw()
      .all({ today, limit, fix }) as [number, string, string, string | null, number, string, string, string | null, number][]
  ).map(([id, debtor, name, invoice, dispute, reason, since, until, openCents]) => ({ id, debtor, name, invoice, dispute: dispute === 1, reason, since, until, openCents }));
  return { count, rows };
}

export interface HandoverBatchRow {
  id: number;
  today: IsoDate;
  fileName: string;
  invoices: number;
  /** Open now plus what was paid since: the amount the claims had when handed over. */
  handedOverCents: number;
  paidAfterCents: number;
  paymentsAfter: number;
  openNowCents: number;
}

export function readHandoverBatches(db: Db, until: IsoDate): HandoverBatchRow[] {
  return (
    db
      .prepare(
        `WITH after AS (
           SELECT hi.handover_id, a.invoice_number, sum(a.amount_cents) AS cents, count(*) AS n
           FROM handover_invoices hi JOIN handovers h ON h.id = hi.handover_id
           JOIN allocations a ON a.invoice_number = hi.invoice_number JOIN payments p ON p.id = a.payment_id
           WHERE p.date >= h.today AND p.date <= :until GROUP BY hi.handover_id, a.invoice_number
         )
         SELECT h.id, h.today, h.file_name, count(hi.invoice_number),
                coalesce(sum(CASE WHEN i.status = 'handed_over' THEN i.open_cents ELSE 0 END), 0) + coalesce(sum(af.cents), 0),
                coalesce(sum(af.cents), 0), coalesce(sum(af.n), 0),
                coalesce(sum(CASE WHEN i.status = 'handed_over' THEN i.open_cents ELSE 0 END), 0)
         FROM handovers h JOIN handover_invoices hi ON hi.handover_id = h.id JOIN invoices i ON i.number = hi.invoice_number
         LEFT JOIN after af ON af.handover_id = h.id AND af.invoice_number = hi.invoice_number
         WHERE h.state = 'done' AND h.today <= :until GROUP BY h.id ORDER BY h.today, h.id`,
      )
      .raw()
      .all({ until }) as [number, string, string, number, number, number, number, number][]
  ).map(([id, today, fileName, invoices, handedOverCents, paidAfterCents, paymentsAfter, openNowCents]) => ({
    id, today, fileName, invoices, handedOverCents, paidAfterCents, paymentsAfter, openNowCents,
  }));
}

export interface RunRow {
  id: number;
  today: IsoDate;
  at: string;
  lettersByStage: { stageIndex: number; letters: number; cents: number }[];
  mail: Record<string, number>;
  handoverReady: number | null;
  skipped: number | null;
}

/** The last `limit` runs: letters per stage, e-mail states, and what the run event recorded. */
export function readRuns(db: Db, until: IsoDate, limit: number): { count: number; rows: RunRow[] } {
  const [count] = db.prepare('SELECT count(*) FROM runs WHERE today <= ?').raw().get(until) as [number];
  const runs = db.prepare('SELECT id, today, at FROM runs WHERE today <= ? ORDER BY today DESC, id DESC LIMIT ?').raw().all(until, limit) as [number, string, string][];
  if (runs.length === 0) return { count, rows: [] };
  const ids = JSON.stringify(runs.map((r) => r[0]));
  const byRun = new Map<number, RunRow>(runs.map(([id, today, at]) => [id, { id, today, at, lettersByStage: [], mail: {}, handoverReady: null, skipped: null }]));
  for (const [runId, stageIndex, letters, cents] of db
    .prepare('SELECT run_id, stage_index, count(*), sum(amount_cents) FROM letters WHERE run_id IN (SELECT value FROM json_each(?)) GROUP BY run_id, stage_index ORDER BY stage_index')
    .raw()
    .all(ids) as [number, number, number, number][]) {
    byRun.get(runId)!.lettersByStage.push({ stageIndex, letters, cents });
  }
  for (const [runId, state, n] of db
    .prepare(
      `SELECT l.run_id, CASE WHEN w.outbox_id IS NULL THEN o.state ELSE 'withdrawn' END, count(*)
       FROM outbox o JOIN letters l ON l.id = o.letter_id LEFT JOIN outbox_withdrawn w ON w.outbox_id = o.id
       WHERE l.run_id IN (SELECT value FROM json_each(?)) GROUP BY 1, 2`,
    )
    .raw()
    .all(ids) as [number, string, number][]) {
    byRun.get(runId)!.mail[state] = n;
  }
  for (const [runId, ready, skipped] of db
    .prepare(
      `SELECT CAST(json_extract(data, '$.run_id') AS INTEGER), json_extract(data, '$.handover_ready'), json_extract(data, '$.skipped')
       FROM events WHERE kind = 'run' AND CAST(json_extract(data, '$.run_id') AS INTEGER) IN (SELECT value FROM json_each(?))`,
    )
    .raw()
    .all(ids) as [number, number | null, number | null][]) {
    const r = byRun.get(runId);
    if (r) {
      r.handoverReady = ready;
      r.skipped = skipped;
    }
  }
  return { count, rows: [...byRun.values()] };
}

/** An open invoice whose limitation date may come near (the signals' invoice fact). */
export type LimitationCandidate = InvoiceFact;

/** Open invoices due on or before `horizon`: the only ones a limitation warning can concern. */
export function readLimitationCandidates(db: Db, horizon: IsoDate, limit: number): LimitationCandidate[] {
  return (
    db
      .prepare(
        `SELECT i.number, i.debtor_number, d.name, d.type, i.due_date, i.open_cents FROM invoices i JOIN debtors d ON d.number = i.debtor_number
         WHERE i.status = 'open' AND i.open_cents > 0 AND i.due_date <= ? ORDER BY i.due_date, i.number LIMIT ?`,
      )
      .raw()
      .all(horizon, limit) as [string, string, string, 'consumer' | 'business', string, number][]
  ).map(([invoice, debtor, name, type, dueDate, openCents]) => ({ invoice, debtor, name, type, dueDate, openCents }));
}

/** Open invoices of at least `minCents` that fell due after `since` and before `today`. */
export function readNewOverdue(db: Db, since: IsoDate, today: IsoDate, minCents: number, limit: number): LimitationCandidate[] {
  return (
    db
      .prepare(
        `SELECT i.number, i.debtor_number, d.name, d.type, i.due_date, i.open_cents FROM invoices i JOIN debtors d ON d.number = i.debtor_number
         WHERE i.status IN ('open', 'handed_over') AND i.status = 'open' AND i.open_cents >= ? AND i.due_date >= ? AND i.due_date < ?
         ORDER BY i.open_cents DESC, i.number LIMIT ?`,
      )
      .raw()
      .all(minCents, since, today, limit) as [string, string, string, 'consumer' | 'business', string, number][]
  ).map(([invoice, debtor, name, type, dueDate, openCents]) => ({ invoice, debtor, name, type, dueDate, openCents }));
}

/** Whether the ledger has a table (facts another part of the tool may or may not have added). */
export function hasTable(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** Debtors with a credit note still open in the ledger: the account sets it off against their claims. */
export function readDebtorsWithOpenCredit(db: Db): string[] {
  // The IN term lets the partial index on open_cents find the few credit notes; the `+` keeps the
  // planner from walking the debtor index over the whole book instead (0.2 ms against 100 ms of
  // CPU on 200,000 invoices, in every import's book snapshot).
  return (
    db
      .prepare("SELECT DISTINCT +debtor_number AS d FROM invoices WHERE status IN ('open', 'handed_over') AND status = 'open' AND open_cents < 0 ORDER BY d")
      .raw()
      .all() as [string][]
  ).map((r) => r[0]);
}

/** The completed handover batch each of these invoices went out in. */
export function readHandoverBatchOf(db: Db, invoices: string[]): Map<string, number> {
  if (invoices.length === 0) return new Map();
  const rows = db
    .prepare(
      `SELECT hi.invoice_number, max(hi.handover_id) FROM handover_invoices hi JOIN handovers h ON h.id = hi.handover_id
       WHERE h.state = 'done' AND hi.invoice_number IN (SELECT value FROM json_each(?)) GROUP BY hi.invoice_number`,
    )
    .raw()
    .all(JSON.stringify(invoices)) as [string, number][];
  return new Map(rows);
}
