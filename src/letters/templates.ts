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
import { constants, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../errors.js';
import { ARRANGEMENT_LETTER_IDS, type ArrangementLetterData, type DebtorType, type Language, type LetterData } from '../domain/letter.js';
import {
  INVOICES_MARKER,
  PAYMENT_MARKER,
  letterLabels,
  letterView,
  splitBody,
  type LetterView,
} from './view.js';

/** The shipped templates (`templates/` next to `src/` and `dist/`). */
export const DEFAULT_TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

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

const DEBTOR_TYPES: DebtorType[] = ['consumer', 'business'];

function templateName(stageId: string, template?: string): string {
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

// ---------------------------------------------------------------------------------------------
// The Handlebars AST, as far as this module reads it

interface Pos {
  line: number;
  column: number;
}
interface Loc {
  start: Pos;
  end: Pos;
}
interface PathNode {
  type: 'PathExpression';
  data: boolean;
  depth: number;
  parts: string[];
  original: string;
  loc: Loc;
}
interface LiteralNode {
  type: 'StringLiteral' | 'NumberLiteral' | 'BooleanLiteral' | 'UndefinedLiteral' | 'NullLiteral';
  value: unknown;
  original: unknown;
  loc: Loc;
}
interface HashNode {
  pairs: { key: string; value: ExprNode }[];
}
interface SubExpressionNode {
  type: 'SubExpression';
  path: PathNode | LiteralNode;
  params: ExprNode[];
  hash?: HashNode;
  loc: Loc;
}
type ExprNode = PathNode | LiteralNode | SubExpressionNode;
interface ProgramNode {
  type: 'Program';
  body: StatementNode[];
  blockParams?: string[];
  loc: Loc;
}
interface MustacheNode {
  type: 'MustacheStatement' | 'Decorator';
  path: ExprNode;
  params: ExprNode[];
  hash?: HashNode;
  escaped: boolean;
  loc: Loc;
}
interface BlockNode {
  type: 'BlockStatement' | 'DecoratorBlock';
  path: PathNode;
  params: ExprNode[];
  hash?: HashNode;
  program: ProgramNode | null;
  inverse: ProgramNode | null;
  loc: Loc;
}
interface PartialNode {
  type: 'PartialStatement' | 'PartialBlockStatement';
  name: PathNode | SubExpressionNode;
  params: ExprNode[];
  hash?: HashNode;
  loc: Loc;
}
interface ContentNode {
  type: 'ContentStatement';
  value: string;
  original: string;
  loc: Loc;
}
interface CommentNode {
  type: 'CommentStatement';
  value: string;
  loc: Loc;
}
type StatementNode = MustacheNode | BlockNode | PartialNode | ContentNode | CommentNode;

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

interface LoadedTemplate {
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

const UNKNOWN = Symbol('unknown shape');

interface Scope {
  value: unknown;
  params: Map<string, unknown>;
}

interface WalkContext {
  issue: (loc: Loc | null, message: string) => void;
  called: Set<string>;
  partials: Set<string>;
}

const DATA_VARIABLES = new Set(['root', 'index', 'first', 'last', 'key']);

function walkProgram(program: ProgramNode | null, scopes: Scope[], eachDepth: number, ctx: WalkContext): void {
  if (!program) return;
  for (const node of program.body) walkStatement(node, scopes, eachDepth, ctx);
}

function walkStatement(node: StatementNode, scopes: Scope[], eachDepth: number, ctx: WalkContext): void {
  switch (node.type) {
    case 'ContentStatement':
    case 'CommentStatement':
      return;
    case 'MustacheStatement': {
      if (!node.escaped) {
        ctx.issue(node.loc, 'triple braces {{{ }}} and {{& }} are not allowed: write {{name}}; values are escaped for the HTML e-mail and printed as they are in the letter');
      }
      if (node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0) {
        checkHelperCall(node.path, node.params, node.hash, node.loc, scopes, eachDepth, ctx);
        return;
      }
      if (node.path.type !== 'PathExpression') return;
      const value = resolvePath(node.path, scopes, eachDepth, ctx);
      if (value !== UNKNOWN && value !== null && typeof value === 'object') {
        ctx.issue(node.loc, `{{${node.path.original}}} is a group of values, not text: print one of its fields, e.g. {{${node.path.original}.${firstKey(value)}}}`);
      }
      return;
    }
    case 'BlockStatement':
      walkBlock(node, scopes, eachDepth, ctx);
      return;
    case 'PartialStatement': {
      if (node.name.type !== 'PathExpression') {
        ctx.issue(node.loc, 'dynamic partials {{> (…)}} are not supported');
        return;
      }
      const name = node.name.original;
      if (node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0) {
        ctx.issue(node.loc, `{{> ${name}}} takes no arguments`);
      }
      if (!ctx.partials.has(name)) {
        ctx.issue(node.loc, `unknown partial {{> ${name}}}; available: ${[...ctx.partials].map((p) => `{{> ${p}}}`).join(', ')}`);
        return;
      }
      ctx.called.add(name);
      return;
    }
    case 'PartialBlockStatement':
      ctx.issue(node.loc, 'partial blocks {{#> …}} are not supported');
      return;
    case 'DecoratorBlock':
      ctx.issue(node.loc, 'define {{#*inline}} sections at the top level of the file, not inside another section');
      return;
    case 'Decorator':
      ctx.issue(node.loc, 'decorators {{* …}} are not supported');
      return;
  }
}

function firstKey(value: object): string {
  return Array.isArray(value) ? '[0]' : (Object.keys(value)[0] ?? 'name');
}

function checkHelperCall(
  pathNode: ExprNode,
  params: ExprNode[],
  hash: HashNode | undefined,
  loc: Loc,
  scopes: Scope[],
  eachDepth: number,
  ctx: WalkContext,
): void {
  const name = pathNode.type === 'PathExpression' ? pathNode.original : String((pathNode as LiteralNode).original);
  if (name !== 'lookup') {
    ctx.issue(loc, `unknown helper "${name}": the templates know #if, #unless, #each, #with and lookup`);
    return;
  }
  if ((hash?.pairs.length ?? 0) > 0) ctx.issue(loc, 'lookup takes no named arguments');
  for (const p of params) evalExpr(p, scopes, eachDepth, ctx);
}

function evalExpr(expr: ExprNode, scopes: Scope[], eachDepth: number, ctx: WalkContext): unknown {
  if (expr.type === 'PathExpression') return resolvePath(expr, scopes, eachDepth, ctx);
  if (expr.type === 'SubExpression') {
    checkHelperCall(expr.path, expr.params, expr.hash, expr.loc, scopes, eachDepth, ctx);
    return UNKNOWN;
  }
  return expr.value;
}

function walkBlock(node: BlockNode, scopes: Scope[], eachDepth: number, ctx: WalkContext): void {
  const name = node.path.original;
  if ((node.hash?.pairs.length ?? 0) > 0) ctx.issue(node.loc, `{{#${name}}} takes no named arguments`);
  if (!['if', 'unless', 'each', 'with'].includes(name)) {
    ctx.issue(node.loc, `unknown block {{#${name}}}: the templates know #if, #unless, #each and #with`);
    return;
  }
  if (node.params.length !== 1) {
    ctx.issue(node.loc, `{{#${name}}} needs exactly one value, e.g. {{#${name} debtor.contactPerson}}`);
    return;
  }
  const value = evalExpr(node.params[0]!, scopes, eachDepth, ctx);
  const blockParams = node.program?.blockParams ?? [];
  if (name === 'if' || name === 'unless') {
    walkProgram(node.program, scopes, eachDepth, ctx);
    walkProgram(node.inverse, scopes, eachDepth, ctx);
    return;
  }
  if (name === 'with') {
    const inner = value === null || value === undefined ? UNKNOWN : value;
    const params = new Map<string, unknown>();
    if (blockParams[0] !== undefined) params.set(blockParams[0], inner);
    walkProgram(node.program, [...scopes, { value: inner, params }], eachDepth, ctx);
    walkProgram(node.inverse, scopes, eachDepth, ctx);
    return;
  }
  // each
  let element: unknown = UNKNOWN;
  if (Array.isArray(value)) element = value.length > 0 ? value[0] : UNKNOWN;
  else if (value !== UNKNOWN && value !== null && typeof value === 'object') element = Object.values(value)[0] ?? UNKNOWN;
  else if (value !== UNKNOWN) {
    ctx.issue(node.loc, `{{#each ${node.params[0]!.type === 'PathExpression' ? (node.params[0] as PathNode).original : '…'}}} needs a list, such as invoices`);
  }
  const params = new Map<string, unknown>();
  if (blockParams[0] !== undefined) params.set(blockParams[0], element);
  if (blockParams[1] !== undefined) params.set(blockParams[1], 0);
  walkProgram(node.program, [...scopes, { value: element, params }], eachDepth + 1, ctx);
  walkProgram(node.inverse, scopes, eachDepth, ctx);
}

function resolvePath(node: PathNode, scopes: Scope[], eachDepth: number, ctx: WalkContext): unknown {
  let parts = node.parts;
  let value: unknown;
  if (node.data) {
    const head = parts[0] ?? '';
    if (!DATA_VARIABLES.has(head)) {
      ctx.issue(node.loc, `unknown data variable "@${head}"; known: @root, and inside #each @index, @first, @last, @key`);
      return UNKNOWN;
    }
    if (head !== 'root') {
      if (eachDepth === 0) ctx.issue(node.loc, `@${head} only exists inside {{#each}}`);
      return UNKNOWN;
    }
    value = scopes[0]!.value;
    parts = parts.slice(1);
  } else {
    if (node.depth >= scopes.length) {
      ctx.issue(node.loc, `"${node.original}" climbs out of the letter (too many ../)`);
      return UNKNOWN;
    }
    const scope = scopes[scopes.length - 1 - node.depth]!;
    value = scope.value;
    if (node.depth === 0 && parts.length > 0 && !node.original.startsWith('this') && !node.original.startsWith('.')) {
      for (let i = scopes.length - 1; i >= 0; i--) {
        const p = scopes[i]!.params;
        if (p.has(parts[0]!)) {
          value = p.get(parts[0]!);
          parts = parts.slice(1);
          break;
        }
      }
    }
  }
  for (let i = 0; i < parts.length; i++) {
    if (value === UNKNOWN) return UNKNOWN;
    const part = parts[i]!;
    const known = value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, part);
    if (Array.isArray(value) && (part === 'length' || /^\d+$/.test(part))) {
      value = part === 'length' ? value.length : (value[Number(part)] ?? value[0] ?? UNKNOWN);
      continue;
    }
    if (!known) {
      const where = parts.slice(0, i).join('.');
      const keys = value !== null && typeof value === 'object' ? Object.keys(value) : [];
      const suggestion = suggest(part, keys);
      ctx.issue(
        node.loc,
        `unknown variable "${node.original}"` +
          (where !== '' ? ` (${where} has no "${part}")` : '') +
          (suggestion !== null ? `; did you mean "${[...parts.slice(0, i), suggestion].join('.')}"?` : ''),
      );
      return UNKNOWN;
    }
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function suggest(word: string, candidates: string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
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

function renderAll(t: LoadedTemplate, view: LetterView): LetterTexts {
  const subject = renderSection(t, 'subject', view, 'text').replace(/\s+/g, ' ').trim();
  if (subject === '') throw new RenderError({ file: t.file, line: t.sections.get('subject')?.node.loc.start.line ?? null, column: null, message: 'the subject is empty' });
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

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function textInvoiceTable(view: LetterView): string {
  const l = letterLabels(view.language);
  const header = [l.invoice, l.invoiceDate, l.dueDate, l.amount, l.paid, l.open];
  const rows = view.invoices.map((i) => [`${i.number}${i.mark}`, i.issueDate, i.dueDate, i.amount, i.paid, i.open]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const fmt = (r: string[]): string =>
    r.map((cell, c) => (c >= 3 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').replace(/\s+$/, '');
  const lines = [fmt(header), ...rows.map(fmt)];
  const totalWidth = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  const total = (label: string, amount: string): string => `${label}${' '.repeat(Math.max(2, totalWidth - label.length - amount.length))}${amount}`;
  lines.push('-'.repeat(totalWidth));
  if (view.hasAlsoOpen) lines.push(total(l.subtotalDue, view.due));
  lines.push(total(view.totalLabel, view.totalOpen));
  if (view.hasAlsoOpen) lines.push(l.alsoOpenNote);
  lines.push(...view.creditNotes);
  return lines.join('\n');
}

function paymentRows(view: LetterView): [string, string][] {
  const l = letterLabels(view.language);
  const rows: [string, string][] = [
    [l.payAmount, view.payAmount],
    [l.iban, view.creditor.iban],
  ];
  if (view.creditor.bic !== null) rows.push([l.bic, view.creditor.bic]);
  rows.push([l.beneficiary, view.creditor.name]);
  if (view.paymentReference !== '') rows.push([l.paymentReference, view.paymentReference]);
  return rows;
}

function textPayment(view: LetterView): string {
  const rows = paymentRows(view);
  const w = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `${`${k}:`.padEnd(w)}${v}`).join('\n');
}

function emailText(source: string, view: LetterView): string {
  const out: string[] = [];
  for (const block of splitBody(source)) {
    if (block.kind === 'text') out.push(block.lines.join('\n'));
    else if (block.kind === 'invoices') out.push(textInvoiceTable(view));
    else out.push(textPayment(view));
  }
  return `${out.join('\n\n')}\n`;
}

const CELL = 'padding:4px 12px 4px 0;vertical-align:top';

function htmlInvoiceTable(view: LetterView): string {
  const l = letterLabels(view.language);
  const th = (s: string, right: boolean): string =>
    `<th style="${CELL};text-align:${right ? 'right' : 'left'};border-bottom:1px solid #8a8f98;font-weight:bold">${escapeHtml(s)}</th>`;
  const td = (s: string, right: boolean): string => `<td style="${CELL};text-align:${right ? 'right' : 'left'};white-space:nowrap">${escapeHtml(s)}</td>`;
  const head = [l.invoice, l.invoiceDate, l.dueDate, l.amount, l.paid, l.open].map((h, i) => th(h, i >= 3)).join('');
  const rows = view.invoices
    .map((i) => `<tr>${td(`${i.number}${i.mark}`, false)}${td(i.issueDate, false)}${td(i.dueDate, false)}${td(i.amount, true)}${td(i.paid, true)}${td(i.open, true)}</tr>`)
    .join('\n');
  const total = (label: string, amount: string, top: boolean): string =>
    `<tr><td colspan="5" style="${CELL}${top ? ';border-top:1px solid #8a8f98' : ''};font-weight:bold">${escapeHtml(label)}</td>` +
    `<td style="${CELL}${top ? ';border-top:1px solid #8a8f98' : ''};text-align:right;white-space:nowrap;font-weight:bold">${escapeHtml(amount)}</td></tr>`;
  const totals = [
    ...(view.hasAlsoOpen ? [total(l.subtotalDue, view.due, true)] : []),
    total(view.totalLabel, view.totalOpen, !view.hasAlsoOpen),
  ].join('\n');
  const notes = [...(view.hasAlsoOpen ? [l.alsoOpenNote] : []), ...view.creditNotes];
  const note = notes.map((n) => `\n<p style="margin:4px 0 16px 0;font-size:12px;color:#555">${escapeHtml(n)}</p>`).join('');
  return (
    `<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin:8px 0 16px 0;font-size:14px">\n` +
    `<thead><tr>${head}</tr></thead>\n<tbody>\n${rows}\n</tbody>\n<tfoot>\n${totals}\n</tfoot>\n</table>${note}`
  );
}

function htmlPayment(view: LetterView): string {
  const l = letterLabels(view.language);
  const rows = paymentRows(view)
    .map(([k, v]) => `<tr><td style="${CELL};color:#555">${escapeHtml(k)}</td><td style="${CELL};font-weight:bold">${escapeHtml(v)}</td></tr>`)
    .join('\n');
  return (
    `<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin:8px 0 16px 0;font-size:14px;background:#f3f5f7">\n` +
    `<caption style="text-align:left;font-weight:bold;padding:0 0 4px 0">${escapeHtml(l.paymentTitle)}</caption>\n${rows}\n</table>`
  );
}

function emailHtml(escapedSource: string, view: LetterView, subject: string): string {
  const parts: string[] = [];
  for (const block of splitBody(escapedSource)) {
    if (block.kind === 'text') parts.push(`<p style="margin:0 0 12px 0">${block.lines.join('<br>\n')}</p>`);
    else if (block.kind === 'invoices') parts.push(htmlInvoiceTable(view));
    else parts.push(htmlPayment(view));
  }
  return (
    `<!DOCTYPE html>\n<html lang="${view.language}">\n<head>\n<meta charset="utf-8">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${escapeHtml(subject)}</title>\n</head>\n` +
    `<body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.5;color:#1a1a1a">\n` +
    `<div style="max-width:640px">\n${parts.join('\n')}\n</div>\n</body>\n</html>\n`
  );
}

// ---------------------------------------------------------------------------------------------
// The veertiendagenbrief rules (art. 6:96 lid 6 BW; HR 25-11-2016, ECLI:NL:HR:2016:2704)

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
function rejectedInSource(t: LoadedTemplate, language: Language): TemplateIssue[] {
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
function finalLetterSourceIssues(t: LoadedTemplate): TemplateIssue[] {
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
function consumerCostIssues(t: LoadedTemplate): TemplateIssue[] {
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

function veertiendagenbriefIssues(t: LoadedTemplate, texts: LetterTexts, view: LetterView): TemplateIssue[] {
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

// ---------------------------------------------------------------------------------------------
// Sample letters for the check (and for tests and the benchmark)

export interface SampleOptions {
  stageId?: string;
  stageIndex?: number;
  stageCount?: number;
  final?: boolean;
  language?: Language;
  debtorType?: DebtorType;
  /** Every optional field filled and an "also open" invoice (true), or the bare minimum (false). */
  full?: boolean;
}

/** A realistic letter snapshot. The consumer final letter states € 67,50: BIK over € 450,00. */
export function sampleLetterData(options: SampleOptions = {}): LetterData {
  const final = options.final ?? false;
  const language = options.language ?? 'nl';
  const type = options.debtorType ?? 'consumer';
  const full = options.full ?? true;
  const stageCount = options.stageCount ?? 3;
  const stageIndex = options.stageIndex ?? (final ? stageCount - 1 : 0);
  const stageId = options.stageId ?? (final ? 'laatste-herinnering' : 'herinnering');
  const business = type === 'business';
  const invoices: LetterData['invoices'] = full
    ? [
        { number: '2026-0101', issueDate: '2026-08-14', dueDate: '2026-09-13', amountCents: 20000, paidCents: 0, openCents: 20000, role: 'due', reference: null },
        { number: '2026-0102', issueDate: '2026-08-28', dueDate: '2026-09-27', amountCents: 30000, paidCents: 5000, openCents: 25000, role: 'due', reference: null },
        { number: '2026-0140', issueDate: '2026-09-20', dueDate: '2026-10-20', amountCents: 12500, paidCents: 0, openCents: 12500, role: 'also_open', reference: null },
      ]
    : [{ number: '2026-0101', issueDate: null, dueDate: '2026-09-13', amountCents: 8995, paidCents: 0, openCents: 8995, role: 'due', reference: null }];
  const dueCents = invoices.filter((i) => i.role === 'due').reduce((s, i) => s + i.openCents, 0);
  const totalOpenCents = invoices.reduce((s, i) => s + i.openCents, 0);
  const arrangementKind = (Object.entries(ARRANGEMENT_LETTER_IDS) as [ArrangementLetterData['kind'], string][]).find(([, id]) => id === stageId)?.[0];
  const arrangement: ArrangementLetterData | undefined = arrangementKind === undefined
    ? undefined
    : {
        id: 7,
        kind: arrangementKind,
        instalments: [
          { number: 1, dueDate: '2026-12-01', amountCents: 15000, paidCents: arrangementKind === 'confirmation' ? 0 : 15000 },
          { number: 2, dueDate: '2027-01-01', amountCents: 15000, paidCents: 0 },
          { number: 3, dueDate: '2027-02-01', amountCents: 15000, paidCents: 0 },
        ],
        totalCents: 45000,
        paidCents: arrangementKind === 'confirmation' ? 0 : 15000,
        next: arrangementKind === 'confirmation' ? { number: 1, dueDate: '2026-12-01', amountCents: 15000 } : { number: 2, dueDate: '2027-01-01', amountCents: 15000 },
        graceEnd: arrangementKind === 'missed' ? '2027-01-08' : null,
      };
  return {
    ...(arrangement ? { arrangement } : {}),
    version: 1,
    date: '2026-11-23',
    stage: { index: stageIndex, id: stageId, final, count: stageCount },
    language,
    channels: final ? ['email', 'post'] : ['email'],
    creditor: {
      name: 'Bakkerij De Korenschoof B.V.',
      address: { street: 'Dorpsstraat 12', postcode: '1234 AB', city: 'Amersfoort', country: 'NL' },
      kvk: full ? '12345678' : null,
      vatNumber: full ? 'NL123456789B01' : null,
      iban: 'NL91ABNA0417164300',
      bic: full ? 'ABNANL2A' : null,
      email: full ? 'administratie@korenschoof.nl' : null,
      phone: full ? '033-1234567' : null,
      contactPerson: full ? 'J. de Vries' : null,
    },
    debtor: {
      number: 'D1001',
      name: business ? 'Van Dijk Installatietechniek B.V.' : 'Ayşe Yılmaz',
      type,
      contactPerson: full ? (business ? 'M. van Dijk' : null) : null,
      email: full ? 'debiteur@example.nl' : null,
      phone: full ? '06-12345678' : null,
      address: full
        ? { street: business ? 'Industrieweg 7' : 'Kerkstraat 1', postcode: '3811CV', city: 'Amersfoort', country: 'NL' }
        : { street: null, postcode: null, city: 'Utrecht', country: 'NL' },
      language,
    },
    invoices,
    dueCents,
    totalOpenCents,
    paymentReference: full ? 'RF18539007547034' : '2026-0101',
    costsCents: final && !business ? (full ? 6750 : 4000) : null,
    termDays: final ? 14 : 7,
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

/**
 * Renders the subject, the letter body and the e-mail (text and HTML) of one letter. The consumer's
 * final letter is checked again on the real output: it must state the costs and the 14-day term.
 */
export function renderLetterTexts(data: LetterData, templateDirs: string[], options: { template?: string } = {}): LetterTexts {
  const file = resolveTemplate(templateDirs, data.stage.id, data.language, data.debtor.type, options.template);
  if (file === null) {
    throw templateError([
      {
        file: path.join(templateDirs[0] ?? '.', data.language, `${templateName(data.stage.id, options.template)}.hbs`),
        line: null,
        column: null,
        message: `no ${data.language} template for stage "${data.stage.id}"`,
      },
    ]);
  }
  const t = loadTemplate(file);
  if (t.issues.length > 0) throw templateError(t.issues);
  const consumerFinal = data.stage.final && data.debtor.type === 'consumer';
  if (consumerFinal && data.costsCents === null) {
    // A bug upstream, not a user error: the plan must compute the BIK costs for this letter.
    throw new Error(`letter for ${data.debtor.number}: the consumer's final letter needs costsCents`);
  }
  const view = letterView(data);
  let texts: LetterTexts;
  try {
    texts = renderAll(t, view);
  } catch (err) {
    if (err instanceof RenderError) throw templateError([err.issue]);
    throw err;
  }
  if (consumerFinal) {
    const problems = veertiendagenbriefIssues(t, texts, view);
    if (problems.length > 0) throw templateError(problems);
  }
  return texts;
}

/**
 * Copies the shipped templates (and their README) into `targetDir` for `pre-incasso templates
 * init`. Never overwrites: files that already exist are left alone and listed as skipped.
 */
export function templatesInit(targetDir: string, sourceDir: string = DEFAULT_TEMPLATES_DIR): { copied: string[]; skipped: string[] } {
  const copied: string[] = [];
  const skipped: string[] = [];
  const files: string[] = [];
  if (existsSync(path.join(sourceDir, 'README.md'))) files.push('README.md');
  for (const entry of readdirSync(sourceDir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory()) continue;
    for (const f of readdirSync(path.join(sourceDir, entry.name)).sort()) {
      if (f.endsWith('.hbs')) files.push(path.join(entry.name, f));
    }
  }
  for (const rel of files) {
    const target = path.resolve(targetDir, rel);
    mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    try {
      // COPYFILE_EXCL: fails instead of overwriting, also when the file appears meanwhile.
      copyFileSync(path.join(sourceDir, rel), target, constants.COPYFILE_EXCL);
      copied.push(target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') skipped.push(target);
      else throw err;
    }
  }
  return { copied, skipped };
}
