// The dunning engine (SPEC §6) as pure functions: the ledger's snapshot of one debtor, the
// policy from the config and today go in; actions with their reasons come out. `run --dry-run`
// prints exactly these actions and `run` applies them, so the preview cannot differ from the run.
import { letterChannels } from './channel-preference.js';
import { addDays as addDaysExact, maxDate, type IsoDate } from './dates.js';
import { formatEuro } from './money.js';
import { fourteenDayTerm, letterDispatch, termAfterDelivery } from './terms.js';
import type { Law } from './law.js';
import type { StageTerm } from './verzuim.js';
import { limitationDate, limitationKindOf, type ConsumerClaims } from './limitation.js';
import { stackingWarning } from './stacking.js';
import { hasEmailAddress } from './identifiers.js';
import { withVatUplift } from './bik-costs.js';
import { consumerFinalCosts, debtorAccount, isHoldActive, type AccountClaimInput, type AccountFinalLetter, type AccountHold, type ClaimPosition, type DebtorAccount } from './account.js';
import { letterReference } from './payment-reference.js';
import type { Channel, CreditorSnapshot, DebtorSnapshot, LetterData, LetterInvoiceLine } from './letter.js';
import { agreementHolds, type PlanAgreement } from './arrangements.js';

/** A stage's channels: letters by e-mail and/or post, or a phone call (the call list). */
export type StageChannel = Channel | 'phone';

export interface StagePolicy {
  id: string;
  after: number;
  channels: StageChannel[];
  final: boolean;
}

export interface Policy {
  stages: StagePolicy[];
  handoverAfter: number;
  minimumCents: number;
  creditor: CreditorSnapshot;
  /** The law tables in force (delivery presumption, holidays, rates). */
  law: Law;
  /** Each stage's stated term (verzuim.ts: stageTerms), same order as `stages`. */
  terms: readonly StageTerm[];
  /** false: the consumer final letter states the costs with 21% VAT (BIK art. 2 lid 3). */
  canDeductVat: boolean;
  /** defaults.termIsFatal: is a consumer's payment term a fatal term unless the invoice says otherwise? */
  termIsFatal?: boolean;
  /** What the creditor sells to consumers: decides 7:28 (goods, 2 years) or 3:307 (5 years). */
  consumerClaims: ConsumerClaims;
  /** Send consumer final letters with costs for claims past limitation anyway (--include-time-barred). */
  includeTimeBarred?: boolean;
}

/** One claim as the ledger knows it (see account.ts): the engine reads it through the account. */
export type PlanInvoice = AccountClaimInput;

export type PlanHold = AccountHold;

export interface PlanDebtorInput {
  debtor: DebtorSnapshot;
  invoices: PlanInvoice[];
  /** Active holds only need to be passed, but expired ones are filtered here too. */
  holds: PlanHold[];
  /** Date of the newest letter already recorded for this debtor; null or absent when none. */
  lastLetterDate?: IsoDate | null;
  /** The debtor's final letters so far: what they covered and the costs they stated (6:96 lid 7). */
  finalLetters?: AccountFinalLetter[];
  /** Collection costs claimed for this debtor in earlier handovers. */
  costsClaimedCents?: number;
  /** Dates of the consumer final letters (veertiendagenbrieven) already recorded for this debtor;
   *  when absent, the dates of `finalLetters` that stated costs are used (stacking warning). */
  finalLetterDates?: IsoDate[];
  /** Dates of every written reminder recorded per invoice: each interrupts limitation (3:317 BW). */
  reminderDates?: Map<string, IsoDate[]>;
  /** Running arrangements, open promises and unlogged calls: they pause dunning like holds. */
  agreements?: PlanAgreement[];
}

export type SkipCode =
  | 'time_barred' | 'debtor_on_hold' | 'debtor_disputed' | 'invoice_on_hold' | 'invoice_disputed' | 'below_minimum' | 'credit_covers_balance' | 'handover_waits_for_term' | 'letter_already_sent'
  | 'arrangement_running' | 'promise_open' | 'call_pending';

