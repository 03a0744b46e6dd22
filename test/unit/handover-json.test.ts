// handover.json written case by case is exactly the document as one JSON.stringify writes it.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { caseJsonText, handoverJsonBytes, handoverJsonChunks } from '../../src/handover/json.js';
import type { CaseJson, HandoverDocument } from '../../src/handover/case-types.js';

const head = {
  schema_version: 1, generated_by: 'pre-incasso test', export_date: '2026-11-10', batch: 3, currency: 'EUR', include_notes: false,
  creditor: { name: 'Bakkerij "De Korenschoof"\nB.V.', address: { street: null, postcode: null, city: null, country: 'NL' }, kvk: null, vat_number: null, iban: 'NL91ABNA0417164300', bic: null, contact: { person: null, email: null, phone: null } },
  totals: { cases: 0, claims: 0, open_cents: 0, open: '0.00', collection_costs_cents: 0, collection_costs: '0.00', interest_cents: 0, interest: '0.00', total_cents: 0, total: '0.00' },
} as const;
const kase = (n: string, name: string): CaseJson => ({ case_reference: `3-${n}`, debtor: { number: n, name, address: { street: 'Ł\u0000x' }, list: [], nested: [{ a: [1, { b: null }] }] } } as unknown as CaseJson);

describe('handoverJsonChunks', () => {
  it.each([
    ['no cases', []],
    ['one case', [kase('10001', 'J. Jansen')]],
    ['three cases, escapes, empty arrays and nesting', [kase('10001', 'a\nb "c" \\ d'), kase('10002', '€ ünï'), kase('A/1', '\u2028')]],
  ])('%s: the pieces joined equal JSON.stringify(document, null, 2) + newline', (_name, cases) => {
    const doc = { ...head, cases } as unknown as HandoverDocument;
    const expected = `${JSON.stringify(doc, null, 2)}\n`;
    expect([...handoverJsonChunks(doc)].join('')).toBe(expected);
    expect(handoverJsonBytes(doc).toString('utf8')).toBe(expected);
    expect([...handoverJsonChunks(doc)].length).toBe(cases.length + 1);
  });
});

describe('caseJsonText', () => {
  // The case as the document indents it: its own stringify with every line moved four spaces
  // right (what the code did before it cut the case out of a two-arrays-deep stringify).
  it('is the case stringified on its own and indented two levels, for any JSON value', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
        expect(caseJsonText(value as unknown as CaseJson)).toBe(JSON.stringify(value, null, 2).replaceAll('\n', '\n    '));
      }),
    );
  });
});
