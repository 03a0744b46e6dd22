// Bank CSV exports: one fixture per bank in test/fixtures/bank-csv (written for these tests, the
// layouts from the sources in SOURCES.md), read into the same BankEntry records as CAMT and MT940.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BANK_CSV_PRESETS, detailsFromLabels, parse, recognise, rejoinAbnColumns } from '../../src/importers/bank-csv.js';
import { AppError } from '../../src/errors.js';
import type { BankEntry } from '../../src/domain/bank-entry.js';
import { FIXTURES } from '../helpers/cli.js';

const bytes = (name: string): Buffer => fs.readFileSync(path.join(FIXTURES, 'bank-csv', name));
const read = (name: string) => parse(bytes(name), name);
const at = (entries: BankEntry[], line: number): BankEntry => {
  const e = entries.find((x) => x.line === line);
  if (!e) throw new Error(`no entry on line ${line}: ${entries.map((x) => x.line).join(', ')}`);
  return e;
};
/** The fields a payment is matched on, in one row for the tables below. */
const brief = (e: BankEntry) => [e.bookingDate, e.amountCents, e.counterpartyName, e.counterpartyIban, e.structuredRef, e.endToEndId, e.remittance];

describe('bank CSV: every fixture is recognised by its header or shape', () => {
  it.each([
    ['ing.csv', 'ing', ';', 4],
    ['rabobank.csv', 'rabobank', ',', 4],
    ['abnamro.TAB', 'abnamro', '\t', 3],
    ['bunq.csv', 'bunq', ';', 3],
    ['knab.csv', 'knab', ';', 3],
    ['triodos.csv', 'triodos', ',', 3],
    ['asn.csv', 'volksbank', ',', 3],
  ])('%s is %s, delimiter %j, %i rows', (file, preset, delimiter, rows) => {
    const layout = recognise(bytes(file).toString('latin1'));
    expect(layout?.preset.name).toBe(preset);
    expect(layout?.delimiter).toBe(delimiter);
    const r = read(file);
    expect(r.issues).toEqual([]);
    expect(r.format).toBe('csv');
    expect(r.entries).toHaveLength(rows);
    for (const e of r.entries) expect(e.variant).toBe(`csv-${preset}`);
  });

  it('every preset has a source and a download note, and the banks of the brief are all there', () => {
    expect(BANK_CSV_PRESETS.map((p) => p.name)).toEqual(['ing', 'rabobank', 'abnamro', 'bunq', 'knab', 'triodos', 'volksbank']);
    for (const p of BANK_CSV_PRESETS) {
      expect(p.source.length, p.name).toBeGreaterThan(20);
      expect(p.header ? p.recognise?.length : Object.keys(p.shape?.patterns ?? {}).length, p.name).toBeGreaterThan(0);
    }
  });

  it.each([
    ['an invoice export', 'Factuurnummer;Debiteurnummer;Naam;Vervaldatum;Bedrag\n2026-01;D1;A;01-01-2026;10,00\n'],
    ['a German bank', 'Buchungstag;Valuta;Betrag;Verwendungszweck\n01.10.2026;01.10.2026;10,00;Miete\n'],
    ['an empty file', ''],
    ['ING without its amount column', '"Datum","Naam / Omschrijving","Rekening","Tegenrekening","Code","Af Bij"\n'],
  ])('%s is refused in one line naming the banks known', (_what, text) => {
    let error: unknown;
    try {
      parse(Buffer.from(text), 'x.csv');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    const e = error as AppError;
    expect(e.exitCode).toBe(4);
    expect(e.message).not.toContain('\n');
    expect(e.message).toMatch(/^x\.csv: not a bank statement pre-incasso knows .*ING, Rabobank, ABN AMRO, bunq, Knab, Triodos, ASN Bank \/ SNS \/ RegioBank.*download CAMT\.053/);
  });
});

describe('bank CSV: amounts, dates, credit/debit and references per bank', () => {
  it('ING: yyyymmdd, Af/Bij, thousands dots, the labelled Mededelingen', () => {
    const { entries } = read('ing.csv');
    expect(entries.map(brief)).toEqual([
      ['2026-10-14', 550, "Cafe 't Hoekje VOF", 'NL20INGB0001234567', null, null, 'nota oktober'],
      ['2026-10-13', -4510, 'Kantoorhuis B.V.', 'NL44RABO0123456789', null, 'KH-2026-10', 'Abonnement oktober'],
      ['2026-10-12', 254100, 'Bouwbedrijf Van Dijk B.V.', 'NL55INGB0000123456', null, 'VD-BETALING-0102', 'Factuurnr 2026-0102'],
      ['2026-10-12', 12100, 'J. Jansen', 'NL91ABNA0417164300', null, null, 'factuur 2026-0101'],
    ]);
    expect(entries[0]!.account).toBe('NL69INGB0123456789');
  });

  it('ING: the older comma export and the English one read the same', () => {
    const dutch = '"Datum","Naam / Omschrijving","Rekening","Tegenrekening","Code","Af Bij","Bedrag (EUR)","MutatieSoort","Mededelingen"\n' +
      '"20261012","J. Jansen","NL69INGB0123456789","NL91ABNA0417164300","OV","Bij","121,00","Overschrijving","Naam: J. Jansen Omschrijving: factuur 2026-0101 IBAN: NL91ABNA0417164300 Valutadatum: 12-10-2026"\n';
    const english = '"Date";"Name / Description";"Account";"Counterparty";"Code";"Debit/credit";"Amount (EUR)";"Transaction type";"Notifications";"Resulting balance";"Tag"\n' +
      '"20261012";"J. Jansen";"NL69INGB0123456789";"NL91ABNA0417164300";"OV";"Credit";"121,00";"Transfer";"Name: J. Jansen Description: factuur 2026-0101 IBAN: NL91ABNA0417164300 Value date: 12-10-2026";"3.119,20";""\n';
    const a = parse(Buffer.from(dutch), 'nl.csv').entries;
    const b = parse(Buffer.from(english), 'en.csv').entries;
    expect(a.map(brief)).toEqual(b.map(brief));
    expect(a.map(brief)).toEqual(read('ing.csv').entries.slice(3).map(brief));
    // The key comes from the content, not the delimiter, column set or language of the file.
    expect(a[0]!.sourceKey).toBe(read('ing.csv').entries[3]!.sourceKey);
  });

  it('Rabobank: Windows-1252 header, signed amounts, Volgnr as id, Betalingskenmerk and Transactiereferentie', () => {
    const { entries } = read('rabobank.csv');
    expect(entries.map(brief)).toEqual([
      ['2026-10-12', 254100, 'Bouwbedrijf Van Dijk B.V.', 'NL55INGB0000123456', null, 'VD-E2E-0102', 'Factuur 2026-0102'],
      ['2026-10-13', -499, 'PayPal Europe', 'LU89751000135104200E', null, '1047645677604', '1047645677604/PAYPAL'],
      ['2026-10-14', 123456, 'G. Szoke', 'HU42117730161111101800000000', null, null, 'Betaling factuur 2026-0099'],
      ['2026-10-15', 9900, 'Onbekende Betaler', 'NL20INGB0001234567', '5010012368971337', null, null],
    ]);
    expect(at(entries, 5).structuredRefIssuer).toBe('CUR');
    expect(at(entries, 2).sourceKey).toBe('csv:rabobank:NL11RABO0123456789:000000000000000101');
    expect(at(entries, 2).bankReference).toBe('000000000000000101');
  });

  it('ABN AMRO TXT: no header, tab, the /TRTP/ text and the column text with its inserted spaces', () => {
    const { entries } = read('abnamro.TAB');
    expect(entries.map(brief)).toEqual([
      ['2026-10-12', 35000, 'L WROBLEWSKI', 'PL61109010140000071219812874', null, null, 'Invoice 2026-0105'],
      ['2026-10-13', -950, null, null, null, null, 'BEA, Betaalpas Bakkerij Kruim,PAS123 NR:0ABC0D, 13.10.26/08:14 AMERSFOORT'],
      ['2026-10-14', 61000, 'STICHTING BUURTWERK SOES', 'NL02ABNA0123456789', null, null, 'BETREFT FACTUUR 2026-0150 BUURTHUIS HUUR SEPTEMBER EN OKTOBER'],
    ]);
    expect(entries[0]!.account).toBe('987654321');
    expect(entries[0]!.valueDate).toBe('2026-10-12');
  });

  it('bunq: the decimal mark is decided for the whole file', () => {
    expect(read('bunq.csv').entries.map(brief)).toEqual([
      ['2026-10-12', 72600, 'Bouwbedrijf Van Dijk B.V.', 'NL55INGB0000123456', null, null, 'Factuur 2026-0161'],
      ['2026-10-13', -1250, 'Parkeren Amersfoort', null, null, null, 'Parkeren Amersfoort, NL'],
      ['2026-10-14', 123456, 'Szőke Gergő', 'HU42117730161111101800000000', null, null, '2026-0099 Szőke'],
    ]);
    const dot = '"Date","Interest Date","Amount","Counterparty","Name","Description"\n"2026-10-12","2026-10-12","1149.50","NL55INGB0000123456","Hotel","Factuur 12"\n"2026-10-13","2026-10-13","-12.5","","Shop","x"\n';
    expect(parse(Buffer.from(dot), 'bunq-dot.csv').entries.map((e) => e.amountCents)).toEqual([114950, -1250]);
  });

  it('Knab: the KNAB EXPORT line, C/D, whole euros, Referentie as id', () => {
    const { entries } = read('knab.csv');
    expect(entries.map(brief)).toEqual([
      ['2026-10-12', 2000, 'J. Jansen', 'NL91ABNA0417164300', null, null, 'restant factuur 2026-0123'],
      ['2026-10-13', -7500, 'Verhuur Kantoor', 'NL44RABO0123456789', null, null, 'Huur oktober'],
      ['2026-10-14', 61000, 'Stichting Buurtwerk', 'NL02ABNA0123456789', null, null, 'Factuur 2026-0150'],
    ]);
    expect(entries.map((e) => e.sourceKey)).toEqual(['K6J12PGABC123456', 'K6J13PGDEF654321', 'K6J14PGGHI112233'].map((r) => `csv:knab:NL99KNAB0123456789:${r}`));
  });

  it('Triodos: no header, Credit/Debet, thousands dots', () => {
    expect(read('triodos.csv').entries.map(brief)).toEqual([
      ['2026-10-12', 254100, 'Bouwbedrijf Van Dijk B.V.', 'NL55INGB0000123456', null, null, 'Factuur 2026-0102'],
      ['2026-10-13', -3000, 'Drukkerij De Letter', 'NL44RABO0987654321', null, null, 'drukwerk oktober'],
      ['2026-10-14', 12100, 'J. Jansen', 'NL91ABNA0417164300', null, null, '2026-0101'],
    ]);
  });

  it('ASN/SNS/RegioBank: single quotes, decimal point, the betalingskenmerk the payer typed stays searchable', () => {
    const { entries } = read('asn.csv');
    expect(entries.map(brief)).toEqual([
      ['2026-10-12', 2000, 'j. jansen', 'NL91ABNA0417164300', 'factuur 2026-0123', null, 'factuur 2026-0123'],
      ['2026-10-13', 72600, 'bouwbedrijf van dijk b.v.', 'NL55INGB0000123456', null, null, 'Factuur 2026-0161, termijn 1'],
      ['2026-10-14', -220, null, null, null, null, 'Kosten gebruik betaalrekening inclusief 1 betaalpas'],
    ]);
    // Journal date + sequence number identify a transaction; 00000000 is no number.
    expect(entries[0]!.sourceKey).toBe('csv:volksbank:NL81ASNB0123456789:12-10-2026:51392971');
    expect(entries[1]!.sourceKey).toMatch(/^csv:volksbank:NL81ASNB0123456789:2026-10-13:[0-9a-f]{16}#1$/);
  });

  it.each([
    ['SNS', '12-10-2026,NL12SNSB0123456789,NL91ABNA0417164300,j. jansen,,,,EUR,10.00,EUR,20.00,12-10-2026,12-10-2026,8810,OVB,00000000,,\'factuur 2026-0123\',3', '2026-10-12'],
    ['RegioBank, date as yyyymmdd', '20261012,NL12RBRB0123456789,NL91ABNA0417164300,j. jansen,,,,EUR,10.00,EUR,20.00,20261012,20261012,8810,OVB,00000000,,\'factuur 2026-0123\',3', '2026-10-12'],
  ])('de Volksbank: %s reads like ASN', (_bank, line, date) => {
    const e = parse(Buffer.from(`${line}\n`), 'v.csv').entries[0]!;
    expect([e.variant, e.bookingDate, e.amountCents, e.remittance]).toEqual(['csv-volksbank', date, 2000, 'factuur 2026-0123']);
  });

  it.each([
    ['an RF reference in the text', 'Naam: A Omschrijving: betaling RF18 5390 0754 7034 IBAN: NL91ABNA0417164300', 'RF18539007547034', 'ISO'],
    ['a betalingskenmerk label', 'Naam: Belastingdienst Betalingskenm.: 1234 5678 9012 3456 IBAN: NL86INGB0002445588', '1234567890123456', 'CUR'],
    ['no reference', 'Naam: A Omschrijving: factuur 12 Valutadatum: 01-01-2026', null, null],
  ])('ING labels: %s', (_what, text, ref, issuer) => {
    const row = `"Datum","Naam / Omschrijving","Rekening","Tegenrekening","Code","Af Bij","Bedrag (EUR)","Mutatiesoort","Mededelingen"\n"20261012","A","NL69INGB0123456789","NL91ABNA0417164300","OV","Bij","1,00","Overschrijving","${text}"\n`;
    const e = parse(Buffer.from(row), 'ref.csv').entries[0]!;
    expect([e.structuredRef, e.structuredRefIssuer]).toEqual([ref, issuer]);
  });

  it('labels: text without labels is the remittance as a whole; a leading text without label too', () => {
    const labels = BANK_CSV_PRESETS.find((p) => p.name === 'ing')!.labels!;
    expect(detailsFromLabels('Factuur 2026-0101 dank u', labels).remittance).toBe('Factuur 2026-0101 dank u');
    expect(detailsFromLabels('1 jan t/m 31 jan 2020 ING BANK N.V. Valutadatum: 13-02-2020', labels).remittance).toBe('1 jan t/m 31 jan 2020 ING BANK N.V.');
  });

  it.each([
    ['32 + 64 + 64 with a space after each column', `${'A'.padEnd(32)} ${'x'.repeat(63)}1 2${'y'.repeat(63)}`, `${'A'.padEnd(32)}${'x'.repeat(63)}12${'y'.repeat(63)}`],
    ['the /TRTP/ form is left alone', '/TRTP/SEPA OVERBOEKING/IBAN/NL02ABNA0123456789', '/TRTP/SEPA OVERBOEKING/IBAN/NL02ABNA0123456789'],
    ['no space where the layout puts one: left alone', `${'A'.repeat(40)} x`, `${'A'.repeat(40)} x`],
  ])('ABN AMRO columns: %s', (_what, input, expected) => {
    expect(rejoinAbnColumns(input)).toBe(expected);
  });
});

describe('bank CSV: errors and deduplication', () => {
  it('a bad date, amount or credit/debit is an error at its line; the other rows still parse', () => {
    const text = 'KNAB EXPORT;;;\nRekeningnummer;Transactiedatum;Valutacode;CreditDebet;Bedrag;Tegenrekeningnummer;Tegenrekeninghouder;Omschrijving;Referentie\n' +
      '"NL99KNAB0123456789";"2026-10-12";"EUR";"C";"20";"";"A";"x";"R1"\n' +
      '"NL99KNAB0123456789";"12-10-2026";"EUR";"C";"twintig";"";"A";"x";"R2"\n' +
      '"NL99KNAB0123456789";"12-10-2026";"EUR";"X";"20";"";"A";"x";"R3"\n' +
      '"NL99KNAB0123456789";"12-10-2026";"EUR";"C";"20";"";"A";"x";"R4"\n';
    const r = parse(Buffer.from(text), 'k.csv');
    expect(r.issues.map((i) => [i.line, i.code])).toEqual([[3, 'bad_date'], [4, 'bad_amount'], [5, 'bad_sign']]);
    expect(r.issues[0]!.message).toBe('k.csv:3: date "2026-10-12" is not a date in Knab CSV notation (DD-MM-YYYY)');
    expect(r.entries.map((e) => e.line)).toEqual([6]);
  });

  it('control characters in a field become spaces; a file with only the header has no entries', () => {
    const header = '"Date";"Interest Date";"Amount";"Account";"Counterparty";"Name";"Description"\n';
    const row = '"2026-10-12";"2026-10-12";"10,00";"NL12BUNQ2040123456";"";"Evil\u001b[31m Corp";"x\u0007y"\n';
    const e = parse(Buffer.from(header + row), 'b.csv').entries[0]!;
    expect([e.counterpartyName, e.remittance]).toEqual(['Evil [31m Corp', 'x y']);
    expect(parse(Buffer.from(header), 'empty.csv')).toMatchObject({ format: 'csv', entries: [], issues: [] });
  });

  it('identical rows on one day get occurrence numbers; a longer export recognises them', () => {
    const header = '"Date";"Interest Date";"Amount";"Account";"Counterparty";"Name";"Description"\n';
    const row = (d: string) => `"${d}";"${d}";"10,00";"NL12BUNQ2040123456";"NL55INGB0000123456";"A";"termijn"\n`;
    const short = parse(Buffer.from(header + row('2026-10-12') + row('2026-10-12')), 'short.csv').entries.map((e) => e.sourceKey);
    const long = parse(Buffer.from(header + row('2026-10-11') + row('2026-10-12') + row('2026-10-12') + row('2026-10-12')), 'long.csv').entries.map((e) => e.sourceKey);
    expect(short).toHaveLength(2);
    expect(new Set(short).size).toBe(2);
    expect(short.every((k) => long.includes(k))).toBe(true);
    expect(long.filter((k) => !short.includes(k))).toHaveLength(2);
  });
});
