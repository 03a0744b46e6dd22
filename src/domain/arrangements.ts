// Payment arrangements (betalingsregelingen), promises to pay and phone follow-up as pure rules:
// how an open amount is split into instalments, what each instalment's status is given the
// payments so far, when an arrangement is broken, which reminders are due today, and what a
// logged call does to the ladder. No clock, no ledger: today and the facts come in.
import { addDays, addMonths, type IsoDate } from './dates.js';
import { formatEuro } from './money.js';
import type { AccountHold, DebtorAccount } from './account.js';

export type Every = 'month' | '2weeks';

export interface Instalment {
  /** 1-based. */
  number: number;
  dueDate: IsoDate;
  amountCents: number;
}

export interface DatedPayment {
  date: IsoDate;
  cents: number;
}

/**
 * Splits `totalCents` into `count` instalments to the cent: every instalment gets the rounded-down
 * share, the remainder goes into the last one (so no instalment is ever smaller than the others).
 * The first is due on `first`, the next ones a month (same day of the month, clamped to the
 * month's end) or two weeks apart.
 */
export function splitSchedule(totalCents: number, count: number, every: Every, first: IsoDate): Instalment[] {
  if (!Number.isInteger(totalCents) || totalCents <= 0) throw new RangeError(`the amount to split must be a positive number of cents, not ${totalCents}`);
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`the number of instalments must be a whole number of at least 1, not ${count}`);
  if (count > totalCents) throw new RangeError(`${count} instalments of less than one cent each`);
  const share = Math.floor(totalCents / count);
  const result: Instalment[] = [];
  for (let i = 0; i < count; i++) {
    const dueDate = every === 'month' ? addMonths(first, i) : addDays(first, 14 * i);
    const amountCents = i === count - 1 ? totalCents - share * (count - 1) : share;
    result.push({ number: i + 1, dueDate, amountCents });
  }
  return result;
}

/** Checks an explicit schedule (`--schedule date:amount,…`): dates strictly ascending, amounts positive, summing to the total. */
export function scheduleProblem(schedule: readonly Instalment[], totalCents: number): string | null {
  if (schedule.length === 0) return 'the schedule has no instalments';
  for (let i = 0; i < schedule.length; i++) {
    const s = schedule[i]!;
    if (!Number.isInteger(s.amountCents) || s.amountCents <= 0) return `instalment ${s.number}: the amount must be positive`;
    if (i > 0 && s.dueDate <= schedule[i - 1]!.dueDate) return `instalment ${s.number}: ${s.dueDate} is not after ${schedule[i - 1]!.dueDate} (dates must ascend)`;
  }
  const sum = schedule.reduce((a, s) => a + s.amountCents, 0);
  if (sum !== totalCents) return `the instalments add up to ${sum} cents, the open amount is ${totalCents} cents`;
  return null;
}

export type InstalmentState = 'paid' | 'upcoming' | 'due_today' | 'missed' | 'overdue_beyond_grace';

export interface InstalmentStatus extends Instalment {
  /** What the schedule asks in total up to and including this instalment. */
  cumulativeCents: number;
  /** How much of this instalment has been paid (cumulatively, earlier instalments first). */
  paidCents: number;
  state: InstalmentState;
  /** Paid, but only after its due date. */
  late: boolean;
  /** The last day of the grace after the due date. */
  graceEnd: IsoDate;
}

export type ArrangementState = 'running' | 'completed' | 'broken';

export interface ArrangementStatus {
  state: ArrangementState;
  instalments: InstalmentStatus[];
  totalCents: number;
  paidCents: number;
  /** The first unpaid instalment; null when everything is paid. */
  next: InstalmentStatus | null;
  /** The day the arrangement broke (the first day after the grace of an unpaid instalment). */
  brokenOn: IsoDate | null;
}

/**
 * The status of every instalment on `today`: the payments (to the arrangement's invoices, dated on
 * or after its start) are summed and set against the schedule cumulatively, so a large payment
 * covers the next instalments too and a short one leaves the rest of that instalment open.
 * `extraPaidCents` is money known to be paid without a dated payment (an open amount lowered by
 * the bookkeeping export); it counts as paid today.
 */
