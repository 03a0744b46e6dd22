// handover.csv: Dutch Excel notation, and no cell that a spreadsheet could run as a formula.
import { LEGACY_LEGAL } from '../helpers/law.js';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvAmount, csvDate, handoverCsvBytes, inertText, quoteCell } from '../../src/handover/csv.js';
import { buildHandover, type CaseInput } from '../../src/handover/case.js';
import { tokenizeString } from '../../src/importers/csv-tokenizer.js';
import type { CreditorSnapshot } from '../../src/domain/letter.js';
import { caseDebtor, creditor as exampleCreditor } from '../helpers/builders.js';

describe('inertText (CSV injection)', () => {
  it.each([
    ['=HYPERLINK("http://x","klik")', `'=HYPERLINK("http://x","klik")`],
    ['=1+2', "'=1+2"],
    ['+31 6 12345678', "'+31 6 12345678"],
    ['-5', "'-5"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\t=1+2', "'\t=1+2"],
    ['\r=1+2', "'\r=1+2"],
    ['J. Jansen', 'J. Jansen'],
    ['Café \'t Hoekje', 'Café \'t Hoekje'],
    ['a=b', 'a=b'],
    ['', ''],
  ])('%j -> %j', (text, inert) => expect(inertText(text)).toBe(inert));
});

describe('quoteCell', () => {
  it.each([
    ['plain', 'plain'],
    ['a;b', '"a;b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    ['a,b', 'a,b'],
  ])('%j -> %j', (cell, quoted) => expect(quoteCell(cell)).toBe(quoted));
});

describe('Dutch notation', () => {
  it.each([
    [0, '0,00'],
    [5, '0,05'],
    [12100, '121,00'],
    [254100, '2541,00'],
    [123456789, '1234567,89'],
    [-1250, '-12,50'],
    [-5, '-0,05'],
  ])('csvAmount(%i) = %s', (cents, text) => expect(csvAmount(cents)).toBe(text));

  it('dates are DD-MM-YYYY', () => {
    expect(csvDate('2026-11-03')).toBe('03-11-2026');
  });
});

const creditor: CreditorSnapshot = exampleCreditor({ name: 'Bakkerij', vatNumber: null, bic: null, email: 'a@example.nl', phone: null, contactPerson: null });

function kase(name: string, number = 'D1'): CaseInput {
  return {
    debtor: caseDebtor({
      number, type: 'business', name, contactPerson: '-ik-', street: 'Straat 1; achterom', postcode: '1234 AB', city: 'Utrecht',
      email: null, phone: '+31 30 1234567',
    }),
    invoices: [
      { number: 'F1', issueDate: '2026-08-01', dueDate: '2026-09-01', amountCents: 100000, openCents: 100000, reference: '=cmd|calc', stageLetterId: null },
      { number: 'F2', issueDate: '2026-08-02', dueDate: '2026-09-02', amountCents: 50000, openCents: 20000, reference: null, stageLetterId: null },
      { number: 'C1', issueDate: '2026-08-03', dueDate: '2026-08-03', amountCents: -1250, openCents: -1250, reference: null, stageLetterId: null },
    ],
    payments: [],
    letters: [],
    notes: [],
  };
}

function csvOf(...cases: CaseInput[]): Buffer {
  const { document } = buildHandover({ batch: 2, exportDate: '2026-11-10', generatedBy: 't', creditor, dayCount: 'act/365', includeNotes: false, letterFiles: false, cases, legal: LEGACY_LEGAL });
  return handoverCsvBytes(document);
}

function rows(bytes: Buffer): string[][] {
  const text = bytes.toString('utf8');
  expect(text.startsWith('\uFEFF')).toBe(true);
  return tokenizeString(text.slice(1), { delimiter: ';' }).records.map((r) => r.fields);
}

describe('handoverCsvBytes', () => {
  it('starts with a UTF-8 BOM, uses ; and CRLF, one row per claim with the debtor repeated', () => {
    const bytes = csvOf(kase('Jansen B.V.'));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replaceAll('\r\n', '').includes('\n')).toBe(false);
    const [header, ...body] = rows(bytes);
    expect(header).toEqual(CSV_COLUMNS.map((c) => c.header));
    expect(body).toHaveLength(3);
    const col = (name: string): number => header!.indexOf(name);
    expect(body.map((r) => r[col('naam')])).toEqual(['Jansen B.V.', 'Jansen B.V.', 'Jansen B.V.']);
    expect(body.map((r) => r[col('factuurnummer')])).toEqual(['F1', 'F2', 'C1']);
    expect(body.map((r) => r[col('openstaand')])).toEqual(['1000,00', '200,00', '-12,50']);
    expect(body.map((r) => r[col('betaald')])).toEqual(['0,00', '300,00', '0,00']);
    expect(body.map((r) => r[col('vervaldatum')])).toEqual(['01-09-2026', '02-09-2026', '03-08-2026']);
    expect(body.map((r) => r[col('soort post')])).toEqual(['factuur', 'factuur', 'creditnota']);
    // Case-level amounts stand once, so an Excel column sum does not count them per invoice.
    expect(body.map((r) => r[col('incassokosten (dossier)')])).toEqual(['178,13', '', '']);
    expect(body[0]![col('adres')]).toBe('Straat 1; achterom');
  });

  it('makes a debtor named =HYPERLINK("http://x","klik") inert, and every other outside text cell too', () => {
    const bytes = csvOf(kase('=HYPERLINK("http://x","klik")'));
    const text = bytes.toString('utf8');
    // On disk: quoted (it holds quotes), the apostrophe inside the quotes, quotes doubled.
    expect(text).toContain(`;"'=HYPERLINK(""http://x"",""klik"")";`);
    expect(text).not.toMatch(/(^|;)"?=/m);
    const [header, first] = rows(bytes);
    const col = (name: string): number => header!.indexOf(name);
    expect(first![col('naam')]).toBe(`'=HYPERLINK("http://x","klik")`);
    expect(first![col('contactpersoon')]).toBe("'-ik-");
    expect(first![col('telefoon')]).toBe("'+31 30 1234567");
    expect(first![col('betalingskenmerk')]).toBe("'=cmd|calc");
    // No cell of any row starts with a formula character, except our own negative amounts.
    const amountColumns = new Set(['factuurbedrag', 'betaald', 'openstaand', 'rente'].map(col));
    for (const row of rows(bytes).slice(1)) {
      row.forEach((cell, i) => {
        if (amountColumns.has(i)) expect(cell).toMatch(/^-?\d+,\d{2}$|^$/);
        else expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      });
    }
  });

  it('keeps our own negative amounts as numbers (not escaped)', () => {
    const text = csvOf(kase('X')).toString('utf8');
    expect(text).toContain(';-12,50;');
    expect(text).not.toContain("'-12,50");
  });

  it('escapes a debtor number that looks like a negative number (outside text, not our amount)', () => {
    const [header, first] = rows(csvOf(kase('X', '-42')));
    expect(first![header!.indexOf('debiteurnummer')]).toBe("'-42");
  });
});