export interface LetterAction {
  kind: 'letter';
  debtor: string;
  name: string;
  stage: string;
  stageIndex: number;
  final: boolean;
  /** Invoices this letter demands; each moves one stage (its own next stage). */
  invoices: string[];
  /** The stage each due invoice moves to. */
  moves: { invoice: string; toStage: number }[];
  alsoOpen: string[];
  amountCents: number;
  channels: Channel[];
  costsCents: number | null;
  reason: string;
  /** Legal warnings about this letter (e.g. a second veertiendagenbrief within six months). */
  warnings?: string[];
  /** What the letter says; absent when the plan was made for a preview ({ letters: false }). */
  letter?: LetterData;
}

export interface HandoverAction {
  kind: 'handover';
  debtor: string;
  name: string;
  invoices: string[];
  amountCents: number;
  reason: string;
}

export interface SkipAction {
  kind: 'skip';
  debtor: string;
  name: string;
  invoice: string | null;
  code: SkipCode;
  reason: string;
}

/** A phone stage: the debtor goes on today's call list; the invoices move to that stage. */
export interface CallAction {
  kind: 'call';
  debtor: string;
  name: string;
  stage: string;
  stageIndex: number;
  invoices: string[];
  moves: { invoice: string; toStage: number }[];
  amountCents: number;
  phone: string | null;
  reason: string;
}

export type Action = LetterAction | HandoverAction | SkipAction | CallAction;

/** What the engine thinks of one invoice: the basis of `explain`. */
export interface InvoiceAssessment {
  number: string;
  openCents: number;
  dueDate: IsoDate;
  stage: string | null;
  stageDate: IsoDate | null;
  held: PlanHold | null;
  /** The next stage and the first day it may be sent; null after the final letter. */
  next: { stage: string; index: number; on: IsoDate } | null;
  /** After the final letter: the first day the claim may be handed over. */
  handoverOn: IsoDate | null;
  /** For a consumer final letter: the end of the fourteen-day term (Atw applied). */
  termEnd: IsoDate | null;
  state: 'not_overdue' | 'waiting' | 'due' | 'final_waiting' | 'ready_for_handover' | 'held' | 'credit';
}

export interface DebtorPlan {
  /** The account the plan was made from: the same figures every command shows. */
  account: DebtorAccount;
  actions: Action[];
  assessments: InvoiceAssessment[];
  netOpenCents: number;
  debtorHold: PlanHold | null;
}

// A run over a million invoices asks for the same few hundred dates again and again.
// Keyed by the day count, then the date: no key string to build per call.
const dayCache = new Map<number, Map<IsoDate, IsoDate>>();
let dayCacheSize = 0;
function addDays(date: IsoDate, days: number): IsoDate {
  let byDate = dayCache.get(days);
  if (byDate === undefined) dayCache.set(days, (byDate = new Map()));
  let result = byDate.get(date);
  if (result === undefined) {
    if (dayCacheSize > 100_000) {
      for (const m of dayCache.values()) m.clear();
      dayCacheSize = 0;
    }
    result = addDaysExact(date, days);
    byDate.set(date, result);
    dayCacheSize++;
  }
  return result;
}

export { isHoldActive };

/** The first day a claim whose final letter went out on `date` may be handed over. */
export function handoverDate(policy: Policy, debtorType: DebtorSnapshot['type'], finalDate: IsoDate, channels: Channel[] | null, postedOn?: IsoDate | null): { on: IsoDate; termEnd: IsoDate | null } {
  const byConfig = addDays(finalDate, policy.handoverAfter);
  if (debtorType !== 'consumer') return { on: byConfig, termEnd: null };
  // 6:96 lid 6 BW: never before the fourteen days after delivery have run out (HR 2016:2704).
  const { channel, dispatched } = letterDispatch({ date: finalDate, channels, postedOn });
  const term = fourteenDayTerm(dispatched, channel, policy.law);
  return { on: maxDate(byConfig, term.costsFrom), termEnd: term.termEnd };
}

