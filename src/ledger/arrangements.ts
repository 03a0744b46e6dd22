// The SQL of payment arrangements, promises to pay, call tasks and disputes. Every change appends
// its event in the same transaction (the callers open it). Instalment status is not stored: it is
// computed from the payments to the arrangement's invoices (domain/arrangements.ts).
import type { Db } from './ledger.js';
import { appendEvent } from './events.js';
import type { CallOutcome, DatedPayment, Instalment, PlanAgreement } from '../domain/arrangements.js';
import type { Plan, CallAction } from '../domain/plan.js';
import type { LetterData } from '../domain/letter.js';

// ---------------------------------------------------------------------------------------------
// Arrangements

export interface ArrangementRow {
  id: number;
  debtor: string;
  startDate: string;
  totalCents: number;
  every: string | null;
  graceDays: number;
  note: string | null;
  status: 'running' | 'completed' | 'broken' | 'cancelled';
  closedOn: string | null;
  closeReason: string | null;
  letterId: number | null;
  invoices: { number: string; openCents: number; stageIndex: number | null }[];
  schedule: Instalment[];
  payments: DatedPayment[];
  /**
   * What the debtor's account shows settled on the claims beyond the dated payments (credit
   * notes set off, amounts the bookkeeping shows paid). 0 in the raw row: `readArrangementsNow`
   * (account-facts.ts) fills it from the account, the one place that nets a debtor's claims.
   */
  extraPaidCents: number;
  /** Notices already recorded, as `<instalment>:<kind>`. */
  notices: Set<string>;
}

interface RawArrangement {
  id: number;
  debtor_number: string;
  start_date: string;
  total_cents: number;
  every: string | null;
  grace_days: number;
  note: string | null;
  status: ArrangementRow['status'];
  closed_on: string | null;
  close_reason: string | null;
  letter_id: number | null;
}

/**
 * Arrangements as agreed, with their dated payments; filtered by debtor, id and/or status. For
 * their status use `readArrangementsNow` (account-facts.ts), which adds what the account shows
 * settled on the claims.
 */
export function readArrangements(db: Db, filter: { debtor?: string; debtors?: string[]; id?: number; status?: ArrangementRow['status'] } = {}): ArrangementRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.debtor !== undefined) (where.push('debtor_number = ?'), params.push(filter.debtor));
  if (filter.debtors !== undefined) (where.push('debtor_number IN (SELECT value FROM json_each(?))'), params.push(JSON.stringify(filter.debtors)));
  if (filter.id !== undefined) (where.push('id = ?'), params.push(filter.id));
  if (filter.status !== undefined) (where.push('status = ?'), params.push(filter.status));
  const rows = db.prepare(`SELECT * FROM arrangements ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY debtor_number, id`).all(...params) as RawArrangement[];
  if (rows.length === 0) return [];
  const invoices = db.prepare(
    `SELECT ai.invoice_number AS number, ai.open_cents AS start_open, ai.stage_index
     FROM arrangement_invoices ai
     WHERE ai.arrangement_id = ? ORDER BY ai.invoice_number`,
  );
  const schedule = db.prepare('SELECT number, due_date AS dueDate, amount_cents AS amountCents FROM arrangement_instalments WHERE arrangement_id = ? ORDER BY number');
  const payments = db.prepare(
    `SELECT p.date, sum(a.amount_cents) AS cents
     FROM allocations a JOIN payments p ON p.id = a.payment_id
     JOIN arrangement_invoices ai ON ai.invoice_number = a.invoice_number AND ai.arrangement_id = ?
     WHERE p.date >= ? GROUP BY p.id ORDER BY p.date, p.id`,
  );
  const notices = db.prepare('SELECT instalment, kind FROM arrangement_notices WHERE arrangement_id = ?');
  return rows.map((r) => {
    const inv = invoices.all(r.id) as { number: string; start_open: number; stage_index: number | null }[];
    const pays = (payments.all(r.id, r.start_date) as { date: string; cents: number }[]).filter((p) => p.cents > 0);
    return {
      id: r.id,
      debtor: r.debtor_number,
      startDate: r.start_date,
      totalCents: r.total_cents,
      every: r.every,
      graceDays: r.grace_days,
      note: r.note,
      status: r.status,
      closedOn: r.closed_on,
      closeReason: r.close_reason,
      letterId: r.letter_id,
      invoices: inv.map((i) => ({ number: i.number, openCents: i.start_open, stageIndex: i.stage_index })),
      schedule: schedule.all(r.id) as Instalment[],
      payments: pays,
      extraPaidCents: 0,
      notices: new Set((notices.all(r.id) as { instalment: number; kind: string }[]).map((n) => `${n.instalment}:${n.kind}`)),
    };
  });
}

