// Issue 17: the law as data (law/*.json), verzuim and the stage terms, limitation by what is sold,
// the VAT uplift and the stacking warning. Each table row cites its source.
import { describe, expect, it } from 'vitest';
import { mergeRateTables, parseRateRows, rateRowOn, rateTableWarning } from '../../src/domain/interest-rates.js';
import { presumedDelivery, termAfterDelivery, deliveryRowOn } from '../../src/domain/terms.js';
import { stageTerms, verzuimStart, worstTermSpan, type StageTermInput } from '../../src/domain/verzuim.js';
import { limitationDate, limitationKindOf } from '../../src/domain/limitation.js';
import { stackingWarning } from '../../src/domain/stacking.js';
import { collectionCosts } from '../../src/domain/bik-costs.js';
import { LAW, RATES } from '../helpers/law.js';

describe('rate rows as data (6:119 / 6:119a BW; law/rates.json)', () => {
  it.each([
    // [from, 6:119, 6:119a, verify consumer, verify business, source]
    ['2025-01-01', '6', '11.15', false, false, 'vvoadvocatuur.nl [2]; MRO 3.15% (18-12-2024)'],
    ['2025-07-01', '6', '10.15', true, false, 'vanlaarhovenenpartners.nl [2]; formula would give 5% for 6:119'],
    ['2026-01-01', '4', '10.15', true, true, 'third-party code table + formula [2]'],
    ['2026-07-01', '4', '10.40', true, true, 'press summaries of the ECB decision of 11-06-2026 only [2] VERIFY'],
  ])('%s: %s%% / %s%% (verify %s/%s) — %s', (from, consumer, business, vc, vb) => {
    const row = rateRowOn(RATES, from)!;
    expect(row.from).toBe(from);
    expect([row.consumerPercent, row.businessPercent, row.verifyRates.consumer, row.verifyRates.business]).toEqual([consumer, business, vc, vb]);
    expect(row.source).not.toBe('');
  });

  it.each([
    [{ rows: [{ from: '2027-01-01', consumer: '4', business: '10.40', source: 'x', verify: 'yes' }] }, 1, 'verify'],
    [{ rows: [{ from: '2027-13-01', consumer: '4', business: '10.40', source: 'x', verify: true }] }, 1, 'from'],
    [{ rows: [{ from: '2027-01-01', consumer: '4', business: '10,40', source: 'x', verify: true }] }, 1, 'business'],
    [{ rows: [{ from: '2027-01-01', consumer: '4', business: '10.40', verify: true }] }, 1, 'source'],
    [{ rows: [{ from: '2027-01-01', consumer: '4', business: '10.40', source: 'x', verify: true }, { from: '2027-01-01', consumer: '4', business: '9', source: 'y', verify: true }] }, 2, 'from'],
    [{ rows: {} }, 0, 'rows'],
  ])('refuses a bad row %#: row %i, field %s', (raw, row, field) => {
    const { problems } = parseRateRows(raw, 'user.json');
    expect(problems[0]).toMatchObject({ row, field });
  });

  it('a user row extends the table by date and replaces a shipped row of the same date', () => {
    const user = parseRateRows({ rows: [
      { from: '2027-01-01', consumer: '4', business: '10.15', source: 'Staatscourant (user)', verify: false },
      { from: '2026-07-01', consumer: '4', business: '10.40', source: 'ECB press release 11-06-2026 (user checked)', verify: false },
    ] }, '/home/u/rates.json');
    expect(user.problems).toEqual([]);
    const merged = mergeRateTables(RATES, user.rows);
    expect(merged).toHaveLength(RATES.length + 1);
    expect(rateRowOn(merged, '2026-08-01')!.verify).toBe(false);
    expect(rateRowOn(merged, '2027-02-01')!.origin).toBe('/home/u/rates.json');
    expect(rateTableWarning(RATES, '2027-02-01')).toMatch(/law\.ratesFile/);
    expect(rateTableWarning(merged, '2027-02-01')).toBeNull();
  });
});

