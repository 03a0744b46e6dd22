import { describe, it, expect } from 'vitest';
import {
  BIK_SCALE,
  collectionCosts,
  collectionCostsForInvoices,
  costsAfterPartialPayment,
} from '../../src/domain/bik-costs.js';

// legal-nl.md §1, vectors 1-26: principal, fee, fee with the BIK art. 2(3) VAT uplift (euro text).
const VECTORS: [string, string, string][] = [
  ['0.01', '40.00', '48.40'],
  ['100.00', '40.00', '48.40'],
  ['266.66', '40.00', '48.40'],
  ['266.67', '40.00', '48.40'],
  ['266.70', '40.01', '48.41'],
  ['300.00', '45.00', '54.45'],
  ['333.33', '50.00', '60.50'],
  ['1000.00', '150.00', '181.50'],
  ['1234.57', '185.19', '224.08'],
  ['2499.99', '375.00', '453.75'],
  ['2500.00', '375.00', '453.75'],
  ['2500.01', '375.00', '453.75'],
  ['3000.00', '425.00', '514.25'],
  ['5000.00', '625.00', '756.25'],
  ['5000.01', '625.00', '756.25'],
  ['7500.00', '750.00', '907.50'],
  ['10000.00', '875.00', '1058.75'],
  ['12345.67', '898.46', '1087.14'],
  ['50000.00', '1275.00', '1542.75'],
  ['100000.00', '1775.00', '2147.75'],
  ['200000.00', '2775.00', '3357.75'],
  ['200000.01', '2775.00', '3357.75'],
  ['500000.00', '4275.00', '5172.75'],
  ['999999.99', '6775.00', '8197.75'],
  ['1000000.00', '6775.00', '8197.75'],
  ['2000000.00', '6775.00', '8197.75'],
];

/** '1234.57' → 123457, without floats. */
const cents = (euros: string): number => {
  const [whole, frac = ''] = euros.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
};

describe('BIK staffel (art. 2 BIK, Stb. 2012, 141)', () => {
  it.each(VECTORS)('principal %s costs %s', (principal, fee) => {
    expect(collectionCosts(cents(principal))).toBe(cents(fee));
    expect(collectionCosts(cents(principal), { vat: false })).toBe(cents(fee));
  });

  it.each(VECTORS)('principal %s costs %s, or %s with the art. 2(3) VAT uplift', (principal, _fee, withVat) => {
    expect(collectionCosts(cents(principal), { vat: true })).toBe(cents(withVat));
  });

  it.each([
    ['zero principal', 0],
    ['a negative principal (credit)', -5000],
  ])('%s costs nothing', (_name, principal) => {
    expect(collectionCosts(principal)).toBe(0);
    expect(collectionCosts(principal, { vat: true })).toBe(0);
  });

  it.each([
    ['a fraction of a cent', 100.5],
    ['NaN', Number.NaN],
    ['infinity', Number.POSITIVE_INFINITY],
  ])('refuses %s as principal', (_name, principal) => {
    expect(() => collectionCosts(principal)).toThrow(RangeError);
  });

  it('exports the scale with its legal source', () => {
    expect(BIK_SCALE.source).toContain('Stb. 2012, 141');
    expect(BIK_SCALE.slices.map((s) => s.basisPoints)).toEqual([1500, 1000, 500, 100, 50]);
    expect(BIK_SCALE.minimumCents).toBe(4000);
    expect(BIK_SCALE.maximumCents).toBe(677500);
  });
});

describe('BIK scenarios (legal-nl.md §1)', () => {
  it.each([
    ['three consumer invoices 100 + 150 + 200 in one letter cost 67.50, not 3 x 40', [10000, 15000, 20000], 6750],
    ['one invoice of 100.00 alone costs the 40.00 minimum', [10000], 4000],
    ['a credit note is netted: 500 - 200 costs 45.00', [50000, -20000], 4500],
    ['no invoices cost nothing', [], 0],
  ])('%s (6:96 lid 7 BW)', (_name, principals, expected) => {
    expect(collectionCostsForInvoices(principals)).toBe(expected);
  });

  it('three invoices with the VAT uplift are uplifted once on the summed fee (67.50 → 81.68)', () => {
    expect(collectionCostsForInvoices([10000, 15000, 20000], { vat: true })).toBe(8168);
  });

  it.each([
    ['principal 1,000, 600 paid inside the term: costs on 400 = 60.00, not 150', 100000, 60000, 6000],
    ['consumer paid in full within the term: costs 0.00', 100000, 100000, 0],
    ['paid more than the principal within the term: costs 0.00', 100000, 120000, 0],
    ['nothing paid within the term: costs on the whole principal', 100000, 0, 15000],
    ['990 of 1,000 paid: the 40.00 minimum still applies to the 10 left', 100000, 99000, 4000],
  ])('%s (HR 2016:2704)', (_name, principal, paid, expected) => {
    expect(costsAfterPartialPayment(principal, paid)).toBe(expected);
  });

  it('principal 2,400 with 48.00 interest capitalised after a year: costs may be recomputed on 2,448 = 367.20 (was 360.00)', () => {
    expect(collectionCosts(240000)).toBe(36000);
    expect(collectionCosts(240000 + 4800)).toBe(36720);
  });

  it('refuses a negative payment within the term', () => {
    expect(() => costsAfterPartialPayment(100000, -1)).toThrow(RangeError);
  });
});
