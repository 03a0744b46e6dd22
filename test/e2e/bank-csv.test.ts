// `payments import <bank>.csv` end to end: the built CLI in a temp dir, a ledger with the bundled
// example invoices (examples/openstaande-posten-oktober.csv), one CSV export per bank from
// test/fixtures/bank-csv. Needs `npm run build` first.
import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { cli, workspace, EXAMPLES, FIXTURES, type CliResult, ok } from '../helpers/cli.js';
import { query } from '../helpers/ledger.js';

const TODAY = '2026-10-20';
const bankFile = (name: string): string => path.join(FIXTURES, 'bank-csv', name);

/** A fresh work folder whose ledger holds the example invoices of October. */
function ledgerWithExamples(): string {
  const dir = workspace({ files: ['openstaande-posten-oktober.csv'] });
  ok(cli(dir, ['import', 'openstaande-posten-oktober.csv', '--today', TODAY, '--json']), 'import invoices');
  return dir;
}

interface Payment {
  counterparty_name: string | null;
  amount_cents: number;
  method: string | null;
  allocations: { invoice: string; amount_cents: number; method: string; status: string }[];
}

const allocations = (doc: { payments: Payment[] }): string[] =>
  doc.payments.map((p) => `${p.amount_cents} ${p.allocations.map((a) => `${a.invoice}:${a.method}:${a.status}`).join(',') || 'unmatched'}`);

