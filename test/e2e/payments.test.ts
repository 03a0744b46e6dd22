// `payments import|add|list` end to end: the built CLI in a temp dir, real bank files (ING MT940,
// Triodos MT940, SNS CAMT.053), invoices made up to match references that are in those files.
// Needs `npm run build` first.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cli, workspace, writeCsv, CSV_HEADER, FIXTURES, type CliResult, ok } from '../helpers/cli.js';
import { query } from '../helpers/ledger.js';

const TODAY = '2018-03-15';
// ING's published example does not add up: 1000,00 + its entries is 4342,15, its :62F: says
// 4882,15, so `payments import` refuses it (issue 11). The tests use it with that one number
// corrected; test/unit/mt940.test.ts keeps the original and expects the refusal.
const ING = (() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-ing-'));
  const file = path.join(dir, 'ming-ing-provided-example-single-message.txt');
  const text = fs.readFileSync(path.join(FIXTURES, 'mt940', 'ming-ing-provided-example-single-message.txt'), 'utf8');
  fs.writeFileSync(file, text.replace(':62F:C140103EUR4882,15', ':62F:C140103EUR4342,15'));
  return file;
})();
afterAll(() => fs.rmSync(path.dirname(ING), { recursive: true, force: true }));
const TRIODOS = path.join(FIXTURES, 'mt940', 'triodos_iban_2.txt');
const SNS = path.join(FIXTURES, 'camt053', 'example-camt053-a.xml');
const BUNQ = path.join(FIXTURES, 'mt940', 'bunq_sample.txt');

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

interface Action {
  kind: string;
  debtor: string;
  invoices?: string[];
  amount_cents?: number;
}

function plannedLetters(dir: string): string[] {
  const doc = ok(cli(dir, ['run', '--dry-run', '--no-mail', '--json', '--today', TODAY]), 'run --dry-run').json<{ actions: Action[] }>();
  return doc.actions.filter((a) => a.kind === 'letter').map((a) => `${a.debtor} ${a.invoices!.join(',')} ${a.amount_cents}`);
}

