// The rules of payment arrangements, promises and calls as tables: how an amount is split, what
// an instalment's status is given the payments, when an arrangement breaks, which notice is due.
import { creditor, debtor, PHONE_STAGES, planInvoice, policy as examplePolicy } from '../helpers/builders.js';
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  arrangementStatus,
  callStep,
  noticeDue,
  parseScheduleText,
  promiseState,
  scheduleProblem,
  splitSchedule,
  type DatedPayment,
  type Instalment,
} from '../../src/domain/arrangements.js';
import { isIsoDate } from '../../src/domain/dates.js';

describe('splitSchedule', () => {
  it.each([
    // total, count, every, first, expected [date, cents]
    [30000, 3, 'month', '2026-12-01', [['2026-12-01', 10000], ['2027-01-01', 10000], ['2027-02-01', 10000]]],
    [10000, 3, 'month', '2026-12-15', [['2026-12-15', 3333], ['2027-01-15', 3333], ['2027-02-15', 3334]]],
    [10001, 2, '2weeks', '2026-12-01', [['2026-12-01', 5000], ['2026-12-15', 5001]]],
    [9999, 4, 'month', '2027-01-31', [['2027-01-31', 2499], ['2027-02-28', 2499], ['2027-03-31', 2499], ['2027-04-30', 2502]]],
    [500, 1, 'month', '2026-12-01', [['2026-12-01', 500]]],
  ] as const)('%i cents in %i instalments every %s from %s', (total, count, every, first, expected) => {
    const s = splitSchedule(total, count, every, first);
    expect(s.map((i) => [i.dueDate, i.amountCents])).toEqual(expected);
    expect(s.map((i) => i.number)).toEqual(expected.map((_, i) => i + 1));
  });

  it.each([
    [0, 3],
    [-100, 2],
    [100, 0],
    [2, 3],
    [100.5, 2],
  ])('refuses %s cents in %s instalments', (total, count) => {
    expect(() => splitSchedule(total, count, 'month', '2026-12-01')).toThrow(RangeError);
  });

  it('always sums to the total, never loses a cent, last instalment holds the remainder', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 1, max: 36 }), (total, count) => {
        fc.pre(count <= total);
        const s = splitSchedule(total, count, 'month', '2026-01-31');
        expect(s.reduce((a, i) => a + i.amountCents, 0)).toBe(total);
        const first = s[0]!.amountCents;
        for (const i of s.slice(0, -1)) expect(i.amountCents).toBe(first);
        expect(s[s.length - 1]!.amountCents - first).toBeGreaterThanOrEqual(0);
        expect(s[s.length - 1]!.amountCents - first).toBeLessThan(count);
        expect(scheduleProblem(s, total)).toBeNull();
      }),
    );
  });
});

describe('scheduleProblem and parseScheduleText', () => {
  const euros = (t: string): number | null => (/^\d+([.,]\d{2})?$/.test(t) ? Math.round(Number(t.replace(',', '.')) * 100) : null);
  it.each([
    ['2026-12-01:100.00,2027-01-01:50,00', 15000, null],
    ['2026-12-01:100.00,2027-01-01:50.00', 20000, 'add up to 15000 cents'],
    ['2027-01-01:100.00,2026-12-01:50.00', 15000, 'dates must ascend'],
    ['2026-12-01:0,2027-01-01:150.00', 15000, 'must be positive'],
  ])('%s against %i cents', (text, total, problem) => {
    const parsed = parseScheduleText(text, euros, isIsoDate);
    if (typeof parsed === 'string') throw new Error(parsed);
    const p = scheduleProblem(parsed, total);
    if (problem === null) expect(p).toBeNull();
    else expect(p).toContain(problem);
  });
  it.each([
    ['2026-12-01 100', '"2026-12-01 100" is not date:amount (e.g. 2026-12-01:100.00)'],
    ['2026-13-01:100.00', '"2026-13-01:100.00" is not date:amount (e.g. 2026-12-01:100.00)'],
    ['2026-12-01:tien', '"tien" in "2026-12-01:tien" is not an amount'],
  ])('refuses %s', (text, message) => {
    expect(parseScheduleText(text, euros, isIsoDate)).toBe(message);
  });
});

