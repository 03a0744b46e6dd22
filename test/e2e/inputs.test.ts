// `import` on what bookkeepers really have (issue 18 items 1, 3-6) and on hostile inputs
// (issue 11): Excel made by two programs, every package preset, CII, UTF-16, the wrong file,
// per-column date order, duplicate columns, a huge header, an e-invoice with a 10 MB PDF.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { zipSync } from 'fflate';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { BIN, FIXTURES, baseEnv, cli, removedAfterAll, workspace } from '../helpers/cli.js';
import { query } from '../helpers/ledger.js';

const TODAY = ['--today', '2026-09-22'];
const dirs = removedAfterAll();
function ws(options: Parameters<typeof workspace>[0] = {}): string {
  const dir = workspace(options);
  dirs.push(dir);
  return dir;
}
const db = (dir: string): string => path.join(dir, 'pre-incasso.db');
const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');

describe('the wrong file: one line, exit 4, nothing written (issue 18 item 5, issue 11)', () => {
  const UBL = fs.readFileSync(path.join(FIXTURES, 'ubl', 'SI-UBL-2.0_ok_minimal.xml'));
  it.each<[string, (dir: string) => string, string]>([
    ['a PDF', (d) => put(d, 'openstaand.pdf', '%PDF-1.7\n%\xe2\xe3\n1 0 obj\n'), 'openstaand.pdf: is a PDF document, not a list of invoices; export the open items from your bookkeeping package as CSV or Excel (.xlsx) and import that.'],
    ['a ZIP archive', (d) => put(d, 'export.zip', Buffer.from(zipSync({ 'open.csv': new TextEncoder().encode('a;b\n') }))), 'export.zip: is a ZIP archive; unpack it and import the CSV, .xlsx or XML file inside.'],
    ['an Excel 97 .xls renamed .csv', (d) => put(d, 'oud.csv', Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(500)])), 'oud.csv: is an Excel 97-2003 workbook (.xls) or another old Office file; open it in Excel or LibreOffice, save it as .xlsx or CSV, and import that.'],
    ['an OpenDocument spreadsheet', (d) => put(d, 'lijst.ods', Buffer.from(zipSync({ mimetype: new TextEncoder().encode('application/vnd.oasis.opendocument.spreadsheet') }, { level: 0 }))), 'lijst.ods: is an OpenDocument spreadsheet (.ods); save it as .xlsx or CSV (File > Save As) and import that.'],
    ['a CAMT.053 statement', (d) => copy(d, path.join(FIXTURES, 'camt053', 'camt053.v2.minimal.xml')), 'camt053.v2.minimal.xml: is a bank statement (CAMT.053/054 XML), not an invoice export; read it with `pre-incasso payments import`.'],
    ['an MT940 statement', (d) => copy(d, path.join(FIXTURES, 'mt940', 'rabo_sample4.txt')), 'rabo_sample4.txt: is a bank statement (MT940), not an invoice export; read it with `pre-incasso payments import`.'],
    ['a folder', (d) => (fs.mkdirSync(path.join(d, 'exports')), 'exports'), 'exports: is a folder, not a file; name the export file(s) inside it, e.g. folder/*.csv.'],
    ['an empty file', (d) => put(d, 'leeg.csv', ''), 'leeg.csv: is empty (0 bytes); export the open invoices again; the file must have a header line and rows.'],
    ['/dev/zero', () => '/dev/zero', '/dev/zero: is a character device, not a file; save the export to a file and import that file.'],
    ['a missing file', () => 'nergens.csv', 'nergens.csv: no such file; check the path and give the export file(s) to import.'],
    ['a web page saved as .xls', (d) => put(d, 'rapport.xls', '<!DOCTYPE html><html><body><table><tr><td>Factuur</td></tr></table></body></html>'), 'rapport.xls: is a web page (HTML), as some packages save their "Excel export"; open it in Excel or LibreOffice, save it as .xlsx or CSV, and import that.'],
    ['a binary file', (d) => put(d, 'data.csv', Buffer.from([1, 2, 3, 0, 255, 0, 0, 9, 77])), 'data.csv: is a binary file, not text (it contains NUL bytes); export the open items as CSV or Excel (.xlsx) and import that.'],
    ['a UBL invoice in a foreign namespace', (d) => put(d, 'factuur.xml', UBL.toString('utf8').replace('xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"', 'xmlns="urn:example:other"')), 'factuur.xml: the root element <Invoice> is in namespace "urn:example:other", not "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2": this is not a UBL e-invoice; nothing was imported.'],
  ])('%s', (_name, make, message) => {
    const dir = ws();
    const file = make(dir);
    const r = cli(dir, ['import', file, ...TODAY]);
    expect(r.code, r.stderr).toBe(4);
    expect(lines(r.stderr)[0]).toBe(`error: ${message}`);
    expect(r.stdout).toBe('');
    // The refusal comes before the ledger is opened: not even an empty ledger is created.
    if (!message.includes('nothing was imported')) expect(fs.existsSync(db(dir))).toBe(false);
    else expect(query(dir, 'SELECT count(*) AS n FROM invoices')).toEqual([{ n: 0 }]);
  });

  it('a refused file among good ones stops the whole import', () => {
    const dir = ws({ files: ['openstaande-posten-september.csv'] });
    put(dir, 'bijlage.pdf', '%PDF-1.4\n');
    const r = cli(dir, ['import', 'openstaande-posten-september.csv', 'bijlage.pdf', ...TODAY]);
    expect(r.code).toBe(4);
    expect(fs.existsSync(db(dir))).toBe(false);
  });
});

