// The pure parts of the bookkeeper's workbench: list filters and sorting, column fitting, debtor
// corrections, channel preferences, the morning summary text and the plan's fact digests.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clip, debtorLines, filterClaims, filterDebtors, fitColumns, sortClaims, sortDebtors, type ClaimLine } from '../../src/domain/book-list.js';
import { checkCorrection } from '../../src/domain/debtor-correction.js';
import { letterChannels } from '../../src/domain/channel-preference.js';
import { morningSummary, type MailFacts, type NightFacts } from '../../src/domain/morning-summary.js';
import { canonicalJson, compareFacts } from '../../src/domain/plan-digest.js';

const STAGES = ['herinnering', 'aanmaning', 'laatste'];

function claim(invoice: string, debtor: string, over: Partial<ClaimLine> = {}): ClaimLine {
  return { invoice, debtor, debtorName: `Naam ${debtor}`, dueDate: '2026-09-01', amountCents: 1000, openCents: 1000, status: 'open', stage: null, daysOverdue: 10, held: false, disputed: false, ...over };
}

const CLAIMS: ClaimLine[] = [
  claim('F1', 'D1', { daysOverdue: 80, stage: 'aanmaning' }),
  claim('F2', 'D1', { daysOverdue: 20 }),
  claim('F3', 'D2', { daysOverdue: 61, openCents: -500, amountCents: -500 }),
  claim('F4', 'D2', { daysOverdue: 59, held: true }),
  claim('F5', 'D3', { status: 'handed_over', daysOverdue: 120, stage: 'laatste' }),
  claim('F6', 'D3', { status: 'paid', openCents: 0, daysOverdue: 0, disputed: true, held: true }),
];

describe('filterClaims', () => {
  it.each([
    [{ overdueDays: 60 }, ['F1']],
    [{ overdueDays: 59 }, ['F1', 'F4']],
    [{ stage: 'none' }, ['F2', 'F3', 'F4', 'F6']],
    [{ stage: 'aanmaning' }, ['F1']],
    [{ state: 'paid' }, ['F6']],
    [{ held: true }, ['F4', 'F6']],
    [{ disputed: true }, ['F6']],
    [{ handedOver: true }, ['F5']],
    [{ search: 'naam d2' }, ['F3', 'F4']],
    [{ search: 'f5' }, ['F5']],
    [{ overdueDays: 10, held: true }, ['F4']],
    [{}, ['F1', 'F2', 'F3', 'F4', 'F5', 'F6']],
  ])('%j -> %j', (filter, expected) => {
    expect(filterClaims(CLAIMS, filter).map((c) => c.invoice)).toEqual(expected);
  });

  it('unmatched: only open claims of debtors with a likely unplaced payment', () => {
    expect(filterClaims(CLAIMS, { unmatched: true }, new Set(['D1', 'D3'])).map((c) => c.invoice)).toEqual(['F1', 'F2']);
  });
});

describe('debtor lines', () => {
  const debtors = ['D1', 'D2', 'D3'].map((n) => ({ number: n, name: `Naam ${n}`, type: 'consumer', email: null, channel: null }));
  const lines = debtorLines(debtors, CLAIMS, STAGES, { next: new Map([['D1', 'aanmaning today']]), debtorHeld: new Set(), debtorDisputed: new Set(['D2']), unmatched: new Set(['D3']) });

  it('sums open claims, takes the highest stage and the oldest claim (credit notes are no claim)', () => {
    expect(lines.map((l) => [l.number, l.openInvoices, l.openCents, l.maxDaysOverdue, l.stage, l.held, l.disputed, l.handedOver, l.next])).toEqual([
      ['D1', 2, 2000, 80, 'aanmaning', false, false, 0, 'aanmaning today'],
      ['D2', 2, 500, 59, null, true, true, 0, '-'],
      ['D3', 0, 0, 0, null, false, false, 1, '-'],
    ]);
  });

  it.each([
    [{ overdueDays: 60 }, ['D1']],
    [{ handedOver: true }, ['D3']],
    [{ unmatched: true }, ['D3']],
    [{ search: 'd2' }, ['D2']],
    [{ held: true }, ['D2', 'D3']],
  ])('filterDebtors %j -> %j', (filter, expected) => {
    expect(filterDebtors(lines, CLAIMS, filter).map((d) => d.number)).toEqual(expected);
  });

  it.each([
    ['open', ['D1', 'D2', 'D3']],
    ['overdue', ['D1', 'D2', 'D3']],
    ['stage', ['D1', 'D2', 'D3']],
    ['name', ['D1', 'D2', 'D3']],
  ] as const)('sortDebtors by %s', (by, expected) => {
    expect(sortDebtors(lines, by).map((d) => d.number)).toEqual(expected);
  });
});

