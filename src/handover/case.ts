// The handover case records (SPEC §10, formats.md §6 "Handover record") as pure functions: plain
// values read from the ledger go in, the JSON-ready document comes out. No clock, no files, no
// database: the same inputs give the same document, so a batch can be rebuilt and checked.
//
// Shape rules (README "Handover file"): snake_case keys; money as integer cents (`*_cents`) AND
// as a decimal string with a dot (`1234.56`) for readers that do not trust floats; ISO dates.
// The types are in case-types.ts; the bytes (JSON, CSV, ZIP) in json.ts, csv.ts and zip.ts.
import { addDays, type IsoDate } from '../domain/dates.js';
import { formatDotDecimal } from '../domain/money.js';
import { businessCollectionCosts, collectionCosts, withVatUplift, BUSINESS_MINIMUM_PER_INVOICE_CENTS } from '../domain/bik-costs.js';
import { statutoryInterest, type InterestPeriod } from '../domain/interest.js';
import { checkVeertiendagenbrief, letterDispatch, type FourteenDayTerm, type LetterDispatch } from '../domain/terms.js';
import { limitationDate, limitationKindOf } from '../domain/limitation.js';
import { verzuimStart } from '../domain/verzuim.js';
import {
  HANDOVER_SCHEMA_VERSION,
  type BuiltHandover,
  type CaseInput,
  type CaseInvoiceInput,
  type CaseJson,
  type CaseLetterInput,
  type CaseTotalsJson,
  type ClaimInterestJson,
  type ClaimJson,
  type CollectionCostsJson,
  type HandoverDocument,
  type HandoverInput,
  type InterestPeriodJson,
  type LetterFile,
  type LetterJson,
  type PaymentJson,
  type VeertiendagenbriefJson,
} from './case-types.js';

export * from './case-types.js';
// ---------------------------------------------------------------------------------------------

const money = (cents: number): string => formatDotDecimal(cents);
const moneyOrNull = (cents: number | null): string | null => (cents === null ? null : formatDotDecimal(cents));

/** `letters/<dir>/…`: a debtor number made safe as one path segment (zip and file systems). */
export function sanitisePathSegment(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return cleaned.length === 0 ? '_' : cleaned.slice(0, 80);
}

function periodJson(p: InterestPeriod): InterestPeriodJson {
  return {
    from: p.from, to: p.to, days: p.days, rate_percent: p.ratePercent, base_cents: p.baseCents,
    interest_cents: p.interestCents, interest: money(p.interestCents),
  };
}

/** Claims first, credit notes after them; each group by due date, then number. */
function claimOrder(a: CaseInvoiceInput, b: CaseInvoiceInput): number {
  const ca = a.openCents < 0 ? 1 : 0;
  const cb = b.openCents < 0 ? 1 : 0;
  if (ca !== cb) return ca - cb;
  if (a.dueDate !== b.dueDate) return a.dueDate < b.dueDate ? -1 : 1;
  return a.number < b.number ? -1 : a.number > b.number ? 1 : 0;
}

function totalsJson(open: number, costs: number, interest: number): CaseTotalsJson {
  const total = open + costs + interest;
  return {
    open_cents: open, open: money(open),
    collection_costs_cents: costs, collection_costs: money(costs),
    interest_cents: interest, interest: money(interest),
    total_cents: total, total: money(total),
  };
}

const BIK_BASIS_CONSUMER =
  'art. 6:96 lid 5-7 BW and the Besluit vergoeding voor buitengerechtelijke incassokosten (Stb. 2012, 141): ' +
  'due after the veertiendagenbrief term ran out; never more than the letter stated';
function businessBasis(principalCents: number, late: number, basis: 'bik' | 'per_invoice'): string {
  return (
    `art. 6:96 lid 4 BW: the higher of the BIK staffel (Stb. 2012, 141) over the summed principal (EUR ${money(principalCents)}) ` +
    `and ${late === 1 ? 'EUR 40 for the one late-paid invoice' : `EUR 40 for each of the ${late} late-paid invoices`} (CJEU 20 October 2022, C-585/20); due without demand; ` +
    `${basis === 'per_invoice' ? 'here EUR 40 per invoice is the higher' : 'here the staffel is the higher'}`
  );
}

