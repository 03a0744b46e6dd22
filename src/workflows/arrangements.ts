// The humane half of pre-incasso as user jobs: agree a payment arrangement, record a promise to
// pay, work the call list, record and resolve disputes; and, inside `run`, watch the instalments
// and promises before the dunning plan is made. Each job runs in one transaction and returns what
// it did (or, with dryRun, what it would do) for the command to print.
import type { Db } from '../ledger/ledger.js';
import { AppError } from '../errors.js';
import { appendEvent } from '../ledger/events.js';
import {
  arrangementStatus,
  callStep,
  noticeDue,
  promiseState,
  scheduleProblem,
  splitSchedule,
  type ArrangementStatus,
  type CallOutcome,
  type Every,
  type Instalment,
  type Notice,
} from '../domain/arrangements.js';
import { formatDateLong, type IsoDate } from '../domain/dates.js';
import { formatEuro } from '../domain/money.js';
import { hasEmailAddress } from '../domain/identifiers.js';
import { letterReference } from '../domain/payment-reference.js';
import type { ClaimPosition, DebtorAccount } from '../domain/account.js';
import type { PlanHold } from '../domain/plan.js';
import { readAccounts, readArrangementsNow } from '../ledger/account-facts.js';
import { readDebtorSnapshot, readInvoiceOwner } from '../ledger/debtors.js';
import { ARRANGEMENT_LETTER_IDS, type ArrangementLetterData, type CreditorSnapshot, type DebtorSnapshot, type LetterData, type LetterInvoiceLine } from '../domain/letter.js';
import {
  closeArrangement,
  debtorLetters,
  debtorsWithLetterOn,
  nextArrangementId,
  openHoldsWithReason,
  readInvoiceRows,
  releaseHold,
  closePromise,
  insertArrangement,
  insertArrangementLetter,
  insertDispute,
  insertHold,
  insertPromise,
  invoicesInRunningArrangements,
  logCallTask,
  readArrangements,
  readCallTasks,
  readDisputes,
  readPromises,
  recordNotice,
  resolveDispute,
  setArrangementLetter,
  type ArrangementRow,
  type CallTaskRow,
  type DisputeRow,
  type PromiseRow,
} from '../ledger/arrangements.js';

/** The reason of the pause a call outcome "arrangement" sets; `arrangement create` releases it. */
const ARRANGEMENT_PAUSE = 'payment arrangement being agreed by phone';

export interface LetterSettings {
  creditor: CreditorSnapshot;
  stageCount: number;
}

// ---------------------------------------------------------------------------------------------
// Reading debtors and invoices


export function debtorSnapshot(db: Db, number: string): DebtorSnapshot {
  const d = readDebtorSnapshot(db, number);
  if (!d) throw new AppError('not_found', `No debtor "${number}" in the ledger.`, { hint: 'Debtor numbers are the relation codes of the bookkeeping; `pre-incasso status` lists the book.' });
  return d;
}

/** The debtor's account today: every figure below (open, paid, credited) is the account's. */
function accountOf(db: Db, debtor: string, today: IsoDate, options: { ignoreHold?: (h: PlanHold) => boolean } = {}): DebtorAccount | null {
  return readAccounts(db, [debtor], today, options).get(debtor) ?? null;
}

/** The pause a call outcome "arrangement" set (a debtor hold until the arrangement is recorded). */
function isArrangementPause(h: PlanHold): boolean {
  return !h.dispute && h.invoiceNumber === null && h.reason.startsWith(ARRANGEMENT_PAUSE);
}

/** The debtor's invoices with money open after payments and credit notes, oldest due first. */
function openClaims(account: DebtorAccount | null): ClaimPosition[] {
  return (account?.claims ?? []).filter((c) => c.kind === 'invoice' && c.status === 'open' && c.openCents > 0);
}

/** What the debtor owes in pre-incasso: the account's open, less credit not set off against a claim. */
function openBalance(account: DebtorAccount | null): number {
  return account ? Math.max(0, account.openCents + account.unallocatedCreditCents) : 0;
}

/**
 * The debtor called (or was called) and agreed something: the calls still on the list for them
 * are done, with that outcome, so the ladder does not wait for a call that already happened.
 */