const SCHEDULE: Instalment[] = [
  { number: 1, dueDate: '2026-12-01', amountCents: 10000 },
  { number: 2, dueDate: '2027-01-01', amountCents: 10000 },
  { number: 3, dueDate: '2027-02-01', amountCents: 10000 },
];

describe('arrangementStatus: payments set against the schedule cumulatively', () => {
  const p = (date: string, cents: number): DatedPayment => ({ date, cents });
  it.each([
    // today, payments, grace, state, instalment states, brokenOn
    ['2026-11-20', [], 7, 'running', ['upcoming', 'upcoming', 'upcoming'], null],
    ['2026-12-01', [], 7, 'running', ['due_today', 'upcoming', 'upcoming'], null],
    ['2026-12-05', [], 7, 'running', ['missed', 'upcoming', 'upcoming'], null],
    ['2026-12-08', [], 7, 'running', ['missed', 'upcoming', 'upcoming'], null],
    ['2026-12-09', [], 7, 'broken', ['overdue_beyond_grace', 'upcoming', 'upcoming'], '2026-12-09'],
    ['2026-12-09', [p('2026-11-30', 10000)], 7, 'running', ['paid', 'upcoming', 'upcoming'], null],
    // one payment covering two instalments
    ['2027-01-20', [p('2026-11-30', 20000)], 7, 'running', ['paid', 'paid', 'upcoming'], null],
    // a short payment leaves the rest of the instalment open
    ['2026-12-03', [p('2026-11-30', 9000)], 7, 'running', ['missed', 'upcoming', 'upcoming'], null],
    // paid two, missed the third beyond grace
    ['2027-02-09', [p('2026-12-01', 10000), p('2027-01-02', 10000)], 7, 'broken', ['paid', 'paid', 'overdue_beyond_grace'], '2027-02-09'],
    ['2027-02-08', [p('2026-12-01', 10000), p('2027-01-02', 10000)], 7, 'running', ['paid', 'paid', 'missed'], null],
    // everything paid
    ['2027-03-01', [p('2026-12-01', 30000)], 7, 'completed', ['paid', 'paid', 'paid'], null],
    // a payment dated after today does not count yet
    ['2026-12-02', [p('2026-12-10', 10000)], 0, 'broken', ['overdue_beyond_grace', 'upcoming', 'upcoming'], '2026-12-02'],
  ] as const)('on %s with %j (grace %i): %s', (today, payments, grace, state, states, brokenOn) => {
    const s = arrangementStatus(SCHEDULE, payments, today, grace);
    expect(s.state).toBe(state);
    expect(s.instalments.map((i) => i.state)).toEqual(states);
    expect(s.brokenOn).toBe(brokenOn);
  });

  it('marks a paid-late instalment and counts money known without a dated payment', () => {
    const s = arrangementStatus(SCHEDULE, [{ date: '2026-12-04', cents: 10000 }], '2026-12-05', 7);
    expect(s.instalments[0]!.late).toBe(true);
    expect(s.next?.number).toBe(2);
    const extra = arrangementStatus(SCHEDULE, [], '2026-12-05', 7, 10000);
    expect(extra.instalments[0]!.state).toBe('paid');
  });
});

describe('noticeDue: one instalment letter at a time, each once', () => {
  it.each([
    // today, paid cents, sent, expected
    ['2026-11-24', 0, [], null],
    ['2026-11-25', 0, [], '1:before'],
    ['2026-11-26', 0, ['1:before'], null],
    ['2026-12-01', 0, ['1:before'], null],
    ['2026-12-02', 0, ['1:before'], '1:missed'],
    ['2026-12-03', 0, ['1:before', '1:missed'], null],
    ['2026-12-26', 10000, ['1:before'], '2:before'],
    ['2026-11-25', 10000, [], null],
    ['2026-12-09', 0, [], null], // broken: no more instalment letters
  ] as const)('on %s with %i paid and %j sent: %s', (today, paid, sent, expected) => {
    const status = arrangementStatus(SCHEDULE, paid ? [{ date: '2026-11-20', cents: paid }] : [], today, 7);
    const n = noticeDue(status, today, 6, new Set(sent));
    expect(n === null ? null : `${n.instalment}:${n.kind}`).toBe(expected);
  });
});

