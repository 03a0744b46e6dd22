// The whole book, model-based (issue 10, item 7): a handful of fixed seeds in `npm test`. The
// thousands of seasons run with `npm run soak` (test/model/book.soak.ts).
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { seasonProperty } from '../model/book.js';

describe('the book over random seasons keeps its invariants', () => {
  it.each([20261126, 42, 7, 1_000_003])('seed %i: 12 seasons against the real workflows', async (seed) => {
    await fc.assert(seasonProperty(30), { seed, numRuns: 12, endOnFailure: false });
  });
});
