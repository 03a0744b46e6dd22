// E-invoices (UBL and CII): the strict reading of issue 11 item 9 and the seller/buyer rules of
// issue 18 item 3, on the real samples and on variants of them made here.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { readEInvoice, type EInvoiceOptions } from '../../src/importers/einvoice.js';
import { readXmlText, MAX_XML_CHARS } from '../../src/importers/xml-text.js';
import { FIXTURES } from '../helpers/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inputs-einvoice-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const write = (content: string | Buffer): string => {
  const file = path.join(dir, `e${n++}.xml`);
  fs.writeFileSync(file, content);
  return file;
};
const UBL = fs.readFileSync(path.join(FIXTURES, 'ubl', 'SI-UBL-2.0_ok_minimal.xml'), 'utf8');
const CII = path.join(FIXTURES, 'ubl', 'NLCIUS-CII_ok_example.xml');

const base = { displayName: 'x.xml', paymentTermDays: 30, defaultDebtorType: 'consumer' as const, defaultLanguage: 'nl' as const };
/** The seller of SI-UBL-2.0_ok_minimal.xml: KvK is a placeholder, so the VAT number decides. */
const UBL_SELLER: EInvoiceOptions = { ...base, creditor: { name: 'SimplerInvoicing', kvk: '99999999', vatNumber: 'NL1111.11.111.B.01' } };
/** The seller of the CII sample. */
const CII_SELLER: EInvoiceOptions = { ...base, creditor: { name: 'Energieleverancier B.V.', kvk: '17131139', vatNumber: 'NL809561074B01' } };
const codes = (issues: { code: string; severity: string }[]): string[][] => issues.map((i) => [i.code, i.severity]);

describe('CII (NLCIUS-CII) next to UBL', () => {
  it('reads the NLCIUS-CII sample: the buyer is the debtor', async () => {
    const { row, issues } = await readEInvoice(CII, 'cii', CII_SELLER);
    expect(issues).toEqual([]);
    expect(row).toMatchObject({
      invoiceNumber: '1100512149',
      issueDate: '2014-11-10',
      dueDate: '2014-11-24',
      dueDateDerived: false,
      amountCents: 109978,
      openCents: 109978,
      reference: '1100512149',
      debtor: { number: '1081119', name: 'Klant', kvk: '13524678', type: 'business', postcode: '9999 XX', street: 'Bedrijfslaan 4', city: 'ONDERNEMERSTAD', country: 'NL' },
    });
  });

  it('a CII credit note (381) is negative', async () => {
    const file = write(fs.readFileSync(CII, 'utf8').replace('<ram:TypeCode>380</ram:TypeCode>', '<ram:TypeCode>381</ram:TypeCode>'));
    const { row } = await readEInvoice(file, 'cii', CII_SELLER);
    expect(row).toMatchObject({ amountCents: -109978, openCents: -109978 });
  });
});

describe('the seller must be the creditor, the buyer is the debtor', () => {
  it.each<[string, 'ubl' | 'cii', string | null, EInvoiceOptions, string[][]]>([
    ['UBL seller = creditor by VAT number', 'ubl', null, UBL_SELLER, []],
    ['CII seller = creditor by KvK', 'cii', null, CII_SELLER, []],
    [
      'CII purchase invoice: the creditor is the buyer',
      'cii',
      null,
      { ...base, creditor: { name: 'Klant', kvk: '13524678' } },
      [['purchase_invoice', 'error']],
    ],
    ['CII seller with another KvK', 'cii', null, { ...base, creditor: { name: 'Bakkerij', kvk: '12345678' } }, [['seller_not_creditor', 'error']]],
    [
      'UBL seller known by name only, another name: a warning',
      'ubl',
      UBL.replace('<cbc:CompanyID>NL1111.11.111.B.01</cbc:CompanyID>', ''),
      { ...base, creditor: { name: 'Bakkerij De Korenschoof B.V.', kvk: '12345678' } },
      [['seller_not_creditor', 'warning']],
    ],
  ])('%s', async (_name, kind, text, options, expected) => {
    const file = text === null ? (kind === 'cii' ? CII : write(UBL)) : write(text);
    const { row, issues } = await readEInvoice(file, kind, options);
    expect(codes(issues)).toEqual(expected);
    expect(row === null).toBe(expected.some(([, s]) => s === 'error'));
  });

  it('the purchase-invoice refusal is one clear sentence', async () => {
    const { issues } = await readEInvoice(CII, 'cii', { ...base, creditor: { name: 'Klant', kvk: '13524678' } });
    expect(issues[0]!.message).toBe('is a purchase invoice: the buyer is you (Klant) and the seller is "Energieleverancier B.V." (KvK 17131139, VAT NL809561074B01); only your own sales invoices can be collected');
  });
});