describe('dated postal delivery presumption (law/delivery.json)', () => {
  it.each([
    // HR 25-11-2016, ECLI:NL:HR:2016:2704: second day after posting, Sun/Mon/holidays not counted.
    ['2026-05-13', 'post', '2026-05-16', 'HR 2016:2704'],
    ['2026-06-30', 'post', '2026-07-02', 'HR 2016:2704 (row in force on the posting day)'],
    // Rijksoverheid 19-12-2025: 2-day norm from 1-7-2026 → third day presumed (VERIFY).
    ['2026-07-01', 'post', '2026-07-04', 'postal norm 2 days [2]'],
    ['2026-10-20', 'post', '2026-10-23', 'postal norm 2 days [2]'],
    // 3-day norm from 1-7-2027 → fourth day (VERIFY). Fri 2027-07-02: Sat 1, (Sun, Mon), Tue 2, Wed 3, Thu 4.
    ['2027-07-02', 'post', '2027-07-08', 'postal norm 3 days [2]'],
    ['2027-07-02', 'email', '2027-07-03', 'tool choice: the day after sending'],
  ] as const)('sent %s by %s → delivered %s (%s)', (sent, channel, delivered, _source) => {
    expect(presumedDelivery(sent, channel, LAW)).toBe(delivered);
  });

  it('every row carries its source; the post-2026 rows are flagged verify', () => {
    expect(LAW.delivery.every((r) => r.source.length > 0)).toBe(true);
    expect(deliveryRowOn('2026-07-01', 'post', LAW).verify).toBe(true);
    expect(deliveryRowOn('2026-06-30', 'post', LAW).verify).toBe(false);
  });
});

describe('verzuim and the stated terms (6:81-6:83, 6:96 lid 6 BW)', () => {
  const ladder = (over: Partial<StageTermInput>[] = []): StageTermInput[] => [
    { id: 'herinnering', after: 7, channels: ['email'], final: false, ...over[0] },
    { id: 'aanmaning', after: 14, channels: ['email'], final: false, ...over[1] },
    { id: 'laatste-herinnering', after: 21, channels: ['email', 'post'], final: true, ...over[2] },
  ];
  const today = '2026-11-26';

  it.each([
    // [case, stages, fatal, expected terms, ingebrekestelling index]
    ['not fatal (consumer default): the aanmaning is the ingebrekestelling (6:82 BW)', ladder(), false, [null, null, 14], 1],
    ['fatal term (6:83 sub a BW): no ingebrekestelling', ladder(), true, [null, null, 14], -1],
    ['configured terms that fit are kept', ladder([{ termDays: 7 }, { termDays: 14 }]), false, [7, 14, 14], 1],
    // A phone stage (issue 13) states no term and is no written demand: the aanmaning before it
    // stays the ingebrekestelling.
    [
      'a phone stage between aanmaning and final letter states no term and is never the ingebrekestelling',
      [...ladder().slice(0, 2), { id: 'bellen', after: 21, channels: ['phone'], final: false }, { id: 'laatste-herinnering', after: 7, channels: ['email', 'post'], final: true }] as StageTermInput[],
      false, [null, null, 0, 14], 1,
    ],
  ] as const)('%s', (_name, stages, fatal, expected, ig) => {
    const { terms, problems } = stageTerms(stages, { termIsFatal: fatal, law: LAW, today });
    expect(problems).toEqual([]);
    terms.forEach((t, i) => {
      if (expected[i] !== null) expect(t.termDays).toBe(expected[i]);
      // Derived or configured: every term ends before the next letter, in the worst week.
      const written = stages[i]!.channels.filter((c) => c !== 'phone') as ('post' | 'email')[];
      if (i < terms.length - 1) expect(worstTermSpan(t.termDays, written, LAW, today)).toBeLessThan(stages[i + 1]!.after);
      // A derived term is the longest that fits: one day more would not end before the next letter.
      if (i < terms.length - 1 && !t.configured && written.length > 0) expect(worstTermSpan(t.termDays + 1, written, LAW, today)).toBeGreaterThanOrEqual(stages[i + 1]!.after);
    });
    expect(terms.findIndex((t) => t.ingebrekestelling)).toBe(ig);
  });

  it('derives the longest term that still ends before the next stage', () => {
    const { terms } = stageTerms(ladder(), { termIsFatal: false, law: LAW, today });
    const t = terms[0]!.termDays;
    expect(worstTermSpan(t, ['email'], LAW, today)).toBeLessThan(14);
    expect(worstTermSpan(t + 1, ['email'], LAW, today)).toBeGreaterThanOrEqual(14);
  });

  it.each([
    ['a configured term that outlasts the spacing', ladder([{ termDays: 14 }]), /stages\[0\]\.termDays is 14.*raise stages\[1\]\.after/],
    ['a final letter with less than fourteen days (6:96 lid 6)', ladder([{}, {}, { termDays: 10 }]), /at least 14 days/],
    ['a spacing too short for any term', ladder([{}, { after: 2 }]), /too soon for any term/],
  ])('refuses %s', (_name, stages, message) => {
    const { problems } = stageTerms(stages, { termIsFatal: false, law: LAW, today });
    expect(problems.map((p) => p.message).join('\n')).toMatch(message);
  });

  it.each([
    ['fatal term: the day after the due date (6:83 sub a)', true, null, '2026-09-14'],
    ['not fatal, no ingebrekestelling yet: no verzuim', false, null, null],
    // Ingebrekestelling e-mailed Mon 2026-10-05, 14 days: delivered 10-06, ends Tue 10-20, verzuim from 10-21.
    ['not fatal: the day after the ingebrekestelling term (6:82 lid 1)', false, { sent: '2026-10-05', channel: 'email' as const, termDays: 14 }, '2026-10-21'],
  ])('verzuim: %s', (_name, fatal, ig, start) => {
    expect(verzuimStart('2026-09-13', fatal, ig, LAW)).toBe(start);
    if (ig) expect(termAfterDelivery(ig.sent, ig.channel, ig.termDays, LAW).termEnd).toBe('2026-10-20');
  });
});

