import { describe, it, expect } from 'vitest';
import {
  betalingskenmerk16,
  betalingskenmerkCheckDigit,
  betalingskenmerkWithLength,
  formatReference,
  isValidBetalingskenmerk,
  isValidRfReference,
  letterReference,
  rfReference,
} from '../../src/domain/payment-reference.js';

describe('betalingskenmerk (Betaalvereniging specification, legal-nl.md §9)', () => {
  it.each([
    ['000056789012345', '5000056789012345', 'the spec example (weighted sum 215)'],
    ['1', '9000000000000001', 'reference 1, padded to 15 digits'],
    ['000000000000001', '9000000000000001', 'reference 1 already padded'],
    ['2024000123', '8000002024000123', 'reference 2024000123'],
    ['0000 5678 9012 345', '5000056789012345', 'base typed with spaces'],
  ])('16-digit form of %s is %s (%s)', (base, expected) => {
    expect(betalingskenmerk16(base)).toBe(expected);
    expect(isValidBetalingskenmerk(expected)).toBe(true);
  });

  it.each([
    ['1234567', '271234567', 'seven digits → 9-digit form 27 1234567'],
    ['2024000123', '802024000123', 'ten digits → 12-digit form 80 2024000123'],
    ['234534622567', '12234534622567', 'the spec example 12 2345 3462 2567 (C=1, L=2)'],
  ])('9-14 digit form of %s is %s (%s)', (digits, expected) => {
    expect(betalingskenmerkWithLength(digits)).toBe(expected);
    expect(isValidBetalingskenmerk(expected)).toBe(true);
  });

  it('weighted sum 215 of the spec example gives check digit 5', () => {
    expect(betalingskenmerkCheckDigit('000056789012345')).toBe(5);
  });

  it.each([
    ['5000056789012345', true, '16 digits, spec example'],
    ['5000 0567 8901 2345', true, '16 digits in groups of four'],
    ['5000056789012346', false, 'last digit changed'],
    ['4000056789012345', false, 'check digit changed'],
    ['12 2345 3462 2567', true, '14 digits, spec example'],
    ['11 2345 3462 2567', false, '14 digits, wrong check digit'],
    ['13 2345 3462 2567', false, '14 digits, length digit 3 does not match 12 digits'],
    ['271234567', true, '9 digits'],
    ['1234567', true, '7 digits carry no check digit'],
    ['12345678', false, '8 digits is no form'],
    ['500005678901234', false, '15 digits is no form'],
    ['50000567890123456', false, '17 digits'],
    ['RF18539007547034', false, 'an RF reference is not a betalingskenmerk'],
    ['', false, 'empty'],
  ])('%s valid: %s (%s)', (text, valid) => {
    expect(isValidBetalingskenmerk(text)).toBe(valid);
  });

  it.each([
    ['an empty base', ''],
    ['16 digits', '1234567890123456'],
    ['letters', '12345ABC'],
  ])('the 16-digit form refuses %s', (_name, text) => {
    expect(() => betalingskenmerk16(text)).toThrow(RangeError);
  });

  it.each([
    ['six digits', '123456'],
    ['thirteen digits', '1234567890123'],
    ['letters', '12345ABC'],
  ])('the 9-14 digit form refuses %s', (_name, text) => {
    expect(() => betalingskenmerkWithLength(text)).toThrow(RangeError);
  });
});

describe('ISO 11649 RF creditor reference', () => {
  it.each([
    ['RF18 5390 0754 7034', true, 'python-stdnum example'],
    ['RF18539007547034', true, 'without spaces'],
    ['rf18 5390 0754 7034', true, 'lower case'],
    ['RF17 5390 0754 7034', false, 'wrong check digits'],
    ['RF96 2025 0001 23', true, 'our reference 2025000123'],
    ['RF18', false, 'no base'],
    ['RF18 5390 0754 7034 1234 5678 90', false, '22 characters of base'],
    ['XX18539007547034', false, 'not RF'],
    ['RF1X539007547034', false, 'letter in the check digits'],
  ])('%s valid: %s (%s)', (text, valid) => {
    expect(isValidRfReference(text)).toBe(valid);
  });

  it('check digits 00, 01 and 99 never validate, even where they alias mod 97', () => {
    // 99 ≡ 2 (mod 97): find a base whose real check digits are 02 and try 99 instead.
    for (let n = 0; n < 5000; n++) {
      const ref = rfReference(String(n));
      if (ref.startsWith('RF02')) {
        expect(isValidRfReference(`RF99${ref.slice(4)}`)).toBe(false);
        return;
      }
    }
    throw new Error('no base with check digits 02 found');
  });

  it.each([
    ['2025000123', 'RF962025000123'],
    ['539007547034', 'RF18539007547034'],
    ['5390 0754 7034', 'RF18539007547034'],
    ['abc', 'RF45ABC'],
  ])('reference %s becomes %s', (base, expected) => {
    expect(rfReference(base)).toBe(expected);
    expect(isValidRfReference(expected)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['22 characters', '1234567890123456789012'],
    ['a dash', 'INV-2025'],
  ])('refuses a base that is %s', (_name, base) => {
    expect(() => rfReference(base)).toThrow(RangeError);
  });
});

describe('formatReference', () => {
  it.each([
    ['RF962025000123', 'RF96 2025 0001 23'],
    ['rf18539007547034', 'RF18 5390 0754 7034'],
    ['5000056789012345', '5000 0567 8901 2345'],
    ['RF18 5390 0754 7034', 'RF18 5390 0754 7034'],
    ['271234567', '2712 3456 7'],
  ])('%s prints as %s', (text, printed) => {
    expect(formatReference(text)).toBe(printed);
  });
});

describe('letterReference', () => {
  it.each([
    ['D-000123', 42, 'RF34', 'D000123X42'],
    ['deb 77', 5, 'RF', 'DEB77X5'],
    ['---', 9, 'RF', '9'],
  ])('debtor %s, letter %i: %s…%s', (debtor, id, prefix, base) => {
    const ref = letterReference(debtor, id);
    expect(ref.startsWith(prefix)).toBe(true);
    expect(ref.slice(4)).toBe(base);
    expect(isValidRfReference(ref)).toBe(true);
  });

  it('keeps debtor 12 / letter 34 apart from debtor 123 / letter 4', () => {
    expect(letterReference('12', 34)).not.toBe(letterReference('123', 4));
  });

  it('truncates a long debtor number from the left to stay within 25 characters', () => {
    const ref = letterReference('CUSTOMER-2024-000000012345', 1234567);
    expect(ref.length).toBe(25);
    expect(ref.endsWith('000012345X1234567')).toBe(true);
    expect(isValidRfReference(ref)).toBe(true);
  });

  it('is deterministic', () => {
    expect(letterReference('A1', 7)).toBe(letterReference('a-1', 7));
  });

  it.each([[-1], [1.5], [Number.NaN]])('refuses letter id %s', (id) => {
    expect(() => letterReference('A1', id)).toThrow(RangeError);
  });
});