describe('promiseState', () => {
  it.each([
    [10000, 0, '2026-12-01', '2026-11-30', 'open'],
    [10000, 0, '2026-12-01', '2026-12-01', 'open'],
    [10000, 0, '2026-12-01', '2026-12-02', 'broken'],
    [10000, 9999, '2026-12-01', '2026-12-02', 'broken'],
    [10000, 10000, '2026-12-01', '2026-11-28', 'kept'],
    [10000, 12000, '2026-12-01', '2026-12-10', 'kept'],
  ] as const)('%i promised, %i paid, until %s, on %s: %s', (amount, paid, until, today, state) => {
    expect(promiseState(amount, paid, until, today)).toBe(state);
  });
});

describe('callStep: what a logged call does to the ladder', () => {
  it.each([
    ['reached', undefined, 'advance', null],
    ['no-answer', undefined, 'advance', null],
    ['promise', '2026-12-10', 'promise', '2026-12-10'],
    ['promise', undefined, 'promise', '2026-12-08'],
    ['dispute', undefined, 'dispute', null],
    ['arrangement', undefined, 'pause', '2026-12-08'],
  ] as const)('%s (until %s) → %s', (outcome, until, kind, expectedUntil) => {
    const step = callStep(outcome, '2026-11-24', { until: until ?? null, pauseDays: 14 });
    expect(step.kind).toBe(kind);
    expect('until' in step ? step.until : null).toBe(expectedUntil);
  });
});

// ---------------------------------------------------------------------------------------------
// The planner's hooks: agreements pause like holds, a phone stage becomes a call action

import { planDebtor, type Policy, type PlanDebtorInput, type PlanInvoice } from '../../src/domain/plan.js';
import type { PlanAgreement } from '../../src/domain/arrangements.js';

const POLICY: Policy = examplePolicy({
  stages: PHONE_STAGES,
  creditor: creditor({ vatNumber: null, bic: null, email: 'a@korenschoof.example', phone: null, contactPerson: null }),
});

function inv(number: string, stageIndex: number | null, stageDate: string | null, openCents = 30000): PlanInvoice {
  return planInvoice(number, { issueDate: '2026-09-01', dueDate: '2026-10-01', amountCents: openCents, openCents, stageIndex, stageDate, stageChannels: stageIndex === null ? null : ['email'] });
}

function input(invoices: PlanInvoice[], agreements: PlanAgreement[]): PlanDebtorInput {
  return {
    debtor: debtor({ number: 'D1', name: 'A. Yılmaz', email: 'a@example.nl', phone: '06-12345678', address: { street: null, postcode: null, city: 'Utrecht', country: 'NL' } }),
    invoices,
    holds: [],
    agreements,
  };
}

const ARR = (payments: DatedPayment[]): PlanAgreement => ({ kind: 'arrangement', id: 1, invoices: ['A'], schedule: SCHEDULE, payments, graceDays: 7 });

