// The debtor's account (src/domain/account.ts): one pure function every command reads.
import { describe, it, expect } from 'vitest';
import { consumerFinalCosts, debtorAccount, type AccountClaimInput, type AccountInput } from '../../src/domain/account.js';
import { businessCollectionCosts } from '../../src/domain/bik-costs.js';

const debtor = { number: '10001', name: 'J. Jansen', type: 'consumer' as const, contactPerson: null, email: null, phone: null, address: { street: null, postcode: null, city: null, country: 'NL' }, language: 'nl' as const };

function claim(number: string, over: Partial<AccountClaimInput> = {}): AccountClaimInput {
  return { number, issueDate: null, dueDate: '2026-09-15', amountCents: 12100, openCents: over.amountCents ?? 12100, reference: null, stageIndex: null, stageDate: null, stageChannels: null, ...over };
}

const account = (invoices: AccountClaimInput[], over: Partial<AccountInput> = {}) => debtorAccount({ debtor, invoices, holds: [], ...over }, '2026-11-10');
const brief = (a: ReturnType<typeof account>) => a.claims.map((c) => `${c.number} paid ${c.paidCents} credited ${c.creditedCents} open ${c.openCents}${c.credits.length ? ` [${c.credits.map((x) => `${x.creditNote}→${x.invoice} ${x.amountCents}`).join(', ')}]` : ''}`);

describe('debtorAccount', () => {
  it.each([
    {
      name: 'a credit note goes to the oldest due claim first, once',
      invoices: [claim('B', { dueDate: '2026-10-01', amountCents: 72600 }), claim('A', { amountCents: 254100 }), claim('C', { dueDate: '2026-09-02', amountCents: -12100 })],
      expected: ['C paid 0 credited 12100 open 0 [C→A 12100]', 'A paid 0 credited 12100 open 242000 [C→A 12100]', 'B paid 0 credited 0 open 72600'],
    },
    {
      name: 'a credit larger than the oldest claim flows on to the next',
      invoices: [claim('A', { amountCents: 5000 }), claim('B', { dueDate: '2026-09-20', amountCents: 5000 }), claim('C', { dueDate: '2026-09-01', amountCents: -8000 })],
      expected: ['C paid 0 credited 8000 open 0 [C→A 5000, C→B 3000]', 'A paid 0 credited 5000 open 0 [C→A 5000]', 'B paid 0 credited 3000 open 2000 [C→B 3000]'],
    },
    {
      name: 'more credit than claims: the rest stays open (negative)',
      invoices: [claim('A', { amountCents: 5000 }), claim('C', { dueDate: '2026-09-01', amountCents: -8000 })],
      expected: ['C paid 0 credited 5000 open -3000 [C→A 5000]', 'A paid 0 credited 5000 open 0 [C→A 5000]'],
    },
    {
      name: 'a held claim takes no credit; the next one does',
      invoices: [claim('A'), claim('B', { dueDate: '2026-09-20' }), claim('C', { dueDate: '2026-09-01', amountCents: -2100 })],
      holds: [{ invoiceNumber: 'A', reason: 'x', dispute: true, until: null }],
      expected: ['C paid 0 credited 2100 open 0 [C→B 2100]', 'A paid 0 credited 0 open 12100', 'B paid 0 credited 2100 open 10000 [C→B 2100]'],
    },
    {
      name: 'a claim paused by an arrangement still takes the credit (a pause is not a hold on what is owed)',
      invoices: [claim('A'), claim('B', { dueDate: '2026-09-20' }), claim('C', { dueDate: '2026-09-01', amountCents: -2100 })],
      holds: [{ invoiceNumber: 'A', reason: 'payment arrangement #1 runs', dispute: false, until: null, kind: 'arrangement' as const }],
      expected: ['C paid 0 credited 2100 open 0 [C→A 2100]', 'A paid 0 credited 2100 open 10000 [C→A 2100]', 'B paid 0 credited 0 open 12100'],
    },
    {
      name: 'a promise pausing the whole debtor does not move the credit either',
      invoices: [claim('A'), claim('C', { dueDate: '2026-09-01', amountCents: -2100 })],
      holds: [{ invoiceNumber: null, reason: 'promised to pay', dispute: false, until: '2026-11-20', kind: 'promise' as const }],
      expected: ['C paid 0 credited 2100 open 0 [C→A 2100]', 'A paid 0 credited 2100 open 10000 [C→A 2100]'],
    },
    {
      name: 'a dispute on a paused claim still keeps the credit off it',
      invoices: [claim('A'), claim('B', { dueDate: '2026-09-20' }), claim('C', { dueDate: '2026-09-01', amountCents: -2100 })],
      holds: [
        { invoiceNumber: 'A', reason: 'payment arrangement #1 runs', dispute: false, until: null, kind: 'arrangement' as const },
        { invoiceNumber: 'A', reason: 'kwaliteit', dispute: true, until: null },
      ],
      expected: ['C paid 0 credited 2100 open 0 [C→B 2100]', 'A paid 0 credited 0 open 12100', 'B paid 0 credited 2100 open 10000 [C→B 2100]'],
    },
    {
      name: 'a handed-over claim keeps the credit it was handed over with',
      invoices: [claim('A', { status: 'handed_over' }), claim('B', { dueDate: '2026-09-20' }), claim('C', { dueDate: '2026-09-01', amountCents: -2100 })],
      expected: ['C paid 0 credited 2100 open 0 [C→A 2100]', 'A paid 0 credited 2100 open 10000 [C→A 2100]', 'B paid 0 credited 0 open 12100'],
    },
    {
      name: 'paid: by the payments the ledger allocated, the rest per the export',
      invoices: [claim('A', { openCents: 2000, payments: [{ paymentId: 1, date: '2026-10-01', source: 'camt.053.001.02', amountCents: 5000 }] })],
      expected: ['A paid 10100 credited 0 open 2000'],
    },
  ])('$name', ({ invoices, holds, expected }) => {
    expect(brief(account(invoices, { holds: holds ?? [] }))).toEqual(expected);
  });

  it('a claim names its manual hold before an agreement\'s pause, at either level', () => {
    const a = account([claim('A'), claim('B', { dueDate: '2026-09-20' })], {
      holds: [
        { invoiceNumber: null, reason: 'promised to pay', dispute: false, until: null, kind: 'promise' },
        { invoiceNumber: 'B', reason: 'kwaliteit', dispute: true, until: null },
      ],
    });
    expect(a.claims.map((c) => `${c.number} ${c.held?.reason}`)).toEqual(['A promised to pay', 'B kwaliteit']);
    expect(a.debtorHold?.kind).toBe('promise');
  });

  it('sums: open includes held money and names it; costs stated over the final letters', () => {
    const a = account([claim('A'), claim('B', { dueDate: '2026-09-20', amountCents: 61000 })], {
      holds: [{ invoiceNumber: 'B', reason: 'afspraak', dispute: false, until: null }],
      finalLetters: [{ id: 3, date: '2026-10-20', covers: ['A'], principalCents: 12100, costsCents: 4000 }],
    });
    expect([a.openCents, a.heldCents, a.costsStatedCents, a.coveredPrincipalCents]).toEqual([73100, 61000, 4000, 12100]);
    expect(a.claims.find((c) => c.number === 'A')!.coveredBy).toEqual({ letterId: 3, date: '2026-10-20' });
  });
});