export function planDebtor(
  input: PlanDebtorInput,
  policy: Policy,
  today: IsoDate,
  options: { letters?: boolean; assess?: boolean } = {},
): DebtorPlan {
  // `explain` wants an assessment of every invoice; a run does not.
  const assess = options.assess !== false;
  const { debtor } = input;
  const stages = policy.stages;
  const finalIndex = stages.length - 1;
  // Every figure below comes from the account: what is paid, credited and open per claim. The
  // agreements with the debtor (running arrangement, open promise, call not logged) pause dunning
  // as holds in that same account; they do not change its figures, so what an arrangement has
  // settled is read from the account before the pauses are added.
  let account = debtorAccount(input, today);
  const agreements = input.agreements ?? [];
  if (agreements.length > 0) {
    const pauses = agreementHolds(agreements, today, account);
    if (pauses.length > 0) account = debtorAccount({ ...input, holds: [...input.holds, ...pauses] }, today);
  }
  const debtorHold = account.debtorHold;
  const actions: Action[] = [];
  const assessments: InvoiceAssessment[] = [];
  const due: { inv: ClaimPosition; toStage: number }[] = [];
  const alsoOpen: ClaimPosition[] = [];
  const credits: ClaimPosition[] = [];
  const ready: ClaimPosition[] = [];
  const waitingTerm: { inv: ClaimPosition; on: IsoDate }[] = [];
  const coveredByCredit: string[] = [];
  const heldOpen: ClaimPosition[] = [];
  let netOpen = 0;

  for (const inv of account.claims) {
    if (inv.status !== 'open') continue;
    // A debtor hold is reported once for the debtor; an invoice hold per invoice.
    const invoiceHeld = inv.held !== null && inv.held !== debtorHold ? inv.held : null;
    // Only `explain` reads the assessments: a run builds none of them.
    const base = assess ? {
      number: inv.number,
      openCents: inv.openCents,
      dueDate: inv.dueDate,
      stage: inv.stageIndex === null ? null : stages[inv.stageIndex]?.id ?? null,
      stageDate: inv.stageDate,
      held: invoiceHeld,
    } : null;
    if (inv.kind === 'credit_note') {
      // A credit note is set off against claims by the account; only an unused rest is listed.
      if (inv.openCents < 0 && !invoiceHeld) {
        credits.push(inv);
        netOpen += inv.openCents;
      }
      if (inv.openCents < 0 || inv.creditedCents > 0) note(assessments, base && { ...base, next: null, handoverOn: null, termEnd: null, state: invoiceHeld ? 'held' : 'credit' });
      continue;
    }
    if (inv.openCents <= 0 && inv.creditedCents === 0) continue;
    if (invoiceHeld) {
      heldOpen.push(inv);
      note(assessments, base && { ...base, next: null, handoverOn: null, termEnd: null, state: 'held' });
      continue;
    }
    netOpen += inv.openCents;
    const atFinal = inv.stageIndex !== null && inv.stageIndex >= finalIndex;
    if (atFinal) {
      const { on, termEnd } = handoverDate(policy, debtor.type, inv.stageDate!, inv.stageChannels, inv.stagePostedOn);
      let isReady = today >= on;
      let barred = false;
      if (isReady && inv.openCents > 0 && isTimeBarred(inv, debtor, policy, today, input.reminderDates)) {
        // No handover of a consumer claim past limitation without --include-time-barred (legal-nl.md §6).
        isReady = false;
        barred = true;
        pushSkip(actions, debtor, 'time_barred', `invoice ${inv.number}: time-barred since ${addDays(invoiceLimitationDate(inv, debtor.type, policy, input.reminderDates), 1)}; not handed over without --include-time-barred`, inv.number);
      }
      if (inv.openCents > 0) {
        if (isReady) ready.push(inv);
        else if (!barred && today >= addDays(inv.stageDate!, policy.handoverAfter)) waitingTerm.push({ inv, on });
        alsoOpen.push(inv);
      }
      note(assessments, base && { ...base, next: null, handoverOn: on, termEnd, state: inv.openCents <= 0 ? 'credit' : isReady ? 'ready_for_handover' : 'final_waiting' });
      continue;
    }
    const nextIndex = inv.stageIndex === null ? 0 : inv.stageIndex + 1;
    const stage = stages[nextIndex]!;
    // First stage counts from the due date, later ones from the letter that moved the invoice.
    let on = inv.stageIndex === null ? addDays(inv.dueDate, stage.after) : addDays(inv.stageDate!, stage.after);
    // The next letter never goes out before the previous letter's stated term has ended
    // (presumed delivery + term, Atw): otherwise it would contradict it (and, after an
    // ingebrekestelling, precede verzuim, 6:82 BW).
    const prevTerm = inv.stageIndex === null ? undefined : policy.terms[inv.stageIndex];
    // A phone stage states no term (termDays 0): the next stage follows its own spacing.
    if (prevTerm && prevTerm.termDays > 0 && inv.stageDate) {
      const sent = letterDispatch({ date: inv.stageDate, channels: inv.stageChannels, postedOn: inv.stagePostedOn });
      const ended = termAfterDelivery(sent.dispatched, sent.channel, prevTerm.termDays, policy.law).costsFrom;
      if (ended > on) on = ended;
    }
    const isDue = today >= on;
    if (inv.openCents <= 0) {
      // Credit notes cover it entirely: nothing to demand.
      if (isDue) coveredByCredit.push(inv.number);
      note(assessments, base && { ...base, next: null, handoverOn: null, termEnd: null, state: 'credit' });
      continue;
    }
    if (isDue) due.push({ inv, toStage: nextIndex });
    else if (inv.dueDate < today) alsoOpen.push(inv);
    note(assessments, base && {
      ...base,
      next: { stage: stage.id, index: nextIndex, on },
      handoverOn: null,
      termEnd: null,
      state: isDue ? 'due' : inv.dueDate < today ? 'waiting' : 'not_overdue',
    });
  }

  if (debtorHold) {
    if (due.length > 0 || ready.length > 0) {
      const s = holdSkip(debtorHold, null);
      pushSkip(actions, debtor, s.code, s.reason);
    }
    return { account, actions, assessments: assessments.map((a) => ({ ...a, state: a.state === 'credit' ? a.state : 'held', held: a.held ?? debtorHold })), netOpenCents: netOpen, debtorHold };
  }
  for (const inv of heldOpen) {
    const hold = inv.held!;
    if (inv.openCents > 0) {
      const s = holdSkip(hold, inv.number);
      pushSkip(actions, debtor, s.code, s.reason, inv.number);
    }
  }

  if (ready.length > 0) {
    actions.push({
      kind: 'handover',
      debtor: debtor.number,
      name: debtor.name,
      invoices: ready.map((i) => i.number),
      amountCents: ready.reduce((s, i) => s + i.openCents, 0),
      reason: debtor.type === 'consumer'
        ? 'final letter unanswered: handover term and the fourteen-day term after delivery have passed'
        : `final letter unanswered for ${policy.handoverAfter} days`,
    });
  }
  for (const w of waitingTerm) {
    pushSkip(actions, debtor, 'handover_waits_for_term', `invoice ${w.inv.number}: handover waits for the end of the fourteen-day term (from ${w.on})`, w.inv.number);
  }

  if (due.length === 0) {
    if (coveredByCredit.length > 0) pushSkip(actions, debtor, 'credit_covers_balance', `credit notes cover ${coveredByCredit.join(', ')}`);
    return planResult(account, actions, assessments, netOpen, debtorHold);
  }
  // One letter per debtor per day (a second run after a fresh import must not write a second
  // letter dated today, nor one dated before a letter already sent): the due invoices wait for
  // the next run.
  if (input.lastLetterDate != null && input.lastLetterDate >= today) {
    pushSkip(actions, debtor, 'letter_already_sent', `a letter was already recorded on ${input.lastLetterDate}; ${due.map((d) => d.inv.number).join(', ')} wait for the next run`);
    return planResult(account, actions, assessments, netOpen, debtorHold);
  }

  // A consumer claim past limitation gets no letter with costs (7:28 / 3:307 BW; legal-nl.md §6).
  for (let i = due.length - 1; i >= 0; i--) {
    const d = due[i]!;
    if (d.toStage === finalIndex && isTimeBarred(d.inv, debtor, policy, today, input.reminderDates)) {
      barredSkip(actions, debtor, d.inv, policy, input.reminderDates);
      due.splice(i, 1);
    }
  }
  if (due.length === 0) return planResult(account, actions, assessments, netOpen, debtorHold);
  const letterStage = Math.max(...due.map((d) => d.toStage));
  const finalLetter = letterStage === finalIndex;
  const consumerFinal = finalLetter && debtor.type === 'consumer';
  if (consumerFinal) {
    // 6:96 lid 7 BW: the veertiendagenbrief covers every claim of the debtor that can be demanded
    // under lid 6 when it is sent: due (past its due date), not held or disputed, and in verzuim
    // (lid 6 requires it: a fatal term lapsed, or the ingebrekestelling's term has ended). Each
    // moves to the final stage. Claims a veertiendagenbrief already covers stay "also open" and
    // get no costs again; claims not yet in verzuim keep their own course (their costs later stay
    // within the room the account leaves under the scale); time-barred ones are left out.
    for (let i = due.length - 1; i >= 0; i--) {
      const d = due[i]!;
      if (d.toStage !== finalIndex && inVerzuim(d.inv, debtor, policy, today) && isTimeBarred(d.inv, debtor, policy, today, input.reminderDates)) {
        barredSkip(actions, debtor, d.inv, policy, input.reminderDates);
        due.splice(i, 1);
      } else if (d.toStage === finalIndex || inVerzuim(d.inv, debtor, policy, today)) d.toStage = finalIndex;
      else {
        // Due for an earlier stage but not in verzuim: listed, not demanded with costs; its own
        // letter follows on the next run.
        alsoOpen.push(d.inv);
        due.splice(i, 1);
      }
    }
    for (let i = alsoOpen.length - 1; i >= 0; i--) {
      const inv = alsoOpen[i]!;
      if ((inv.stageIndex === null || inv.stageIndex < finalIndex) && inv.dueDate < today && inv.coveredBy === null && inVerzuim(inv, debtor, policy, today)) {
        // A time-barred claim is neither demanded nor listed in the letter with costs.
        if (isTimeBarred(inv, debtor, policy, today, input.reminderDates)) barredSkip(actions, debtor, inv, policy, input.reminderDates);
        else due.push({ inv, toStage: finalIndex });
        alsoOpen.splice(i, 1);
      }
    }
    due.sort((a, b) => (a.inv.dueDate < b.inv.dueDate ? -1 : a.inv.dueDate > b.inv.dueDate ? 1 : a.inv.number < b.inv.number ? -1 : a.inv.number > b.inv.number ? 1 : 0));
  }
  const dueCents = due.reduce((s, d) => s + d.inv.openCents, 0);
  if (dueCents < policy.minimumCents) {
    pushSkip(actions, debtor, 'below_minimum', `due balance ${formatEuro(dueCents)} is below the minimum of ${formatEuro(policy.minimumCents)}`);
    return planResult(account, actions, assessments, netOpen, debtorHold);
  }

  const stage = stages[letterStage]!;
  if (stage.channels.includes('phone')) {
    actions.push(callAction(debtor, stage, letterStage, due, dueCents, stages));
    return planResult(account, actions, assessments, netOpen, debtorHold);
  }
  const hasEmail = hasEmailAddress(debtor.email);
  // A debtor without a usable e-mail address gets the letter by post instead.
  const channels: Channel[] = stage.channels.includes('email') && !hasEmail
    ? ['post']
    : letterChannels(stage.channels.filter((c): c is Channel => c !== 'phone'), debtor.channel, hasEmail);
  // The veertiendagenbrief states the BIK costs over the summed principal (open after payments
  // and credit notes) of the claims it newly covers, within what the debtor's earlier letters
  // left under the scale (6:96 lid 6-7 BW). A creditor that cannot deduct VAT states them with
  // the 21% uplift and, beside it, the amount without VAT (BIK art. 2 lid 3).
  const costsExclVat = consumerFinal ? consumerFinalCosts(account, dueCents) : null;
  const costsCents = costsExclVat !== null && !policy.canDeductVat ? withVatUplift(costsExclVat) : costsExclVat;
  const costsExclVatCents = costsExclVat !== null && !policy.canDeductVat ? costsExclVat : null;
  const warnings: string[] = [];
  if (consumerFinal) {
    const earlier = input.finalLetterDates ?? (input.finalLetters ?? []).filter((l) => l.costsCents !== null).map((l) => l.date);
    const w = stackingWarning(earlier, today);
    if (w) warnings.push(w);
  }

  // A preview (dry run, status) does not need what the letter says: building it for every
  // debtor is most of the memory a plan of a million invoices would take.
  let letter: LetterData | undefined;
  if (options.letters !== false) {
    const lines: LetterInvoiceLine[] = [
      ...due.map((d) => line(d.inv, 'due')),
      ...alsoOpen.map((i) => line(i, 'also_open')),
      ...credits.map((i) => line(i, 'also_open')),
    ];
    const totalOpen = lines.reduce((s, l) => s + l.openCents, 0);
    const shown = new Set(lines.map((l) => l.number));
    const setOff = account.claims.flatMap((c) => (c.kind === 'invoice' && shown.has(c.number) ? c.credits : []));
    const single = due.length === 1 && credits.length === 0 && setOff.length === 0 ? due[0]!.inv.reference : null;
    letter = {
      version: 1,
      date: today,
      stage: { index: letterStage, id: stage.id, final: finalLetter, count: stages.length },
      language: debtor.language,
      channels,
      creditor: policy.creditor,
      debtor,
      invoices: lines,
      dueCents,
      totalOpenCents: totalOpen,
      paymentReference: single ?? letterReference(debtor.number, Number(today.replaceAll('-', ''))),
      costsCents,
      termDays: policy.terms[letterStage]?.termDays ?? 14,
      ...(setOff.length > 0 ? { credits: setOff.map((c) => ({ creditNote: c.creditNote, invoice: c.invoice, amountCents: c.amountCents })) } : {}),
      // An ingebrekestelling unless every invoice it demands has an agreed fatal term (import column).
      ...(policy.terms[letterStage]?.ingebrekestelling && debtor.type === 'consumer' && due.some((d) => (d.inv.termIsFatal ?? policy.termIsFatal ?? false) !== true) ? { ingebrekestelling: true } : {}),
      ...(costsExclVatCents !== null ? { costsExclVatCents } : {}),
      earlierLetters: due.some((d) => d.inv.stageIndex !== null),
    };
  }
  const reasonParts = due.map((d) =>
    d.inv.stageIndex === null && d.toStage === 0
      ? `${d.inv.number} due ${d.inv.dueDate} + ${stages[0]!.after} days`
      : d.toStage === finalIndex && consumerFinal && (d.inv.stageIndex === null ? 0 : d.inv.stageIndex + 1) < finalIndex
        ? `${d.inv.number} due since ${d.inv.dueDate}: covered by the veertiendagenbrief (6:96 lid 7 BW)`
        : `${d.inv.number} ${d.inv.stageIndex === null ? 'due' : stages[d.inv.stageIndex]!.id} on ${d.inv.stageIndex === null ? d.inv.dueDate : d.inv.stageDate} + ${stages[d.toStage]!.after} days`,
  );
  actions.push({
    kind: 'letter',
    debtor: debtor.number,
    name: debtor.name,
    stage: stage.id,
    stageIndex: letterStage,
    final: finalLetter,
    invoices: due.map((d) => d.inv.number),
    moves: due.map((d) => ({ invoice: d.inv.number, toStage: d.toStage })),
    alsoOpen: [...alsoOpen, ...credits].map((i) => i.number),
    amountCents: dueCents,
    channels,
    costsCents,
    ...(warnings.length > 0 ? { warnings } : {}),
    reason: `${reasonParts.join('; ')}${hasEmail || !stage.channels.includes('email') ? '' : '; no valid e-mail address: by post instead'}`,
    ...(letter ? { letter } : {}),
  });
  return planResult(account, actions, assessments, netOpen, debtorHold);
}

