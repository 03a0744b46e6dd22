// The static check of a template: walks every section's AST against the shape of every variable a
// letter can have, so an unknown variable, a forbidden construct or a call of a missing partial is
// found before any letter is rendered, also inside branches the sample data never takes.
import type { BlockNode, ExprNode, HashNode, LiteralNode, Loc, PathNode, ProgramNode, StatementNode } from './template-ast.js';

const UNKNOWN = Symbol('unknown shape');

export interface Scope {
  value: unknown;
  params: Map<string, unknown>;
}

export interface WalkContext {
  issue: (loc: Loc | null, message: string) => void;
  called: Set<string>;
  partials: Set<string>;
}

const DATA_VARIABLES = new Set(['root', 'index', 'first', 'last', 'key']);

export function walkProgram(program: ProgramNode | null, scopes: Scope[], eachDepth: number, ctx: WalkContext): void {
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
