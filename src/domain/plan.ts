// The dunning engine (SPEC §6) as pure functions: the ledger's snapshot of one debtor, the
// policy from the config and today go in; actions with their reasons come out. `run --dry-run`
// prints exactly these actions and `run` applies them, so the preview cannot differ from the run.
import { addDays as addDaysExact, maxDate, type IsoDate } from './dates.js';
import { collectionCosts } from './bik-costs.js';
import { formatEuro } from './money.js';
import { dispatchDate, fourteenDayTerm, termAfterDelivery } from './terms.js';
import type { Law } from './law.js';
import type { StageTerm } from './verzuim.js';
import { limitationDate, limitationKindOf, type ConsumerClaims } from './limitation.js';
import { stackingWarning } from './stacking.js';
import { isPlausibleEmail } from './identifiers.js';
import { letterReference } from './payment-reference.js';
import type { Channel, CreditorSnapshot, DebtorSnapshot, LetterData, LetterInvoiceLine } from './letter.js';

export interface StagePolicy {
  id: string;
  after: number;
  channels: Channel[];
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

export interface PlanInvoice {
  number: string;
  issueDate: IsoDate | null;
  dueDate: IsoDate;
  amountCents: number;
  openCents: number;
  reference: string | null;
  /** Index of the last stage a letter moved this invoice to; null before the first letter. */
  stageIndex: number | null;
  /** Date of that letter. */
  stageDate: IsoDate | null;
  /** Channels of that letter (decides the delivery presumption of a final letter). */
  stageChannels: Channel[] | null;
  /** Day that letter was handed to the post (`letters --posted`); terms count from the later of it and stageDate. */
  stagePostedOn?: IsoDate | null;
  /** Per-invoice override of defaults.termIsFatal (import column term_is_fatal); null/absent = the config. */
  termIsFatal?: boolean | null;
  /** Per-invoice override of defaults.consumerClaims (import column consumer_claim). */
  consumerClaims?: ConsumerClaims | null;
}

export interface PlanHold {
  invoiceNumber: string | null;
  reason: string;
  dispute: boolean;
  until: IsoDate | null;
}

export interface PlanDebtorInput {
  debtor: DebtorSnapshot;
  invoices: PlanInvoice[];
  /** Active holds only need to be passed, but expired ones are filtered here too. */
  holds: PlanHold[];
  /** Date of the newest letter already recorded for this debtor; null or absent when none. */
  lastLetterDate?: IsoDate | null;
  /** Dates of the consumer final letters (veertiendagenbrieven) already recorded for this debtor. */
  finalLetterDates?: IsoDate[];
  /** Dates of every written reminder recorded per invoice: each interrupts limitation (3:317 BW). */
  reminderDates?: Map<string, IsoDate[]>;
}

export type SkipCode = 'time_barred' | 'debtor_on_hold' | 'debtor_disputed' | 'invoice_on_hold' | 'invoice_disputed' | 'below_minimum' | 'credit_covers_balance' | 'handover_waits_for_term' | 'letter_already_sent';

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

export type Action = LetterAction | HandoverAction | SkipAction;

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
  actions: Action[];
  assessments: InvoiceAssessment[];
  netOpenCents: number;
  debtorHold: PlanHold | null;
}

// A run over a million invoices asks for the same few hundred dates again and again.
const dayCache = new Map<string, IsoDate>();
function addDays(date: IsoDate, days: number): IsoDate {
  const key = `${date}+${days}`;
  let result = dayCache.get(key);
  if (result === undefined) {
    if (dayCache.size > 100_000) dayCache.clear();
    result = addDaysExact(date, days);
    dayCache.set(key, result);
  }
  return result;
}

/** A hold is active from its creation until the day before `until` (dunning resumes on `until`). */
export function isHoldActive(hold: PlanHold, today: IsoDate): boolean {
  return hold.until === null || today < hold.until;
}

