// The SQL of the handover: the claims' details a case record is built from (debtors, invoices,
// letters with their outbox state, payments, notes), and the batch tables (handovers, its
// members, invoices, costs and case list). The rules are elsewhere: the planner decides what
// goes, src/handover/ builds the records and the file, src/workflows/export-handover.ts orders the
// steps.
import type { Db } from './ledger.js';
import { appendEvent } from './events.js';
import { amsterdamDate, type IsoDate } from '../domain/dates.js';
import type { ConsumerClaims } from '../domain/limitation.js';
import type { Channel, DebtorType, Language } from '../domain/letter.js';

const json = (values: Iterable<string | number>): string => JSON.stringify([...values]);

// ---------------------------------------------------------------------------------------------
// The claims' details

/**
 * The debtors with an open claim at stage `finalIndex` or later that moved there on or before
 * `stagedBy`, in debtor-number order: the only ones whose plan can hand a claim over.
 */
export function readHandoverCandidates(db: Db, finalIndex: number, stagedBy: IsoDate): string[] {
  return db
    .prepare(
      `SELECT DISTINCT debtor_number FROM invoices
       WHERE status = 'open' AND open_cents > 0 AND stage_index >= ? AND stage_date <= ? ORDER BY debtor_number`,
    )
    .pluck()
    .all(finalIndex, stagedBy) as string[];
}

export interface HandoverDebtor {
  number: string;
  type: DebtorType;
  name: string;
  contactPerson: string | null;
  street: string | null;
  postcode: string | null;
  city: string | null;
  country: string;
  email: string | null;
  phone: string | null;
  language: Language;
  kvk: string | null;
  vatNumber: string | null;
}

export function readHandoverDebtors(db: Db, numbers: readonly string[]): Map<string, HandoverDebtor> {
  const rows = db
    .prepare(
      `SELECT number, type, name, contact_person AS contactPerson, street, postcode, city, country, email, phone, language, kvk, vat_number AS vatNumber
       FROM debtors WHERE number IN (SELECT value FROM json_each(?))`,
    )
    .all(json(numbers)) as HandoverDebtor[];
  return new Map(rows.map((d) => [d.number, d]));
}

export interface HandoverInvoice {
  number: string;
  debtor: string;
  issueDate: IsoDate | null;
  dueDate: IsoDate;
  amountCents: number;
  /** Open after payments and credit notes (the selection takes the debtor's account's figure). */
  openCents: number;
  reference: string | null;
  /** The letter that moved the invoice to its current stage (the final letter for a ready claim). */
  stageLetterId: number | null;
  /** Import columns term_is_fatal / consumer_claim; null = the config default. */
  termIsFatal: boolean | null;
  consumerClaim: ConsumerClaims | null;
}

/** The given invoices with their per-invoice terms, in ledger order. */
export function readHandoverInvoices(db: Db, numbers: Iterable<string>): HandoverInvoice[] {
  const rows = db
    .prepare(
      `SELECT number, debtor_number AS debtor, issue_date AS issueDate, due_date AS dueDate, amount_cents AS amountCents, open_cents AS openCents, reference,
              stage_letter_id AS stageLetterId, t.term_is_fatal AS termIsFatal, t.consumer_claim AS consumerClaim
       FROM invoices LEFT JOIN invoice_terms t ON t.invoice_number = invoices.number
       WHERE number IN (SELECT value FROM json_each(?))`,
    )
    .all(json(numbers)) as (Omit<HandoverInvoice, 'termIsFatal'> & { termIsFatal: number | null })[];
  return rows.map((r) => ({ ...r, termIsFatal: r.termIsFatal === null ? null : r.termIsFatal === 1 }));
}

