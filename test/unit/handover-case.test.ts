// The handover case records as pure data: what the agency is told about each debtor.
import { LAW, LEGACY_LEGAL } from '../helpers/law.js';
import { describe, expect, it } from 'vitest';
import {
  buildHandover,
  sanitisePathSegment,
  type CaseInput,
  type CaseLetterInput,
  type HandoverInput,
} from '../../src/handover/case.js';
import type { CreditorSnapshot } from '../../src/domain/letter.js';
import { caseDebtor, creditor as exampleCreditor } from '../helpers/builders.js';
import { checkVeertiendagenbrief } from '../../src/domain/terms.js';

const creditor: CreditorSnapshot = exampleCreditor();

function letter(over: Partial<CaseLetterInput> = {}): CaseLetterInput {
  return {
    id: 3, date: '2026-10-20', stageId: 'laatste-herinnering', stageIndex: 2, final: true, channels: ['email', 'post'],
    amountCents: 12100, costsCents: 4000, pdfSha256: 'a'.repeat(64), invoices: ['F1'], emailState: null, emailSentDate: null, ...over,
  };
}

function consumerCase(over: Partial<CaseInput> = {}): CaseInput {
  return {
    debtor: caseDebtor(),
    invoices: [{ number: 'F1', issueDate: '2026-08-16', dueDate: '2026-09-15', amountCents: 12100, openCents: 12100, reference: null, stageLetterId: 3 }],
    payments: [],
    letters: [letter({ id: 1, date: '2026-09-22', stageId: 'herinnering', stageIndex: 0, final: false, channels: ['email'], costsCents: null }), letter()],
    notes: [],
    ...over,
  };
}

function businessCase(over: Partial<CaseInput> = {}): CaseInput {
  return {
    debtor: caseDebtor({
      number: '10002', type: 'business', name: 'Bouwbedrijf Van Dijk B.V.', contactPerson: 'M. van Dijk', street: 'Industrieweg 88', postcode: '3825 MA',
      email: 'crediteuren@vandijk.example', phone: '033-7654321', kvk: '87654321', vatNumber: 'NL004495445B01',
    }),
    invoices: [
      // The debtor's account set credit note C1 off against F2 (src/domain/account.ts).
      { number: 'F2', issueDate: '2026-08-16', dueDate: '2026-09-15', amountCents: 254100, openCents: 242000, reference: '5000056789012345', stageLetterId: 7, paidCents: 0, credits: [{ creditNote: 'C1', amountCents: 12100 }] },
    ],
    payments: [],
    letters: [letter({ id: 7, costsCents: null, amountCents: 242000, invoices: ['F2'] })],
    notes: [{ date: '2026-10-01', kind: 'hold', invoiceNumber: null, reason: 'belt terug', until: null, releasedOn: '2026-10-03' }],
    ...over,
  };
}

function input(over: Partial<HandoverInput> = {}): HandoverInput {
  return {
    batch: 4, exportDate: '2026-11-10', generatedBy: 'pre-incasso test', creditor, dayCount: 'act/365', includeNotes: false, letterFiles: true,
    cases: [businessCase(), consumerCase()], legal: LEGACY_LEGAL, ...over,
  };
}

