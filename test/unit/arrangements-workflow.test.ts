// The workflows of issue 13 against a real ledger file (no CLI): agreeing with the debtor ends the
// calls still on the list, a call outcome "arrangement" pauses until the arrangement is recorded,
// and refusals name the invoice and the fix.
import { creditor, PHONE_STAGES, policy as examplePolicy } from '../helpers/builders.js';
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import type { Ledger } from '../../src/ledger/ledger.js';
import { addDebtor, addImport, addInvoice, tempLedger, type TempLedger } from '../helpers/ledger.js';
import { recordCallTasks, readCallTasks } from '../../src/ledger/arrangements.js';
import { createArrangement, createDispute, createPromise, logCall } from '../../src/workflows/arrangements.js';
import type { Plan } from '../../src/domain/plan.js';

const CREDITOR = creditor({ vatNumber: null, bic: null, email: 'a@korenschoof.example', phone: null, contactPerson: null });
const SETTINGS = { creditor: CREDITOR, stageCount: 4 };

let temp: TempLedger;
let ledger: Ledger;

beforeEach(() => {
  temp = tempLedger('arrangements-wf-', 'book.db');
  ledger = temp.ledger;
  const db = ledger.db;
  addImport(db, { at: '2026-11-01T00:00:00Z', today: '2026-11-01' });
  for (const d of ['D1', 'D2', 'D3']) {
    addDebtor(db, { number: d, name: `Debtor ${d}`, type: 'consumer', email: `${d.toLowerCase()}@example.nl`, phone: '06-1' });
    addInvoice(db, { number: `${d}-1`, debtor_number: d, due_date: '2026-10-01', amount_cents: 30000, open_cents: 30000, source_file: 'x.csv' });
  }
  db.prepare('INSERT INTO runs (id, today, at) VALUES (1, ?, ?)').run('2026-11-06', '2026-11-06T06:00:00Z');
  const plan: Plan = {
    today: '2026-11-06',
    actions: ['D1', 'D2', 'D3'].map((d) => ({ kind: 'call', debtor: d, name: d, stage: 'bellen', stageIndex: 2, invoices: [`${d}-1`], moves: [{ invoice: `${d}-1`, toStage: 2 }], amountCents: 30000, phone: '06-1', reason: 'test' })),
  };
  db.transaction(() => recordCallTasks(db, plan, 1, new Date()))();
});

afterEach(() => temp.remove());

const outcomes = () => Object.fromEntries(readCallTasks(ledger.db).map((c) => [c.debtor, c.outcome]));

describe('agreeing with the debtor ends the calls still on the list', () => {
  it.each([
    ['arrangement', () => createArrangement(ledger.db, { debtor: 'D1', invoices: null, instalments: 3, every: 'month', first: '2026-12-01', schedule: null, note: null, graceDays: 7, dryRun: false, today: '2026-11-13' }, SETTINGS)],
    ['promise', () => createPromise(ledger.db, { debtor: 'D1', until: '2026-11-27', amountCents: null, note: null, today: '2026-11-13', dryRun: false })],
    ['dispute', () => createDispute(ledger.db, { debtor: 'D1', invoice: null, category: 'price', note: 'te duur', today: '2026-11-13', dryRun: false })],
  ] as const)('%s', (outcome, act) => {
    act();
    expect(outcomes()).toEqual({ D1: outcome, D2: null, D3: null });
  });

  it('a dry run changes nothing', () => {
    createArrangement(ledger.db, { debtor: 'D1', invoices: null, instalments: 3, every: 'month', first: '2026-12-01', schedule: null, note: null, graceDays: 7, dryRun: true, today: '2026-11-13' }, SETTINGS);
    createPromise(ledger.db, { debtor: 'D2', until: '2026-11-27', amountCents: null, note: null, today: '2026-11-13', dryRun: true });
    expect(outcomes()).toEqual({ D1: null, D2: null, D3: null });
    expect(ledger.db.prepare('SELECT count(*) AS n FROM arrangements').get()).toEqual({ n: 0 });
  });
});