export interface HandoverLetter {
  id: number;
  date: IsoDate;
  stageId: string;
  stageIndex: number;
  final: boolean;
  channels: Channel[];
  amountCents: number;
  /** The collection costs the letter stated (consumer veertiendagenbrief); null otherwise. */
  costsCents: number | null;
  /** SHA-256 of the stored PDF; null when the letter was never rendered. */
  pdfSha256: string | null;
  /** Is the PDF stored (it is read only when the archive is written), and its size in bytes. */
  hasPdf: boolean;
  pdfBytes: number;
  /** Invoices the letter demanded (role `due`). */
  invoices: string[];
  /** State of the e-mail in the outbox, null when the letter had no e-mail. */
  emailState: string | null;
  /** Calendar date the e-mail left (Europe/Amsterdam), when it was sent. */
  emailSentDate: IsoDate | null;
  /** Day the printed letter was handed to the post (`letters --posted`). */
  postedOn: IsoDate | null;
}

/** The letters of the given debtors (withdrawn ones left out) with outbox state, posting day and demanded invoices: two queries. */
export function readHandoverLetters(db: Db, debtors: readonly string[]): Map<string, HandoverLetter[]> {
  const rows = db
    .prepare(
      `SELECT l.id, l.debtor_number AS debtor, l.date, l.stage_id AS stageId, l.stage_index AS stageIndex, l.final, l.channels, l.amount_cents AS amountCents,
              l.costs_cents AS costsCents, l.pdf_sha256 AS pdfSha256, length(l.pdf) AS pdfBytes, o.state AS emailState, o.sent_at AS sentAt, p.posted_on AS postedOn
       FROM letters l LEFT JOIN outbox o ON o.letter_id = l.id LEFT JOIN letter_postings p ON p.letter_id = l.id
       WHERE l.debtor_number IN (SELECT value FROM json_each(?)) AND l.id NOT IN (SELECT letter_id FROM letter_withdrawals)
       ORDER BY l.debtor_number, l.date, l.id`,
    )
    .all(json(debtors)) as { id: number; debtor: string; date: string; stageId: string; stageIndex: number; final: number; channels: string; amountCents: number; costsCents: number | null; pdfSha256: string | null; pdfBytes: number | null; emailState: string | null; sentAt: string | null; postedOn: string | null }[];
  const due = new Map<number, string[]>();
  for (const [letterId, invoice] of db
    .prepare(
      `SELECT li.letter_id, li.invoice_number FROM letter_invoices li JOIN letters l ON l.id = li.letter_id
       WHERE li.role = 'due' AND l.debtor_number IN (SELECT value FROM json_each(?)) AND l.id NOT IN (SELECT letter_id FROM letter_withdrawals) ORDER BY li.letter_id, li.invoice_number`,
    )
    .raw()
    .all(json(debtors)) as [number, string][]) {
    const list = due.get(letterId) ?? [];
    list.push(invoice);
    due.set(letterId, list);
  }
  const map = new Map<string, HandoverLetter[]>();
  const sentDate = sentDates();
  // length(), not `pdf IS NOT NULL`: SQLite answers it from the record header without reading the PDF.
  // Each letter built field by field: a rest pattern per row cost more than the row's query.
  for (const r of rows) {
    const list = map.get(r.debtor) ?? [];
    list.push({
      id: r.id, date: r.date, stageId: r.stageId, stageIndex: r.stageIndex, final: r.final === 1, channels: JSON.parse(r.channels) as Channel[],
      amountCents: r.amountCents, costsCents: r.costsCents, pdfSha256: r.pdfSha256, hasPdf: r.pdfBytes !== null, pdfBytes: r.pdfBytes ?? 0,
      invoices: due.get(r.id) ?? [], emailState: r.emailState, emailSentDate: r.sentAt ? sentDate(r.sentAt) : null, postedOn: r.postedOn,
    });
    map.set(r.debtor, list);
  }
  return map;
}

/**
 * The Amsterdam calendar date of a time stamp, remembered per UTC hour: the zone's offset is a
 * whole number of hours and changes on the hour, so every instant of one UTC hour has the same
 * local date (and the time-zone formatter is slow next to a map).
 */