function closeOpenCalls(db: Db, debtor: string, outcome: CallOutcome, note: string, today: IsoDate): void {
  for (const c of readCallTasks(db, { debtor, open: true })) logCallTask(db, c.id, debtor, outcome, note, today, { step: 'recorded', by: 'agreement' });
}

// ---------------------------------------------------------------------------------------------
// Arrangement letters

function arrangementLetter(
  db: Db,
  a: Pick<ArrangementRow, 'id' | 'debtor' | 'invoices' | 'schedule'>,
  status: ArrangementStatus,
  kind: ArrangementLetterData['kind'],
  notice: Notice | null,
  settings: LetterSettings,
  today: IsoDate,
): LetterData {
  const debtor = debtorSnapshot(db, a.debtor);
  const rows = readInvoiceRows(db, a.invoices.map((i) => i.number));
  // The figures per invoice are the account's: paid, credited (credit notes set off) and open.
  const claims = new Map((accountOf(db, a.debtor, today)?.claims ?? []).map((c) => [c.number, c]));
  const lines: LetterInvoiceLine[] = rows.map((r) => {
    const c = claims.get(r.number);
    const live = c !== undefined && (c.status === 'open' || c.status === 'handed_over');
    const open = live ? Math.max(0, c.openCents) : 0;
    const credited = live ? c.creditedCents : 0;
    return {
      number: r.number, issueDate: r.issue_date, dueDate: r.due_date, amountCents: r.amount_cents, paidCents: r.amount_cents - open - credited,
      ...(credited > 0 ? { creditedCents: credited } : {}), openCents: open, role: 'due', reference: r.reference,
    };
  });
  const setOff = rows.flatMap((r) => claims.get(r.number)?.credits ?? []);
  const next = notice
    ? status.instalments.find((i) => i.number === notice.instalment)!
    : status.next ?? status.instalments[status.instalments.length - 1]!;
  const stageIndex = Math.max(0, ...a.invoices.map((i) => i.stageIndex ?? 0));
  const totalOpen = lines.reduce((s, l) => s + l.openCents, 0);
  return {
    version: 1,
    date: today,
    stage: { index: stageIndex, id: ARRANGEMENT_LETTER_IDS[kind], final: false, count: settings.stageCount },
    language: debtor.language,
    channels: hasEmailAddress(debtor.email) ? ['email'] : ['post'],
    creditor: settings.creditor,
    debtor,
    invoices: lines,
    dueCents: totalOpen,
    totalOpenCents: totalOpen,
    paymentReference: letterReference(a.debtor, a.id),
    costsCents: null,
    termDays: 0,
    ...(setOff.length > 0 ? { credits: setOff.map((c) => ({ creditNote: c.creditNote, invoice: c.invoice, amountCents: c.amountCents })) } : {}),
    arrangement: {
      id: a.id,
      kind,
      instalments: status.instalments.map((i) => ({ number: i.number, dueDate: i.dueDate, amountCents: i.amountCents, paidCents: i.paidCents })),
      totalCents: status.totalCents,
      paidCents: status.paidCents,
      next: { number: next.number, dueDate: next.dueDate, amountCents: next.amountCents - next.paidCents },
      graceEnd: kind === 'missed' ? next.graceEnd : null,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// arrangement create / cancel

export interface CreateArrangementRequest {
  debtor: string;
  invoices: string[] | null;
  instalments: number | null;
  every: Every | null;
  first: IsoDate | null;
  schedule: Instalment[] | null;
  note: string | null;
  graceDays: number;
  dryRun: boolean;
  today: IsoDate;
}

export interface CreatedArrangement {
  id: number;
  debtor: string;
  name: string;
  invoices: { number: string; openCents: number; stage: number | null }[];
  totalCents: number;
  schedule: Instalment[];
  graceDays: number;
  letterId: number | null;
  /** Why no confirmation letter was recorded now (the next run sends it). */
  letterPostponed: string | null;
  channels: string[];
  reference: string;
}

export function createArrangement(db: Db, req: CreateArrangementRequest, settings: LetterSettings): CreatedArrangement {
  const debtor = debtorSnapshot(db, req.debtor);
  // What is arranged is what the account shows open: after payments and credit notes. The pause
  // set while it was being agreed ends with it, so it does not keep a credit note off the claims.
  const account = accountOf(db, req.debtor, req.today, { ignoreHold: isArrangementPause });
  const open = openClaims(account);
  let chosen: ClaimPosition[];
  if (req.invoices && req.invoices.length > 0) {
    chosen = req.invoices.map((n) => {
      const row = open.find((i) => i.number === n);
      if (!row) {
        const any = readInvoiceOwner(db, n);
        const credited = account?.claims.find((c) => c.number === n && c.creditedCents > 0);
        const why = !any ? 'is not in the ledger' : any.debtor !== req.debtor ? `belongs to debtor ${any.debtor}`
          : credited ? `has nothing open after credit notes (${credited.credits.map((c) => `${c.creditNote} ${formatEuro(c.amountCents)}`).join(', ')})`
            : `has nothing open (status ${any.status}, open ${formatEuro(any.openCents)})`;
        throw new AppError('input_invalid', `--invoices: invoice ${n} ${why}.`, { hint: `Name open invoices of debtor ${req.debtor}; \`pre-incasso explain ${req.debtor}\` lists them.` });
      }
      return row;
    });
  } else {
    chosen = open;
  }
  if (chosen.length === 0) throw new AppError('input_invalid', `Debtor ${req.debtor} has no open invoices to arrange.`, { hint: `\`pre-incasso explain ${req.debtor}\` shows the debtor's invoices.` });
  const taken = invoicesInRunningArrangements(db, chosen.map((c) => c.number));
  if (taken.length > 0) {
    throw new AppError('input_invalid', `Invoice ${taken[0]!.invoice} is already in running payment arrangement #${taken[0]!.arrangement}.`, { hint: `Cancel that one first (\`pre-incasso arrangement cancel ${taken[0]!.arrangement} --reason …\`) or leave the invoice out.` });
  }
  const total = chosen.reduce((s, c) => s + c.openCents, 0);
  let schedule: Instalment[];
  if (req.schedule) {
    const problem = scheduleProblem(req.schedule, total);
    if (problem) throw new AppError('usage', `--schedule: ${problem}.`, { hint: `The instalments must add up to the open amount of the invoices, ${formatEuro(total)}, with dates in order.` });
    schedule = req.schedule;
  } else {
    if (req.instalments === null || req.first === null) throw new AppError('usage', 'Give --instalments and --first (with --every), or --schedule date:amount,….', { hint: 'For example: --instalments 3 --every month --first 2026-12-01.' });
    try {
      schedule = splitSchedule(total, req.instalments, req.every ?? 'month', req.first);
    } catch (e) {
      throw new AppError('usage', `--instalments ${req.instalments}: ${(e as Error).message}.`, { hint: 'Give a whole number of instalments, at most the number of cents.' });
    }
  }
  if (schedule[0]!.dueDate < req.today) {
    throw new AppError('usage', `the first instalment (${schedule[0]!.dueDate}) is before today (${req.today}).`, { hint: 'An arrangement starts today or later.' });
  }
  const invoices = chosen.map((c) => ({ number: c.number, openCents: c.openCents, stageIndex: c.stageIndex }));
  const nextId = nextArrangementId(db);
  const postponed = debtorsWithLetterOn(db, req.today, req.debtor).size > 0 ? `debtor ${req.debtor} already has a letter dated ${req.today}: the confirmation goes with the next run` : null;
  const result: CreatedArrangement = {
    id: nextId, debtor: req.debtor, name: debtor.name, invoices: invoices.map((i) => ({ number: i.number, openCents: i.openCents, stage: i.stageIndex })), totalCents: total,
    schedule, graceDays: req.graceDays, letterId: null, letterPostponed: postponed,
    channels: hasEmailAddress(debtor.email) ? ['email'] : ['post'], reference: letterReference(req.debtor, nextId),
  };
  if (req.dryRun) return result;
  return db.transaction((): CreatedArrangement => {
    // The pause set while the arrangement was being agreed has done its work.
    for (const p of openHoldsWithReason(db, req.debtor, ARRANGEMENT_PAUSE)) {
      releaseHold(db, p.id, req.today);
      appendEvent(db, { kind: 'release', today: req.today, debtor: req.debtor, data: { hold_id: p.id, reason: 'payment arrangement recorded' } });
    }
    closeOpenCalls(db, req.debtor, 'arrangement', 'payment arrangement recorded', req.today);
    const id = insertArrangement(db, { debtor: req.debtor, startDate: req.today, totalCents: total, every: req.schedule ? null : req.every ?? 'month', graceDays: req.graceDays, note: req.note, invoices, schedule }, req.today);
    result.id = id;
    result.reference = letterReference(req.debtor, id);
    if (!postponed) {
      const status = arrangementStatus(schedule, [], req.today, req.graceDays);
      const data = arrangementLetter(db, { id, debtor: req.debtor, invoices, schedule }, status, 'confirmation', null, settings, req.today);
      result.letterId = insertArrangementLetter(db, data, new Date(), 'confirmation');
      setArrangementLetter(db, id, result.letterId);
    }
    return result;
  })();
}

export function cancelArrangement(db: Db, id: number, reason: string, today: IsoDate, dryRun: boolean): ArrangementRow {
  const [a] = readArrangementsNow(db, { id }, today);
  if (!a) throw new AppError('not_found', `No payment arrangement #${id}.`, { hint: '`pre-incasso arrangement list` shows them.' });
  if (a.status !== 'running') throw new AppError('input_invalid', `Payment arrangement #${id} is not running (it is ${a.status}${a.closedOn ? ` since ${a.closedOn}` : ''}).`, { hint: 'Only a running arrangement can be cancelled.' });
  if (!dryRun) db.transaction(() => closeArrangement(db, id, a.debtor, 'cancelled', today, reason, today))();
  return a;
}

// ---------------------------------------------------------------------------------------------
// Inside `run`: instalments and promises before the dunning plan

export type AgreementEvent =
  | { kind: 'arrangement_letter'; arrangement: number; debtor: string; letter: 'confirmation' | 'before' | 'missed'; instalment: number; dueDate: IsoDate; amountCents: number; letterId: number | null }
  | { kind: 'arrangement_postponed'; arrangement: number; debtor: string; reason: string }
  | { kind: 'arrangement_completed'; arrangement: number; debtor: string; reason: string }
  | { kind: 'arrangement_broken'; arrangement: number; debtor: string; on: IsoDate; reason: string }
  | { kind: 'promise_kept'; promise: number; debtor: string; reason: string }
  | { kind: 'promise_broken'; promise: number; debtor: string; reason: string };

export interface WatchSettings extends LetterSettings {
  remindDaysBefore: number;
}

/**
 * What `run` does first: records broken and completed arrangements and kept or broken promises
 * (so dunning resumes, and says why), and records the instalment letters due today. A debtor who
 * already has a letter today gets the instalment letter on the next run (one letter a day).
 */
export function watchAgreements(db: Db, settings: WatchSettings, today: IsoDate, options: { dryRun: boolean; runId?: number }): { events: AgreementEvent[]; letterIds: number[] } {
  const events: AgreementEvent[] = [];
  const letterIds: number[] = [];
  const work = (): void => {
    const lettersToday = debtorsWithLetterOn(db, today);
    for (const a of readArrangementsNow(db, { status: 'running' }, today)) {
      const status = arrangementStatus(a.schedule, a.payments, today, a.graceDays, a.extraPaidCents);
      if (status.state === 'completed') {
        const reason = `all ${a.schedule.length} instalments paid (${formatEuro(status.totalCents)})`;
        if (!options.dryRun) closeArrangement(db, a.id, a.debtor, 'completed', today, reason, today);
        events.push({ kind: 'arrangement_completed', arrangement: a.id, debtor: a.debtor, reason });
        continue;
      }
      if (status.state === 'broken') {
        const missed = status.instalments.find((i) => i.state === 'overdue_beyond_grace')!;
        const reason = `instalment ${missed.number} of ${formatEuro(missed.amountCents)} due ${missed.dueDate} not paid within the grace of ${a.graceDays} days (paid ${formatEuro(status.paidCents)} of ${formatEuro(status.totalCents)}): dunning resumes at the stage the claims had`;
        if (!options.dryRun) closeArrangement(db, a.id, a.debtor, 'broken', status.brokenOn!, reason, today);
        events.push({ kind: 'arrangement_broken', arrangement: a.id, debtor: a.debtor, on: status.brokenOn!, reason });
        continue;
      }
      const kind: 'confirmation' | 'before' | 'missed' | null = a.letterId === null ? 'confirmation' : null;
      const notice = kind ? null : noticeDue(status, today, settings.remindDaysBefore, a.notices);
      if (!kind && !notice) continue;
      if (lettersToday.has(a.debtor)) {
        events.push({ kind: 'arrangement_postponed', arrangement: a.id, debtor: a.debtor, reason: `debtor already has a letter dated ${today}: the ${kind ?? `instalment ${notice!.instalment} ${notice!.kind === 'before' ? 'reminder' : 'missed notice'}`} goes with the next run` });
        continue;
      }
      const letterKind = kind ?? notice!.kind;
      const data = arrangementLetter(db, a, status, letterKind, notice, settings, today);
      let letterId: number | null = null;
      if (!options.dryRun) {
        letterId = insertArrangementLetter(db, data, new Date(), letterKind, options.runId);
        if (notice) recordNotice(db, a.id, a.debtor, notice, letterId, today);
        else setArrangementLetter(db, a.id, letterId);
        letterIds.push(letterId);
      }
      lettersToday.add(a.debtor);
      events.push({ kind: 'arrangement_letter', arrangement: a.id, debtor: a.debtor, letter: letterKind, instalment: data.arrangement!.next.number, dueDate: data.arrangement!.next.dueDate, amountCents: data.arrangement!.next.amountCents, letterId });
    }
    for (const p of readPromises(db, { status: 'open' })) {
      if (today <= p.until) continue;
      const state = promiseState(p.amountCents, p.paidSinceCents, p.until, today);
      if (state === 'kept') {
        const reason = `promise to pay ${formatEuro(p.amountCents)} by ${p.until} kept (${formatEuro(p.paidSinceCents)} received)`;
        if (!options.dryRun) closePromise(db, p.id, p.debtor, 'kept', today, { paid_cents: p.paidSinceCents });
        events.push({ kind: 'promise_kept', promise: p.id, debtor: p.debtor, reason });
      } else if (state === 'broken') {
        const reason = `promise to pay ${formatEuro(p.amountCents)} by ${p.until} not kept (${formatEuro(p.paidSinceCents)} received since ${p.createdOn}): dunning resumes`;
        if (!options.dryRun) closePromise(db, p.id, p.debtor, 'broken', today, { paid_cents: p.paidSinceCents, reason });
        events.push({ kind: 'promise_broken', promise: p.id, debtor: p.debtor, reason });
      }
    }
  };
  if (options.dryRun) work();
  else db.transaction(work)();
  return { events, letterIds };
}

// ---------------------------------------------------------------------------------------------
// Promises

export function createPromise(db: Db, req: { debtor: string; until: IsoDate; amountCents: number | null; note: string | null; today: IsoDate; dryRun: boolean; callId?: number | null }): { id: number | null; debtor: string; name: string; until: IsoDate; amountCents: number; note: string | null } {
  const debtor = debtorSnapshot(db, req.debtor);
  if (req.until < req.today) throw new AppError('usage', `--until ${req.until} is before today (${req.today}).`, { hint: 'Give the date by which the debtor promised to pay.' });
  const balance = openBalance(accountOf(db, req.debtor, req.today));
  const amount = req.amountCents ?? balance;
  if (amount <= 0) throw new AppError('input_invalid', `Debtor ${req.debtor} has nothing open (${formatEuro(balance)}).`, { hint: 'A promise to pay needs an open balance; give --amount if the bookkeeping is behind.' });
  const open = readPromises(db, { debtor: req.debtor, status: 'open' });
  let id: number | null = null;
  if (!req.dryRun) {
    id = db.transaction(() => {
      // A new promise replaces the open one: the debtor's latest word counts.
      for (const p of open) closePromise(db, p.id, req.debtor, 'cancelled', req.today, { replaced: true });
      if (req.callId == null) closeOpenCalls(db, req.debtor, 'promise', `promise to pay by ${req.until} recorded`, req.today);
      return insertPromise(db, { debtor: req.debtor, until: req.until, amountCents: amount, note: req.note, callId: req.callId ?? null }, req.today);
    })();
  }
  return { id, debtor: req.debtor, name: debtor.name, until: req.until, amountCents: amount, note: req.note };
}

// ---------------------------------------------------------------------------------------------
// Calls

export interface CallListItem {
  id: number;
  debtor: string;
  name: string;
  phone: string | null;
  language: 'nl' | 'en';
  date: IsoDate;
  stage: string;
  openCents: number;
  invoices: { number: string; dueDate: IsoDate; openCents: number }[];
  history: string[];
  script: string;
}

/** Today's call list: every call task not yet logged, oldest first, with what to say. */
export function callList(db: Db, creditor: CreditorSnapshot, today: IsoDate): CallListItem[] {
  const items: CallListItem[] = [];
  for (const c of readCallTasks(db, { open: true })) {
    if (c.date > today) continue;
    const debtor = debtorSnapshot(db, c.debtor);
    const invoices = openClaims(accountOf(db, c.debtor, today)).map((i) => ({ number: i.number, dueDate: i.dueDate, openCents: i.openCents }));
    const openCents = invoices.reduce((s, i) => s + i.openCents, 0);
    items.push({
      id: c.id, debtor: c.debtor, name: debtor.name, phone: debtor.phone, language: debtor.language, date: c.date, stage: c.stageId, openCents, invoices,
      history: debtorHistory(db, c.debtor),
      script: callScript(debtor, creditor, invoices, openCents, db, c),
    });
  }
  return items;
}

function debtorHistory(db: Db, debtor: string): string[] {
  const lines: string[] = [];
  for (const l of debtorLetters(db, debtor)) lines.push(`${l.date} letter ${l.stageId} (${formatEuro(l.amountCents)})`);
  for (const c of readCallTasks(db, { debtor })) if (c.outcome) lines.push(`${c.loggedOn} call: ${c.outcome}${c.note ? ` — ${c.note}` : ''}`);
  for (const p of readPromises(db, { debtor })) lines.push(`${p.createdOn} promise ${formatEuro(p.amountCents)} by ${p.until}: ${p.status}`);
  for (const a of readArrangements(db, { debtor })) lines.push(`${a.startDate} payment arrangement #${a.id}, ${a.schedule.length} instalments: ${a.status}${a.closedOn ? ` ${a.closedOn}` : ''}`);
  for (const d of readDisputes(db, { debtor })) lines.push(`${d.openedOn} dispute (${d.category}): ${d.note}${d.resolvedOn ? ` — resolved ${d.resolvedOn}: ${d.outcome}` : ''}`);
  return lines.sort();
}

function callScript(debtor: DebtorSnapshot, creditor: CreditorSnapshot, invoices: { number: string; dueDate: IsoDate }[], openCents: number, db: Db, c: CallTaskRow): string {
  const last = debtorLetters(db, debtor.number).filter((l) => l.date <= c.date).at(-1);
  const who = creditor.contactPerson ? `${creditor.contactPerson} van ${creditor.name}` : creditor.name;
  const oldest = invoices[0]?.dueDate ?? c.date;
  const amount = formatEuro(openCents);
  const n = invoices.length;
  if (debtor.language === 'en') {
    const whoEn = creditor.contactPerson ? `${creditor.contactPerson} of ${creditor.name}` : creditor.name;
    return `Good morning, this is ${whoEn.replace(/\.$/, '')}. I am calling about ${n === 1 ? `invoice ${invoices[0]!.number} of ${amount}` : `${n} outstanding invoices, ${amount} in total`}, overdue since ${formatDateLong(oldest, 'en')}.${last ? ` We sent you a letter (${last.stageId}) on ${formatDateLong(last.date, 'en')}.` : ''} Can you pay it this week? If not: can we agree a payment arrangement? Is anything wrong with the invoice?`;
  }
  return `Goedendag, u spreekt met ${who.replace(/\.$/, '')}. Ik bel over ${n === 1 ? `factuur ${invoices[0]!.number} van ${amount}` : `${n} openstaande facturen, samen ${amount}`}, vervallen sinds ${formatDateLong(oldest, 'nl')}.${last ? ` Wij stuurden u op ${formatDateLong(last.date, 'nl')} een brief (${last.stageId}).` : ''} Kunt u deze week betalen? Zo niet: zullen we een betalingsregeling afspreken? Klopt er iets niet aan de factuur?`;
}

export interface LogCallRequest {
  debtor: string;
  outcome: CallOutcome;
  note: string | null;
  until: IsoDate | null;
  amountCents: number | null;
  category: string | null;
  pauseDays: number;
  today: IsoDate;
  dryRun: boolean;
}

export interface LoggedCall {
  callId: number | null;
  debtor: string;
  outcome: CallOutcome;
  step: string;
  why: string;
  promiseId: number | null;
  holdId: number | null;
  disputeId: number | null;
  until: IsoDate | null;
  amountCents: number | null;
}

export function logCall(db: Db, req: LogCallRequest): LoggedCall {
  debtorSnapshot(db, req.debtor);
  const task = readCallTasks(db, { debtor: req.debtor, open: true }).at(-1) ?? null;
  const step = callStep(req.outcome, req.today, { until: req.until, pauseDays: req.pauseDays });
  const result: LoggedCall = { callId: task?.id ?? null, debtor: req.debtor, outcome: req.outcome, step: step.kind, why: step.why, promiseId: null, holdId: null, disputeId: null, until: 'until' in step ? step.until : null, amountCents: null };
  if (step.kind === 'promise') {
    const amount = req.amountCents ?? openBalance(accountOf(db, req.debtor, req.today));
    if (amount <= 0) throw new AppError('input_invalid', `Debtor ${req.debtor} has nothing open to promise.`, { hint: 'Log the call as "reached" instead.' });
    result.amountCents = amount;
  }
  if (req.dryRun) return result;
  db.transaction(() => {
    const note = req.note ?? '';
    if (step.kind === 'promise') {
      result.promiseId = insertPromise(db, { debtor: req.debtor, until: step.until, amountCents: result.amountCents!, note: req.note, callId: task?.id ?? null }, req.today);
    } else if (step.kind === 'dispute') {
      result.holdId = insertHold(db, { debtor: req.debtor, invoice: null, reason: `dispute by phone: ${note || req.category || 'other'}`, dispute: true, until: null }, req.today);
      result.disputeId = insertDispute(db, { holdId: result.holdId, debtor: req.debtor, invoice: null, category: req.category ?? 'other', note: note || 'disputed by phone' }, req.today);
    } else if (step.kind === 'pause') {
      result.holdId = insertHold(db, { debtor: req.debtor, invoice: null, reason: `${ARRANGEMENT_PAUSE}${note ? `: ${note}` : ''}; record it with \`arrangement create\``, dispute: false, until: step.until }, req.today);
    }
    const data = { step: step.kind, until: result.until, promise_id: result.promiseId, hold_id: result.holdId, dispute_id: result.disputeId };
    if (task) logCallTask(db, task.id, req.debtor, req.outcome, req.note, req.today, data);
    else appendEvent(db, { kind: 'call_logged', today: req.today, debtor: req.debtor, data: { call_id: null, outcome: req.outcome, note: req.note, ...data } });
  })();
  return result;
}

// ---------------------------------------------------------------------------------------------
// Disputes

export function createDispute(db: Db, req: { debtor: string; invoice: string | null; category: string; note: string; today: IsoDate; dryRun: boolean }): { id: number | null; holdId: number | null; debtor: string; invoice: string | null; category: string; note: string } {
  debtorSnapshot(db, req.debtor);
  if (req.invoice !== null) {
    const inv = readInvoiceOwner(db, req.invoice);
    if (!inv || inv.debtor !== req.debtor) throw new AppError('input_invalid', `--invoice ${req.invoice} is not an invoice of debtor ${req.debtor}.`, { hint: `\`pre-incasso explain ${req.debtor}\` lists the debtor's invoices.` });
  }
  if (req.dryRun) return { id: null, holdId: null, debtor: req.debtor, invoice: req.invoice, category: req.category, note: req.note };
  return db.transaction(() => {
    const holdId = insertHold(db, { debtor: req.debtor, invoice: req.invoice, reason: `${req.category}: ${req.note}`, dispute: true, until: null }, req.today);
    closeOpenCalls(db, req.debtor, 'dispute', `dispute recorded (${req.category})`, req.today);
    const id = insertDispute(db, { holdId, debtor: req.debtor, invoice: req.invoice, category: req.category, note: req.note }, req.today);
    return { id, holdId, debtor: req.debtor, invoice: req.invoice, category: req.category, note: req.note };
  })();
}

export function settleDispute(db: Db, id: number, outcome: string, today: IsoDate, dryRun: boolean): DisputeRow {
  const [d] = readDisputes(db, { id });
  if (!d) throw new AppError('not_found', `No dispute #${id}.`, { hint: '`pre-incasso disputes` lists them.' });
  if (d.resolvedOn !== null) throw new AppError('input_invalid', `Dispute #${id} was already resolved on ${d.resolvedOn} (${d.outcome}).`, { hint: 'Record a new dispute if the debtor objects again.' });
  if (!dryRun) db.transaction(() => resolveDispute(db, d, outcome, today))();
  return d;
}

// ---------------------------------------------------------------------------------------------
// For explain, status and the handover

export interface ArrangementView {
  row: ArrangementRow;
  status: ArrangementStatus;
}

export function arrangementViews(db: Db, filter: { debtor?: string; id?: number }, today: IsoDate): ArrangementView[] {
  return readArrangementsNow(db, filter, today).map((row) => ({ row, status: arrangementStatus(row.schedule, row.payments, today, row.graceDays, row.extraPaidCents) }));
}

export function arrangementJson(v: ArrangementView): Record<string, unknown> {
  const r = v.row;
  // A running arrangement whose grace ran out is broken today, even before `run` records it.
  const state = r.status === 'running' ? (v.status.state === 'running' ? 'running' : v.status.state) : r.status;
  return {
    id: r.id, debtor: r.debtor, status: state, start_date: r.startDate, total_cents: r.totalCents, paid_cents: v.status.paidCents, grace_days: r.graceDays, every: r.every,
    invoices: r.invoices.map((i) => i.number), note: r.note,
    broken_on: r.status === 'broken' ? r.closedOn : v.status.brokenOn, closed_on: r.closedOn, close_reason: r.closeReason,
    schedule: v.status.instalments.map((i) => ({ number: i.number, due_date: i.dueDate, amount_cents: i.amountCents, paid_cents: i.paidCents, state: i.state, late: i.late })),
    next: v.status.next ? { number: v.status.next.number, due_date: v.status.next.dueDate, open_cents: v.status.next.amountCents - v.status.next.paidCents } : null,
  };
}

export function promiseJson(p: PromiseRow): Record<string, unknown> {
  return { id: p.id, debtor: p.debtor, created_on: p.createdOn, until: p.until, amount_cents: p.amountCents, paid_since_cents: p.paidSinceCents, note: p.note, status: p.status, closed_on: p.closedOn };
}

export function disputeJson(d: DisputeRow): Record<string, unknown> {
  return { id: d.id, debtor: d.debtor, name: d.name, invoice: d.invoice, category: d.category, note: d.note, opened_on: d.openedOn, resolved_on: d.resolvedOn, outcome: d.outcome, open_cents: d.openCents };
}

export function callJson(c: CallTaskRow): Record<string, unknown> {
  return { id: c.id, date: c.date, stage: c.stageId, invoices: c.invoices, amount_cents: c.amountCents, outcome: c.outcome, note: c.note, logged_on: c.loggedOn };
}

/** Everything agreed with one debtor, for `explain`. */
export function debtorAgreements(db: Db, debtor: string, today: IsoDate): { arrangements: ArrangementView[]; promises: PromiseRow[]; calls: CallTaskRow[]; disputes: DisputeRow[] } {
  return { arrangements: arrangementViews(db, { debtor }, today), promises: readPromises(db, { debtor }), calls: readCallTasks(db, { debtor }), disputes: readDisputes(db, { debtor }) };
}

