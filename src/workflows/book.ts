// Seeing the book: the `debtors` and `invoices` lists and `debtor <number>` in full. Each opens
// the ledger read-only.
import type { Law } from '../domain/law.js';
import type { Config } from '../config/schema.js';
import type { Db } from '../ledger/ledger.js';
import { AppError } from '../errors.js';
import { policyFromConfig } from '../config/policy.js';
import { planDebtor } from '../domain/plan.js';
import { readDunningSnapshot } from '../ledger/dunning.js';
import {
  activeHolds, claimFigures, correctedFields, postLetterCounts, readDebtor, readDebtorEvents, readDebtorHolds, readDebtorPayments, readDebtors, readLetters, unmatchedPayerKeys,
  type ClaimFigure, type DebtorRow, type EventRow, type HoldRow, type LetterRow, type PaymentRow, type PostCounts,
} from '../ledger/book-view.js';
import { nameKey } from '../ledger/payments.js';
import { debtorLines, type ClaimLine, type DebtorLine } from '../domain/book-list.js';
import { formatEuro } from '../domain/money.js';
import { addDays } from '../domain/dates.js';
import { withLedger, type LedgerAt } from './ledger-session.js';

export interface Book {
  claims: ClaimLine[];
  debtors: DebtorLine[];
  stageOrder: string[];
}

/**
 * The next step per debtor, from the engine itself: today's letter or handover, else the
 * earliest date an invoice reaches its next stage or the handover, else why nothing happens.
 */
function nextSteps(db: Db, config: Config, law: Law, today: string, debtor?: string): Map<string, string> {
  const policy = policyFromConfig(config, law, today);
  const next = new Map<string, string>();
  for (const input of readDunningSnapshot(db, debtor === undefined ? {} : { debtor })) {
    const plan = planDebtor(input, policy, today, { letters: false, assess: true });
    const act = plan.actions.find((a) => a.kind !== 'skip') ?? plan.actions[0];
    if (act && act.kind !== 'skip') {
      next.set(input.debtor.number, act.kind === 'letter' ? `${act.stage} today` : 'handover today');
      continue;
    }
    const dates: [string, string][] = [];
    for (const a of plan.assessments) {
      if (a.next) dates.push([a.next.on, `${a.next.stage} ${a.next.on}`]);
      if (a.handoverOn) dates.push([a.handoverOn, `handover ${a.handoverOn}`]);
    }
    dates.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    // Due already, but a letter went out today (one per debtor per day): the next run does it.
    const tomorrow = addDays(today, 1);
    if (dates[0] && dates[0][0] < tomorrow && act?.kind === 'skip' && act.code === 'letter_already_sent') dates[0] = [tomorrow, dates[0][1].replace(/ \d{4}-\d{2}-\d{2}$/, ` ${tomorrow}`)];
    const skip = act && act.kind === 'skip' ? act.code.replaceAll('_', ' ') : null;
    next.set(input.debtor.number, skip && !(skip === 'letter already sent' && dates.length) ? skip : dates[0]?.[1] ?? '-');
  }
  return next;
}

function claimLines(figures: readonly ClaimFigure[], names: ReadonlyMap<string, string>, stageOrder: readonly string[]): ClaimLine[] {
  return figures.map((f) => ({
    invoice: f.invoice,
    debtor: f.debtor,
    debtorName: names.get(f.debtor) ?? '',
    dueDate: f.dueDate,
    amountCents: f.amountCents,
    openCents: f.openCents,
    status: f.status,
    stage: f.stageIndex === null ? null : stageOrder[f.stageIndex] ?? `stage ${f.stageIndex}`,
    daysOverdue: f.daysOverdue,
    held: f.held,
    disputed: f.disputed,
  }));
}

/** The whole book as list lines. */
export function readBook(at: LedgerAt, config: Config, law: Law, today: string): Book {
  return withLedger(at, { readonly: true }, (db) => bookOf(db, config, law, today));
}

function bookOf(db: Db, config: Config, law: Law, today: string): Book {
  const stageOrder = config.stages.map((s) => s.id);
  const debtors = readDebtors(db);
  const names = new Map(debtors.map((d) => [d.number, d.name]));
  const claims = claimLines(claimFigures(db, today), names, stageOrder);
  const payers = unmatchedPayerKeys(db);
  const unmatched = new Set(debtors.filter((d) => payers.has(nameKey(d.name))).map((d) => d.number));
  const holds = activeHolds(db, today);
  return {
    claims,
    debtors: debtorLines(debtors, claims, stageOrder, { next: nextSteps(db, config, law, today), debtorHeld: holds.held, debtorDisputed: holds.disputed, unmatched }),
    stageOrder,
  };
}