describe('consumerFinalCosts (6:96 lid 7 BW)', () => {
  it.each([
    { name: 'first veertiendagenbrief: BIK over the sum', stated: 0, covered: 0, principal: 14100, costs: 4000 },
    { name: 'a later claim: only what the scale over all covered leaves', stated: 15000, covered: 100000, principal: 50000, costs: 7500 },
    { name: 'the €40 minimum is already used up by the first letter', stated: 4000, covered: 12100, principal: 4840, costs: 0 },
    { name: 'BIK over €3.100 covered (€435) minus €40 stated: €395, below BIK over the new €3.000 (€425)', stated: 4000, covered: 10000, principal: 300000, costs: 39500 },
    { name: 'never more than BIK over the new claim itself (earlier letters stated less than their share)', stated: 0, covered: 100000, principal: 10000, costs: 4000 },
    { name: 'nothing to cover: no costs', stated: 0, covered: 0, principal: 0, costs: 0 },
  ])('$name', ({ stated, covered, principal, costs }) => {
    expect(consumerFinalCosts({ costsStatedCents: stated, coveredPrincipalCents: covered }, principal)).toBe(costs);
  });
});

describe('businessCollectionCosts (6:96 lid 4 BW, CJEU C-585/20)', () => {
  it.each([
    { name: 'four invoices of €50: €40 each, not €40 once', principals: [5000, 5000, 5000, 5000], costs: 16000, basis: 'per_invoice', late: 4 },
    { name: 'one large invoice: the BIK staffel is higher', principals: [254100], costs: 37910, basis: 'bik', late: 1 },
    { name: 'three invoices summing €3.000: staffel €425 beats 3 × €40', principals: [100000, 100000, 100000], costs: 42500, basis: 'bik', late: 3 },
    { name: 'a credit note lowers the sum but is no late invoice', principals: [5000, 5000, -2000], costs: 8000, basis: 'per_invoice', late: 2 },
  ])('$name', ({ principals, costs, basis, late }) => {
    expect(businessCollectionCosts(principals)).toEqual({ costsCents: costs, basis, lateInvoices: late });
  });
});
