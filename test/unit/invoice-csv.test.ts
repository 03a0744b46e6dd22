import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { loadPreset, type Preset } from '../../src/importers/columns.js';
import {
  InvoiceCsvReader,
  InvoiceNumberTable,
  debtorKeyFromName,
  formatIssueLocation,
  readInvoiceCsv,
  type ImportIssue,
  type InvoiceCsvOptions,
  type InvoiceCsvResult,
  type InvoiceRow,
} from '../../src/importers/invoice-csv.js';

const fixture = (name: string): string => new URL(`../fixtures/csv/${name}`, import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'pre-incasso-invoice-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

const BASE: InvoiceCsvOptions = { paymentTermDays: 30, defaultDebtorType: 'consumer', defaultLanguage: 'nl' };

function tempFile(content: string | Buffer, name = `t${counter++}.csv`): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

async function readFile(file: string, options: Partial<InvoiceCsvOptions> = {}): Promise<{ rows: InvoiceRow[]; result: InvoiceCsvResult }> {
  const reader = new InvoiceCsvReader(file, { ...BASE, ...options });
  const rows: InvoiceRow[] = [];
  for await (const row of reader.rows()) rows.push(row);
  return { rows, result: reader.result! };
}

const readText = (text: string | Buffer, options: Partial<InvoiceCsvOptions> = {}) => readFile(tempFile(text), options);
const errors = (r: InvoiceCsvResult): ImportIssue[] => r.issues.filter((i) => i.severity === 'error');
const warnings = (r: InvoiceCsvResult): ImportIssue[] => r.issues.filter((i) => i.severity === 'warning');
const where = (issues: ImportIssue[]): [number, number, string][] => issues.map((i) => [i.line, i.column, i.code]);

const HEADER = 'Factuurnummer;Debiteurnummer;Naam;Vervaldatum;Bedrag;Openstaand';
const row = (n: string, amount: string, open = '', due = '01-11-2024'): string => `${n};D1;Jan Jansen;${due};${amount};${open}`;
const csv = (...lines: string[]): string => [HEADER, ...lines].join('\n') + '\n';

describe('the fixtures', () => {
  type Expect = {
    encoding: 'utf-8' | 'windows-1252';
    delimiter: ';' | ',' | '\t';
    decimal: ',' | '.' | null;
    rows: Partial<Record<keyof InvoiceRow, unknown>>[];
    errors?: [number, number, string][];
  };
  const cases: [string, string | undefined, Expect][] = [
    ['utf8.csv', undefined, {
      encoding: 'utf-8', delimiter: ';', decimal: ',',
      rows: [
        { line: 2, invoiceNumber: 'F2024-0001', amountCents: 123456, openCents: 123456, issueDate: '2024-10-01', dueDate: '2024-10-31', reference: '1000000000000001' },
        { line: 3, invoiceNumber: 'F2024-0002', amountCents: 25000, openCents: 10000, dueDate: '2024-11-04' },
        { line: 4, invoiceNumber: 'F2024-0003', amountCents: 7550, issueDate: '2024-10-10', dueDate: '2024-11-09', dueDateDerived: true, reference: null },
        { line: 5, invoiceNumber: '00042', amountCents: 100000, openCents: 100000, issueDate: '2024-10-12', dueDate: '2024-11-11' },
      ],
    }],
    ['utf8-bom.csv', undefined, {
      encoding: 'utf-8', delimiter: ';', decimal: ',',
      rows: [{ line: 2, invoiceNumber: 'F2024-0101', amountCents: 9995 }, { line: 3, invoiceNumber: 'F2024-0102', amountCents: 150000 }],
    }],
    ['windows-1252.csv', undefined, {
      encoding: 'windows-1252', delimiter: ';', decimal: ',',
      rows: [{ line: 2, invoiceNumber: 'W-1', amountCents: 123456 }, { line: 3, invoiceNumber: 'W-2', amountCents: 9995 }],
    }],
    ['comma.csv', undefined, {
      encoding: 'utf-8', delimiter: ',', decimal: '.',
      rows: [
        { line: 2, invoiceNumber: 'INV-1001', amountCents: 123456, openCents: 123456 },
        { line: 3, invoiceNumber: 'INV-1002', amountCents: 8990, openCents: 4000 },
        { line: 4, invoiceNumber: 'INV-1003', amountCents: 125000, openCents: 125000 },
      ],
    }],
    ['tab.tsv', undefined, {
      encoding: 'utf-8', delimiter: '\t', decimal: ',',
      rows: [{ line: 2, invoiceNumber: '2024-501', dueDate: '2024-11-01', amountCents: 1250 }, { line: 3, invoiceNumber: '2024-502', amountCents: 125000, openCents: 62500 }],
    }],
    ['crlf.csv', undefined, {
      encoding: 'utf-8', delimiter: ';', decimal: ',',
      rows: [{ line: 2, invoiceNumber: 'F-7001', amountCents: 1000 }, { line: 3, invoiceNumber: 'F-7002', amountCents: 2000 }],
    }],
    ['quoted.csv', undefined, {
      encoding: 'utf-8', delimiter: ';', decimal: ',',
      rows: [
        { line: 2, invoiceNumber: 'F-8001', amountCents: 123456, reference: '=SUM(A1:A3)' },
        { line: 3, invoiceNumber: 'F-8002', amountCents: 9900, reference: null },
        { line: 5, invoiceNumber: 'F-8003', amountCents: 500, reference: '+31 6 1234' },
      ],
    }],
    ['credit-note.csv', undefined, {
      encoding: 'utf-8', delimiter: ';', decimal: ',',
      rows: [
        { line: 2, invoiceNumber: 'F-9001', amountCents: 10000, openCents: 10000 },
        { line: 3, invoiceNumber: 'C-9002', amountCents: -1250, openCents: -1250 },
        { line: 4, invoiceNumber: 'C-9003', amountCents: -1250, openCents: -1250 },
        { line: 5, invoiceNumber: 'C-9004', amountCents: -100000, openCents: 0 },
      ],
    }],
    ['ambiguous.csv', undefined, {
      encoding: 'utf-8', delimiter: ';', decimal: null,
      rows: [{ line: 4, invoiceNumber: 'F-3', amountCents: 75000 }],
      errors: [[0, 0, 'decimal_undecided']],
    }],
    ['eboekhouden.csv', 'eboekhouden', {
      encoding: 'utf-8', delimiter: ';', decimal: ',',
      rows: [
        { line: 2, invoiceNumber: 'F20240017', issueDate: '2024-09-01', dueDate: '2024-10-01', amountCents: 181500, openCents: 181500 },
        { line: 3, invoiceNumber: 'F20240018', issueDate: '2024-09-03', dueDate: '2024-10-03', dueDateDerived: true, amountCents: 24200, openCents: 12100 },
      ],
    }],
    ['afas.csv', 'afas', {
      encoding: 'utf-8', delimiter: ';', decimal: ',',
      rows: [
        { line: 2, invoiceNumber: '24000311', dueDate: '2024-11-15', amountCents: 302500, openCents: 302500 },
        { line: 3, invoiceNumber: '24000312', dueDate: '2024-11-16', amountCents: 14520, openCents: 4520 },
      ],
    }],
  ];

  it.each(cases)('%s (preset %s)', async (name, presetName, expected) => {
    const preset = presetName === undefined ? {} : { preset: loadPreset(presetName) };
    const { rows, result } = await readFile(fixture(name), preset);
    expect(result.encoding).toBe(expected.encoding);
    expect(result.delimiter).toBe(expected.delimiter);
    expect(result.decimal).toBe(expected.decimal);
    expect(rows).toHaveLength(expected.rows.length);
    rows.forEach((r, i) => expect(r).toMatchObject({ file: name, currency: 'EUR', ...expected.rows[i] }));
    expect(where(errors(result))).toEqual(expected.errors ?? []);
  });

  it.each([1, 3, 16, 100])('gives the same answer when read in %i-byte chunks', async (chunkSize) => {
    for (const name of ['utf8.csv', 'utf8-bom.csv', 'windows-1252.csv', 'quoted.csv', 'crlf.csv', 'bad-rows.csv', 'ambiguous.csv']) {
      const whole = await readFile(fixture(name));
      const pieces = await readFile(fixture(name), { chunkSize });
      expect(pieces.rows, name).toEqual(whole.rows);
      expect(pieces.result.issues, name).toEqual(whole.result.issues);
    }
  });

  it('keeps the names with ł, ő, ş, ž and the Windows-1252 €, é, ë, Ž, Š intact', async () => {
    const names = async (f: string) => (await readFile(fixture(f))).rows.map((r) => r.debtor.name);
    expect(await names('utf8.csv')).toEqual(['Paweł Łukasiewicz', 'Győző Kovács Bouw B.V.', 'Ayşe Yılmaz', 'Žofie Nováková']);
    expect(await names('windows-1252.csv')).toEqual(['Café Noël – Renée Geërts', 'Žaneta Šimková']);
    expect(await names('quoted.csv')).toEqual(['Bakkerij "De Korenschoof" B.V.', 'Kowalczyk; Łapiński & Zn', 'Şahin "Ş" Demir']);
  });

  it('reads the debtor columns of utf8.csv', async () => {
    const { rows } = await readFile(fixture('utf8.csv'));
    expect(rows[1]!.debtor).toEqual({
      number: 'D002', name: 'Győző Kovács Bouw B.V.', type: 'business', typeKnown: true, contactPerson: 'Győző Kovács',
      email: 'info@kovacsbouw.example', phone: null, street: 'Industrieweg 12', postcode: '3821 AB', city: 'Amersfoort',
      country: 'NL', language: 'nl', kvk: null, vatNumber: null,
    });
    expect(rows[2]!.debtor).toMatchObject({ type: 'consumer', typeKnown: false, language: 'en', country: 'NL' });
  });

  it('keeps a newline inside a quoted address', async () => {
    const { rows } = await readFile(fixture('quoted.csv'));
    expect(rows[1]!.debtor.street).toBe('Postbus 7\n2500 AA Den Haag');
    expect(rows[0]!.debtor.street).toBe('Dorpsstraat 12; achterom');
  });
});

describe('bad-rows.csv: every bad line is reported with its line and column', () => {
  it('lists all of them, sorted, and hands out only the good row', async () => {
    const { rows, result } = await readFile(fixture('bad-rows.csv'));
    expect(rows.map((r) => r.line)).toEqual([2]);
    expect(where(errors(result))).toEqual([
      // 10/31/2024 (line 15) can only be month-first: the whole Factuurdatum column would be.
      [0, 0, 'date_month_first'],
      [3, 7, 'bad_amount'],
      [4, 6, 'bad_date'],
      [5, 4, 'unknown_debtor_type'],
      [6, 9, 'currency_not_eur'],
      [7, 1, 'duplicate_invoice'],
      [8, 5, 'wrong_field_count'],
      [9, 8, 'open_exceeds_amount'],
      [10, 1, 'missing_field'],
      [11, 8, 'open_sign_mismatch'],
      [12, 6, 'missing_field'],
      [14, 7, 'decimal_mismatch'],
      [16, 3, 'unterminated_quote'],
    ]);
    expect(where(warnings(result))).toEqual([[15, 7, 'zero_amount']]);
    expect(result).toMatchObject({ records: 14, rows: 1, rejected: 13, errorCount: 13, warningCount: 1 });
  });

  it('says the value, the rule and the fix', async () => {
    const { result } = await readFile(fixture('bad-rows.csv'), { displayName: 'invoices.csv' });
    const byLine = new Map(result.issues.map((i) => [`${i.line}:${i.code}`, i]));
    expect(byLine.get('3:bad_amount')).toMatchObject({
      file: 'invoices.csv',
      message: 'Bedrag "12,3,4" is not an amount: not a number',
      value: '12,3,4',
      hint: expect.stringContaining('1.234,56'),
    });
    expect(formatIssueLocation(byLine.get('3:bad_amount')!)).toBe('invoices.csv:3:7');
    expect(byLine.get('4:bad_date')!.message).toBe('Vervaldatum "31-02-2024" is not a date: no such calendar day');
    expect(byLine.get('7:duplicate_invoice')!.message).toBe('invoice number "F-1" appears twice in the file (first on line 2)');
    expect(byLine.get('8:wrong_field_count')!.message).toBe("the line has 4 fields but the header has 9 (delimiter ';')");
    expect(byLine.get('14:decimal_mismatch')!.message).toContain('decided by "100,00" on line 2');
    expect(byLine.get('0:date_month_first')!.message).toBe(
      'column 5 ("Factuurdatum") is month-first: "10/31/2024" (line 15) can only be month/day/year, so "01-10-2024" (line 2) would be read wrongly day-first; dates are read one way per column',
    );
    expect(byLine.get('0:date_month_first')!.hint).toContain('--date-order mdy');
    for (const issue of result.issues) {
      expect(issue.hint.length, issue.code).toBeGreaterThan(10);
      expect(issue.code).toMatch(/^[a-z]+(_[a-z0-9]+)*$/);
    }
  });

  it('keeps at most maxIssues and counts the rest', async () => {
    const { result } = await readFile(fixture('bad-rows.csv'), { maxIssues: 3 });
    expect(result.issuesTruncated).toBe(true);
    expect(result.errorCount).toBe(13);
    expect(result.issues).toHaveLength(4);
    expect(result.issues[3]).toMatchObject({ code: 'too_many_issues', message: '11 more issues not listed' });
  });
});

describe('amounts', () => {
  it.each<[string, ',' | '.', number]>([
    ['1.234,56', ',', 123456],
    ['1234,56', ',', 123456],
    ['1234.56', '.', 123456],
    ['1,234.56', '.', 123456],
    ['€ 1.234,56', ',', 123456],
    ['€1.234,56', ',', 123456],
    ['EUR 10,00', ',', 1000],
    ['-12,50', ',', -1250],
    ['12,50-', ',', -1250],
    ['€ -12,50', ',', -1250],
    ['(12,50)', ',', -1250],
    ['+7,5', ',', 750],
    ['0,5', ',', 50],
    ['2500', ',', 250000],
    ['2500', '.', 250000],
    ['75,', ',', 7500],
    ['1.234.567,89', ',', 123456789],
    ['1.000', ',', 100000],
    ['1.230', '.', 123],
    [' 12,50 ', ',', 1250],
    ['12,500', '.', 1250000],
  ])('%j with --decimal %s is %i cents', async (text, decimal, cents) => {
    const { rows, result } = await readText(csv(row('F1', `"${text}"`)), { decimal });
    expect(errors(result)).toEqual([]);
    expect(rows[0]).toMatchObject({ amountCents: cents, openCents: cents });
  });

  it.each<[string, number, ',' | '.']>([
    ['1.234,56', 123456, ','],
    ['1234,56', 123456, ','],
    ['1234.56', 123456, '.'],
    ['€ 1.234,56', 123456, ','],
    ['12,50-', -1250, ','],
    ['1,234.56', 123456, '.'],
  ])('%j decides the decimal mark by itself', async (text, cents, mark) => {
    const { rows, result } = await readText(csv(row('F1', `"${text}"`)));
    expect(result.decimal).toBe(mark);
    expect(result.decimalSource).toBe('detected');
    expect(rows[0]!.amountCents).toBe(cents);
  });

  it.each<[string, ',' | '.', string]>([
    ['12,3,4', ',', 'not a number'],
    ['abc', ',', 'not a number'],
    ['1,234', ',', 'more than two decimals'],
    ['12.34', ',', "misplaced '.'"],
    ['=A1*2', ',', 'not a number'],
    ['12,50 USD', ',', 'not a number'],
  ])('%j with --decimal %s is a bad_amount (%s)', async (text, decimal, reason) => {
    const { rows, result } = await readText(csv(row('F1', text)), { decimal });
    expect(rows).toEqual([]);
    expect(errors(result)).toEqual([
      expect.objectContaining({ line: 2, column: 5, code: 'bad_amount', value: text, message: expect.stringContaining(reason) }),
    ]);
    expect(errors(result)[0]!.message).toContain("from --decimal");
  });

});

describe('the decimal mark of a file', () => {
  it('parses ambiguous amounts that came before the deciding one, in file order', async () => {
    const { rows, result } = await readText(csv(row('F1', '1.234'), row('F2', '2500'), row('F3', '12,50'), row('F4', '2.000')));
    expect(errors(result)).toEqual([]);
    expect(result.decimalDecidedBy).toEqual({ line: 4, column: 5, value: '12,50' });
    expect(rows.map((r) => [r.line, r.amountCents])).toEqual([[2, 123400], [3, 250000], [4, 1250], [5, 200000]]);
  });

  it('a decimal point decides too', async () => {
    const { rows, result } = await readText(csv(row('F1', '1.230'), row('F2', '12.50')));
    expect(result.decimal).toBe('.');
    expect(rows.map((r) => r.amountCents)).toEqual([123, 1250]);
  });

  it('the open amount can decide for the amount of the same row', async () => {
    const { rows, result } = await readText(csv(row('F1', '1.234', '1.234,00')));
    expect(result.decimal).toBe(',');
    expect(rows[0]).toMatchObject({ amountCents: 123400, openCents: 123400 });
  });

  it('an amount that contradicts the decision is an error on its own row', async () => {
    const { rows, result } = await readText(csv(row('F1', '12,50'), row('F2', '1,234.56'), row('F3', '7,00')));
    expect(rows.map((r) => r.invoiceNumber)).toEqual(['F1', 'F3']);
    expect(where(errors(result))).toEqual([[3, 5, 'decimal_mismatch']]);
  });

  it('a file with only ambiguous amounts is ONE error naming --decimal , and --decimal .', async () => {
    const { rows, result } = await readText(csv(row('F1', '1.234'), row('F2', '2.500', '2.500'), row('F3', '10.000')));
    expect(rows).toEqual([]);
    const errs = errors(result);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject({ line: 0, column: 0, code: 'decimal_undecided', value: '1.234' });
    expect(errs[0]!.message).toContain('(line 2, column 5)');
    expect(errs[0]!.hint).toContain('--decimal ,');
    expect(errs[0]!.hint).toContain('--decimal .');
    expect(result.decimal).toBeNull();
  });

  it('an amount that is invalid under both marks is a bad_amount, not an undecided file', async () => {
    const { result } = await readText(csv(row('F1', '1234.567')));
    expect(where(errors(result))).toEqual([[2, 5, 'bad_amount']]);
  });

  it('--decimal settles ambiguous amounts', async () => {
    const comma = await readText(csv(row('F1', '1.234'), row('F2', '2.500')), { decimal: ',' });
    expect(comma.rows.map((r) => r.amountCents)).toEqual([123400, 250000]);
    expect(comma.result.decimalSource).toBe('option');
    const dot = await readText(csv(row('F1', '1.230'), row('F2', '2.500')), { decimal: '.' });
    expect(dot.rows.map((r) => r.amountCents)).toEqual([123, 250]);
  });

  it('a preset can fix the decimal mark', async () => {
    const preset: Preset = { ...loadPreset('generic'), decimal: ',' };
    const { rows, result } = await readText(csv(row('F1', '1.234')), { preset });
    expect(result.decimalSource).toBe('preset');
    expect(rows[0]!.amountCents).toBe(123400);
  });

  it('holds at most maxPendingRows while undecided, then reports and goes on', async () => {
    const lines = Array.from({ length: 10 }, (_, i) => row(`F${i}`, '1.000'));
    const { rows, result } = await readText(csv(...lines, row('X1', '3000'), row('X2', '12,50')), { maxPendingRows: 4 });
    expect(where(errors(result))).toEqual([[0, 0, 'decimal_undecided']]);
    expect(rows.map((r) => [r.invoiceNumber, r.amountCents])).toEqual([['X1', 300000], ['X2', 1250]]);
    expect(result.rejected).toBe(10);
  });
});

describe('dates', () => {
  it.each<[string, string]>([
    ['2024-11-01', '2024-11-01'],
    ['20241101', '2024-11-01'],
    ['01-11-2024', '2024-11-01'],
    ['1-11-2024', '2024-11-01'],
    ['1-2-2024', '2024-02-01'],
    ['01.11.2024', '2024-11-01'],
    ['29-02-2024', '2024-02-29'],
    [' 31-12-2024 ', '2024-12-31'],
  ])('due date %j is %s', async (text, iso) => {
    const { rows, result } = await readText(csv(row('F1', '10,00', '', text)));
    expect(errors(result)).toEqual([]);
    expect(rows[0]).toMatchObject({ dueDate: iso, dueDateDerived: false });
  });

  it.each<[string, string]>([
    ['29-02-2023', 'no such calendar day'],
    ['2024-13-01', 'no such calendar day'],
    ['31-12-24', 'not a date in a known notation'],
    ['morgen', 'not a date in a known notation'],
    ['2024-11-01T00:00', 'not a date in a known notation'],
  ])('due date %j is a bad_date (%s)', async (text, reason) => {
    const { rows, result } = await readText(csv(row('F1', '10,00', '', text)));
    expect(rows).toEqual([]);
    expect(errors(result)).toEqual([expect.objectContaining({ line: 2, column: 4, code: 'bad_date', value: text, message: expect.stringContaining(reason) })]);
  });

  it('derives the due date from the invoice date and the payment term', async () => {
    const text = 'Factuurnummer;Naam;Factuurdatum;Vervaldatum;Bedrag\nF1;Jan;15-01-2024;;10,00\nF2;Piet;15-01-2024;01-03-2024;10,00\n';
    const { rows } = await readText(text, { paymentTermDays: 14 });
    expect(rows.map((r) => [r.issueDate, r.dueDate, r.dueDateDerived])).toEqual([
      ['2024-01-15', '2024-01-29', true],
      ['2024-01-15', '2024-03-01', false],
    ]);
  });

  it('a file with only an invoice date column works', async () => {
    const { rows, result } = await readText('Factuurnummer;Naam;Datum;Bedrag\nF1;Jan;31-01-2024;10,00\n');
    expect(errors(result)).toEqual([]);
    expect(rows[0]).toMatchObject({ issueDate: '2024-01-31', dueDate: '2024-03-01', dueDateDerived: true });
  });

  it('both dates empty is an error; a due date before the invoice date is a warning', async () => {
    const text = 'Factuurnummer;Naam;Factuurdatum;Vervaldatum;Bedrag\nF1;Jan;;;10,00\nF2;Jan;15-01-2024;01-01-2024;10,00\n';
    const { rows, result } = await readText(text);
    expect(where(errors(result))).toEqual([[2, 4, 'missing_field']]);
    expect(where(warnings(result))).toEqual([[3, 4, 'due_before_issue']]);
    expect(rows.map((r) => r.invoiceNumber)).toEqual(['F2']);
  });

  it('a preset dateFormat refuses other notations', async () => {
    const preset: Preset = { ...loadPreset('generic'), dateFormat: 'DD-MM-YYYY' };
    const { rows, result } = await readText(csv(row('F1', '10,00', '', '01-11-2024'), row('F2', '10,00', '', '2024-11-01')), { preset });
    expect(rows.map((r) => r.invoiceNumber)).toEqual(['F1']);
    expect(errors(result)).toEqual([expect.objectContaining({ line: 3, code: 'bad_date', message: expect.stringContaining('DD-MM-YYYY') })]);
  });
});

describe('debtor fields', () => {
  const file = (type: string, language = '', country = '', currency = '') =>
    `Factuurnummer;Klantnummer;Naam;Type;Taal;Land;Valuta;Vervaldatum;Bedrag\nF1;K1;Jan;${type};${language};${country};${currency};01-11-2024;10,00\n`;

  it.each<[string, 'consumer' | 'business', boolean]>([
    ['consumer', 'consumer', true],
    ['Particulier', 'consumer', true],
    ['B2C', 'consumer', true],
    ['privé', 'consumer', true],
    ['PRIVÉ', 'consumer', true],
    ['business', 'business', true],
    ['Zakelijk', 'business', true],
    ['b2b', 'business', true],
    ['Bedrijf', 'business', true],
    ['', 'business', false],
  ])('debtor type %j is %s (known: %s)', async (text, type, known) => {
    const { rows, result } = await readText(file(text), { defaultDebtorType: 'business' });
    expect(errors(result)).toEqual([]);
    expect(rows[0]!.debtor).toMatchObject({ type, typeKnown: known });
  });

  it('an unknown debtor type is an error', async () => {
    const { rows, result } = await readText(file('klant'));
    expect(rows).toEqual([]);
    expect(errors(result)).toEqual([expect.objectContaining({ line: 2, column: 4, code: 'unknown_debtor_type', value: 'klant' })]);
  });

  it.each<[string, 'nl' | 'en']>([
    ['nl', 'nl'], ['NL', 'nl'], ['Nederlands', 'nl'], ['en', 'en'], ['EN', 'en'], ['English', 'en'], ['', 'en'],
  ])('language %j is %s', async (text, language) => {
    const { rows, result } = await readText(file('', text), { defaultLanguage: 'en' });
    expect(result.issues).toEqual([]);
    expect(rows[0]!.debtor.language).toBe(language);
  });

  it('an unknown language is a warning and the default is used', async () => {
    const { rows, result } = await readText(file('', 'Duits'));
    expect(where(warnings(result))).toEqual([[2, 5, 'unknown_language']]);
    expect(rows[0]!.debtor.language).toBe('nl');
  });

  it.each<[string, string, boolean]>([
    ['', 'NL', false], ['Nederland', 'NL', false], ['Netherlands', 'NL', false], ['nl', 'NL', false],
    ['be', 'BE', false], ['DE', 'DE', false], ['Duitsland', 'Duitsland', true],
  ])('country %j is %j (warning: %s)', async (text, country, warned) => {
    const { rows, result } = await readText(file('', '', text));
    expect(rows[0]!.debtor.country).toBe(country);
    expect(where(warnings(result))).toEqual(warned ? [[2, 6, 'unknown_country']] : []);
  });

  it.each(['', 'EUR', 'eur', '€'])('currency %j is EUR', async (text) => {
    const { rows, result } = await readText(file('', '', '', text));
    expect(errors(result)).toEqual([]);
    expect(rows[0]!.currency).toBe('EUR');
  });

  it.each(['USD', 'GBP', 'euro'])('currency %j is an error', async (text) => {
    const { rows, result } = await readText(file('', '', '', text));
    expect(rows).toEqual([]);
    expect(errors(result)).toEqual([expect.objectContaining({ line: 2, column: 7, code: 'currency_not_eur', value: text })]);
  });

  it('without a debtor number the debtor is keyed by the normalised name', async () => {
    const text = 'Factuurnummer;Naam;Vervaldatum;Bedrag\nF1;  Bakkerij   De  Korenschoof ;01-11-2024;10,00\nF2;bakkerij de korenschoof;01-11-2024;5,00\n';
    const { rows } = await readText(text);
    expect(rows.map((r) => [r.debtor.number, r.debtor.name])).toEqual([
      ['name:bakkerij de korenschoof', 'Bakkerij   De  Korenschoof'],
      ['name:bakkerij de korenschoof', 'bakkerij de korenschoof'],
    ]);
    expect(debtorKeyFromName(' Łukasz  ŻAK ')).toBe('name:łukasz żak');
  });

  it('without a debtor name the number is the name; with neither it is an error', async () => {
    const text = 'Factuurnummer;Klantnummer;Naam;Vervaldatum;Bedrag\nF1;K7;;01-11-2024;10,00\nF2;;;01-11-2024;10,00\n';
    const { rows, result } = await readText(text);
    expect(rows.map((r) => [r.debtor.number, r.debtor.name])).toEqual([['K7', 'K7']]);
    expect(where(errors(result))).toEqual([[3, 2, 'missing_field']]);
  });

  it('keeps invoice numbers and codes as strings, leading zeros included', async () => {
    const { rows } = await readText('Factuurnummer;Klantnummer;Naam;Vervaldatum;Bedrag\n 0030001100999991 ;007;Jan;01-11-2024;10,00\n');
    expect(rows[0]).toMatchObject({ invoiceNumber: '0030001100999991', debtor: { number: '007' } });
  });
});

describe('open amounts', () => {
  it.each<[string, string, number, number]>([
    ['100,00', '', 10000, 10000],
    ['100,00', '40,00', 10000, 4000],
    ['100,00', '0,00', 10000, 0],
    ['-50,00', '-20,00', -5000, -2000],
    ['-50,00', '0', -5000, 0],
  ])('amount %j and open %j', async (amount, open, a, o) => {
    const { rows, result } = await readText(csv(row('F1', amount, open)));
    expect(result.issues).toEqual([]);
    expect(rows[0]).toMatchObject({ amountCents: a, openCents: o });
  });

  it.each<[string, string, string]>([
    ['100,00', '100,01', 'open_exceeds_amount'],
    ['-50,00', '-60,00', 'open_exceeds_amount'],
    ['100,00', '-10,00', 'open_sign_mismatch'],
    ['-100,00', '10,00', 'open_sign_mismatch'],
    ['0,00', '10,00', 'open_exceeds_amount'],
  ])('amount %j and open %j: %s', async (amount, open, code) => {
    const { rows, result } = await readText(csv(row('F1', amount, open)));
    expect(rows).toEqual([]);
    expect(where(errors(result))).toEqual([[2, 6, code]]);
  });

  it('an amount of zero is a warning, not an error', async () => {
    const { rows, result } = await readText(csv(row('F1', '0,00')));
    expect(rows).toHaveLength(1);
    expect(where(warnings(result))).toEqual([[2, 5, 'zero_amount']]);
  });

  it('an empty amount is a missing_field', async () => {
    const { result } = await readText(csv(row('F1', '')));
    expect(where(errors(result))).toEqual([[2, 5, 'missing_field']]);
  });
});

describe('records and columns', () => {
  it('skips blank lines and rows of empty cells silently; a wrong field count is an error', async () => {
    const { rows, result } = await readText(csv(row('F1', '1,00'), '', ';;;;;', ';;;', row('F2', '2,00') + ';extra', row('F3', '3,00')));
    expect(rows.map((r) => [r.invoiceNumber, r.line])).toEqual([['F1', 2], ['F3', 7]]);
    expect(where(errors(result))).toEqual([[6, 7, 'wrong_field_count']]);
  });

  it('reports a duplicate invoice number on every later occurrence, naming the first', async () => {
    const { rows, result } = await readText(csv(row('F1', '1,00'), row('F2', '1,00'), row('F1', '2,00'), row('F1', '3,00')));
    expect(rows.map((r) => r.line)).toEqual([2, 3]);
    expect(errors(result).map((e) => [e.line, e.code, e.message])).toEqual([
      [4, 'duplicate_invoice', 'invoice number "F1" appears twice in the file (first on line 2)'],
      [5, 'duplicate_invoice', 'invoice number "F1" appears twice in the file (first on line 2)'],
    ]);
  });

  it('keeps formula-looking cells as text', async () => {
    const text = 'Factuurnummer;Naam;Vervaldatum;Bedrag;Kenmerk\n=1+1;@Jansen;01-11-2024;10,00;-2+3\n';
    const { rows } = await readText(text);
    expect(rows[0]).toMatchObject({ invoiceNumber: '=1+1', debtor: { name: '@Jansen' }, reference: '-2+3' });
  });

  it('a missing column is one error per requirement, naming the accepted headers; no rows', async () => {
    const { rows, result } = await readText('Nummer;Naam;Vervaldatum\nF1;Jan;01-11-2024\n');
    expect(rows).toEqual([]);
    expect(where(errors(result))).toEqual([[0, 0, 'missing_column'], [0, 0, 'missing_column']]);
    const [invoice, amount] = errors(result);
    expect(invoice!.message).toBe('no column for invoice_number: the header (line 1) has "Nummer", "Naam", "Vervaldatum"');
    expect(invoice!.hint).toContain('"factuurnummer"');
    expect(amount!.message).toContain('no column for amount');
    expect(amount!.hint).toContain('"bedrag"');
  });

  it('reports unknown columns once as notices', async () => {
    const { result } = await readText('Factuurnummer;Naam;Opmerking;Vervaldatum;Bedrag;Datum\nF1;Jan;x;01-11-2024;1,00;01-10-2024\nF2;Jan;y;01-11-2024;1,00;01-10-2024\n');
    expect(result.notices.map((n) => [n.line, n.column, n.code])).toEqual([[1, 3, 'column_ignored']]);
    expect(result.ignoredColumns).toEqual([{ column: 3, header: 'Opmerking' }]);
    expect(result.columns.map((c) => c.field)).toEqual(['invoice_number', 'debtor_name', 'due_date', 'amount', 'issue_date']);
  });

  it('an empty file is an error', async () => {
    const { rows, result } = await readText('');
    expect(rows).toEqual([]);
    expect(where(errors(result))).toEqual([[0, 0, 'empty_file']]);
  });

  it('a header without data gives no rows and no errors', async () => {
    const { rows, result } = await readText(HEADER);
    expect(rows).toEqual([]);
    expect(result.issues).toEqual([]);
  });

  it('honours an Excel "sep=" first line', async () => {
    const { rows, result } = await readText('sep=,\r\nFactuurnummer,Naam,Vervaldatum,Bedrag\r\nF1,"Jansen, J.",01-11-2024,"12,50"\r\n');
    expect(result.delimiter).toBe(',');
    expect(result.delimiterSource).toBe('sep-line');
    expect(rows[0]).toMatchObject({ line: 3, debtor: { name: 'Jansen, J.' }, amountCents: 1250 });
  });

  it('--delimiter overrides the sniffed one', async () => {
    // The header has more commas than semicolons, but the file is `;`-separated.
    const text = 'Factuurnummer;Naam;Opmerking (intern, niet, printen, ook, niet, mailen);Vervaldatum;Bedrag\nF1;Jansen, Jan;x;01-11-2024;5,00\n';
    expect((await readText(text)).result.delimiter).toBe(',');
    const { rows, result } = await readText(text, { delimiter: ';' });
    expect(result.delimiterSource).toBe('option');
    expect(rows[0]!.debtor.name).toBe('Jansen, Jan');
  });

  it('--encoding utf-8 on a Windows-1252 file warns once about the bad bytes', async () => {
    const file = tempFile(iconv.encode('Factuurnummer;Naam;Vervaldatum;Bedrag\nF1;Jan;01-11-2024;5,00\nF2;Noël;01-11-2024;5,00\nF3;Zoë;01-11-2024;5,00\n', 'windows-1252'));
    const { rows, result } = await readFile(file, { encoding: 'utf-8' });
    expect(rows.map((r) => r.debtor.name)).toEqual(['Jan', 'No\uFFFDl', 'Zo\uFFFD']);
    expect(result.encodingSource).toBe('option');
    expect(where(warnings(result))).toEqual([[3, 2, 'invalid_utf8']]);
  });

  it('a euro sign read with the wrong encoding makes the amount a bad_amount, not a silent zero', async () => {
    const { rows, result } = await readFile(fixture('windows-1252.csv'), { encoding: 'utf-8' });
    expect(rows).toEqual([]);
    expect(where(errors(result))).toEqual([[2, 6, 'bad_amount'], [3, 6, 'bad_amount']]);
  });

  it('--encoding windows-1252 is obeyed', async () => {
    const file = tempFile(iconv.encode('Factuurnummer;Naam;Vervaldatum;Bedrag\nF1;Noël;01-11-2024;€ 5,00\n', 'windows-1252'));
    const { rows, result } = await readFile(file, { encoding: 'windows-1252' });
    expect(result.encoding).toBe('windows-1252');
    expect(rows[0]).toMatchObject({ debtor: { name: 'Noël' }, amountCents: 500 });
  });
});

describe('the reader API', () => {
  it('readInvoiceCsv returns the result as the generator return value', async () => {
    const gen = readInvoiceCsv(fixture('bad-rows.csv'), { ...BASE, displayName: 'x.csv' });
    const rows: InvoiceRow[] = [];
    let step = await gen.next();
    while (!step.done) {
      rows.push(step.value);
      step = await gen.next();
    }
    expect(rows).toHaveLength(1);
    expect(step.value.file).toBe('x.csv');
    expect(step.value.errorCount).toBe(13);
    expect(step.value.issues.every((i) => i.file === 'x.csv')).toBe(true);
  });

  it('batches() hands out the same rows in arrays', async () => {
    const reader = new InvoiceCsvReader(fixture('utf8.csv'), BASE);
    const batches: InvoiceRow[][] = [];
    for await (const b of reader.batches()) batches.push(b);
    expect(batches.flat().map((r) => r.invoiceNumber)).toEqual(['F2024-0001', 'F2024-0002', 'F2024-0003', '00042']);
    expect(reader.result!.rows).toBe(4);
  });

  it('stopping early closes the file and leaves no result', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => row(`F${i}`, '1,00'));
    const reader = new InvoiceCsvReader(tempFile(csv(...lines)), { ...BASE, chunkSize: 1024 });
    let n = 0;
    for await (const _ of reader.rows()) if (++n === 10) break;
    expect(n).toBe(10);
    expect(reader.result).toBeNull();
  });

  it('can be read only once', async () => {
    const reader = new InvoiceCsvReader(fixture('utf8.csv'), BASE);
    for await (const _ of reader.rows());
    await expect(reader.rows().next()).rejects.toThrow(/only once/);
  });

  it('streams: a large file is handed out in many batches', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => row(`F${i}`, `${i},50`));
    const reader = new InvoiceCsvReader(tempFile(csv(...lines)), BASE);
    let batches = 0;
    let rows = 0;
    for await (const b of reader.batches()) {
      batches++;
      rows += b.length;
    }
    expect(rows).toBe(20_000);
    expect(batches).toBeGreaterThan(5);
  });
});

