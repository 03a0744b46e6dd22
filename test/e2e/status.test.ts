// `status` adds the per-debtor shares a `run` stored (migration 021) and plans only the debtors
// whose facts changed since, or every debtor on another day: its figures are always those of a
// plan made now. Needs `npm run build` first.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { CSV_HEADER, cli, ok, workspace, writeCsv } from '../helpers/cli.js';
import { acquireLock } from '../../src/ledger/lock.js';
import { query } from '../helpers/ledger.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const DAY = '2026-10-20';
const status = (dir: string, today = DAY) => ok(cli(dir, ['status', '--json', '--today', today]), 'status').json();
const dryLetters = (dir: string, today = DAY): number =>
  (ok(cli(dir, ['run', '--dry-run', '--json', '--allow-stale', '--today', today]), 'run --dry-run').json().actions as { kind: string }[]).filter((a) => a.kind === 'letter').length;

describe('status from stored shares', () => {
  it('counts what run would do, uses what run stored, and plans again exactly what changed', () => {
    const dir = workspace({ files: ['openstaande-posten-september.csv'] });
    dirs.push(dir);
    ok(cli(dir, ['import', 'openstaande-posten-september.csv', '--today', '2026-09-22']), 'import');
    const debtors = query<{ n: number }>(dir, 'SELECT count(*) AS n FROM debtors')[0]!.n;

    // Nothing stored yet: every debtor planned now, the same letters as the dry run.
    const before = status(dir);
    expect(before.planned_debtors).toEqual({ stored: 0, fresh: expect.any(Number) });
    expect(before.letters_due_today).toBeGreaterThan(0);
    expect(before.letters_due_today).toBe(dryLetters(dir));

    ok(cli(dir, ['run', '--no-mail', '--allow-stale', '--today', DAY]), 'run');
    expect(query<{ n: number }>(dir, 'SELECT count(*) AS n FROM debtor_status WHERE planned_on = ?', DAY)[0]!.n).toBe(debtors);
    const after = status(dir);
    expect(after.planned_debtors).toEqual({ stored: debtors, fresh: 0 });
    expect(after.letters_due_today).toBe(0);
    expect(dryLetters(dir)).toBe(0);
    expect(after.open_cents).toBe(before.open_cents);

    // A hold changes one debtor's facts: that debtor alone is planned again, and the hold shows.
    const debtor = query<{ number: string }>(dir, "SELECT debtor_number AS number FROM invoices WHERE status = 'open' ORDER BY debtor_number LIMIT 1")[0]!.number;
    ok(cli(dir, ['hold', debtor, '--reason', 'belt terug', '--today', DAY]), 'hold');
    const held = status(dir);
    expect(held.planned_debtors).toEqual({ stored: debtors - 1, fresh: 1 });
    expect(held.held_cents).toBeGreaterThan(0);
    expect(held.on_hold).toBe(1);

    // Another day: nothing stored is valid; everything is planned for that day.
    const next = status(dir, '2026-11-30');
    expect(next.planned_debtors.stored).toBe(0);
    expect(next.letters_due_today).toBe(dryLetters(dir, '2026-11-30'));
  });
});

describe('status on a big book stores what it planned, unless another command writes', () => {
  it('plans 1,200 debtors once, reads them the second time, and only reads while the lock is held', () => {
    const dir = workspace();
    dirs.push(dir);
    const n = 1_200;
    const rows = Array.from({ length: n }, (_, i) => {
      const d = String(i + 1).padStart(5, '0');
      return `2026-${d};D${d};Klant ${d};particulier;klant${d}@example.nl;Dorpsstraat ${1 + (i % 90)};3811 AB;Amersfoort;01-08-2026;${i % 2 ? '15' : '31'}-08-2026;${100 + i},00;${100 + i},00`;
    });
    writeCsv(dir, 'groot.csv', [CSV_HEADER, ...rows]);
    ok(cli(dir, ['import', 'groot.csv', '--today', '2026-09-22']), 'import');
    const stored = (day: string) => query<{ n: number }>(dir, 'SELECT count(*) AS n FROM debtor_status WHERE planned_on = ?', day)[0]!.n;

    const first = status(dir, '2026-09-23');
    expect(first.planned_debtors).toEqual({ stored: 0, fresh: n });
    expect(stored('2026-09-23')).toBe(n);
    const second = status(dir, '2026-09-23');
    expect(second.planned_debtors).toEqual({ stored: n, fresh: 0 });
    expect({ ...second, planned_debtors: null }).toEqual({ ...first, planned_debtors: null });
    expect(second.letters_due_today).toBe(dryLetters(dir, '2026-09-23'));

    // Another command holds the write lock: status neither waits nor writes, and is still right.
    const lock = acquireLock(path.join(dir, 'pre-incasso.db'), 'test holding the lock', 0);
    try {
      const started = Date.now();
      const locked = status(dir, '2026-09-24');
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(locked.planned_debtors).toEqual({ stored: 0, fresh: n });
      expect(stored('2026-09-24')).toBe(0);
      expect(stored('2026-09-23')).toBe(n);
      expect(locked.letters_due_today).toBe(dryLetters(dir, '2026-09-24'));
    } finally {
      lock.release();
    }
    expect(status(dir, '2026-09-24').planned_debtors).toEqual({ stored: 0, fresh: n });
    expect(status(dir, '2026-09-24').planned_debtors).toEqual({ stored: n, fresh: 0 });
  });
});
