// The dunning engine (SPEC §6) as a credit manager would describe it: named scenarios over small
// builders, no database. Each invoice moves one step per letter; the letter is at the highest
// stage due; the consumer's final letter states the BIK costs over what moves to the final stage.
import { legalPolicy } from '../helpers/law.js';
import { describe, it, expect } from 'vitest';
import {
  handoverDate,
  isHoldActive,
  planDebtor,
  planRun,
  type Action,
  type PlanDebtorInput,
  type PlanHold,
  type PlanInvoice,
  type Policy,
} from '../../src/domain/plan.js';
import type { Channel, DebtorSnapshot } from '../../src/domain/letter.js';
import { addDays } from '../../src/domain/dates.js';
import { debtor, planInvoice as invoice, policy, STAGES as PLAN_STAGES } from '../helpers/builders.js';

// ---------------------------------------------------------------------------------------------
// Builders

const STAGES = ['herinnering', 'aanmaning', 'laatste-herinnering'] as const;
type StageId = (typeof STAGES)[number];

const business = (over: Partial<DebtorSnapshot> = {}): DebtorSnapshot =>
  debtor({ number: '10002', name: 'Bouwbedrijf Van Dijk B.V.', type: 'business', email: 'crediteuren@vandijkbouw.example', ...over });

/** The invoice's last letter: `stage` sent on `date` (channels as that stage sends them). */
function at(stage: StageId, date: string, channels?: Channel[]): Partial<PlanInvoice> {
  const index = STAGES.indexOf(stage);
  return { stageIndex: index, stageDate: date, stageChannels: channels ?? (index === 2 ? ['email', 'post'] : ['email']) };
}

function hold(over: Partial<PlanHold> = {}): PlanHold {
  return { invoiceNumber: null, reason: 'betalingsregeling', dispute: false, until: null, ...over };
}

const euros = (e: number): number => Math.round(e * 100);

/** The parts of an action a credit manager checks: who, what stage, which invoices, how much, how. */
function summary(a: Action): Record<string, unknown> {
  if (a.kind === 'letter') {
    return {
      kind: a.kind, debtor: a.debtor, stage: a.stage, invoices: a.invoices, amountCents: a.amountCents,
      costsCents: a.costsCents, channels: a.channels, moves: a.moves.map((m) => `${m.invoice}→${STAGES[m.toStage]}`), alsoOpen: a.alsoOpen,
    };
  }
  if (a.kind === 'handover') return { kind: a.kind, debtor: a.debtor, invoices: a.invoices, amountCents: a.amountCents };
  if (a.kind === 'call') return { kind: a.kind, debtor: a.debtor, stage: a.stage, invoices: a.invoices, amountCents: a.amountCents };
  return { kind: a.kind, debtor: a.debtor, code: a.code, invoice: a.invoice };
}

interface LetterExpect {
  debtor?: string;
  stage: StageId;
  invoices: string[];
  amountCents: number;
  costsCents?: number | null;
  channels?: Channel[];
  moves: string[];
  alsoOpen?: string[];
}

const letter = (e: LetterExpect): Record<string, unknown> => ({
  kind: 'letter',
  debtor: e.debtor ?? '10001',
  stage: e.stage,
  invoices: e.invoices,
  amountCents: e.amountCents,
  costsCents: e.costsCents ?? null,
  channels: e.channels ?? (e.stage === 'laatste-herinnering' ? ['email', 'post'] : ['email']),
  moves: e.moves,
  alsoOpen: e.alsoOpen ?? [],
});
const skip = (code: string, invoice: string | null = null, d = '10001'): Record<string, unknown> => ({ kind: 'skip', debtor: d, code, invoice });
const handover = (invoices: string[], amountCents: number, d = '10001'): Record<string, unknown> => ({ kind: 'handover', debtor: d, invoices, amountCents });

interface Scenario {
  name: string;
  today: string;
  debtor?: DebtorSnapshot;
  invoices: PlanInvoice[];
  holds?: PlanHold[];
  policy?: Policy;
  /** The debtor's newest recorded letter. */
  lastLetterDate?: string;
  /** The debtor's earlier final letters (6:96 lid 7). */
  finalLetters?: PlanDebtorInput['finalLetters'];
  expected: Record<string, unknown>[];
}

function actionsOf(s: Scenario): Record<string, unknown>[] {
  const input: PlanDebtorInput = { debtor: s.debtor ?? debtor(), invoices: s.invoices, holds: s.holds ?? [], lastLetterDate: s.lastLetterDate ?? null, finalLetters: s.finalLetters ?? [] };
  return planDebtor(input, s.policy ?? policy(), s.today).actions.map(summary);
}

/** What `run` records: each move puts the invoice at its new stage, dated and with the letter's channels. */
function applyMoves(input: PlanDebtorInput, actions: Action[]): PlanDebtorInput {
  const invoices = input.invoices.map((inv) => {
    for (const a of actions) {
      if (a.kind !== 'letter') continue;
      const move = a.moves.find((m) => m.invoice === inv.number);
      if (move) return { ...inv, stageIndex: move.toStage, stageDate: a.letter!.date, stageChannels: a.channels };
    }
    return inv;
  });
  return { ...input, invoices };
}