describe('call outcomes', () => {
  it('"arrangement" pauses the debtor until the arrangement is recorded, which releases the pause', () => {
    const r = logCall(ledger.db, { debtor: 'D1', outcome: 'arrangement', note: 'drie termijnen', until: null, amountCents: null, category: null, pauseDays: 14, today: '2026-11-13', dryRun: false });
    expect(r).toMatchObject({ step: 'pause', until: '2026-11-27', callId: 1 });
    const active = () => ledger.db.prepare("SELECT until FROM holds WHERE debtor_number = 'D1' AND released_on IS NULL").all();
    expect(active()).toEqual([{ until: '2026-11-27' }]);
    createArrangement(ledger.db, { debtor: 'D1', invoices: ['D1-1'], instalments: null, every: null, first: null, schedule: [{ number: 1, dueDate: '2026-12-01', amountCents: 10000 }, { number: 2, dueDate: '2026-12-15', amountCents: 20000 }], note: null, graceDays: 7, dryRun: false, today: '2026-11-14' }, SETTINGS);
    expect(active()).toEqual([]);
  });

  it('"dispute" records a dispute with its category and a dispute hold', () => {
    const r = logCall(ledger.db, { debtor: 'D2', outcome: 'dispute', note: 'nooit besteld', until: null, amountCents: null, category: 'not-ordered', pauseDays: 14, today: '2026-11-13', dryRun: false });
    expect(r.step).toBe('dispute');
    expect(ledger.db.prepare('SELECT category, note FROM disputes').all()).toEqual([{ category: 'not-ordered', note: 'nooit besteld' }]);
    expect(ledger.db.prepare("SELECT dispute FROM holds WHERE debtor_number = 'D2'").all()).toEqual([{ dispute: 1 }]);
  });

  it('a call logged without a task on the list (the debtor called in) is recorded as an event', () => {
    logCall(ledger.db, { debtor: 'D3', outcome: 'reached', note: 'belt terug', until: null, amountCents: null, category: null, pauseDays: 14, today: '2026-11-13', dryRun: false });
    const second = logCall(ledger.db, { debtor: 'D3', outcome: 'reached', note: 'belde zelf', until: null, amountCents: null, category: null, pauseDays: 14, today: '2026-11-14', dryRun: false });
    expect(second.callId).toBeNull();
    expect(ledger.db.prepare("SELECT count(*) AS n FROM events WHERE kind = 'call_logged' AND debtor_number = 'D3'").get()).toEqual({ n: 2 });
  });
});

describe('refusals', () => {
  it.each([
    [{ invoices: ['D2-1'] }, 'invoice D2-1 belongs to debtor D2'],
    [{ invoices: ['NOPE'] }, 'invoice NOPE is not in the ledger'],
    [{ schedule: [{ number: 1, dueDate: '2026-12-01', amountCents: 100 }] }, 'the instalments add up to 100 cents, the open amount is 30000 cents'],
    [{ first: '2026-11-01' }, 'the first instalment (2026-11-01) is before today (2026-11-13)'],
  ])('%j', (over, message) => {
    expect(() =>
      createArrangement(ledger.db, { debtor: 'D1', invoices: null, instalments: 2, every: 'month', first: '2026-12-01', schedule: null, note: null, graceDays: 7, dryRun: false, today: '2026-11-13', ...over }, SETTINGS),
    ).toThrow(message);
  });

  it('an invoice already in a running arrangement', () => {
    createArrangement(ledger.db, { debtor: 'D1', invoices: null, instalments: 2, every: 'month', first: '2026-12-01', schedule: null, note: null, graceDays: 7, dryRun: false, today: '2026-11-13' }, SETTINGS);
    expect(() => createArrangement(ledger.db, { debtor: 'D1', invoices: ['D1-1'], instalments: 2, every: 'month', first: '2026-12-01', schedule: null, note: null, graceDays: 7, dryRun: false, today: '2026-11-13' }, SETTINGS)).toThrow(
      'Invoice D1-1 is already in running payment arrangement #1',
    );
  });
});

