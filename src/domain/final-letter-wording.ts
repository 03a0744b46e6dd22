// What a consumer's final letter (the veertiendagenbrief, art. 6:96 lid 6 BW) may and must say, and
// what no letter to a consumer may say about costs (6:96 lid 5 BW): the wording rules as data and
// pure tests on text. The template check (letters/template-wording.ts) finds where in a template
// they fire; the rules themselves live here, once.
//
// HR 25-11-2016, ECLI:NL:HR:2016:2704: the term is fourteen days counted from the day after
// delivery; a fixed end date or a term from the letter's date or dispatch is rejected.
import type { Language } from './letter.js';

export const TERM_WORDING: Record<Language, { term: RegExp; start: RegExp; example: string }> = {
  nl: {
    // HR 2016:2704 accepted "binnen veertien dagen vanaf de dag nadat deze brief bij u is bezorgd"
    // and "binnen vijftien dagen nadat deze brief bij u is bezorgd".
    term: /\b(veertien|vijftien|14|15) dagen\b/,
    // "na ontvangst van deze brief" is accepted wording too (legal-nl.md §9a, agency samples).
    start: /\b(bezorgd|ontvangen|ontvangst)\b/,
    example: 'binnen veertien dagen na de dag waarop deze brief bij u is bezorgd',
  },
  en: {
    term: /\b(fourteen|fifteen|14|15) days\b/,
    start: /\b(delivered|received|receipt)\b/,
    example: 'within fourteen days, starting on the day after this letter is delivered to you',
  },
};

/** Wording that lets the term start at the letter date or dispatch: rejected by HR 2016:2704. */
export const REJECTED_WORDING: { phrase: RegExp; text: string }[] = [
  { phrase: /\bna dagtekening\b/, text: 'na dagtekening' },
  { phrase: /\bvanaf dagtekening\b/, text: 'vanaf dagtekening' },
  { phrase: /\bna heden\b/, text: 'na heden' },
  { phrase: /\bvanaf heden\b/, text: 'vanaf heden' },
  { phrase: /\bna verzending\b/, text: 'na verzending' },
  { phrase: /\b(na|vanaf) de datum van deze brief\b/, text: 'na de datum van deze brief' },
  { phrase: /\bafter the date of this letter\b/, text: 'after the date of this letter' },
  { phrase: /\b(from|of) the date of this letter\b/, text: 'from the date of this letter' },
  { phrase: /\bafter (dispatch|sending)\b/, text: 'after dispatch' },
  { phrase: /\bfrom today\b/, text: 'from today' },
];

export const normalise = (s: string): string => s.replace(/[\s\u00a0\u202f]+/g, ' ').toLowerCase();

export function hasTermWording(text: string, language: Language): boolean {
  const { term, start } = TERM_WORDING[language];
  // Within one sentence, in either order ("… binnen veertien dagen … bezorgd" or "nadat … ontvangen, binnen 14 dagen").
  return normalise(text)
    .split(/[.!?;](?:\s|$)/)
    .some((sentence) => term.test(sentence) && start.test(sentence));
}

export function rejectedIn(text: string): string | null {
  const t = normalise(text);
  return REJECTED_WORDING.find((r) => r.phrase.test(t))?.text ?? null;
}

export function rejectedMessage(found: string, language: Language): string {
  return `"${found}" lets the 14-day term start before the letter is delivered; the Hoge Raad rejected such wording (HR 25-11-2016, ECLI:NL:HR:2016:2704). Write "${TERM_WORDING[language].example}"`;
}

