// The debtor's account: one pure function from the ledger's facts about one debtor to what the
// debtor owes, claim by claim, and why. `run`, `run --dry-run`, `explain`, `status`, the letter
// and the handover all read this one function; none of them nets anything by itself.
//
// The facts: each invoice with the open amount the latest export stated (and when) and the
// ledger's own figure after the payments it allocated (`openCents` = min of the two, kept by the
// writers), the credit notes, the payments allocated to each invoice, the final letters with the
// costs they stated and the claims they covered, the costs claimed in earlier handovers, holds.
//
// Rules (README "What the tool guarantees", SPEC §6.5-7):
//  - A claim's open amount is the lower of what the latest export states and what the ledger's
//    own facts (payments) leave: a fact the ledger knows is never undone by an export.
//  - Each credit note is set off once: against the debtor's claims oldest due first (due date,
//    then number), only claims still open or handed over and not held or disputed (an
//    agreement's pause — arrangement, promise, pending call — holds dunning but does not move a
//    credit note). Every reader gets the same allocation: it is computed here from the same facts.
//  - Costs: a consumer claim covered by a veertiendagenbrief never gets costs stated again; over
//    all letters the costs stated never exceed the BIK scale over the summed covered principal
//    (6:96 lid 7 BW). Business: max(BIK over the summed principal, EUR 40 per late invoice).
import type { IsoDate } from './dates.js';
import type { Channel, DebtorSnapshot } from './letter.js';
import { collectionCosts } from './bik-costs.js';
import type { ConsumerClaims } from './limitation.js';

export type ClaimStatus = 'open' | 'paid' | 'closed' | 'handed_over' | 'written_off';

export interface AccountPayment {
  paymentId: number;
  date: IsoDate;
  /** `camt.053.001.02`, `mt940-ing`, `manual`, … */
  source: string;
  amountCents: number;
}

export interface AccountHold {
  invoiceNumber: string | null;
  reason: string;
  dispute: boolean;
  until: IsoDate | null;
  /**
   * A pause from an agreement with the debtor (running payment arrangement, open promise to pay,
   * call not logged yet) rather than a manual hold or dispute. It holds dunning like a hold, but
   * the claim is not in question: credit notes are still set off against it.
   */
  kind?: 'arrangement' | 'promise' | 'call';
}

export interface AccountClaimInput {
  number: string;
  issueDate: IsoDate | null;
  dueDate: IsoDate;
  /** The invoice amount (the principal); negative for a credit note. */
  amountCents: number;
  /** The ledger's figure: min(latest export's open amount, amount − allocated payments). */
  openCents: number;
  reference: string | null;
  /** Absent means `open`. */
  status?: ClaimStatus;
  /** What the latest export stated as open, and on which day; absent when unknown. */
  exportOpenCents?: number | null;
  exportDate?: IsoDate | null;
  /** The payments allocated to this claim (detail; absent in a run, where only the sum matters). */
  payments?: AccountPayment[];
  stageIndex: number | null;
  stageDate: IsoDate | null;
  stageChannels: Channel[] | null;
  /** Day that letter was handed to the post (`letters --posted`); terms count from the later of it and stageDate. */
  stagePostedOn?: IsoDate | null;
  /** Per-invoice override of defaults.termIsFatal (import column term_is_fatal); null/absent = the config. */
  termIsFatal?: boolean | null;
  /** Per-invoice override of defaults.consumerClaims (import column consumer_claim). */
  consumerClaims?: ConsumerClaims | null;
}

/** A final letter already recorded for the debtor: what it covered and the costs it stated. */
export interface AccountFinalLetter {
  id: number;
  date: IsoDate;
  /** The claims it demanded (role `due`). */
  covers: string[];
  /** The summed open principal of those claims when it was sent. */
  principalCents: number;
  /** The collection costs it stated (consumer veertiendagenbrief); null when none. */
  costsCents: number | null;
}

export interface AccountInput {
  debtor: DebtorSnapshot;
  invoices: AccountClaimInput[];
  holds: AccountHold[];
  finalLetters?: AccountFinalLetter[];
  /** Collection costs already claimed for this debtor in earlier handovers. */
  costsClaimedCents?: number;
}