describe('planDebtor with agreements', () => {
  it.each([
    // today, invoices, agreements, expected actions
    ['2026-12-05', [inv('A', 1, '2026-10-23')], [], ['call bellen A 30000']],
    ['2026-12-05', [inv('A', 1, '2026-10-23')], [ARR([])], ['skip arrangement_running A']],
    ['2026-12-05', [inv('A', 1, '2026-10-23'), inv('B', 1, '2026-10-23', 5000)], [ARR([])], ['skip arrangement_running A', 'call bellen B 5000']],
    // broken after the grace: dunning resumes at the stage the claim had (aanmaning → the call)
    ['2026-12-09', [inv('A', 1, '2026-10-23')], [ARR([])], ['call bellen A 30000']],
    // broken from the phone stage: the final letter, with the BIK costs over what is open
    ['2026-12-09', [inv('A', 2, '2026-11-06', 15000)], [{ kind: 'arrangement', id: 1, invoices: ['A'], schedule: [{ number: 1, dueDate: '2026-12-01', amountCents: 15000 }], payments: [], graceDays: 7 }], ['letter laatste-herinnering A 15000 costs 4000']],
    ['2026-12-05', [inv('A', 1, '2026-10-23')], [{ kind: 'promise', id: 3, until: '2026-12-10', amountCents: 30000, paidSinceCents: 0 }], ['skip promise_open -']],
    ['2026-12-10', [inv('A', 1, '2026-10-23')], [{ kind: 'promise', id: 3, until: '2026-12-10', amountCents: 30000, paidSinceCents: 0 }], ['skip promise_open -']],
    ['2026-12-11', [inv('A', 1, '2026-10-23')], [{ kind: 'promise', id: 3, until: '2026-12-10', amountCents: 30000, paidSinceCents: 0 }], ['call bellen A 30000']],
    ['2026-12-30', [inv('A', 2, '2026-11-06')], [{ kind: 'call', id: 4, date: '2026-11-06', stage: 'bellen' }], ['skip call_pending -']],
  ] as const)('on %s', (today, invoices, agreements, expected) => {
    const plan = planDebtor(input([...invoices], [...agreements] as PlanAgreement[]), POLICY, today);
    const got = plan.actions.map((a) =>
      a.kind === 'skip' ? `skip ${a.code} ${a.invoice ?? '-'}`
        : a.kind === 'call' ? `call ${a.stage} ${a.invoices.join(',')} ${a.amountCents}`
          : a.kind === 'letter' ? `letter ${a.stage} ${a.invoices.join(',')} ${a.amountCents}${a.costsCents !== null ? ` costs ${a.costsCents}` : ''}`
            : `handover ${a.invoices.join(',')}`,
    );
    expect(got).toEqual(expected);
  });
});

// ---------------------------------------------------------------------------------------------
// The arrangement letters: shipped templates pass the check; the QR code pays the instalment

import path from 'node:path';
import { checkTemplates, DEFAULT_TEMPLATES_DIR, renderLetterTexts, sampleLetterData } from '../../src/letters/templates.js';
import { epcPayloadFor } from '../../src/workflows/write-letters.js';
import { letterView } from '../../src/letters/view.js';
import { ARRANGEMENT_LETTER_IDS } from '../../src/domain/letter.js';

describe('arrangement letters', () => {
  it('the shipped templates pass the check in both languages', () => {
    const { checked } = checkTemplates([DEFAULT_TEMPLATES_DIR], Object.values(ARRANGEMENT_LETTER_IDS).map((id) => ({ id })), ['nl', 'en']);
    expect(checked.map((c) => `${c.stage} ${c.language} ${c.debtorType}: ${path.relative(DEFAULT_TEMPLATES_DIR, c.file)}`)).toEqual(
      ['betalingsregeling', 'termijn-herinnering', 'termijn-gemist'].flatMap((id) => ['nl', 'en'].flatMap((l) => [`${id} ${l} consumer: ${l}/${id}.hbs`, `${id} ${l} business: ${l}/${id}.hbs`])),
    );
  });

  it.each([
    ['betalingsregeling', 'nl', ['termijn 1: € 150,00 uiterlijk op 01-12-2026', 'termijn 3: € 150,00 uiterlijk op 01-02-2027', 'De eerste termijn van € 150,00 betaalt u uiterlijk op 1 december 2026']],
    ['termijn-herinnering', 'nl', ['vervalt op 1 januari 2027 termijn 2 van 3: € 150,00', 'u € 150,00 van € 450,00 betaald; er staat nog € 300,00 open']],
    ['termijn-gemist', 'nl', ['termijn 2 van uw betalingsregeling, € 150,00 met vervaldatum 1 januari 2027', 'uiterlijk op 8 januari 2027']],
    ['termijn-gemist', 'en', ['instalment 2 of your payment arrangement, € 150.00 due on 1 January 2027', 'no later than 8 January 2027']],
  ] as const)('%s (%s) says what was agreed', (stageId, language, phrases) => {
    const data = sampleLetterData({ stageId, language });
    const texts = renderLetterTexts(data, [DEFAULT_TEMPLATES_DIR]);
    const flat = texts.body.replace(/\s+/g, ' ');
    for (const p of phrases) expect(flat).toContain(p);
    expect(flat).not.toMatch(/incassokosten|collection costs/);
    // The payment block and the QR code ask for the instalment, not the whole balance.
    expect(letterView(data).payAmount).toBe(language === 'en' ? '€ 150.00' : '€ 150,00');
    expect(epcPayloadFor(data)!.split('\n')).toContain('EUR150.00');
  });
});
