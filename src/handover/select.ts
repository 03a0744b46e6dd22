// Which claims go, and what their case records are made of. The planner decides what is ready
// (domain/plan.ts: holds, disputes, the handover term and the fourteen-day term, limitation); the
// one thing it cannot see is the outbox, so each consumer claim's final letter is checked here,
// once, as a veertiendagenbrief (domain/terms.ts): final, costs stated, delivered. The check's
// result travels with the claim into the case record. Set-based reads: a handful of queries.
import type { Db } from '../ledger/ledger.js';
import { readAccountFacts, readArrangementsNow } from '../ledger/account-facts.js';
import type { ArrangementRow } from '../ledger/arrangements.js';
import {
  readHandoverCandidates,
  readHandoverDebtors,
  readHandoverInvoices,
  readHandoverLetters,
  readHandoverNotes,
  readHandoverPayments,
  type HandoverFormat,
  type HandoverLetter,
} from '../ledger/handovers.js';
import type { ClaimPosition, DebtorAccount } from '../domain/account.js';
import { arrangementStatus } from '../domain/arrangements.js';
import { addDays, type IsoDate } from '../domain/dates.js';
import type { DayCount } from '../domain/interest.js';
import { planDebtor, type HandoverAction, type Policy } from '../domain/plan.js';
import { checkVeertiendagenbrief } from '../domain/terms.js';
import type { CaseArrangementInput, CaseInput, CaseInvoiceInput, CaseLetterInput, HandoverLegal } from './case-types.js';