describe('limitation by what is sold (7:28 and 3:307 BW) and interruption (3:317 BW)', () => {
  it.each([
    ['consumer, goods: 2 years (7:28 BW)', 'consumer', 'goods', [], '2026-03-01'],
    ['consumer, services: 5 years (3:307 BW)', 'consumer', 'services', [], '2029-03-01'],
    ['business: 5 years whatever is sold (3:307 BW)', 'business', 'goods', [], '2029-03-01'],
    ['consumer goods, a reminder of the tool inside the period renews it (3:317, 3:319)', 'consumer', 'goods', ['2025-06-01'], '2027-06-01'],
    ['business, the reminders of the tool keep it alive', 'business', 'goods', ['2024-03-01', '2028-12-01'], '2033-12-01'],
  ] as const)('%s', (_name, type, claims, letters, end) => {
    expect(limitationDate('2024-03-01', limitationKindOf(type, claims), [...letters])).toBe(end);
  });
});

describe('VAT uplift (BIK art. 2 lid 3)', () => {
  it.each([
    [45000, 6750, 8168],
    [10000, 4000, 4840],
    [123457, 18519, 22408],
  ])('principal %i: %i without and %i with 21%% VAT (legal-nl.md §1 vectors)', (principal, excl, incl) => {
    expect(collectionCosts(principal)).toBe(excl);
    expect(collectionCosts(principal, { vat: true })).toBe(incl);
  });
});

describe('stacking of costs for recurring consumer claims (BIK as amended 1-10-2024; secondary sources only)', () => {
  it.each([
    ['no earlier veertiendagenbrief', [], null],
    ['one five months ago: warn', ['2026-06-26'], /2026-06-26.*within 6 months/],
    ['one exactly six months ago: warn', ['2026-05-26'], /2026-05-26/],
    ['one seven months ago: no warning', ['2026-04-25'], null],
  ])('%s', (_name, dates, expected) => {
    const w = stackingWarning(dates, '2026-11-26');
    if (expected === null) expect(w).toBeNull();
    else expect(w).toMatch(expected);
  });
});
