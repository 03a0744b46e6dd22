import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { collectionCosts } from '../../src/domain/bik-costs.js';
import { statutoryInterest } from '../../src/domain/interest.js';
import { addDays, addYears, fromDayNumber, toDayNumber } from '../../src/domain/dates.js';
import { RATES } from '../helpers/law.js';
import {
  betalingskenmerk16,
  betalingskenmerkWithLength,
  isValidBetalingskenmerk,
  isValidRfReference,
  formatReference,
  letterReference,
  rfReference,
} from '../../src/domain/payment-reference.js';
import { buildEpcPayload, EPC_LIMITS } from '../../src/domain/epc-qr.js';

const RUNS = { numRuns: 500 };

describe('BIK costs (BIK art. 2)', () => {
  const principal = fc.integer({ min: 1, max: 300_000_000 }); // up to EUR 3,000,000

  it('never decrease as the principal grows, with and without the VAT uplift', () => {
    fc.assert(
      fc.property(principal, principal, (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(collectionCosts(lo)).toBeLessThanOrEqual(collectionCosts(hi));
        expect(collectionCosts(lo, { vat: true })).toBeLessThanOrEqual(collectionCosts(hi, { vat: true }));
      }),
      RUNS,
    );
  });

  it('stay within EUR 40 and EUR 6,775 for any principal above zero', () => {
    fc.assert(
      fc.property(principal, (p) => {
        const fee = collectionCosts(p);
        expect(fee).toBeGreaterThanOrEqual(40_00);
        expect(fee).toBeLessThanOrEqual(6_775_00);
        expect(Number.isInteger(fee)).toBe(true);
      }),
      RUNS,
    );
  });

  it('one cent more principal adds at most one cent of costs (the steepest slice is 15%)', () => {
    fc.assert(
      fc.property(principal, (p) => {
        expect(collectionCosts(p + 1) - collectionCosts(p)).toBeLessThanOrEqual(1);
      }),
      RUNS,
    );
  });
});

describe('statutory interest (6:119, 6:119a BW)', () => {
  // Rounding design (interest.ts): each call rounds each interest year once, half up. Splitting a
  // stretch without an anniversary into two calls therefore rounds twice instead of once, which
  // can differ by at most 1 cent in total (|round(x) + round(y) - round(x + y)| <= 1).
  const firstDay = toDayNumber('2015-01-01');
  const lastDay = toDayNumber('2025-12-31');
  const scenario = fc.record({
    principalCents: fc.integer({ min: 0, max: 100_000_000 }),
    type: fc.constantFrom('consumer' as const, 'business' as const),
    dayCount: fc.constantFrom('act/365' as const, 'act/act' as const),
    due: fc.integer({ min: firstDay - 1, max: lastDay }).map(fromDayNumber),
    // Two offsets inside the first interest year: 0..364 days after the first interest day.
    cuts: fc.tuple(fc.integer({ min: 0, max: 364 }), fc.integer({ min: 0, max: 364 })),
  });

  it('over a stretch without an anniversary equals the sum over its two parts, within 1 cent', () => {
    fc.assert(
      fc.property(scenario, ({ principalCents, type, dayCount, due, cuts }) => {
        const start = addDays(due, 1);
        const [a, b] = cuts[0] <= cuts[1] ? cuts : [cuts[1], cuts[0]];
        const middle = addDays(start, a - 1); // last day of the first part (may be the due date)
        const until = addDays(start, b);
        if (until >= addYears(start, 1)) return; // an anniversary would fall inside
        const whole = statutoryInterest({ principalCents, type, dayCount, dueDate: due, until , rates: RATES }).interestCents;
        const first = statutoryInterest({ principalCents, type, dayCount, dueDate: due, until: middle , rates: RATES }).interestCents;
        const second = statutoryInterest({ principalCents, type, dayCount, dueDate: middle, until , rates: RATES }).interestCents;
        expect(Math.abs(first + second - whole)).toBeLessThanOrEqual(1);
      }),
      RUNS,
    );
  });

  it('never decreases as the end date moves later, and the periods add up to the total', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 900 }), ({ principalCents, type, dayCount, due }, extra) => {
        const until = addDays(due, 1 + extra);
        const now = statutoryInterest({ principalCents, type, dayCount, dueDate: due, until , rates: RATES });
        const later = statutoryInterest({ principalCents, type, dayCount, dueDate: due, until: addDays(until, 1) , rates: RATES });
        expect(later.interestCents).toBeGreaterThanOrEqual(now.interestCents);
        expect(now.periods.reduce((s, p) => s + p.interestCents, 0)).toBe(now.interestCents);
        expect(now.periods.reduce((s, p) => s + p.days, 0)).toBe(extra + 1);
      }),
      RUNS,
    );
  });
});

