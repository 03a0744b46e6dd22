// The report's figures as pure functions over the ledger's facts: tables of cases, no database.
import { describe, it, expect } from 'vitest';
import { agingBucket, agingOf, byStageOf, correctToAccounts, type AccountCorrection, type OpenGroup } from '../../src/domain/report/book.js';
import { historyOf, isoWeek } from '../../src/domain/report/history.js';
import { daysToFullPayment, effectivenessOf, funnelOf, median, paidWithin, type LetterInvoiceFact } from '../../src/domain/report/effectiveness.js';
import { behaviourOf, slope } from '../../src/domain/report/behaviour.js';
import { signalsOf, SIGNAL_RULES, type SignalFacts } from '../../src/domain/report/signals.js';
import { forecast } from '../../src/domain/report/forecast.js';
import { planDebtor, type PlanDebtorInput, type Policy } from '../../src/domain/plan.js';
import { creditor, debtor, planInvoice, policy as examplePolicy } from '../helpers/builders.js';
import { formatFigure } from '../../src/report/format.js';

const TODAY = '2026-11-10';

describe('aging', () => {
  it.each([
    ['2026-11-10', 'not_due'],
    ['2026-12-01', 'not_due'],
    ['2026-11-09', '1_30'],
    ['2026-10-11', '1_30'],
    ['2026-10-10', '31_60'],
    ['2026-09-11', '31_60'],
    ['2026-09-10', '61_90'],
    ['2026-08-12', '61_90'],
    ['2026-08-11', 'over_90'],
  ])('due %s is in bucket %s on 10 Nov', (due, bucket) => {
    expect(agingBucket(due, TODAY)).toBe(bucket);
  });

  it('adds the groups of one bucket, credit notes included', () => {
    const a = agingOf([{ key: '2026-11-01', invoices: 2, cents: 1000 }, { key: '2026-10-20', invoices: 1, cents: -300 }, { key: '2026-12-01', invoices: 1, cents: 50 }], TODAY);
    expect(a['1_30']).toEqual({ invoices: 3, cents: 700 });
    expect(a.not_due).toEqual({ invoices: 1, cents: 50 });
    expect(a.over_90).toEqual({ invoices: 0, cents: 0 });
  });

  it.each([
    [null, 0],
    [0, 1],
    [2, 3],
    [7, 3], // a stage since removed from the config counts with the last one
  ])('stage index %s lands in row %i', (key, row) => {
    const rows = byStageOf([{ key, invoices: 1, cents: 100 }], ['herinnering', 'aanmaning', 'final']);
    expect(rows.map((r) => r.invoices)).toEqual([0, 1, 2, 3].map((i) => (i === row ? 1 : 0)));
  });
});

describe('the book corrected to the debtors\' accounts', () => {
  const g = (status: OpenGroup['status'], dueDate: string, stageIndex: number | null, invoices: number, cents: number): OpenGroup => ({ status, dueDate, stageIndex, invoices, cents });
  const c = (status: OpenGroup['status'], dueDate: string, stageIndex: number | null, ledgerCents: number, accountCents: number): AccountCorrection => ({ status, dueDate, stageIndex, ledgerCents, accountCents });
  it.each([
    // The demo: Van Dijk's credit note (−121,00) is spent on his handed-over 2026-0102 (2.541,00).
    ['credit spent on a handed-over claim', [g('open', '2026-09-02', null, 2, -11550), g('handed_over', '2026-09-15', 2, 1, 254100)],
      [c('open', '2026-09-02', null, -12100, 0), c('handed_over', '2026-09-15', 2, 254100, 242000)],
      [g('open', '2026-09-02', null, 1, 550), g('handed_over', '2026-09-15', 2, 1, 242000)]],
    ['credit spent in part on an open claim', [g('open', '2026-09-02', null, 1, -50000), g('open', '2026-09-15', 0, 1, 30000)],
      [c('open', '2026-09-02', null, -50000, -20000), c('open', '2026-09-15', 0, 30000, 0)],
      [g('open', '2026-09-02', null, 1, -20000)]],
    ['nothing to correct', [g('open', '2026-09-15', 0, 3, 1000)], [c('open', '2026-09-15', 0, 500, 500)], [g('open', '2026-09-15', 0, 3, 1000)]],
  ] as [string, OpenGroup[], AccountCorrection[], OpenGroup[]][])('%s', (_name, groups, corrections, expected) => {
    expect(correctToAccounts(groups, corrections)).toEqual(expected);
  });
});

