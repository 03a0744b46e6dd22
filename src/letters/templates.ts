// Letter templates: one Handlebars file per stage and language yields the e-mail subject, the
// letter body (for the PDF) and the e-mail body (plain text and HTML). See templates/README.md.
//
// File format: top-level inline partials, one per output.
//
//   {{#*inline "subject"}}…{{/inline}}   required, one line
//   {{#*inline "body"}}…{{/inline}}      required, the letter text; {{> invoices}} and {{> payment}}
//                                        mark where the invoice table and the payment block go
//   {{#*inline "email"}}…{{/inline}}     optional, the e-mail text; the body when absent
//
// Any other top-level inline partial is a shared snippet the sections may call with {{> name}}.
// Each section is compiled on its own from the parsed file, so Handlebars reports errors with the
// line numbers of the file. Templates are compiled with `strict: true` (an unknown variable throws)
// and only the built-in helpers if/unless/each/with/lookup. Ledger data only ever enters as values
// of the render context: Handlebars never compiles it, so a debtor called `{{creditor.iban}}` is
// printed as exactly that.
import Handlebars from 'handlebars';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.js';
import { ARRANGEMENT_LETTER_IDS, type DebtorType, type Language, type LetterData } from '../domain/letter.js';
import {
  INVOICES_MARKER,
  PAYMENT_MARKER,
  letterView,
  type LetterView,
} from './view.js';
import { DEFAULT_TEMPLATES_DIR } from './template-files.js';
import { walkProgram } from './template-check.js';
import type { BlockNode, Loc, ProgramNode } from './template-ast.js';
import { escapeHtml, emailHtml, emailText } from './email.js';
import { sampleLetterData } from './sample-letter.js';
import { consumerCostIssues, finalLetterSourceIssues, rejectedInSource, veertiendagenbriefIssues } from './template-wording.js';

// Split by job; these stay importable from here, where their callers always found them.
export { DEFAULT_TEMPLATES_DIR, templatesInit } from './template-files.js';
export { escapeHtml } from './email.js';
export { sampleLetterData, type SampleOptions } from './sample-letter.js';

export interface StageRef {
  id: string;
  final?: boolean | undefined;
  /** A file name used instead of `<stage id>.hbs` (config `stages[].template`). */
  template?: string | undefined;
  /** A stage with the channel "phone" is a call, not a letter: it has no template. */
  channels?: readonly string[] | undefined;
}

/** The templates of the payment-arrangement letters, checked like the stages' own. */
export const ARRANGEMENT_TEMPLATES: readonly StageRef[] = Object.values(ARRANGEMENT_LETTER_IDS).map((id) => ({ id }));

export interface TemplateIssue {
  file: string;
  line: number | null;
  column: number | null;
  message: string;
}

export interface LetterTexts {
  subject: string;
  /** The letter text for the PDF; holds the table and payment markers (see view.ts splitBody). */
  body: string;
  emailText: string;
  emailHtml: string;
}

export interface TemplateCheckResult {
  checked: { stage: string; language: Language; debtorType: DebtorType; file: string }[];
}

// ---------------------------------------------------------------------------------------------
// Resolution

export const DEBTOR_TYPES: readonly DebtorType[] = ['consumer', 'business'];

export function templateName(stageId: string, template?: string): string {
  const name = template !== undefined && template.trim() !== '' ? template.trim() : stageId;
  return name.replace(/\.hbs$/i, '');
}

/**
 * The template file for a stage: in each directory in turn (the user's first), the debtor-type
 * variant `<L>/<S>.<T>.hbs`, then `<L>/<S>.hbs`. A user's own generic file thus wins over a shipped
 * variant; it is then checked against both debtor types.
 */
export function resolveTemplate(
  dirs: string[],
  stageId: string,
  language: Language,
  debtorType: DebtorType,
  template?: string,
): string | null {
  const name = templateName(stageId, template);
  for (const dir of dirs) {
    for (const file of [`${name}.${debtorType}.hbs`, `${name}.hbs`]) {
      const candidate = path.resolve(dir, language, file);
      if (existsSync(candidate)) return candidate;
    }
  }
  return null;
}