/**
 * The term of the veertiendagenbrief behind a consumer claim: as the selection checked it (the
 * one check, domain/terms.ts), or checked here when a caller built the case by hand. A claim
 * whose letter fails the check never reaches the builder; meeting one here is a bug, not input.
 */
function finalLetterTerm(letter: CaseLetterInput | null, claim: CaseInvoiceInput, ctx: HandoverInput): { dispatch: LetterDispatch; term: FourteenDayTerm } {
  if (claim.veertiendagenbrief) return claim.veertiendagenbrief;
  const check = checkVeertiendagenbrief(letter, ctx.exportDate, ctx.legal.law);
  if (!check.ok) throw new Error(`claim ${claim.number}: ${check.reason}`);
  return check;
}

function buildCase(input: CaseInput, ctx: HandoverInput, letterDir: string, files: LetterFile[]): CaseJson {
  const { debtor } = input;
  const consumer = debtor.type === 'consumer';
  const warnings = new Set<string>();
  const lettersById = new Map(input.letters.map((l) => [l.id, l]));
  const invoices = [...input.invoices].sort(claimOrder);
  // The credit notes were set off by the debtor's account (oldest claim first, each once): the
  // claims arrive with their open amount after credit, so interest runs only on what remains.

  const claims: ClaimJson[] = invoices.map((inv) => {
    const credit = inv.openCents < 0;
    const finalLetter = inv.stageLetterId === null ? undefined : lettersById.get(inv.stageLetterId);
    let interest: ClaimInterestJson | null = null;
    let result: ReturnType<typeof statutoryInterest> | null = null;
    let creditApplied = 0;
    // Interest runs from verzuim (6:119 BW): for a consumer without a fatal payment term, from the
    // day after the ingebrekestelling's term ended (6:82 BW; verzuim.ts).
    let interestStart = addDays(inv.dueDate, 1);
    if (!credit && consumer && ctx.legal.ingebrekestellingStage !== null && (inv.termIsFatal ?? ctx.legal.termIsFatal) !== true) {
      const ig = input.letters.find((l) => l.stageIndex === ctx.legal.ingebrekestellingStage && l.invoices.includes(inv.number));
      const sent = ig ? letterDispatch({ date: ig.date, channels: ig.channels, postedOn: ig.postedOn }) : null;
      const start = sent ? verzuimStart(inv.dueDate, false, { sent: sent.dispatched, channel: sent.channel, termDays: ctx.legal.ingebrekestellingTermDays }, ctx.legal.law) : null;
      if (start) interestStart = start;
      else warnings.add(`Invoice ${inv.number}: no ingebrekestelling recorded; interest is counted from the due date, which assumes the payment term was fatal (art. 6:83 BW).`);
    }
    if (!credit) {
      // Interest on the open amount from the day after the due date through the export date
      // (6:119 / 6:119a BW). Conservative: interest the paid part earned while it was late is not
      // claimed, because the ledger cannot prove the open amount and the payments agree.
      creditApplied = (inv.credits ?? []).reduce((s, c) => s + c.amountCents, 0);
      try {
        result = statutoryInterest({
          principalCents: inv.openCents,
          type: consumer ? 'consumer' : 'business',
          dueDate: addDays(interestStart, -1),
          until: ctx.exportDate,
          dayCount: ctx.dayCount,
          rates: ctx.legal.law.rates,
        });
      } catch (error) {
        // A due date before the rate table starts: hand over the claim, leave the interest to the agency.
        warnings.add(`Invoice ${inv.number}: no interest computed (${(error as Error).message}).`);
      }
      for (const w of result?.warnings ?? []) warnings.add(w);
    }
    if (result) {
      interest = {
        basis: consumer ? '6:119 BW' : '6:119a BW',
        from: interestStart,
        until: ctx.exportDate,
        day_count: ctx.dayCount,
        credit_applied_cents: creditApplied,
        principal_cents: inv.openCents,
        principal: money(inv.openCents),
        interest_cents: result.interestCents,
        interest: money(result.interestCents),
        periods: result.periods.map(periodJson),
      };
    }
    const credited = (inv.credits ?? []).reduce((s, c) => s + c.amountCents, 0);
    const paid = inv.paidCents ?? inv.amountCents - inv.openCents - credited;
    let limitation: IsoDate | null = null;
    const kind = limitationKindOf(debtor.type, inv.consumerClaim ?? ctx.legal.consumerClaims);
    if (!credit) {
      // Every written letter of the tool that demanded this invoice interrupts limitation (3:317 BW).
      const reminders = input.letters.filter((l) => l.invoices.includes(inv.number)).map((l) => l.date);
      limitation = limitationDate(inv.dueDate, kind, reminders);
      if (ctx.exportDate > limitation) {
        warnings.add(`Invoice ${inv.number} is time-barred since ${addDays(limitation, 1)} if the debtor invokes it (${kind === 'consumer-sale' ? 'art. 7:28 BW' : 'art. 3:307 BW'}); it was included ${ctx.legal.includeTimeBarred ? 'on purpose (--include-time-barred)' : 'as a business claim'}.`);
      }
    }
    return {
      invoice_number: inv.number,
      kind: credit ? 'credit_note' : 'invoice',
      invoice_date: inv.issueDate,
      due_date: inv.dueDate,
      currency: 'EUR',
      original_cents: inv.amountCents, original: money(inv.amountCents),
      paid_cents: paid, paid: money(paid),
      credited_cents: credited, credited: money(credited),
      credit_notes: (inv.credits ?? []).map((c) => ({ credit_note: c.creditNote, amount_cents: c.amountCents, amount: money(c.amountCents) })),
      open_cents: inv.openCents, open: money(inv.openCents),
      payment_reference: inv.reference,
      final_letter_date: finalLetter?.final ? finalLetter.date : null,
      interest,
      limitation_date: limitation,
      limitation_basis: limitation === null ? null : kind === 'consumer-sale' ? 'art. 7:28 BW' : 'art. 3:307 BW',
    };
  });

  const payments: PaymentJson[] = [...input.payments]
    .sort((a, b) => (a.date !== b.date ? (a.date < b.date ? -1 : 1) : a.invoiceNumber < b.invoiceNumber ? -1 : a.invoiceNumber > b.invoiceNumber ? 1 : a.amountCents - b.amountCents))
    .map((p) => ({ date: p.date, invoice_number: p.invoiceNumber, amount_cents: p.amountCents, amount: money(p.amountCents), reference: p.reference }));

  const letters: LetterJson[] = [...input.letters]
    .sort((a, b) => (a.date !== b.date ? (a.date < b.date ? -1 : 1) : a.id - b.id))
    .map((l) => {
      let file: string | null = null;
      if (ctx.letterFiles && l.pdfSha256 !== null && l.hasPdf !== false) {
        file = `letters/${letterDir}/${l.date}_${sanitisePathSegment(l.stageId)}.pdf`;
        files.push({ letterId: l.id, path: file });
      } else if (ctx.letterFiles) {
        warnings.add(`The letter of ${l.date} (${l.stageId}) has no stored PDF; it is listed without a copy.`);
      }
      return {
        date: l.date, stage: l.stageId, stage_number: l.stageIndex + 1, final: l.final, channels: [...l.channels],
        email_state: l.emailState, invoices: [...l.invoices].sort(),
        amount_cents: l.amountCents, amount: money(l.amountCents),
        costs_stated_cents: l.costsCents, costs_stated: moneyOrNull(l.costsCents),
        sha256: l.pdfSha256, file,
      };
    });

  // The veertiendagenbrieven behind the consumer claims: one per distinct final letter.
  const veertiendagenbrieven: VeertiendagenbriefJson[] = [];
  if (consumer) {
    const finalIds = [...new Set(invoices.filter((i) => i.openCents > 0 && i.stageLetterId !== null).map((i) => i.stageLetterId!))];
    for (const id of finalIds) {
      const letter = lettersById.get(id)!;
      const check = finalLetterTerm(letter ?? null, invoices.find((i) => i.stageLetterId === id)!, ctx);
      veertiendagenbrieven.push({
        date: letter.date,
        stage: letter.stageId,
        delivery_channel: check.dispatch.channel,
        dispatched: check.dispatch.dispatched,
        dispatch_basis: check.dispatch.basis,
        presumed_delivery: check.term.delivered,
        term_start: check.term.termStart,
        term_end: check.term.termEnd,
        costs_from: check.term.costsFrom,
        costs_stated_cents: letter.costsCents!,
        costs_stated: money(letter.costsCents!),
        invoices: invoices.filter((i) => i.stageLetterId === id).map((i) => i.number),
        sha256: letter.pdfSha256,
      });
    }
    veertiendagenbrieven.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    const withoutLetter = invoices.filter((i) => i.openCents > 0 && i.stageLetterId === null);
    if (withoutLetter.length > 0) throw new Error(`case ${debtor.number}: consumer claims without a veertiendagenbrief: ${withoutLetter.map((i) => i.number).join(', ')}`);
  }

  // BIK over the summed open principal of the case (6:96 lid 7 BW), credit notes netted in.
  const principal = Math.max(0, invoices.reduce((s, i) => s + i.openCents, 0));
  const business = consumer ? null : businessCollectionCosts(invoices.map((i) => i.openCents));
  // BIK art. 2 lid 3: with the declared VAT uplift the staffel amount is raised by 21% (consumers).
  const vatIncluded = consumer && !ctx.legal.canDeductVat;
  const computedExclVat = business ? business.costsCents : collectionCosts(principal);
  const computed = vatIncluded ? withVatUplift(computedExclVat) : computedExclVat;
  let stated: number | null = null;
  let claimed: number;
  if (consumer) {
    stated = veertiendagenbrieven.reduce((s, v) => s + v.costs_stated_cents, 0);
    // Never more than the letters announced (the debtor was told that amount), never more than
    // the staffel gives on what is still open (payments after the term lower it), and over all
    // handovers never more than all the debtor's letters stated together (6:96 lid 7 BW).
    const room = input.costsStatedTotalCents === undefined ? stated : Math.max(0, input.costsStatedTotalCents - (input.costsClaimedBeforeCents ?? 0));
    claimed = Math.min(stated, computed, room);
  } else {
    claimed = computed;
  }
  const collection: CollectionCostsJson = {
    basis: business ? businessBasis(principal, business.lateInvoices, business.basis) : BIK_BASIS_CONSUMER,
    principal_cents: principal, principal: money(principal),
    computed_cents: computed, computed: money(computed),
    stated_cents: stated, stated: moneyOrNull(stated),
    claimed_cents: claimed, claimed: money(claimed),
    late_invoices: business ? business.lateInvoices : null,
    minimum_per_invoice_cents: business ? BUSINESS_MINIMUM_PER_INVOICE_CENTS : null,
    vat_included: vatIncluded,
    claimed_excl_vat_cents: vatIncluded ? Math.min(claimed, computedExclVat) : claimed,
    claimed_excl_vat: money(vatIncluded ? Math.min(claimed, computedExclVat) : claimed),
  };

  const open = invoices.reduce((s, i) => s + i.openCents, 0);
  const interestTotal = claims.reduce((s, c) => s + (c.interest?.interest_cents ?? 0), 0);
  const result: CaseJson = {
    case_reference: `${ctx.batch}-${debtor.number}`,
    debtor: {
      number: debtor.number,
      type: debtor.type,
      name: debtor.name,
      contact_person: debtor.contactPerson,
      address: { street: debtor.street, postcode: debtor.postcode, city: debtor.city, country: debtor.country },
      email: debtor.email,
      phone: debtor.phone,
      language: debtor.language,
      kvk: debtor.kvk,
      vat_number: debtor.vatNumber,
    },
    claims,
    payments,
    letters,
    veertiendagenbrieven,
    collection_costs: collection,
    totals: totalsJson(open, claimed, interestTotal),
    warnings: [...warnings].sort(),
  };
  if (input.arrangements && input.arrangements.length > 0) {
    result.arrangements = input.arrangements.map((a) => ({
      id: a.id, status: a.status, agreed_on: a.agreedOn, broken_on: a.brokenOn, closed_on: a.closedOn, close_reason: a.closeReason, invoice_numbers: a.invoices,
      total_cents: a.totalCents, total: money(a.totalCents), paid_cents: a.paidCents, paid: money(a.paidCents),
      schedule: a.schedule.map((s) => ({ number: s.number, due_date: s.dueDate, amount_cents: s.amountCents, amount: money(s.amountCents), paid_cents: s.paidCents, paid: money(s.paidCents) })),
    }));
  }
  if (ctx.includeNotes) {
    result.notes = [...input.notes]
      .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
      .map((n) => ({ date: n.date, kind: n.kind, invoice_number: n.invoiceNumber, reason: n.reason, until: n.until, released_on: n.releasedOn }));
  }
  return result;
}

