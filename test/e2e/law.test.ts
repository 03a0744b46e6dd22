// Issue 17 end to end: a user adds a statutory rate row without rebuilding (law.ratesFile), a bad
// row stops every command with exit 3 naming file and row, `calc rates` lists sources and verify
// flags, and a configured term that contradicts the stage spacing is a config error.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, removedAfterAll, workspace } from '../helpers/cli.js';

const dirs = removedAfterAll();
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

describe('AVG: debtor export and purge', () => {
  const HEADER = 'Factuurnummer;Debiteurnummer;Naam;Soort;E-mail;Adres;Postcode;Plaats;Factuurdatum;Vervaldatum;Bedrag;Openstaand';
  const ROW_A = 'F-1;C001;Anna de Boer;particulier;anna@example.nl;Lindelaan 4;3818 LK;Amersfoort;16-08-2026;15-09-2026;121,00;121,00';
  const ROW_B = 'F-2;C002;Bert Bos;particulier;bert@example.nl;Kerkstraat 1;3811 CV;Amersfoort;16-08-2026;15-09-2026;99,00;99,00';

  it('exports everything on one person (0600, never over a file), purges closed dossiers after retention, the log stays append-only', async () => {
    const Database = (await import('better-sqlite3')).default;
    const dir = ws();
    const run = (args: string[]) => {
      const r = cli(dir, args);
      if (r.code !== 0) throw new Error(`${args.join(' ')} exited ${r.code}: ${r.stderr}`);
      return r;
    };
    fs.writeFileSync(path.join(dir, 'open.csv'), `${HEADER}\n${ROW_A}\n${ROW_B}\n`);
    run(['import', 'open.csv', '--today', '2026-09-22']);
    run(['run', '--no-mail', '--today', '2026-09-22']);
    run(['hold', 'C001', '--reason', 'belt: ziek, betaalt volgende maand', '--today', '2026-09-23']);
    fs.writeFileSync(path.join(dir, 'later.csv'), `${HEADER}\n${ROW_B}\n`);
    run(['import', 'later.csv', '--snapshot', '--today', '2026-10-01']);

    const out = run(['debtor', 'export', 'C001', '--out', 'c001.json', '--json', '--today', '2026-10-02']).json();
    expect(out.counts).toMatchObject({ invoices: 1, letters: 1, holds: 1 });
    const file = path.join(dir, 'c001.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('Anna de Boer');
    expect(text).toContain('belt: ziek');
    expect(text).not.toContain('Bert Bos');
    expect(cli(dir, ['debtor', 'export', 'C001', '--out', 'c001.json', '--today', '2026-10-02']).code).toBe(2);

    const early = cli(dir, ['purge', '--before', '2027-01-01', '--today', '2030-01-01']);
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(/retention period of 7 years/);
    const purged = run(['purge', '--before', '2027-01-01', '--today', '2034-01-02', '--json']).json();
    expect(purged.dossiers.map((d: any) => d.debtor)).toEqual(['C001']);

    const db = new Database(path.join(dir, 'pre-incasso.db'));
    try {
      expect(db.prepare("SELECT name, email, street FROM debtors WHERE number = 'C001'").get()).toEqual({ name: '[verwijderd]', email: null, street: null });
      expect(db.prepare("SELECT name FROM debtors WHERE number = 'C002'").get()).toEqual({ name: 'Bert Bos' });
      const dump = JSON.stringify(db.prepare("SELECT * FROM events WHERE debtor_number = 'C001'").all()) + JSON.stringify(db.prepare('SELECT data, reason FROM letters, holds').all());
      expect(dump).not.toMatch(/Anna|Lindelaan|ziek/);
      // Amounts and hashes stay; the tombstones name the hash of what was removed.
      expect(db.prepare("SELECT amount_cents FROM invoices WHERE number = 'F-1'").get()).toEqual({ amount_cents: 12100 });
      const tomb = db.prepare("SELECT data FROM events WHERE debtor_number = 'C001' AND kind <> 'dossier_purged' LIMIT 1").get() as { data: string };
      expect(JSON.parse(tomb.data)).toEqual({ redacted: '2034-01-02', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
      // Append-only still: no second redaction, no other update, no delete.
      expect(() => db.prepare("UPDATE events SET data = '{\"redacted\":\"2034-01-03\",\"sha256\":\"" + 'a'.repeat(64) + "\"}' WHERE debtor_number = 'C001'").run()).toThrow(/append-only/);
      expect(() => db.prepare("UPDATE events SET kind = 'x' WHERE debtor_number = 'C002'").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM events').run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
    expect(cli(dir, ['doctor', '--no-smtp', '--today', '2034-01-02']).stdout).toMatch(/ok\s+ledger integrity: ok/);
  });
});

describe('per-invoice import columns term_is_fatal and consumer_claim', () => {
  const HEADER = 'Factuurnummer;Debiteurnummer;Naam;Soort;E-mail;Adres;Postcode;Plaats;Factuurdatum;Vervaldatum;Bedrag;Openstaand;Fatale_termijn;Soort_vordering';
  it('a fatal term skips the ingebrekestelling; services limit after five years, so the old claim still gets its letter', async () => {
    const Database = (await import('better-sqlite3')).default;
    const dir = ws();
    fs.writeFileSync(path.join(dir, 'open.csv'), [
      HEADER,
      'F-1;C001;Anna de Boer;particulier;anna@example.nl;Lindelaan 4;3818 LK;Amersfoort;01-01-2024;15-01-2024;300,00;300,00;ja;diensten',
      'F-2;C002;Bert Bos;particulier;bert@example.nl;Kerkstraat 1;3811 CV;Amersfoort;16-08-2026;15-09-2026;99,00;99,00;nee;',
    ].join('\n') + '\n');
    for (const d of ['2026-09-22', '2026-10-06', '2026-10-20']) {
      const imp = cli(dir, ['import', 'open.csv', '--today', d]);
      expect(imp.code, imp.stderr).toBe(0);
      const run = cli(dir, ['run', '--no-mail', '--today', d]);
      expect(run.code, run.stderr).toBe(0);
    }
    const db = new Database(path.join(dir, 'pre-incasso.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT * FROM invoice_terms ORDER BY invoice_number').all()).toEqual([
        { invoice_number: 'F-1', term_is_fatal: 1, consumer_claim: 'services' },
        { invoice_number: 'F-2', term_is_fatal: 0, consumer_claim: null },
      ]);
      const letters = db.prepare("SELECT debtor_number, stage_id, json_extract(data, '$.ingebrekestelling') AS ig FROM letters ORDER BY debtor_number, id").all();
      expect(letters).toEqual([
        { debtor_number: 'C001', stage_id: 'herinnering', ig: null },
        { debtor_number: 'C001', stage_id: 'aanmaning', ig: null },
        { debtor_number: 'C001', stage_id: 'laatste-herinnering', ig: null },
        { debtor_number: 'C002', stage_id: 'herinnering', ig: null },
        { debtor_number: 'C002', stage_id: 'aanmaning', ig: 1 },
        { debtor_number: 'C002', stage_id: 'laatste-herinnering', ig: null },
      ]);
    } finally {
      db.close();
    }
  });

  it('a value that is not ja/nee is refused with line and column', () => {
    const dir = ws();
    fs.writeFileSync(path.join(dir, 'bad.csv'), `${HEADER}\nF-1;C001;Anna;particulier;;;;;01-01-2026;15-01-2026;10,00;10,00;misschien;\n`);
    const r = cli(dir, ['import', 'bad.csv', '--today', '2026-02-01']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/bad\.csv:2:13.*"misschien" is not ja\/nee/);
  });
});