/** Open invoices of the debtor that are already in a running arrangement. */
export function invoicesInRunningArrangements(db: Db, invoices: string[]): { invoice: string; arrangement: number }[] {
  return db
    .prepare(
      `SELECT ai.invoice_number AS invoice, a.id AS arrangement FROM arrangement_invoices ai JOIN arrangements a ON a.id = ai.arrangement_id
       WHERE a.status = 'running' AND ai.invoice_number IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(invoices)) as { invoice: string; arrangement: number }[];
}

/** What a new arrangement is made of: the agreed part of an ArrangementRow. */
export type NewArrangement = Pick<ArrangementRow, 'debtor' | 'startDate' | 'totalCents' | 'every' | 'graceDays' | 'note' | 'invoices' | 'schedule'>;

export function insertArrangement(db: Db, a: NewArrangement, today: string): number {
  const id = Number(
    db.prepare('INSERT INTO arrangements (debtor_number, start_date, total_cents, every, grace_days, note) VALUES (?, ?, ?, ?, ?, ?)')
      .run(a.debtor, a.startDate, a.totalCents, a.every, a.graceDays, a.note).lastInsertRowid,
  );
  const inv = db.prepare('INSERT INTO arrangement_invoices (arrangement_id, invoice_number, open_cents, stage_index) VALUES (?, ?, ?, ?)');
  for (const i of a.invoices) inv.run(id, i.number, i.openCents, i.stageIndex);
  const ins = db.prepare('INSERT INTO arrangement_instalments (arrangement_id, number, due_date, amount_cents) VALUES (?, ?, ?, ?)');
  for (const s of a.schedule) ins.run(id, s.number, s.dueDate, s.amountCents);
  appendEvent(db, {
    kind: 'arrangement_created', today, debtor: a.debtor,
    data: { arrangement_id: id, invoices: a.invoices.map((i) => i.number), total_cents: a.totalCents, every: a.every, grace_days: a.graceDays, schedule: a.schedule.map((s) => ({ number: s.number, due_date: s.dueDate, amount_cents: s.amountCents })), note: a.note },
  });
  return id;
}

export function setArrangementLetter(db: Db, id: number, letterId: number): void {
  db.prepare('UPDATE arrangements SET letter_id = ? WHERE id = ?').run(letterId, id);
}

/** Ends a running arrangement: completed, broken or cancelled. Returns false when it was not running. */
export function closeArrangement(db: Db, id: number, debtor: string, status: 'completed' | 'broken' | 'cancelled', on: string, reason: string, today: string): boolean {
  const changed = db.prepare("UPDATE arrangements SET status = ?, closed_on = ?, close_reason = ? WHERE id = ? AND status = 'running'").run(status, on, reason, id).changes;
  if (changed === 1) appendEvent(db, { kind: `arrangement_${status}`, today, debtor, data: { arrangement_id: id, on, reason } });
  return changed === 1;
}

export function recordNotice(db: Db, arrangementId: number, debtor: string, notice: { instalment: number; kind: string; amountCents: number }, letterId: number | null, today: string): void {
  db.prepare('INSERT INTO arrangement_notices (arrangement_id, instalment, kind, date, letter_id) VALUES (?, ?, ?, ?, ?)').run(arrangementId, notice.instalment, notice.kind, today, letterId);
  appendEvent(db, { kind: 'instalment_notice', today, debtor, data: { arrangement_id: arrangementId, instalment: notice.instalment, notice: notice.kind, amount_cents: notice.amountCents, letter_id: letterId } });
}

/**
 * Records a letter of an arrangement (confirmation or instalment reminder) like a dunning letter,
 * so rendering, the outbox, `letters` and payment matching by its reference all work unchanged.
 * It moves no invoice to another stage.
 */
export function insertArrangementLetter(db: Db, data: LetterData, at: Date, kind: string, run?: number): number {
  const runId = run ?? Number(db.prepare('INSERT INTO runs (today, at) VALUES (?, ?)').run(data.date, at.toISOString()).lastInsertRowid);
  const id = Number(
    db.prepare(
      `INSERT INTO letters (run_id, debtor_number, stage_index, stage_id, final, date, channels, amount_cents, costs_cents, reference, data)
       VALUES (?, ?, ?, ?, 0, ?, ?, ?, NULL, ?, ?)`,
    ).run(runId, data.debtor.number, data.stage.index, data.stage.id, data.date, JSON.stringify(data.channels), data.arrangement?.next.amountCents ?? data.dueCents, data.paymentReference, JSON.stringify(data))
      .lastInsertRowid,
  );
  const line = db.prepare('INSERT INTO letter_invoices (letter_id, invoice_number, role, amount_cents, open_cents) VALUES (?, ?, ?, ?, ?)');
  for (const l of data.invoices) line.run(id, l.number, l.role, l.amountCents, l.openCents);
  appendEvent(db, { kind: 'letter_recorded', today: data.date, debtor: data.debtor.number, data: { letter_id: id, run_id: runId, stage: data.stage.id, arrangement_id: data.arrangement?.id ?? null, arrangement_letter: kind, invoices: data.invoices.map((i) => i.number), amount_cents: data.arrangement?.next.amountCents ?? data.dueCents, channels: data.channels } }, at);
  return id;
}

// ---------------------------------------------------------------------------------------------
// Promises

export interface PromiseRow {
  id: number;
  debtor: string;
  createdOn: string;
  until: string;
  amountCents: number;
  note: string | null;
  callId: number | null;
  status: 'open' | 'kept' | 'broken' | 'cancelled';
  closedOn: string | null;
  /** Paid to the debtor's invoices by payments dated on or after the promise. */
  paidSinceCents: number;
}

export function readPromises(db: Db, filter: { debtor?: string; status?: PromiseRow['status'] } = {}): PromiseRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.debtor !== undefined) (where.push('pr.debtor_number = ?'), params.push(filter.debtor));
  if (filter.status !== undefined) (where.push('pr.status = ?'), params.push(filter.status));
  return (db
    .prepare(
      `SELECT pr.id, pr.debtor_number AS debtor, pr.created_on AS createdOn, pr.until, pr.amount_cents AS amountCents, pr.note, pr.call_id AS callId,
              pr.status, pr.closed_on AS closedOn,
              coalesce((SELECT sum(a.amount_cents) FROM allocations a JOIN payments p ON p.id = a.payment_id JOIN invoices i ON i.number = a.invoice_number
                        WHERE i.debtor_number = pr.debtor_number AND p.date >= pr.created_on), 0) AS paidSinceCents
       FROM promises pr ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY pr.debtor_number, pr.id`,
    )
    .all(...params)) as PromiseRow[];
}

export function insertPromise(db: Db, p: { debtor: string; until: string; amountCents: number; note: string | null; callId: number | null }, today: string): number {
  const id = Number(
    db.prepare('INSERT INTO promises (debtor_number, created_on, until, amount_cents, note, call_id) VALUES (?, ?, ?, ?, ?, ?)').run(p.debtor, today, p.until, p.amountCents, p.note, p.callId).lastInsertRowid,
  );
  appendEvent(db, { kind: 'promise_recorded', today, debtor: p.debtor, data: { promise_id: id, until: p.until, amount_cents: p.amountCents, note: p.note, call_id: p.callId } });
  return id;
}

export function closePromise(db: Db, id: number, debtor: string, status: 'kept' | 'broken' | 'cancelled', today: string, data: Record<string, unknown>): boolean {
  const changed = db.prepare("UPDATE promises SET status = ?, closed_on = ? WHERE id = ? AND status = 'open'").run(status, today, id).changes;
  if (changed === 1) appendEvent(db, { kind: `promise_${status}`, today, debtor, data: { promise_id: id, ...data } });
  return changed === 1;
}

// ---------------------------------------------------------------------------------------------
// Call tasks

export interface CallTaskRow {
  id: number;
  debtor: string;
  date: string;
  stageIndex: number;
  stageId: string;
  invoices: string[];
  amountCents: number;
  reason: string;
  outcome: CallOutcome | null;
  note: string | null;
  loggedOn: string | null;
}

export function readCallTasks(db: Db, filter: { debtor?: string; open?: boolean } = {}): CallTaskRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.debtor !== undefined) (where.push('debtor_number = ?'), params.push(filter.debtor));
  if (filter.open === true) where.push('outcome IS NULL');
  const rows = db
    .prepare(
      `SELECT id, debtor_number AS debtor, date, stage_index AS stageIndex, stage_id AS stageId, invoices, amount_cents AS amountCents, reason, outcome, note, logged_on AS loggedOn
       FROM call_tasks ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY date, debtor_number, id`,
    )
    .all(...params) as (Omit<CallTaskRow, 'invoices'> & { invoices: string })[];
  return rows.map((r) => ({ ...r, invoices: JSON.parse(r.invoices) as string[] }));
}

/** Inside `applyPlan`'s transaction: each call action becomes a call task; its invoices move to the phone stage. */
export function recordCallTasks(db: Db, plan: Plan, runId: number, at: Date): number {
  const calls = plan.actions.filter((a): a is CallAction => a.kind === 'call');
  if (calls.length === 0) return 0;
  const insert = db.prepare('INSERT INTO call_tasks (run_id, debtor_number, date, stage_index, stage_id, invoices, amount_cents, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const move = db.prepare("UPDATE invoices SET stage_index = ?, stage_date = ?, stage_letter_id = NULL WHERE number = ? AND status = 'open'");
  for (const c of calls) {
    const id = Number(insert.run(runId, c.debtor, plan.today, c.stageIndex, c.stage, JSON.stringify(c.invoices), c.amountCents, c.reason).lastInsertRowid);
    for (const m of c.moves) {
      if (move.run(m.toStage, plan.today, m.invoice).changes !== 1) throw new Error(`invoice ${m.invoice} changed while the run was planned`);
      appendEvent(db, { kind: 'stage_changed', today: plan.today, debtor: c.debtor, invoice: m.invoice, data: { call_id: id, stage_index: m.toStage } }, at);
    }
    appendEvent(db, { kind: 'call_task', today: plan.today, debtor: c.debtor, data: { call_id: id, run_id: runId, stage: c.stage, invoices: c.invoices, amount_cents: c.amountCents } }, at);
  }
  return calls.length;
}

export function logCallTask(db: Db, id: number, debtor: string, outcome: CallOutcome, note: string | null, today: string, step: Record<string, unknown>): void {
  const changed = db.prepare('UPDATE call_tasks SET outcome = ?, note = ?, logged_on = ? WHERE id = ? AND outcome IS NULL').run(outcome, note, today, id).changes;
  if (changed !== 1) throw new Error(`call task ${id} was logged meanwhile`);
  appendEvent(db, { kind: 'call_logged', today, debtor, data: { call_id: id, outcome, note, ...step } });
}

// ---------------------------------------------------------------------------------------------
// Holds and disputes (a dispute is a hold with a category; `hold --dispute` makes one too)

/** Holds are their own aggregate (holds.ts); re-exported for the arrangement workflows. */
export { insertHold } from './holds.js';

export function insertDispute(db: Db, d: { holdId: number; debtor: string; invoice: string | null; category: string; note: string }, today: string): number {
  const id = Number(
    db.prepare('INSERT INTO disputes (hold_id, debtor_number, invoice_number, category, note, opened_on) VALUES (?, ?, ?, ?, ?, ?)')
      .run(d.holdId, d.debtor, d.invoice, d.category, d.note, today).lastInsertRowid,
  );
  appendEvent(db, { kind: 'dispute_recorded', today, debtor: d.debtor, invoice: d.invoice, data: { dispute_id: id, hold_id: d.holdId, category: d.category, note: d.note } });
  return id;
}

export interface DisputeRow {
  id: number;
  holdId: number;
  debtor: string;
  name: string;
  invoice: string | null;
  category: string;
  note: string;
  openedOn: string;
  resolvedOn: string | null;
  outcome: string | null;
  openCents: number;
}

export function readDisputes(db: Db, filter: { debtor?: string; id?: number; open?: boolean } = {}): DisputeRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.debtor !== undefined) (where.push('d.debtor_number = ?'), params.push(filter.debtor));
  if (filter.id !== undefined) (where.push('d.id = ?'), params.push(filter.id));
  if (filter.open === true) where.push('d.resolved_on IS NULL');
  return db
    .prepare(
      `SELECT d.id, d.hold_id AS holdId, d.debtor_number AS debtor, db.name, d.invoice_number AS invoice, d.category, d.note, d.opened_on AS openedOn,
              d.resolved_on AS resolvedOn, d.outcome,
              coalesce(CASE WHEN d.invoice_number IS NULL
                 THEN (SELECT sum(open_cents) FROM invoices WHERE debtor_number = d.debtor_number AND status = 'open')
                 ELSE (SELECT open_cents FROM invoices WHERE number = d.invoice_number AND status = 'open') END, 0) AS openCents
       FROM disputes d JOIN debtors db ON db.number = d.debtor_number
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY d.opened_on, d.id`,
    )
    .all(...params) as DisputeRow[];
}

/** Resolves a dispute and releases its hold (dunning resumes unless something else holds it). */
export function resolveDispute(db: Db, d: DisputeRow, outcome: string, today: string): void {
  db.prepare('UPDATE disputes SET resolved_on = ?, outcome = ? WHERE id = ? AND resolved_on IS NULL').run(today, outcome, d.id);
  db.prepare('UPDATE holds SET released_on = ? WHERE id = ? AND released_on IS NULL').run(today, d.holdId);
  appendEvent(db, { kind: 'dispute_resolved', today, debtor: d.debtor, invoice: d.invoice, data: { dispute_id: d.id, hold_id: d.holdId, outcome } });
}

/** `release` of a disputed hold resolves its dispute record too. */
export function resolveDisputesOfHolds(db: Db, holdIds: number[], today: string, outcome: string): void {
  const update = db.prepare('UPDATE disputes SET resolved_on = ?, outcome = ? WHERE hold_id = ? AND resolved_on IS NULL');
  for (const id of holdIds) update.run(today, outcome, id);
}

// ---------------------------------------------------------------------------------------------
// For the planner

/** Running arrangements, open promises and unlogged calls per debtor, in the planner's terms. */
export function readAgreements(db: Db, debtor?: string): Map<string, PlanAgreement[]> {
  const map = new Map<string, PlanAgreement[]>();
  const add = (d: string, a: PlanAgreement): void => {
    const list = map.get(d) ?? [];
    list.push(a);
    map.set(d, list);
  };
  for (const a of readArrangements(db, { ...(debtor !== undefined ? { debtor } : {}), status: 'running' })) {
    // The planner adds what the debtor's account shows settled on the claims since `opened`.
    add(a.debtor, { kind: 'arrangement', id: a.id, invoices: a.invoices.map((i) => i.number), opened: a.invoices.map((i) => ({ number: i.number, openCents: i.openCents })), schedule: a.schedule, payments: a.payments, graceDays: a.graceDays });
  }
  for (const p of readPromises(db, { ...(debtor !== undefined ? { debtor } : {}), status: 'open' })) {
    add(p.debtor, { kind: 'promise', id: p.id, until: p.until, amountCents: p.amountCents, paidSinceCents: p.paidSinceCents });
  }
  for (const c of readCallTasks(db, { ...(debtor !== undefined ? { debtor } : {}), open: true })) {
    add(c.debtor, { kind: 'call', id: c.id, date: c.date, stage: c.stageId });
  }
  return map;
}

// ---------------------------------------------------------------------------------------------
// What the agreements read and change of the other tables

/** The id the next arrangement gets (its payment reference is known before it is recorded). */
export function nextArrangementId(db: Db): number {
  return (db.prepare('SELECT coalesce(max(id), 0) + 1 AS n FROM arrangements').get() as { n: number }).n;
}

/** The debtors with a letter dated `date` or later (one letter a day); with `debtor`, only that one. */
export function debtorsWithLetterOn(db: Db, date: string, debtor?: string): Set<string> {
  const rows = debtor === undefined
    ? (db.prepare('SELECT DISTINCT debtor_number AS d FROM letters WHERE date >= ?').all(date) as { d: string }[])
    : (db.prepare('SELECT debtor_number AS d FROM letters WHERE debtor_number = ? AND date >= ? LIMIT 1').all(debtor, date) as { d: string }[]);
  return new Set(rows.map((r) => r.d));
}

/** A debtor's letters, oldest first. */
export function debtorLetters(db: Db, debtor: string): { date: string; stageId: string; amountCents: number }[] {
  return db.prepare('SELECT date, stage_id AS stageId, amount_cents AS amountCents FROM letters WHERE debtor_number = ? ORDER BY date, id').all(debtor) as { date: string; stageId: string; amountCents: number }[];
}

export interface InvoiceRow {
  number: string;
  debtor_number: string;
  issue_date: string | null;
  due_date: string;
  amount_cents: number;
  open_cents: number;
  reference: string | null;
  status: string;
  stage_index: number | null;
}

/** The invoices with these numbers, oldest due first. */
export function readInvoiceRows(db: Db, numbers: string[]): InvoiceRow[] {
  return db.prepare('SELECT * FROM invoices WHERE number IN (SELECT value FROM json_each(?)) ORDER BY due_date, number').all(JSON.stringify(numbers)) as InvoiceRow[];
}

/** The debtor's holds in force (not disputes) whose reason starts with `prefix`. */
export function openHoldsWithReason(db: Db, debtor: string, prefix: string): { id: number }[] {
  return db.prepare('SELECT id FROM holds WHERE debtor_number = ? AND released_on IS NULL AND dispute = 0 AND substr(reason, 1, ?) = ?').all(debtor, prefix.length, prefix) as { id: number }[];
}

export function releaseHold(db: Db, id: number, today: string): void {
  db.prepare('UPDATE holds SET released_on = ? WHERE id = ?').run(today, id);
}