// ---------------------------------------------------------------------------------------------

describe('timing of the ladder: herinnering 7 days after due, then 14 and 14 days after each letter', () => {
  it.each<Scenario>([
    {
      name: 'not yet overdue: nothing',
      today: '2026-09-15',
      invoices: [invoice('A')],
      expected: [],
    },
    {
      name: 'day 6 after the due date: still nothing',
      today: '2026-09-21',
      invoices: [invoice('A')],
      expected: [],
    },
    {
      name: 'day 7 after the due date, exactly: the herinnering',
      today: '2026-09-22',
      invoices: [invoice('A')],
      expected: [letter({ stage: 'herinnering', invoices: ['A'], amountCents: 12100, moves: ['A→herinnering'] })],
    },
    {
      name: 'aanmaning counts from the herinnering letter (sent late on 25 Sept), not from the due date: not on 8 Oct',
      today: '2026-10-08',
      invoices: [invoice('A', at('herinnering', '2026-09-25'))],
      expected: [],
    },
    {
      name: 'aanmaning 14 days after the herinnering letter, exactly',
      today: '2026-10-09',
      invoices: [invoice('A', at('herinnering', '2026-09-25'))],
      expected: [letter({ stage: 'aanmaning', invoices: ['A'], amountCents: 12100, moves: ['A→aanmaning'] })],
    },
    {
      name: 'last letter 14 days after the aanmaning, by e-mail and post, with the BIK costs for a consumer',
      today: '2026-10-20',
      invoices: [invoice('A', at('aanmaning', '2026-10-06'))],
      expected: [letter({ stage: 'laatste-herinnering', invoices: ['A'], amountCents: 12100, costsCents: 4000, moves: ['A→laatste-herinnering'] })],
    },
    {
      name: 'a month without runs: an invoice at herinnering moves one step to aanmaning, never straight to the last letter',
      today: '2026-11-03',
      invoices: [invoice('A', at('herinnering', '2026-09-01'))],
      expected: [letter({ stage: 'aanmaning', invoices: ['A'], amountCents: 12100, moves: ['A→aanmaning'] })],
    },
    {
      name: 'an invoice imported half a year after its due date starts at the herinnering',
      today: '2026-10-01',
      invoices: [invoice('A', { dueDate: '2026-03-31', issueDate: '2026-03-01' })],
      expected: [letter({ stage: 'herinnering', invoices: ['A'], amountCents: 12100, moves: ['A→herinnering'] })],
    },
    {
      name: 'after the last letter there is no further letter, only the wait for handover',
      today: '2026-11-05',
      invoices: [invoice('A', at('laatste-herinnering', '2026-10-20'))],
      expected: [],
    },
  ])('$name', (s) => {
    expect(actionsOf(s)).toEqual(s.expected);
  });

  it('daily runs walk the ladder one stage at a time: 22 Sept, 6 Oct, 20 Oct, handover from 10 Nov (business)', () => {
    let input: PlanDebtorInput = { debtor: business(), invoices: [invoice('A')], holds: [] };
    const log: string[] = [];
    for (let today = '2026-09-10'; today <= '2026-11-12'; today = addDays(today, 1)) {
      const actions = planDebtor(input, policy(), today).actions;
      for (const a of actions) log.push(`${today} ${a.kind === 'letter' ? a.stage : a.kind}`);
      input = applyMoves(input, actions);
      // The same day again: nothing new to send (a second cron run).
      expect(planDebtor(input, policy(), today).actions.filter((a) => a.kind === 'letter')).toEqual([]);
    }
    expect(log).toEqual([
      '2026-09-22 herinnering',
      '2026-10-06 aanmaning',
      '2026-10-20 laatste-herinnering',
      '2026-11-10 handover',
      '2026-11-11 handover',
      '2026-11-12 handover',
    ]);
  });
});

