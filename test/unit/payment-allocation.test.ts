// Matching payments to invoices (formats.md §4.4) and allocating them, on a real ledger file.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/ledger/ledger.js';
import { PaymentBook, listPayments, nameKey, textCandidates, type PaymentInput } from '../../src/ledger/payments.js';
import { addManualPayment } from '../../src/workflows/payment-placing.js';
import { parseBankFile } from '../../src/importers/bank-file.js';
import { parse as parseMt940 } from '../../src/importers/mt940.js';
import { AppError } from '../../src/errors.js';
import { FIXTURES } from '../helpers/cli.js';
import { paymentInput } from '../helpers/builders.js';
import { addDebtor, addImport, addInvoice, tempLedger, type TempLedger } from '../helpers/ledger.js';

const TODAY = '2024-06-01';
let temp: TempLedger;
let db: Db;

beforeEach(() => {
  temp = tempLedger('pre-incasso-alloc-', 'test.db');
  db = temp.ledger.db;
  addImport(db, { at: '2024-01-01T00:00:00Z', today: '2024-01-01' });
});

afterEach(() => temp.remove());

// ---------------------------------------------------------------------------------------------
// Builders

function debtor(number: string, name: string): void {
  addDebtor(db, { number, name, type: 'business' });
}

function invoice(number: string, debtorNumber: string, openCents: number, options: { due?: string; reference?: string; status?: string; amountCents?: number } = {}): void {
  addInvoice(db, {
    number, debtor_number: debtorNumber, due_date: options.due ?? '2024-01-31', amount_cents: options.amountCents ?? openCents, open_cents: openCents,
    reference: options.reference ?? null, status: options.status ?? 'open', source_file: 'test.csv',
  });
}

function letter(debtorNumber: string, reference: string, due: string[], alsoOpen: string[] = []): number {
  const run = Number(db.prepare("INSERT INTO runs (today, at) VALUES ('2024-03-01', '2024-03-01T08:00:00Z')").run().lastInsertRowid);
  const id = Number(
    db
      .prepare("INSERT INTO letters (run_id, debtor_number, stage_index, stage_id, final, date, channels, amount_cents, reference, data) VALUES (?, ?, 0, 'herinnering', 0, '2024-03-01', '[\"email\"]', 0, ?, '{}')")
      .run(run, debtorNumber, reference).lastInsertRowid,
  );
  for (const [role, list] of [['due', due], ['also_open', alsoOpen]] as const) {
    for (const n of list) db.prepare('INSERT INTO letter_invoices (letter_id, invoice_number, role, amount_cents, open_cents) VALUES (?, ?, ?, 0, 0)').run(id, n, role);
  }
  return id;
}

let keys = 0;
function payment(amountCents: number, p: Partial<PaymentInput> = {}): PaymentInput {
  return paymentInput({ date: '2024-05-01', amountCents, source: 'test', sourceKey: `test:${++keys}`, ...p });
}

const book = (): PaymentBook => new PaymentBook(db, { today: TODAY });
const state = (number: string) => db.prepare('SELECT open_cents, status FROM invoices WHERE number = ?').get(number) as { open_cents: number; status: string };
const allocationsOf = (paymentId: number | null) =>
  (db.prepare('SELECT invoice_number, amount_cents, method FROM allocations WHERE payment_id = ? ORDER BY rowid').raw().all(paymentId) as [string, number, string][]);
const events = (kind: string) => db.prepare('SELECT debtor_number, invoice_number, data FROM events WHERE kind = ? ORDER BY id').all(kind) as { debtor_number: string | null; invoice_number: string | null; data: string }[];

// ---------------------------------------------------------------------------------------------