// The steps of planDebtor as module functions, not closures made anew for every debtor: the
// bundle names each closure it makes (esbuild keepNames), a property write per closure per debtor.

function pushSkip(actions: Action[], debtor: DebtorSnapshot, code: SkipCode, reason: string, invoice: string | null = null): void {
  actions.push({ kind: 'skip', debtor: debtor.number, name: debtor.name, invoice, code, reason });
}

function planResult(account: DebtorAccount, actions: Action[], assessments: InvoiceAssessment[], netOpenCents: number, debtorHold: PlanHold | null): DebtorPlan {
  return { account, actions, assessments, netOpenCents, debtorHold };
}

function note(assessments: InvoiceAssessment[], a: InvoiceAssessment | null): void {
  if (a) assessments.push(a);
}

/** A consumer claim past its limitation date, unless --include-time-barred (7:28 / 3:307 BW). */
function isTimeBarred(inv: ClaimPosition, debtor: DebtorSnapshot, policy: Policy, today: IsoDate, reminderDates: Map<string, IsoDate[]> | undefined): boolean {
  return debtor.type === 'consumer' && policy.includeTimeBarred !== true && today > invoiceLimitationDate(inv, debtor.type, policy, reminderDates);
}

/**
 * Is the claim in verzuim today (6:81-6:83 BW)? A fatal term: from the day after the due date.
 * Otherwise only after a written demand with a term (the stage before the final letter, the
 * ingebrekestelling) whose stated term has ended (presumed delivery + term).
 */