type Render = (context: unknown, options?: Handlebars.RuntimeOptions) => string;

// ---------------------------------------------------------------------------------------------
// Loading and the static check

const REQUIRED_SECTIONS = ['subject', 'body'] as const;
const BUILTIN_PARTIALS = ['invoices', 'payment'];

// An isolated environment: helpers or partials registered elsewhere in the process never reach
// a letter. `log` goes: a template has no business writing to the console.
const hbs = Handlebars.create();
hbs.unregisterHelper('log');

const COMPILE_OPTIONS = {
  strict: true,
  knownHelpersOnly: true,
  knownHelpers: { log: false },
  data: true,
};

interface Section {
  name: string;
  node: BlockNode;
  program: ProgramNode;
}

export interface LoadedTemplate {
  file: string;
  source: string;
  /** Problems found without rendering (syntax, structure, unknown variables). */
  issues: TemplateIssue[];
  sections: Map<string, Section>;
  /** Partial calls per section, transitively resolved. */
  reaches: Map<string, Set<string>>;
  text: Map<string, Render>;
  html: Map<string, Render>;
}

const cache = new Map<string, LoadedTemplate>();

function lineOf(err: unknown): { line: number | null; column: number | null } {
  const e = err as { lineNumber?: unknown; column?: unknown; message?: unknown };
  if (typeof e.lineNumber === 'number') return { line: e.lineNumber, column: typeof e.column === 'number' ? e.column + 1 : null };
  const m = /line (\d+)/i.exec(String(e.message ?? ''));
  return { line: m ? Number(m[1]) : null, column: null };
}

/** Handlebars messages end in ` - 12:4` or carry a parser dump; keep the useful first line. */
function cleanMessage(err: unknown): string {
  const msg = String((err as { message?: unknown }).message ?? err);
  const strict = /^"([^"]+)" not defined in /.exec(msg);
  if (strict) return `unknown variable "${strict[1]}"`;
  const parse = /^Parse error on line \d+:\n([^\n]*)\n([^\n]*)\n(.*)$/s.exec(msg);
  if (parse) return `syntax error: ${parse[3]!.trim()} near "${parse[1]!.trim()}"`;
  return msg.replace(/ - \d+:\d+$/, '').split('\n')[0]!;
}

function loadTemplate(file: string): LoadedTemplate {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    return emptyTemplate(file, '', [{ file, line: null, column: null, message: `cannot read the template: ${(err as Error).message}` }]);
  }
  const cached = cache.get(file);
  if (cached && cached.source === source) return cached;
  const loaded = compileTemplate(file, source);
  cache.set(file, loaded);
  return loaded;
}

function emptyTemplate(file: string, source: string, issues: TemplateIssue[]): LoadedTemplate {
  return { file, source, issues, sections: new Map(), reaches: new Map(), text: new Map(), html: new Map() };
}

