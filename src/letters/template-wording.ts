// The veertiendagenbrief rules (art. 6:96 lid 6 BW; HR 25-11-2016, ECLI:NL:HR:2016:2704) and the
// consumer cost rule (6:96 lid 5 BW) applied to a template: the rules themselves are in
// src/domain/final-letter-wording.ts; here they are run over the template's source (to name the
// line) and over its rendered text. The template loading and rendering stay in templates.ts.
import type { Language } from '../domain/letter.js';
import { consumerCostProblem, endDateMessage, finalLetterOutputProblems, finalLetterTextProblems, printsEndDate, rejectedIn, rejectedMessage } from '../domain/final-letter-wording.js';
import type { LetterView } from './view.js';
import type { Loc } from './template-ast.js';
import type { LetterTexts, LoadedTemplate, TemplateIssue } from './templates.js';

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

/** Consumer final letter: no printed end date, no term counted from the letter date (file and line). */
export function finalLetterSourceIssues(t: LoadedTemplate): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  let before = '';
  for (const n of sourceNodes(t)) {
    if (n.type === 'MustacheStatement') {
      const name = ((n.path as { original?: unknown } | undefined)?.original ?? '') as string;
      if (printsEndDate(name, before)) {
        issues.push({ file: t.file, line: n.loc?.start.line ?? null, column: n.loc ? n.loc.start.column + 1 : null, message: endDateMessage(name) });
      }
      before = '';
      continue;
    }
    const text = typeof n.original === 'string' ? n.original : '';
    before = text.slice(-40);
    for (const p of finalLetterTextProblems(text)) issues.push({ file: t.file, line: lineIn(n, p.index), column: null, message: p.message });
  }
  return issues;
}

/** Every consumer letter: no cost amount but the BIK costs of the final letter ({{costs}}); 6:96 lid 5-6 BW. */
export function consumerCostIssues(t: LoadedTemplate): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  for (const n of sourceNodes(t)) {
    if (n.type !== 'ContentStatement' || typeof n.original !== 'string') continue;
    const p = consumerCostProblem(n.original);
    if (p) issues.push({ file: t.file, line: lineIn(n, p.index), column: null, message: p.message });
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
    for (const message of finalLetterOutputProblems(text, what, view.costs, lang)) issues.push({ file: t.file, line, column: null, message });
  }
  return issues;
}