describe('payments import of bank CSV exports', () => {
  it.each([
    ['ing.csv', 'csv-ing', 4, 1, ['254100 2026-0102:text:paid', '12100 2026-0101:text:paid', '550 2026-0111:amount_name:paid']],
    ['rabobank.csv', 'csv-rabobank', 4, 1, ['254100 2026-0102:text:paid', '123456 2026-0099:text:paid', '9900 unmatched']],
    ['abnamro.TAB', 'csv-abnamro', 3, 1, ['35000 2026-0105:text:paid', '61000 2026-0150:text:paid']],
    ['bunq.csv', 'csv-bunq', 3, 1, ['72600 2026-0161:text:paid', '123456 2026-0099:text:paid']],
    ['knab.csv', 'csv-knab', 3, 1, ['2000 2026-0123:text:paid', '61000 2026-0150:text:paid']],
    ['triodos.csv', 'csv-triodos', 3, 1, ['254100 2026-0102:text:paid', '12100 2026-0101:text:paid']],
    ['asn.csv', 'csv-volksbank', 3, 1, ['2000 2026-0123:text:paid', '72600 2026-0161:text:paid']],
  ])('%s: payments matched like CAMT, debits skipped with a count, a second import changes nothing', (file, format, entries, debits, expected) => {
    const dir = ledgerWithExamples();
    const doc = ok(cli(dir, ['payments', 'import', bankFile(file), '--today', TODAY, '--json']), `payments import ${file}`).json();
    expect(doc.files).toEqual([expect.objectContaining({ format, entries })]);
    expect({ entries: doc.entries, debits: doc.debits_ignored, recorded: doc.recorded, duplicates: doc.duplicates }).toEqual({
      entries, debits, recorded: expected.length, duplicates: 0,
    });
    expect(allocations(doc)).toEqual(expected);
    const stored = query<{ source: string; n: number }>(dir, 'SELECT source, count(*) AS n FROM payments GROUP BY source');
    expect(stored).toEqual([{ source: format, n: expected.length }]);

    // The same export again: every row is known, nothing is recorded, the ledger file is untouched.
    const before = createHash('sha256').update(fs.readFileSync(path.join(dir, 'pre-incasso.db'))).digest('hex');
    const again = ok(cli(dir, ['payments', 'import', bankFile(file), '--today', TODAY]), 'second import');
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain(`recorded 0 payments (€ 0,00): 0 matched, 0 unmatched`);
    expect(again.stderr).toContain(`${debits} debit ignored, ${expected.length} already imported`);
    expect(createHash('sha256').update(fs.readFileSync(path.join(dir, 'pre-incasso.db'))).digest('hex')).toBe(before);
  });

  it('prints what it recorded, as for CAMT', () => {
    const dir = ledgerWithExamples();
    const r = ok(cli(dir, ['payments', 'import', bankFile('ing.csv'), '--today', TODAY]), 'payments import');
    expect(r.stdout).toBe(
      [
        '2026-10-12  € 2.541,00  Bouwbedrijf Van Dijk B.V. -> 2026-0102 € 2.541,00 (text, paid)',
        '2026-10-12  € 121,00  J. Jansen -> 2026-0101 € 121,00 (text, paid)',
        "2026-10-14  € 5,50  Cafe 't Hoekje VOF -> 2026-0111 € 5,50 (amount_name, paid)",
        '',
      ].join('\n'),
    );
    // The fixture is an ING account, not the example's creditor.iban: imported, with the warning.
    expect(r.stderr).toBe(
      'recorded 3 payments (€ 2.667,50): 3 matched, 0 unmatched\n4 entries in 1 file: 1 debit ignored, 0 already imported\n' +
        `warning: ${bankFile('ing.csv')}: 4 entries are of account NL69INGB0123456789, not of creditor.iban NL91ABNA0417164300; imported all the same\n`,
    );
  });

  it('a longer export that overlaps an earlier one adds only the new rows, whatever its delimiter', () => {
    const dir = ledgerWithExamples();
    ok(cli(dir, ['payments', 'import', bankFile('ing.csv'), '--today', TODAY]), 'first export');
    // The same days downloaded later as the older comma-separated export, plus one more day.
    const longer = [
      '"Datum","Naam / Omschrijving","Rekening","Tegenrekening","Code","Af Bij","Bedrag (EUR)","Mutatiesoort","Mededelingen"',
      '"20261016","Stichting Buurtwerk Soesterkwartier","NL69INGB0123456789","NL02ABNA0123456789","OV","Bij","610,00","Overschrijving","Naam: Stichting Buurtwerk Soesterkwartier Omschrijving: factuur 2026-0150 IBAN: NL02ABNA0123456789 Valutadatum: 16-10-2026"',
      ...fs.readFileSync(bankFile('ing.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(';').slice(0, 9).join(',')),
    ];
    fs.writeFileSync(path.join(dir, 'ing-oktober.csv'), `${longer.join('\r\n')}\r\n`);
    const doc = ok(cli(dir, ['payments', 'import', 'ing-oktober.csv', '--today', TODAY, '--json']), 'longer export').json();
    expect({ recorded: doc.recorded, duplicates: doc.duplicates, debits: doc.debits_ignored }).toEqual({ recorded: 1, duplicates: 3, debits: 1 });
    expect(allocations(doc)).toEqual(['61000 2026-0150:text:paid']);
    expect(query(dir, 'SELECT count(*) AS n FROM payments')).toEqual([{ n: 4 }]);
  });

  it('several banks in one go, and a bad row stops all of them with file:line', () => {
    const dir = ledgerWithExamples();
    const bad = fs.readFileSync(bankFile('triodos.csv'), 'utf8').replace('"30,00","Debet"', '"30,00","Af"');
    fs.writeFileSync(path.join(dir, 'triodos-edited.csv'), bad);
    const r = cli(dir, ['payments', 'import', bankFile('knab.csv'), 'triodos-edited.csv', '--today', TODAY]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('triodos-edited.csv:2: credit/debit "Af" is not one of Credit, Debet');
    expect(query(dir, 'SELECT count(*) AS n FROM payments')).toEqual([{ n: 0 }]);
    const both = ok(cli(dir, ['payments', 'import', bankFile('knab.csv'), bankFile('abnamro.TAB'), '--today', TODAY, '--json']), 'two banks').json();
    expect(both.files.map((f: { format: string }) => f.format)).toEqual(['csv-knab', 'csv-abnamro']);
    expect(both.recorded).toBe(4);
  });

  it("the RF reference of a letter, in Rabobank's Betalingskenmerk or in ING's text, pays that letter's invoices", () => {
    const dir = ledgerWithExamples();
    ok(cli(dir, ['run', '--no-mail', '--today', TODAY]), 'run');
    const letters = query<{ debtor_number: string; reference: string }>(dir, "SELECT debtor_number, reference FROM letters WHERE debtor_number IN ('10001', '10005') ORDER BY debtor_number");
    expect(letters.map((l) => l.debtor_number)).toEqual(['10001', '10005']);
    const grouped = (ref: string): string => ref.replace(/(.{4})/g, '$1 ').trim();
    const rabobank = fs.readFileSync(bankFile('rabobank.csv'), 'latin1').split('\n')[0] + '\n' +
      `"NL11RABO0123456789","EUR","RABONL2U","000000000000000201","2026-10-21","2026-10-21","+141,00","+141,00","NL91ABNA0417164300","J. Jansen","","","ABNANL2A","cb","","","","","${grouped(letters[0]!.reference)}","","","","","","",""\n`;
    fs.writeFileSync(path.join(dir, 'rabo.csv'), Buffer.from(rabobank, 'latin1'));
    fs.writeFileSync(
      path.join(dir, 'ing.csv'),
      '"Datum";"Naam / Omschrijving";"Rekening";"Tegenrekening";"Code";"Af Bij";"Bedrag (EUR)";"Mutatiesoort";"Mededelingen";"Saldo na mutatie";"Tag"\n' +
        `"20261021";"G. Szoke";"NL69INGB0123456789";"HU42117730161111101800000000";"OV";"Bij";"1.234,56";"Overschrijving";"Naam: G. Szoke Omschrijving: betaling ${grouped(letters[1]!.reference)} IBAN: HU42117730161111101800000000 Valutadatum: 21-10-2026";"1.234,56";""\n`,
    );
    const doc = ok(cli(dir, ['payments', 'import', 'rabo.csv', 'ing.csv', '--today', '2026-10-21', '--json']), 'payments import').json();
    expect(allocations(doc)).toEqual(['14100 2026-0101:letter:paid,2026-0123:letter:paid', '123456 2026-0099:letter:paid']);
    expect(doc.payments.map((p: { reference: string }) => p.reference)).toEqual(letters.map((l) => l.reference));
  });

  it('a CSV of an unknown bank is refused in one line, exit 4, nothing written', () => {
    const dir = ledgerWithExamples();
    const db = path.join(dir, 'pre-incasso.db');
    const before = createHash('sha256').update(fs.readFileSync(db)).digest('hex');
    fs.writeFileSync(path.join(dir, 'umsaetze.csv'), 'Buchungstag;Valuta;Betrag;Verwendungszweck\n01.10.2026;01.10.2026;121,00;Rechnung 2026-0101\n');
    for (const file of ['umsaetze.csv', path.join(EXAMPLES, 'openstaande-posten-oktober.csv')]) {
      const r = cli(dir, ['payments', 'import', file, '--today', TODAY]);
      expect(r.code).toBe(4);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(
        `error: ${file}: not a bank statement pre-incasso knows (CAMT.053/.054, MT940, or the CSV export of ING, Rabobank, ABN AMRO, bunq, Knab, Triodos, ASN Bank / SNS / RegioBank); download CAMT.053 or one of those CSV exports from your bank and import that.`,
      );
    }
    expect(createHash('sha256').update(fs.readFileSync(db)).digest('hex')).toBe(before);
  });
});