describe('several invoices of one debtor', () => {
  it.each<Scenario>([
    {
      name: 'a new invoice joins a consumer at aanmaning: the veertiendagenbrief covers every due claim (6:96 lid 7), costs over the sum',
      today: '2026-10-20',
      invoices: [invoice('A', { amountCents: euros(1000), ...at('aanmaning', '2026-10-06') }), invoice('B', { amountCents: euros(500), dueDate: '2026-10-10' })],
      expected: [
        letter({
          stage: 'laatste-herinnering',
          invoices: ['A', 'B'],
          amountCents: euros(1500),
          costsCents: 22500, // BIK over €1.500, stated once for both
          moves: ['A→laatste-herinnering', 'B→laatste-herinnering'],
        }),
      ],
    },
    {
      name: 'a business is not swept: each invoice moves one step in the last letter',
      today: '2026-10-20',
      debtor: business(),
      invoices: [invoice('A', { amountCents: euros(1000), ...at('aanmaning', '2026-10-06') }), invoice('B', { amountCents: euros(500), dueDate: '2026-10-10' })],
      expected: [
        letter({ debtor: '10002', stage: 'laatste-herinnering', invoices: ['A', 'B'], amountCents: euros(1500), costsCents: null, moves: ['A→laatste-herinnering', 'B→herinnering'] }),
      ],
    },
    {
      name: 'a claim falling due after the veertiendagenbrief gets its own, with costs only within the BIK room left (lid 7)',
      today: '2026-12-01',
      finalLetters: [{ id: 1, date: '2026-10-20', covers: ['A'], principalCents: euros(1000), costsCents: 15000 }],
      invoices: [
        invoice('A', { amountCents: euros(1000), ...at('laatste-herinnering', '2026-10-20') }),
        invoice('B', { amountCents: euros(500), dueDate: '2026-10-25', ...at('aanmaning', '2026-11-17') }),
      ],
      expected: [
        handover(['A'], euros(1000)),
        letter({
          stage: 'laatste-herinnering',
          invoices: ['B'],
          amountCents: euros(500),
          costsCents: 7500, // BIK(€1.500) €225 − €150 stated before
          moves: ['B→laatste-herinnering'],
          alsoOpen: ['A'],
        }),
      ],
    },
    {
      name: 'an overdue invoice not yet due for its herinnering is shown as also open and does not move',
      today: '2026-10-06',
      invoices: [invoice('A', at('herinnering', '2026-09-22')), invoice('B', { amountCents: 5000, dueDate: '2026-10-01' })],
      expected: [letter({ stage: 'aanmaning', invoices: ['A'], amountCents: 12100, moves: ['A→aanmaning'], alsoOpen: ['B'] })],
    },
    {
      name: 'an invoice that is not yet overdue is not mentioned at all',
      today: '2026-10-06',
      invoices: [invoice('A', at('herinnering', '2026-09-22')), invoice('B', { amountCents: 5000, dueDate: '2026-10-31' })],
      expected: [letter({ stage: 'aanmaning', invoices: ['A'], amountCents: 12100, moves: ['A→aanmaning'] })],
    },
    {
      name: 'two new invoices due on different days: one herinnering for the one that is due, the other is also open',
      today: '2026-09-22',
      invoices: [invoice('B', { dueDate: '2026-09-18' }), invoice('A')],
      expected: [letter({ stage: 'herinnering', invoices: ['A'], amountCents: 12100, moves: ['A→herinnering'], alsoOpen: ['B'] })],
    },
    {
      name: 'partial payment keeps the stage: the aanmaning demands what is still open',
      today: '2026-10-06',
      invoices: [invoice('A', { amountCents: 12100, openCents: 5000, ...at('herinnering', '2026-09-22') })],
      expected: [letter({ stage: 'aanmaning', invoices: ['A'], amountCents: 5000, moves: ['A→aanmaning'] })],
    },
    {
      name: 'a fully paid invoice gets no further letter (its twin still does)',
      today: '2026-10-06',
      invoices: [invoice('A', { openCents: 0, ...at('herinnering', '2026-09-22') }), invoice('B', at('herinnering', '2026-09-22'))],
      expected: [letter({ stage: 'aanmaning', invoices: ['B'], amountCents: 12100, moves: ['B→aanmaning'] })],
    },
    {
      name: 'a second run the same day after a fresh import: the new overdue invoice waits until the next run (one letter per debtor per day)',
      today: '2026-09-22',
      lastLetterDate: '2026-09-22',
      invoices: [invoice('A', at('herinnering', '2026-09-22')), invoice('B', { amountCents: 5000, dueDate: '2026-09-10' })],
      expected: [skip('letter_already_sent')],
    },
    {
      name: 'the next day the new invoice gets its herinnering',
      today: '2026-09-23',
      lastLetterDate: '2026-09-22',
      invoices: [invoice('A', at('herinnering', '2026-09-22')), invoice('B', { amountCents: 5000, dueDate: '2026-09-10' })],
      expected: [letter({ stage: 'herinnering', invoices: ['B'], amountCents: 5000, moves: ['B→herinnering'], alsoOpen: ['A'] })],
    },
    {
      name: 'invoice paid in full or closed by a snapshot import: the ladder ends (nothing left in the book)',
      today: '2026-10-06',
      invoices: [invoice('A', { openCents: 0, ...at('herinnering', '2026-09-22') })],
      expected: [],
    },
  ])('$name', (s) => {
    expect(actionsOf(s)).toEqual(s.expected);
  });
});

