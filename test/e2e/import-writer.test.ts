// The import's writer thread (issue 16): it owns the write transaction while the main thread
// parses. When it fails (an error, or the thread dying) the ledger is exactly as before and the
// command exits with the documented code; a bad row far into a big file writes nothing; the
// process holds the ledger lock for the whole import. Faults are injected with
// PRE_INCASSO_TEST_WRITER_FAULT, which the CLI honours only under vitest.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { CSV_HEADER, cli, cliAsync, ok, workspace, writeCsv } from '../helpers/cli.js';
import { openLedger } from '../../src/ledger/ledger.js';

const TODAY = ['--today', '2026-11-23'];
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
function ws(): string {
  const dir = workspace();
  dirs.push(dir);
  return dir;
}

/** `count` invoice rows of `count / 10` debtors, numbered from `from`. */
function rows(count: number, from = 0): string[] {
  const out: string[] = [];
  for (let i = from; i < from + count; i++) {
    const d = i % Math.max(1, Math.round(count / 10));
    out.push(`F${String(i).padStart(7, '0')};D${d};Klant ${d};particulier;klant${d}@example.nl;Dorpsstraat ${1 + (d % 90)};1234 AB;Utrecht;01-09-2026;15-09-2026;${100 + (i % 900)},50;${100 + (i % 900)},50`);
  }
  return out;
}

/** A ledger with every migration and no invoices. */
function newLedger(dir: string): void {
  openLedger(path.join(dir, 'pre-incasso.db'), { create: true, command: 'test' }).close();
}

function counts(dir: string): { invoices: number; debtors: number; imports: number; events: number; integrity: string } {
  const db = new Database(path.join(dir, 'pre-incasso.db'));
  try {
    const n = (sql: string): number => db.prepare(sql).pluck().get() as number;
    return {
      invoices: n('SELECT count(*) FROM invoices'),
      debtors: n('SELECT count(*) FROM debtors'),
      imports: n('SELECT count(*) FROM imports'),
      events: n('SELECT count(*) FROM events'),
      integrity: db.pragma('integrity_check', { simple: true }) as string,
    };
  } finally {
    db.close();
  }
}

describe('the writer thread fails in the middle of an import', () => {
  it.each([
    ['throws', 'throw:5000', /injected writer fault after 5000 rows/],
    ['dies', 'exit:5000', /writer thread stopped unexpectedly \(exit code 70\); nothing was imported/],
  ])('it %s: exit 1 (internal), the ledger byte for byte as before, and the import then works', (_name, fault, message) => {
    for (const existing of [false, true]) {
      const dir = ws();
      if (existing) {
        writeCsv(dir, 'first.csv', [CSV_HEADER, ...rows(50, 900_000)]);
        ok(cli(dir, ['import', 'first.csv', ...TODAY]));
      } else {
        newLedger(dir);
      }
      const db = path.join(dir, 'pre-incasso.db');
      const before = fs.readFileSync(db);
      writeCsv(dir, 'export.csv', [CSV_HEADER, ...rows(10_000)]);
      const r = cli(dir, ['import', 'export.csv', ...TODAY], { env: { PRE_INCASSO_TEST_WRITER_FAULT: fault } });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).not.toContain('imported:');
      expect(fs.existsSync(`${db}-journal`)).toBe(false);
      expect(fs.readFileSync(db).equals(before), 'the ledger file changed').toBe(true);
      ok(cli(dir, ['import', 'export.csv', ...TODAY]));
      expect(counts(dir)).toMatchObject({ invoices: existing ? 10_050 : 10_000, imports: existing ? 2 : 1, integrity: 'ok' });
    }
  }, 120_000);
});

describe('a big file', () => {
  it('a bad row on line 150,000 writes nothing: no invoice, no debtor, no import, no event', () => {
    const dir = ws();
    newLedger(dir);
    const before = counts(dir);
    const good = rows(160_000);
    good[149_998] = good[149_998]!.replace(/;01-09-2026;/, ';31-02-2026;');
    writeCsv(dir, 'export.csv', [CSV_HEADER, ...good]);
    const r = cli(dir, ['import', 'export.csv', ...TODAY]);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain('export.csv:150000:9');
    expect(r.stderr).toContain('nothing was imported');
    expect(counts(dir)).toEqual(before);
  }, 120_000);

  it('the lock is held for the whole import: a second writer is refused while the writer thread writes', async () => {
    const dir = ws();
    writeCsv(dir, 'export.csv', [CSV_HEADER, ...rows(120_000)]);
    writeCsv(dir, 'other.csv', [CSV_HEADER, ...rows(5, 500_000)]);
    newLedger(dir);
    const run = cliAsync(dir, ['import', 'export.csv', ...TODAY]);
    const journal = path.join(dir, 'pre-incasso.db-journal');
    const started = Date.now();
    while (!fs.existsSync(journal) && Date.now() - started < 60_000) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(fs.existsSync(journal)).toBe(true);
    const second = cli(dir, ['import', 'other.csv', ...TODAY], { env: { PRE_INCASSO_LOCK_WAIT_MS: '0' } });
    expect(second.code, second.stderr).toBe(5);
    expect(second.stderr).toMatch(/lock|in use|busy/i);
    const first = await run;
    expect(first.code, first.stderr).toBe(0);
    expect(counts(dir)).toMatchObject({ invoices: 120_000, imports: 1, integrity: 'ok' });
  }, 120_000);
});