function inVerzuim(inv: ClaimPosition, debtor: DebtorSnapshot, policy: Policy, today: IsoDate): boolean {
  const finalIndex = policy.stages.length - 1;
  if (inv.dueDate >= today) return false;
  // Without defaults.termIsFatal, the stage terms tell: no ingebrekestelling stage means fatal terms.
  if (debtor.type !== 'consumer' || (inv.termIsFatal ?? policy.termIsFatal ?? !policy.terms.some((t) => t.ingebrekestelling))) return true;
  if (inv.stageIndex === null || inv.stageDate === null || inv.stageIndex < finalIndex - 1) return false;
  const term = policy.terms[inv.stageIndex];
  if (!term) return true;
  const sent = letterDispatch({ date: inv.stageDate, channels: inv.stageChannels, postedOn: inv.stagePostedOn });
  return today >= termAfterDelivery(sent.dispatched, sent.channel, term.termDays, policy.law).costsFrom;
}

/** A consumer claim past limitation: skipped, no letter with costs (7:28 / 3:307 BW). */
function barredSkip(actions: Action[], debtor: DebtorSnapshot, inv: ClaimPosition, policy: Policy, reminderDates: Map<string, IsoDate[]> | undefined): void {
  pushSkip(actions, debtor, 'time_barred', `invoice ${inv.number}: time-barred since ${addDays(invoiceLimitationDate(inv, debtor.type, policy, reminderDates), 1)} (${limitationKindOf(debtor.type, inv.consumerClaims ?? policy.consumerClaims) === 'consumer-sale' ? 'art. 7:28 BW' : 'art. 3:307 BW'}); no letter with costs without --include-time-barred`, inv.number);
}