describe('credit notes, minimum amount and channels', () => {
  it.each<Scenario>([
    {
      name: 'a credit note is set off against the oldest claim (the account), not listed again',
      today: '2026-09-22',
      invoices: [invoice('A'), invoice('C', { amountCents: -2100, dueDate: '2026-09-02' })],
      expected: [letter({ stage: 'herinnering', invoices: ['A'], amountCents: 10000, moves: ['A→herinnering'] })],
    },
    {
      name: 'a credit note covering the whole balance: no letter',
      today: '2026-09-22',
      invoices: [invoice('A'), invoice('C', { amountCents: -12100, dueDate: '2026-09-02' })],
      expected: [skip('credit_covers_balance')],
    },
    {
      name: 'a credit note that brings the due balance below the minimum: no letter',
      today: '2026-09-22',
      invoices: [invoice('A', { amountCents: 1500 }), invoice('C', { amountCents: -600, dueDate: '2026-09-02' })],
      expected: [skip('below_minimum')],
    },
    {
      name: 'consumer last letter: costs over the principal net of the credit note (€1.000 − €200 → BIK €120)',
      today: '2026-10-20',
      invoices: [invoice('A', { amountCents: euros(1000), ...at('aanmaning', '2026-10-06') }), invoice('C', { amountCents: euros(-200), dueDate: '2026-09-02' })],
      expected: [letter({ stage: 'laatste-herinnering', invoices: ['A'], amountCents: euros(800), costsCents: 12000, moves: ['A→laatste-herinnering'] })],
    },
    {
      name: 'due balance €9,99 is below the €10 minimum: no letter',
      today: '2026-09-22',
      invoices: [invoice('A', { amountCents: 999 })],
      expected: [skip('below_minimum')],
    },
    {
      name: 'due balance of exactly €10,00: letter',
      today: '2026-09-22',
      invoices: [invoice('A', { amountCents: 1000 })],
      expected: [letter({ stage: 'herinnering', invoices: ['A'], amountCents: 1000, moves: ['A→herinnering'] })],
    },
    {
      name: 'minimum 0 in the config: even €0,01 gets a letter',
      today: '2026-09-22',
      policy: policy({ minimumCents: 0 }),
      invoices: [invoice('A', { amountCents: 1 })],
      expected: [letter({ stage: 'herinnering', invoices: ['A'], amountCents: 1, moves: ['A→herinnering'] })],
    },
    {
      name: 'debtor without e-mail address gets the herinnering by post',
      today: '2026-09-22',
      debtor: debtor({ email: null }),
      invoices: [invoice('A')],
      expected: [letter({ stage: 'herinnering', invoices: ['A'], amountCents: 12100, channels: ['post'], moves: ['A→herinnering'] })],
    },
    {
      name: 'debtor with a broken e-mail address ("jansen@") gets post',
      today: '2026-09-22',
      debtor: debtor({ email: 'jansen@' }),
      invoices: [invoice('A')],
      expected: [letter({ stage: 'herinnering', invoices: ['A'], amountCents: 12100, channels: ['post'], moves: ['A→herinnering'] })],
    },
    {
      // The same list `debtor set` accepts and `mail` sends to (one rule: parseEmailList).
      name: 'debtor with two addresses ("a; b") gets the herinnering by e-mail',
      today: '2026-09-22',
      debtor: debtor({ email: 'j.jansen@example.nl; boekhouding@example.nl' }),
      invoices: [invoice('A')],
      expected: [letter({ stage: 'herinnering', invoices: ['A'], amountCents: 12100, channels: ['email'], moves: ['A→herinnering'] })],
    },
    {
      name: 'debtor without e-mail: the last letter goes by post only',
      today: '2026-10-20',
      debtor: debtor({ email: null }),
      invoices: [invoice('A', at('aanmaning', '2026-10-06'))],
      expected: [letter({ stage: 'laatste-herinnering', invoices: ['A'], amountCents: 12100, costsCents: 4000, channels: ['post'], moves: ['A→laatste-herinnering'] })],
    },
    {
      name: 'consumer veertiendagenbrief over €100 + €150 + €200: BIK over €450 is €67,50 (not 3 × €40)',
      today: '2026-10-20',
      invoices: [
        invoice('A', { amountCents: euros(100), ...at('aanmaning', '2026-10-06') }),
        invoice('B', { amountCents: euros(150), dueDate: '2026-09-16', ...at('aanmaning', '2026-10-06') }),
        invoice('C', { amountCents: euros(200), dueDate: '2026-09-17', ...at('aanmaning', '2026-10-06') }),
      ],
      expected: [
        letter({
          stage: 'laatste-herinnering',
          invoices: ['A', 'B', 'C'],
          amountCents: euros(450),
          costsCents: 6750,
          moves: ['A→laatste-herinnering', 'B→laatste-herinnering', 'C→laatste-herinnering'],
        }),
      ],
    },
    {
      name: 'business last letter states no costs (no veertiendagenbrief needed)',
      today: '2026-10-20',
      debtor: business(),
      invoices: [invoice('A', { amountCents: euros(450), ...at('aanmaning', '2026-10-06') })],
      expected: [letter({ debtor: '10002', stage: 'laatste-herinnering', invoices: ['A'], amountCents: euros(450), costsCents: null, moves: ['A→laatste-herinnering'] })],
    },
    {
      name: 'costs are never stated in a herinnering or aanmaning, also not for a consumer',
      today: '2026-10-06',
      invoices: [invoice('A', { amountCents: euros(450), ...at('herinnering', '2026-09-22') })],
      expected: [letter({ stage: 'aanmaning', invoices: ['A'], amountCents: euros(450), costsCents: null, moves: ['A→aanmaning'] })],
    },
  ])('$name', (s) => {
    expect(actionsOf(s)).toEqual(s.expected);
  });

  it('the recorded letter carries what the PDF needs: stage, due and also-open lines, totals, costs', () => {
    const input: PlanDebtorInput = {
      debtor: debtor(),
      invoices: [invoice('A', { amountCents: euros(100), ...at('aanmaning', '2026-10-06') }), invoice('B', { amountCents: 5000, dueDate: '2026-10-15' })],
      holds: [],
    };
    const [a] = planDebtor(input, policy(), '2026-10-20').actions;
    expect(a?.kind).toBe('letter');
    if (a?.kind !== 'letter') return;
    expect(a.letter).toMatchObject({
      date: '2026-10-20',
      stage: { index: 2, id: 'laatste-herinnering', final: true, count: 3 },
      channels: ['email', 'post'],
      // B is past its due date: 6:96 lid 7 sweeps it into the veertiendagenbrief.
      dueCents: euros(100) + 5000,
      totalOpenCents: euros(100) + 5000,
      costsCents: 4000,
      termDays: 14,
    });
    expect(a.letter!.invoices.map((l) => [l.number, l.role, l.openCents])).toEqual([
      ['A', 'due', euros(100)],
      ['B', 'due', 5000],
    ]);
  });
});

