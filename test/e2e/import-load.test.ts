// The import's load path on real files (issue 16): a first load rebuilds the invoice indexes and
// checks the foreign keys before COMMIT; a bad row far into the file (batches after the first
// were already written) leaves nothing; a process killed in the middle of the transaction leaves
// the ledger as it was, and the next import works.
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

/** The ledger's invoice count, index names and foreign key problems, read read-write (a hot journal is rolled back first). */
function inspect(dir: string): { invoices: number; indexes: string[]; fkProblems: unknown[]; integrity: string } {
  const db = new Database(path.join(dir, 'pre-incasso.db'));
  try {
    return {
      invoices: (db.prepare('SELECT count(*) AS n FROM invoices').get() as { n: number }).n,
      indexes: (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'invoices' AND sql IS NOT NULL ORDER BY name").all() as { name: string }[]).map((r) => r.name),
      fkProblems: db.prepare('PRAGMA foreign_key_check').all(),
      integrity: db.pragma('integrity_check', { simple: true }) as string,
    };
  } finally {
    db.close();
  }
}

const INDEXES = ['invoices_debtor', 'invoices_handed_over', 'invoices_number_key', 'invoices_open_amount', 'invoices_reference_key'];

describe('import into a ledger without invoices', () => {
  it('loads the rows, builds the indexes again and leaves no foreign key problem; a re-import changes nothing', () => {
    const dir = ws();
    writeCsv(dir, 'export.csv', [CSV_HEADER, ...rows(3000)]);
    const first = ok(cli(dir, ['import', 'export.csv', ...TODAY]));
    expect(first.stdout).toContain('imported: 3000 new, 0 updated, 0 unchanged');
    expect(inspect(dir)).toEqual({ invoices: 3000, indexes: INDEXES, fkProblems: [], integrity: 'ok' });
    const again = ok(cli(dir, ['import', 'export.csv', ...TODAY]));
    expect(again.stdout).toContain('imported: 0 new, 0 updated, 3000 unchanged');
    // A re-import reads the ledger's rows in batches of 2,000: changes on both sides of the
    // boundary and a new invoice at the end are all seen.
    const changed = rows(3000);
    changed[1999] = changed[1999]!.replace(/;([0-9]+),50;([0-9]+),50$/, ';$1,50;1,00');
    changed[2000] = changed[2000]!.replace(/;([0-9]+),50;([0-9]+),50$/, ';$1,50;2,00');
    writeCsv(dir, 'export2.csv', [CSV_HEADER, ...changed, ...rows(1, 3000)]);
    const third = ok(cli(dir, ['import', 'export2.csv', ...TODAY, '--json']));
    expect(JSON.parse(third.stdout)).toMatchObject({ inserted: 1, updated: 2, unchanged: 2998 });
    const db = new Database(path.join(dir, 'pre-incasso.db'), { readonly: true });
    try {
      expect(db.prepare("SELECT number, open_cents FROM invoices WHERE number IN ('F0001999', 'F0002000', 'F0003000') ORDER BY number").all()).toEqual([
        { number: 'F0001999', open_cents: 100 },
        { number: 'F0002000', open_cents: 200 },
        { number: 'F0003000', open_cents: 40050 },
      ]);
    } finally {
      db.close();
    }
  });

  it.each([
    ['a new ledger', false],
    ['a ledger with invoices', true],
  ])('a bad row after 9,000 good ones leaves nothing written (%s)', (_name, existing) => {
    const dir = ws();
    if (existing) {
      writeCsv(dir, 'first.csv', [CSV_HEADER, ...rows(50, 900_000)]);
      ok(cli(dir, ['import', 'first.csv', ...TODAY]));
    }
    const good = rows(10_000);
    good[9000] = good[9000]!.replace(/;[0-9]+,50;/, ';12,3,4;');
    writeCsv(dir, 'export.csv', [CSV_HEADER, ...good]);
    const r = cli(dir, ['import', 'export.csv', ...TODAY]);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain('export.csv:9002:11');
    expect(r.stderr).toContain('nothing was imported');
    expect(inspect(dir)).toEqual({ invoices: existing ? 50 : 0, indexes: INDEXES, fkProblems: [], integrity: 'ok' });
  });

  it('killed in the middle of the transaction: the ledger is as it was, and the import then works', async () => {
    const dir = ws();
    writeCsv(dir, 'export.csv', [CSV_HEADER, ...rows(60_000)]);
    // The ledger exists (migrated) before, so the journal seen below is the import's own.
    openLedger(path.join(dir, 'pre-incasso.db'), { create: true, command: 'test' }).close();
    const run = cliAsync(dir, ['import', 'export.csv', ...TODAY]);
    // The rollback journal exists from the first change of the transaction (the dropped indexes) to COMMIT.
    const journal = path.join(dir, 'pre-incasso.db-journal');
    const started = Date.now();
    let killed = false;
    while (Date.now() - started < 60_000) {
      if (fs.existsSync(journal) && fs.statSync(journal).size > 0) {
        await new Promise((resolve) => setTimeout(resolve, 150));
        run.kill('SIGKILL');
        killed = true;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const result = await run;
    expect(killed, result.stderr).toBe(true);
    expect(result.stdout).not.toContain('imported:');
    expect(inspect(dir)).toEqual({ invoices: 0, indexes: INDEXES, fkProblems: [], integrity: 'ok' });
    const again = ok(cli(dir, ['import', 'export.csv', ...TODAY]));
    expect(again.stdout).toContain('imported: 60000 new');
    expect(inspect(dir)).toEqual({ invoices: 60_000, indexes: INDEXES, fkProblems: [], integrity: 'ok' });
  }, 120_000);
});