function compileTemplate(file: string, source: string): LoadedTemplate {
  const issues: TemplateIssue[] = [];
  const issue = (loc: Loc | null, message: string): void => {
    issues.push({ file, line: loc?.start.line ?? null, column: loc ? loc.start.column + 1 : null, message });
  };
  let ast: ProgramNode;
  try {
    // Without whitespace processing: each section gets it exactly once when it is compiled.
    ast = hbs.parseWithoutProcessing(source.replace(/^\uFEFF/, '')) as unknown as ProgramNode;
  } catch (err) {
    const { line, column } = lineOf(err);
    return emptyTemplate(file, source, [{ file, line, column, message: cleanMessage(err) }]);
  }

  const sections = new Map<string, Section>();
  for (const node of ast.body) {
    if (node.type === 'CommentStatement') continue;
    if (node.type === 'ContentStatement') {
      if (node.value.trim() !== '') {
        issue(node.loc, `text outside a section ("${node.value.trim().slice(0, 30)}"): put it inside {{#*inline "body"}} … {{/inline}}`);
      }
      continue;
    }
    if (node.type === 'DecoratorBlock' && node.path.original === 'inline') {
      const nameNode = node.params[0];
      if (node.params.length !== 1 || nameNode?.type !== 'StringLiteral') {
        issue(node.loc, 'an inline section needs a quoted name: {{#*inline "body"}}');
        continue;
      }
      const name = String(nameNode.value);
      if (BUILTIN_PARTIALS.includes(name)) {
        issue(node.loc, `"${name}" is the name of the built-in {{> ${name}}}; give the section another name`);
        continue;
      }
      if (sections.has(name)) {
        issue(node.loc, `section "${name}" is defined twice`);
        continue;
      }
      if (node.program) sections.set(name, { name, node, program: node.program });
      continue;
    }
    issue(node.loc, 'only {{#*inline "…"}} sections and {{!-- comments --}} may stand at the top level');
  }
  for (const required of REQUIRED_SECTIONS) {
    if (!sections.has(required)) issue(null, `the section {{#*inline "${required}"}} is missing`);
  }

  // Static walk: unknown variables (also inside branches the sample data never takes), forbidden
  // constructs, partial calls.
  // Every variable a letter can have, the schedule of an arrangement letter included.
  const shape = { ...letterView(sampleLetterData({ final: true, debtorType: 'consumer', full: true })), arrangement: letterView(sampleLetterData({ stageId: ARRANGEMENT_LETTER_IDS.missed })).arrangement };
  const calls = new Map<string, Set<string>>();
  for (const section of sections.values()) {
    const called = new Set<string>();
    calls.set(section.name, called);
    walkProgram(section.program, [{ value: shape, params: new Map() }], 0, {
      issue,
      called,
      partials: new Set([...BUILTIN_PARTIALS, ...[...sections.keys()].filter((n) => n !== section.name)]),
    });
  }

  // Which partials each section reaches, and no cycles (a partial calling itself never ends).
  const reaches = new Map<string, Set<string>>();
  for (const name of sections.keys()) {
    const seen = new Set<string>();
    const stack = [...(calls.get(name) ?? [])];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...(calls.get(next) ?? []));
    }
    if (seen.has(name)) issue(sections.get(name)!.node.loc, `section "${name}" calls itself through its partials`);
    reaches.set(name, seen);
  }
  const body = sections.get('body');
  if (body) {
    for (const marker of BUILTIN_PARTIALS) {
      if (!reaches.get('body')!.has(marker)) {
        issue(body.node.loc, `the body must place the ${marker === 'invoices' ? 'invoice table' : 'payment instructions'} with {{> ${marker}}} on a line of its own`);
      }
    }
  }
  const subject = sections.get('subject');
  if (subject && BUILTIN_PARTIALS.some((m) => reaches.get('subject')!.has(m))) {
    issue(subject.node.loc, 'the subject cannot hold the invoice table or the payment block');
  }

  const text = new Map<string, Render>();
  const html = new Map<string, Render>();
  for (const section of sections.values()) {
    try {
      text.set(section.name, hbs.compile(section.program as unknown as hbs.AST.Program, { ...COMPILE_OPTIONS, noEscape: true }) as Render);
      // HTML: values are escaped by Handlebars; the template's own text is escaped here, so the
      // same plain-text source gives a safe HTML e-mail.
      const escaped = structuredClone(section.program);
      escapeContent(escaped);
      html.set(section.name, hbs.compile(escaped as unknown as hbs.AST.Program, { ...COMPILE_OPTIONS, noEscape: false }) as Render);
    } catch (err) {
      const { line, column } = lineOf(err);
      issues.push({ file, line, column, message: cleanMessage(err) });
    }
  }
  return { file, source, issues, sections, reaches, text, html };
}

