// Issue 17 end to end: a user adds a statutory rate row without rebuilding (law.ratesFile), a bad
// row stops every command with exit 3 naming file and row, `calc rates` lists sources and verify
// flags, and a configured term that contradicts the stage spacing is a config error.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, workspace } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
function ws(config?: (c: any) => any): string {
  const dir = workspace(config ? { config } : {});
  dirs.push(dir);
  return dir;
}
const NEXT_ROW = { from: '2027-01-01', consumer: '4', business: '10.65', source: 'Staatscourant 2026, 99999 (checked by us)', verify: false };

describe('law as data', () => {
  it('calc rates lists the shipped table with sources and verify flags, the 2026-07-01 row flagged', () => {
    const dir = ws();
    const r = cli(dir, ['calc', 'rates', '--json', '--today', '2026-11-26']);
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json();
    const row = doc.rows.find((x: any) => x.from === '2026-07-01');
    expect(row).toMatchObject({ consumer_percent: '4', business_percent: '10.40', verify: { consumer: true, business: true }, origin: 'shipped', in_force_today: true });
    expect(row.source).toMatch(/ECB/);
    expect(doc.known_until).toBe('2027-01-01');
    expect(doc.warnings).toEqual([]);
    const human = cli(dir, ['calc', 'rates', '--since', '2026-01-01', '--today', '2026-11-26']);
    expect(human.stdout).toMatch(/2026-07-01 \*\s+4%\s+10\.40%\s+both\s+shipped/);
  });

  it('warns when the table does not cover today, in calc rates, calc interest and doctor', () => {
    const dir = ws();
    const rates = cli(dir, ['calc', 'rates', '--today', '2027-02-01']);
    expect(rates.code).toBe(0);
    expect(rates.stderr).toMatch(/rates may have changed on 2027-01-01.*law\.ratesFile/s);
    const interest = cli(dir, ['calc', 'interest', '1000', '--due', '2026-01-31', '--until', '2026-03-31', '--today', '2027-02-01']);
    expect(interest.stderr).toMatch(/rates may have changed on 2027-01-01/);
    const doctor = cli(dir, ['doctor', '--no-smtp', '--today', '2027-02-01']);
    expect(doctor.stderr).toMatch(/rates may have changed on 2027-01-01/);
  });

  it('a user rates file adds the next half-year without rebuilding: interest uses it, the warning goes', () => {
    const dir = ws((c) => ({ ...c, law: { ratesFile: 'my-rates.json' } }));
    fs.writeFileSync(path.join(dir, 'my-rates.json'), JSON.stringify({ rows: [NEXT_ROW] }));
    const r = cli(dir, ['calc', 'interest', '10000', '--type', 'business', '--due', '2026-12-31', '--until', '2027-01-31', '--today', '2027-02-01', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json();
    expect(doc.periods).toEqual([{ from: '2027-01-01', to: '2027-01-31', days: 31, rate: '10.65', base_cents: 1_000_000, interest_cents: 9045 }]);
    expect(doc.warnings).toEqual([]);
    const rates = cli(dir, ['calc', 'rates', '--json', '--today', '2027-02-01']).json();
    expect(rates.rows.at(-1)).toMatchObject({ from: '2027-01-01', origin: 'user', source: NEXT_ROW.source, in_force_today: true });
    expect(rates.files.user).toBe(path.join(fs.realpathSync(dir), 'my-rates.json'));
  });

  it('a bad row in the user file: exit 3 naming the file and the row, for every command', () => {
    const dir = ws((c) => ({ ...c, law: { ratesFile: 'my-rates.json' } }));
    fs.writeFileSync(path.join(dir, 'my-rates.json'), JSON.stringify({ rows: [NEXT_ROW, { ...NEXT_ROW, from: '2027-07-01', business: '10,90' }] }));
    for (const args of [['calc', 'rates'], ['doctor', '--no-smtp'], ['status']]) {
      const r = cli(dir, [...args, '--today', '2027-02-01']);
      expect(r.code, args.join(' ')).toBe(3);
      expect(r.stderr).toContain('my-rates.json: row 2 ("business"): expected a percentage');
    }
  });

  it('a configured term that cannot end before the next stage: exit 3 with the fix', () => {
    const dir = ws((c) => ({ ...c, stages: c.stages.map((s: any, i: number) => (i === 0 ? { ...s, termDays: 14 } : s)) }));
    const r = cli(dir, ['run', '--dry-run', '--today', '2026-11-26', '--allow-stale']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/stages\[0\]\.termDays is 14.*raise stages\[1\]\.after to at least \d+/);
  });
});