describe('UBL strictness (issue 11 item 9)', () => {
  it.each<[string, string | Buffer, string[][], Record<string, unknown> | null]>([
    [
      'an Invoice root in a foreign namespace is refused',
      UBL.replace('xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"', 'xmlns="urn:example:not-ubl"'),
      [['wrong_namespace', 'error']],
      null,
    ],
    ['a sub-cent payable amount is refused, not rounded', UBL.replace('>242.00</cbc:PayableAmount>', '>242.005</cbc:PayableAmount>'), [['bad_amount', 'error']], null],
    ['trailing zeros beyond the cent are fine', UBL.replace('>242.00</cbc:PayableAmount>', '>242.0000</cbc:PayableAmount>'), [], { openCents: 24200 }],
    ['a USD invoice is refused', UBL.replace('<cbc:DocumentCurrencyCode>EUR', '<cbc:DocumentCurrencyCode>USD'), [['currency_not_eur', 'error']], null],
    ['a USD total in an EUR document is refused', UBL.replace('<cbc:PayableAmount currencyID="EUR">', '<cbc:PayableAmount currencyID="USD">'), [['currency_not_eur', 'error']], null],
    ['numeric character references are decoded', UBL.replace('>Ontvanger<', '>Ontvang&#233;r &#x20AC;<'), [], { debtor: expect.objectContaining({ name: 'Ontvangér €' }) }],
    [
      'the declared ISO-8859-1 encoding is honoured',
      iconv.encode(UBL.replace('encoding="utf-8"', 'encoding="ISO-8859-1"').replace('>Ontvanger<', '>Ontvangér Zoë<'), 'latin1'),
      [],
      { debtor: expect.objectContaining({ name: 'Ontvangér Zoë' }) },
    ],
  ])('%s', async (_name, content, expected, row) => {
    const result = await readEInvoice(write(content), 'ubl', UBL_SELLER);
    expect(codes(result.issues)).toEqual(expected);
    if (row === null) expect(result.row).toBeNull();
    else expect(result.row).toMatchObject(row);
  });
});

describe('bounded memory: embedded attachments are skipped while streaming', () => {
  const attachment = (base64: string): string =>
    UBL.replace(
      '<cbc:DocumentCurrencyCode>',
      `<cac:AdditionalDocumentReference><cbc:ID>pdf</cbc:ID><cac:Attachment><cbc:EmbeddedDocumentBinaryObject mimeCode="application/pdf" filename="f.pdf">${base64}</cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference>\n    <cbc:DocumentCurrencyCode>`,
    );

  it('a 10 MB attachment never reaches the parser', async () => {
    const file = write(attachment(Buffer.alloc(7_600_000, 7).toString('base64')));
    expect(fs.statSync(file).size).toBeGreaterThan(10_000_000);
    const text = await readXmlText(file);
    expect(text.ok && text.attachmentsSkipped).toBe(1);
    expect(text.ok && text.text.length).toBeLessThan(UBL.length + 500);
    const { row, issues } = await readEInvoice(file, 'ubl', UBL_SELLER);
    expect(issues).toEqual([]);
    expect(row).toMatchObject({ invoiceNumber: '12115118', openCents: 24200 });
  });

  it('the same result when a chunk boundary cuts the start or end tag (1-byte to 64 KiB reads)', async () => {
    // The reader uses 64 KiB chunks; place the tags around that boundary.
    for (const pad of [65_500, 65_530, 65_536 - 20, 65_536 + 3]) {
      const file = write(attachment('A'.repeat(pad)));
      const { row } = await readEInvoice(file, 'ubl', UBL_SELLER);
      expect(row?.invoiceNumber, String(pad)).toBe('12115118');
    }
  });

  it('XML beyond the limit without attachments is refused with one line', async () => {
    const file = write(UBL.replace('<cbc:ID>12115118</cbc:ID>', `<cbc:Note>${'x'.repeat(MAX_XML_CHARS + 10)}</cbc:Note><cbc:ID>12115118</cbc:ID>`));
    const { row, issues } = await readEInvoice(file, 'ubl', UBL_SELLER);
    expect(row).toBeNull();
    expect(issues.map((i) => i.message)).toEqual(['the XML is larger than 4 MB without its embedded attachments']);
  });

  it('deep nesting and entity expansion are refused or bounded, never a crash', async () => {
    const deep = write(UBL.replace('<cbc:UBLVersionID>', `${'<x>'.repeat(100_000)}${'</x>'.repeat(100_000)}<cbc:UBLVersionID>`));
    expect((await readEInvoice(deep, 'ubl', UBL_SELLER)).issues.map((i) => i.message)).toEqual(['not well-formed XML (Maximum nested tags exceeded)']);
    const laughs = ['<!ENTITY l0 "lollollollol">', ...Array.from({ length: 8 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`)].join('');
    const bomb = write(UBL.replace('<Invoice ', `<!DOCTYPE Invoice [${laughs}]><Invoice `).replace('>Ontvanger<', '>&l8;<'));
    const { row, issues } = await readEInvoice(bomb, 'ubl', UBL_SELLER);
    expect(row === null ? issues.length : (row.debtor.name.length)).toBeLessThan(1_000_000);
  });

  it('an attachment that is never closed (cut-off file) is refused', async () => {
    const text = attachment('QUJD'.repeat(100));
    const file = write(text.slice(0, text.indexOf('</cbc:EmbeddedDocumentBinaryObject>')));
    const { row, issues } = await readEInvoice(file, 'ubl', UBL_SELLER);
    expect(row).toBeNull();
    expect(issues[0]!.message).toContain('cut off');
  });
});
