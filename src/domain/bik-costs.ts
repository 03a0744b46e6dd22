// Buitengerechtelijke incassokosten (extrajudicial collection costs). Art. 6:96 lid 2(c) BW makes
// reasonable collection costs recoverable damages; lid 5 delegates the amount to the Besluit
// vergoeding voor buitengerechtelijke incassokosten (BIK). Towards consumers the BIK amount is
// mandatory and covers all extrajudicial work, so it is the only fee the tool may ever compute.
//
// Not computed here (VERIFY, legal-nl.md §8): the cap on stacked costs for small recurring claims
// that the Bki added to the BIK from 1 October 2024; its text was not available. stacking.ts warns
// when a consumer gets a second veertiendagenbrief within six months, so a human checks the costs.
import { roundHalfUpDiv } from './money.js';

export interface BikSlice {
  /** Upper bound of the slice in cents of principal; null for the open-ended top slice. */
  upToCents: number | null;
  /** Rate on this slice in basis points (1500 = 15%). */
  basisPoints: number;
}

export interface BikScale {
  source: string;
  slices: readonly BikSlice[];
  minimumCents: number;
  maximumCents: number;
  /** VAT percentage of art. 9(1) Wet OB 1968, used only for the art. 2(3) uplift. */
  vatPercent: number;
  vatSource: string;
}

/**
 * The staffel of BIK art. 2(1), the minimum of art. 2(2) and the maximum of art. 2(1), as data.
 * The maximum is reached at a principal of exactly EUR 1,000,000.
 */
export const BIK_SCALE: BikScale = Object.freeze({
  source:
    'Besluit vergoeding voor buitengerechtelijke incassokosten, Stb. 2012, 141 (BWBR0031432), art. 2; in force 1 July 2012',
  slices: Object.freeze([
    { upToCents: 2_500_00, basisPoints: 1500 },
    { upToCents: 5_000_00, basisPoints: 1000 },
    { upToCents: 10_000_00, basisPoints: 500 },
    { upToCents: 200_000_00, basisPoints: 100 },
    { upToCents: null, basisPoints: 50 },
  ]),
  minimumCents: 40_00,
  maximumCents: 6_775_00,
  vatPercent: 21,
  vatSource: 'BIK art. 2(3) with art. 9(1) Wet op de omzetbelasting 1968',
});

export interface CollectionCostOptions {
  /**
   * BIK art. 2(3): add VAT only when the creditor hires a VAT-charged collection service, cannot
   * deduct that VAT, and declares both facts in the letter. Never for a creditor's own letters.
   */
  vat?: boolean;
}

function assertCents(value: number, what: string): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be whole cents, got ${value}`);
}

/**
 * The BIK fee on a principal (hoofdsom, without interest). The staffel is applied exactly, then
 * rounded half up to the cent (the BIK does not say how to round; courts round to cents), then the
 * minimum and maximum are applied. A principal of zero or less owes nothing.
 */
export function collectionCosts(principalCents: number, options?: CollectionCostOptions): number {
  assertCents(principalCents, 'principal');
  if (principalCents <= 0) return 0;
  const principal = BigInt(principalCents);
  // Sum of slice x basis points, in units of 1/10,000 cent: exact, no float.
  let numerator = 0n;
  let lower = 0n;
  for (const slice of BIK_SCALE.slices) {
    const upper = slice.upToCents === null ? principal : BigInt(slice.upToCents);
    const top = principal < upper ? principal : upper;
    if (top > lower) numerator += (top - lower) * BigInt(slice.basisPoints);
    if (principal <= upper) break;
    lower = upper;
  }
  const fee = Math.min(
    BIK_SCALE.maximumCents,
    Math.max(BIK_SCALE.minimumCents, roundHalfUpDiv(numerator, 10_000n)),
  );
  return options?.vat ? withVatUplift(fee) : fee;
}

/**
 * BIK art. 2(3): a fee raised by the VAT percentage. The uplift is applied to the rounded fee and
 * rounded again (legal-nl.md §1 convention).
 */
export function withVatUplift(feeCents: number): number {
  assertCents(feeCents, 'fee');
  return roundHalfUpDiv(BigInt(feeCents) * BigInt(100 + BIK_SCALE.vatPercent), 100n);
}

/**
 * Several invoices of the same creditor demanded in one letter: the principals are added before
 * the staffel is applied (art. 6:96 lid 7 BW), so three small invoices do not each carry EUR 40.
 * Non-positive principals (credit notes) are netted into the sum.
 */
export function collectionCostsForInvoices(principals: number[], options?: CollectionCostOptions): number {
  let total = 0;
  for (const p of principals) {
    assertCents(p, 'principal');
    total += p;
  }
  return collectionCosts(total, options);
}

/**
 * Costs after a partial payment inside the 14-day term: they are computed on the part not paid in
 * time (HR 25-11-2016, ECLI:NL:HR:2016:2704). Paid in full (or more) within the term: no costs.
 */
export function costsAfterPartialPayment(
  principalCents: number,
  paidWithinTermCents: number,
  options?: CollectionCostOptions,
): number {
  assertCents(principalCents, 'principal');
  assertCents(paidWithinTermCents, 'payment');
  if (paidWithinTermCents < 0) throw new RangeError(`payment must not be negative, got ${paidWithinTermCents}`);
  const unpaid = principalCents - paidWithinTermCents;
  return unpaid <= 0 ? 0 : collectionCosts(unpaid, options);
}

/** The fixed minimum compensation per late-paid commercial invoice (art. 6:96 lid 4 BW). */
export const BUSINESS_MINIMUM_PER_INVOICE_CENTS = 40_00;

/**
 * Collection costs towards a business (handelsovereenkomst): the higher of the BIK staffel over
 * the summed principal and EUR 40 for each late-paid invoice (art. 6:96 lid 4 BW, Directive
 * 2011/7/EU art. 6; CJEU 20 October 2022, C-585/20: the EUR 40 is due per commercial transaction,
 * also when several invoices are claimed together). A negative principal (a credit note) lowers
 * the sum; only positive principals count as late invoices.
 */
export function businessCollectionCosts(principals: number[], options?: CollectionCostOptions): { costsCents: number; basis: 'bik' | 'per_invoice'; lateInvoices: number } {
  let total = 0;
  let late = 0;
  for (const p of principals) {
    assertCents(p, 'principal');
    total += p;
    if (p > 0) late++;
  }
  const bik = collectionCosts(total, options);
  const perInvoice = late * BUSINESS_MINIMUM_PER_INVOICE_CENTS;
  return perInvoice > bik ? { costsCents: perInvoice, basis: 'per_invoice', lateInvoices: late } : { costsCents: bik, basis: 'bik', lateInvoices: late };
}