import { watchAgreements } from '../../src/workflows/arrangements.js';

describe('watchAgreements (the start of every run)', () => {
  const WATCH = { ...SETTINGS, remindDaysBefore: 5 };
  const pay = (invoice: string, cents: number, date: string): void => {
    const id = Number(ledger.db.prepare("INSERT INTO payments (date, amount_cents, source) VALUES (?, ?, 'manual')").run(date, cents).lastInsertRowid);
    ledger.db.prepare("INSERT INTO allocations (payment_id, invoice_number, amount_cents, method) VALUES (?, ?, ?, 'manual')").run(id, invoice, cents);
    ledger.db.prepare('UPDATE invoices SET open_cents = open_cents - ? WHERE number = ?').run(cents, invoice);
  };

  it('a promise not kept: recorded as broken with why; a kept one as kept; both only after the date', () => {
    createPromise(ledger.db, { debtor: 'D1', until: '2026-11-27', amountCents: null, note: null, today: '2026-11-13', dryRun: false });
    createPromise(ledger.db, { debtor: 'D2', until: '2026-11-27', amountCents: 10000, note: null, today: '2026-11-13', dryRun: false });
    pay('D2-1', 10000, '2026-11-20');
    expect(watchAgreements(ledger.db, WATCH, '2026-11-27', { dryRun: false }).events).toEqual([]);
    const preview = watchAgreements(ledger.db, WATCH, '2026-11-28', { dryRun: true }).events;
    const { events } = watchAgreements(ledger.db, WATCH, '2026-11-28', { dryRun: false });
    expect(preview).toEqual(events);
    expect(events).toEqual([
      { kind: 'promise_broken', promise: 1, debtor: 'D1', reason: 'promise to pay € 300,00 by 2026-11-27 not kept (€ 0,00 received since 2026-11-13): dunning resumes' },
      { kind: 'promise_kept', promise: 2, debtor: 'D2', reason: 'promise to pay € 100,00 by 2026-11-27 kept (€ 100,00 received)' },
    ]);
    expect(ledger.db.prepare('SELECT status, closed_on FROM promises ORDER BY id').all()).toEqual([
      { status: 'broken', closed_on: '2026-11-28' },
      { status: 'kept', closed_on: '2026-11-28' },
    ]);
  });

  it('an arrangement paid in full is completed; a second run the same day sends no second letter', () => {
    createArrangement(ledger.db, { debtor: 'D3', invoices: null, instalments: 2, every: '2weeks', first: '2026-12-01', schedule: null, note: null, graceDays: 7, dryRun: false, today: '2026-11-13' }, SETTINGS);
    const first = watchAgreements(ledger.db, WATCH, '2026-11-26', { dryRun: false });
    expect(first.events).toEqual([expect.objectContaining({ kind: 'arrangement_letter', letter: 'before', instalment: 1, dueDate: '2026-12-01', amountCents: 15000 })]);
    expect(watchAgreements(ledger.db, WATCH, '2026-11-26', { dryRun: false }).events).toEqual([]);
    pay('D3-1', 30000, '2026-11-30');
    expect(watchAgreements(ledger.db, WATCH, '2026-12-01', { dryRun: false }).events).toEqual([
      { kind: 'arrangement_completed', arrangement: 1, debtor: 'D3', reason: 'all 2 instalments paid (€ 300,00)' },
    ]);
  });
});

import { cancelArrangement } from '../../src/workflows/arrangements.js';
import { readAgreements } from '../../src/ledger/arrangements.js';