function escapeContent(node: unknown): void {
  if (Array.isArray(node)) {
    for (const n of node) escapeContent(n);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const n = node as Record<string, unknown>;
  if (n.type === 'ContentStatement' && typeof n.value === 'string') {
    n.value = escapeHtml(n.value);
    return;
  }
  for (const key of ['body', 'program', 'inverse']) escapeContent(n[key]);
}

// ---------------------------------------------------------------------------------------------
// Rendering

class RenderError extends Error {
  constructor(
    readonly issue: TemplateIssue,
  ) {
    super(issue.message);
  }
}

function renderSection(t: LoadedTemplate, name: string, view: LetterView, mode: 'text' | 'html'): string {
  const fns = mode === 'text' ? t.text : t.html;
  const fn = fns.get(name);
  if (!fn) throw new RenderError({ file: t.file, line: null, column: null, message: `the section "${name}" is missing` });
  // The two markers are functions, like every partial here: nothing passed to Handlebars at run
  // time is a string it would compile.
  const partials: Record<string, Render> = {
    invoices: () => `\n${INVOICES_MARKER}\n`,
    payment: () => `\n${PAYMENT_MARKER}\n`,
  };
  for (const [other, f] of fns) if (other !== name) partials[other] = f;
  try {
    return fn(view, { partials: partials as unknown as Handlebars.RuntimeOptions['partials'] });
  } catch (err) {
    const { line, column } = lineOf(err);
    throw new RenderError({ file: t.file, line, column, message: cleanMessage(err) });
  }
}

/** Trailing spaces off, at most one blank line in a row, no blank lines at the ends. */
function tidy(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+/, '')
    .replace(/\n+$/, '');
}

function renderSubject(t: LoadedTemplate, view: LetterView): string {
  const subject = renderSection(t, 'subject', view, 'text').replace(/\s+/g, ' ').trim();
  if (subject === '') throw new RenderError({ file: t.file, line: t.sections.get('subject')?.node.loc.start.line ?? null, column: null, message: 'the subject is empty' });
  return subject;
}

function renderAll(t: LoadedTemplate, view: LetterView): LetterTexts {
  const subject = renderSubject(t, view);
  const body = tidy(renderSection(t, 'body', view, 'text'));
  const emailSection = t.sections.has('email') ? 'email' : 'body';
  const emailSource = tidy(renderSection(t, emailSection, view, 'text'));
  const emailHtmlSource = tidy(renderSection(t, emailSection, view, 'html'));
  return {
    subject,
    body,
    emailText: emailText(emailSource, view),
    emailHtml: emailHtml(emailHtmlSource, view, subject),
  };
}

// ---------------------------------------------------------------------------------------------
// Public API

