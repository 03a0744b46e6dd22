// The verdicts of `npm run bench` (test/bench/format.js): its exit code rests on these.
import { describe, expect, it } from 'vitest';
import { exitCode, formatTarget, formatValue, median, meets, rowLine, summarise, summaryTable, type Row, type Target, type Unit } from '../bench/format.js';

const atMost = (value: number, unit: Unit): Target => ({ op: '<=', value, unit });

describe('median', () => {
  it.each([
    [[3], 3],
    [[5, 1, 3], 3],
    [[4, 1, 3, 2], 2.5],
    [[2, 2, 9], 2],
  ])('of %j is %d', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it('refuses no values', () => {
    expect(() => median([])).toThrow(/no values/);
  });
});

describe('meets', () => {
  it.each([
    [3, atMost(3, '×'), true],
    [3.0001, atMost(3, '×'), false],
    [1, { op: '<', value: 1, unit: '×' } as Target, false],
    [0.99, { op: '<', value: 1, unit: '×' } as Target, true],
    [150, { op: '>=', value: 150, unit: '/s' } as Target, true],
    [149.9, { op: '>=', value: 150, unit: '/s' } as Target, false],
    [Number.NaN, atMost(300, 'MB'), false],
    [Number.POSITIVE_INFINITY, { op: '>=', value: 150, unit: '/s' } as Target, false],
  ])('%d against %j is %s', (value, target, expected) => {
    expect(meets(value, target)).toBe(expected);
  });
});

describe('formatValue and formatTarget', () => {
  it.each([
    [0.4123, 's', '412 ms'],
    [3.214, 's', '3.21 s'],
    [24.83, 's', '24.8 s'],
    [245.4, 'MB', '245 MB'],
    [8.64, 'MB', '8.6 MB'],
    [3.0749, '×', '3.07×'],
    [162.4, '/s', '162/s'],
    [7.25, '/s', '7.3/s'],
  ] as const)('%d %s is %s', (value, unit, text) => {
    expect(formatValue(value, unit)).toBe(text);
  });

  it.each([
    [atMost(3, '×'), '≤ 3×'],
    [{ op: '<', value: 1, unit: '×' } as Target, '< 1×'],
    [{ op: '>=', value: 150, unit: '/s' } as Target, '≥ 150/s'],
    [atMost(300, 'MB'), '≤ 300 MB'],
    [atMost(2, 's'), '≤ 2 s'],
  ])('%j is %s', (target, text) => {
    expect(formatTarget(target)).toBe(text);
  });
});

describe('summarise', () => {
  it('judges a ratio row on the median of its paired ratios, not the ratio of the medians', () => {
    // Ratios 2, 4 and 1.5: median 2. The medians of the figures (4 / 1.5) would give 2.67.
    const row: Row = { label: 'x', target: atMost(2.5, '×'), pairs: [{ figure: 4, baseline: 2 }, { figure: 6, baseline: 1.5 }, { figure: 1.5, baseline: 1 }] };
    expect(summarise(row)).toEqual({ ok: true, median: 2, min: 1.5, figure: 4, baseline: 1.5, rounds: 3 });
  });

  it('judges a value row on its median, whichever way the target points', () => {
    expect(summarise({ label: 'rate', target: { op: '>=', value: 150, unit: '/s' }, values: [140, 160, 155] })).toMatchObject({ ok: true, median: 155, min: 140 });
    expect(summarise({ label: 'rss', target: atMost(300, 'MB'), values: [290, 310, 320] })).toMatchObject({ ok: false, median: 310 });
  });

  it.each([
    [{ label: 'failed', target: atMost(1, 's'), error: 'exited 5' }, 'exited 5'],
    [{ label: 'empty', target: atMost(1, '×'), pairs: [] }, 'no rounds measured'],
    [{ label: 'empty', target: atMost(1, 's'), values: [] }, 'no rounds measured'],
  ] as [Row, string][])('a row without measurements never passes (%s)', (row, error) => {
    expect(summarise(row)).toEqual({ ok: false, error });
  });
});

describe('rowLine, summaryTable and exitCode', () => {
  const ratio: Row = { label: 'import / sqlite3 .import', target: atMost(3, '×'), pairs: [{ figure: 9, baseline: 3 }, { figure: 10, baseline: 3 }, { figure: 8, baseline: 4 }] };
  const growth: Row = { label: 'growth / ZIP', unit: 'MB', target: atMost(1, '×'), pairs: [{ figure: 8.5, baseline: 8.6 }] };
  const rss: Row = { label: 'peak RSS', target: atMost(300, 'MB'), values: [245, 250, 240] };

  it('prints figure / baseline = ratio (target) with min and median, and the verdict', () => {
    expect(rowLine(ratio, 30)).toBe('import / sqlite3 .import       9.00 s / 3.00 s = 3.00× (≤ 3×)   min 2.00× · median 3.00× over 3   ok');
    expect(rowLine(growth, 14)).toBe('growth / ZIP   8.5 MB / 8.6 MB = 0.99× (≤ 1×)   min 0.99× · median 0.99× over 1   ok');
    expect(rowLine({ ...rss, values: [301, 302, 290] }, 10)).toBe('peak RSS   301 MB (≤ 300 MB)   min 290 MB · median 301 MB over 3   MISS');
    expect(rowLine({ label: 'export', target: atMost(2, '×'), error: 'exited 4' }, 8)).toBe('export   ERROR: exited 4');
  });

  it('closes with a table of every row and how many met their target', () => {
    const rate: Row = { label: 'letters', target: { op: '>=', value: 150, unit: '/s' }, values: [70, 66, 68] };
    expect(summaryTable([ratio, rss, rate]).split('\n')).toEqual([
      'row                       median     min    target  result',
      '------------------------  ------  ------  --------  ------',
      'import / sqlite3 .import   3.00×   2.00×      ≤ 3×  ok',
      'peak RSS                  245 MB  240 MB  ≤ 300 MB  ok',
      'letters                     68/s    66/s   ≥ 150/s  MISS',
      '',
      '2 of 3 rows meet their target',
    ]);
    expect(summaryTable([{ label: 'mail: the job failed', error: 'exited 6' }]).split('\n')[2]).toBe('mail: the job failed       –    –       –  ERROR');
  });

  it.each([
    [[ratio, rss], 0],
    [[ratio, { ...rss, values: [400, 410, 420] }], 1],
    [[ratio, { label: 'mail', target: atMost(1.5, '×'), error: 'SMTP refused' }], 1],
    [[], 1],
  ] as [Row[], number][])('exits %#: %j', (rows, code) => {
    expect(exitCode(rows)).toBe(code);
  });
});