describe('sortClaims', () => {
  it.each([
    ['overdue', ['F5', 'F1', 'F3', 'F4', 'F2', 'F6']],
    ['open', ['F1', 'F2', 'F4', 'F5', 'F6', 'F3']],
    ['stage', ['F5', 'F1', 'F2', 'F3', 'F4', 'F6']],
    ['number', ['F1', 'F2', 'F3', 'F4', 'F5', 'F6']],
  ] as const)('by %s', (by, expected) => {
    expect(sortClaims(CLAIMS, by, STAGES).map((c) => c.invoice)).toEqual(expected);
  });
});

describe('fitColumns', () => {
  it.each([
    [[10, 30, 8], [4, 6, 8], 100, [10, 30, 8]],
    [[10, 30, 8], [4, 6, 8], 40, [10, 18, 8]],
    [[10, 30, 8], [4, 6, 8], 10, [4, 6, 8]],
  ])('%j (min %j) in %d columns -> %j', (natural, min, width, expected) => {
    expect(fitColumns(natural, min, width)).toEqual(expected);
  });

  it('never exceeds the width unless every column is at its minimum', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 10 })), { minLength: 1, maxLength: 10 }), fc.integer({ min: 20, max: 200 }), (cols, width) => {
        const natural = cols.map(([n]) => n);
        const min = cols.map(([n, m]) => Math.min(n, m));
        const out = fitColumns(natural, min, width);
        const total = out.reduce((s, w) => s + w, 0) + 2 * (out.length - 1);
        expect(total <= width || out.every((w, i) => w === min[i])).toBe(true);
        out.forEach((w, i) => expect(w).toBeGreaterThanOrEqual(min[i]!));
      }),
    );
  });

  it('clips with an ellipsis', () => {
    expect(clip('Stichting Buurtwerk', 10)).toBe('Stichting…');
    expect(clip('kort', 10)).toBe('kort');
  });
});

describe('checkCorrection: the import rules for a hand correction', () => {
  it.each([
    [{ email: 'info@bakker.nl' }, { email: 'info@bakker.nl' }],
    [{ email: ' a@b.nl; c@d.nl ' }, { email: 'a@b.nl, c@d.nl' }],
    [{ email: '' }, { email: null }],
    [{ channel: 'post' }, { channel: 'post' }],
    [{ language: 'EN' }, { language: 'en' }],
    [{ type: 'business' }, { type: 'business' }],
    [{ address: 'Dorpsstraat 1, 1234ab Amersfoort' }, { street: 'Dorpsstraat 1', postcode: '1234 AB', city: 'Amersfoort' }],
    [{ address: 'Kerkweg 2a, 3811 AB  Den Haag' }, { street: 'Kerkweg 2a', postcode: '3811 AB', city: 'Den Haag' }],
    [{ iban: 'nl91 abna 0417 1643 00' }, { iban: 'NL91ABNA0417164300' }],
    [{ note: '  belt liever  ' }, { note: 'belt liever' }],
  ])('%j is accepted as %j', (input, values) => {
    const r = checkCorrection(input);
    expect(r.ok && r.values).toEqual(values);
  });

  it.each([
    [{ email: 'jan(at)example' }, 'is not an e-mail address'],
    [{ channel: 'fax' }, 'is not post, email or both'],
    [{ language: 'de' }, 'is not nl or en'],
    [{ type: 'bv' }, 'is not consumer or business'],
    [{ address: 'Dorpsstraat 1' }, 'with a Dutch postcode'],
    [{ address: 'Dorpsstraat 1, 0123 AB Amersfoort' }, 'with a Dutch postcode'],
    [{ iban: 'NL91ABNA0417164301' }, 'fails the IBAN check digits'],
    [{ name: '' }, '--name may not be empty'],
    [{ note: 'regel\u001b[31m' }, 'control characters'],
    [{ channel: 'email', email: '' }, 'needs an e-mail address'],
  ])('%j is refused (%s)', (input, message) => {
    const r = checkCorrection(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.join('; ')).toContain(message);
  });

  it('a foreign address needs no Dutch postcode', () => {
    const r = checkCorrection({ address: 'Rue de la Paix 1, Paris' }, 'FR');
    expect(r.ok && r.values).toEqual({ street: 'Rue de la Paix 1', postcode: null, city: 'Paris' });
  });
});

