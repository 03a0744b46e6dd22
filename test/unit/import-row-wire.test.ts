// The rows on their way to the import's writer thread (issue 16): every field arrives as it was
// sent, null stays null, an absent optional field stays absent, and the rows of a batch keep
// their order.
import { describe, expect, it } from 'vitest';
import { WIRE_STRIDE, decodeRows, encodeRow } from '../../src/workflows/import-row-wire.js';
import type { InvoiceRow } from '../../src/domain/invoice-row.js';

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
  debtor: { ...full.debtor, type: 'consumer', typeKnown: false, contactPerson: null, email: null, phone: null, street: null, postcode: null, city: null, kvk: null, vatNumber: null },
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
    ['a batch of several, in order', [full, bare, nulls, full]],
  ])('%s: decoded as encoded', (_name, rows) => {
    const values: unknown[] = [];
    for (const row of rows) encodeRow(row, values);
    expect(values.length).toBe(rows.length * WIRE_STRIDE);
    // Through a real structured clone, as postMessage sends it.
    const decoded = [...decodeRows(structuredClone({ file: rows[0]!.file, values }))];
    expect(decoded).toStrictEqual(rows);
    for (const [i, row] of decoded.entries()) expect(Object.keys(row).sort()).toEqual(Object.keys(rows[i]!).sort());
  });
});
