import { describe, it, expect } from 'vitest';
import { statutoryInterest, type InterestInput } from '../../src/domain/interest.js';
import {
  lastRatePeriodStart,
  percentToBasisPoints,
  rateRowOn,
  rateTableKnownUntil,
  rateTableWarning,
} from '../../src/domain/interest-rates.js';
import { RATES } from '../helpers/law.js';

const RATE_TABLE = RATES;
const interest = (input: Omit<InterestInput, 'rates'>) => statutoryInterest({ ...input, rates: RATES });

describe('statutory interest, worked examples of legal-nl.md §4', () => {
  it.each([
    {
      name: 'I1: B2B 10,000.00 due 2025-03-31 paid 2025-09-30 → 533.82 (not 533.83 from rounding each segment)',
      input: { principalCents: 1_000_000, type: 'business', dueDate: '2025-03-31', until: '2025-09-30' },
      total: 53382,
    },
    {
      name: 'I2: B2B 10,000.00 due 2024-03-31 paid 2025-09-30, 1,204.11 capitalised on 2025-04-01 → 1,802.21',
      input: { principalCents: 1_000_000, type: 'business', dueDate: '2024-03-31', until: '2025-09-30' },
      total: 180221,
    },
    {
      name: 'I3: consumer 1,000.00 in verzuim from 2022-12-01, paid 2023-08-31 → 31.73',
      input: { principalCents: 100_000, type: 'consumer', dueDate: '2022-11-30', until: '2023-08-31' },
      total: 3173,
    },
    {
      name: 'I4: consumer 2,500.00 in verzuim from 2023-10-01, paid 2025-03-31, act/365 → 169.18 + 86.58 = 255.76',
      input: { principalCents: 250_000, type: 'consumer', dueDate: '2023-09-30', until: '2025-03-31' },
      total: 25576,
    },
    {
      name: 'I4: the same with act/365 asked for explicitly → 255.76',
      input: { principalCents: 250_000, type: 'consumer', dueDate: '2023-09-30', until: '2025-03-31', dayCount: 'act/365' },
      total: 25576,
    },
    {
      name: 'I4: act/act (366 for days in 2024) → 168.82 + 86.44 = 255.26',
      input: { principalCents: 250_000, type: 'consumer', dueDate: '2023-09-30', until: '2025-03-31', dayCount: 'act/act' },
      total: 25526,
    },
  ] as { name: string; input: InterestInput; total: number }[])('$name', ({ input, total }) => {
    const result = interest(input);
    expect(result.interestCents).toBe(total);
    expect(result.principalCents).toBe(input.principalCents);
    // The display values per period always add up to the total.
    expect(result.periods.reduce((s, p) => s + p.interestCents, 0)).toBe(total);
  });

  it('I1 splits at the 2025-07-01 rate change: 91 days at 11.15% and 92 days at 10.15%', () => {
    const r = interest({ principalCents: 1_000_000, type: 'business', dueDate: '2025-03-31', until: '2025-09-30' });
    expect(r.periods.map(({ from, to, days, ratePercent, baseCents }) => ({ from, to, days, ratePercent, baseCents }))).toEqual([
      { from: '2025-04-01', to: '2025-06-30', days: 91, ratePercent: '11.15', baseCents: 1_000_000 },
      { from: '2025-07-01', to: '2025-09-30', days: 92, ratePercent: '10.15', baseCents: 1_000_000 },
    ]);
    // 277.9863 + 255.8356: cumulative display rounding gives 277.99 and 255.83.
    expect(r.periods.map((p) => p.interestCents)).toEqual([27799, 25583]);
  });

  it('I2 capitalises the first year on its anniversary (6:119a lid 3): base 11,204.11 from 2025-04-01', () => {
    const r = interest({ principalCents: 1_000_000, type: 'business', dueDate: '2024-03-31', until: '2025-09-30' });
    expect(r.periods.map((p) => [p.from, p.days, p.ratePercent, p.baseCents])).toEqual([
      ['2024-04-01', 91, '12.50', 1_000_000],
      ['2024-07-01', 184, '12.25', 1_000_000],
      ['2025-01-01', 90, '11.15', 1_000_000],
      ['2025-04-01', 91, '11.15', 1_120_411],
      ['2025-07-01', 92, '10.15', 1_120_411],
    ]);
    const firstYear = r.periods.slice(0, 3).reduce((s, p) => s + p.interestCents, 0);
    expect(firstYear).toBe(120411);
  });

  it('I2 compounding makes it more than simple interest (1,737.93)', () => {
    const r = interest({ principalCents: 1_000_000, type: 'business', dueDate: '2024-03-31', until: '2025-09-30' });
    expect(r.interestCents).toBeGreaterThan(173793);
  });

  it('I3 splits at 2023-01-01 and 2023-07-01: 31 d at 2%, 181 d at 4%, 62 d at 6%', () => {
    const r = interest({ principalCents: 100_000, type: 'consumer', dueDate: '2022-11-30', until: '2023-08-31' });
    expect(r.periods.map((p) => [p.from, p.to, p.days, p.ratePercent])).toEqual([
      ['2022-12-01', '2022-12-31', 31, '2.00'],
      ['2023-01-01', '2023-06-30', 181, '4.00'],
      ['2023-07-01', '2023-08-31', 62, '6.00'],
    ]);
  });

  it('I4 act/365 capitalises 169.18 on 2024-10-01: the second year runs on 2,669.18', () => {
    const r = interest({ principalCents: 250_000, type: 'consumer', dueDate: '2023-09-30', until: '2025-03-31' });
    expect(r.periods.map((p) => [p.from, p.days, p.ratePercent, p.baseCents])).toEqual([
      ['2023-10-01', 92, '6.00', 250_000],
      ['2024-01-01', 274, '7.00', 250_000],
      ['2024-10-01', 92, '7.00', 266_918],
      ['2025-01-01', 90, '6.00', 266_918],
    ]);
  });

  it('I4 act/act splits the second year on 2025-01-01 where the divisor changes and capitalises 168.82', () => {
    const r = interest({ principalCents: 250_000, type: 'consumer', dueDate: '2023-09-30', until: '2025-03-31', dayCount: 'act/act' });
    const second = r.periods.filter((p) => p.from >= '2024-10-01');
    expect(second.map((p) => [p.from, p.baseCents])).toEqual([
      ['2024-10-01', 266_882],
      ['2025-01-01', 266_882],
    ]);
  });
});

