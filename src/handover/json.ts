// handover.json as bytes: two-space indent, a final newline, UTF-8 without BOM. Written case by
// case, so ten thousand cases never become one string or one object graph: the pieces joined are
// exactly `JSON.stringify(document, null, 2) + '\n'` (the test compares them).
import type { CaseJson, HandoverDocument } from './case-types.js';

const CASE_OPEN = '[\n  [\n    ';
const CASE_CLOSE = '\n  ]\n]';

/** One case as it stands in the `cases` array: indented two levels, as stringify would. */
export function caseJsonText(kase: CaseJson): string {
  // Stringified two arrays deep, the case is indented as it stands in the document; cutting off
  // the arrays' brackets (`[\n  [\n    ` and `\n  ]\n]`) leaves it. A third of the time of
  // indenting it afterwards (a replace over every line of every case).
  return JSON.stringify([[kase]], null, 2).slice(CASE_OPEN.length, -CASE_CLOSE.length);
}
/** What stands before the first case: the head up to `"cases": [` (no cases: the whole document). */
export function jsonHeadText(head: Omit<HandoverDocument, 'cases'>, hasCases: boolean): string {
  const empty = JSON.stringify({ ...head, cases: [] }, null, 2);
  // `…"cases": []\n}` → `…"cases": [` before the first case.
  return hasCases ? `${empty.slice(0, -'[]\n}'.length)}[` : `${empty}\n`;
}

/** One case's piece of the `cases` array. */
export function jsonCasePiece(text: string, first: boolean): string {
  return `${first ? '' : ','}\n    ${text}`;
}

/** What follows the last case. */
export const JSON_TAIL = '\n  ]\n}\n';

/** The document's text in pieces: the head, one piece per case (from `caseJsonText`), the tail. */
export function* handoverJsonPieces(head: Omit<HandoverDocument, 'cases'>, caseTexts: Iterable<string>): Generator<string> {
  let first = true;
  for (const text of caseTexts) {
    yield `${first ? jsonHeadText(head, true) : ''}${jsonCasePiece(text, first)}`;
    first = false;
  }
  yield first ? jsonHeadText(head, false) : JSON_TAIL;
}

export function handoverJsonChunks(document: HandoverDocument): Generator<string> {
  const { cases, ...head } = document;
  return handoverJsonPieces(head, cases.map(caseJsonText));
}

/** The whole of handover.json (small batches, tests). */
export function handoverJsonBytes(document: HandoverDocument): Buffer {
  return Buffer.from([...handoverJsonChunks(document)].join(''), 'utf8');
}