describe('holds and disputes', () => {
  it.each<Scenario>([
    {
      name: 'debtor on hold until 1 October: no herinnering on 30 September, reported as skipped',
      today: '2026-09-30',
      invoices: [invoice('A')],
      holds: [hold({ until: '2026-10-01' })],
      expected: [skip('debtor_on_hold')],
    },
    {
      name: 'hold until 1 October has expired on 1 October: the herinnering goes out',
      today: '2026-10-01',
      invoices: [invoice('A')],
      holds: [hold({ until: '2026-10-01' })],
      expected: [letter({ stage: 'herinnering', invoices: ['A'], amountCents: 12100, moves: ['A→herinnering'] })],
    },
    {
      name: 'hold without end date: skipped as long as it is not released',
      today: '2027-01-01',
      invoices: [invoice('A')],
      holds: [hold()],
      expected: [skip('debtor_on_hold')],
    },
    {
      name: 'one invoice on hold: the others of the debtor still get their letter',
      today: '2026-09-22',
      invoices: [invoice('A'), invoice('B', { amountCents: 5000 })],
      holds: [hold({ invoiceNumber: 'A' })],
      expected: [skip('invoice_on_hold', 'A'), letter({ stage: 'herinnering', invoices: ['B'], amountCents: 5000, moves: ['B→herinnering'] })],
    },
    {
      name: 'a credit note on hold is not netted',
      today: '2026-09-22',
      invoices: [invoice('A'), invoice('C', { amountCents: -2100, dueDate: '2026-09-02' })],
      holds: [hold({ invoiceNumber: 'C' })],
      expected: [letter({ stage: 'herinnering', invoices: ['A'], amountCents: 12100, moves: ['A→herinnering'] })],
    },
    {
      name: 'dispute on the debtor blocks the letter',
      today: '2026-10-06',
      invoices: [invoice('A', at('herinnering', '2026-09-22'))],
      holds: [hold({ dispute: true, reason: 'levering onvolledig' })],
      expected: [skip('debtor_disputed')],
    },
    {
      name: 'dispute on the debtor blocks the handover too',
      today: '2026-12-01',
      invoices: [invoice('A', at('laatste-herinnering', '2026-10-20'))],
      holds: [hold({ dispute: true, reason: 'levering onvolledig' })],
      expected: [skip('debtor_disputed')],
    },
    {
      name: 'a disputed invoice is not handed over; the undisputed one of the same debtor is',
      today: '2026-12-01',
      invoices: [invoice('A', at('laatste-herinnering', '2026-10-20')), invoice('B', { amountCents: 5000, ...at('laatste-herinnering', '2026-10-20') })],
      holds: [hold({ invoiceNumber: 'A', dispute: true, reason: 'factuur betwist' })],
      expected: [skip('invoice_disputed', 'A'), handover(['B'], 5000)],
    },
    {
      name: 'a released-by-date dispute (until 1 Dec) no longer blocks the handover on 1 Dec',
      today: '2026-12-01',
      invoices: [invoice('A', at('laatste-herinnering', '2026-10-20'))],
      holds: [hold({ dispute: true, until: '2026-12-01' })],
      expected: [handover(['A'], 12100)],
    },
  ])('$name', (s) => {
    expect(actionsOf(s)).toEqual(s.expected);
  });

  it.each([
    ['no end date', null, '2030-01-01', true],
    ['the day before the until date', '2026-10-01', '2026-09-30', true],
    ['on the until date (dunning resumes)', '2026-10-01', '2026-10-01', false],
    ['after the until date', '2026-10-01', '2026-10-02', false],
  ] as const)('a hold is active %s: %s on %s → %s', (_name, until, today, active) => {
    expect(isHoldActive(hold({ until }), today)).toBe(active);
  });

  it('explain shows every invoice of a debtor on hold as held, with the hold', () => {
    const h = hold({ until: '2026-10-01' });
    const result = planDebtor({ debtor: debtor(), invoices: [invoice('A'), invoice('C', { amountCents: -500 })], holds: [h] }, policy(), '2026-09-30');
    expect(result.debtorHold).toEqual(h);
    expect(result.assessments.map((a) => [a.number, a.state])).toEqual([['A', 'held'], ['C', 'credit']]);
  });
});