export interface ClaimPosition {
  number: string;
  kind: 'invoice' | 'credit_note';
  issueDate: IsoDate | null;
  dueDate: IsoDate;
  reference: string | null;
  status: ClaimStatus;
  principalCents: number;
  /** Paid: by allocated payments, and what the export shows paid beyond them. */
  paidCents: number;
  paidBy: { kind: 'payment'; paymentId: number; date: IsoDate; source: string; amountCents: number }[];
  /** Part of the paid amount only the bookkeeping export shows (paid outside the ledger's view). */
  paidPerExportCents: number;
  /** For an invoice: credit notes set off against it. For a credit note: the invoices it went to (amounts positive). */
  creditedCents: number;
  credits: { creditNote: string; invoice: string; amountCents: number }[];
  /** What remains: an invoice after payments and credit; a credit note's unallocated rest (≤ 0). */
  openCents: number;
  held: AccountHold | null;
  stageIndex: number | null;
  stageDate: IsoDate | null;
  stageChannels: Channel[] | null;
  /** The law's per-claim facts, passed through from the input (see AccountClaimInput). */
  stagePostedOn: IsoDate | null;
  termIsFatal: boolean | null;
  consumerClaims: ConsumerClaims | null;
  /** The veertiendagenbrief (consumer final letter with costs) that covers this claim, if any. */
  coveredBy: { letterId: number; date: IsoDate } | null;
  exportOpenCents: number | null;
  exportDate: IsoDate | null;
}

export interface DebtorAccount {
  debtor: DebtorSnapshot;
  /** Claims by due date, then number; credit notes among them. */
  claims: ClaimPosition[];
  debtorHold: AccountHold | null;
  /** Open over all claims still in pre-incasso (status open), held ones included. */
  openCents: number;
  /** Of which held or disputed (invoice holds, or everything under a debtor hold). */
  heldCents: number;
  /** Open on claims handed over to the incassobureau. */
  handedOverCents: number;
  /** Credit notes not (yet) set off against any claim (≤ 0). */
  unallocatedCreditCents: number;
  /** Costs stated over all the debtor's final letters. */
  costsStatedCents: number;
  /** Summed principal the debtor's final letters covered when sent. */
  coveredPrincipalCents: number;
  costsClaimedCents: number;
}

/** A hold is active from its creation until the day before `until` (dunning resumes on `until`). */
export function isHoldActive(hold: AccountHold, today: IsoDate): boolean {
  return hold.until === null || today < hold.until;
}

function byDue(a: { dueDate: string; number: string }, b: { dueDate: string; number: string }): number {
  return a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.number < b.number ? -1 : a.number > b.number ? 1 : 0;
}

/**
 * A claim's hold: a manual one (debtor, then invoice) before an agreement's pause. A module
 * function, not a closure per debtor (the bundle names every closure it makes).
 */
function heldBy(debtorHold: AccountHold | null, invoiceHold: AccountHold | null): AccountHold | null {
  if (debtorHold === null) return invoiceHold;
  if (invoiceHold === null || debtorHold.kind === undefined) return debtorHold;
  return invoiceHold.kind === undefined ? invoiceHold : debtorHold;
}