export function arrangementStatus(schedule: readonly Instalment[], payments: readonly DatedPayment[], today: IsoDate, graceDays: number, extraPaidCents = 0): ArrangementStatus {
  const relevant = payments.filter((p) => p.date <= today);
  const paidBy = (date: IsoDate): number => relevant.filter((p) => p.date <= date).reduce((s, p) => s + p.cents, 0);
  const paidNow = paidBy(today) + Math.max(0, extraPaidCents);
  let cumulative = 0;
  const instalments: InstalmentStatus[] = [];
  let brokenOn: IsoDate | null = null;
  for (const s of schedule) {
    const before = cumulative;
    cumulative += s.amountCents;
    const paidCents = Math.max(0, Math.min(s.amountCents, paidNow - before));
    const graceEnd = addDays(s.dueDate, graceDays);
    let state: InstalmentState;
    if (paidCents >= s.amountCents) state = 'paid';
    else if (today < s.dueDate) state = 'upcoming';
    else if (today === s.dueDate) state = 'due_today';
    else if (today <= graceEnd) state = 'missed';
    else state = 'overdue_beyond_grace';
    if (state === 'overdue_beyond_grace' && brokenOn === null) brokenOn = addDays(graceEnd, 1);
    instalments.push({ ...s, cumulativeCents: cumulative, paidCents, state, late: state === 'paid' && paidBy(s.dueDate) < cumulative, graceEnd });
  }
  const totalCents = cumulative;
  const next = instalments.find((i) => i.state !== 'paid') ?? null;
  const state: ArrangementState = paidNow >= totalCents ? 'completed' : brokenOn !== null ? 'broken' : 'running';
  return { state, instalments, totalCents, paidCents: Math.min(paidNow, totalCents), next, brokenOn: state === 'broken' ? brokenOn : null };
}

export type NoticeKind = 'before' | 'missed';

export interface Notice {
  instalment: number;
  kind: NoticeKind;
  dueDate: IsoDate;
  /** What is still open of this instalment. */
  amountCents: number;
}

/**
 * The instalment letter due today, if any: a reminder `remindDaysBefore` days before an unpaid
 * instalment, and one reminder when it was missed (still within the grace). At most one letter
 * per arrangement per day: a missed instalment goes before an upcoming one. `sent` lists the
 * notices already recorded (`<instalment>:<kind>`), so each is sent once.
 */
export function noticeDue(status: ArrangementStatus, today: IsoDate, remindDaysBefore: number, sent: ReadonlySet<string>): Notice | null {
  if (status.state !== 'running') return null;
  for (const i of status.instalments) {
    if (i.state === 'missed' && !sent.has(`${i.number}:missed`)) {
      return { instalment: i.number, kind: 'missed', dueDate: i.dueDate, amountCents: i.amountCents - i.paidCents };
    }
  }
  if (remindDaysBefore <= 0) return null;
  for (const i of status.instalments) {
    if ((i.state === 'upcoming' || i.state === 'due_today') && today >= addDays(i.dueDate, -remindDaysBefore) && !sent.has(`${i.number}:before`) && !sent.has(`${i.number}:missed`)) {
      return { instalment: i.number, kind: 'before', dueDate: i.dueDate, amountCents: i.amountCents - i.paidCents };
    }
  }
  return null;
}

export type PromiseState = 'open' | 'kept' | 'broken';

/**
 * A promise to pay `amountCents` by `until`: kept as soon as that much came in since it was made;
 * open until the day after `until`; broken from then on when the money did not come.
 */
export function promiseState(amountCents: number, paidSinceCents: number, until: IsoDate, today: IsoDate): PromiseState {
  if (paidSinceCents >= amountCents) return 'kept';
  return today <= until ? 'open' : 'broken';
}

export type CallOutcome = 'reached' | 'no-answer' | 'promise' | 'dispute' | 'arrangement';
export const CALL_OUTCOMES: readonly CallOutcome[] = ['reached', 'no-answer', 'promise', 'dispute', 'arrangement'];

export type CallStep =
  /** The ladder goes on: the next stage follows its configured days after the call stage. */
  | { kind: 'advance'; why: string }
  /** A promise to pay pauses dunning until its date. */
  | { kind: 'promise'; until: IsoDate; why: string }
  /** A dispute: a hold with the note as reason; no letters and no handover until resolved. */
  | { kind: 'dispute'; why: string }
  /** An arrangement is being agreed: dunning pauses until `until`, time to record it with `arrangement create`. */
  | { kind: 'pause'; until: IsoDate; why: string };

/** What a logged call does to the ladder. */
export function callStep(outcome: CallOutcome, today: IsoDate, options: { until?: IsoDate | null; pauseDays: number }): CallStep {
  switch (outcome) {
    case 'reached':
      return { kind: 'advance', why: 'debtor reached: the ladder goes on after the configured days' };
    case 'no-answer':
      return { kind: 'advance', why: 'no answer: the next stage follows after the configured days' };
    case 'promise':
      return { kind: 'promise', until: options.until ?? addDays(today, options.pauseDays), why: 'the debtor promised to pay' };
    case 'dispute':
      return { kind: 'dispute', why: 'the debtor disputes the claim' };
    case 'arrangement':
      return { kind: 'pause', until: options.until ?? addDays(today, options.pauseDays), why: 'a payment arrangement is being agreed' };
  }
}