describe('history', () => {
  it.each([
    ['2026-09-22', '2026-W39'],
    ['2026-01-01', '2026-W01'],
    ['2027-01-01', '2026-W53'],
    ['2024-12-30', '2025-W01'],
    ['2026-11-10', '2026-W46'],
  ])('%s is ISO week %s', (date, week) => {
    expect(isoWeek(date)).toBe(week);
  });

  const snap = (today: string, openCents: number) => ({ today, openCents, overdueCents: 0, openInvoices: 1, overdueInvoices: 0, handedOverCents: 0 });
  it.each([
    [['2026-09-22', '2026-09-23', '2026-10-06'], 'week', ['2026-W39', '2026-W41'], [2, 3]],
    [['2026-01-05', '2026-03-01', '2026-09-01'], 'month', ['2026-01', '2026-03', '2026-09'], [1, 2, 3]],
  ] as const)('%j: one point per %s, the last snapshot of each', (dates, unit, periods, values) => {
    const h = historyOf(dates.map((d, i) => snap(d, i + 1)));
    expect(h.unit).toBe(unit);
    expect(h.points.map((p) => p.period)).toEqual(periods);
    expect(h.points.map((p) => p.openCents)).toEqual(values);
  });
});

const fact = (over: Partial<LetterInvoiceFact>): LetterInvoiceFact => ({
  letterId: 1, stageIndex: 0, letterDate: '2026-10-01', invoice: 'F1', openCents: 10_000, handedOver: false, reductions: [], ...over,
});

describe('effectiveness', () => {
  it.each([
    ['nothing paid', [], 7, 0],
    ['paid on the letter day does not count', [{ date: '2026-10-01', cents: 10_000 }], 30, 0],
    ['paid on day 7 counts within 7', [{ date: '2026-10-08', cents: 4_000 }], 7, 4_000],
    ['paid on day 8 does not', [{ date: '2026-10-09', cents: 4_000 }], 7, 0],
    ['two payments within 14', [{ date: '2026-10-05', cents: 4_000 }, { date: '2026-10-15', cents: 6_000 }], 14, 10_000],
    ['never more than was open', [{ date: '2026-10-05', cents: 15_000 }], 30, 10_000],
    ['a reversal lowers it', [{ date: '2026-10-05', cents: 10_000 }, { date: '2026-10-06', cents: -10_000 }], 30, 0],
  ])('%s', (_name, reductions, days, paid) => {
    expect(paidWithin(fact({ reductions }), days)).toBe(paid);
  });

  it.each([
    [[], null],
    [[{ date: '2026-10-05', cents: 4_000 }], null],
    [[{ date: '2026-10-20', cents: 6_000 }, { date: '2026-10-05', cents: 4_000 }], 19],
    [[{ date: '2026-10-03', cents: 10_000 }], 2],
  ])('days to full payment of %j: %s', (reductions, days) => {
    expect(daysToFullPayment(fact({ reductions }))).toBe(days);
  });

  it.each([
    [[], null],
    [[5], 5],
    [[9, 1, 5], 5],
    [[1, 2, 3, 10], 2.5],
  ])('median of %j is %s', (values, m) => {
    expect(median(values)).toBe(m);
  });

  it('sums per stage and counts the funnel per distinct invoice', () => {
    const facts = [
      fact({ invoice: 'A', reductions: [{ date: '2026-10-05', cents: 10_000 }] }),
      fact({ invoice: 'B', openCents: 30_000, letterId: 2 }),
      fact({ invoice: 'B', openCents: 30_000, letterId: 3, stageIndex: 1, letterDate: '2026-10-15', handedOver: true }),
    ];
    const stages = effectivenessOf(['h', 'a'], facts, [{ stageIndex: 0, letters: 2 }, { stageIndex: 1, letters: 1 }]);
    expect(stages[0]).toMatchObject({ letters: 2, invoices: 2, amountCents: 40_000, paidCents: { 7: 10_000, 14: 10_000, 30: 10_000 }, paidShare: { 7: 0.25 }, paidInFull: 1, medianDaysToPayment: 4, handedOverInvoices: 0 });
    expect(stages[1]).toMatchObject({ letters: 1, invoices: 1, amountCents: 30_000, paidShare: { 30: 0 }, medianDaysToPayment: null, handedOverInvoices: 1, handedOverCents: 30_000 });
    expect(funnelOf(['h', 'a'], facts)).toEqual([
      { step: 'h', invoices: 2, cents: 40_000 },
      { step: 'a', invoices: 1, cents: 30_000 },
      { step: 'handover', invoices: 1, cents: 30_000 },
    ]);
  });
});

