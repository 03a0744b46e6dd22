// `npm run soak`: thousands of random seasons of the whole book (test/model/book.ts). Prints the
// count, the time, and on a failure the seed and the shrunk scenario (fast-check's report).
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { seasonProperty, stats } from './book.js';

const runs = Number(process.env.SOAK_RUNS ?? 2000);
const seed = process.env.SOAK_SEED === undefined ? Date.now() % 2_147_483_647 : Number(process.env.SOAK_SEED);

describe('soak', () => {
  it(`${runs} seasons`, async () => {
    const started = Date.now();
    console.log(`soak: ${runs} seasons, seed ${seed}`);
    await fc.assert(seasonProperty(40), { seed, numRuns: runs });
    if (process.env.BOOK_STATS) console.log(`soak: ${JSON.stringify(stats)}`);
    console.log(`soak: ${runs} seasons, 0 violations, ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${seed})`);
  });
});