/**
 * The cases one at a time, in debtor-number order, so a caller can write each and let it go (ten
 * thousand cases never need to be in memory together). `files` collects the PDFs the ZIP carries;
 * `usedDirs` the letter folders taken, when a batch is built in several calls.
 */
export function* buildCases(input: HandoverInput, files: LetterFile[], usedDirs = new Set<string>()): Generator<CaseJson> {
  const cases = [...input.cases].sort(byDebtorNumber);
  for (const c of cases) {
    // Two debtor numbers can sanitise alike (`A/1`, `A_1`): the later one gets a suffix.
    const base = sanitisePathSegment(c.debtor.number);
    let dir = base;
    for (let n = 2; usedDirs.has(dir); n++) dir = `${base}~${n}`;
    usedDirs.add(dir);
    yield buildCase(c, input, dir, files);
  }
}

/** The order of the cases: by debtor number, as JavaScript compares strings. */
export function byDebtorNumber(a: { debtor: { number: string } }, b: { debtor: { number: string } }): number {
  return a.debtor.number < b.debtor.number ? -1 : a.debtor.number > b.debtor.number ? 1 : 0;
}

/** The sums over the cases that the document's head states. */
export interface HandoverTotals {
  cases: number;
  claims: number;
  openCents: number;
  costsCents: number;
  interestCents: number;
}