describe('payments import on real bank statements', () => {
  let dir: string;
  let ledger: string;

  beforeAll(() => {
    dir = workspace();
    ledger = path.join(dir, 'pre-incasso.db');
    // References and numbers that occur in the fixtures: ING's betalingskenmerken (/REMI/STRD/CUR/),
    // Triodos' "Factuurnummer 201801-001" in the text, and Triodos' 4.383,23 and SNS' 500,00 from
    // a counterparty whose name is the debtor's.
    writeCsv(dir, 'open.csv', [
      `${CSV_HEADER};Kenmerk`,
      '2014-001;D1;ING Testrekening;zakelijk;d1@example.nl;Straat 1;1011 AA;Amsterdam;01-01-2018;31-01-2018;15,00;15,00;5010012368971337',
      '2014-002;D2;Jansen Techniek;zakelijk;d2@example.nl;Straat 2;1011 AA;Amsterdam;01-01-2018;31-01-2018;40,00;40,00;6390 3384 1496 4113',
      '201801-001;D3;G-AAAAA N.V.;zakelijk;d3@example.nl;Weg 3;3000 AA;Westbeen;02-01-2018;01-02-2018;3.456,29;3.456,29;',
      '2018-0077;D3;G-AAAAA N.V.;zakelijk;d3@example.nl;Weg 3;3000 AA;Westbeen;02-01-2018;01-02-2018;4.383,23;4.383,23;',
      '2018-0100;D3;G-AAAAA N.V.;zakelijk;d3@example.nl;Weg 3;3000 AA;Westbeen;03-01-2018;02-02-2018;750,00;750,00;',
      '2026-001;D4;GreatExample BV;zakelijk;d4@example.nl;Laan 4;1234 AB;Utrecht;01-01-2018;31-01-2018;500,00;500,00;',
    ]);
    ok(cli(dir, ['import', 'open.csv', '--today', TODAY, '--json']), 'import invoices');
  });

  it('before: every debtor gets a letter', () => {
    expect(plannedLetters(dir)).toEqual([
      'D1 2014-001 1500',
      'D2 2014-002 4000',
      'D3 2018-0077,201801-001,2018-0100 858952',
      'D4 2026-001 50000',
    ]);
  });

  it('imports three statements in one go and allocates what the evidence names', () => {
    const r = ok(cli(dir, ['payments', 'import', ING, TRIODOS, SNS, '--today', TODAY, '--json']), 'payments import');
    const doc = r.json();
    expect(doc).toMatchObject({
      dry_run: false,
      entries: 9 + 4 + 11,
      credits: 5 + 2 + 4,
      debits_ignored: 4 + 2 + 7,
      returns_ignored: 1,
      duplicates: 0,
      recorded: 10,
      matched: 5,
      unmatched: 5,
    });
    expect(doc.files.map((f: { format: string; entries: number }) => [f.format, f.entries])).toEqual([
      ['mt940-ing', 9],
      ['mt940-generic', 4],
      ['camt.053.001.02', 11],
    ]);
    expect(query(dir, 'SELECT invoice_number, amount_cents, method FROM allocations ORDER BY invoice_number')).toEqual([
      { invoice_number: '2014-001', amount_cents: 1500, method: 'structured' },
      { invoice_number: '2014-002', amount_cents: 2500, method: 'structured' },
      { invoice_number: '2018-0077', amount_cents: 438323, method: 'amount_name' },
      { invoice_number: '201801-001', amount_cents: 345629, method: 'text' },
      { invoice_number: '2026-001', amount_cents: 50000, method: 'amount_name' },
    ]);
    expect(query(dir, 'SELECT number, open_cents, status FROM invoices ORDER BY number')).toEqual([
      { number: '2014-001', open_cents: 0, status: 'paid' },
      { number: '2014-002', open_cents: 1500, status: 'open' },
      { number: '2018-0077', open_cents: 0, status: 'paid' },
      { number: '2018-0100', open_cents: 75000, status: 'open' },
      { number: '201801-001', open_cents: 0, status: 'paid' },
      { number: '2026-001', open_cents: 0, status: 'paid' },
    ]);
    expect(query(dir, "SELECT kind, count(*) AS n FROM events WHERE kind LIKE 'payment%' GROUP BY kind ORDER BY kind")).toEqual([
      { kind: 'payment_allocated', n: 5 },
      { kind: 'payment_recorded', n: 10 },
    ]);
    // The ING return of a direct debit (MD06) is reported, not applied.
    // The fixtures are other accounts than the example config's creditor.iban: a warning per file
    // and account (SNS' export holds statements of two accounts).
    expect(doc.warnings.filter((w: { code: string }) => w.code === 'other_account')).toHaveLength(4);
    expect(doc.warnings.filter((w: { code: string }) => w.code !== 'other_account').map((w: { code: string; line: number | null }) => [w.code, w.line])).toEqual([['debit_return', 18]]);
  });

  it('after: no letter for the paid invoices; the partly paid one asks for the rest', () => {
    expect(plannedLetters(dir)).toEqual(['D2 2014-002 1500', 'D3 2018-0100 75000']);
  });

  it('importing the same statements again changes nothing, not even the ledger file', () => {
    const before = sha256(ledger);
    const r = ok(cli(dir, ['payments', 'import', SNS, TRIODOS, ING, '--today', TODAY, '--json']), 'second import');
    expect(r.json()).toMatchObject({ recorded: 0, duplicates: 10, import_id: null });
    expect(sha256(ledger)).toBe(before);
  });

  it('--dry-run shows what a new statement would do and writes nothing', () => {
    const before = sha256(ledger);
    const r = ok(cli(dir, ['payments', 'import', BUNQ, '--dry-run', '--today', TODAY, '--json']), 'dry run');
    expect(r.json()).toMatchObject({ dry_run: true, import_id: null, recorded: 26, matched: 0 });
    expect(sha256(ledger)).toBe(before);
  });

  it('a damaged statement: exit 4, every problem with file:line, nothing written', () => {
    const broken = path.join(dir, 'broken.txt');
    fs.writeFileSync(broken, fs.readFileSync(ING, 'utf8').replace(':61:1401030103C20,00NTRF', ':6l:1401030103C20,00NTRF').replace(':61:1401030103C25,00', ':61:14010301X3C25,00'));
    const before = sha256(ledger);
    const r = cli(dir, ['payments', 'import', TRIODOS, 'broken.txt', '--today', TODAY]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('2 problems in the bank files; nothing was imported.');
    expect(r.stderr).toContain('broken.txt:27: unknown tag ":6l:"');
    expect(r.stderr).toContain('broken.txt:31: :61: "14010301X3C25,00');
    const json = cli(dir, ['payments', 'import', 'broken.txt', '--today', TODAY, '--json']);
    expect(json.code).toBe(4);
    expect(json.json().error).toMatchObject({ code: 'input_invalid', rejected: [{ file: 'broken.txt', line: 27, code: 'unknown_tag' }, { file: 'broken.txt', line: 31, code: 'bad_line61' }] });
    expect(sha256(ledger)).toBe(before);
  });

  it('payments add: a manual payment pays the rest; list --unmatched shows what is left', () => {
    const r = ok(cli(dir, ['payments', 'add', '2014-002', '15,00', '--date', '14-03-2018', '--reference', 'contant', '--today', TODAY]), 'payments add');
    expect(r.stdout).toBe('2018-03-14  € 15,00  manual -> 2014-002 € 15,00 (manual, paid)\n');
    expect(query(dir, "SELECT open_cents, status FROM invoices WHERE number = '2014-002'")).toEqual([{ open_cents: 0, status: 'paid' }]);
    expect(plannedLetters(dir)).toEqual(['D3 2018-0100 75000']);

    const list = ok(cli(dir, ['payments', 'list', '--unmatched', '--json', '--today', TODAY]), 'payments list').json();
    expect(list.payments.map((p: { date: string; amount_cents: number; counterparty_name: string | null }) => [p.date, p.amount_cents, p.counterparty_name])).toEqual([
      ['2014-01-03', 2000, 'ING Testrekening'],
      ['2014-01-03', 388915, null],
      ['2026-02-05', 10398, null],
      ['2026-03-05', 9384, null],
      ['2026-04-05', 10392, null],
    ]);
    expect(list.unallocated_cents).toBe(2000 + 388915 + 10398 + 9384 + 10392);
    const all = ok(cli(dir, ['payments', 'list', '--json', '--today', TODAY]), 'payments list').json();
    expect(all.count).toBe(11);
    expect(all.payments.find((p: { reference: string | null }) => p.reference === 'contant')).toMatchObject({ source: 'manual', amount_cents: 1500, allocations: [{ invoice: '2014-002', amount_cents: 1500, method: 'manual' }] });
  });

  it('payments add: an unknown invoice is exit 4, a bad amount exit 2, and nothing is recorded', () => {
    const before = sha256(ledger);
    const unknown = cli(dir, ['payments', 'add', '2099-999', '10,00', '--today', TODAY]);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('No invoice "2099-999" in the ledger.');
    const bad = cli(dir, ['payments', 'add', '2018-0100', 'tien', '--today', TODAY]);
    expect(bad.code).toBe(2);
    expect(sha256(ledger)).toBe(before);
  });

  it('the text report names each payment and where it went', () => {
    const fresh = workspace();
    writeCsv(fresh, 'open.csv', [
      `${CSV_HEADER};Kenmerk`,
      '2014-001;D1;ING Testrekening;zakelijk;d1@example.nl;Straat 1;1011 AA;Amsterdam;01-01-2018;31-01-2018;15,00;15,00;5010012368971337',
    ]);
    ok(cli(fresh, ['import', 'open.csv', '--today', TODAY]), 'import');
    const r = ok(cli(fresh, ['payments', 'import', ING, '--today', TODAY]), 'payments import');
    expect(r.stdout.split('\n')[0]).toBe('2014-01-03  € 15,00  ING Testrekening -> 2014-001 € 15,00 (structured, paid)');
    expect(r.stderr).toContain('recorded 4 payments (€ 3.949,15): 1 matched, 3 unmatched');
  });
});
