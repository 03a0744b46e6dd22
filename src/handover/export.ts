// The handover shell (SPEC §10): select the claims the engine marks ready, read their cases from
// the ledger, write the file atomically, and only then mark the claims `handed_over`.
//
// Order of work, and what a crash at each point leaves behind:
//   1. plan + read + build the bytes               nothing written
//   2. temp file in the out dir, fsync             a stray `.handover-….tmp`; ledger untouched
//   3. batch row `writing` with the bytes, its     the next `export` finds the row and completes
//      invoice list (one transaction)              it from the stored bytes: no second batch
//   4. rename to the final name, fsync the dir     same: the file is verified or rewritten
//   5. one transaction: invoices `handed_over`,    done
//      batch `done`, a `handover` event per claim
// A failure before step 3 (an unwritable --out) leaves the ledger byte for byte as it was; a
// failure at step 4 removes the row again, so a failed export never marks anything (SPEC §2.3).
import { commitTemp, ensureDir, writeTemp as writeTempFile } from '../platform/files.js';
import { environmentError } from '../platform/errors.js';
import fs from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import type { Db } from '../ledger/ledger.js';
import { appendEvent } from '../ledger/events.js';
import { readDunningSnapshot, readHolds } from '../ledger/dunning.js';
import { readAccountsOf, readArrangementsNow } from '../ledger/account-facts.js';
import { debtorAccount, type ClaimPosition } from '../domain/account.js';
import { AppError } from '../errors.js';
import { isHoldActive, planRun, type HandoverAction, type Policy } from '../domain/plan.js';
import type { IsoDate } from '../domain/dates.js';
import type { DayCount } from '../domain/interest.js';
import type { Channel, DebtorType, Language } from '../domain/letter.js';
import { tokenizeString } from '../importers/csv-tokenizer.js';
import {
  buildHandover,
  checkVeertiendagenbrief,
  handoverJsonBytes,
  type CaseArrangementInput,
  type CaseInput,
  type CaseInvoiceInput,
  type CaseLetterInput,
  type HandoverDocument,
  type HandoverLegal,
} from './case.js';
import { handoverCsvBytes } from './csv.js';
import type { ArrangementRow } from '../ledger/arrangements.js';
import { arrangementStatus } from '../domain/arrangements.js';
import { deterministicZip, sha256Hex, type ZipEntry } from './zip.js';

export type HandoverFormat = 'zip' | 'csv' | 'json';
export const HANDOVER_FORMATS: readonly HandoverFormat[] = ['zip', 'csv', 'json'];