function sentDates(): (sentAt: string) => IsoDate | null {
  const byHour = new Map<number, IsoDate | null>();
  return (sentAt) => {
    const instant = new Date(sentAt);
    const hour = Math.floor(instant.getTime() / 3_600_000);
    if (Number.isNaN(hour)) return null;
    let date = byHour.get(hour);
    if (date === undefined) byHour.set(hour, (date = amsterdamDate(instant)));
    return date;
  };
}

/** One letter's stored PDF, read when its turn in the archive comes. */
export function letterPdfReader(db: Db): (letterId: number) => Buffer | null {
  const read = db.prepare('SELECT pdf FROM letters WHERE id = ?').pluck();
  return (letterId) => (read.get(letterId) as Buffer | null | undefined) ?? null;
}

export interface HandoverPayment {
  invoiceNumber: string;
  date: IsoDate;
  /** The part of the payment allocated to this invoice. */
  amountCents: number;
  reference: string | null;
}

export function readHandoverPayments(db: Db, invoices: readonly string[]): HandoverPayment[] {
  return db
    .prepare(
      `SELECT a.invoice_number AS invoiceNumber, p.date, a.amount_cents AS amountCents, p.reference FROM allocations a JOIN payments p ON p.id = a.payment_id
       WHERE a.invoice_number IN (SELECT value FROM json_each(?)) ORDER BY p.date, p.id`,
    )
    .all(json(invoices)) as HandoverPayment[];
}

export interface HandoverNote {
  debtor: string;
  date: IsoDate;
  kind: 'hold' | 'dispute';
  invoiceNumber: string | null;
  reason: string;
  until: IsoDate | null;
  releasedOn: IsoDate | null;
}

/** Holds and disputes (released ones too) on the debtors or their invoices: the internal notes. */
export function readHandoverNotes(db: Db, debtors: readonly string[], invoices: readonly string[]): HandoverNote[] {
  const rows = db
    .prepare(
      `SELECT coalesce(h.debtor_number, i.debtor_number) AS debtor, h.created_on AS date, h.dispute, h.invoice_number AS invoiceNumber, h.reason, h.until, h.released_on AS releasedOn
       FROM holds h LEFT JOIN invoices i ON i.number = h.invoice_number
       WHERE h.debtor_number IN (SELECT value FROM json_each(?)) OR h.invoice_number IN (SELECT value FROM json_each(?))
       ORDER BY h.id`,
    )
    .all(json(debtors), json(invoices)) as (Omit<HandoverNote, 'kind'> & { dispute: number })[];
  return rows.map(({ dispute, ...n }) => ({ ...n, kind: dispute === 1 ? 'dispute' : 'hold' }));
}

// ---------------------------------------------------------------------------------------------
// Batches

export type HandoverFormat = 'zip' | 'csv' | 'json';

export interface BatchRow {
  id: number;
  today: IsoDate;
  format: HandoverFormat;
  file_name: string;
  /** The file's bytes of a batch made before migration 020; empty for later ones (see members). */
  content: Buffer;
  sha256: string;
  state: 'writing' | 'done';
}

/** A member of the file: a text member as its deflate stream, or a letter's stored PDF. */
export interface BatchMember {
  path: string;
  sha256: string;
  size: number;
  letterId: number | null;
  crc32: number | null;
  deflated: Buffer | null;
}

/** One line per case for the terminal and `--json`. */
export interface CaseSummary {
  case_reference: string;
  debtor: string;
  name: string;
  type: DebtorType;
  invoices: string[];
  open_cents: number;
  collection_costs_cents: number;
  interest_cents: number;
  total_cents: number;
}

const BATCH_COLUMNS = 'id, today, format, file_name, content, sha256, state';