describe('letterChannels', () => {
  it.each([
    [['email'], null, true, ['email']],
    [['email', 'post'], undefined, true, ['email', 'post']],
    [['email'], 'post', true, ['post']],
    [['email', 'post'], 'email', true, ['email']],
    [['email'], 'both', true, ['email', 'post']],
    [['email'], 'email', false, ['post']],
    [['post'], 'both', false, ['post']],
  ] as const)('stage %j, preference %s, e-mail %s -> %j', (stage, pref, hasEmail, expected) => {
    expect(letterChannels(stage, pref, hasEmail)).toEqual(expected);
  });
});

describe('morningSummary', () => {
  const queued = (count: number, noAddress: string[] = []): MailFacts => ({ delivery: 'queued', queued: count, noAddress });
  const base: NightFacts = {
    today: '2026-11-20', creditor: 'Bakkerij', runId: 7, lettersByStage: { herinnering: 3, aanmaning: 1, laatste: 0 },
    mail: { delivery: 'sent', sent: 3, failed: 1, retry: 0, unknown: 0, withdrawn: 0, noAddress: ['D9'] }, post: { notPrinted: 2, printedNotPosted: 1 },
    handover: { debtors: 1, invoices: 2, cents: 12345 }, warnings: [], stale: null, unmatched: { payments: 0, cents: 0 }, errors: [],
  };

  it('says what the night did, one fact per line', () => {
    const s = morningSummary(base);
    expect(s.subject).toBe('pre-incasso 2026-11-20: 4 letters, 3 e-mailed - attention needed');
    expect(s.body).toBe(
      [
        'Bakkerij: what pre-incasso did on 2026-11-20 (run 7).',
        '',
        'Letters recorded: 4',
        '  herinnering: 3',
        '  aanmaning: 1',
        'E-mails: 3 sent, 1 failed, 0 to retry, 0 unknown',
        '  no valid e-mail address (by post instead): debtor D9',
        'Post letters: 2 waiting to be printed, 1 printed and not recorded as posted',
        'Ready for handover: 2 invoices of 1 debtor, € 123,45',
        '',
        'Details: pre-incasso status, pre-incasso debtors, pre-incasso letters --channel post --combined <file.pdf>.',
        '',
      ].join('\n'),
    );
  });

  it.each([
    [{ mail: queued(3) }, 'pre-incasso 2026-11-20: 4 letters'],
    [{ mail: queued(3), stale: { newest: null, ageDays: null, maxDays: 7 } }, 'pre-incasso 2026-11-20: 4 letters - attention needed'],
  ] as [Partial<NightFacts>, string][])('subject of a run that only queued its e-mails: %j', (over, expected) => {
    // Queued e-mails are no e-mails sent, and no failures either: no "0 e-mailed" in the subject.
    expect(morningSummary({ ...base, ...over }).subject).toBe(expected);
  });

  it.each([
    [{ errors: ['The newest import is old.'] }, 'Errors:\n  - The newest import is old.'],
    [{ stale: { newest: '2026-11-01', ageDays: 19, maxDays: 7 } }, 'Stale data: the newest import is from 2026-11-01 (19 days; the limit is 7)'],
    [{ stale: { newest: null, ageDays: null, maxDays: 7 } }, 'Stale data: no invoices imported yet'],
    [{ unmatched: { payments: 2, cents: 5000 } }, 'Money not placed: 2 payments, € 50,00'],
    [{ warnings: ['payment on 2026-11-19 for handed-over invoice F1: tell the incassobureau'] }, 'Warnings:\n  - payment on 2026-11-19'],
    [{ mail: null }, 'E-mails: not sent in this run'],
    [{ mail: queued(1) }, 'E-mails: 1 e-mail queued, not sent in this run (--no-mail); `pre-incasso mail` sends them\nPost'],
    [{ mail: queued(2, ['D9']) }, '2 e-mails queued, not sent in this run (--no-mail); `pre-incasso mail` sends them\n  no valid e-mail address (by post instead): debtor D9'],
  ])('%j', (over, expected) => {
    expect(morningSummary({ ...base, ...over }).body).toContain(expected);
  });
});

describe('plan facts', () => {
  it('canonical JSON does not depend on key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.integer(), fc.string(), fc.constant(null))), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(obj));
      }),
    );
  });

  it.each([
    [{ D1: 'a', D2: 'b' }, { D1: 'a', D2: 'b' }, []],
    [{ D1: 'a', D2: 'b' }, { D1: 'a', D2: 'c' }, [{ debtor: 'D2', change: 'changed' }]],
    [{ D1: 'a' }, { D1: 'a', D3: 'x' }, [{ debtor: 'D3', change: 'new' }]],
    [{ D1: 'a', D2: 'b' }, { D2: 'b' }, [{ debtor: 'D1', change: 'gone' }]],
  ])('compareFacts(%j, %j)', (saved, now, expected) => {
    expect(compareFacts(saved, now)).toEqual(expected);
  });
});