/** The skip a hold gives: manual holds and disputes, or the agreement that pauses dunning. */
function holdSkip(hold: PlanHold, invoice: string | null): { code: SkipCode; reason: string } {
  const until = hold.until ? ` (until ${hold.until})` : '';
  if (hold.kind === 'arrangement') return { code: 'arrangement_running', reason: `${invoice ? `invoice ${invoice}: ` : ''}${hold.reason}` };
  if (hold.kind === 'promise') return { code: 'promise_open', reason: hold.reason };
  if (hold.kind === 'call') return { code: 'call_pending', reason: hold.reason };
  if (invoice) return { code: hold.dispute ? 'invoice_disputed' : 'invoice_on_hold', reason: `invoice ${invoice} ${hold.dispute ? 'disputed' : 'on hold'}: ${hold.reason}${until}` };
  return { code: hold.dispute ? 'debtor_disputed' : 'debtor_on_hold', reason: `${hold.dispute ? 'disputed' : 'on hold'}: ${hold.reason}${until}` };
}

/** A phone stage instead of a letter: the call task `run` records and `calls` lists. */
function callAction(debtor: DebtorSnapshot, stage: StagePolicy, stageIndex: number, due: { inv: ClaimPosition; toStage: number }[], amountCents: number, stages: StagePolicy[]): CallAction {
  return {
    kind: 'call',
    debtor: debtor.number,
    name: debtor.name,
    stage: stage.id,
    stageIndex,
    invoices: due.map((d) => d.inv.number),
    moves: due.map((d) => ({ invoice: d.inv.number, toStage: d.toStage })),
    amountCents,
    phone: debtor.phone,
    reason: `${due.map((d) => (d.inv.stageIndex === null ? `${d.inv.number} due ${d.inv.dueDate} + ${stages[0]!.after} days` : `${d.inv.number} ${stages[d.inv.stageIndex]!.id} on ${d.inv.stageDate} + ${stages[d.toStage]!.after} days`)).join('; ')}: phone stage, on the call list${debtor.phone ? '' : ' (no phone number known)'}`,
  };
}

