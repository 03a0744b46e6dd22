// Any bytes given to `import` end in rows or issues: never a crash, a hang or unbounded work
// (issue 11). The sniffer, the CSV reader and the e-invoice reader on arbitrary input.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { sniffBytes } from '../../src/importers/sniff.js';
import { InvoiceCsvReader } from '../../src/importers/invoice-csv.js';
import { readEInvoice } from '../../src/importers/einvoice.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inputs-fuzz-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const write = (bytes: Uint8Array): string => {
  const file = path.join(dir, `f${n++}`);
  fs.writeFileSync(file, bytes);
  return file;
};
const base = { paymentTermDays: 30, defaultDebtorType: 'consumer' as const, defaultLanguage: 'nl' as const };

/** Bytes that look a little like the real thing: fragments of CSV, XML and binary markers. */
const fragment = fc.oneof(
  fc.uint8Array({ maxLength: 40 }),
  fc.constantFrom('Factuurnummer;Naam;Vervaldatum;Bedrag\n', 'F1;Jan;08/01/2026;1.234\n', '"', ';', '\r\n', '\uFEFF', '%PDF-', 'PK\u0003\u0004', '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">', '<cbc:PayableAmount currencyID="EUR">1.005</cbc:PayableAmount>', '</Invoice>', '&#x0;', '<!DOCTYPE x [<!ENTITY a "aaaa">]>').map((s) => new TextEncoder().encode(s)),
);
const bytes = fc.array(fragment, { maxLength: 12 }).map((parts) => Uint8Array.from(parts.flatMap((p) => [...p])));

describe('arbitrary bytes give rows or issues, never a crash', () => {
  it('the sniffer classifies anything', () => {
    fc.assert(
      fc.property(bytes, (b) => {
        const kind = sniffBytes(b);
        expect(typeof kind.kind).toBe('string');
      }),
      { numRuns: 500 },
    );
  });

  it('the CSV reader returns a result with its issues', async () => {
    await fc.assert(
      fc.asyncProperty(bytes, async (b) => {
        const reader = new InvoiceCsvReader(write(b), base);
        let rows = 0;
        for await (const _ of reader.rows()) rows++;
        const result = reader.result!;
        expect(result.rows).toBe(rows);
        expect(result.rows + result.rejected).toBeLessThanOrEqual(result.records + 1);
      }),
      { numRuns: 150 },
    );
  });

  it('the e-invoice reader returns a row or issues', async () => {
    await fc.assert(
      fc.asyncProperty(bytes, fc.constantFrom<'ubl' | 'cii'>('ubl', 'cii'), async (b, kind) => {
        const { row, issues } = await readEInvoice(write(b), kind, { ...base, displayName: 'x.xml' });
        expect(row !== null || issues.some((i) => i.severity === 'error')).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