describe('cancel', () => {
  it('ends a running arrangement (dunning resumes: no more agreement for the planner), once', () => {
    createArrangement(ledger.db, { debtor: 'D1', invoices: null, instalments: 2, every: 'month', first: '2026-12-01', schedule: null, note: null, graceDays: 7, dryRun: false, today: '2026-11-13' }, SETTINGS);
    expect(readAgreements(ledger.db, 'D1').get('D1')?.map((a) => a.kind)).toEqual(['arrangement']);
    cancelArrangement(ledger.db, 1, 'debiteur betaalt alles ineens', '2026-11-20', true);
    expect(readAgreements(ledger.db, 'D1').get('D1')?.map((a) => a.kind)).toEqual(['arrangement']);
    cancelArrangement(ledger.db, 1, 'debiteur betaalt alles ineens', '2026-11-20', false);
    expect(readAgreements(ledger.db, 'D1').get('D1')).toBeUndefined();
    expect(ledger.db.prepare('SELECT status, closed_on, close_reason FROM arrangements').get()).toEqual({ status: 'cancelled', closed_on: '2026-11-20', close_reason: 'debiteur betaalt alles ineens' });
    expect(() => cancelArrangement(ledger.db, 1, 'nog eens', '2026-11-21', false)).toThrow('Payment arrangement #1 is not running (it is cancelled since 2026-11-20)');
    expect(() => cancelArrangement(ledger.db, 9, 'x', '2026-11-21', false)).toThrow('No payment arrangement #9');
  });
});

import { addManualPayment } from '../../src/workflows/payment-placing.js';
import { readArrangementsNow, readAccounts } from '../../src/ledger/account-facts.js';
import { readDunningSnapshot } from '../../src/ledger/dunning.js';
import { planDebtor, type Policy } from '../../src/domain/plan.js';