describe('buildHandover', () => {
  it('writes one case per debtor in debtor order, with the versioned envelope', () => {
    const { document } = buildHandover(input());
    expect(document.schema_version).toBe(1);
    expect(document.generated_by).toBe('pre-incasso test');
    expect(document.export_date).toBe('2026-11-10');
    expect(document.batch).toBe(4);
    expect(document.cases.map((c) => c.debtor.number)).toEqual(['10001', '10002']);
    expect(document.cases.map((c) => c.case_reference)).toEqual(['4-10001', '4-10002']);
    expect(document.creditor).toMatchObject({ name: creditor.name, kvk: '12345678', vat_number: 'NL000099998B57', iban: 'NL91ABNA0417164300' });
  });

  it('consumer: BIK only as stated in the veertiendagenbrief, with its delivery presumption and term', () => {
    const c = buildHandover(input()).document.cases[0]!;
    expect(c.veertiendagenbrieven).toEqual([
      expect.objectContaining({
        // Posted after 1 July 2026: the third day after posting is presumed (law/delivery.json; postal norm of 2 days).
        date: '2026-10-20', delivery_channel: 'post', dispatch_basis: 'letter_date_presumed', presumed_delivery: '2026-10-23', term_start: '2026-10-24', term_end: '2026-11-06',
        costs_from: '2026-11-07', costs_stated_cents: 4000, costs_stated: '40.00', invoices: ['F1'],
      }),
    ]);
    expect(c.collection_costs).toMatchObject({ principal_cents: 12100, computed_cents: 4000, stated_cents: 4000, claimed_cents: 4000, claimed: '40.00' });
    expect(c.claims[0]!.interest).toMatchObject({ basis: '6:119 BW', from: '2026-09-16', until: '2026-11-10', principal_cents: 12100 });
  });

  it('consumer: a partial payment after the term lowers the costs to the staffel on what is open', () => {
    const kase = consumerCase({
      invoices: [{ number: 'F1', issueDate: '2026-08-16', dueDate: '2026-09-15', amountCents: 100000, openCents: 40000, reference: null, stageLetterId: 3 }],
      payments: [{ date: '2026-11-08', amountCents: 60000, reference: 'F1', invoiceNumber: 'F1' }],
      letters: [letter({ amountCents: 100000, costsCents: 15000 })],
    });
    const c = buildHandover(input({ cases: [kase] })).document.cases[0]!;
    // 6:96 lid 6: stated 150.00 on 1,000; the staffel on the open 400 is 60.00.
    expect(c.collection_costs).toMatchObject({ stated_cents: 15000, computed_cents: 6000, claimed_cents: 6000 });
    expect(c.payments).toEqual([{ date: '2026-11-08', invoice_number: 'F1', amount_cents: 60000, amount: '600.00', reference: 'F1' }]);
    expect(c.claims[0]).toMatchObject({ original_cents: 100000, paid_cents: 60000, paid: '600.00', open_cents: 40000 });
  });

  it('consumer: never more than the letters stated, even if the staffel would give more', () => {
    const kase = consumerCase({ letters: [letter({ costsCents: 4000 })], invoices: [{ number: 'F1', issueDate: null, dueDate: '2026-09-15', amountCents: 50000, openCents: 50000, reference: null, stageLetterId: 3 }] });
    const c = buildHandover(input({ cases: [kase] })).document.cases[0]!;
    expect(c.collection_costs).toMatchObject({ computed_cents: 7500, stated_cents: 4000, claimed_cents: 4000 });
  });

  it('business: BIK over the principal net of credit notes, at least EUR 40 (6:96 lid 4), 6:119a interest', () => {
    const c = buildHandover(input()).document.cases[1]!;
    expect(c.veertiendagenbrieven).toEqual([]);
    expect(c.collection_costs).toMatchObject({ principal_cents: 242000, computed_cents: 36300, stated_cents: null, claimed_cents: 36300 });
    expect(c.collection_costs.basis).toContain('6:96 lid 4');
    expect(c.claims.map((x) => [x.invoice_number, x.kind, x.paid_cents, x.credited_cents, x.open_cents])).toEqual([['F2', 'invoice', 0, 12100, 242000]]);
    expect(c.claims[0]!.credit_notes).toEqual([{ credit_note: 'C1', amount_cents: 12100, amount: '121.00' }]);
    const interest = c.claims[0]!.interest!;
    // The credit note is set off first: interest runs on 2,420.00, not 2,541.00.
    expect(interest).toMatchObject({ basis: '6:119a BW', credit_applied_cents: 12100, principal_cents: 242000, from: '2026-09-16', until: '2026-11-10' });
    expect(interest.periods).toEqual([{ from: '2026-09-16', to: '2026-11-10', days: 56, rate_percent: '10.40', base_cents: 242000, interest_cents: 3861, interest: '38.61' }]);
    expect(c.claims).toHaveLength(1);
    expect(c.totals).toEqual({
      open_cents: 242000, open: '2420.00', collection_costs_cents: 36300, collection_costs: '363.00', interest_cents: 3861, interest: '38.61',
      total_cents: 282161, total: '2821.61',
    });
  });

  it('business with a small claim still gets the EUR 40 minimum', () => {
    const kase = businessCase({ invoices: [{ number: 'F9', issueDate: null, dueDate: '2026-09-15', amountCents: 5000, openCents: 5000, reference: null, stageLetterId: 7 }] });
    expect(buildHandover(input({ cases: [kase] })).document.cases[0]!.collection_costs.claimed_cents).toBe(4000);
  });

  it('money comes as cents and as a dot-decimal string; batch totals add the cases', () => {
    const { document } = buildHandover(input());
    const [a, b] = document.cases;
    expect(document.totals.cases).toBe(2);
    expect(document.totals.claims).toBe(2);
    expect(document.totals.total_cents).toBe(a!.totals.total_cents + b!.totals.total_cents);
    expect(document.totals.total).toBe((document.totals.total_cents / 100).toFixed(2));
    expect(b!.claims[0]).toMatchObject({ original_cents: 254100, original: '2541.00', credited_cents: 12100, credited: '121.00' });
  });

  it('lists every letter with its file in the ZIP, and warns for a letter without a stored PDF', () => {
    const kase = consumerCase({ letters: [letter({ id: 1, date: '2026-09-22', stageId: 'herinnering', final: false, costsCents: null, pdfSha256: null }), letter()] });
    const built = buildHandover(input({ cases: [kase] }));
    const c = built.document.cases[0]!;
    expect(c.letters.map((l) => [l.date, l.stage, l.file])).toEqual([
      ['2026-09-22', 'herinnering', null],
      ['2026-10-20', 'laatste-herinnering', 'letters/10001/2026-10-20_laatste-herinnering.pdf'],
    ]);
    expect(built.letterFiles).toEqual([{ letterId: 3, path: 'letters/10001/2026-10-20_laatste-herinnering.pdf' }]);
    expect(c.warnings.some((w) => w.includes('no stored PDF'))).toBe(true);
  });

  it('outside a ZIP the letters are listed with their SHA-256 but no file', () => {
    const built = buildHandover(input({ letterFiles: false }));
    expect(built.letterFiles).toEqual([]);
    expect(built.document.cases.flatMap((c) => c.letters.map((l) => l.file))).toEqual([null, null, null]);
    expect(built.document.cases[0]!.letters[1]!.sha256).toBe('a'.repeat(64));
  });

  it('internal notes only with includeNotes', () => {
    expect(buildHandover(input()).document.cases[1]).not.toHaveProperty('notes');
    const withNotes = buildHandover(input({ includeNotes: true })).document;
    expect(withNotes.include_notes).toBe(true);
    expect(withNotes.cases[1]!.notes).toEqual([{ date: '2026-10-01', kind: 'hold', invoice_number: null, reason: 'belt terug', until: null, released_on: '2026-10-03' }]);
  });

  it('refuses to build a consumer case without a valid veertiendagenbrief (a bug in the selection)', () => {
    const kase = consumerCase({ letters: [letter({ costsCents: null })] });
    expect(() => buildHandover(input({ cases: [kase] }))).toThrow(/no veertiendagenbrief/);
  });

  it('is deterministic: the same input gives the same document', () => {
    expect(JSON.stringify(buildHandover(input()).document)).toBe(JSON.stringify(buildHandover(input()).document));
  });

  it('gives two debtors whose numbers sanitise alike their own letter folders', () => {
    const a = consumerCase({ debtor: { ...consumerCase().debtor, number: 'A/1' } });
    const b = consumerCase({ debtor: { ...consumerCase().debtor, number: 'A_1' }, letters: [letter({ id: 9 })], invoices: [{ ...consumerCase().invoices[0]!, stageLetterId: 9 }] });
    const files = buildHandover(input({ cases: [a, b] })).letterFiles.map((f) => f.path);
    expect(new Set(files).size).toBe(files.length);
    expect(files).toContain('letters/A_1/2026-10-20_laatste-herinnering.pdf');
    expect(files).toContain('letters/A_1~2/2026-10-20_laatste-herinnering.pdf');
  });
});