describe('payment references', () => {
  it('every generated 16-digit betalingskenmerk validates, and no other check digit does', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{1,15}$/), fc.integer({ min: 0, max: 9 }), (base, other) => {
        const ref = betalingskenmerk16(base);
        expect(ref).toMatch(/^[0-9]{16}$/);
        expect(isValidBetalingskenmerk(ref)).toBe(true);
        expect(isValidBetalingskenmerk(formatReference(ref))).toBe(true);
        if (String(other) !== ref[0]) expect(isValidBetalingskenmerk(`${other}${ref.slice(1)}`)).toBe(false);
      }),
      RUNS,
    );
  });

  it('every generated 9-14 digit betalingskenmerk validates', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{7,12}$/), (digits) => {
        const ref = betalingskenmerkWithLength(digits);
        expect(ref).toHaveLength(digits.length + 2);
        expect(isValidBetalingskenmerk(ref)).toBe(true);
      }),
      RUNS,
    );
  });

  it('every generated RF reference validates, also printed in groups of four', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9]{1,21}$/), (base) => {
        const ref = rfReference(base);
        expect(isValidRfReference(ref)).toBe(true);
        expect(isValidRfReference(formatReference(ref))).toBe(true);
        expect(ref.length).toBeLessThanOrEqual(25);
      }),
      RUNS,
    );
  });

  it('every letter reference is a valid RF reference of at most 25 characters', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (debtor, id) => {
        const ref = letterReference(debtor, id);
        expect(ref.length).toBeLessThanOrEqual(25);
        expect(ref).toMatch(/^RF[0-9]{2}[A-Z0-9]+$/);
        expect(ref.endsWith(String(id))).toBe(true);
        expect(isValidRfReference(ref)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('EPC QR payload', () => {
  const char = fc.constantFrom('a', 'Z', '0', ' ', '.', '&', 'é', 'ß', '€', 'ü', '字', '😀');
  const text = (max: number) => fc.array(char, { maxLength: max }).map((cs) => cs.join(''));
  const input = fc.record({
    name: text(69).map((s) => `N${s}`),
    amountCents: fc.integer({ min: EPC_LIMITS.minAmountCents, max: EPC_LIMITS.maxAmountCents }),
    bic: fc.constantFrom(null, 'ABNANL2A', 'INGBNL2AXXX'),
    iban: fc.constantFrom('NL91ABNA0417164300', 'NL86 INGB 0002 4455 88', 'DE89370400440532013000'),
    purpose: fc.constantFrom(null, 'GDDS', 'SUPP'),
    ref: fc.oneof(
      fc.stringMatching(/^[A-Z0-9]{1,21}$/).map((b) => ({ reference: rfReference(b), text: null })),
      text(140).map((t) => ({ reference: null, text: t })),
    ),
    info: fc.option(text(70), { nil: null }),
  });

  it('every built payload is within the EPC069-12 limits; only the 331-byte limit may refuse one', () => {
    fc.assert(
      fc.property(input, ({ ref, ...rest }) => {
        let payload: string;
        try {
          payload = buildEpcPayload({ ...rest, ...ref });
        } catch (error) {
          expect(error).toBeInstanceOf(RangeError);
          expect((error as Error).message).toMatch(/bytes; at most 331/);
          return;
        }
        const lines = payload.split('\n');
        expect(new TextEncoder().encode(payload).length).toBeLessThanOrEqual(331);
        expect(lines.slice(0, 4)).toEqual(['BCD', '002', '1', 'SCT']);
        expect(lines.length).toBeGreaterThanOrEqual(8);
        expect(lines.length).toBeLessThanOrEqual(12);
        expect([...lines[5]!].length).toBeLessThanOrEqual(70);
        expect(lines[6]!.length).toBeLessThanOrEqual(34);
        expect(lines[7]).toMatch(/^EUR[0-9]{1,9}\.[0-9]{2}$/);
        expect((lines[9] ?? '').length).toBeLessThanOrEqual(35);
        expect([...(lines[10] ?? '')].length).toBeLessThanOrEqual(140);
        expect([...(lines[11] ?? '')].length).toBeLessThanOrEqual(70);
        expect(lines[9] && lines[10]).toBeFalsy(); // never both a reference and a text
        expect(lines[lines.length - 1]).not.toBe('');
      }),
      RUNS,
    );
  });
});