function finalChannel(channels: Channel[] | null): Channel {
  return channels?.includes('post') ? 'post' : 'email';
}

/** The first day a claim whose final letter went out on `date` may be handed over. */
export function handoverDate(policy: Policy, debtorType: DebtorSnapshot['type'], finalDate: IsoDate, channels: Channel[] | null, postedOn?: IsoDate | null): { on: IsoDate; termEnd: IsoDate | null } {
  const byConfig = addDays(finalDate, policy.handoverAfter);
  if (debtorType !== 'consumer') return { on: byConfig, termEnd: null };
  // 6:96 lid 6 BW: never before the fourteen days after delivery have run out (HR 2016:2704).
  const channel = finalChannel(channels);
  const term = fourteenDayTerm(channel === 'post' ? dispatchDate(finalDate, postedOn) : finalDate, channel, policy.law);
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
  const active = input.holds.filter((h) => isHoldActive(h, today));
  const debtorHold = active.find((h) => h.invoiceNumber === null) ?? null;
  const invoiceHolds = new Map(active.filter((h) => h.invoiceNumber !== null).map((h) => [h.invoiceNumber!, h]));
  const actions: Action[] = [];
  const skip = (code: SkipCode, reason: string, invoice: string | null = null): void => {
    actions.push({ kind: 'skip', debtor: debtor.number, name: debtor.name, invoice, code, reason });
  };

  const assessments: InvoiceAssessment[] = [];
  const note = (a: InvoiceAssessment): void => {
    if (assess) assessments.push(a);
  };
  const due: { inv: PlanInvoice; toStage: number }[] = [];
  const alsoOpen: PlanInvoice[] = [];
  const credits: PlanInvoice[] = [];
  const ready: PlanInvoice[] = [];
  const waitingTerm: { inv: PlanInvoice; on: IsoDate }[] = [];
  let netOpen = 0;

  for (const inv of sortInvoices(input.invoices)) {
    const held = invoiceHolds.get(inv.number) ?? null;
    const base = {
      number: inv.number,
      openCents: inv.openCents,
      dueDate: inv.dueDate,
      stage: inv.stageIndex === null ? null : stages[inv.stageIndex]?.id ?? null,
      stageDate: inv.stageDate,
      held,
    };
    if (inv.openCents < 0) {
      // A credit note reduces the balance; it is never dunned itself.
      if (!held) {
        credits.push(inv);
        netOpen += inv.openCents;
      }
      note({ ...base, next: null, handoverOn: null, termEnd: null, state: held ? 'held' : 'credit' });
      continue;
    }
    if (inv.openCents === 0) continue;
    if (held) {
      note({ ...base, next: null, handoverOn: null, termEnd: null, state: 'held' });
      continue;
    }
    netOpen += inv.openCents;
    const atFinal = inv.stageIndex !== null && inv.stageIndex >= finalIndex;
    if (atFinal) {
      const { on, termEnd } = handoverDate(policy, debtor.type, inv.stageDate!, inv.stageChannels, inv.stagePostedOn);
      let isReady = today >= on;
      if (isReady && debtor.type === 'consumer' && policy.includeTimeBarred !== true) {
        // No handover of a consumer claim past limitation without --include-time-barred (legal-nl.md §6).
        const until = invoiceLimitationDate(inv, debtor.type, policy, input.reminderDates);
        if (today > until) {
          isReady = false;
          skip('time_barred', `invoice ${inv.number}: time-barred since ${addDays(until, 1)}; not handed over without --include-time-barred`, inv.number);
        }
      }
      if (isReady) ready.push(inv);
      else if (today >= addDays(inv.stageDate!, policy.handoverAfter)) waitingTerm.push({ inv, on });
      alsoOpen.push(inv);
      note({ ...base, next: null, handoverOn: on, termEnd, state: isReady ? 'ready_for_handover' : 'final_waiting' });
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
    if (prevTerm && inv.stageDate) {
      const ch = finalChannel(inv.stageChannels);
      const ended = termAfterDelivery(ch === 'post' ? dispatchDate(inv.stageDate, inv.stagePostedOn) : inv.stageDate, ch, prevTerm.termDays, policy.law).costsFrom;
      if (ended > on) on = ended;
    }
    const isDue = today >= on;
    if (isDue) due.push({ inv, toStage: nextIndex });
    else if (inv.dueDate < today) alsoOpen.push(inv);
    note({
      ...base,
      next: { stage: stage.id, index: nextIndex, on },
      handoverOn: null,
      termEnd: null,
      state: isDue ? 'due' : inv.dueDate < today ? 'waiting' : 'not_overdue',
    });
  }

  if (debtorHold) {
    if (due.length > 0 || ready.length > 0) {
      skip(debtorHold.dispute ? 'debtor_disputed' : 'debtor_on_hold', `${debtorHold.dispute ? 'disputed' : 'on hold'}: ${debtorHold.reason}${debtorHold.until ? ` (until ${debtorHold.until})` : ''}`);
    }
    return { actions, assessments: assessments.map((a) => ({ ...a, state: a.state === 'credit' ? a.state : 'held', held: a.held ?? debtorHold })), netOpenCents: netOpen, debtorHold };
  }
  for (const [number, hold] of invoiceHolds) {
    const inv = input.invoices.find((i) => i.number === number);
    if (inv && inv.openCents > 0) {
      skip(hold.dispute ? 'invoice_disputed' : 'invoice_on_hold', `invoice ${number} ${hold.dispute ? 'disputed' : 'on hold'}: ${hold.reason}${hold.until ? ` (until ${hold.until})` : ''}`, number);
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
    skip('handover_waits_for_term', `invoice ${w.inv.number}: handover waits for the end of the fourteen-day term (from ${w.on})`, w.inv.number);
  }

  if (due.length === 0) return { actions, assessments, netOpenCents: netOpen, debtorHold };
  // One letter per debtor per day (a second run after a fresh import must not write a second
  // letter dated today, nor one dated before a letter already sent): the due invoices wait for
  // the next run.
  if (input.lastLetterDate != null && input.lastLetterDate >= today) {
    skip('letter_already_sent', `a letter was already recorded on ${input.lastLetterDate}; ${due.map((d) => d.inv.number).join(', ')} wait for the next run`);
    return { actions, assessments, netOpenCents: netOpen, debtorHold };
  }

  const creditTotal = credits.reduce((s, c) => s + c.openCents, 0);
  const dueGross = due.reduce((s, d) => s + d.inv.openCents, 0);
  const dueCents = Math.max(0, dueGross + creditTotal);
  if (netOpen <= 0 || dueCents === 0) {
    skip('credit_covers_balance', `credit notes (${formatEuro(creditTotal)}) cover the due invoices`);
    return { actions, assessments, netOpenCents: netOpen, debtorHold };
  }
  if (dueCents < policy.minimumCents) {
    skip('below_minimum', `due balance ${formatEuro(dueCents)} is below the minimum of ${formatEuro(policy.minimumCents)}`);
    return { actions, assessments, netOpenCents: netOpen, debtorHold };
  }

  if (debtor.type === 'consumer' && policy.includeTimeBarred !== true) {
    // A consumer claim past limitation gets no letter with costs (7:28 / 3:307 BW; legal-nl.md §6).
    const barred = due.filter((d) => d.toStage === finalIndex && today > invoiceLimitationDate(d.inv, debtor.type, policy, input.reminderDates));
    if (barred.length > 0) {
      for (const b of barred) {
        skip('time_barred', `invoice ${b.inv.number}: time-barred since ${addDays(invoiceLimitationDate(b.inv, debtor.type, policy, input.reminderDates), 1)} (${limitationKindOf(debtor.type, b.inv.consumerClaims ?? policy.consumerClaims) === 'consumer-sale' ? 'art. 7:28 BW' : 'art. 3:307 BW'}); no letter with costs without --include-time-barred`, b.inv.number);
      }
      const barredSet = new Set(barred.map((b) => b.inv));
      for (let i = due.length - 1; i >= 0; i--) if (barredSet.has(due[i]!.inv)) due.splice(i, 1);
      if (due.length === 0) return { actions, assessments, netOpenCents: netOpen, debtorHold };
    }
  }
  const letterStage = Math.max(...due.map((d) => d.toStage));
  const stage = stages[letterStage]!;
  const hasEmail = debtor.email !== null && isPlausibleEmail(debtor.email);
  // A debtor without a usable e-mail address gets the letter by post instead.
  const channels: Channel[] = stage.channels.includes('email') && !hasEmail
    ? ['post']
    : [...stage.channels];
  const finalLetter = letterStage === finalIndex;
  // The veertiendagenbrief states the BIK costs over the summed principal of the claims it
  // demands (6:96 lid 6-7 BW); a credit note of the debtor lowers that principal.
  const finalPrincipal = Math.min(dueCents, due.filter((d) => d.toStage === finalIndex).reduce((s, d) => s + d.inv.openCents, 0));
  const costsCents = finalLetter && debtor.type === 'consumer' && finalPrincipal > 0 ? collectionCosts(finalPrincipal, { vat: !policy.canDeductVat }) : null;
  // BIK art. 2 lid 3: the uplift is stated with the amount without VAT and the declaration.
  const costsExclVatCents = costsCents !== null && !policy.canDeductVat ? collectionCosts(finalPrincipal) : null;
  const warnings: string[] = [];
  if (finalLetter && debtor.type === 'consumer') {
    const w = stackingWarning(input.finalLetterDates ?? [], today);
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
    const single = due.length === 1 && credits.length === 0 ? due[0]!.inv.reference : null;
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
      // An ingebrekestelling unless every invoice it demands has an agreed fatal term (import column).
      ...(policy.terms[letterStage]?.ingebrekestelling && debtor.type === 'consumer' && due.some((d) => (d.inv.termIsFatal ?? policy.termIsFatal ?? false) !== true) ? { ingebrekestelling: true } : {}),
      ...(costsExclVatCents !== null ? { costsExclVatCents } : {}),
      earlierLetters: due.some((d) => d.inv.stageIndex !== null),
    };
  }
  const reasonParts = due.map((d) =>
    d.inv.stageIndex === null
      ? `${d.inv.number} due ${d.inv.dueDate} + ${stages[0]!.after} days`
      : `${d.inv.number} ${stages[d.inv.stageIndex]!.id} on ${d.inv.stageDate} + ${stages[d.toStage]!.after} days`,
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
  return { actions, assessments, netOpenCents: netOpen, debtorHold };
}

/** The last day of an invoice's limitation period, counting the written reminders the ledger holds. */
export function invoiceLimitationDate(inv: PlanInvoice, type: DebtorSnapshot['type'], policy: Pick<Policy, 'consumerClaims'>, reminders?: Map<string, IsoDate[]>): IsoDate {
  const dates = [...(reminders?.get(inv.number) ?? []), ...(inv.stageDate ? [inv.stageDate] : [])];
  return limitationDate(inv.dueDate, limitationKindOf(type, inv.consumerClaims ?? policy.consumerClaims), dates);
}

function line(inv: PlanInvoice, role: LetterInvoiceLine['role']): LetterInvoiceLine {
  return {
    number: inv.number,
    issueDate: inv.issueDate,
    dueDate: inv.dueDate,
    amountCents: inv.amountCents,
    paidCents: inv.amountCents - inv.openCents,
    openCents: inv.openCents,
    role,
    reference: inv.reference,
  };
}

function sortInvoices(invoices: PlanInvoice[]): PlanInvoice[] {
  return [...invoices].sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.number < b.number ? -1 : a.number > b.number ? 1 : 0));
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