export interface DebtorView {
  debtor: DebtorRow;
  line: DebtorLine;
  corrected: { field: string; value: string | null; at: string; today: string }[];
  claims: ClaimLine[];
  letters: LetterRow[];
  payments: PaymentRow[];
  holds: HoldRow[];
  post: PostCounts;
  history: EventRow[];
}

/** One debtor whole: contact data, claims, letters and mails, payments, holds, notes, history. */
export function readDebtorView(at: LedgerAt, config: Config, law: Law, today: string, number: string): DebtorView {
  return withLedger(at, { readonly: true }, (db) => debtorViewOf(db, config, law, today, number));
}

function debtorViewOf(db: Db, config: Config, law: Law, today: string, number: string): DebtorView {
  const debtor = readDebtor(db, number);
  if (!debtor) {
    throw new AppError('not_found', `No debtor "${number}" in the ledger.`, { hint: 'Check the number; `pre-incasso debtors --search <name>` finds it by name.' });
  }
  const stageOrder = config.stages.map((s) => s.id);
  const claims = claimLines(claimFigures(db, today, number), new Map([[number, debtor.name]]), stageOrder);
  const holds = activeHolds(db, today);
  const unmatched = unmatchedPayerKeys(db).has(nameKey(debtor.name)) ? new Set([number]) : new Set<string>();
  const [line] = debtorLines([debtor], claims, stageOrder, { next: nextSteps(db, config, law, today, number), debtorHeld: holds.held, debtorDisputed: holds.disputed, unmatched });
  return {
    debtor,
    line: line!,
    corrected: correctedFields(db, number),
    claims,
    letters: readLetters(db, { debtor: number }),
    payments: readDebtorPayments(db, number),
    holds: readDebtorHolds(db, number),
    post: postLetterCounts(db, number),
    history: readDebtorEvents(db, number),
  };
}

/** One line of history in words. */
export function describeEvent(e: EventRow): string {
  const d = e.data;
  const inv = e.invoice ? `${e.invoice}: ` : '';
  const money = (k: string): string => (typeof d[k] === 'number' ? formatEuro(d[k] as number) : '');
  switch (e.kind) {
    case 'letter_recorded':
      return `letter ${String(d.letter_id)} recorded (${String(d.stage)}, ${money('amount_cents')}, ${(d.channels as string[] | undefined)?.join('+') ?? ''})`;
    case 'stage_changed':
      return `${inv}stage ${String(d.stage_index)} by letter ${String(d.letter_id)}`;
    case 'payment_allocated':
      return `${inv}${money('amount_cents')} of payment ${String(d.payment_id)} (${String(d.method)}), ${money('open_cents')} open`;
    case 'invoice_updated':
      return `${inv}updated by import ${String(d.import_id)}: ${Object.keys((d.changes as object | undefined) ?? {}).join(', ')}`;
    case 'debtor_corrected':
      return `corrected: ${Object.entries((d.changes as Record<string, [unknown, unknown]> | undefined) ?? {}).map(([k, [from, to]]) => `${k} ${JSON.stringify(from)} -> ${JSON.stringify(to)}`).join(', ')}`;
    case 'letter_rendered':
      return `letter ${String(d.letter_id)} rendered (PDF, ${String(d.bytes)} bytes)`;
    case 'letter_printed':
      return `letter ${String(d.letter_id)} printed${d.file ? ` (${String(d.file)})` : ''}`;
    case 'letter_withdrawn':
      return `letter ${String(d.letter_id)} withdrawn: ${String(d.reason)}`;
    case 'hold':
    case 'dispute':
      return `${inv}${e.kind}: ${String(d.reason)}${d.until ? ` until ${String(d.until)}` : ''}`;
    default: {
      const keys = Object.entries(d).filter(([, v]) => typeof v !== 'object' || v === null).slice(0, 4).map(([k, v]) => `${k} ${String(v)}`);
      return `${inv}${e.kind.replaceAll('_', ' ')}${keys.length ? ` (${keys.join(', ')})` : ''}`;
    }
  }
}