describe('payment behaviour', () => {
  it.each([
    [[1, 2], null],
    [[10, 20, 30], 10],
    [[30, 20, 10], -10],
    [[5, 5, 5, 5], 0],
  ])('trend of %j is %s', (values, s) => {
    expect(slope(values)).toBe(s);
  });

  const settled = (invoice: string, due: string, on: string) => ({ debtor: 'D1', invoice, dueDate: due, settledOn: on });
  it.each([
    ['later each time', [settled('1', '2026-01-01', '2026-01-11'), settled('2', '2026-02-01', '2026-02-21'), settled('3', '2026-03-01', '2026-03-31')], true, [10, 20, 30]],
    ['not strictly later', [settled('1', '2026-01-01', '2026-01-11'), settled('2', '2026-02-01', '2026-02-11'), settled('3', '2026-03-01', '2026-03-31')], false, [10, 10, 30]],
    ['early payment counts as 0 days late', [settled('1', '2026-01-10', '2026-01-01')], false, [0]],
  ])('%s', (_name, rows, later, days) => {
    const [b] = behaviourOf(rows);
    expect(b!.payingLater).toBe(later);
    expect(b!.daysLate).toEqual(days);
  });
});

describe('signals', () => {
  const base: SignalFacts = { today: TODAY, names: new Map([['D1', 'Jansen']]) };
  const point = (today: string, overdueCents: number, maxDaysLate: number) => ({ today, debtor: 'D1', openCents: overdueCents, overdueCents, maxDaysLate });
  it.each([
    ['rising balance', { debtorHistory: [point('2026-10-01', 100_00, 10), point('2026-10-15', 150_00, 5), point('2026-11-01', 250_00, 10)] }, ['rising_balance']],
    ['falling balance', { debtorHistory: [point('2026-10-01', 300_00, 10), point('2026-10-15', 150_00, 24)] }, []],
    ['ageing without payment', { debtorHistory: [point('2026-10-01', 100_00, 20), point('2026-10-15', 100_00, 34)] }, ['rising_days_late']],
    ['ageing but below the minimum', { minimumCents: 200_00, debtorHistory: [point('2026-10-01', 100_00, 20), point('2026-10-15', 100_00, 34)] }, []],
    ['one import is no trend', { debtorHistory: [point('2026-10-01', 100_00, 40)] }, []],
    ['paying later', { behaviour: [{ debtor: 'D1', payments: 3, averageDaysLate: 20, trend: 10, daysLate: [10, 20, 30], payingLater: true }] }, ['paying_later']],
    ['new large overdue', { newOverdue: [{ invoice: 'F9', debtor: 'D1', name: 'Jansen', type: 'business' as const, dueDate: '2026-11-01', openCents: 250_000 }] }, ['new_large_overdue']],
    ['near limitation (consumer sale, 2 years)', { limitation: [{ invoice: 'F1', debtor: 'D1', name: 'Jansen', type: 'consumer' as const, dueDate: '2024-12-01', openCents: 100 }] }, ['near_limitation']],
    ['limitation far away for a business', { limitation: [{ invoice: 'F1', debtor: 'D1', name: 'Jansen', type: 'business' as const, dueDate: '2024-12-01', openCents: 100 }] }, []],
    ['unmatched money', { unmatched: { count: 2, cents: 5_000 } }, ['unmatched_money']],
    ['no unmatched money', { unmatched: { count: 0, cents: 0 } }, []],
    ['broken promise', { arrangements: [{ debtor: 'D1', name: 'Jansen', kind: 'promise' as const, dueDate: '2026-11-01', cents: 5_000, broken: true }] }, ['broken_arrangement']],
    ['kept arrangement', { arrangements: [{ debtor: 'D1', name: 'Jansen', kind: 'arrangement' as const, dueDate: '2026-11-01', cents: 5_000, broken: false }] }, []],
    ['a ledger without the facts: every rule skipped', {}, []],
  ])('%s', (_name, extra, kinds) => {
    const signals = signalsOf({ ...base, ...extra });
    expect(signals.map((s) => s.kind)).toEqual(kinds);
    for (const s of signals) {
      expect(s.text.nl.length).toBeGreaterThan(10);
      expect(s.text.en.length).toBeGreaterThan(10);
    }
  });

  it('takes a new rule without touching the others', () => {
    const rules = [...SIGNAL_RULES, { kind: 'custom', needs: 'unmatched' as const, detect: () => [{ kind: 'custom', severity: 'low' as const, debtor: null, name: null, invoice: null, cents: null, text: { nl: 'x', en: 'x' } }] }];
    expect(signalsOf({ ...base, unmatched: { count: 1, cents: 1 } }, rules).map((s) => s.kind)).toEqual(['unmatched_money', 'custom']);
  });
});