function put(dir: string, name: string, content: string | Buffer): string {
  fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? Buffer.from(content, 'latin1') : content);
  return name;
}
function copy(dir: string, from: string, name = path.basename(from)): string {
  fs.copyFileSync(from, path.join(dir, name));
  return name;
}

describe('UTF-16 exports are decoded and imported', () => {
  const text = 'Factuurnummer;Naam;Vervaldatum;Bedrag\r\nF1;Café Zoë Łódź;31-08-2026;12,50\r\nF2;Ärzte GmbH;01-09-2026;7,00\r\n';
  it.each<[string, Buffer]>([
    ['UTF-16 LE with BOM (Excel "Unicode text")', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')])],
    ['UTF-16 BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(text, 'utf-16be')])],
    ['UTF-16 LE without BOM', iconv.encode(text, 'utf-16le')],
  ])('%s', (_name, bytes) => {
    const dir = ws();
    put(dir, 'unicode.csv', bytes);
    const r = cli(dir, ['import', 'unicode.csv', '--json', ...TODAY]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().files[0]).toMatchObject({ encoding: expect.stringMatching(/^utf-16(le|be)$/), rows: 2 });
    expect(query(dir, 'SELECT name FROM debtors ORDER BY name')).toEqual([{ name: 'Café Zoë Łódź' }, { name: 'Ärzte GmbH' }]);
  });
});

describe('Excel workbooks from two programs (issue 18 item 1)', () => {
  const XLSX = path.join(FIXTURES, 'xlsx');

  it('LibreOffice: date cells and numeric amounts, the first sheet', () => {
    const dir = ws();
    copy(dir, path.join(XLSX, 'libreoffice-openstaand.xlsx'));
    const r = cli(dir, ['import', 'libreoffice-openstaand.xlsx', '--json', ...TODAY]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ inserted: 4, files: [{ file: 'libreoffice-openstaand.xlsx:libreoffice-openstaand', format: 'xlsx', rows: 4 }] });
    expect(query(dir, 'SELECT number, issue_date, due_date, amount_cents, open_cents FROM invoices ORDER BY number')).toEqual([
      { number: '2026-0101', issue_date: '2026-07-01', due_date: '2026-07-31', amount_cents: 123456, open_cents: 123456 },
      { number: '2026-0102', issue_date: '2026-01-08', due_date: '2026-02-07', amount_cents: 10, open_cents: 10 },
      { number: '2026-0103', issue_date: '2026-06-15', due_date: '2026-07-15', amount_cents: 10000, open_cents: 5025 },
      { number: '2026-0104', issue_date: '2026-06-20', due_date: '2026-07-20', amount_cents: -2500, open_cents: -2500 },
    ]);
  });

  it('exceljs: --sheet by name, text and numeric amounts, leading zeros kept', () => {
    const dir = ws();
    copy(dir, path.join(XLSX, 'exceljs-openstaand.xlsx'));
    const r = cli(dir, ['import', 'exceljs-openstaand.xlsx', '--sheet', 'Openstaand', '--json', ...TODAY]);
    expect(r.code, r.stderr).toBe(0);
    expect(query(dir, 'SELECT i.number, d.name, i.due_date, i.amount_cents FROM invoices i JOIN debtors d ON d.number = i.debtor_number ORDER BY i.number')).toEqual([
      { number: '00317', name: 'Ödön', due_date: '2026-07-01', amount_cents: 10 },
      { number: '2026-0201', name: 'Café Één', due_date: '2026-07-31', amount_cents: 123456 },
      { number: '2026-0202', name: 'Smit & Zn', due_date: '2026-02-07', amount_cents: 9995 },
    ]);
  });

  it('the first sheet without a header is refused with its location; a wrong --sheet lists the sheets', () => {
    const dir = ws();
    copy(dir, path.join(XLSX, 'exceljs-openstaand.xlsx'));
    const first = cli(dir, ['import', 'exceljs-openstaand.xlsx', ...TODAY]);
    expect(first.code).toBe(4);
    expect(first.stderr).toMatch(/exceljs-openstaand\.xlsx:Toelichting: no column for invoice_number/);
    const wrong = cli(dir, ['import', 'exceljs-openstaand.xlsx', '--sheet', 'Blad9', ...TODAY]);
    expect(wrong.code).toBe(2);
    expect(lines(wrong.stderr)[0]).toBe('error: --sheet "Blad9": exceljs-openstaand.xlsx has no such sheet; its sheets are "Toelichting", "Openstaand".');
    expect(cli(dir, ['import', 'exceljs-openstaand.xlsx', '--sheet', '2', ...TODAY]).code).toBe(0);
  });

  it('a numeric cell that is not whole cents is refused at file:sheet!cell', () => {
    const dir = ws();
    copy(dir, path.join(XLSX, 'exceljs-subcent.xlsx'));
    const r = cli(dir, ['import', 'exceljs-subcent.xlsx', ...TODAY]);
    expect(r.code).toBe(4);
    expect(lines(r.stderr)[0]).toBe('error: exceljs-subcent.xlsx:Openstaand!G2: Openstaand "0,30000000000000004" is not an amount: more than two decimals; nothing was imported.');
    expect(query(dir, 'SELECT count(*) AS n FROM invoices')).toEqual([{ n: 0 }]);
  });

  it('an .xlsx renamed .csv is read as the workbook it is', () => {
    const dir = ws();
    copy(dir, path.join(XLSX, 'libreoffice-openstaand.xlsx'), 'openstaand.csv');
    const r = cli(dir, ['import', 'openstaand.csv', '--json', ...TODAY]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().inserted).toBe(4);
  });
});

describe('package presets are chosen by the header (issue 18 item 4)', () => {
  it.each<[string, string, { number: string; open_cents: number; debtor_number: string }]>([
    ['exact', 'exact.csv', { number: '26100045', open_cents: 151250, debtor_number: '20001' }],
    ['moneybird', 'moneybird.csv', { number: '2026-0045', open_cents: 50500, debtor_number: 'Voorbeeld Advies' }],
    ['snelstart', 'snelstart.csv', { number: '20260102', open_cents: 4235, debtor_number: '1002' }],
    ['twinfield', 'twinfield.csv', { number: 'F2026-018', open_cents: -4840, debtor_number: '1101' }],
    ['yuki', 'yuki.csv', { number: 'V2026-0042', open_cents: 181500, debtor_number: 'C-0042' }],
    ['eboekhouden', 'eboekhouden.csv', { number: 'F26-0102', open_cents: 100000, debtor_number: 'R0102' }],
    ['afas', 'afas.csv', { number: '26000312', open_cents: 4800, debtor_number: '40013' }],
  ])('%s', (preset, file, invoice) => {
    const dir = ws();
    copy(dir, path.join(FIXTURES, 'presets', file));
    const r = cli(dir, ['import', file, ...TODAY]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${file}: preset "${preset}" chosen by the header (override with --preset)`);
    const rows = query<{ number: string; open_cents: number; debtor_number: string }>(dir, 'SELECT number, open_cents, debtor_number FROM invoices');
    expect(rows).toHaveLength(2);
    const got = rows.find((x) => x.number === invoice.number)!;
    expect(got.open_cents).toBe(invoice.open_cents);
    // Debtors without a number in the file are keyed by name (in the debtor-key namespace).
    if (preset !== 'moneybird') expect(got.debtor_number).toBe(invoice.debtor_number);
  });
});

describe('e-invoices: CII next to UBL, the seller must be the creditor (issue 18 item 3)', () => {
  const energie = (c: any) => ({ ...c, creditor: { ...c.creditor, name: 'Energieleverancier B.V.', kvk: '17131139', vatNumber: 'NL809561074B01' } });

  it('imports the NLCIUS-CII sample with the buyer as debtor', () => {
    const dir = ws({ config: energie, files: [path.join(FIXTURES, 'ubl', 'NLCIUS-CII_ok_example.xml')] });
    const r = cli(dir, ['import', 'NLCIUS-CII_ok_example.xml', '--json', ...TODAY]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().files[0]).toMatchObject({ format: 'CII', rows: 1 });
    expect(query(dir, 'SELECT d.number, d.name, d.kvk, i.amount_cents, i.due_date FROM invoices i JOIN debtors d ON d.number = i.debtor_number')).toEqual([
      { number: '1081119', name: 'Klant', kvk: '13524678', amount_cents: 109978, due_date: '2014-11-24' },
    ]);
  });

  it('a purchase invoice (the creditor is the buyer) is refused in one line', () => {
    const buyer = (c: any) => ({ ...c, creditor: { ...c.creditor, name: 'Klant', kvk: '13524678' } });
    const dir = ws({ config: buyer, files: [path.join(FIXTURES, 'ubl', 'NLCIUS-CII_ok_example.xml')] });
    const r = cli(dir, ['import', 'NLCIUS-CII_ok_example.xml', ...TODAY]);
    expect(r.code).toBe(4);
    expect(lines(r.stderr)).toEqual([
      'error: NLCIUS-CII_ok_example.xml: is a purchase invoice: the buyer is you (Klant) and the seller is "Energieleverancier B.V." (KvK 17131139, VAT NL809561074B01); only your own sales invoices can be collected; nothing was imported.',
    ]);
    expect(query(dir, 'SELECT count(*) AS n FROM invoices')).toEqual([{ n: 0 }]);
  });

  it('an invoice of another seller (other KvK) is refused', () => {
    const dir = ws({ files: [path.join(FIXTURES, 'ubl', 'NLCIUS-CII_ok_example.xml')] });
    const r = cli(dir, ['import', 'NLCIUS-CII_ok_example.xml', ...TODAY]);
    expect(r.code).toBe(4);
    expect(lines(r.stderr)[0]).toContain('the seller "Energieleverancier B.V." (KvK 17131139, VAT NL809561074B01) is not the configured creditor "Bakkerij De Korenschoof B.V." (KvK 12345678, VAT NL000099998B57)');
  });

  it('an e-invoice with an embedded 10 MB PDF imports within 200 MB RSS', () => {
    const dir = ws({ config: energie });
    const cii = fs.readFileSync(path.join(FIXTURES, 'ubl', 'NLCIUS-CII_ok_example.xml'), 'utf8');
    const pdf = Buffer.alloc(10 * 1024 * 1024, 0x25).toString('base64');
    const withPdf = cii.replace(
      '</ram:ApplicableHeaderTradeAgreement>',
      `<ram:AdditionalReferencedDocument><ram:IssuerAssignedID>factuur.pdf</ram:IssuerAssignedID><ram:TypeCode>916</ram:TypeCode><ram:AttachmentBinaryObject mimeCode="application/pdf" filename="factuur.pdf">${pdf}</ram:AttachmentBinaryObject></ram:AdditionalReferencedDocument></ram:ApplicableHeaderTradeAgreement>`,
    );
    fs.writeFileSync(path.join(dir, 'met-pdf.xml'), withPdf);
    const r = spawnSync('/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, BIN, 'import', 'met-pdf.xml', '--json', ...TODAY], { cwd: dir, env: baseEnv(), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const kb = Number(/maxrss_kb=(\d+)/.exec(r.stderr)![1]);
    expect(kb).toBeLessThan(200 * 1024);
    expect(query(dir, 'SELECT number, amount_cents FROM invoices')).toEqual([{ number: '1100512149', amount_cents: 109978 }]);
  });
});

describe('dates are decided per file and column (issue 18 item 6)', () => {
  const file = (dir: string, dues: string[], header = 'Factuurnummer;Naam;Vervaldatum;Bedrag'): string =>
    put(dir, 'us.csv', `${header}\n${dues.map((d, i) => `F${i};Klant ${i};${d};10,00`).join('\n')}\n`);

  it('one month-first value refuses the file, naming the rule and --date-order; mdy reads it', () => {
    const dir = ws();
    file(dir, ['08/01/2026', '10/31/2026']);
    const r = cli(dir, ['import', 'us.csv', ...TODAY]);
    expect(r.code).toBe(4);
    expect(lines(r.stderr)[0]).toBe(
      'error: us.csv: column 3 ("Vervaldatum") is month-first: "10/31/2026" (line 3) can only be month/day/year, so "08/01/2026" (line 2) would be read wrongly day-first; dates are read one way per column; nothing was imported.',
    );
    expect(r.stderr).toContain('--date-order mdy');
    const ok = cli(dir, ['import', 'us.csv', '--date-order', 'mdy', ...TODAY]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(query(dir, 'SELECT due_date FROM invoices ORDER BY number')).toEqual([{ due_date: '2026-08-01' }, { due_date: '2026-10-31' }]);
  });

  it('all ambiguous with "/": refused until --date-order dmy', () => {
    const dir = ws();
    file(dir, ['08/01/2026', '03/04/2026']);
    const r = cli(dir, ['import', 'us.csv', ...TODAY]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('--date-order dmy');
    const ok = cli(dir, ['import', 'us.csv', '--date-order', 'dmy', ...TODAY]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(query(dir, 'SELECT due_date FROM invoices ORDER BY number')).toEqual([{ due_date: '2026-01-08' }, { due_date: '2026-04-03' }]);
  });

  it('--today, --since and payments --date share one parser', () => {
    const dir = ws();
    expect(cli(dir, ['calc', 'costs', '100', '--today', '22-09-2026']).code).toBe(0);
    expect(cli(dir, ['calc', 'interest', '100', '--due', '2026-09-01', '--until', '22/09/2026']).code).toBe(0);
    const until = cli(dir, ['calc', 'interest', '100', '--due', '2026-09-01', '--until', '09/22/2026']);
    expect(lines(until.stderr)[0]).toBe('error: --until "09/22/2026" is not a date (it looks month-first; dates are day-first).');
    const bad = cli(dir, ['calc', 'costs', '100', '--today', '09/22/2026']);
    expect(bad.code).toBe(2);
    expect(lines(bad.stderr)[0]).toBe('error: --today "09/22/2026" is not a date (it looks month-first; dates are day-first).');
  });
});

describe('header limits and duplicate columns (issue 11)', () => {
  it('two amount columns: an error naming both', () => {
    const dir = ws();
    put(dir, 'dubbel.csv', 'Factuurnummer;Naam;Bedrag;Vervaldatum;Bedrag\nF1;Jan;10,00;01-11-2026;20,00\n');
    const r = cli(dir, ['import', 'dubbel.csv', ...TODAY]);
    expect(r.code).toBe(4);
    expect(lines(r.stderr)[0]).toBe('error: dubbel.csv: columns 3 ("Bedrag") and 5 ("Bedrag") both map to amount; nothing was imported.');
  });

  it('a 200,000-column header gives one short message', () => {
    const dir = ws();
    put(dir, 'breed.csv', `${Array.from({ length: 200_000 }, () => 'x').join(';')}\n1;2\n`);
    const r = cli(dir, ['import', 'breed.csv', ...TODAY]);
    expect(r.code).toBe(4);
    expect(r.stderr.length).toBeLessThan(400);
    expect(lines(r.stderr)[0]).toBe('error: breed.csv: the header (line 1) has 200000 columns; an invoice export has at most 1000; nothing was imported.');
  });
});

describe('payments import: the wrong file, one line, exit 4, ledger untouched', () => {
  it.each<[string, (dir: string) => string, string]>([
    ['a PDF', (d) => put(d, 'afschrift.pdf', '%PDF-1.7\n%\xe2\xe3\n1 0 obj\n'), "afschrift.pdf: is a PDF document, not a bank statement; download the statement from your bank as CAMT.053, MT940 or the bank's CSV export."],
    ['an Excel workbook', (d) => copy(d, path.join(FIXTURES, 'xlsx', 'libreoffice-openstaand.xlsx')), "libreoffice-openstaand.xlsx: is an Excel workbook, not a bank statement; download the statement from your bank as CAMT.053, MT940 or the bank's CSV export (an invoice list goes to `pre-incasso import`)."],
    ['an e-invoice', (d) => copy(d, path.join(FIXTURES, 'ubl', 'SI-UBL-2.0_ok_minimal.xml')), 'SI-UBL-2.0_ok_minimal.xml: is an e-invoice (UBL), not a bank statement; read it with `pre-incasso import`.'],
    ['a folder', (d) => (fs.mkdirSync(path.join(d, 'bank')), 'bank'), 'bank: is a folder, not a file; name the export file(s) inside it, e.g. folder/*.csv.'],
    ['an empty file', (d) => put(d, 'leeg.csv', ''), 'leeg.csv: is empty (0 bytes); download the statement from your bank again.'],
  ])('%s', (_name, make, message) => {
    const dir = ws({ files: ['openstaande-posten-september.csv'] });
    expect(cli(dir, ['import', 'openstaande-posten-september.csv', ...TODAY]).code).toBe(0);
    const before = fs.readFileSync(db(dir));
    const file = make(dir);
    const r = cli(dir, ['payments', 'import', file, ...TODAY]);
    expect(r.code, r.stderr).toBe(4);
    expect(lines(r.stderr)[0]).toBe(`error: ${message}`);
    expect(fs.readFileSync(db(dir)).equals(before)).toBe(true);
  });
});