describe('statutory interest, edge cases', () => {
  const base = { principalCents: 1_000_000, type: 'business', dueDate: '2025-03-31' } as const;

  it('paid on the due date: no interest and no periods', () => {
    const r = interest({ ...base, until: '2025-03-31' });
    expect(r.interestCents).toBe(0);
    expect(r.periods).toEqual([]);
  });

  it('one day late costs one day of interest (10,000 x 11.15% / 365 = 3.05)', () => {
    const r = interest({ ...base, until: '2025-04-01' });
    expect(r.interestCents).toBe(305);
    expect(r.periods).toHaveLength(1);
  });

  it('a payment lowers the base from the day after it arrives (the arrival day still bears interest, 6:114 lid 2)', () => {
    const r = interest({ ...base, until: '2025-04-30', payments: [{ date: '2025-04-10', amountCents: 400_000 }] });
    expect(r.periods.map((p) => [p.from, p.to, p.baseCents])).toEqual([
      ['2025-04-01', '2025-04-10', 1_000_000],
      ['2025-04-11', '2025-04-30', 600_000],
    ]);
    // Exact: (10,000 x 10 + 6,000 x 20) x 11.15% / 365 = 67.205... → 67.21
    expect(r.interestCents).toBe(6721);
  });

  it('a payment before the due date lowers the base from the first interest day', () => {
    const r = interest({ ...base, until: '2025-04-30', payments: [{ date: '2025-03-01', amountCents: 500_000 }] });
    expect(r.periods[0]!.baseCents).toBe(500_000);
  });

  it('a payment in full stops the interest and an overpayment is reported', () => {
    const r = interest({ ...base, until: '2025-05-31', payments: [{ date: '2025-04-30', amountCents: 1_200_000 }] });
    expect(r.periods[r.periods.length - 1]!.baseCents).toBe(0);
    expect(r.warnings.some((w) => w.includes('exceed'))).toBe(true);
  });

  it('a start on 29 February capitalises on 28 February of the next years', () => {
    const r = interest({ principalCents: 100_000, type: 'business', dueDate: '2024-02-28', until: '2025-03-31' });
    const capitalised = r.periods.find((p) => p.baseCents !== 100_000);
    expect(capitalised?.from).toBe('2025-02-28');
  });

  it.each([
    ['a principal in fractions of a cent', { ...base, principalCents: 10.5, until: '2025-05-01' }],
    ['a negative principal', { ...base, principalCents: -1, until: '2025-05-01' }],
    ['a due date that is not a date', { ...base, dueDate: '2025-02-30', until: '2025-05-01' }],
    ['a start before the rate table (2015-01-01)', { ...base, dueDate: '2014-06-30', until: '2015-05-01' }],
    ['a payment of zero', { ...base, until: '2025-05-01', payments: [{ date: '2025-04-02', amountCents: 0 }] }],
  ] as [string, InterestInput][])('refuses %s', (_name, input) => {
    expect(() => interest(input)).toThrow(RangeError);
  });
});