export function readBatch(db: Db, id: number): BatchRow | undefined {
  return db.prepare(`SELECT ${BATCH_COLUMNS} FROM handovers WHERE id = ?`).get(id) as BatchRow | undefined;
}

export function lastBatchNumber(db: Db): number | null {
  return (db.prepare('SELECT max(id) AS n FROM handovers').get() as { n: number | null }).n;
}

export function nextBatchNumber(db: Db): number {
  return (lastBatchNumber(db) ?? 0) + 1;
}

/** A batch whose file was (maybe) written but whose claims were never marked: a crash. */
export function interruptedBatch(db: Db): BatchRow | undefined {
  return db.prepare(`SELECT ${BATCH_COLUMNS} FROM handovers WHERE state = 'writing' ORDER BY id LIMIT 1`).get() as BatchRow | undefined;
}

export function readBatchMembers(db: Db, id: number): BatchMember[] {
  return db
    .prepare('SELECT path, sha256, size, letter_id AS letterId, crc32, deflated FROM handover_members WHERE handover_id = ? ORDER BY seq')
    .all(id) as BatchMember[];
}

/** The case list kept with the batch (the debtor's name and type as the ledger holds them now). */
export function readCaseSummaries(db: Db, id: number): CaseSummary[] {
  const rows = db
    .prepare(
      `SELECT c.case_reference, c.debtor_number AS debtor, d.name, d.type, c.invoices, c.open_cents, c.collection_costs_cents, c.interest_cents, c.total_cents
       FROM handover_cases c JOIN debtors d ON d.number = c.debtor_number WHERE c.handover_id = ? ORDER BY c.seq`,
    )
    .all(id) as (Omit<CaseSummary, 'invoices'> & { invoices: string })[];
  return rows.map((r) => ({ ...r, invoices: JSON.parse(r.invoices) as string[] }));
}

export interface NewBatch {
  id: number;
  today: IsoDate;
  format: HandoverFormat;
  fileName: string;
  sha256: string;
  createdAt: Date;
  members: readonly BatchMember[];
  cases: readonly CaseSummary[];
  /** Costs each case claims, so later handovers of the debtor stay within what was stated. */
  costs: readonly { debtor: string; claimedCents: number; basis: string }[];
}

/** Rows per multi-row INSERT of the batch tables (10,000 cases: a few hundred statements, not 60,000). */
const ROWS_PER_INSERT = 200;

