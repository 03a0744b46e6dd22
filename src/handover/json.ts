// handover.json as bytes: two-space indent, a final newline, UTF-8 without BOM. Written case by
// case, so ten thousand cases never become one string: the chunks joined are exactly
// `JSON.stringify(document, null, 2) + '\n'` (the test compares them).
import type { HandoverDocument } from './case-types.js';

/** The document's text in pieces: the head, one piece per case, the tail. `cases` is its last key. */
export function* handoverJsonChunks(document: HandoverDocument): Generator<string> {
  const { cases, ...head } = document;
  const empty = JSON.stringify({ ...head, cases: [] }, null, 2);
  if (cases.length === 0) {
    yield `${empty}\n`;
    return;
  }
  // `…"cases": []\n}` → `…"cases": [` and each case indented two levels, as stringify would.
  yield empty.slice(0, -'[]\n}'.length) + '[';
  for (let i = 0; i < cases.length; i++) {
    // JSON strings hold no raw line breaks, so every \n is a line of the layout.
    yield `\n    ${JSON.stringify(cases[i], null, 2).replaceAll('\n', '\n    ')}${i < cases.length - 1 ? ',' : ''}`;
  }
  yield '\n  ]\n}\n';
}

/** The whole of handover.json (small batches, tests). */
export function handoverJsonBytes(document: HandoverDocument): Buffer {
  return Buffer.from([...handoverJsonChunks(document)].join(''), 'utf8');
}