/** The last day of an invoice's limitation period, counting the written reminders the ledger holds. */
export function invoiceLimitationDate(inv: Pick<PlanInvoice, 'number' | 'dueDate' | 'stageDate' | 'consumerClaims'>, type: DebtorSnapshot['type'], policy: Pick<Policy, 'consumerClaims'>, reminders?: Map<string, IsoDate[]>): IsoDate {
  const dates = [...(reminders?.get(inv.number) ?? []), ...(inv.stageDate ? [inv.stageDate] : [])];
  return limitationDate(inv.dueDate, limitationKindOf(type, inv.consumerClaims ?? policy.consumerClaims), dates);
}

function line(inv: ClaimPosition, role: LetterInvoiceLine['role']): LetterInvoiceLine {
  return {
    number: inv.number,
    issueDate: inv.issueDate,
    dueDate: inv.dueDate,
    amountCents: inv.principalCents,
    paidCents: inv.kind === 'credit_note' ? inv.principalCents - inv.openCents : inv.paidCents,
    ...(inv.creditedCents > 0 && inv.kind === 'invoice' ? { creditedCents: inv.creditedCents } : {}),
    openCents: inv.openCents,
    role,
    reference: inv.reference,
  };
}

export interface Plan {
  today: IsoDate;
  actions: Action[];
}

/**
 * The whole run: debtors in a stable order, each planned on its own. A preview (dry run,
 * status) passes `{ letters: false }`: the letters' snapshots are dropped debtor by debtor,
 * so planning a million invoices does not hold a hundred thousand letters in memory.
 */
export function planRun(debtors: Iterable<PlanDebtorInput>, policy: Policy, today: IsoDate, options: { letters?: boolean } = {}): Plan {
  const keep = options.letters !== false;
  const actions: Action[] = [];
  for (const d of debtors) actions.push(...planDebtor(d, policy, today, { letters: keep, assess: false }).actions);
  return { today, actions };
}
