// The built CLI in a temp dir: init, import, status, and every exit code of SPEC §8.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { BIN, CSV_HEADER, EXAMPLES, baseEnv, cli, cliIntoClosedPipe, workspace, writeCsv } from '../helpers/cli.js';

const sha = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const TODAY = ['--today', '2026-09-22'];

function invoices(dir: string): { number: string; status: string; open_cents: number }[] {
  const db = new Database(path.join(dir, 'pre-incasso.db'), { readonly: true });
  try {
    return db.prepare('SELECT number, status, open_cents FROM invoices ORDER BY number').all() as never;
  } finally {
    db.close();
  }
}

describe('init', () => {
  it('--yes writes a valid config and an empty ledger with mode 0600', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pre-incasso-init-'));
    try {
      const r = cli(dir, ['init', '--yes']);
      expect(r.code, r.stderr).toBe(0);
      const config = JSON.parse(fs.readFileSync(path.join(dir, 'pre-incasso.config.json'), 'utf8'));
      expect(config.$schema).toMatch(/examples\/pre-incasso\.schema\.json$/);
      expect(fs.existsSync(path.resolve(dir, config.$schema))).toBe(true);
      expect(fs.statSync(path.join(dir, 'pre-incasso.db')).mode & 0o777).toBe(0o600);
      expect(cli(dir, ['status', '--json']).json().open_invoices).toBe(0);
      // A second init does not overwrite the user's config.
      const again = cli(dir, ['init', '--yes']);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/--force/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without a terminal and without --yes it asks nothing and exits 2 naming --yes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pre-incasso-init-'));
    try {
      const r = cli(dir, ['init']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--yes/);
      expect(fs.existsSync(path.join(dir, 'pre-incasso.config.json'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('import and status', () => {
  it('imports the example export, and a second import changes nothing', () => {
    const dir = workspace({ files: ['openstaande-posten-september.csv'] });
    const first = cli(dir, ['import', 'openstaande-posten-september.csv', '--json', ...TODAY]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.json()).toMatchObject({ inserted: 9, updated: 0, unchanged: 0, closed: 0, rejected: [] });
    const before = invoices(dir);
    const second = cli(dir, ['import', 'openstaande-posten-september.csv', '--json', ...TODAY]);
    expect(second.json()).toMatchObject({ inserted: 0, updated: 0, unchanged: 9 });
    expect(invoices(dir)).toEqual(before);

    const status = cli(dir, ['status', '--json', ...TODAY]).json();
    // From the debtors' accounts: credit note 2026-0140 is set off against 2026-0102, so 8 claims are open.
    expect(status).toMatchObject({ open_invoices: 8, open_cents: 487941, on_hold: 0, ready_for_handover: 0 });
    expect(status.aging.not_due).toEqual({ invoices: 2, cents: 65840 });
    expect(status.by_stage.none.invoices).toBe(8);
    expect(status.newest_import).toEqual({ date: '2026-09-22', age_days: 0 });
    const human = cli(dir, ['status', ...TODAY]);
    expect(human.stdout).toMatch(/open: 8 invoices, € 4\.879,41/);
    expect(human.stdout).not.toMatch(/\x1b\[/);
  });

  it('--dry-run reports the same counts and leaves the ledger byte-identical', () => {
    const dir = workspace({ files: ['openstaande-posten-september.csv', 'openstaande-posten-oktober.csv'] });
    cli(dir, ['import', 'openstaande-posten-september.csv', ...TODAY]);
    const db = path.join(dir, 'pre-incasso.db');
    const hash = sha(db);
    const dry = cli(dir, ['import', 'openstaande-posten-oktober.csv', '--snapshot', '--dry-run', '--json', ...TODAY]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(sha(db)).toBe(hash);
    const real = cli(dir, ['import', 'openstaande-posten-oktober.csv', '--snapshot', '--json', ...TODAY]);
    const { import_id: _a, dry_run: _b, ...dryDoc } = dry.json();
    const { import_id: _c, dry_run: _d, ...realDoc } = real.json();
    expect(realDoc).toEqual(dryDoc);
    expect(realDoc).toMatchObject({ inserted: 1, updated: 1, closed: 1 });
    expect(invoices(dir).find((i) => i.number === '2026-0107')!.status).toBe('closed');
  });

  it('a snapshot that would close more than half of the open invoices is refused unless --force', () => {
    const dir = workspace();
    writeCsv(dir, 'all.csv', [CSV_HEADER, ...[1, 2, 3, 4].map((n) => `F${n};D${n};Klant ${n};;;;;;01-08-2026;31-08-2026;100,00;100,00`)]);
    writeCsv(dir, 'truncated.csv', [CSV_HEADER, 'F1;D1;Klant 1;;;;;;01-08-2026;31-08-2026;100,00;100,00']);
    expect(cli(dir, ['import', 'all.csv', ...TODAY]).code).toBe(0);
    const refused = cli(dir, ['import', 'truncated.csv', '--snapshot', ...TODAY]);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/close 3 of the 4 open invoices/);
    expect(refused.stderr).toMatch(/--force/);
    expect(invoices(dir).filter((i) => i.status === 'open')).toHaveLength(4);
    const forced = cli(dir, ['import', 'truncated.csv', '--snapshot', '--force', '--json', ...TODAY]);
    expect(forced.json().closed).toBe(3);
  });

  it('a bad file reports every bad line with line and column, and writes nothing', () => {
    const dir = workspace();
    writeCsv(dir, 'bad.csv', [
      CSV_HEADER,
      'F1;D1;Goed;;;;;;01-08-2026;31-08-2026;100,00;100,00',
      'F2;D2;Datum fout;;;;;;01-08-2026;31-13-2026;100,00;100,00',
      'F3;D3;Bedrag fout;;;;;;01-08-2026;31-08-2026;honderd;100,00',
      'F4;D4;Soort fout;vereniging;;;;;01-08-2026;31-08-2026;100,00;100,00',
      'F1;D1;Dubbel;;;;;;01-08-2026;31-08-2026;100,00;100,00',
    ]);
    const r = cli(dir, ['import', 'bad.csv', '--json', ...TODAY]);
    expect(r.code).toBe(4);
    const doc = r.json();
    const where = doc.error.rejected.map((x: { line: number; column: number; code: string }) => [x.line, x.column, x.code]);
    expect(where).toEqual([
      [3, 10, 'bad_date'],
      [4, 11, 'bad_amount'],
      [5, 4, 'unknown_debtor_type'],
      [6, 1, 'duplicate_invoice'],
    ]);
    expect(r.stderr).toMatch(/bad\.csv:3:10/);
    expect(r.stderr).toMatch(/"31-13-2026"/);
    expect(fs.existsSync(path.join(dir, 'pre-incasso.db')) ? invoices(dir) : []).toEqual([]);

    const skip = cli(dir, ['import', 'bad.csv', '--skip-invalid', '--json', ...TODAY]);
    expect(skip.code, skip.stderr).toBe(0);
    expect(skip.json()).toMatchObject({ inserted: 1 });
    expect(skip.json().rejected).toHaveLength(4);
  });

  it('reads a Windows-1252 export from Dutch Excel (€ and accents)', () => {
    const dir = workspace();
    const text = `${CSV_HEADER}\r\nF1;D1;Café Zoë € Co;zakelijk;;;;;01-08-2026;31-08-2026;€ 1.234,56;€ 1.234,56\r\n`;
    fs.writeFileSync(path.join(dir, 'excel.csv'), iconv.encode(text, 'windows-1252'));
    const r = cli(dir, ['import', 'excel.csv', '--json', ...TODAY]);
    expect(r.code, r.stderr).toBe(0);
    const db = new Database(path.join(dir, 'pre-incasso.db'), { readonly: true });
    expect(db.prepare('SELECT name FROM debtors').get()).toEqual({ name: 'Café Zoë € Co' });
    expect(db.prepare('SELECT amount_cents FROM invoices').get()).toEqual({ amount_cents: 123456 });
    db.close();
  });

  it('imports a UBL e-invoice whose seller is the creditor', () => {
    // The sample's seller: its KvK is a placeholder, so the VAT number identifies it.
    const seller = (c: any) => ({ ...c, creditor: { ...c.creditor, name: 'SimplerInvoicing', vatNumber: 'NL1111.11.111.B.01' } });
    const dir = workspace({ config: seller, files: [path.join(EXAMPLES, '..', 'test', 'fixtures', 'ubl', 'SI-UBL-2.0_ok_minimal.xml')] });
    const r = cli(dir, ['import', 'SI-UBL-2.0_ok_minimal.xml', '--json', ...TODAY]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ inserted: 1 });
  });
});

describe('output', () => {
  it('a reader that stops early (| head) ends the command quietly, with no stack trace', () => {
    const dir = workspace({ files: ['openstaande-posten-september.csv'] });
    cli(dir, ['import', 'openstaande-posten-september.csv', ...TODAY]);
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" status --today 2026-09-22 | head -1; echo "status=\${PIPESTATUS:-done}"`], {
      cwd: dir, env: baseEnv(), encoding: 'utf8',
    });
    expect(r.stdout.split('\n')[0]).toBe('Bakkerij De Korenschoof B.V.: the book on 2026-09-22');
    expect(r.stderr).not.toMatch(/EPIPE|    at /);
  });

  it('a reader gone before the first line (stdout a closed pipe, text or JSON): exit 0, nothing on stderr', async () => {
    const dir = workspace({ files: ['openstaande-posten-september.csv'] });
    cli(dir, ['import', 'openstaande-posten-september.csv', ...TODAY]);
    for (const extra of [[], ['--json']]) expect(await cliIntoClosedPipe(dir, ['status', ...TODAY, ...extra])).toEqual({ code: 0, stderr: '' });
  });
});

describe('exit codes (SPEC §8)', () => {
  it('2: unknown option, unknown command, missing argument; --json error document', () => {
    const dir = workspace();
    expect(cli(dir, ['status', '--bogus']).code).toBe(2);
    expect(cli(dir, ['frobnicate']).code).toBe(2);
    expect(cli(dir, ['import']).code).toBe(2);
    const r = cli(dir, ['status', '--bogus', '--json']);
    expect(r.json()).toEqual({ error: { code: 'usage', message: expect.stringMatching(/bogus/), hint: expect.any(String) } });
    expect(cli(dir, ['status', '--today', '2026-02-30']).code).toBe(2);
    expect(cli(dir, ['--help']).code).toBe(0);
  });

  it('3: every config problem at once, with its path', () => {
    const dir = workspace({
      config: (c) => ({
        ...c,
        creditor: { ...c.creditor, iban: 'NL92ABNA0417164300' },
        stages: [{ id: 'a', after: 1.5, channels: ['email'] }, { id: 'a', after: 0, channels: ['fax'], final: true }],
        handover: { after: 14 },
        mail: { ...c.mail, smtp: { ...c.mail.smtp, password: 'geheim' } },
      }),
    });
    const r = cli(dir, ['status', '--json']);
    expect(r.code).toBe(3);
    const problems: string[] = r.json().error.problems;
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^creditor\.iban: not a valid IBAN/),
      expect.stringMatching(/^stages\[0\]\.after: expected a whole number of days/),
      expect.stringMatching(/^stages\[1\]\.after: /),
      expect.stringMatching(/^stages\[1\]\.channels\[0\]: /),
      expect.stringMatching(/^handover\.after: .*at least 15/),
      expect.stringMatching(/^mail\.smtp: the SMTP password never goes in the config/),
    ]));
    expect(r.stdout + r.stderr).not.toMatch(/geheim/);
    expect(cli(dir, ['status', '--config', 'nope.json']).code).toBe(3);
  });

  it('4: input data invalid (missing file)', () => {
    const dir = workspace();
    const r = cli(dir, ['import', 'missing.csv']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/missing\.csv: no such file/);
  });

  it('5: a ledger from a newer version, a corrupt ledger, a locked ledger', async () => {
    const dir = workspace({ files: ['openstaande-posten-september.csv'] });
    cli(dir, ['import', 'openstaande-posten-september.csv', ...TODAY]);
    const file = path.join(dir, 'pre-incasso.db');
    const copy = fs.readFileSync(file);

    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    const newer = cli(dir, ['status']);
    expect(newer.code).toBe(5);
    expect(newer.stderr).toMatch(/schema version 99/);

    fs.writeFileSync(file, Buffer.from('this is not a database, just text '.repeat(200)));
    expect(cli(dir, ['status']).code).toBe(5);

    fs.writeFileSync(file, copy);
    // Another process holds the ledger (as a long run would): this one waits briefly, then exits 5.
    const holder = spawn(process.execPath, ['-e', `
      import(${JSON.stringify(new URL('../../dist/ledger/lock.js', import.meta.url).href)}).then((m) => {
        m.acquireLock(${JSON.stringify(file)}, 'pre-incasso run --today 2026-09-22');
        process.stdout.write('locked\\n');
        setTimeout(() => {}, 30000);
      });`]);
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    try {
      const locked = cli(dir, ['import', 'openstaande-posten-september.csv', ...TODAY]);
      expect(locked.code).toBe(5);
      expect(locked.stderr).toMatch(new RegExp(`process ${holder.pid} \\(pre-incasso run`));
      // Readers are not blocked by a writer.
      expect(cli(dir, ['status', ...TODAY]).code).toBe(0);
    } finally {
      holder.kill('SIGKILL');
    }
    // The lock of a killed process is released by the operating system.
    await new Promise((r) => setTimeout(r, 200));
    expect(cli(dir, ['import', 'openstaande-posten-september.csv', ...TODAY]).code).toBe(0);
  });

  it('an older ledger is migrated after a backup copy is written', async () => {
    // A ledger as version 4 of the schema left it, with a debtor and an invoice in it.
    const { migrations } = await import('../../src/ledger/migrations/index.js');
    const dir = workspace();
    const file = path.join(dir, 'pre-incasso.db');
    const db = new Database(file);
    for (const m of migrations.filter((m: { version: number }) => m.version <= 4)) db.exec(m.sql);
    db.pragma('user_version = 4');
    db.exec(`INSERT INTO imports (kind, at, today, files) VALUES ('invoices', '2026-09-22T06:00:00Z', '2026-09-22', '[]');
             INSERT INTO debtors (number, name, type, language) VALUES ('D1', 'Oude Klant', 'consumer', 'nl');
             INSERT INTO invoices (number, debtor_number, due_date, amount_cents, open_cents, source_file, source_line, import_id)
             VALUES ('F1', 'D1', '2026-08-31', 10000, 10000, 'oud.csv', 2, 1);`);
    db.close();
    fs.chmodSync(file, 0o600);
    const before = fs.readFileSync(file);
    const r = cli(dir, ['status', '--json', ...TODAY]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().open_invoices).toBe(1);
    expect(fs.readFileSync(`${file}.v4.backup`).equals(before)).toBe(true);
    expect(fs.statSync(`${file}.v4.backup`).mode & 0o777).toBe(0o600);
    const migrated = new Database(file, { readonly: true });
    expect(migrated.pragma('user_version', { simple: true })).toBe(migrations[migrations.length - 1]!.version);
    migrated.close();
  });

  it('1: an internal error says it is a bug; --verbose adds the stack trace', () => {
    const dir = workspace({ files: ['openstaande-posten-september.csv'] });
    cli(dir, ['import', 'openstaande-posten-september.csv', ...TODAY]);
    const db = new Database(path.join(dir, 'pre-incasso.db'));
    db.exec('DROP TABLE outbox');
    db.close();
    const r = cli(dir, ['status', ...TODAY]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bug/);
    expect(r.stderr).not.toMatch(/    at /);
    expect(cli(dir, ['status', '--verbose', ...TODAY]).stderr).toMatch(/    at /);
  });
});
