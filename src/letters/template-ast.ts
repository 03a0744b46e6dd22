// The Handlebars AST: the types `handlebars` ships (hbs.AST), narrowed into the unions the template
// check switches on. Its typings give decorators the `type` of the statement they extend and give
// `program`/`inverse` no null; at run time a decorator says 'Decorator' or 'DecoratorBlock' and an
// absent branch is null, so only those fields are restated here.

import type {} from 'handlebars'; // its typings declare the global hbs.AST namespace

export type Loc = hbs.AST.SourceLocation;
export type PathNode = hbs.AST.PathExpression;
export type LiteralNode = (hbs.AST.StringLiteral | hbs.AST.NumberLiteral | hbs.AST.BooleanLiteral | hbs.AST.UndefinedLiteral | hbs.AST.NullLiteral) & { value?: unknown; original?: unknown };
export type HashNode = hbs.AST.Hash;
export type SubExpressionNode = Omit<hbs.AST.SubExpression, 'path' | 'params'> & { path: PathNode | LiteralNode; params: ExprNode[]; hash?: HashNode };
export type ExprNode = PathNode | LiteralNode | SubExpressionNode;
export type ProgramNode = Omit<hbs.AST.Program, 'body' | 'blockParams'> & { type: 'Program'; body: StatementNode[]; blockParams?: string[] };
export type MustacheNode = Omit<hbs.AST.MustacheStatement, 'type' | 'path' | 'params' | 'hash'> & { type: 'MustacheStatement' | 'Decorator'; path: ExprNode; params: ExprNode[]; hash?: HashNode };
export type BlockNode = Omit<hbs.AST.BlockStatement, 'type' | 'params' | 'hash' | 'program' | 'inverse'> & {
  type: 'BlockStatement' | 'DecoratorBlock';
  params: ExprNode[];
  hash?: HashNode;
  program: ProgramNode | null;
  inverse: ProgramNode | null;
};
export type PartialNode = Omit<hbs.AST.PartialStatement | hbs.AST.PartialBlockStatement, 'type' | 'params' | 'hash'> & { type: 'PartialStatement' | 'PartialBlockStatement'; params: ExprNode[]; hash?: HashNode };
/** `original` is the text before whitespace control; the typings call it StripFlags. */
export type ContentNode = Omit<hbs.AST.ContentStatement, 'original'> & { original: string };
export type CommentNode = hbs.AST.CommentStatement;
export type StatementNode = MustacheNode | BlockNode | PartialNode | ContentNode | CommentNode;
