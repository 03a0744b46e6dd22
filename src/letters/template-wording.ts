// The veertiendagenbrief rules (art. 6:96 lid 6 BW; HR 25-11-2016, ECLI:NL:HR:2016:2704) and the
// consumer cost rule (6:96 lid 5 BW), checked on a template's source and on its rendered text:
// the wording half of `templates check`. The template loading and rendering stay in templates.ts.
import type { Language } from '../domain/letter.js';
import type { LetterView } from './view.js';
import type { Loc } from './template-ast.js';
import type { LetterTexts, LoadedTemplate, TemplateIssue } from './templates.js';


const TERM_WORDING: Record<Language, { term: RegExp; start: RegExp; example: string }> = {
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
const REJECTED_WORDING: { phrase: RegExp; text: string }[] = [
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

const normalise = (s: string): string => s.replace(/[\s\u00a0\u202f]+/g, ' ').toLowerCase();

function hasTermWording(text: string, language: Language): boolean {
  const { term, start } = TERM_WORDING[language];
  // Within one sentence, in either order ("… binnen veertien dagen … bezorgd" or "nadat … ontvangen, binnen 14 dagen").
  return normalise(text)
    .split(/[.!?;](?:\s|$)/)
    .some((sentence) => term.test(sentence) && start.test(sentence));
}

function rejectedIn(text: string): string | null {
  const t = normalise(text);
  return REJECTED_WORDING.find((r) => r.phrase.test(t))?.text ?? null;
}

function rejectedMessage(found: string, language: Language): string {
  return `"${found}" lets the 14-day term start before the letter is delivered; the Hoge Raad rejected such wording (HR 25-11-2016, ECLI:NL:HR:2016:2704). Write "${TERM_WORDING[language].example}"`;
}

/** The template's own text (not comments) with rejected wording, with the line it is on. */
export function rejectedInSource(t: LoadedTemplate, language: Language): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.type === 'ContentStatement' && typeof n.original === 'string') {
      const found = rejectedIn(n.original);
      if (found !== null) {
        const loc = n.loc as Loc;
        const words = found.split(' ');
        const re = new RegExp(words.join('\\s+'), 'i');
        const m = re.exec(n.original);
        const before = m ? n.original.slice(0, m.index) : '';
        issues.push({ file: t.file, line: loc.start.line + (before.match(/\n/g)?.length ?? 0), column: null, message: rejectedMessage(found, language) });
      }
      return;
    }
    for (const key of ['body', 'program', 'inverse']) visit(n[key]);
  };
  for (const s of t.sections.values()) visit(s.program);
  return issues;
}

// ---------------------------------------------------------------------------------------------
// Rules on the template source (issue 17), each with the line it fires on.

type SourceNode = Record<string, unknown> & { type?: string; loc?: Loc };

/** Every ContentStatement and MustacheStatement of the template's sections, in source order. */
function sourceNodes(t: LoadedTemplate): SourceNode[] {
  const out: SourceNode[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const n = node as SourceNode;
    if (n.type === 'ContentStatement' || n.type === 'MustacheStatement') out.push(n);
    for (const key of ['body', 'program', 'inverse']) visit(n[key]);
  };
  for (const sec of t.sections.values()) visit(sec.program);
  return out;
}

/** The line of `match` inside a content node. */
function lineIn(node: SourceNode, index: number): number | null {
  const text = typeof node.original === 'string' ? node.original : '';
  return (node.loc?.start.line ?? 0) + (text.slice(0, index).match(/\n/g)?.length ?? 0) || null;
}