/** The debtor's position on `today`: pure, deterministic, the same for every reader. */
export function debtorAccount(input: AccountInput, today: IsoDate): DebtorAccount {
  // Manual holds and disputes first: they name the claim's state before an agreement's pause does.
  const active = input.holds.filter((h) => isHoldActive(h, today));
  const ordered = [...active.filter((h) => h.kind === undefined), ...active.filter((h) => h.kind !== undefined)];
  const debtorHold = ordered.find((h) => h.invoiceNumber === null) ?? null;
  const invoiceHolds = new Map<string, AccountHold>();
  for (const h of ordered) if (h.invoiceNumber !== null && !invoiceHolds.has(h.invoiceNumber)) invoiceHolds.set(h.invoiceNumber, h);
  // Only a manual hold keeps a claim from taking a credit note: a pause does not change what is owed.
  const manualDebtorHold = active.some((h) => h.kind === undefined && h.invoiceNumber === null);
  const manualInvoiceHolds = new Set(active.filter((h) => h.kind === undefined && h.invoiceNumber !== null).map((h) => h.invoiceNumber!));
  const covered = new Map<string, { letterId: number; date: IsoDate }>();
  let costsStated = 0;
  let coveredPrincipal = 0;
  for (const l of [...(input.finalLetters ?? [])].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id - b.id))) {
    if (l.costsCents === null) continue;
    costsStated += l.costsCents;
    coveredPrincipal += l.principalCents;
    for (const n of l.covers) if (!covered.has(n)) covered.set(n, { letterId: l.id, date: l.date });
  }

  const claims: ClaimPosition[] = [...input.invoices].sort(byDue).map((inv) => {
    const status = inv.status ?? 'open';
    const credit = inv.amountCents < 0 || (inv.amountCents === 0 && inv.openCents < 0);
    const payments = inv.payments ?? [];
    const paidByPayments = payments.reduce((s, p) => s + p.amountCents, 0);
    const open = inv.openCents;
    const paid = credit ? 0 : Math.max(0, inv.amountCents - open);
    return {
      number: inv.number,
      kind: credit ? 'credit_note' : 'invoice',
      issueDate: inv.issueDate,
      dueDate: inv.dueDate,
      reference: inv.reference,
      status,
      principalCents: inv.amountCents,
      paidCents: paid,
      paidBy: payments.map((p) => ({ kind: 'payment' as const, ...p })),
      paidPerExportCents: Math.max(0, paid - paidByPayments),
      creditedCents: 0,
      credits: [],
      openCents: open,
      held: heldBy(debtorHold, invoiceHolds.get(inv.number) ?? null),
      stageIndex: inv.stageIndex,
      stageDate: inv.stageDate,
      stageChannels: inv.stageChannels,
      stagePostedOn: inv.stagePostedOn ?? null,
      termIsFatal: inv.termIsFatal ?? null,
      consumerClaims: inv.consumerClaims ?? null,
      coveredBy: covered.get(inv.number) ?? null,
      exportOpenCents: inv.exportOpenCents ?? null,
      exportDate: inv.exportDate ?? null,
    };
  });

  // Credit notes: each set off once, oldest due claim first. A held claim is not chosen (the
  // hold may be lifted or the claim corrected), a handed-over one is: its credit stays with it.
  // A claim paused by an agreement (arrangement, promise, pending call) is chosen like any other,
  // so the allocation is the same whether or not a pause runs.
  const takers = claims.filter((c) => c.kind === 'invoice' && c.openCents > 0 && (c.status === 'open' || c.status === 'handed_over') && !(manualDebtorHold || manualInvoiceHolds.has(c.number)));
  for (const cn of claims) {
    if (cn.kind !== 'credit_note' || cn.status !== 'open' || cn.openCents >= 0 || manualInvoiceHolds.has(cn.number)) continue;
    let left = -cn.openCents;
    for (const t of takers) {
      if (left === 0) break;
      const take = Math.min(left, t.openCents);
      if (take <= 0) continue;
      t.openCents -= take;
      t.creditedCents += take;
      t.credits.push({ creditNote: cn.number, invoice: t.number, amountCents: take });
      cn.credits.push({ creditNote: cn.number, invoice: t.number, amountCents: take });
      cn.creditedCents += take;
      left -= take;
    }
    cn.openCents = -left;
  }

  let openCents = 0;
  let heldCents = 0;
  let handedOver = 0;
  let unallocated = 0;
  for (const c of claims) {
    if (c.kind === 'credit_note') {
      if (c.status === 'open') unallocated += c.openCents;
      continue;
    }
    if (c.status === 'handed_over') handedOver += c.openCents;
    if (c.status !== 'open') continue;
    openCents += c.openCents;
    if (c.held) heldCents += c.openCents;
  }
  return {
    debtor: input.debtor,
    claims,
    debtorHold,
    openCents,
    heldCents,
    handedOverCents: handedOver,
    unallocatedCreditCents: unallocated,
    costsStatedCents: costsStated,
    coveredPrincipalCents: coveredPrincipal,
    costsClaimedCents: input.costsClaimedCents ?? 0,
  };
}

/**
 * The costs a new consumer veertiendagenbrief may state for the claims it newly covers: BIK over
 * their summed principal, but never so much that all the debtor's letters together state more
 * than the BIK scale over everything they covered (6:96 lid 7 BW).
 */
export function consumerFinalCosts(account: Pick<DebtorAccount, 'costsStatedCents' | 'coveredPrincipalCents'>, newPrincipalCents: number): number {
  if (newPrincipalCents <= 0) return 0;
  const own = collectionCosts(newPrincipalCents);
  const room = collectionCosts(account.coveredPrincipalCents + newPrincipalCents) - account.costsStatedCents;
  return Math.max(0, Math.min(own, room));
}