describe('rate table (6:119 / 6:119a BW, legal-nl.md §4)', () => {
  it.each([
    ['2015-01-01', '2', '8.05', false],
    ['2016-07-01', '2', '8.00', false],
    ['2019-07-01', '2', '8.00', false],
    ['2022-07-01', '2', '8.00', false],
    ['2023-01-01', '4', '10.50', false],
    ['2023-07-01', '6', '12.00', false],
    ['2024-01-01', '7', '12.50', false],
    ['2024-07-01', '7', '12.25', false],
    ['2025-01-01', '6', '11.15', false],
    ['2025-07-01', '6', '10.15', true],
    ['2026-01-01', '4', '10.15', true],
    // Secondary sources only (press summaries of the ECB decision of 11-06-2026): VERIFY.
    ['2026-07-01', '4', '10.40', true],
  ])('from %s: consumer %s%%, business %s%% (verify: %s)', (from, consumer, business, verify) => {
    const row = RATE_TABLE.find((r) => r.from === from);
    expect(row).toBeDefined();
    expect(row!.consumerPercent).toBe(consumer);
    expect(row!.businessPercent).toBe(business);
    expect(row!.verify).toBe(verify);
    expect(row!.source.length).toBeGreaterThan(0);
  });

  it('has one row per half-year from 2015-01-01 through 2026-07-01, in order', () => {
    expect(RATE_TABLE).toHaveLength(24);
    expect(RATE_TABLE[0]!.from).toBe('2015-01-01');
    for (let i = 1; i < RATE_TABLE.length; i++) expect(RATE_TABLE[i]!.from > RATE_TABLE[i - 1]!.from).toBe(true);
    expect(RATE_TABLE.every((r) => /-0[17]-01$/.test(r.from))).toBe(true);
  });

  it('the last period starts 2026-07-01 and the table is known until 2027-01-01', () => {
    expect(lastRatePeriodStart(RATE_TABLE)).toBe('2026-07-01');
    expect(rateTableKnownUntil(RATE_TABLE)).toBe('2027-01-01');
  });

  it('finds the row in force on a day inside a half-year', () => {
    expect(rateRowOn(RATE_TABLE, '2024-09-15')!.businessPercent).toBe('12.25');
    expect(rateRowOn(RATE_TABLE, '2014-12-31')).toBeNull();
  });

  it.each([
    ['11.15', 1115],
    ['8.05', 805],
    ['2', 200],
    ['10.5', 1050],
  ])('percent %s is %i basis points', (text, bp) => {
    expect(percentToBasisPoints(text)).toBe(bp);
  });

  it.each([
    ['2026-03-15', false],
    ['2026-12-31', false],
    ['2027-01-01', true],
    ['2027-07-01', true],
  ])('on %s the "update the rate table" warning is shown: %s', (today, shown) => {
    const w = rateTableWarning(RATE_TABLE, today);
    if (shown) expect(w).toMatch(/update the rate table/i);
    else expect(w).toBeNull();
  });

  it('interest over an unconfirmed rate carries a VERIFY warning for that rate only', () => {
    const consumer = interest({ principalCents: 100_000, type: 'consumer', dueDate: '2025-06-30', until: '2025-08-31' });
    expect(consumer.warnings.join('\n')).toMatch(/6:119 rate of 6% from 2025-07-01.*VERIFY/);
    // The commercial rate of 2025-07-01 is confirmed: no warning for B2B over the same days.
    const business = interest({ principalCents: 100_000, type: 'business', dueDate: '2025-06-30', until: '2025-08-31' });
    expect(business.warnings).toEqual([]);
  });

  it('interest past the end of the known table warns that the last known rate was used', () => {
    const r = interest({ principalCents: 100_000, type: 'business', dueDate: '2026-11-30', until: '2027-02-28' });
    expect(r.warnings.join('\n')).toMatch(/does not cover 2027-01-01/);
    expect(r.periods.at(-1)!.ratePercent).toBe('10.40');
  });

  it('interest wholly inside confirmed periods has no warnings', () => {
    expect(interest({ principalCents: 100_000, type: 'consumer', dueDate: '2022-11-30', until: '2023-08-31' }).warnings).toEqual([]);
  });
});