export interface HandoverSettings {
  policy: Policy;
  dayCount: DayCount;
  today: IsoDate;
  format: HandoverFormat;
  includeNotes: boolean;
  /** `pre-incasso <version>`, written into the document. */
  generatedBy: string;
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

/** A claim the engine called ready that the export refused, with the reason. */
export interface SkippedClaim {
  debtor: string;
  invoice: string;
  reason: string;
}

export interface Selection {
  cases: CaseInput[];
  skipped: SkippedClaim[];
}

export interface BatchResult {
  batch: number;
  format: HandoverFormat;
  fileName: string;
  /** Absolute path of the written file. */
  file: string;
  sha256: string;
  cases: CaseSummary[];
  warnings: string[];
  /** Invoices of the batch that were no longer open when it was completed (crash recovery). */
  notMarked: { invoice: string; status: string }[];
}

/** Test seams: a crash between two steps is simulated by throwing from a hook. */
export interface ExportHooks {
  afterBatchRow?: () => void;
  afterRename?: () => void;
}

// ---------------------------------------------------------------------------------------------
// Selection and reading

type DebtorRow = [string, DebtorType, string, string | null, string | null, string | null, string | null, string, string | null, string | null, Language, string | null, string | null];
type InvoiceRow = [string, string, string | null, string, number, number, string | null, number | null, string, number | null, 'goods' | 'services' | null];
type LetterRow = [number, string, string, string, number, number, string, number, number | null, string | null, Buffer | null, string | null, string | null, string | null];

const json = (values: Iterable<string | number>): string => JSON.stringify([...values]);

/** The calendar date in Europe/Amsterdam of a stored ISO time stamp (outbox.sent_at). */
function amsterdamDate(timestamp: string): IsoDate | null {
  const t = new Date(timestamp);
  if (Number.isNaN(t.getTime())) return null;
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit' }).format(t);
}

interface LetterWithPdf extends CaseLetterInput {
  pdf: Buffer | null;
}

/** Letters of the given debtors with their outbox state and demanded invoices: two queries. */
function readLetters(db: Db, debtors: string[], withPdf: boolean, warnings: string[]): Map<string, LetterWithPdf[]> {
  const rows = db
    .prepare(
      `SELECT l.id, l.debtor_number, l.date, l.stage_id, l.stage_index, l.final, l.channels, l.amount_cents, l.costs_cents, l.pdf_sha256,
              ${withPdf ? 'l.pdf' : 'NULL'}, o.state, o.sent_at, p.posted_on
       FROM letters l LEFT JOIN outbox o ON o.letter_id = l.id LEFT JOIN letter_postings p ON p.letter_id = l.id
       WHERE l.debtor_number IN (SELECT value FROM json_each(?)) AND l.id NOT IN (SELECT letter_id FROM letter_withdrawals)
       ORDER BY l.debtor_number, l.date, l.id`,
    )
    .raw()
    .all(json(debtors)) as LetterRow[];
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
  const map = new Map<string, LetterWithPdf[]>();
  for (const [id, debtor, date, stageId, stageIndex, final, channels, amount, costs, recordedSha, pdf, state, sentAt, postedOn] of rows) {
    let sha = recordedSha;
    if (pdf) {
      // The archive carries the stored bytes; their hash must be the one recorded as evidence.
      const actual = sha256Hex(pdf);
      if (recordedSha !== null && recordedSha !== actual) {
        throw new AppError('ledger_corrupt', `The stored PDF of letter ${id} (debtor ${debtor}, ${date}) does not match its recorded SHA-256.`, {
          hint: 'The ledger was changed outside pre-incasso. Restore it from a backup; `pre-incasso doctor` checks integrity.',
        });
      }
      sha = actual;
    } else if (withPdf && recordedSha !== null) {
      warnings.push(`letter ${id} (debtor ${debtor}, ${date}) has a recorded SHA-256 but no stored PDF`);
    }
    const list = map.get(debtor) ?? [];
    list.push({
      id, date, stageId, stageIndex, final: final === 1, channels: JSON.parse(channels) as Channel[], amountCents: amount, costsCents: costs,
      pdfSha256: sha, invoices: due.get(id) ?? [], emailState: state, emailSentDate: sentAt ? amsterdamDate(sentAt) : null, postedOn, pdf,
    });
    map.set(debtor, list);
  }
  return map;
}

/** An arrangement as the incassobureau sees it: the schedule, what was paid, when it broke. */
function caseArrangement(a: ArrangementRow, today: IsoDate): CaseArrangementInput {
  const status = arrangementStatus(a.schedule, a.payments, today, a.graceDays, a.extraPaidCents);
  const state = a.status === 'running' ? status.state : a.status;
  return {
    id: a.id, status: state, agreedOn: a.startDate, brokenOn: a.status === 'broken' ? a.closedOn : status.brokenOn, closedOn: a.closedOn, closeReason: a.closeReason,
    invoices: a.invoices.map((i) => i.number), totalCents: status.totalCents, paidCents: status.paidCents,
    schedule: status.instalments.map((i) => ({ number: i.number, dueDate: i.dueDate, amountCents: i.amountCents, paidCents: i.paidCents })),
  };
}

/**
 * The claims that go: the engine's `handover` actions, checked once more (a held or disputed
 * claim, or a consumer claim without a veertiendagenbrief whose term ran out, never goes), with
 * the debtor's open credit notes netted in. Set-based reads: a handful of queries per export.
 */
export function selectCases(db: Db, settings: HandoverSettings, options: { withPdf: boolean; warnings: string[] }): Selection & { letters: Map<number, Buffer | null> } {
  const { today } = settings;
  const plan = planRun(readDunningSnapshot(db), settings.policy, today);
  const actions = plan.actions.filter((a): a is HandoverAction => a.kind === 'handover');
  const skipped: SkippedClaim[] = [];
  const pdfs = new Map<number, Buffer | null>();
  if (actions.length === 0) return { cases: [], skipped, letters: pdfs };

  const debtorNumbers = actions.map((a) => a.debtor);
  const candidates = new Set(actions.flatMap((a) => a.invoices));
  const debtors = new Map<string, DebtorRow>();
  for (const row of db
    .prepare(
      `SELECT number, type, name, contact_person, street, postcode, city, country, email, phone, language, kvk, vat_number
       FROM debtors WHERE number IN (SELECT value FROM json_each(?))`,
    )
    .raw()
    .all(json(debtorNumbers)) as DebtorRow[]) {
    debtors.set(row[0], row);
  }
  const invoiceRows = db
    .prepare(
      `SELECT number, debtor_number, issue_date, due_date, amount_cents, open_cents, reference, stage_letter_id, status, t.term_is_fatal, t.consumer_claim
       FROM invoices LEFT JOIN invoice_terms t ON t.invoice_number = invoices.number
       WHERE number IN (SELECT value FROM json_each(?))`,
    )
    .raw()
    .all(json(candidates)) as InvoiceRow[];
  // The debtors' accounts: the open amount of each claim after payments and credit notes, the
  // same allocation the letters showed (src/domain/account.ts).
  const facts = readAccountsOf(db, debtorNumbers);
  const positions = new Map<string, ClaimPosition>();
  const accounts = new Map<string, ReturnType<typeof debtorAccount>>();
  for (const [number, input] of facts) {
    const account = debtorAccount(input, today);
    accounts.set(number, account);
    for (const c of account.claims) positions.set(c.number, c);
  }
  const letters = readLetters(db, debtorNumbers, options.withPdf, options.warnings);
  const lettersById = new Map([...letters.values()].flat().map((l) => [l.id, l]));
  const holds = readHolds(db);

  const byDebtor = new Map<string, CaseInvoiceInput[]>();
  for (const [number, debtor, issue, due, amount, open, reference, stageLetterId, status, fatal, claim] of invoiceRows) {
    const d = debtors.get(debtor)!;
    const active = (holds.get(debtor) ?? []).filter((h) => isHoldActive(h, today) && (h.invoiceNumber === null || h.invoiceNumber === number));
    let refusal: string | null = null;
    if (status !== 'open') refusal = `it is ${status}`;
    else if (active.length > 0) refusal = `it is ${active.some((h) => h.dispute) ? 'disputed' : 'on hold'}: ${active[0]!.reason}`;
    else if (open > 0 && d[1] === 'consumer') {
      const check = checkVeertiendagenbrief(stageLetterId === null ? null : lettersById.get(stageLetterId) ?? null, today, settings.policy.law);
      if (!check.ok) refusal = check.reason;
    }
    if (refusal !== null) {
      // The planner should never offer these; refusing here is the second lock on the door.
      if (candidates.has(number)) skipped.push({ debtor, invoice: number, reason: refusal });
      continue;
    }
    const position = positions.get(number);
    const list = byDebtor.get(debtor) ?? [];
    list.push({
      number, issueDate: issue, dueDate: due, amountCents: amount, openCents: position ? position.openCents : open, reference, stageLetterId,
      termIsFatal: fatal === null ? null : fatal === 1, consumerClaim: claim,
      ...(position ? { paidCents: position.paidCents, credits: position.credits.map((c) => ({ creditNote: c.creditNote, amountCents: c.amountCents })) } : {}),
    });
    byDebtor.set(debtor, list);
  }

  const cases: CaseInput[] = [];
  const kept: string[] = [];
  for (const number of debtorNumbers) {
    const invoices = (byDebtor.get(number) ?? []).filter((i) => i.openCents > 0);
    // Nothing open after credit notes: no case.
    if (invoices.length === 0) continue;
    const d = debtors.get(number)!;
    const account = accounts.get(number);
    kept.push(...invoices.map((i) => i.number));
    cases.push({
      debtor: {
        number: d[0], type: d[1], name: d[2], contactPerson: d[3], street: d[4], postcode: d[5], city: d[6], country: d[7],
        email: d[8], phone: d[9], language: d[10], kvk: d[11], vatNumber: d[12],
      },
      invoices,
      payments: [],
      letters: (letters.get(number) ?? []).map(({ pdf, ...rest }) => {
        pdfs.set(rest.id, pdf);
        return rest;
      }),
      notes: [],
      ...(account ? { costsStatedTotalCents: account.costsStatedCents, costsClaimedBeforeCents: account.costsClaimedCents } : {}),
    });
  }
  if (cases.length === 0) return { cases, skipped, letters: pdfs };
  // The arrangements made with these debtors, with the paid figures of their accounts (one read).
  const arrangements = readArrangementsNow(db, { debtors: cases.map((c) => c.debtor.number) }, today);
  for (const c of cases) {
    const views = arrangements.filter((a) => a.debtor === c.debtor.number);
    if (views.length > 0) c.arrangements = views.map((a) => caseArrangement(a, today));
  }

  const byCase = new Map(cases.map((c) => [c.debtor.number, c]));
  const invoiceDebtor = new Map(cases.flatMap((c) => c.invoices.map((i) => [i.number, c.debtor.number] as const)));
  for (const [invoice, date, amount, reference] of db
    .prepare(
      `SELECT a.invoice_number, p.date, a.amount_cents, p.reference FROM allocations a JOIN payments p ON p.id = a.payment_id
       WHERE a.invoice_number IN (SELECT value FROM json_each(?)) ORDER BY p.date, p.id`,
    )
    .raw()
    .all(json(kept)) as [string, string, number, string | null][]) {
    byCase.get(invoiceDebtor.get(invoice)!)!.payments.push({ invoiceNumber: invoice, date, amountCents: amount, reference });
  }
  if (settings.includeNotes) {
    for (const [debtor, invoice, created, dispute, reason, until, released] of db
      .prepare(
        `SELECT coalesce(h.debtor_number, i.debtor_number), h.invoice_number, h.created_on, h.dispute, h.reason, h.until, h.released_on
         FROM holds h LEFT JOIN invoices i ON i.number = h.invoice_number
         WHERE h.debtor_number IN (SELECT value FROM json_each(?)) OR h.invoice_number IN (SELECT value FROM json_each(?))
         ORDER BY h.id`,
      )
      .raw()
      .all(json(byCase.keys()), json(kept)) as [string, string | null, string, number, string, string | null, string | null][]) {
      byCase.get(debtor)?.notes.push({ date: created, kind: dispute === 1 ? 'dispute' : 'hold', invoiceNumber: invoice, reason, until, releasedOn: released });
    }
  }
  return { cases, skipped, letters: pdfs };
}

// ---------------------------------------------------------------------------------------------
// Building the bytes

export function handoverFileName(today: IsoDate, batch: number, format: HandoverFormat): string {
  return `handover-${today}-${batch}.${format}`;
}

export function summarise(document: HandoverDocument): CaseSummary[] {
  return document.cases.map((c) => ({
    case_reference: c.case_reference,
    debtor: c.debtor.number,
    name: c.debtor.name,
    type: c.debtor.type,
    invoices: c.claims.map((x) => x.invoice_number),
    open_cents: c.totals.open_cents,
    collection_costs_cents: c.totals.collection_costs_cents,
    interest_cents: c.totals.interest_cents,
    total_cents: c.totals.total_cents,
  }));
}

export interface BuiltBatch {
  document: HandoverDocument;
  content: Buffer;
  warnings: string[];
}

/** The legal settings of the handover document, from the policy (issue 17). */
export function handoverLegal(policy: Policy): HandoverLegal {
  const ig = policy.terms.findIndex((t) => t.ingebrekestelling);
  return {
    law: policy.law,
    consumerClaims: policy.consumerClaims,
    canDeductVat: policy.canDeductVat,
    ingebrekestellingStage: ig >= 0 ? ig : null,
    ingebrekestellingTermDays: ig >= 0 ? policy.terms[ig]!.termDays : 0,
    termIsFatal: policy.termIsFatal ?? false,
    includeTimeBarred: policy.includeTimeBarred === true,
  };
}

/** The file's bytes for a batch: handover.json, handover.csv, or the ZIP with both and the PDFs. */
export function buildBatchContent(selection: Selection & { letters: Map<number, Buffer | null> }, settings: HandoverSettings, batch: number): BuiltBatch {
  const built = buildHandover({
    batch,
    exportDate: settings.today,
    generatedBy: settings.generatedBy,
    creditor: settings.policy.creditor,
    dayCount: settings.dayCount,
    includeNotes: settings.includeNotes,
    letterFiles: settings.format === 'zip',
    cases: selection.cases,
    legal: handoverLegal(settings.policy),
  });
  const { document } = built;
  // One line per distinct warning, naming the debtors it concerns (the rate-table warning is
  // usually the same for every case).
  const byText = new Map<string, string[]>();
  for (const c of document.cases) for (const w of c.warnings) byText.set(w, [...(byText.get(w) ?? []), c.debtor.number]);
  const warnings = [...byText].map(([w, debtors]) => `${w} (debtor${debtors.length === 1 ? '' : 's'} ${debtors.join(', ')})`);
  let content: Buffer;
  if (settings.format === 'json') content = handoverJsonBytes(document);
  else if (settings.format === 'csv') content = handoverCsvBytes(document);
  else {
    const entries: ZipEntry[] = [
      { path: 'handover.json', data: handoverJsonBytes(document) },
      { path: 'handover.csv', data: handoverCsvBytes(document) },
      ...built.letterFiles.map((f) => ({ path: f.path, data: selection.letters.get(f.letterId)! })),
    ];
    content = Buffer.from(deterministicZip(entries, settings.today));
  }
  return { document, content, warnings };
}

/** The case list of a stored batch, read back from its own bytes (for `--batch` and recovery). */
export function summariseStored(format: HandoverFormat, content: Buffer): CaseSummary[] {
  if (format === 'json') return summarise(JSON.parse(content.toString('utf8')) as HandoverDocument);
  if (format === 'zip') {
    const files = unzipSync(new Uint8Array(content), { filter: (f) => f.name === 'handover.json' });
    const doc = files['handover.json'];
    return doc ? summarise(JSON.parse(Buffer.from(doc).toString('utf8')) as HandoverDocument) : [];
  }
  const { records } = tokenizeString(content.toString('utf8').replace(/^\uFEFF/, ''), { delimiter: ';' });
  const [header, ...rows] = records.map((r) => r.fields);
  if (!header) return [];
  const col = (name: string): number => header.indexOf(name);
  const cents = (text: string | undefined): number => {
    const m = /^(-?)(\d+),(\d{2})$/.exec(text ?? '');
    return m ? (m[1] ? -1 : 1) * (Number(m[2]) * 100 + Number(m[3])) : 0;
  };
  const uninert = (text: string): string => (/^'[=+\-@\t\r]/.test(text) ? text.slice(1) : text);
  const summaries = new Map<string, CaseSummary>();
  for (const f of rows) {
    const ref = uninert(f[col('dossier')] ?? '');
    let s = summaries.get(ref);
    if (!s) {
      s = {
        case_reference: ref, debtor: uninert(f[col('debiteurnummer')] ?? ''), name: uninert(f[col('naam')] ?? ''),
        type: f[col('soort')] === 'zakelijk' ? 'business' : 'consumer', invoices: [], open_cents: 0, collection_costs_cents: 0, interest_cents: 0, total_cents: 0,
      };
      summaries.set(ref, s);
    }
    s.invoices.push(uninert(f[col('factuurnummer')] ?? ''));
    s.open_cents += cents(f[col('openstaand')]);
    s.interest_cents += cents(f[col('rente')]);
    s.collection_costs_cents += cents(f[col('incassokosten (dossier)')]);
    s.total_cents += cents(f[col('totaal vordering (dossier)')]);
  }
  return [...summaries.values()];
}

// ---------------------------------------------------------------------------------------------
// Files

function unwritable(dir: string, error: unknown): AppError {
  const machine = environmentError(error, { role: 'file', path: dir });
  if (machine) return new AppError('input_invalid', machine.message, { hint: `${machine.hint ?? ''} Nothing was marked as handed over.`.trim(), cause: error });
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  return new AppError('input_invalid', `Cannot write the handover file to ${dir} (${code}: ${(error as Error).message}).`, {
    hint: 'Give --out a folder you can write to (it is created when missing). Nothing was marked as handed over.',
    cause: error,
  });
}

/** Creates the out dir (0700) when missing; an unusable path is an input error (exit 4). */
export function prepareOutDir(dir: string): string {
  try {
    return ensureDir(dir);
  } catch (error) {
    throw unwritable(path.resolve(dir), error);
  }
}

/** Writes and fsyncs a new temp file (0600, never through a symlink) next to the target; returns its path. */
function writeTemp(dir: string, fileName: string, content: Buffer): string {
  try {
    return writeTempFile(path.join(dir, fileName), content);
  } catch (error) {
    throw unwritable(dir, error);
  }
}

function renameInto(tmp: string, dir: string, fileName: string): string {
  try {
    return commitTemp(tmp, path.join(dir, fileName));
  } catch (error) {
    throw unwritable(dir, error);
  }
}

/** Temp files a crashed export left for this file name (`.<name>.<pid>.tmp`). */
function removeStaleTemps(dir: string, fileName: string): void {
  for (const entry of fs.readdirSync(dir)) {
    if (entry.startsWith(`.${fileName}.`) && entry.endsWith('.tmp')) fs.rmSync(path.join(dir, entry), { force: true });
  }
}

/** Temp name, fsync, rename, fsync the directory: the file is there whole or not at all. */
export function writeFileAtomic(dir: string, fileName: string, content: Buffer): string {
  return renameInto(writeTemp(dir, fileName, content), dir, fileName);
}

function fileMatches(file: string, sha256: string): boolean {
  try {
    return sha256Hex(fs.readFileSync(file)) === sha256;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Batches in the ledger

interface BatchRow {
  id: number;
  today: string;
  format: HandoverFormat;
  file_name: string;
  content: Buffer;
  sha256: string;
  state: 'writing' | 'done';
}

export function readBatch(db: Db, id: number): BatchRow | undefined {
  return db.prepare('SELECT id, today, format, file_name, content, sha256, state FROM handovers WHERE id = ?').get(id) as BatchRow | undefined;
}

function nextBatchNumber(db: Db): number {
  return (db.prepare('SELECT coalesce(max(id), 0) + 1 AS n FROM handovers').get() as { n: number }).n;
}

/** A batch whose file was (maybe) written but whose claims were never marked: a crash. */
export function interruptedBatch(db: Db): BatchRow | undefined {
  return db.prepare("SELECT id, today, format, file_name, content, sha256, state FROM handovers WHERE state = 'writing' ORDER BY id LIMIT 1").get() as BatchRow | undefined;
}

/** Step 5: marks the batch's claims handed over, the batch done, and logs it, in one transaction. */
function completeBatch(db: Db, batch: BatchRow, today: IsoDate, now: Date): { notMarked: { invoice: string; status: string }[] } {
  return db.transaction(() => {
    const rows = db
      .prepare(
        `SELECT i.number, i.debtor_number, i.status FROM handover_invoices hi JOIN invoices i ON i.number = hi.invoice_number
         WHERE hi.handover_id = ? ORDER BY i.debtor_number, i.number`,
      )
      .raw()
      .all(batch.id) as [string, string, string][];
    const mark = db.prepare("UPDATE invoices SET status = 'handed_over' WHERE number = ? AND status = 'open'");
    const notMarked: { invoice: string; status: string }[] = [];
    for (const [invoice, debtor, status] of rows) {
      const marked = mark.run(invoice).changes === 1;
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

export interface ExportRun {
  kind: 'new' | 'recovered' | 'nothing';
  result: BatchResult | null;
  skipped: SkippedClaim[];
}

/**
 * `export`: completes an interrupted batch if there is one; otherwise selects, writes and marks a
 * new batch. Returns `nothing` when no claim is ready (no batch number is used up then).
 */
export function exportHandover(db: Db, settings: HandoverSettings, outDir: string, hooks: ExportHooks = {}, now: () => Date = () => new Date()): ExportRun {
  const interrupted = interruptedBatch(db);
  if (interrupted) return { kind: 'recovered', result: recoverBatch(db, interrupted, prepareOutDir(outDir), settings.today, hooks, now), skipped: [] };

  const warnings: string[] = [];
  const selection = selectCases(db, settings, { withPdf: settings.format === 'zip', warnings });
  if (selection.cases.length === 0) return { kind: 'nothing', result: null, skipped: selection.skipped };
  const dir = prepareOutDir(outDir);

  const batchId = nextBatchNumber(db);
  const built = buildBatchContent(selection, settings, batchId);
  warnings.push(...built.warnings);
  const fileName = handoverFileName(settings.today, batchId, settings.format);
  const target = path.join(dir, fileName);
  if (fs.existsSync(target)) {
    throw new AppError('input_invalid', `${target} already exists, but batch ${batchId} is new in this ledger.`, {
      hint: 'It belongs to another ledger or an earlier installation. Move it away, or choose another --out folder. Nothing was marked.',
    });
  }
  const sha256 = sha256Hex(built.content);
  const tmp = writeTemp(dir, fileName, built.content);

  const invoices = built.document.cases.flatMap((c) => c.claims.map((x) => x.invoice_number));
  try {
    db.transaction(() => {
      db.prepare("INSERT INTO handovers (id, today, format, file_name, content, sha256, state, created_at) VALUES (?, ?, ?, ?, ?, ?, 'writing', ?)")
        .run(batchId, settings.today, settings.format, fileName, built.content, sha256, now().toISOString());
      const insert = db.prepare('INSERT INTO handover_invoices (handover_id, invoice_number) VALUES (?, ?)');
      for (const invoice of invoices) insert.run(batchId, invoice);
      // The costs each case claims, so later handovers of the debtor stay within what was stated.
      const costs = db.prepare('INSERT INTO handover_costs (handover_id, debtor_number, claimed_cents, basis) VALUES (?, ?, ?, ?)');
      for (const c of built.document.cases) costs.run(batchId, c.debtor.number, c.collection_costs.claimed_cents, c.collection_costs.basis);
    })();
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
  hooks.afterBatchRow?.();
  try {
    renameInto(tmp, dir, fileName);
  } catch (error) {
    // The file never got its name: take the row back, so the ledger is as it was.
    db.transaction(() => {
      db.prepare('DELETE FROM handover_invoices WHERE handover_id = ?').run(batchId);
      db.prepare('DELETE FROM handover_costs WHERE handover_id = ?').run(batchId);
      db.prepare("DELETE FROM handovers WHERE id = ? AND state = 'writing'").run(batchId);
    })();
    throw error;
  }
  hooks.afterRename?.();
  const batch = readBatch(db, batchId)!;
  const { notMarked } = completeBatch(db, batch, settings.today, now());
  return {
    kind: 'new',
    result: { batch: batchId, format: settings.format, fileName, file: target, sha256, cases: summarise(built.document), warnings, notMarked },
    skipped: selection.skipped,
  };
}

/** Completes a batch left `writing` by a crash: the same bytes, then the marks. */
function recoverBatch(db: Db, batch: BatchRow, dir: string, today: IsoDate, hooks: ExportHooks, now: () => Date): BatchResult {
  if (sha256Hex(batch.content) !== batch.sha256) {
    throw new AppError('ledger_corrupt', `The stored bytes of handover batch ${batch.id} do not match their SHA-256.`, { hint: 'Restore the ledger from a backup.' });
  }
  const target = path.join(dir, batch.file_name);
  if (!fileMatches(target, batch.sha256)) writeFileAtomic(dir, batch.file_name, batch.content);
  removeStaleTemps(dir, batch.file_name);
  hooks.afterRename?.();
  const { notMarked } = completeBatch(db, batch, today, now());
  return {
    batch: batch.id, format: batch.format, fileName: batch.file_name, file: target, sha256: batch.sha256,
    cases: summariseStored(batch.format, batch.content), warnings: [], notMarked,
  };
}

/** `export --batch <n>`: the stored bytes of an earlier batch, written again unchanged. */
export function rewriteBatch(db: Db, id: number, outDir: string, format?: HandoverFormat): BatchResult {
  const batch = readBatch(db, id);
  if (!batch) {
    const last = (db.prepare('SELECT max(id) AS n FROM handovers').get() as { n: number | null }).n;
    throw new AppError('not_found', `There is no handover batch ${id} in the ledger.`, {
      hint: last === null ? 'No handover was exported yet.' : `Batches run from 1 to ${last}.`,
    });
  }
  if (batch.state !== 'done') {
    throw new AppError('input_invalid', `Handover batch ${id} was interrupted and is not complete.`, {
      hint: 'Run `pre-incasso export` without --batch: it completes the interrupted batch first.',
    });
  }
  if (sha256Hex(batch.content) !== batch.sha256) {
    throw new AppError('ledger_corrupt', `The stored bytes of handover batch ${id} do not match their SHA-256.`, { hint: 'Restore the ledger from a backup.' });
  }
  if (format !== undefined && format !== batch.format) {
    // A ZIP holds handover.csv and handover.json as they were handed over: write that member.
    if (batch.format !== 'zip') {
      throw new AppError('usage', `Handover batch ${id} was handed over as ${batch.format}; it can only be written again as ${batch.format}.`, {
        hint: `Leave out --format, or give --format ${batch.format}.`,
      });
    }
    const member = `handover.${format}`;
    const files = unzipSync(new Uint8Array(batch.content), { filter: (f) => f.name === member });
    const bytes = files[member];
    if (!bytes) throw new AppError('ledger_corrupt', `The stored ZIP of handover batch ${id} has no ${member}.`, { hint: 'Restore the ledger from a backup.' });
    const content = Buffer.from(bytes);
    const fileName = handoverFileName(batch.today, id, format);
    const dir = prepareOutDir(outDir);
    const file = writeFileAtomic(dir, fileName, content);
    return { batch: id, format, fileName, file, sha256: sha256Hex(content), cases: summariseStored(format, content), warnings: [], notMarked: [] };
  }
  const dir = prepareOutDir(outDir);
  const file = writeFileAtomic(dir, batch.file_name, batch.content);
  return { batch: id, format: batch.format, fileName: batch.file_name, file, sha256: batch.sha256, cases: summariseStored(batch.format, batch.content), warnings: [], notMarked: [] };
}

/** `export --dry-run`: the cases that would go today, built exactly as the real export builds them. */
export function previewHandover(db: Db, settings: HandoverSettings): { cases: CaseSummary[]; skipped: SkippedClaim[]; warnings: string[]; interrupted: BatchRow | undefined } {
  const interrupted = interruptedBatch(db);
  const warnings: string[] = [];
  const selection = selectCases(db, settings, { withPdf: false, warnings });
  if (selection.cases.length === 0) return { cases: [], skipped: selection.skipped, warnings, interrupted };
  // Numbered as the real export would number it, so the preview shows the same case references.
  const next = interrupted ? interrupted.id + 1 : nextBatchNumber(db);
  const built = buildBatchContent(selection, { ...settings, format: 'json' }, next);
  return { cases: summarise(built.document), skipped: selection.skipped, warnings: [...warnings, ...built.warnings], interrupted };
}