export const DISPUTE_CATEGORIES = ['quality', 'delivery', 'price', 'not-ordered', 'already-paid', 'complaint', 'other'] as const;
export type DisputeCategory = (typeof DISPUTE_CATEGORIES)[number];

/** Parses `2026-12-01:100.00,2027-01-01:100.00` (amounts in euros, dot or comma decimals). */
export function parseScheduleText(text: string, parseCents: (amount: string) => number | null, isDate: (d: string) => boolean): Instalment[] | string {
  const parts = text.split(/[;,](?=\s*\d{4}-)/).map((p) => p.trim()).filter((p) => p !== '');
  const result: Instalment[] = [];
  for (const [i, part] of parts.entries()) {
    const m = /^(\d{4}-\d{2}-\d{2})\s*[:=]\s*(.+)$/.exec(part);
    if (!m || !isDate(m[1]!)) return `"${part}" is not date:amount (e.g. 2026-12-01:100.00)`;
    const cents = parseCents(m[2]!.trim());
    if (cents === null) return `"${m[2]}" in "${part}" is not an amount`;
    result.push({ number: i + 1, dueDate: m[1]!, amountCents: cents });
  }
  return result;
}

/**
 * What the debtor's account shows settled on an arrangement's claims beyond the dated payments:
 * the claims' open amounts when it was agreed minus what the account leaves open now (after
 * payments, credit notes set off and what the bookkeeping shows paid, each counted once, as the
 * account counts it), less the dated payments `arrangementStatus` already counts. A claim that
 * is no longer open or handed over (paid, closed) has nothing open.
 */
export function arrangementExtraPaid(
  opened: readonly { number: string; openCents: number }[],
  account: Pick<DebtorAccount, 'claims'>,
  payments: readonly DatedPayment[],
): number {
  const now = new Map(account.claims.map((c) => [c.number, c]));
  const settled = opened.reduce((s, i) => {
    const c = now.get(i.number);
    const openNow = c && c.kind === 'invoice' && (c.status === 'open' || c.status === 'handed_over') ? Math.max(0, c.openCents) : 0;
    return s + i.openCents - openNow;
  }, 0);
  return Math.max(0, settled - payments.reduce((s, p) => s + p.cents, 0));
}

/** What the planner needs to know of the agreements with one debtor. */
export type PlanAgreement =
  | {
    kind: 'arrangement'; id: number; invoices: string[]; schedule: Instalment[]; payments: DatedPayment[]; graceDays: number;
    /** The claims' open amounts (after credit notes) when agreed: with the account they give `extraPaidCents`. */
    opened?: { number: string; openCents: number }[];
    extraPaidCents?: number;
  }
  | { kind: 'promise'; id: number; until: IsoDate; amountCents: number; paidSinceCents: number }
  | { kind: 'call'; id: number; date: IsoDate; stage: string };

/**
 * The pauses the agreements put on dunning today, as holds the account already understands: a
 * running arrangement holds its invoices (a broken or completed one no longer does, so dunning
 * resumes at the stage the claims had), a promise holds the debtor up to and including its date,
 * an unlogged call holds the debtor until the call is logged. `account` is the debtor's account
 * (pauses do not change its figures): what it shows settled on an arrangement's claims counts as paid.
 */
export function agreementHolds(agreements: readonly PlanAgreement[], today: IsoDate, account: Pick<DebtorAccount, 'claims'> | null = null): AccountHold[] {
  const holds: AccountHold[] = [];
  for (const a of agreements) {
    if (a.kind === 'arrangement') {
      const extra = account && a.opened ? arrangementExtraPaid(a.opened, account, a.payments) : a.extraPaidCents ?? 0;
      const status = arrangementStatus(a.schedule, a.payments, today, a.graceDays, extra);
      if (status.state !== 'running') continue;
      const next = status.next;
      const reason = `payment arrangement #${a.id} runs${next ? `: instalment ${next.number} of ${formatEuro(next.amountCents - next.paidCents)} ${next.state === 'missed' ? `missed on ${next.dueDate}, grace until ${next.graceEnd}` : `due ${next.dueDate}`}` : ''}`;
      for (const invoice of a.invoices) holds.push({ invoiceNumber: invoice, reason, dispute: false, until: null, kind: 'arrangement' });
    } else if (a.kind === 'promise') {
      if (today > a.until) continue;
      holds.push({ invoiceNumber: null, reason: `promised to pay ${formatEuro(a.amountCents)} by ${a.until} (promise #${a.id})`, dispute: false, until: addDays(a.until, 1), kind: 'promise' });
    } else {
      holds.push({ invoiceNumber: null, reason: `call of ${a.date} (stage ${a.stage}) not logged yet: \`pre-incasso call log\``, dispute: false, until: null, kind: 'call' });
    }
  }
  return holds;
}
