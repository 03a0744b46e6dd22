// Issue 11, defect 6: an invented debtor key (rows without a number) can never equal a real
// number, and one debtor number with two names or two e-mail addresses in a file is an error
// that names both lines.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CSV_HEADER, cli, workspace, writeCsv } from '../helpers/cli.js';

const TODAY = '2026-09-22';
const row = (invoice: string, debtor: string, name: string, email = ''): string =>
  `${invoice};${debtor};${name};particulier;${email};Straat 1;1011 AA;Amsterdam;16-08-2026;15-09-2026;100,00;100,00`;

function debtors(dir: string): string[] {
  const db = new Database(path.join(dir, 'pre-incasso.db'), { readonly: true });
  try {
    return db.prepare('SELECT number FROM debtors ORDER BY number').pluck().all() as string[];
  } finally {
    db.close();
  }
}

describe('debtor keys', () => {
  it('a real debtor number in the name: namespace is refused, so it cannot merge with a debtor known by name', () => {
    const dir = workspace();
    writeCsv(dir, 'a.csv', [CSV_HEADER, row('F-1', '', 'Jan Jansen', 'jan@example.nl'), row('F-2', 'name:jan jansen', 'Mallory', 'mallory@example.nl')]);
    const r = cli(dir, ['import', 'a.csv', '--today', TODAY]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('a.csv:3:2: Debiteurnummer "name:jan jansen" starts with "name:", which pre-incasso keeps for debtors without a number');
    const skipped = cli(dir, ['import', 'a.csv', '--skip-invalid', '--today', TODAY]);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(debtors(dir)).toEqual(['name:jan jansen']);
  });

  it('two names for one debtor number: an error naming both lines', () => {
    const dir = workspace();
    writeCsv(dir, 'b.csv', [CSV_HEADER, row('F-1', '10001', 'Jan Jansen'), row('F-2', '10001', '  jan   JANSEN '), row('F-3', '10001', 'Piet Pietersen')]);
    const r = cli(dir, ['import', 'b.csv', '--today', TODAY]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('error: b.csv:4: debtor 10001 has the name "Piet Pietersen" on line 4 but another name on line 2: one debtor number for two debtors?');
    expect(r.stderr).not.toMatch(/b\.csv:3:/);
  });

  it('two e-mail addresses for one debtor number: an error naming both lines', () => {
    const dir = workspace();
    writeCsv(dir, 'c.csv', [CSV_HEADER, row('F-1', '10001', 'Jan Jansen', 'jan@example.nl'), row('F-2', '10001', 'Jan Jansen', 'JAN@example.nl'), row('F-3', '10001', 'Jan Jansen', 'mallory@example.nl')]);
    const r = cli(dir, ['import', 'c.csv', '--today', TODAY]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('debtor 10001 has the e-mail address "mallory@example.nl" on line 4 but another e-mail address on line 2');
  });
});