describe('handover to the incassobureau', () => {
  interface HandoverScenario {
    name: string;
    debtor: DebtorSnapshot;
    handoverAfter: number;
    finalLetter: string;
    channels: Channel[];
    notOn: string;
    from: string;
    /** For consumers: the plan says it waits for the fourteen-day term on `notOn`. */
    waitsForTerm: boolean;
  }

  it.each<HandoverScenario>([
    {
      name: 'consumer, last letter by post on Thu 17 April 2025 (Easter): not before Wed 7 May, although handover.after 15 allows 2 May',
      debtor: debtor(), handoverAfter: 15, finalLetter: '2025-04-17', channels: ['email', 'post'],
      notOn: '2025-05-06', from: '2025-05-07', waitsForTerm: true,
    },
    {
      name: 'consumer, last letter by post on Tue 23 Dec 2025 (Christmas): costs and handover from Tue 13 Jan 2026',
      debtor: debtor(), handoverAfter: 15, finalLetter: '2025-12-23', channels: ['email', 'post'],
      notOn: '2026-01-12', from: '2026-01-13', waitsForTerm: true,
    },
    {
      name: 'consumer, handover.after 21 is later than the term: 21 days after the letter binds',
      debtor: debtor(), handoverAfter: 21, finalLetter: '2025-04-17', channels: ['email', 'post'],
      notOn: '2025-05-07', from: '2025-05-08', waitsForTerm: false,
    },
    {
      name: 'consumer, last letter by e-mail only on Thu 17 April 2025: delivered 18 April, term ends Fri 2 May, handover from 3 May',
      debtor: debtor(), handoverAfter: 15, finalLetter: '2025-04-17', channels: ['email'],
      notOn: '2025-05-02', from: '2025-05-03', waitsForTerm: true,
    },
    {
      name: 'business, Easter: exactly handover.after (15) days after the last letter',
      debtor: business(), handoverAfter: 15, finalLetter: '2025-04-17', channels: ['email', 'post'],
      notOn: '2025-05-01', from: '2025-05-02', waitsForTerm: false,
    },
    {
      name: 'business, Christmas: exactly handover.after (21) days after the last letter',
      debtor: business(), handoverAfter: 21, finalLetter: '2025-12-23', channels: ['email', 'post'],
      notOn: '2026-01-12', from: '2026-01-13', waitsForTerm: false,
    },
  ])('$name', (s) => {
    const p = policy({ handoverAfter: s.handoverAfter });
    const input: PlanDebtorInput = { debtor: s.debtor, invoices: [invoice('A', { dueDate: '2025-03-01', ...at('laatste-herinnering', s.finalLetter, s.channels) })], holds: [] };
    expect(handoverDate(p, s.debtor.type, s.finalLetter, s.channels).on).toBe(s.from);
    const before = planDebtor(input, p, s.notOn).actions.map(summary);
    expect(before).toEqual(s.waitsForTerm ? [skip('handover_waits_for_term', 'A', s.debtor.number)] : []);
    expect(planDebtor(input, p, s.from).actions.map(summary)).toEqual([handover(['A'], 12100, s.debtor.number)]);
    const assessment = planDebtor(input, p, s.notOn).assessments[0]!;
    expect(assessment).toMatchObject({ state: 'final_waiting', handoverOn: s.from });
  });

  it('the consumer term end is reported (Christmas: Mon 12 Jan 2026), business has none', () => {
    expect(handoverDate(policy(), 'consumer', '2025-12-23', ['email', 'post']).termEnd).toBe('2026-01-12');
    expect(handoverDate(policy(), 'business', '2025-12-23', ['email', 'post']).termEnd).toBeNull();
  });

  it('a claim ready for handover still lets a newer invoice of the debtor get its herinnering', () => {
    const s: Scenario = {
      name: '',
      today: '2026-11-10',
      debtor: business(),
      invoices: [invoice('A', at('laatste-herinnering', '2026-10-20')), invoice('B', { amountCents: 5000, dueDate: '2026-11-03' })],
      expected: [],
    };
    expect(actionsOf(s)).toEqual([
      handover(['A'], 12100, '10002'),
      letter({ debtor: '10002', stage: 'herinnering', invoices: ['B'], amountCents: 5000, moves: ['B→herinnering'], alsoOpen: ['A'] }),
    ]);
  });
});