describe('step 1: structured reference', () => {
  it('a real ING entry (/REMI/STRD/CUR/) pays the invoice with that betalingskenmerk, written with spaces in the ledger', () => {
    debtor('D1', 'ING Testrekening');
    invoice('2014-001', 'D1', 1500, { reference: '5010 0123 6897 1337' });
    const entry = parseMt940(fs.readFileSync(path.join(FIXTURES, 'mt940', 'ming-ing-provided-example-single-message.txt')), 'ing.txt').entries.find((e) => e.line === 23)!;
    const r = book().record(payment(entry.amountCents, { reference: entry.structuredRef, endToEndId: entry.endToEndId, sourceKey: entry.sourceKey, counterpartyName: entry.counterpartyName }));
    expect(r.match).toEqual({ method: 'structured', debtor: 'D1', invoices: ['2014-001'] });
    expect(allocationsOf(r.paymentId)).toEqual([['2014-001', 1500, 'structured']]);
    expect(state('2014-001')).toEqual({ open_cents: 0, status: 'paid' });
  });

  it('an RF reference of one of our letters pays that letter\'s due invoices, oldest first', () => {
    debtor('D1', 'Jansen');
    invoice('A-2', 'D1', 5000, { due: '2024-02-01' });
    invoice('A-1', 'D1', 10000, { due: '2024-01-01' });
    invoice('A-3', 'D1', 7000, { due: '2024-01-15' });
    letter('D1', 'RF18539007547034', ['A-2', 'A-1'], ['A-3']);
    const r = book().record(payment(12000, { reference: 'rf18 5390 0754 7034' }));
    expect(r.match?.method).toBe('letter');
    expect(allocationsOf(r.paymentId)).toEqual([
      ['A-1', 10000, 'letter'],
      ['A-2', 2000, 'letter'],
    ]);
    expect(state('A-3')).toEqual({ open_cents: 7000, status: 'open' });
  });

  it('a reference shared by invoices of two debtors names no one: the next steps decide', () => {
    debtor('D1', 'Jansen');
    debtor('D2', 'Pietersen');
    invoice('1001', 'D1', 5000, { reference: '1234567' });
    invoice('1002', 'D2', 5000, { reference: '1234567' });
    const r = book().record(payment(5000, { reference: '1234567', description: 'factuur 1002' }));
    expect(r.match).toEqual({ method: 'text', debtor: 'D2', invoices: ['1002'] });
  });
});

describe('step 2: end-to-end id', () => {
  it.each([
    ['the invoice number', 'F2024.0042', { number: 'F2024.0042' }],
    ['the invoice number without dots and spaces', 'F 20240042', { number: 'F2024.0042' }],
    ['the payment reference', '5000056789012345', { number: 'X-9', reference: '5000 0567 8901 2345' }],
  ])('equal to %s', (_name, e2e, inv) => {
    debtor('D1', 'Jansen');
    invoice(inv.number, 'D1', 2500, { reference: 'reference' in inv ? inv.reference : undefined });
    const r = book().record(payment(2500, { endToEndId: e2e }));
    expect(r.match).toEqual({ method: 'end_to_end', debtor: 'D1', invoices: [inv.number] });
  });
});

describe('step 3: invoice number in the remittance text', () => {
  it.each([
    ['Factuurnummer 201801-001', '201801-001'],
    ['fact. 2024.0012 en dank', '20240012'],
    ['INV-0042', '0042'],
    ['Betaling factuurnr:88812 klant 7', '88812'],
    ['nr. 17001/11.3.2013', '17001'],
    ['NR.201303-111/11.3.2013NR.201303-112/11.3.2013', '201303-112'],
    ['F 2024.0012', 'F2024.0012'],
    ['betalingskenmerk 5000 0567 8901 2345', '5000056789012345'],
  ])('"%s" finds %s', (text, number) => {
    debtor('D1', 'Jansen');
    invoice(number, 'D1', 1000);
    expect(book().findMatch({ ...payment(1000), description: text })).toEqual({ method: 'text', debtor: 'D1', invoices: [number] });
  });

  it.each([
    ['a longer digit run', 'ref 0030001234 bestelling', '1234'],
    ['a number inside a date', 'betaald 11-12-2023', '2023'],
    ['too short to be sure', 'nr 12', '12'],
  ])('not in %s', (_name, text, number) => {
    debtor('D1', 'Jansen');
    invoice(number, 'D1', 1000);
    expect(book().findMatch({ ...payment(999), description: text })).toBeNull();
  });

  it('two invoice numbers of one debtor: both, oldest first', () => {
    debtor('D1', 'Bedrijf B.V.');
    invoice('201303-112', 'D1', 8000, { due: '2013-04-11' });
    invoice('201303-111', 'D1', 8990, { due: '2013-04-10' });
    const r = book().record(payment(16990, { description: 'NR.201303-111/11.3.2013NR.201303-112/11.3.2013' }));
    expect(allocationsOf(r.paymentId)).toEqual([
      ['201303-111', 8990, 'text'],
      ['201303-112', 8000, 'text'],
    ]);
  });

  it('invoice numbers of two debtors in one text: no match', () => {
    debtor('D1', 'A');
    debtor('D2', 'B');
    invoice('5001', 'D1', 1000);
    invoice('5002', 'D2', 1000);
    expect(book().findMatch({ ...payment(2000), description: 'facturen 5001 en 5002' })).toBeNull();
  });

  it('textCandidates: whole tokens, prefixes taken off, digit groups joined', () => {
    const { numbers, references } = textCandidates('Fact. 2024.0012 / INV-77 ref 5010 0123 6897 1337');
    expect(numbers).toEqual(expect.arrayContaining(['20240012', 'FACT20240012', '5010012368971337']));
    expect(numbers).not.toContain('77');
    expect(references).toContain('5010012368971337');
  });
});

