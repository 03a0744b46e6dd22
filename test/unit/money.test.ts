import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decimalMarksOf,
  formatAmountNl,
  formatDotDecimal,
  formatEuro,
  formatEuroEn,
  parseAmount,
  parseAmountFast,
  parseAmountGeneral,
  parseDotDecimal,
} from '../../src/domain/money.js';

describe('parseAmount', () => {
  it.each([
    ['1.234,56', ',', 123456],
    ['1234,56', ',', 123456],
    ['€ 1.234,56', ',', 123456],
    ['€\u00a01.234,56', ',', 123456],
    ['-12,50', ',', -1250],
    ['12,50-', ',', -1250],
    ['(12,50)', ',', -1250],
    ['75,', ',', 7500],
    ['0,3', ',', 30],
    ['2500', ',', 250000],
    ['1234.56', '.', 123456],
    ['1,234.56', '.', 123456],
    ['+1,00', ',', 100],
    ['1.234.567,89', ',', 123456789],
    ['12,500', ',', 1250],
  ] as const)('%s with decimal mark %s is %i cents', (text, mark, cents) => {
    expect(parseAmount(text, mark)).toEqual({ ok: true, cents });
  });

  it.each([
    ['', ','],
    ['abc', ','],
    ['12,345', ','],
    ['1.23,45', ','],
    ['12.34', ','],
    ['1,2,3', '.'],
    // Over the limit of 99.999.999.999,99 in every notation (the plain one slipped through once).
    ['999999999999,00', ','],
    ['€ 999999999999,00', ','],
  ] as const)('%j is refused with decimal mark %s', (text, mark) => {
    expect(parseAmount(text, mark).ok).toBe(false);
  });
});

describe('the fast path of parseAmount', () => {
  it('parseAmountFast agrees with the general parser wherever it answers', () => {
    const text = fc.string({ unit: fc.constantFrom('0', '1', '2', '5', '9', '.', ',', '-', ' ', '€', '+', '(', ')'), maxLength: 16 });
    fc.assert(
      fc.property(text, fc.constantFrom<',' | '.'>(',', '.'), (t, mark) => {
        const fast = parseAmountFast(t, mark);
        if (Number.isNaN(fast)) return;
        expect(parseAmountGeneral(t, mark)).toEqual({ ok: true, cents: fast });
      }),
      { numRuns: 20_000 },
    );
  });

  it('parseAmount gives what the general parser gives, for every input', () => {
    const text = fc.oneof(
      fc.string({ unit: fc.constantFrom('0', '1', '2', '5', '9', '.', ',', '-', ' ', '€', '+', '(', ')'), maxLength: 18 }),
      fc.tuple(fc.boolean(), fc.nat({ max: 99_999_999_999 }), fc.nat({ max: 99 })).map(([neg, e, c]) => `${neg ? '-' : ''}${e},${String(c).padStart(2, '0')}`),
    );
    fc.assert(
      fc.property(text, fc.constantFrom<',' | '.'>(',', '.'), (t, mark) => {
        expect(parseAmount(t, mark)).toEqual(parseAmountGeneral(t, mark));
      }),
      { numRuns: 20_000 },
    );
  });

  it.each<[string, ',' | '.', number]>([
    ['1234,56', ',', 123456],
    ['1.234.567,89', ',', 123456789],
    ['-0,00', ',', 0],
    ['99999999999,99', ',', 9999999999999],
    ['1,234,567.8', '.', 123456780],
    ['007', '.', 700],
  ])('parseAmountFast(%j, %j) = %i', (t, mark, cents) => {
    expect(parseAmountFast(t, mark)).toBe(cents);
  });

  it.each(['€ 1,00', '12,50-', '75,', '1,234', '1234.5678', '999999999999,00', '1.23.456', '', '-'])('parseAmountFast(%j) leaves it to the general parser', (t) => {
    expect(parseAmountFast(t, ',')).toBeNaN();
  });
});

describe('decimalMarksOf decides the notation', () => {
  it.each([
    ['1.234,56', [',']],
    ['1,234.56', ['.']],
    ['1234,56', [',']],
    ['1234.56', ['.']],
    ['1.234', [',', '.']],
    ['1,234', [',', '.']],
    ['1.234.567', [',']],
    ['100', [',', '.']],
    ['0.234', ['.']],
  ] as const)('%s fits %j', (text, marks) => {
    expect(decimalMarksOf(text)).toEqual(marks);
  });
});

describe('formatting', () => {
  it.each([
    [123456, '€ 1.234,56', '€ 1,234.56', '1234.56'],
    [-1250, '€ -12,50', '€ -12.50', '-12.50'],
    [5, '€ 0,05', '€ 0.05', '0.05'],
    [100000000, '€ 1.000.000,00', '€ 1,000,000.00', '1000000.00'],
  ])('%i cents', (cents, nl, en, dot) => {
    expect(formatEuro(cents)).toBe(nl);
    expect(formatEuroEn(cents)).toBe(en);
    expect(formatDotDecimal(cents)).toBe(dot);
    expect(formatAmountNl(cents)).toBe(nl.slice(2));
  });

  it.each([
    ['18.150', 1815],
    ['12.50', 1250],
    ['3250', 325000],
    ['0.005', 1],
    ['-7.99', -799],
  ])('bank decimal %s is %i cents (half up beyond the cent)', (text, cents) => {
    expect(parseDotDecimal(text)).toEqual({ ok: true, cents });
  });
});
