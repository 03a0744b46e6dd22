// The rows on their way to the import's writer thread (issue 16): every field arrives as it was
// sent, null stays null, an absent optional field stays absent, the rows of a batch keep their
// order, and a debtor's later rows are sent without its details (the ledger keeps those of the
// first row).
import { describe, expect, it } from 'vitest';
import { RowDecoder, RowEncoder, VALUES_FIRST_ROW, VALUES_LATER_ROW } from '../../src/workflows/import-row-wire.js';
import type { InvoiceRow } from '../../src/domain/invoice-row.js';
import { invoiceDigest } from '../../src/ledger/invoice-digest.js';

const full: InvoiceRow = {
  file: 'export.xlsx:Blad1',
  line: 150_000,
  invoiceNumber: '2026-0001',
  debtor: {
    number: 'D1', name: 'Bakkerij "De Korenschoof"; Zn', type: 'business', typeKnown: true, contactPerson: 'Ayşe Yılmaz', email: 'a@example.nl',
    phone: '+31 6 1234 5678', street: 'Dorpsstraat 1', postcode: '1234 AB', city: 'Utrecht', country: 'NL', language: 'en', kvk: '12345678', vatNumber: 'NL123456789B01',
  },
  issueDate: '2026-06-01',
  dueDate: '2026-07-01',
  dueDateDerived: true,
  amountCents: -12_345,
  openCents: 0,
  currency: 'EUR',
  reference: 'RF18 5390 0754 7034',
  termIsFatal: false,
  consumerClaim: 'services',
};
const bare: InvoiceRow = {
  ...full,
  line: 3,
  invoiceNumber: 'F\u00002',
  debtor: { ...full.debtor, number: 'name:klant zonder nummer', type: 'consumer', typeKnown: false, contactPerson: null, email: null, phone: null, street: null, postcode: null, city: null, kvk: null, vatNumber: null },
  issueDate: null,
  dueDateDerived: false,
  reference: null,
};
delete bare.termIsFatal;
delete bare.consumerClaim;
const nulls: InvoiceRow = { ...bare, invoiceNumber: 'F3', termIsFatal: null, consumerClaim: null };

describe('the wire to the writer thread', () => {
  it.each([
    ['every field set', [full]],
    ['empty optional fields and absent verzuim columns', [bare]],
    ['verzuim columns present but empty (null)', [nulls]],
    ['a batch of several, in order', [full, { ...nulls, invoiceNumber: 'F4', debtor: { ...full.debtor, number: 'D4' } }, { ...full, invoiceNumber: 'F5', debtor: { ...full.debtor, number: 'D5' } }, bare]],
  ])('%s: decoded as encoded', (_name, rows) => {
    const values: unknown[] = [];
    const encoder = new RowEncoder();
    for (const row of rows) encoder.encode(row, values);
    // Through a real structured clone, as postMessage sends it.
    const decoded = [...new RowDecoder().rows(structuredClone({ file: rows[0]!.file, values }))];
    // Each row with its digest, worked out by the sender.
    expect(decoded).toStrictEqual(rows.map((row) => ({ ...row, digest: invoiceDigest(row) })));
    for (const [i, row] of decoded.entries()) expect(Object.keys(row).sort()).toEqual([...Object.keys(rows[i]!), 'digest'].sort());
  });

  it('a debtor\'s details travel with its first row only, over batches; a later row carries the number, and reading a detail throws', () => {
    const encoder = new RowEncoder();
    const decoder = new RowDecoder();
    const second = { ...bare, invoiceNumber: 'F9', debtor: { ...full.debtor, street: 'Kerkstraat 9' } };
    const batch1: unknown[] = [];
    encoder.encode(full, batch1);
    expect(batch1.length).toBe(VALUES_FIRST_ROW);
    const batch2: unknown[] = [];
    encoder.encode(second, batch2);
    expect(batch2.length).toBe(VALUES_LATER_ROW);
    expect([...decoder.rows(structuredClone({ file: 'a.csv', values: batch1 }))][0]!.debtor).toStrictEqual(full.debtor);
    const [later] = [...decoder.rows(structuredClone({ file: 'a.csv', values: batch2 }))];
    const { debtor, ...rest } = later!;
    const { debtor: _d, ...expected } = { ...second, file: 'a.csv', digest: invoiceDigest(second) };
    expect(rest).toStrictEqual(expected);
    expect(debtor.number).toBe('D1');
    expect(() => debtor.street).toThrow(/the street of debtor D1 travels with the debtor's first row only/);
  });
});