describe('a whole run', () => {
  it('several debtors in one run: each planned on its own, in the order of the book', () => {
    const debtors: PlanDebtorInput[] = [
      { debtor: debtor({ number: '10001' }), invoices: [invoice('A1')], holds: [] },
      { debtor: business({ number: '10002' }), invoices: [invoice('B1', at('herinnering', '2026-09-08'))], holds: [] },
      { debtor: debtor({ number: '10003', name: 'P. de Boer' }), invoices: [invoice('C1', { dueDate: '2026-09-20' })], holds: [] },
      { debtor: debtor({ number: '10004', name: 'K. Bakker' }), invoices: [invoice('D1')], holds: [hold({ until: '2026-10-15' })] },
      { debtor: debtor({ number: '10005', name: 'L. Visser', email: null }), invoices: [invoice('E1', { amountCents: 800 }), invoice('E2', { amountCents: 300 })], holds: [] },
    ];
    const plan = planRun(debtors, policy(), '2026-09-22');
    expect(plan.today).toBe('2026-09-22');
    expect(plan.actions.map(summary)).toEqual([
      letter({ debtor: '10001', stage: 'herinnering', invoices: ['A1'], amountCents: 12100, moves: ['A1→herinnering'] }),
      letter({ debtor: '10002', stage: 'aanmaning', invoices: ['B1'], amountCents: 12100, moves: ['B1→aanmaning'] }),
      skip('debtor_on_hold', null, '10004'),
      // Two small invoices together reach the minimum.
      letter({ debtor: '10005', stage: 'herinnering', invoices: ['E1', 'E2'], amountCents: 1100, channels: ['post'], moves: ['E1→herinnering', 'E2→herinnering'] }),
    ]);
  });

  it('the plan is deterministic: the same input and today give the same actions', () => {
    const input: PlanDebtorInput = { debtor: debtor(), invoices: [invoice('B', { dueDate: '2026-09-14' }), invoice('A')], holds: [] };
    const reversed: PlanDebtorInput = { ...input, invoices: [...input.invoices].reverse() };
    expect(planDebtor(input, policy(), '2026-09-22').actions).toEqual(planDebtor(reversed, policy(), '2026-09-22').actions);
  });
});

