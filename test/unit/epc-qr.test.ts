import { describe, it, expect } from 'vitest';
import { buildEpcPayload, epcReferenceFields, EPC_LIMITS, type EpcInput } from '../../src/domain/epc-qr.js';

const IBAN = 'NL91ABNA0417164300';
const base: EpcInput = { name: 'Bakkerij De Korrel B.V.', iban: IBAN, amountCents: 123456 };
const bytes = (s: string): number => new TextEncoder().encode(s).length;

describe('EPC QR payload (EPC069-12, version 002, UTF-8, SCT)', () => {
  it('an RF reference goes into line 10 and the empty trailing lines are left off', () => {
    expect(buildEpcPayload({ ...base, reference: 'RF18 5390 0754 7034' })).toBe(
      ['BCD', '002', '1', 'SCT', '', 'Bakkerij De Korrel B.V.', IBAN, 'EUR1234.56', '', 'RF18539007547034'].join('\n'),
    );
  });

  it('a text goes into line 11 with line 10 left empty', () => {
    expect(buildEpcPayload({ ...base, text: 'Betalingskenmerk 5000056789012345' })).toBe(
      ['BCD', '002', '1', 'SCT', '', 'Bakkerij De Korrel B.V.', IBAN, 'EUR1234.56', '', '', 'Betalingskenmerk 5000056789012345'].join('\n'),
    );
  });

  it('all twelve lines with BIC (upper-cased), purpose, text and information', () => {
    const payload = buildEpcPayload({
      ...base,
      bic: 'abnanl2a',
      iban: 'nl91 abna 0417 1643 00',
      purpose: 'gdds',
      text: 'Factuur 2025-001',
      info: 'Dank u wel',
    });
    expect(payload.split('\n')).toEqual([
      'BCD', '002', '1', 'SCT', 'ABNANL2A', 'Bakkerij De Korrel B.V.', IBAN, 'EUR1234.56', 'GDDS', '', 'Factuur 2025-001', 'Dank u wel',
    ]);
  });

  it('without reference or text the payload ends with the amount line', () => {
    expect(buildEpcPayload(base).split('\n')).toHaveLength(8);
    expect(buildEpcPayload(base).endsWith('\nEUR1234.56')).toBe(true);
  });

  it.each([
    [1, 'EUR0.01', 'the smallest amount'],
    [100, 'EUR1.00', 'one euro'],
    [99_999_999_999, 'EUR999999999.99', 'the largest amount'],
  ])('%i cents is written %s (%s), dot decimal, no thousands separator', (amountCents, line) => {
    expect(buildEpcPayload({ ...base, amountCents }).split('\n')[7]).toBe(line);
  });

  it('names with non-ASCII letters are UTF-8 and counted in characters', () => {
    const name = 'é'.repeat(70);
    expect(buildEpcPayload({ ...base, name }).split('\n')[5]).toBe(name);
  });

  it('a payload of exactly 331 bytes is accepted, 332 is refused', () => {
    const full = (infoLength: number): EpcInput => ({
      bic: 'ABNANL2AXXX',
      name: 'N'.repeat(70),
      iban: IBAN,
      amountCents: 100,
      purpose: 'GDDS',
      text: 'T'.repeat(140),
      info: 'I'.repeat(infoLength),
    });
    expect(bytes(buildEpcPayload(full(60)))).toBe(EPC_LIMITS.maxBytes);
    expect(() => buildEpcPayload(full(61))).toThrow(/332 bytes/);
  });

  it.each([
    ['an empty name', { name: '  ' }, /name is required/],
    ['a name of 71 characters', { name: 'x'.repeat(71) }, /at most 70/],
    ['a name with a line break', { name: 'Acme\nB.V.' }, /one line/],
    ['an IBAN with a wrong check digit', { iban: 'NL92ABNA0417164300' }, /not a valid IBAN/],
    ['an amount of zero', { amountCents: 0 }, /0\.01 to 999999999\.99/],
    ['a negative amount', { amountCents: -100 }, /0\.01 to 999999999\.99/],
    ['an amount above 999,999,999.99', { amountCents: 100_000_000_000 }, /0\.01 to 999999999\.99/],
    ['an amount in fractions of a cent', { amountCents: 100.5 }, /whole cents/],
    ['both a reference and a text', { reference: 'RF18539007547034', text: 'Factuur 1' }, /not both/],
    ['a betalingskenmerk in the structured field', { reference: '5000056789012345' }, /ISO 11649/],
    ['an RF reference with a wrong check', { reference: 'RF17539007547034' }, /ISO 11649/],
    ['a text of 141 characters', { text: 'x'.repeat(141) }, /at most 140/],
    ['information of 71 characters', { info: 'x'.repeat(71) }, /at most 70/],
    ['a purpose code of 5 characters', { purpose: 'GOODS' }, /at most 4/],
    ['a purpose code with a dash', { purpose: 'GD-S' }, /4 letters or digits/],
    ['a BIC of 9 characters', { bic: 'ABNANL2AX' }, /BIC/],
    ['more than 331 bytes in multi-byte letters', { name: 'é'.repeat(70), text: 'é'.repeat(140) }, /bytes; at most 331/],
  ] as [string, Partial<EpcInput>, RegExp][])('refuses %s with a RangeError', (_name, change, message) => {
    expect(() => buildEpcPayload({ ...base, ...change })).toThrow(RangeError);
    expect(() => buildEpcPayload({ ...base, ...change })).toThrow(message);
  });

  it('a null or empty BIC, reference, text, purpose or information counts as absent', () => {
    expect(buildEpcPayload({ ...base, bic: null, reference: null, text: '', purpose: null, info: null })).toBe(buildEpcPayload(base));
  });
});

describe('epcReferenceFields: where a letter\'s reference goes in the QR code', () => {
  it.each([
    ['RF18 5390 0754 7034', { reference: 'RF18539007547034', text: null }, 'an RF reference is structured (line 10)'],
    ['rf96 2025 0001 23', { reference: 'RF962025000123', text: null }, 'lower case RF'],
    ['5000 0567 8901 2345', { reference: null, text: '5000056789012345' }, 'a betalingskenmerk goes as text, without spaces'],
    ['Factuur 2025-001', { reference: null, text: 'Factuur 2025-001' }, 'an invoice number goes as text'],
    ['RF17 5390 0754 7034', { reference: null, text: 'RF17 5390 0754 7034' }, 'an invalid RF reference is not structured'],
    ['', { reference: null, text: null }, 'nothing'],
  ] as [string, { reference: string | null; text: string | null }, string][])('%s → %j (%s)', (reference, expected) => {
    expect(epcReferenceFields(reference)).toEqual(expected);
    const lines = buildEpcPayload({ ...base, ...expected }).split('\n');
    expect([lines[9] ?? '', lines[10] ?? '']).toEqual([expected.reference ?? '', expected.text ?? '']);
  });

  it('null gives neither field', () => {
    expect(epcReferenceFields(null)).toEqual({ reference: null, text: null });
  });
});
