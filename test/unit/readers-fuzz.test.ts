// Issue 11: any bytes given to a reader give entries/rows or issues: never a crash, a hang or
// memory beyond a bound. fast-check feeds the CAMT and MT940 readers and the invoice CSV and
// UBL readers (through their public functions) random bytes, and real sample files with random
// damage (bytes inserted, ranges cut out, the end cut off), which reach much deeper than noise.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseCamt } from '../../src/importers/camt.js';
import { parse as parseMt940 } from '../../src/importers/mt940.js';
import { readInvoiceCsv } from '../../src/importers/invoice-csv.js';
import { readUblInvoice } from '../../src/importers/ubl.js';
import { FIXTURES } from '../helpers/cli.js';

const PER_CALL_MS = 2_000;
const RSS_GROWTH_LIMIT = 300 * 1024 * 1024;
let work: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-fuzz-'));
});
afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

const fixture = (dir: string, name: string): Uint8Array => new Uint8Array(fs.readFileSync(path.join(FIXTURES, dir, name)));

/** A sample file with random damage: bytes put in, ranges cut out, the end cut off. */
function damaged(samples: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 40 }) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), length: fc.nat({ max: 200 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('text' as const), at: fc.nat(), text: fc.constantFrom('<', '>', '&', '&amp;', '<!DOCTYPE x [<!ENTITY a "aaaa">]>', '&a;', ':61:', ':62F:', ':20:', '-}', '{4:', '\r', '\n', '"', ';', '\u0000', '\uFFFD', 'Ntry', '</Stmt>', '<Amt Ccy="EUR">', '9'.repeat(40)) }),
  );
  return fc.tuple(fc.constantFrom(...samples), fc.array(edit, { minLength: 1, maxLength: 6 })).map(([sample, edits]) => {
    let b = Buffer.from(sample);
    for (const e of edits) {
      const at = b.length === 0 ? 0 : e.at % (b.length + 1);
      if (e.kind === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from(e.bytes), b.subarray(at)]);
      else if (e.kind === 'cut') b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + e.length))]);
      else if (e.kind === 'truncate') b = b.subarray(0, at);
      else b = Buffer.concat([b.subarray(0, at), Buffer.from(e.text, 'utf8'), b.subarray(at)]);
    }
    return new Uint8Array(b);
  });
}

function bounded<T>(run: () => T): T {
  const rss = process.memoryUsage().rss;
  const started = performance.now();
  const result = run();
  expect(performance.now() - started).toBeLessThan(PER_CALL_MS);
  expect(process.memoryUsage().rss - rss).toBeLessThan(RSS_GROWTH_LIMIT);
  return result;
}

async function boundedAsync<T>(run: () => Promise<T>): Promise<T> {
  const rss = process.memoryUsage().rss;
  const started = performance.now();
  const result = await run();
  expect(performance.now() - started).toBeLessThan(PER_CALL_MS);
  expect(process.memoryUsage().rss - rss).toBeLessThan(RSS_GROWTH_LIMIT);
  return result;
}

function checkBankResult(r: ReturnType<typeof parseCamt>): void {
  expect(Array.isArray(r.entries)).toBe(true);
  expect(Array.isArray(r.issues)).toBe(true);
  for (const e of r.entries) {
    expect(Number.isSafeInteger(e.amountCents)).toBe(true);
    expect(e.bookingDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(typeof e.sourceKey).toBe('string');
  }
  for (const i of r.issues) expect(typeof i.message).toBe('string');
}

const camtSamples = fs.readdirSync(path.join(FIXTURES, 'camt053')).filter((f) => f.endsWith('.xml')).map((f) => fixture('camt053', f));
const mt940Samples = fs.readdirSync(path.join(FIXTURES, 'mt940')).filter((f) => f.endsWith('.txt')).map((f) => fixture('mt940', f));
const csvSamples = fs.readdirSync(path.join(FIXTURES, 'csv')).filter((f) => /\.(csv|tsv)$/.test(f)).map((f) => fixture('csv', f));
const ublSamples = ['base-example.xml', 'SI-UBL-2.0_ok_minimal.xml', 'base-creditnote-correction.xml'].map((f) => fixture('ubl', f));

describe('bank statement readers: any bytes give entries or issues', () => {
  it('CAMT: random bytes and damaged samples', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 2048 }), damaged(camtSamples)), (bytes) => {
        checkBankResult(bounded(() => parseCamt(bytes, 'fuzz.xml')));
      }),
      { numRuns: 250 },
    );
  });

  it('MT940: random bytes and damaged samples', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 2048 }), damaged(mt940Samples)), (bytes) => {
        checkBankResult(bounded(() => parseMt940(bytes, 'fuzz.txt')));
      }),
      { numRuns: 400 },
    );
  });
});

describe('invoice readers (through their public functions): any bytes give rows or issues', () => {
  let n = 0;
  const write = (bytes: Uint8Array, ext: string): string => {
    const file = path.join(work, `f${++n}.${ext}`);
    fs.writeFileSync(file, bytes);
    return file;
  };
  const options = { paymentTermDays: 30, defaultDebtorType: 'consumer' as const, defaultLanguage: 'nl' as const };

  it('CSV: random bytes and damaged samples', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 2048 }), damaged(csvSamples)), async (bytes) => {
        const file = write(bytes, 'csv');
        await boundedAsync(async () => {
          const reader = readInvoiceCsv(file, { displayName: 'fuzz.csv', ...options });
          let rows = 0;
          let step = await reader.next();
          while (!step.done) {
            rows++;
            expect(typeof step.value.invoiceNumber).toBe('string');
            step = await reader.next();
          }
          expect(Array.isArray(step.value.issues)).toBe(true);
          return rows;
        });
        fs.rmSync(file);
      }),
      { numRuns: 150 },
    );
  });

  it('UBL: random bytes and damaged samples', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 2048 }), damaged(ublSamples)), async (bytes) => {
        const file = write(bytes, 'xml');
        const r = await boundedAsync(() => readUblInvoice(file, { displayName: 'fuzz.xml', ...options }));
        expect(r.row !== null || r.issues.length > 0).toBe(true);
        fs.rmSync(file);
      }),
      { numRuns: 150 },
    );
  });
});
