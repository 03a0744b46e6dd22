// The legal calculators answer the brief's vectors from the command line (no config needed).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pre-incasso-calc-'));

describe('calc', () => {
  it.each([
    [['266,70'], 4001],
    [['1.234,57'], 18519],
    [['1234.57'], 18519],
    [['12.345,67'], 89846],
    [['100', '150', '200'], 6750],
    [['2000000'], 677500],
  ])('costs %j → %i cents', (amounts, costs) => {
    const r = cli(dir, ['calc', 'costs', ...amounts, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().costs_cents).toBe(costs);
  });

  it('costs with the art. 2(3) VAT uplift', () => {
    expect(cli(dir, ['calc', 'costs', '1234,57', '--vat', '--json']).json().costs_cents).toBe(22408);
  });

  it('interest I1 (business) and I3 (consumer) of the brief', () => {
    const i1 = cli(dir, ['calc', 'interest', '10000', '--due', '2025-03-31', '--until', '2025-09-30', '--type', 'business', '--json']).json();
    expect(i1.interest_cents).toBe(53382);
    expect(i1.periods.map((p: { from: string; days: number; rate: string }) => [p.from, p.days, p.rate])).toEqual([
      ['2025-04-01', 91, '11.15'],
      ['2025-07-01', 92, '10.15'],
    ]);
    const i3 = cli(dir, ['calc', 'interest', '1.000,00', '--due', '2022-11-30', '--until', '2023-08-31', '--type', 'consumer', '--json']).json();
    expect(i3.interest_cents).toBe(3173);
  });

  it.each([
    ['2025-01-09', 'post', '2025-01-11', '2025-01-27', '2025-01-28'],
    ['2025-01-10', 'post', '2025-01-14', '2025-01-28', '2025-01-29'],
    ['2025-04-17', 'post', '2025-04-22', '2025-05-06', '2025-05-07'],
    ['2025-12-23', 'post', '2025-12-27', '2026-01-12', '2026-01-13'],
    ['2026-05-13', 'post', '2026-05-16', '2026-06-01', '2026-06-02'],
  ])('term: sent %s by %s → delivered %s, ends %s, costs from %s', (sent, channel, delivered, end, from) => {
    const r = cli(dir, ['calc', 'term', sent, '--channel', channel, '--json']);
    expect(r.json()).toMatchObject({ sent, channel, delivered, term_end: end, costs_from: from });
  });

  it('human output in Dutch notation', () => {
    const r = cli(dir, ['calc', 'costs', '100', '150', '200']);
    expect(r.stdout).toContain('principal € 450,00 (3 invoices, summed: 6:96 lid 7 BW)');
    expect(r.stdout).toContain('collection costs € 67,50');
  });

  it('a bad amount or date is a usage error with the JSON error document', () => {
    const bad = cli(dir, ['calc', 'costs', 'twaalf', '--json']);
    expect(bad.code).toBe(2);
    expect(bad.json().error.code).toBe('usage');
    expect(cli(dir, ['calc', 'term', '31-02-2026']).code).toBe(2);
    expect(cli(dir, ['calc', 'interest', '100', '--due', '2025-01-01', '--until', '2024-01-01']).code).toBe(2);
  });
});