/** Inserts `rows` into `table` (`columns`), many rows per statement. */
function insertRows(db: Db, table: string, columns: readonly string[], rows: readonly unknown[][]): void {
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const statement = (n: number) => db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array.from({ length: n }, () => tuple).join(', ')}`);
  const full = rows.length >= ROWS_PER_INSERT ? statement(ROWS_PER_INSERT) : null;
  let i = 0;
  for (; i + ROWS_PER_INSERT <= rows.length; i += ROWS_PER_INSERT) full!.run(rows.slice(i, i + ROWS_PER_INSERT).flat());
  if (i < rows.length) statement(rows.length - i).run(rows.slice(i).flat());
}

/** Records a batch as `writing` with its members, claims, costs and case list: one transaction. */
export function insertBatch(db: Db, batch: NewBatch): void {
  db.transaction(() => {
    db.prepare("INSERT INTO handovers (id, today, format, file_name, content, sha256, state, created_at) VALUES (?, ?, ?, ?, X'', ?, 'writing', ?)")
      .run(batch.id, batch.today, batch.format, batch.fileName, batch.sha256, batch.createdAt.toISOString());
    insertRows(db, 'handover_members', ['handover_id', 'seq', 'path', 'letter_id', 'sha256', 'crc32', 'size', 'deflated'],
      batch.members.map((m, seq) => [batch.id, seq, m.path, m.letterId, m.sha256, m.crc32, m.size, m.deflated]));
    insertRows(db, 'handover_cases', ['handover_id', 'seq', 'case_reference', 'debtor_number', 'invoices', 'open_cents', 'collection_costs_cents', 'interest_cents', 'total_cents'],
      batch.cases.map((c, seq) => [batch.id, seq, c.case_reference, c.debtor, JSON.stringify(c.invoices), c.open_cents, c.collection_costs_cents, c.interest_cents, c.total_cents]));
    insertRows(db, 'handover_invoices', ['handover_id', 'invoice_number'], batch.cases.flatMap((c) => c.invoices.map((number) => [batch.id, number])));
    insertRows(db, 'handover_costs', ['handover_id', 'debtor_number', 'claimed_cents', 'basis'], batch.costs.map((c) => [batch.id, c.debtor, c.claimedCents, c.basis]));
  })();
}

/** Takes a `writing` batch back (its file never got its name): the ledger is as it was. */
export function deleteBatch(db: Db, id: number): void {
  db.transaction(() => {
    for (const table of ['handover_members', 'handover_cases', 'handover_invoices', 'handover_costs']) db.prepare(`DELETE FROM ${table} WHERE handover_id = ?`).run(id);
    db.prepare("DELETE FROM handovers WHERE id = ? AND state = 'writing'").run(id);
  })();
}

/** Marks the batch's claims handed over, the batch done, and logs it, in one transaction. */
export function completeBatch(db: Db, batch: BatchRow, today: IsoDate, now: Date): { notMarked: { invoice: string; status: string }[] } {
  return db.transaction(() => {
    const rows = db
      .prepare(
        `SELECT i.number, i.debtor_number, i.status FROM handover_invoices hi JOIN invoices i ON i.number = hi.invoice_number
         WHERE hi.handover_id = ? ORDER BY i.debtor_number, i.number`,
      )
      .raw()
      .all(batch.id) as [string, string, string][];
    // The claims still open are marked in one statement; the rows read above say which those are.
    db.prepare(
      "UPDATE invoices SET status = 'handed_over' WHERE status = 'open' AND number IN (SELECT invoice_number FROM handover_invoices WHERE handover_id = ?)",
    ).run(batch.id);
    const notMarked: { invoice: string; status: string }[] = [];
    for (const [invoice, debtor, status] of rows) {
      const marked = status === 'open';
      // Only a recovered batch can meet a claim that changed meanwhile (paid, closed): the file
      // is already out, so it is completed, and the claim named so the agency can be told.
      if (!marked) notMarked.push({ invoice, status });
      appendEvent(db, {
        kind: 'handover', today, debtor, invoice,
        data: { batch: batch.id, file: batch.file_name, sha256: batch.sha256, format: batch.format, marked, ...(marked ? {} : { status }) },
      }, now);
    }
    const done = db.prepare("UPDATE handovers SET state = 'done', completed_at = ? WHERE id = ? AND state = 'writing'").run(now.toISOString(), batch.id);
    if (done.changes !== 1) throw new Error(`handover batch ${batch.id} changed while it was completed`);
    return { notMarked };
  })();
}

/** The invoices of a batch made before migration 020, by debtor (its case list is not kept). */
export function readBatchInvoices(db: Db, id: number): { debtor: string; name: string; type: DebtorType; invoice: string; openCents: number }[] {
  return db
    .prepare(
      `SELECT i.debtor_number AS debtor, d.name, d.type, i.number AS invoice, i.open_cents AS openCents FROM handover_invoices hi
       JOIN invoices i ON i.number = hi.invoice_number JOIN debtors d ON d.number = i.debtor_number
       WHERE hi.handover_id = ? ORDER BY i.debtor_number, i.number`,
    )
    .all(id) as never;
}

/** The costs each case of a batch claimed, by debtor. */
export function readBatchCosts(db: Db, id: number): Map<string, number> {
  return new Map(db.prepare('SELECT debtor_number, claimed_cents FROM handover_costs WHERE handover_id = ?').raw().all(id) as [string, number][]);
}