describe('step 4: exact amount and the debtor\'s name', () => {
  it('one open invoice with the amount and the counterparty is the debtor (names compared loosely)', () => {
    debtor('D1', 'G-Aaaaa NV');
    invoice('2018-77', 'D1', 438323);
    invoice('2018-78', 'D1', 100);
    const r = book().record(payment(438323, { counterpartyName: 'G-AAAAA N.V.', description: '201801001' }));
    expect(r.match).toEqual({ method: 'amount_name', debtor: 'D1', invoices: ['2018-77'] });
    expect(state('2018-77').status).toBe('paid');
  });

  it.each([
    ['two open invoices in the ledger have that amount', () => { debtor('D2', 'Other'); invoice('X2', 'D2', 5000); }, 'Jansen'],
    ['the counterparty has another name', () => {}, 'Pietersen'],
    ['the bank gives no name', () => {}, null],
  ])('no match when %s', (_name, extra, counterparty) => {
    debtor('D1', 'Jansen');
    invoice('X1', 'D1', 5000);
    extra();
    const r = book().record(payment(5000, { counterpartyName: counterparty }));
    expect(r.match).toBeNull();
    expect(r.unallocatedCents).toBe(5000);
    expect(state('X1').open_cents).toBe(5000);
  });

  it('nameKey ignores case, accents, dots and spaces', () => {
    expect(nameKey('Café De Korenschoof B.V.')).toBe(nameKey('CAFE DE KORENSCHOOF BV'));
  });
});

describe('allocation', () => {
  it('more than the invoice: the rest to the debtor\'s other open invoices oldest first, then unallocated', () => {
    debtor('D1', 'Jansen');
    invoice('X', 'D1', 10000, { due: '2024-03-01' });
    invoice('Z', 'D1', 8000, { due: '2024-04-01' });
    invoice('Y', 'D1', 5000, { due: '2024-01-01' });
    invoice('C', 'D1', -2000, { due: '2024-01-01' }); // a credit note takes no money
    invoice('H', 'D1', 3000, { due: '2023-12-01', status: 'handed_over' });
    const m = addManualPayment(db, { invoice: 'X', amountCents: 30000, date: '2024-05-02', reference: null, today: TODAY });
    expect(allocationsOf(m.paymentId)).toEqual([
      ['X', 10000, 'manual'],
      ['Y', 5000, 'surplus'],
      ['Z', 8000, 'surplus'],
    ]);
    expect(m.unallocatedCents).toBe(7000);
    expect(m.note).toBe('more than the debtor owes');
    expect(['X', 'Y', 'Z'].map((n) => state(n).status)).toEqual(['paid', 'paid', 'paid']);
    expect(state('C').open_cents).toBe(-2000);
    expect(state('H')).toEqual({ open_cents: 3000, status: 'handed_over' });
  });

  it('a partial payment leaves the invoice open with the rest', () => {
    debtor('D1', 'Jansen');
    invoice('2014-002', 'D1', 4000, { reference: '6390338414964113' });
    const r = book().record(payment(2500, { reference: '6390338414964113' }));
    expect(r.allocations).toEqual([{ invoice: '2014-002', debtor: 'D1', amountCents: 2500, method: 'structured', openCentsAfter: 1500, status: 'open' }]);
    expect(state('2014-002')).toEqual({ open_cents: 1500, status: 'open' });
  });

  it('an invoice handed over to the incassobureau is still paid down; its status stays', () => {
    debtor('D1', 'Jansen');
    invoice('H1', 'D1', 10000, { reference: 'RF471234', status: 'handed_over' });
    const r = book().record(payment(10000, { reference: 'RF471234' }));
    expect(r.allocations.map((a) => [a.invoice, a.amountCents, a.status])).toEqual([['H1', 10000, 'handed_over']]);
    expect(state('H1')).toEqual({ open_cents: 0, status: 'handed_over' });
  });

  it('an invoice already settled: the money does not go to another invoice of the debtor', () => {
    debtor('D1', 'Jansen');
    invoice('P1', 'D1', 0, { reference: '1111111', status: 'paid', amountCents: 5000 });
    invoice('P2', 'D1', 5000);
    const r = book().record(payment(5000, { reference: '1111111' }));
    expect(r.match?.invoices).toEqual(['P1']);
    expect(r.allocations).toEqual([]);
    expect(r.unallocatedCents).toBe(5000);
    expect(r.note).toMatch(/P1 has nothing open \(status paid\)/);
    expect(state('P2').open_cents).toBe(5000);
  });

  it('the same bank entry twice: the second is a duplicate and changes nothing', () => {
    debtor('D1', 'Jansen');
    invoice('I1', 'D1', 5000, { reference: '7777777' });
    const first = book().record(payment(2000, { reference: '7777777', sourceKey: 'bank:1' }));
    const before = db.prepare('SELECT (SELECT count(*) FROM payments), (SELECT count(*) FROM allocations), (SELECT count(*) FROM events)').raw().get();
    const second = book().record(payment(2000, { reference: '7777777', sourceKey: 'bank:1' }));
    expect([first.duplicate, second.duplicate]).toEqual([false, true]);
    expect(db.prepare('SELECT (SELECT count(*) FROM payments), (SELECT count(*) FROM allocations), (SELECT count(*) FROM events)').raw().get()).toEqual(before);
    expect(state('I1').open_cents).toBe(3000);
  });

  it('every payment and allocation is in the event log', () => {
    debtor('D1', 'Jansen');
    invoice('E1', 'D1', 1000, { due: '2024-01-01' });
    invoice('E2', 'D1', 1000, { due: '2024-02-01' });
    const r = addManualPayment(db, { invoice: 'E1', amountCents: 1500, date: '2024-05-02', reference: 'kas', today: TODAY });
    expect(events('payment_recorded').map((e) => [e.debtor_number, e.invoice_number, JSON.parse(e.data).amount_cents, JSON.parse(e.data).method])).toEqual([['D1', 'E1', 1500, 'manual']]);
    expect(events('payment_allocated').map((e) => [e.invoice_number, JSON.parse(e.data)])).toEqual([
      ['E1', { payment_id: r.paymentId, amount_cents: 1000, method: 'manual', open_cents: 0, status: 'paid', previous_status: 'open' }],
      ['E2', { payment_id: r.paymentId, amount_cents: 500, method: 'surplus', open_cents: 500, status: 'open', previous_status: 'open' }],
    ]);
  });

  it('a manual payment on an unknown invoice is refused and leaves nothing behind', () => {
    expect(() => addManualPayment(db, { invoice: 'NOPE', amountCents: 100, date: TODAY, reference: null, today: TODAY })).toThrow(AppError);
    expect(db.prepare('SELECT count(*) FROM payments').raw().get()).toEqual([0]);
  });
});