function templateError(issues: TemplateIssue[]): AppError {
  const seen = new Set<string>();
  const unique = issues.filter((i) => {
    const key = `${i.file}:${i.line}:${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const where = (i: TemplateIssue): string => `${i.file}${i.line !== null ? `:${i.line}${i.column !== null ? `:${i.column}` : ''}` : ''}`;
  const first = unique[0]!;
  const files = new Set(unique.map((i) => i.file));
  const message =
    unique.length === 1
      ? `Template problem: ${where(first)}: ${first.message}`
      : `${unique.length} template problems in ${files.size} file${files.size === 1 ? '' : 's'}; the first: ${where(first)}: ${first.message}`;
  return new AppError('template_invalid', message, {
    hint: 'Fix the template (templates/README.md lists every variable and section), or start again from the shipped ones with `pre-incasso templates init`.',
    details: unique.map((i) => `${where(i)}: ${i.message}`),
    data: { issues: unique.map((i) => ({ file: i.file, line: i.line, column: i.column, message: i.message })) },
  });
}

/**
 * Checks every template the stages need, before anything is rendered or recorded: syntax,
 * structure, unknown variables (statically, and by rendering each template against sample letters
 * of both debtor types in strict mode), and for the consumer's final letter the veertiendagenbrief
 * rules. All problems at once in one `template_invalid` error (exit code 3).
 */
export function checkTemplates(dirs: string[], stages: StageRef[], languages: Language[]): TemplateCheckResult {
  const issues: TemplateIssue[] = [];
  const checked: TemplateCheckResult['checked'] = [];
  const staticDone = new Set<string>();
  stages.forEach((stage, index) => {
    if (stage.channels?.includes('phone')) return;
    const final = stage.final === true;
    for (const language of languages) {
      for (const debtorType of DEBTOR_TYPES) {
        const file = resolveTemplate(dirs, stage.id, language, debtorType, stage.template);
        const name = templateName(stage.id, stage.template);
        if (file === null) {
          issues.push({
            file: path.join(dirs[0] ?? '.', language, `${name}.hbs`),
            line: null,
            column: null,
            message: `no ${language} template for stage "${stage.id}" (${debtorType}): looked for ${language}/${name}.${debtorType}.hbs and ${language}/${name}.hbs in ${dirs.join(', ')}`,
          });
          continue;
        }
        checked.push({ stage: stage.id, language, debtorType, file });
        const t = loadTemplate(file);
        if (!staticDone.has(file)) {
          staticDone.add(file);
          issues.push(...t.issues);
        }
        if (t.issues.length > 0) continue;
        let fullTexts: LetterTexts | null = null;
        let fullView: LetterView | null = null;
        for (const full of [true, false]) {
          const data = sampleLetterData({ stageId: stage.id, stageIndex: index, stageCount: stages.length, final, language, debtorType, full });
          const view = letterView(data);
          try {
            const texts = renderAll(t, view);
            if (full) {
              fullTexts = texts;
              fullView = view;
            }
          } catch (err) {
            if (err instanceof RenderError) issues.push(err.issue);
            else throw err;
          }
        }
        if (debtorType === 'consumer') issues.push(...consumerCostIssues(t));
        if (final && debtorType === 'consumer' && fullTexts !== null && fullView !== null) {
          issues.push(...rejectedInSource(t, language), ...finalLetterSourceIssues(t), ...veertiendagenbriefIssues(t, fullTexts, fullView));
        }
      }
    }
  });
  if (issues.length > 0) throw templateError(issues);
  return { checked };
}

function templateFor(data: LetterData, templateDirs: string[], template: string | undefined): LoadedTemplate {
  const file = resolveTemplate(templateDirs, data.stage.id, data.language, data.debtor.type, template);
  if (file === null) {
    throw templateError([
      {
        file: path.join(templateDirs[0] ?? '.', data.language, `${templateName(data.stage.id, template)}.hbs`),
        line: null,
        column: null,
        message: `no ${data.language} template for stage "${data.stage.id}"`,
      },
    ]);
  }
  const t = loadTemplate(file);
  if (t.issues.length > 0) throw templateError(t.issues);
  if (data.stage.final && data.debtor.type === 'consumer' && data.costsCents === null) {
    // A bug upstream, not a user error: the plan must compute the BIK costs for this letter.
    throw new Error(`letter for ${data.debtor.number}: the consumer's final letter needs costsCents`);
  }
  return t;
}

function rendered<T>(render: () => T): T {
  try {
    return render();
  } catch (err) {
    if (err instanceof RenderError) throw templateError([err.issue]);
    throw err;
  }
}

/**
 * Renders the subject, the letter body and the e-mail (text and HTML) of one letter. The consumer's
 * final letter is checked again on the real output: it must state the costs and the 14-day term.
 */
export function renderLetterTexts(data: LetterData, templateDirs: string[], options: { template?: string | undefined } = {}): LetterTexts {
  const t = templateFor(data, templateDirs, options.template);
  const view = letterView(data);
  const texts = rendered(() => renderAll(t, view));
  if (data.stage.final && data.debtor.type === 'consumer') {
    const problems = veertiendagenbriefIssues(t, texts, view);
    if (problems.length > 0) throw templateError(problems);
  }
  return texts;
}

/**
 * The subject and body of one letter, for its PDF: the e-mail sections are not rendered, except for
 * the consumer's final letter, whose whole output is checked as renderLetterTexts does.
 */
export function renderLetterBody(data: LetterData, templateDirs: string[], options: { template?: string | undefined } = {}): { subject: string; body: string } {
  if (data.stage.final && data.debtor.type === 'consumer') return renderLetterTexts(data, templateDirs, options);
  const t = templateFor(data, templateDirs, options.template);
  const view = letterView(data);
  return rendered(() => ({ subject: renderSubject(t, view), body: tidy(renderSection(t, 'body', view, 'text')) }));
}