/** Variables that print a date. In a veertiendagenbrief a printed end date can fall before the true end (HR 2016:2704). */
export const DATE_VARIABLES = new Set(['payBefore', 'date', 'dateShort', 'placeAndDate']);
export const DEADLINE_WORDS = /(uiterlijk(\s+op)?|v[oó]{1,2}r|tot en met|t\/m|before|by|no later than|on or before)\s*$/i;
export const MONTHS = '(januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|january|february|march|may|june|july|august|october)';
export const LITERAL_DATE = new RegExp(`\\b\\d{1,2}[-/.]\\d{1,2}[-/.]\\d{2,4}\\b|\\b\\d{4}-\\d{2}-\\d{2}\\b|\\b\\d{1,2}\\s+${MONTHS}(\\s+\\d{4})?\\b`, 'i');
/** A term counted from the letter's date: refused in the veertiendagenbrief (HR 2016:2704; hvbjuristen.nl). */
export const LETTER_DATE_WORDS = /\b(briefdatum|dagtekening|datum van deze brief|date of this letter|letter date|letter's date)\b/i;
/** A euro amount written into the template text, or a cost only the BIK may cover (6:96 lid 5 BW). */
export const LITERAL_AMOUNT = /(€|\beur\b|\beuro\b)\s*\d|\d+[.,]\d{2}\s*(€|euro|eur)\b/i;
export const COST_WORDS = /\b(administratiekosten|aanmaningskosten|herinneringskosten|rappelkosten|behandelingskosten|dossierkosten|administration (fee|costs?)|reminder (fee|costs?)|handling (fee|costs?))\b/i;

/** A printed date variable reads as the end of the term: `payBefore`, or a date after deadline words. */
export function printsEndDate(variable: string, textBefore: string): boolean {
  return variable === 'payBefore' || (DATE_VARIABLES.has(variable) && DEADLINE_WORDS.test(textBefore));
}

export function endDateMessage(variable: string): string {
  return `{{${variable}}} prints an end date in the consumer's final letter: a date computed from the letter date can fall before the true end of the fourteen days after delivery (HR 25-11-2016, ECLI:NL:HR:2016:2704). Give the term in days: "${TERM_WORDING.nl.example}"`;
}

/** Where a fixed date or a term from the letter's date is written into a final letter's text. */
export function finalLetterTextProblems(text: string): { index: number; message: string }[] {
  const out: { index: number; message: string }[] = [];
  const date = LITERAL_DATE.exec(text);
  if (date) out.push({ index: date.index, message: `"${date[0]}" is a date written into the consumer's final letter: no fixed end date may be printed in a veertiendagenbrief (HR 25-11-2016, ECLI:NL:HR:2016:2704)` });
  const word = LETTER_DATE_WORDS.exec(text);
  if (word) out.push({ index: word.index, message: `"${word[0]}" counts the term from the letter's date; the fourteen days start the day after delivery (HR 25-11-2016, ECLI:NL:HR:2016:2704). Write "${TERM_WORDING.nl.example}"` });
  return out;
}

/** An amount or a cost other than the BIK costs announced in a letter to a consumer. */
export function consumerCostProblem(text: string): { index: number; message: string } | null {
  for (const re of [LITERAL_AMOUNT, COST_WORDS]) {
    const m = re.exec(text);
    if (m) {
      return {
        index: m.index,
        message: `"${m[0]}" in a letter to a consumer: no costs may be charged or announced besides the BIK collection costs stated with {{costs}} in the final letter (art. 6:96 lid 5-6 BW; the BIK covers all extrajudicial work)`,
      };
    }
  }
  return null;
}

/** What the rendered output (`what`: letter body or e-mail) of a consumer's final letter lacks or says wrongly. */
export function finalLetterOutputProblems(text: string, what: string, costs: string | null, language: Language): string[] {
  const problems: string[] = [];
  if (costs === null || !text.includes(costs)) {
    problems.push(`the consumer's final letter (veertiendagenbrief) must state the exact collection costs: put {{costs}} in the ${what} (art. 6:96 lid 6 BW)`);
  }
  if (!hasTermWording(text, language)) {
    problems.push(`the consumer's final letter (veertiendagenbrief) must give fourteen days counted from the day after delivery in the ${what}, e.g. "${TERM_WORDING[language].example}" (HR 25-11-2016, ECLI:NL:HR:2016:2704)`);
  }
  const found = rejectedIn(text);
  if (found !== null) problems.push(rejectedMessage(found, language));
  return problems;
}