describe('checkVeertiendagenbrief', () => {
  it.each([
    ['post, term over', letter(), '2026-11-07', true, ''],
    ['post, last day of the term', letter(), '2026-11-06', false, 'ends on 2026-11-06'],
    ['not the final letter', letter({ final: false }), '2026-12-01', false, 'not the final letter'],
    ['no costs stated', letter({ costsCents: null }), '2026-12-01', false, 'no veertiendagenbrief'],
    ['e-mail only, never sent', letter({ channels: ['email'], emailState: 'queued' }), '2026-12-01', false, 'not delivered'],
    ['e-mail only, sent', letter({ channels: ['email'], emailState: 'sent', emailSentDate: '2026-10-20' }), '2026-11-05', true, ''],
    ['e-mail only, sent late: term counts from the send day', letter({ channels: ['email'], emailState: 'sent', emailSentDate: '2026-10-27' }), '2026-11-05', false, 'ends on'],
    ['no letter at all', null, '2026-12-01', false, 'no final letter'],
  ] as const)('%s', (_name, l, date, ok, reason) => {
    const check = checkVeertiendagenbrief(l, date, LAW);
    expect(check.ok).toBe(ok);
    if (!check.ok) expect(check.reason).toContain(reason);
  });
});

describe('sanitisePathSegment', () => {
  it.each([
    ['10001', '10001'],
    ['A/1', 'A_1'],
    ['..', '_'],
    ['.hidden', '_hidden'],
    ['Ł ó', '___'],
    ['', '_'],
  ])('%j -> %j', (text, safe) => expect(sanitisePathSegment(text)).toBe(safe));
});