describe('listing', () => {
  it('--unmatched lists only payments with money left over', () => {
    debtor('D1', 'Jansen');
    invoice('L1', 'D1', 1000, { reference: '1234567' });
    book().record(payment(1000, { reference: '1234567', counterpartyName: 'Jansen' }));
    book().record(payment(1500, { reference: '1234567', counterpartyName: 'Jansen' }));
    book().record(payment(700, { counterpartyName: 'Onbekend', description: 'gift' }));
    const all = listPayments(db);
    expect(all.map((p) => [p.amountCents, p.allocatedCents, p.allocations.map((a) => a.invoice)])).toEqual([
      [1000, 1000, ['L1']],
      [1500, 0, []],
      [700, 0, []],
    ]);
    expect(listPayments(db, { unmatched: true }).map((p) => [p.amountCents, p.unallocatedCents, p.description])).toEqual([
      [1500, 1500, null],
      [700, 700, 'gift'],
    ]);
  });
});

describe('reading a bank file', () => {
  it.each([
    ['camt053/camt053.v8.xml', 'camt.053'],
    ['mt940/MT940_voorbeeldbestanden_abnamro.txt', 'mt940'],
    ['mt940/rabobank_mt940_structured.txt', 'mt940'],
  ])('%s is told apart by its content: %s', (name, format) => {
    expect(parseBankFile(fs.readFileSync(path.join(FIXTURES, name)), 'statement').format).toBe(format);
  });

  it('a bank CSV export is read by its preset; a CSV no preset knows is refused (exit 4) naming the banks', () => {
    const ing = parseBankFile(fs.readFileSync(path.join(FIXTURES, 'bank-csv', 'ing.csv')), 'ing.csv');
    expect([ing.format, ing.entries[0]?.variant, ing.issues]).toEqual(['csv', 'csv-ing', []]);
    const unknown = (): unknown => parseBankFile(Buffer.from('"Datum","Naam / Omschrijving","Rekening"\n"20240102","Jansen","NL91ABNA0417164300"\n'), 'ing.csv');
    expect(unknown).toThrow(/^ing\.csv: not a bank statement pre-incasso knows \(CAMT\.053\/\.054, MT940, or the CSV export of ING, Rabobank/);
  });
});