export interface HandoverSettings {
  policy: Policy;
  dayCount: DayCount;
  today: IsoDate;
  format: HandoverFormat;
  includeNotes: boolean;
  /** `pre-incasso <version>`, written into the document. */
  generatedBy: string;
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
  /** Letters whose PDF the archive carries: id → recorded SHA-256 (checked when the PDF is read) and size. */
  pdfs: Map<number, { sha256: string; size: number }>;
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

/** A ledger letter as the case record lists it; the archive carries its stored PDF (hash checked when read). */
function caseLetter(l: HandoverLetter, debtor: string, withPdf: boolean, selection: Selection): CaseLetterInput {
  // Without the PDFs (no archive) `hasPdf` is not read. The letter itself is passed on, not a copy.
  if (!withPdf) return l;
  if (l.hasPdf && l.pdfSha256 !== null) selection.pdfs.set(l.id, { sha256: l.pdfSha256, size: l.pdfBytes });
  else if (l.hasPdf) selection.warnings.push(`letter ${l.id} (debtor ${debtor}, ${l.date}) has a stored PDF but no recorded SHA-256; it is listed without a copy`);
  else if (l.pdfSha256 !== null) selection.warnings.push(`letter ${l.id} (debtor ${debtor}, ${l.date}) has a recorded SHA-256 but no stored PDF`);
  return l.hasPdf && l.pdfSha256 === null ? { ...l, hasPdf: false } : l;
}

/** Debtors planned and checked together: a few set-based reads per chunk, the case records of one chunk in memory at a time. */
const CHUNK = 256;

/**
 * The claims that go, chunk by chunk in debtor-number order: the engine's `handover` actions, a
 * consumer claim only with a veertiendagenbrief that left, with the debtor's open credit notes
 * netted in by the account.
 *
 * Only the debtors that can have a claim ready are planned: a `handover` action needs an open
 * claim at the final stage whose final letter is at least `handover.after` days old (plan.ts:
 * the handover day is never before that), which one query finds. Each of them is planned
 * exactly as `run` plans it, from the same facts, so the law's checks are the planner's own.
 */
export function* selectCaseChunks(db: Db, settings: HandoverSettings, options: { withPdf: boolean; chunkSize?: number }): Generator<Selection> {
  const { today, policy } = settings;
  const candidates = readHandoverCandidates(db, policy.stages.length - 1, addDays(today, -policy.handoverAfter));
  if (candidates.length === 0) return;
  // The cases are built in JavaScript string order (case.ts), chunks in the ledger's order: the
  // two agree unless a debtor number holds characters beyond U+FFFF; then one chunk keeps the order.
  const size = candidates.every((n, i) => i === 0 || candidates[i - 1]! < n) ? (options.chunkSize ?? CHUNK) : Infinity;
  let actions: HandoverAction[] = [];
  let accounts = new Map<string, DebtorAccount>();
  for (const input of readAccountFacts(db, { debtors: candidates })) {
    const plan = planDebtor(input, policy, today, { letters: false, assess: false });
    for (const a of plan.actions) {
      if (a.kind !== 'handover') continue;
      actions.push(a);
      accounts.set(a.debtor, plan.account);
    }
    if (actions.length >= size) {
      yield chunkSelection(db, settings, options, actions, accounts);
      actions = [];
      accounts = new Map();
    }
  }
  if (actions.length > 0) yield chunkSelection(db, settings, options, actions, accounts);
}

/** The case records of one chunk of debtors with a `handover` action. */
function chunkSelection(db: Db, settings: HandoverSettings, options: { withPdf: boolean }, actions: HandoverAction[], accounts: Map<string, DebtorAccount>): Selection {
  const { today } = settings;
  const selection: Selection = { cases: [], skipped: [], pdfs: new Map(), warnings: [] };
  const debtorNumbers = actions.map((a) => a.debtor);
  const debtors = readHandoverDebtors(db, debtorNumbers);
  const invoiceRows = readHandoverInvoices(db, actions.flatMap((a) => a.invoices));
  // The open amount of each claim after payments and credit notes: the same allocation the
  // letters showed (src/domain/account.ts).
  const positions = new Map<string, ClaimPosition>();
  for (const account of accounts.values()) for (const c of account.claims) positions.set(c.number, c);
  const letters = readHandoverLetters(db, debtorNumbers);
  const lettersById = new Map([...letters.values()].flat().map((l) => [l.id, l]));

  const byDebtor = new Map<string, CaseInvoiceInput[]>();
  for (const inv of invoiceRows) {
    const consumer = debtors.get(inv.debtor)!.type === 'consumer';
    let veertiendagenbrief: CaseInvoiceInput['veertiendagenbrief'];
    if (consumer && inv.openCents > 0) {
      const check = checkVeertiendagenbrief(inv.stageLetterId === null ? null : lettersById.get(inv.stageLetterId) ?? null, today, settings.policy.law);
      if (!check.ok) {
        selection.skipped.push({ debtor: inv.debtor, invoice: inv.number, reason: check.reason });
        continue;
      }
      veertiendagenbrief = { dispatch: check.dispatch, term: check.term };
    }
    const position = positions.get(inv.number);
    const list = byDebtor.get(inv.debtor) ?? [];
    list.push({
      number: inv.number, issueDate: inv.issueDate, dueDate: inv.dueDate, amountCents: inv.amountCents, openCents: position ? position.openCents : inv.openCents,
      reference: inv.reference, stageLetterId: inv.stageLetterId, termIsFatal: inv.termIsFatal, consumerClaim: inv.consumerClaim,
      ...(veertiendagenbrief ? { veertiendagenbrief } : {}),
      ...(position ? { paidCents: position.paidCents, credits: position.credits.map((c) => ({ creditNote: c.creditNote, amountCents: c.amountCents })) } : {}),
    });
    byDebtor.set(inv.debtor, list);
  }

  for (const number of debtorNumbers) {
    const invoices = (byDebtor.get(number) ?? []).filter((i) => i.openCents > 0);
    // Nothing open after credit notes: no case.
    if (invoices.length === 0) continue;
    const account = accounts.get(number);
    selection.cases.push({
      debtor: debtors.get(number)!,
      invoices,
      payments: [],
      letters: (letters.get(number) ?? []).map((l) => caseLetter(l, number, options.withPdf, selection)),
      notes: [],
      ...(account ? { costsStatedTotalCents: account.costsStatedCents, costsClaimedBeforeCents: account.costsClaimedCents } : {}),
    });
  }
  if (selection.cases.length === 0) return selection;
  const kept = selection.cases.flatMap((c) => c.invoices.map((i) => i.number));
  const byCase = new Map(selection.cases.map((c) => [c.debtor.number, c]));
  // The arrangements made with these debtors, with the paid figures of their accounts (one read).
  for (const a of readArrangementsNow(db, { debtors: [...byCase.keys()] }, today)) {
    const c = byCase.get(a.debtor);
    if (c) (c.arrangements ??= []).push(caseArrangement(a, today));
  }
  const invoiceDebtor = new Map(selection.cases.flatMap((c) => c.invoices.map((i) => [i.number, c.debtor.number] as const)));
  for (const p of readHandoverPayments(db, kept)) byCase.get(invoiceDebtor.get(p.invoiceNumber)!)!.payments.push(p);
  if (settings.includeNotes) {
    for (const { debtor, ...note } of readHandoverNotes(db, [...byCase.keys()], kept)) byCase.get(debtor)?.notes.push(note);
  }
  return selection;
}