describe('issue 17 in the engine: stated terms, posting, VAT, limitation, stacking', () => {
  const consumer = (over: Partial<PlanDebtorInput> = {}, inv: Partial<PlanInvoice> = {}): PlanDebtorInput => ({ debtor: debtor(), invoices: [invoice('A', inv)], holds: [], ...over });
  const letterOf = (actions: Action[]) => actions.find((a) => a.kind === 'letter') as Extract<Action, { kind: 'letter' }> | undefined;

  it.each([
    // The aanmaning (dated Tue 2026-10-06) states 8 days (derived for e-mail). By e-mail the term ends before the
    // spacing of 14 days; posted on Fri 10-16 it is presumed delivered Wed 10-21 (third counted day, Sun and Mon
    // not counted, law/delivery.json), its 8 days end Thu 10-29, and the final letter waits until Fri 10-30.
    ['by e-mail: the spacing decides (6:82 BW term ended before)', ['email'] as Channel[], null, '2026-10-20'],
    ['posted three days after its date: the term counts from the posting (letters --posted)', ['post'] as Channel[], '2026-10-16', '2026-10-30'],
  ])('the next letter waits for the previous letter\'s term: %s', (_name, channels, postedOn, firstDay) => {
    const p = policy();
    const input = consumer({}, { stageIndex: 1, stageDate: '2026-10-06', stageChannels: channels, stagePostedOn: postedOn });
    const next = planDebtor(input, p, '2026-10-20').assessments[0]!.next!;
    expect(next.on).toBe(firstDay);
  });

  it('the consumer final letter carries the stage term, the ingebrekestelling flag and the VAT uplift (BIK art. 2 lid 3)', () => {
    const p = { ...policy(), ...legalPolicy(PLAN_STAGES, '2026-09-01', false), canDeductVat: false, minimumCents: 0 };
    const aanmaning = letterOf(planDebtor(consumer({}, { stageIndex: 0, stageDate: '2026-09-22', stageChannels: ['email'] }), p, '2026-10-06').actions)!;
    expect(aanmaning.letter).toMatchObject({ ingebrekestelling: true, earlierLetters: true });
    expect(aanmaning.letter!.termDays).toBe(p.terms[1]!.termDays);
    const final = letterOf(planDebtor(consumer({}, { stageIndex: 1, stageDate: '2026-10-06', stageChannels: ['email'] }), p, '2026-10-20').actions)!;
    expect(final.costsCents).toBe(4840);
    expect(final.letter).toMatchObject({ costsCents: 4840, costsExclVatCents: 4000, termDays: 14 });
  });

  it.each([
    ['goods, past 7:28 BW: skipped', 'goods', false, 'time_barred'],
    ['goods, --include-time-barred: sent', 'goods', true, 'letter'],
    ['services (3:307 BW): sent', 'services', false, 'letter'],
  ] as const)('a consumer claim due 2024-01-15 at the final stage on 2026-10-20: %s', (_name, claims, include, kind) => {
    const p = { ...policy(), consumerClaims: claims, includeTimeBarred: include };
    const actions = planDebtor(consumer({}, { dueDate: '2024-01-15', stageIndex: 1, stageDate: '2026-10-06', stageChannels: ['email'] }), p, '2026-10-20').actions;
    expect(actions[0]!.kind === 'skip' ? (actions[0] as { code: string }).code : actions[0]!.kind).toBe(kind);
  });

  // 6:96 lid 7 joins the claims that "can be demanded as meant in lid 6"; lid 6 needs verzuim first
  // (legal-nl.md §2, §5). A is at its final stage on 2026-10-20; B (due 2026-09-30) rides along
  // only when it is in verzuim, and never when it is time-barred.
  it.each([
    ['fatal term by config: B is in verzuim, swept', { termIsFatal: true }, {}, ['A', 'B'], []],
    ['no fatal term, B had no letter: not in verzuim, listed also open', { termIsFatal: false }, {}, ['A'], ['B']],
    ['no fatal term, but B itself was agreed fatal (import column): swept', { termIsFatal: false }, { termIsFatal: true }, ['A', 'B'], []],
    ['no fatal term, B had its aanmaning whose term ended: swept', { termIsFatal: false }, { stageIndex: 1, stageDate: '2026-10-08', stageChannels: ['email'] as Channel[] }, ['A', 'B'], []],
    ['no fatal term, B had its aanmaning two days ago: its term runs, also open', { termIsFatal: false }, { stageIndex: 1, stageDate: '2026-10-18', stageChannels: ['email'] as Channel[] }, ['A'], ['B']],
    ['fatal term, but B is past 7:28 BW: left out of the letter', { termIsFatal: true }, { dueDate: '2024-06-30' }, ['A'], []],
    ['fatal term, B past 7:28 BW after its herinnering: left out of the letter', { termIsFatal: true }, { dueDate: '2024-06-30', stageIndex: 0, stageDate: '2024-07-08', stageChannels: ['email'] as Channel[] }, ['A'], []],
  ] as const)('the lid 7 sweep takes only claims in verzuim: %s', (_name, pol, b, demanded, alsoOpen) => {
    const p = { ...policy(), ...legalPolicy(PLAN_STAGES, '2026-09-01', false), ...pol, minimumCents: 0 };
    const input: PlanDebtorInput = {
      debtor: debtor(),
      invoices: [invoice('A', { stageIndex: 1, stageDate: '2026-10-06', stageChannels: ['email'] }), invoice('B', { dueDate: '2026-09-30', amountCents: 2000, ...b })],
      holds: [],
    };
    const letter = letterOf(planDebtor(input, p, '2026-10-20').actions)!;
    expect(letter.final).toBe(true);
    expect(letter.invoices).toEqual(demanded);
    expect(letter.alsoOpen).toEqual(alsoOpen);
    expect(letter.costsCents).toBe(4000);
  });

  it('the VAT uplift applies to what the lid 7 room leaves: 21% on top, the amount without VAT beside it', () => {
    const p = { ...policy(), canDeductVat: false, minimumCents: 0 };
    // An earlier veertiendagenbrief covered € 300 and stated € 45; now € 200 more: BIK(500) = 75, room 30.
    const input: PlanDebtorInput = {
      debtor: debtor(),
      invoices: [invoice('B', { amountCents: 20000, stageIndex: 1, stageDate: '2026-10-06', stageChannels: ['email'] })],
      holds: [],
      finalLetters: [{ id: 1, date: '2026-05-01', covers: ['Z'], principalCents: 30000, costsCents: 4500 }],
    };
    const letter = letterOf(planDebtor(input, p, '2026-10-20').actions)!;
    expect(letter.letter).toMatchObject({ costsCents: 3630, costsExclVatCents: 3000 });
  });

  it('warns for a second veertiendagenbrief within six months (stacking, BIK from 1-10-2024)', () => {
    const final = letterOf(planDebtor(consumer({ finalLetterDates: ['2026-06-01'] }, { stageIndex: 1, stageDate: '2026-10-06', stageChannels: ['email'] }), policy(), '2026-10-20').actions)!;
    expect(final.warnings?.[0]).toMatch(/2026-06-01/);
    const none = letterOf(planDebtor(consumer({ finalLetterDates: ['2026-03-01'] }, { stageIndex: 1, stageDate: '2026-10-06', stageChannels: ['email'] }), policy(), '2026-10-20').actions)!;
    expect(none.warnings).toBeUndefined();
  });
});
