// CAMT.053/.054 reading against the real sample files in test/fixtures/camt053 (see SOURCES.md).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from '../../src/importers/camt.js';
import { FIXTURES } from '../helpers/cli.js';

const file = (name: string): string => fs.readFileSync(path.join(FIXTURES, 'camt053', name), 'utf8');
const read = (name: string) => parse(fs.readFileSync(path.join(FIXTURES, 'camt053', name)), name);
// Balance mismatches are checked on their own (see the balance tests): genkgo's five-decimals
// sample is made up and does not add up (18.150 + 8.850 is not its closing 27.050).
const errors = (r: ReturnType<typeof parse>) => r.issues.filter((i) => i.severity === 'error' && i.code !== 'balance_mismatch');
const unbalanced = (r: ReturnType<typeof parse>) => r.issues.filter((i) => i.code === 'balance_mismatch').map((i) => i.path);

describe('CAMT: every sample parses', () => {
  it.each([
    ['camt053.v2.minimal.xml', 'camt.053', 'camt.053.001.02', 1, 1],
    ['camt053.v2.multi.statement.xml', 'camt.053', 'camt.053.001.02', 2, 2],
    ['camt053.v2.five.decimals.xml', 'camt.053', 'camt.053.001.02', 1, 1],
    ['camt053.v4.xml', 'camt.053', 'camt.053.001.04', 1, 1],
    ['camt053.v8.xml', 'camt.053', 'camt.053.001.08', 1, 1],
    ['camt53.only-Dt-with-DtTm.xml', 'camt.053', 'camt.053.001.02', 1, 0],
    ['camt054.v2.xml', 'camt.054', 'camt.054.001.02', 1, 1],
    ['camt054.v8.xml', 'camt.054', 'camt.054.001.08', 1, 1],
    ['example-camt053-a.xml', 'camt.053', 'camt.053.001.02', 2, 11],
  ])('%s: %s, %s, %i statement(s), %i entries', (name, format, variant, statements, entries) => {
    const r = read(name);
    expect(errors(r)).toEqual([]);
    expect(r.format).toBe(format);
    expect(r.statements).toBe(statements);
    expect(r.entries).toHaveLength(entries);
    for (const e of r.entries) {
      expect(e.variant).toBe(variant);
      expect(Number.isInteger(e.amountCents)).toBe(true);
      expect(e.bookingDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    // Source keys identify entries: no two entries of a file share one.
    expect(new Set(r.entries.map((e) => e.sourceKey)).size).toBe(entries);
  });
});

describe('CAMT: named entries, exactly', () => {
  it('v2 minimal: a credit with a structured SCOR reference and the debtor as counterparty', () => {
    const [e] = read('camt053.v2.minimal.xml').entries;
    expect(e).toMatchObject({
      account: 'NL26VAYB8060476890',
      statementId: '253EURNL26VAYB8060476890',
      bookingDate: '2014-12-31',
      valueDate: '2015-01-02',
      amountCents: 885,
      currency: 'EUR',
      counterpartyName: 'NAME NAME',
      counterpartyIban: 'NL56AGDH9619008421',
      structuredRef: '4654654654654654',
      structuredRefIssuer: 'BBA',
      endToEndId: null,
      reversal: false,
      path: 'Document/BkToCstmrStmt/Stmt[1]/Ntry[1]',
      line: null,
    });
    // The key: account, statement identity, position, a hash of the entry's content.
    expect(e!.sourceKey).toMatch(/^camt:NL26VAYB8060476890:[0-9a-f]{12}:1:[0-9a-f]{16}$/);
    // No AcctSvcrRef or NtryRef: the key of older versions was a hash of the entry.
    expect(e!.legacyKey).toMatch(/^camt:NL26VAYB8060476890:[0-9a-f]{16}$/);
    expect(e!.bankRefKey).toBeNull();
  });

  it('v8: Sts/Cd BOOK, BookgDt as DtTm with a zone, Dbtr/Pty/Nm, account under Othr/Id', () => {
    const [e] = read('camt053.v8.xml').entries;
    expect(e).toMatchObject({
      account: 'NL26VAYB8060476890',
      bookingDate: '2014-12-31',
      amountCents: 885,
      counterpartyName: 'NAME NAME',
      counterpartyIban: 'NL56AGDH9619008421',
      endToEndId: 'MUELL/FINP/RA12345',
      bankReference: 'AAAASESS-FP-CN_98765/01',
      legacyKey: 'camt:NL26VAYB8060476890:AAAASESS-FP-CN_98765/01',
      bankRefKey: 'camt:NL26VAYB8060476890:AAAASESS-FP-CN_98765/01',
    });
  });

  it('v4 and v8 carry the same bank reference (AcctSvcrRef): the same entry by bankRefKey, not by content', () => {
    expect(read('camt053.v4.xml').entries[0]!.bankRefKey).toBe(read('camt053.v8.xml').entries[0]!.bankRefKey);
    expect(read('camt053.v4.xml').entries[0]!.sourceKey).not.toBe(read('camt053.v8.xml').entries[0]!.sourceKey);
  });

  it('two statements in one document: the second entry is a debit (sign only from CdtDbtInd)', () => {
    const r = read('camt053.v2.multi.statement.xml');
    expect(r.entries.map((e) => [e.statementId, e.amountCents, e.counterpartyName, e.endToEndId, e.remittance])).toEqual([
      ['253EURNL26VAYB8060476890', 885, null, '000000001', 'Transaction Description 1'],
      ['254EURNL26VAYB8060476890', -700, 'Company Name 2', '000000002', 'Transaction Description 2'],
    ]);
  });

  it('SNS/ASN (de Volksbank) export: NtryRef as key, own-account transfer, fees and interest only in AddtlNtryInf', () => {
    const r = read('example-camt053-a.xml');
    const byRef = new Map(r.entries.map((e) => [e.bankReference, e]));
    expect(byRef.get('20260126-394900')).toMatchObject({
      legacyKey: 'camt:NL14SNSB0012345678:20260126-394900',
      account: 'NL14SNSB0012345678',
      amountCents: 50000,
      counterpartyName: 'GreatExample BV',
      counterpartyIban: 'NL78SNSB0022446688',
      remittance: 'Opname',
    });
    expect(byRef.get('20260126-394901')).toMatchObject({ account: 'NL78SNSB0022446688', amountCents: -50000, counterpartyName: 'SNS ZZP Rekening', counterpartyIban: 'NL14SNSB0012345678' });
    expect(byRef.get('20260125-424445')).toMatchObject({ amountCents: -795, counterpartyName: null, remittance: 'Kosten gebruik betaalrekening inclusief 1 betaalpas' });
    expect(byRef.get('20260205-357236')).toMatchObject({ amountCents: 10398, bookingDate: '2026-02-05', valueDate: '2026-02-01', remittance: 'Creditrente 01-01-26 tot 01-02-26' });
    expect(r.entries.filter((e) => e.amountCents > 0).map((e) => e.amountCents)).toEqual([50000, 10398, 9384, 10392]);
  });
});

describe('CAMT: amounts with more than two decimals are rounded half up to the cent', () => {
  it('five-decimals sample: 8.850 is 885 cents', () => {
    expect(read('camt053.v2.five.decimals.xml').entries[0]!.amountCents).toBe(885);
  });

  it.each([
    ['8.84500', 885],
    ['8.84499', 884],
    ['8.84999', 885],
    ['0.005', 1],
    ['0.00499', 0],
    ['1234.56789', 123457],
  ])('%s -> %i cents', (amount, cents) => {
    const xml = file('camt053.v2.five.decimals.xml').replace('<Amt Ccy="EUR">8.850</Amt>', `<Amt Ccy="EUR">${amount}</Amt>`);
    expect(parse(xml, 'x.xml').entries[0]!.amountCents).toBe(cents);
  });
});

describe('CAMT.054 notifications', () => {
  it('v2: Ntfctn instead of Stmt; a debit, with every Ustrd and AddtlRmtInf in order', () => {
    const [e] = read('camt054.v2.xml').entries;
    expect(e).toMatchObject({ format: 'camt.054', account: 'CH2801234000123456789', amountCents: -20000000, currency: 'SEK', bookingDate: '2007-10-18', endToEndId: 'MUELL/FINP/RA12345' });
    expect(e!.remittance).toBe(
      'Unstructured Remittance Information V1 Additional Remittance Information V1 Additional Remittance Information V2 ' +
        'Unstructured Remittance Information V3 block 1 Unstructured Remittance Information V3 block 2 Additional Remittance Information V3 block 1 Additional Remittance Information V3 block 2',
    );
  });

  it('v8 batch: the entry is DBIT although its transactions say CRDT, and their CHF amounts do not make the SEK total: one entry', () => {
    const r = read('camt054.v8.xml');
    expect(r.entries).toHaveLength(1);
    expect(r.entries[0]).toMatchObject({ amountCents: -20000000, currency: 'SEK', legacyKey: 'camt:CH2801234000123456789:ACSR160617103200001', bankRefKey: 'camt:CH2801234000123456789:ACSR160617103200001' });
  });

  it('a credit batch whose transactions add up to the entry is split into one entry per transaction', () => {
    const xml = file('camt054.v8.xml')
      .replace('<Amt Ccy="SEK">200000</Amt>\n        <CdtDbtInd>DBIT</CdtDbtInd>', '<Amt Ccy="EUR">9.50</Amt>\n        <CdtDbtInd>CRDT</CdtDbtInd>')
      .replaceAll('Ccy="CHF"', 'Ccy="EUR"');
    const r = parse(xml, 'batch.xml');
    expect(errors(r)).toEqual([]);
    expect(r.entries.map((e) => [e.amountCents, e.endToEndId, e.counterpartyName, e.bankRefKey])).toEqual([
      [310, 'UXC06170000006PI00001EE00001', 'UNIFITS GmbH', 'camt:CH2801234000123456789:ACSR160617103200001/tx1'],
      [320, 'UXC06170000006PI00001EE00002', 'UNIFITS GmbH', 'camt:CH2801234000123456789:ACSR160617103200001/tx2'],
      [320, 'UXC06170000006PI00001EE00002', 'UNIFITS GmbH', 'camt:CH2801234000123456789:ACSR160617103200001/tx3'],
    ]);
    expect(r.entries[2]!.path).toBe('Document/BkToCstmrDbtCdtNtfctn/Ntfctn[1]/Ntry[1]/NtryDtls/TxDtls[3]');
    expect(r.entries[0]!.structuredRef).toBe('ISR ref number V1');
  });
});

describe('CAMT: reversals and status', () => {
  it('RvslInd true is flagged; the sign still comes from CdtDbtInd', () => {
    const xml = file('camt053.v2.minimal.xml').replace('<RvslInd>false</RvslInd>', '<RvslInd>true</RvslInd>');
    expect(parse(xml, 'x.xml').entries[0]).toMatchObject({ reversal: true, amountCents: 885 });
  });

  it('a reversed credit (DBIT with RvslInd) is money out; its counterparty is still the original payer', () => {
    const xml = file('camt053.v2.minimal.xml').replace('<CdtDbtInd>CRDT</CdtDbtInd>\n                <RvslInd>false</RvslInd>', '<CdtDbtInd>DBIT</CdtDbtInd>\n                <RvslInd>true</RvslInd>');
    expect(parse(xml, 'x.xml').entries[0]).toMatchObject({ reversal: true, amountCents: -885, counterpartyName: 'NAME NAME' });
  });

  it.each(['PDNG', 'INFO'])('Sts %s is not booked: not an entry', (sts) => {
    const r = parse(file('camt053.v2.minimal.xml').replace('<Sts>BOOK</Sts>', `<Sts>${sts}</Sts>`), 'x.xml');
    expect(r.entries).toEqual([]);
    expect(r.notBooked).toBe(1);
    expect(errors(r)).toEqual([]);
  });

  it('v8 Sts/Cd PDNG is not booked either', () => {
    const r = parse(file('camt053.v8.xml').replace('<Cd>BOOK</Cd>\n                </Sts>', '<Cd>PDNG</Cd>\n                </Sts>'), 'x.xml');
    expect([r.entries.length, r.notBooked]).toEqual([0, 1]);
  });
});

describe('CAMT: bad files are errors with a location', () => {
  it('a broken tag: not well-formed, with the line', () => {
    const xml = file('camt053.v2.minimal.xml').replace('<CdtDbtInd>CRDT</CdtDbtInd>\n                <RvslInd>', '<CdtDbtInd>CRDT</CdtDbtIn>\n                <RvslInd>');
    const r = parse(xml, 'broken.xml');
    expect(r.entries).toEqual([]);
    expect(errors(r)).toHaveLength(1);
    expect(errors(r)[0]).toMatchObject({ code: 'bad_xml', line: 92 });
    expect(errors(r)[0]!.message).toMatch(/^broken\.xml:92: not well-formed XML/);
  });

  it('every bad entry is listed with its element path, not only the first', () => {
    const xml = file('camt053.v2.multi.statement.xml').replace('<Amt Ccy="EUR">8.85</Amt>', '<Amt Ccy="EUR">8,85</Amt>').replace('<CdtDbtInd>DBIT</CdtDbtInd>\n                <RvslInd>', '<CdtDbtInd>DEBIT</CdtDbtInd>\n                <RvslInd>');
    const r = parse(xml, 'bad.xml');
    expect(errors(r).map((i) => [i.path, i.code])).toEqual([
      ['Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/Amt', 'bad_amount'],
      ['Document/BkToCstmrStmt/Stmt[2]/Ntry[1]/CdtDbtInd', 'bad_sign'],
    ]);
    expect(errors(r)[0]!.message).toBe('bad.xml: Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/Amt: amount "8,85" is not a positive decimal number');
  });

  it('an e-invoice is not a bank statement', () => {
    const r = parse(fs.readFileSync(path.join(FIXTURES, 'ubl', 'base-example.xml')), 'invoice.xml');
    expect(errors(r).map((i) => i.code)).toEqual(['not_camt']);
  });
});