/** Variables that print a date. In a veertiendagenbrief a printed end date can fall before the true end (HR 2016:2704). */
const DATE_VARIABLES = new Set(['payBefore', 'date', 'dateShort', 'placeAndDate']);
const DEADLINE_WORDS = /(uiterlijk(\s+op)?|v[oó]{1,2}r|tot en met|t\/m|before|by|no later than|on or before)\s*$/i;
const MONTHS = '(januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|january|february|march|may|june|july|august|october)';
const LITERAL_DATE = new RegExp(`\\b\\d{1,2}[-/.]\\d{1,2}[-/.]\\d{2,4}\\b|\\b\\d{4}-\\d{2}-\\d{2}\\b|\\b\\d{1,2}\\s+${MONTHS}(\\s+\\d{4})?\\b`, 'i');
/** A term counted from the letter's date: refused in the veertiendagenbrief (HR 2016:2704; hvbjuristen.nl). */
const LETTER_DATE_WORDS = /\b(briefdatum|dagtekening|datum van deze brief|date of this letter|letter date|letter's date)\b/i;
/** A euro amount written into the template text, or a cost only the BIK may cover (6:96 lid 5 BW). */
const LITERAL_AMOUNT = /(€|\beur\b|\beuro\b)\s*\d|\d+[.,]\d{2}\s*(€|euro|eur)\b/i;
const COST_WORDS = /\b(administratiekosten|aanmaningskosten|herinneringskosten|rappelkosten|behandelingskosten|dossierkosten|administration (fee|costs?)|reminder (fee|costs?)|handling (fee|costs?))\b/i;

/** Consumer final letter: no printed end date, no term counted from the letter date (file and line). */
export function finalLetterSourceIssues(t: LoadedTemplate): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  let before = '';
  for (const n of sourceNodes(t)) {
    if (n.type === 'MustacheStatement') {
      const name = ((n.path as { original?: unknown } | undefined)?.original ?? '') as string;
      if (name === 'payBefore' || (DATE_VARIABLES.has(name) && DEADLINE_WORDS.test(before))) {
        issues.push({
          file: t.file, line: n.loc?.start.line ?? null, column: n.loc ? n.loc.start.column + 1 : null,
          message: `{{${name}}} prints an end date in the consumer's final letter: a date computed from the letter date can fall before the true end of the fourteen days after delivery (HR 25-11-2016, ECLI:NL:HR:2016:2704). Give the term in days: "${TERM_WORDING.nl.example}"`,
        });
      }
      before = '';
      continue;
    }
    const text = typeof n.original === 'string' ? n.original : '';
    before = text.slice(-40);
    const date = LITERAL_DATE.exec(text);
    if (date) {
      issues.push({ file: t.file, line: lineIn(n, date.index), column: null, message: `"${date[0]}" is a date written into the consumer's final letter: no fixed end date may be printed in a veertiendagenbrief (HR 25-11-2016, ECLI:NL:HR:2016:2704)` });
    }
    const word = LETTER_DATE_WORDS.exec(text);
    if (word) {
      issues.push({ file: t.file, line: lineIn(n, word.index), column: null, message: `"${word[0]}" counts the term from the letter's date; the fourteen days start the day after delivery (HR 25-11-2016, ECLI:NL:HR:2016:2704). Write "${TERM_WORDING.nl.example}"` });
    }
  }
  return issues;
}

/** Every consumer letter: no cost amount but the BIK costs of the final letter ({{costs}}); 6:96 lid 5-6 BW. */
export function consumerCostIssues(t: LoadedTemplate): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  for (const n of sourceNodes(t)) {
    if (n.type !== 'ContentStatement' || typeof n.original !== 'string') continue;
    for (const re of [LITERAL_AMOUNT, COST_WORDS]) {
      const m = re.exec(n.original);
      if (m) {
        issues.push({
          file: t.file, line: lineIn(n, m.index), column: null,
          message: `"${m[0]}" in a letter to a consumer: no costs may be charged or announced besides the BIK collection costs stated with {{costs}} in the final letter (art. 6:96 lid 5-6 BW; the BIK covers all extrajudicial work)`,
        });
        break;
      }
    }
  }
  return issues;
}

export function veertiendagenbriefIssues(t: LoadedTemplate, texts: LetterTexts, view: LetterView): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const lang = view.language;
  const bodyLine = t.sections.get('body')?.node.loc.start.line ?? null;
  const emailLine = t.sections.get('email')?.node.loc.start.line ?? bodyLine;
  const outputs: [string, string, number | null][] = [
    ['letter body', texts.body, bodyLine],
    ['e-mail', texts.emailText, emailLine],
  ];
  for (const [what, text, line] of outputs) {
    if (view.costs === null || !text.includes(view.costs)) {
      issues.push({
        file: t.file,
        line,
        column: null,
        message: `the consumer's final letter (veertiendagenbrief) must state the exact collection costs: put {{costs}} in the ${what} (art. 6:96 lid 6 BW)`,
      });
    }
    if (!hasTermWording(text, lang)) {
      issues.push({
        file: t.file,
        line,
        column: null,
        message: `the consumer's final letter (veertiendagenbrief) must give fourteen days counted from the day after delivery in the ${what}, e.g. "${TERM_WORDING[lang].example}" (HR 25-11-2016, ECLI:NL:HR:2016:2704)`,
      });
    }
    const found = rejectedIn(text);
    if (found !== null) issues.push({ file: t.file, line, column: null, message: rejectedMessage(found, lang) });
  }
  return issues;
}