export function addToTotals(totals: HandoverTotals, kase: CaseJson): void {
  totals.cases++;
  totals.claims += kase.claims.length;
  totals.openCents += kase.totals.open_cents;
  totals.costsCents += kase.totals.collection_costs_cents;
  totals.interestCents += kase.totals.interest_cents;
}

/** The document without its cases: everything before `"cases"` in handover.json. */
export function handoverHead(input: HandoverInput, totals: HandoverTotals): Omit<HandoverDocument, 'cases'> {
  const c = input.creditor;
  return {
    schema_version: HANDOVER_SCHEMA_VERSION,
    generated_by: input.generatedBy,
    export_date: input.exportDate,
    batch: input.batch,
    currency: 'EUR',
    include_notes: input.includeNotes,
    creditor: {
      name: c.name,
      address: { street: c.address.street, postcode: c.address.postcode, city: c.address.city, country: c.address.country },
      kvk: c.kvk,
      vat_number: c.vatNumber,
      iban: c.iban,
      bic: c.bic,
      contact: { person: c.contactPerson, email: c.email, phone: c.phone },
    },
    totals: { cases: totals.cases, claims: totals.claims, ...totalsJson(totals.openCents, totals.costsCents, totals.interestCents) },
  };
}

/** The whole handover document: one case per debtor, in debtor-number order. */
export function buildHandover(input: HandoverInput): BuiltHandover {
  const files: LetterFile[] = [];
  const totals: HandoverTotals = { cases: 0, claims: 0, openCents: 0, costsCents: 0, interestCents: 0 };
  const cases = [...buildCases(input, files)];
  for (const kase of cases) addToTotals(totals, kase);
  return { document: { ...handoverHead(input, totals), cases }, letterFiles: files };
}
