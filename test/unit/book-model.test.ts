// The whole book, model-based (issue 10, item 7): a handful of fixed seeds in `npm test`. The
// thousands of seasons run with `npm run soak` (test/model/book.soak.ts).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { seasonProperty } from '../model/book.js';
import { reportStats } from '../model/report-check.js';

describe('the book over random seasons keeps its invariants', () => {
  it.each([20261126, 42, 7, 1_000_003])('seed %i: 12 seasons against the real workflows', async (seed) => {
    await fc.assert(seasonProperty(30), { seed, numRuns: 12, endOnFailure: false });
  });

  it("the report's book was compared both ways, with credit notes set off", () => {
    // Run after the seeds above (same file, in order): a comparison that never met a credit note
    // proves little. (Handed-over claims are compared in test/e2e/report.test.ts.)
    expect(reportStats.fromShares).toBeGreaterThan(100);
    expect(reportStats.withCorrections).toBeGreaterThan(0);
  });
});
