import { describe, expect, it } from 'vitest';
import { importRefusal, paymentsRefusal, sniffBytes } from '../../src/importers/sniff.js';

const b = (s: string): Uint8Array => Buffer.from(s, 'latin1');

describe('what a file is, from its first bytes', () => {
  it.each<[string, Uint8Array, string]>([
    ['Dutch CSV', b('Factuurnummer;Naam\nF1;Jan\n'), 'text'],
    ['CSV with a UTF-8 BOM', b('\xef\xbb\xbfFactuurnummer;Naam\n'), 'text'],
    ['UTF-16 LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a;b\n', 'utf16le')]), 'text'],
    ['PDF', b('%PDF-1.7\n'), 'refused'],
    ['xlsx', b('PK\x03\x04\x14\x00\x00\x00[Content_Types].xml....xl/workbook.xml'), 'xlsx'],
    ['ZIP', b('PK\x03\x04\x14\x00\x00\x00readme.txt'), 'refused'],
    ['UBL', b('<?xml version="1.0"?>\n<!-- c -->\n<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">'), 'ubl'],
    ['UBL with a prefix', b('<doc:CreditNote xmlns:doc="x">'), 'ubl'],
    ['CII', b('<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100">'), 'cii'],
    ['CAMT', b('<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'), 'camt'],
    ['MT940 with a SWIFT header', b('{1:F01INGBNL2AXXXX0000000000}{2:I940INGBNL2AXXXXN}{4:\r\n:20:P140220000000001\r\n'), 'mt940'],
    ['MT940 without header', b(':20:940S130403\r\n:25:NL69INGB0123456789EUR\r\n:28C:0\r\n:60F:C130402EUR1000,00\r\n'), 'mt940'],
    ['JSON', b('{"invoices": []}'), 'refused'],
    ['NUL bytes only', new Uint8Array(4096), 'refused'],
  ])('%s is %s', (_name, bytes, kind) => {
    expect(sniffBytes(bytes).kind).toBe(kind);
  });

  it('import refuses bank statements towards payments import, payments refuses spreadsheets and e-invoices', () => {
    expect(importRefusal(sniffBytes(b(':20:X\r\n:25:NL\r\n')))?.todo).toBe('read it with `pre-incasso payments import`');
    expect(importRefusal(sniffBytes(b('PK\x03\x04xl/workbook.xml')))).toBeNull();
    expect(paymentsRefusal(sniffBytes(b('PK\x03\x04xl/workbook.xml')))?.what).toBe('is an Excel workbook, not a bank statement');
    expect(paymentsRefusal(sniffBytes(b('<Invoice xmlns="u">')))?.todo).toBe('read it with `pre-incasso import`');
    expect(paymentsRefusal(sniffBytes(b('Datum;Bedrag\n')))).toBeNull();
  });
});
