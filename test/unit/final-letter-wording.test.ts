// The wording rules of the consumer's final letter (veertiendagenbrief, art. 6:96 lid 6 BW; HR
// 25-11-2016, ECLI:NL:HR:2016:2704) and the consumer cost rule (6:96 lid 5 BW), as pure functions.
import { describe, expect, it } from 'vitest';
import { consumerCostProblem, finalLetterOutputProblems, finalLetterTextProblems, hasTermWording, printsEndDate, rejectedIn } from '../../src/domain/final-letter-wording.js';

describe('the fourteen-day term', () => {
  it.each([
    ['Betaal binnen veertien dagen na de dag waarop deze brief bij u is bezorgd.', 'nl', true],
    ['Binnen 15 dagen nadat deze brief bij u is bezorgd.', 'nl', true],
    ['Nadat u deze brief hebt ontvangen, heeft u 14 dagen.', 'nl', true],
    ['Betaal binnen veertien dagen. Deze brief is bezorgd.', 'nl', false],
    ['Betaal binnen zeven dagen na ontvangst.', 'nl', false],
    ['Pay within fourteen days, starting on the day after this letter is delivered to you.', 'en', true],
    ['Pay within 14 days of receipt.', 'en', true],
    ['Pay within 14 days.', 'en', false],
  ] as const)('%s (%s) → %s', (text, language, ok) => {
    expect(hasTermWording(text, language)).toBe(ok);
  });

  it.each([
    ['binnen 14 dagen na dagtekening', 'na dagtekening'],
    ['binnen 14 dagen vanaf heden', 'vanaf heden'],
    ['binnen 14 dagen na verzending', 'na verzending'],
    ['within 14 days after the date of this letter', 'after the date of this letter'],
    ['binnen veertien dagen na bezorging', null],
  ])('rejected wording in "%s": %s', (text, found) => {
    expect(rejectedIn(text)).toBe(found);
  });
});

describe('what a final letter may not print', () => {
  it.each([
    ['payBefore', '', true],
    ['date', 'betaal uiterlijk op ', true],
    ['date', 'Amersfoort, ', false],
    ['debtor.name', 'uiterlijk ', false],
  ])('{{%s}} after "%s" prints an end date: %s', (variable, before, yes) => {
    expect(printsEndDate(variable, before)).toBe(yes);
  });

  it.each([
    ['Betaal voor 30-11-2026.', ['"30-11-2026"']],
    ['Betaal voor 30 november 2026.', ['"30 november 2026"']],
    ['Binnen veertien dagen na dagtekening.', ['"dagtekening"']],
    ['Binnen veertien dagen na bezorging.', []],
  ])('%s', (text, found) => {
    expect(finalLetterTextProblems(text).map((p) => p.message.slice(0, p.message.indexOf('" ') + 1))).toEqual(found);
  });

  it.each([
    ['U betaalt € 15,00 administratiekosten.', '€ 1'],
    ['Wij rekenen rappelkosten.', 'rappelkosten'],
    ['reminder fee applies', 'reminder fee'],
    ['De incassokosten staan hieronder.', null],
  ])('consumer costs in "%s": %s', (text, found) => {
    const p = consumerCostProblem(text);
    expect(p === null ? null : text.slice(p.index, p.index + found!.length)).toBe(found);
  });
});

describe('the rendered final letter', () => {
  const good = 'De incassokosten zijn € 40,00. Betaal binnen veertien dagen na de dag waarop deze brief bij u is bezorgd.';
  it.each([
    [good, '€ 40,00', 0],
    [good.replace('€ 40,00', 'de wettelijke kosten'), '€ 40,00', 1],
    ['De incassokosten zijn € 40,00. Betaal binnen 14 dagen na dagtekening.', '€ 40,00', 2],
    [good, null, 1],
  ])('%s (costs %s) → %i problems', (text, costs, n) => {
    expect(finalLetterOutputProblems(text, 'letter body', costs, 'nl')).toHaveLength(n);
  });
});