// The arrangement reads the debtor's account (issue 10): what is arranged is what the account
// shows open, and what the account later shows settled on its invoices counts as paid — each
// credit note and each payment once, whether or not the bookkeeping export shows it too.
describe('the arrangement reads the account', () => {
  const create = (today: string, debtor = 'D1', instalments = 2): ReturnType<typeof createArrangement> =>
    createArrangement(ledger.db, { debtor, invoices: null, instalments, every: 'month', first: '2026-12-01', schedule: null, note: null, graceDays: 7, dryRun: false, today }, SETTINGS);
  const creditNote = (number: string, debtor: string, cents: number): void => {
    addInvoice(ledger.db, { number, debtor_number: debtor, due_date: '2026-10-15', amount_cents: -cents, open_cents: -cents, source_file: 'x.csv', source_line: 2 });
  };
  const status = (today: string) => {
    const [a] = readArrangementsNow(ledger.db, { id: 1 }, today);
    return { paid: a!.payments.reduce((s, p) => s + p.cents, 0) + a!.extraPaidCents, extra: a!.extraPaidCents };
  };
  const accountOpen = (today: string, debtor = 'D1') => readAccounts(ledger.db, [debtor], today).get(debtor)?.openCents ?? 0;
  /** What an import of the bookkeeping export does (src/importers): open = min(export, what ledger payments leave). */
  const exportSays = (invoice: string, cents: number, date: string): void => {
    ledger.db.prepare('UPDATE invoices SET export_open_cents = ?, export_date = ?, open_cents = min(open_cents, ?) WHERE number = ?').run(cents, date, cents, invoice);
  };

  it('a credit note of the debtor lowers what is arranged; the letter shows it set off', () => {
    creditNote('D1-C', 'D1', 5000);
    const created = create('2026-11-13');
    expect(created.totalCents).toBe(25000);
    expect(created.schedule.map((s) => s.amountCents)).toEqual([12500, 12500]);
    const letter = JSON.parse((ledger.db.prepare('SELECT data FROM letters WHERE id = ?').get(created.letterId) as { data: string }).data);
    expect(letter.invoices).toEqual([expect.objectContaining({ number: 'D1-1', openCents: 25000, creditedCents: 5000, paidCents: 0 })]);
    expect(letter.credits).toEqual([{ creditNote: 'D1-C', invoice: 'D1-1', amountCents: 5000 }]);
    // The credit note is not counted again as a payment towards the instalments.
    expect(status('2026-11-20')).toEqual({ paid: 0, extra: 0 });
    addManualPayment(ledger.db, { invoice: 'D1-1', amountCents: 12500, date: '2026-11-30', reference: null, today: '2026-11-30' });
    expect(status('2026-12-02')).toEqual({ paid: 12500, extra: 0 });
    expect(accountOpen('2026-12-02')).toBe(12500);
  });

  it('a credit note after the arrangement is set off against its invoice once and counts as paid once', () => {
    create('2026-11-13');
    creditNote('D1-C', 'D1', 5000);
    expect(status('2026-11-20')).toEqual({ paid: 5000, extra: 5000 });
    addManualPayment(ledger.db, { invoice: 'D1-1', amountCents: 10000, date: '2026-11-30', reference: null, today: '2026-11-30' });
    expect(status('2026-12-02')).toEqual({ paid: 15000, extra: 5000 });
    expect(accountOpen('2026-12-02')).toBe(30000 - 15000);
  });

  it('a payment the export also shows paid (kept paid) counts once; one only the export shows counts too', () => {
    create('2026-11-13');
    addManualPayment(ledger.db, { invoice: 'D1-1', amountCents: 10000, date: '2026-11-30', reference: null, today: '2026-11-30' });
    exportSays('D1-1', 20000, '2026-12-01');
    expect(status('2026-12-02')).toEqual({ paid: 10000, extra: 0 });
    exportSays('D1-1', 15000, '2026-12-05');
    expect(status('2026-12-06')).toEqual({ paid: 15000, extra: 5000 });
    expect(accountOpen('2026-12-06')).toBe(15000);
  });

  it('the pause while the arrangement is agreed does not keep the credit note off what is arranged', () => {
    creditNote('D1-C', 'D1', 5000);
    logCall(ledger.db, { debtor: 'D1', outcome: 'arrangement', note: null, until: null, amountCents: null, category: null, pauseDays: 14, today: '2026-11-13', dryRun: false });
    expect(create('2026-11-14').totalCents).toBe(25000);
  });

  it('the plan: a running arrangement pauses its claim, the credit note stays set off against it, the account is the same', () => {
    const policy: Policy = examplePolicy({ stages: PHONE_STAGES, creditor: CREDITOR });
    creditNote('D1-C', 'D1', 5000);
    const before = [...readDunningSnapshot(ledger.db, { debtor: 'D1' })][0]!;
    // Logged, so no call pauses the debtor: only the arrangement does.
    logCall(ledger.db, { debtor: 'D1', outcome: 'reached', note: null, until: null, amountCents: null, category: null, pauseDays: 14, today: '2026-11-13', dryRun: false });
    create('2026-11-13');
    const input = [...readDunningSnapshot(ledger.db, { debtor: 'D1' })][0]!;
    const plan = planDebtor(input, policy, '2026-11-20');
    expect(plan.actions.map((a) => (a.kind === 'skip' ? `${a.code} ${a.invoice}` : a.kind))).toEqual(['arrangement_running D1-1']);
    const claim = plan.account.claims.find((c) => c.number === 'D1-1')!;
    expect(claim).toMatchObject({ openCents: 25000, creditedCents: 5000, held: expect.objectContaining({ kind: 'arrangement' }) });
    expect(plan.account.unallocatedCreditCents).toBe(0);
    const unpaused = planDebtor(before, policy, '2026-11-20').account;
    expect(unpaused.claims.map((c) => [c.number, c.openCents, c.creditedCents])).toEqual(plan.account.claims.map((c) => [c.number, c.openCents, c.creditedCents]));
    // Broken after the grace of the first instalment: dunning resumes for what the account leaves open.
    const resumed = planDebtor(input, policy, '2026-12-09');
    expect(resumed.actions.filter((a) => a.kind !== 'skip').map((a) => `${a.kind} ${a.amountCents}`)).toEqual(['letter 25000']);
  });
});