describe('InvoiceNumberTable', () => {
  it('behaves like a Map from number to first line', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('F', '0', '1', '2', 'ł', '-', ' '), maxLength: 6 }), { maxLength: 3000 }), (keys) => {
        const table = new InvoiceNumberTable();
        const map = new Map<string, number>();
        keys.forEach((k, i) => {
          const line = i + 2;
          const expected = map.get(k) ?? 0;
          if (expected === 0) map.set(k, line);
          expect(table.firstLine(k, line)).toBe(expected);
        });
        expect(table.size).toBe(map.size);
      }),
      { numRuns: 50 },
    );
  });

  it('grows past its initial size', () => {
    const table = new InvoiceNumberTable();
    for (let i = 1; i <= 100_000; i++) expect(table.firstLine(`INV-${i}`, i)).toBe(0);
    for (let i = 1; i <= 100_000; i += 997) expect(table.firstLine(`INV-${i}`, 1)).toBe(i);
    expect(table.size).toBe(100_000);
  });

  it('keeps one byte per character until a number needs two, then finds the earlier numbers still', () => {
    const table = new InvoiceNumberTable();
    for (let i = 1; i <= 5000; i++) expect(table.firstLine(`FÉ-${i}`, i)).toBe(0);
    expect(table.firstLine('Ł-1', 9000)).toBe(0);
    for (let i = 1; i <= 5000; i += 499) expect(table.firstLine(`FÉ-${i}`, 1)).toBe(i);
    expect(table.firstLine('Ł-1', 1)).toBe(9000);
    expect(table.firstLine('L-1', 1)).toBe(0);
  });
});