describe('forecast', () => {
  const STAGES: Policy['stages'] = [
    { id: 'herinnering', after: 7, channels: ['email'], final: false },
    { id: 'aanmaning', after: 14, channels: ['email'], final: false },
    { id: 'final', after: 14, channels: ['email', 'post'], final: true },
  ];
  const policy: Policy = examplePolicy({
    stages: STAGES,
    creditor: creditor({ name: 'C', address: { street: 's', postcode: 'p', city: 'c', country: 'NL' }, vatNumber: null, bic: null, email: 'a@b.nl', phone: null, contactPerson: null }),
  });
  const input = (type: 'consumer' | 'business', openCents = 10_000): PlanDebtorInput => ({
    debtor: debtor({ number: 'D1', name: 'Jansen', type, email: 'j@example.nl', address: { street: 's', postcode: '1234 AB', city: 'c', country: 'NL' } }),
    invoices: [planInvoice('F1', { issueDate: null, dueDate: '2026-11-01', amountCents: openCents, openCents })],
    holds: [],
    lastLetterDate: null,
  });

  it.each([
    ['business', 10_000, [['2026-11-08', 'letter herinnering'], ['2026-11-22', 'letter aanmaning'], ['2026-12-06', 'letter final'], ['2026-12-27', 'handover']]],
    ['consumer', 10_000, [['2026-11-08', 'letter herinnering'], ['2026-11-22', 'letter aanmaning'], ['2026-12-06', 'letter final'], ['2026-12-27', 'handover']]],
    ['business', 500, []],
  ] as const)('%s, %i cents: the ladder day by day', (type, cents, expected) => {
    const days = forecast([input(type, cents)], policy, '2026-11-01', 60);
    expect(days.map((d) => [d.date, d.actions.map((a) => (a.kind === 'letter' ? `letter ${a.stage}` : a.kind)).join()])).toEqual(expected);
    for (const d of days) expect(d.cents).toBe(cents);
  });

  it('agrees with the planner on each day and leaves the facts it was given alone', () => {
    const original = input('business');
    const days = forecast([original], policy, '2026-11-01', 10);
    expect(original.invoices[0]!.stageIndex).toBeNull();
    const planned = planDebtor(original, policy, '2026-11-08', { letters: false }).actions.filter((a) => a.kind === 'letter');
    expect(days[0]!.actions).toEqual([{ kind: 'letter', stage: planned[0]!.kind === 'letter' ? planned[0]!.stage : '', channels: 'email', count: 1, cents: 10_000 }]);
  });
});

describe('figures as shown', () => {
  it.each([
    [123456, 'euro', 'nl', '€ 1.234,56'],
    [123456, 'euro', 'en', '€ 1,234.56'],
    [0.0158, 'share', 'nl', '1,6%'],
    [0.0158, 'share', 'en', '1.6%'],
    [null, 'days', 'nl', '–'],
    [2.5, 'days', 'nl', '2,5'],
    ['2026-11-10', 'date', 'nl', '10-11-2026'],
    [1234, 'count', 'nl', '1.234'],
  ] as const)('%s as %s in %s: %s', (value, format, lang, text) => {
    expect(formatFigure(value, format, lang)).toBe(text);
  });
});