describe('dates are decided per file and column, never per cell (issue 18 item 6)', () => {
  it.each<[string, string[], Partial<InvoiceCsvOptions>, string | null, string[] | null]>([
    // [case, due dates, options, file-level error code, due dates read]
    ['day-first only: read day-first', ['31-01-2026', '08-01-2026'], {}, null, ['2026-01-31', '2026-01-08']],
    ['one month-first value makes the column month-first: refused', ['08/01/2026', '01/31/2026'], {}, 'date_month_first', null],
    ['day-first and month-first values in one column: refused', ['31/01/2026', '01/31/2026'], {}, 'date_order_mixed', null],
    ['all ambiguous with "/": refused until --date-order says it', ['08/01/2026', '03/04/2026'], {}, 'date_order_ambiguous', null],
    ['all ambiguous with "/" and --date-order dmy', ['08/01/2026', '03/04/2026'], { dateOrder: 'dmy' }, null, ['2026-01-08', '2026-04-03']],
    ['month-first with --date-order mdy', ['08/01/2026', '01/31/2026'], { dateOrder: 'mdy' }, null, ['2026-08-01', '2026-01-31']],
    ['all ambiguous with "-" and Dutch headers: day-first', ['08-01-2026', '03-04-2026'], {}, null, ['2026-01-08', '2026-04-03']],
  ])('%s', async (_name, dues, options, code, read) => {
    const { rows, result } = await readText(csv(...dues.map((d, i) => row(`F${i}`, '10,00', '', d))), options);
    if (code === null) {
      expect(errors(result)).toEqual([]);
      expect(rows.map((r) => r.dueDate)).toEqual(read);
    } else {
      expect(errors(result).map((e) => [e.line, e.code])).toEqual([[0, code]]);
      if (code !== 'date_order_mixed') expect(errors(result)[0]!.hint).toContain('--date-order');
    }
  });

  it('English headers with only ambiguous dates need --date-order, also with "-"', async () => {
    const text = 'Invoice Number;Name;Due Date;Amount\nF1;Jan;08-01-2026;10.00\n';
    const { result } = await readText(text);
    expect(errors(result)).toEqual([expect.objectContaining({ line: 0, code: 'date_order_ambiguous', message: expect.stringContaining('English headers') })]);
  });
});

describe('header limits and duplicate columns (issue 11)', () => {
  it('two columns with one name are an error naming both', async () => {
    const { rows, result } = await readText('Factuurnummer;Naam;Bedrag;Vervaldatum;Bedrag\nF1;Jan;10,00;01-11-2024;20,00\n');
    expect(rows).toEqual([]);
    expect(errors(result).map((e) => e.message)).toEqual(['columns 3 ("Bedrag") and 5 ("Bedrag") both map to amount']);
  });

  it('a 200,000-column header gives one short message', async () => {
    const header = Array.from({ length: 200_000 }, () => 'c').join(';');
    const { result } = await readText(`${header}\n1;2\n`);
    expect(result.issues.map((i) => i.code)).toEqual(['too_many_columns']);
    expect(result.issues[0]!.message).toBe('the header (line 1) has 200000 columns; an invoice export has at most 1000');
    // Longer names make the header line itself too long: still one message.
    const long = await readText(`${Array.from({ length: 200_000 }, (_, i) => `kolom${i}`).join(';')}\n1;2\n`);
    expect(long.result.issues.map((i) => [i.code, i.message])).toEqual([['record_too_long', 'the line is longer than 1048576 characters']]);
  });

  it('a missing column lists at most 20 header cells', async () => {
    const header = Array.from({ length: 500 }, (_, i) => `kolom${i}`).join(';');
    const { result } = await readText(`${header}\n`);
    const message = errors(result).map((e) => e.message).join('\n');
    expect(message.length).toBeLessThan(2000);
    expect(message).toContain('and 480 more');
  });

  it('a value longer than the field limit is refused without echoing it', async () => {
    const { result } = await readText(csv(row('F1', '10,00').replace('Jan Jansen', 'x'.repeat(5000))));
    expect(errors(result)).toEqual([expect.objectContaining({ line: 2, column: 3, code: 'field_too_long', message: 'Naam has 5000 characters; at most 2000 are read' })]);
  });
});
