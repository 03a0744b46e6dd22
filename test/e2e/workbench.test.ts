// The bookkeeper's workbench end to end (issue 12): the built CLI in a temp dir, the ledger read
// afterwards. Each "done when" scenario is one test: find debtors over 60 days, correct an
// e-mail and see the next run use it, place a bank payment on two invoices, withdraw a printed
// letter before posting, reverse a wrong import, read the morning summary. Needs `npm run build`.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_HEADER, FIXTURES, cli, cliAsync, removedAfterAll, workspace, writeCsv, type CliResult, ok } from '../helpers/cli.js';
import { query } from '../helpers/ledger.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

const TODAY = '2026-11-20';
const dirs = removedAfterAll();

const ROWS = [
  'F-001;D1;J. Jansen;particulier;jan@example.nl;Lindelaan 4;3818 LK;Amersfoort;01-08-2026;01-09-2026;100,00;100,00',
  'F-002;D2;Bouw B.V.;zakelijk;info@bouw.example;Industrieweg 8;3825 MA;Amersfoort;15-09-2026;15-10-2026;250,00;250,00',
  'F-003;D3;P. Post;particulier;;Kerkstraat 1;3811 AB;Amersfoort;10-08-2026;10-09-2026;75,00;75,00',
  'F-004;D3;P. Post;particulier;;Kerkstraat 1;3811 AB;Amersfoort;31-10-2026;30-11-2026;40,00;40,00',
  "F-005;D4;=HYPERLINK(\"x\");particulier;d4@example.nl;Laan 1;1234 AB;Utrecht;01-07-2026;01-08-2026;60,00;60,00",
];

function book(rows = ROWS): string {
  const dir = workspace();
  dirs.push(dir);
  writeCsv(dir, 'open.csv', [CSV_HEADER, ...rows]);
  ok(cli(dir, ['import', 'open.csv', '--today', TODAY]), 'import');
  return dir;
}

describe('lists: debtors and invoices', () => {
  let dir: string;
  beforeAll(() => {
    dir = book();
  });

  it('finds every debtor with a claim over 60 days past due', () => {
    const r = ok(cli(dir, ['debtors', '--overdue-days', '60', '--json', '--today', TODAY]));
    const doc = r.json<{ debtors: { number: string; max_days_overdue: number; open_cents: number; next: string }[] }>();
    expect(doc.debtors.map((d) => [d.number, d.max_days_overdue, d.open_cents])).toEqual([
      ['D1', 80, 10000],
      ['D3', 71, 11500],
      ['D4', 111, 6000],
    ]);
    expect(doc.debtors[0]!.next).toBe('herinnering today');
    const human = ok(cli(dir, ['debtors', '--overdue-days', '60', '--sort', 'overdue', '--today', TODAY], { env: { COLUMNS: '80' } }));
    const lines = human.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^debtor\s+name\s+open/);
    expect(lines.slice(1, 4).map((l) => l.split(/\s+/)[0])).toEqual(['D4', 'D1', 'D3']);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    expect(lines.at(-1)).toBe('3 debtors, € 275,00 open');
  });

  it('lists invoices with filters, sorts them and writes Dutch Excel CSV with formulas made inert', () => {
    const inv = ok(cli(dir, ['invoices', '--overdue-days', '60', '--sort', 'open', '--json', '--today', TODAY])).json<{ invoices: { invoice: string; days_overdue: number }[] }>();
    expect(inv.invoices.map((i) => `${i.invoice}:${i.days_overdue}`)).toEqual(['F-001:80', 'F-003:71', 'F-005:111']);
    expect(ok(cli(dir, ['invoices', '--search', 'post', '--json', '--today', TODAY])).json().invoices.map((i: { invoice: string }) => i.invoice)).toEqual(['F-003', 'F-004']);
    const csv = ok(cli(dir, ['invoices', '--csv', '--sort', 'number', '--today', TODAY]));
    expect(csv.stdout.startsWith('\uFEFFfactuur;debiteur;naam;vervaldatum;bedrag;openstaand')).toBe(true);
    expect(csv.stdout).toContain('\r\nF-001;D1;J. Jansen;01-09-2026;100,00;100,00;open;;80;;\r\n');
    expect(csv.stdout).toContain(`F-005;D4;"'=HYPERLINK(""x"")";`);
    ok(cli(dir, ['debtors', '--csv', 'out/debiteuren.csv', '--today', TODAY]));
    const file = path.join(dir, 'out', 'debiteuren.csv');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8').split('\r\n')).toHaveLength(6);
  });

  it('refuses unknown filters with exit 2', () => {
    const r = cli(dir, ['debtors', '--stage', 'nope', '--today', TODAY]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--stage "nope" is not a stage of the config');
  });
});

describe('debtor set: a correction that survives the next import', () => {
  it('corrects an e-mail, keeps it over a re-import, and the next run uses it', () => {
    const dir = book();
    const bad = cli(dir, ['debtor', 'set', 'D1', '--email', 'jan(at)example', '--today', TODAY]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not an e-mail address');
    const badIban = cli(dir, ['debtor', 'set', 'D1', '--iban', 'NL91ABNA0417164301', '--today', TODAY]);
    expect(badIban.code).toBe(2);
    const dry = ok(cli(dir, ['debtor', 'set', 'D1', '--email', 'j.jansen@nieuw.example', '--dry-run', '--json', '--today', TODAY])).json();
    expect(dry.changes).toEqual({ email: ['jan@example.nl', 'j.jansen@nieuw.example'] });
    expect(query(dir, 'SELECT email FROM debtors WHERE number = ?', 'D1')).toEqual([{ email: 'jan@example.nl' }]);

    const r = ok(cli(dir, ['debtor', 'set', 'D1', '--email', 'j.jansen@nieuw.example', '--address', 'Lindelaan 6, 3818lk Amersfoort', '--today', TODAY]));
    expect(r.stdout).toContain('debtor D1: email "jan@example.nl" -> "j.jansen@nieuw.example"');
    expect(r.stdout).toContain('debtor D1: street "Lindelaan 4" -> "Lindelaan 6"');
    // The export still has the old address: the correction stays.
    ok(cli(dir, ['import', 'open.csv', '--today', TODAY]));
    expect(query(dir, "SELECT email, street FROM debtors WHERE number = 'D1'")).toEqual([{ email: 'j.jansen@nieuw.example', street: 'Lindelaan 6' }]);
    const event = query<{ data: string }>(dir, "SELECT data FROM events WHERE kind = 'debtor_corrected'");
    expect(JSON.parse(event[0]!.data).changes.email).toEqual(['jan@example.nl', 'j.jansen@nieuw.example']);

    ok(cli(dir, ['run', '--no-mail', '--today', TODAY]));
    const letter = query<{ email: string }>(dir, "SELECT json_extract(data, '$.debtor.email') AS email FROM letters WHERE debtor_number = 'D1'");
    expect(letter).toEqual([{ email: 'j.jansen@nieuw.example' }]);
    const preview = ok(cli(dir, ['mail', '--dry-run', '--out', 'preview', '--json', '--today', TODAY])).json<{ files: { debtor: string; to: string }[] }>();
    expect(preview.files.find((f) => f.debtor === 'D1')!.to).toBe('j.jansen@nieuw.example');

    const shown = ok(cli(dir, ['debtor', 'D1', '--today', TODAY])).stdout;
    expect(shown).toContain('e-mail:   j.jansen@nieuw.example (corrected)');
    expect(shown).toMatch(/history:[\s\S]*corrected: email "jan@example.nl" -> "j.jansen@nieuw.example"/);

    // Only when the user says so does the export win again.
    ok(cli(dir, ['import', 'open.csv', '--overwrite-corrections', '--today', TODAY]));
    expect(query(dir, "SELECT email FROM debtors WHERE number = 'D1'")).toEqual([{ email: 'jan@example.nl' }]);
  });

  it('sends post only to a debtor set to --channel post', () => {
    const dir = book();
    ok(cli(dir, ['debtor', 'set', 'D2', '--channel', 'post', '--today', TODAY]));
    ok(cli(dir, ['run', '--no-mail', '--today', TODAY]));
    expect(query(dir, "SELECT channels FROM letters WHERE debtor_number = 'D2'")).toEqual([{ channels: '["post"]' }]);
  });
});

describe('payments: place an unmatched bank payment on two invoices', () => {
  it('allocates by hand, refuses too much, ignores and undoes', () => {
    const dir = workspace();
    dirs.push(dir);
    writeCsv(dir, 'open.csv', [
      CSV_HEADER,
      '2018-0001;D1;Bakker;zakelijk;d1@example.nl;Straat 1;1011 AA;Amsterdam;01-01-2018;31-01-2018;300,00;300,00',
      '2018-0002;D1;Bakker;zakelijk;d1@example.nl;Straat 1;1011 AA;Amsterdam;01-01-2018;31-01-2018;700,00;700,00',
    ]);
    const today = '2018-03-15';
    ok(cli(dir, ['import', 'open.csv', '--today', today]));
    ok(cli(dir, ['payments', 'import', path.join(FIXTURES, 'camt053', 'example-camt053-a.xml'), '--today', today]));
    const unmatched = ok(cli(dir, ['payments', 'list', '--unmatched', '--json', '--today', today])).json<{ payments: { payment_id: number; amount_cents: number }[] }>();
    const pay = unmatched.payments.find((p) => p.amount_cents >= 50000)!;
    expect(pay).toBeDefined();
    const status = ok(cli(dir, ['status', '--json', '--today', today])).json();
    expect(status.unmatched_payments).toBe(unmatched.payments.length);

    const tooMuch = cli(dir, ['payments', 'allocate', String(pay.payment_id), '2018-0001:400,00', '--today', today]);
    expect(tooMuch.code).toBe(4);
    expect(tooMuch.stderr).toContain('Invoice 2018-0001 has € 300,00 open; € 400,00 is more than that.');

    const r = ok(cli(dir, ['payments', 'allocate', String(pay.payment_id), '2018-0001:200,00', '2018-0002', '--json', '--today', today])).json();
    expect(r.allocations.map((a: { invoice: string; amount_cents: number }) => [a.invoice, a.amount_cents])).toEqual([
      ['2018-0001', 20000],
      ['2018-0002', Math.min(70000, pay.amount_cents - 20000)],
    ]);
    const open = query<{ number: string; open_cents: number }>(dir, 'SELECT number, open_cents FROM invoices ORDER BY number');
    expect(open[0]!.open_cents).toBe(10000);
    expect(open[1]!.open_cents).toBe(70000 - Math.min(70000, pay.amount_cents - 20000));
    expect(query(dir, "SELECT count(*) AS n FROM events WHERE kind = 'payment_allocated' AND json_extract(data, '$.method') = 'manual'")).toEqual([{ n: 2 }]);

    // Another credit is bank interest, not a customer payment.
    const other = unmatched.payments.find((p) => p.payment_id !== pay.payment_id);
    if (other) {
      ok(cli(dir, ['payments', 'ignore', String(other.payment_id), '--reason', 'rente', '--today', today]));
      const after = ok(cli(dir, ['payments', 'list', '--unmatched', '--json', '--today', today])).json<{ payments: { payment_id: number }[] }>();
      expect(after.payments.map((p) => p.payment_id)).not.toContain(other.payment_id);
    }

    // Undo with --keep: the money comes off the invoices, the payment stays unmatched.
    ok(cli(dir, ['payments', 'undo', String(pay.payment_id), '--keep', '--today', today]));
    expect(query(dir, 'SELECT number, open_cents, status FROM invoices ORDER BY number')).toEqual([
      { number: '2018-0001', open_cents: 30000, status: 'open' },
      { number: '2018-0002', open_cents: 70000, status: 'open' },
    ]);
    const importId = query<{ id: number }>(dir, "SELECT id FROM imports WHERE kind = 'payments'")[0]!.id;
    ok(cli(dir, ['payments', 'undo', `import:${importId}`, '--today', today]));
    expect(query(dir, 'SELECT count(*) AS n FROM payments')).toEqual([{ n: 0 }]);
  });
});

describe('letters withdraw: a letter printed by mistake, before posting', () => {
  it('returns the claims to their stage, leaves the letter out of the print file, and refuses twice', () => {
    const dir = book();
    ok(cli(dir, ['run', '--no-mail', '--today', TODAY]));
    const post = query<{ id: number }>(dir, "SELECT id FROM letters WHERE debtor_number = 'D3'")[0]!.id;
    const printed = ok(cli(dir, ['letters', '--combined', 'print.pdf', '--channel', 'post', '--json', '--today', TODAY])).json();
    expect(printed.printed).toEqual([post]);
    expect(ok(cli(dir, ['status', '--json', '--today', TODAY])).json().post_letters).toEqual({ not_printed: 0, printed_not_posted: 1, posted: 0 });

    const show = ok(cli(dir, ['letters', 'show', String(post), '--out', 'brief.pdf', '--json', '--today', TODAY])).json();
    expect(show.sha256).toBe(createHash('sha256').update(fs.readFileSync(path.join(dir, 'brief.pdf'))).digest('hex'));
    expect(show.sha256).toBe(query<{ s: string }>(dir, 'SELECT pdf_sha256 AS s FROM letters WHERE id = ?', post)[0]!.s);

    const dry = ok(cli(dir, ['letters', 'withdraw', String(post), '--dry-run', '--today', TODAY]));
    expect(dry.stdout).toContain('would be withdrawn');
    const r = ok(cli(dir, ['letters', 'withdraw', String(post), '--reason', 'printed by mistake', '--today', TODAY]));
    expect(r.stdout).toContain(`letter ${post} to debtor D3 withdrawn: printed by mistake`);
    expect(r.stdout).toContain('F-003: back to no letter yet');
    expect(query(dir, "SELECT stage_index, stage_letter_id FROM invoices WHERE number = 'F-003'")).toEqual([{ stage_index: null, stage_letter_id: null }]);
    expect(query(dir, "SELECT count(*) AS n FROM events WHERE kind = 'letter_withdrawn'")).toEqual([{ n: 1 }]);
    const again = cli(dir, ['letters', 'withdraw', String(post), '--today', TODAY]);
    expect(again.code).toBe(4);
    expect(again.stderr).toContain('was withdrawn already');
    const combined = ok(cli(dir, ['letters', '--combined', 'print2.pdf', '--channel', 'post', '--json', '--today', TODAY])).json();
    expect(combined.letters).toEqual([]);
    // The next day, the engine writes the letter again; the withdrawn one never reaches the
    // incassobureau's case file.
    const next = ok(cli(dir, ['run', '--dry-run', '--json', '--today', '2026-11-21', '--allow-stale'])).json();
    expect(next.actions.some((a: { kind: string; debtor: string }) => a.kind === 'letter' && a.debtor === 'D3')).toBe(true);
    for (const day of ['2026-11-21', '2026-12-05', '2026-12-19']) ok(cli(dir, ['run', '--no-mail', '--allow-stale', '--today', day]), `run ${day}`);
    const handover = ok(cli(dir, ['export', '--format', 'json', '--out', 'overdracht', '--allow-stale', '--json', '--today', '2027-01-20']), 'export').json();
    const file = path.join(dir, 'overdracht', fs.readdirSync(path.join(dir, 'overdracht'))[0]!);
    const cases = JSON.parse(fs.readFileSync(file, 'utf8')).cases as { debtor: { number: string }; letters: { date: string }[] }[];
    const d3 = cases.find((c) => c.debtor.number === 'D3')!;
    expect(handover).toMatchObject({ batch: 1, format: 'json', dry_run: false, file_name: path.basename(file), sha256: createHash('sha256').update(fs.readFileSync(file)).digest('hex') });
    expect(d3.letters.map((l) => l.date)).toEqual(['2026-11-21', '2026-12-05', '2026-12-19']);
  });
});

describe('import undo: reverse a wrong import', () => {
  it('removes what it inserted, restores what it changed, re-opens what it closed, and refuses when letters rely on it', () => {
    const dir = book();
    const before = query(dir, 'SELECT number, amount_cents, open_cents, status FROM invoices ORDER BY number');
    // The wrong export: F-001 with another amount, F-002 missing (closed by --snapshot), a new F-009 and debtor D9.
    writeCsv(dir, 'wrong.csv', [
      CSV_HEADER,
      'F-001;D1;J. Jansen;particulier;jan@example.nl;Lindelaan 4;3818 LK;Amersfoort;01-08-2026;01-09-2026;1000,00;1000,00',
      ROWS[2]!, ROWS[3]!, ROWS[4]!,
      'F-009;D9;Nieuw;particulier;n@example.nl;Weg 9;1234 AB;Utrecht;01-10-2026;31-10-2026;9,00;9,00',
    ]);
    const imp = ok(cli(dir, ['import', 'wrong.csv', '--snapshot', '--json', '--today', TODAY])).json<{ import_id: number }>();
    expect(query(dir, "SELECT status FROM invoices WHERE number = 'F-002'")).toEqual([{ status: 'closed' }]);
    const dry = ok(cli(dir, ['import', 'undo', String(imp.import_id), '--dry-run', '--json', '--today', TODAY])).json();
    expect(dry).toMatchObject({ dry_run: true, removed: ['F-009'], restored: ['F-001'], reopened: ['F-002'], debtors_removed: ['D9'] });
    const r = ok(cli(dir, ['import', 'undo', String(imp.import_id), '--today', TODAY]));
    expect(r.stdout).toContain(`import ${imp.import_id} undone: 1 invoice removed, 1 restored, 1 re-opened`);
    expect(query(dir, 'SELECT number, amount_cents, open_cents, status FROM invoices ORDER BY number')).toEqual(before);
    expect(query(dir, "SELECT count(*) AS n FROM debtors WHERE number = 'D9'")).toEqual([{ n: 0 }]);
    expect(cli(dir, ['import', 'undo', String(imp.import_id), '--today', TODAY]).code).toBe(4);

    // An import that letters already rely on is refused, and nothing changes.
    writeCsv(dir, 'next.csv', [CSV_HEADER, ...ROWS, 'F-010;D1;J. Jansen;particulier;jan@example.nl;Lindelaan 4;3818 LK;Amersfoort;01-08-2026;01-09-2026;10,00;10,00']);
    const second = ok(cli(dir, ['import', 'next.csv', '--json', '--today', TODAY])).json<{ import_id: number }>();
    ok(cli(dir, ['run', '--no-mail', '--today', TODAY]));
    const refused = cli(dir, ['import', 'undo', String(second.import_id), '--json', '--today', TODAY]);
    expect(refused.code).toBe(4);
    expect(refused.json().error.message).toMatch(/cannot be undone: letter \d+ already relies on its invoices/);
    expect(query(dir, "SELECT count(*) AS n FROM invoices WHERE number = 'F-010'")).toEqual([{ n: 1 }]);
  });
});

describe('run --save-plan / --plan: apply exactly what was reviewed', () => {
  it('applies an unchanged plan and refuses (exit 4, nothing recorded) when a payment arrived', () => {
    const dir = book();
    ok(cli(dir, ['run', '--dry-run', '--save-plan', 'plan.json', '--today', TODAY]));
    expect(fs.statSync(path.join(dir, 'plan.json')).mode & 0o777).toBe(0o600);
    ok(cli(dir, ['payments', 'add', 'F-002', '50,00', '--today', TODAY]));
    const refused = cli(dir, ['run', '--plan', 'plan.json', '--no-mail', '--today', TODAY]);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('plan.json was not applied: the book changed for 1 debtor since the plan was saved. Nothing was recorded.');
    expect(refused.stderr).toContain('debtor D2: invoices, payments, holds or details changed');
    expect(query(dir, 'SELECT count(*) AS n FROM runs')).toEqual([{ n: 0 }]);

    // An edited plan file is refused too.
    ok(cli(dir, ['run', '--dry-run', '--save-plan', 'plan.json', '--today', TODAY]));
    const saved = JSON.parse(fs.readFileSync(path.join(dir, 'plan.json'), 'utf8'));
    fs.writeFileSync(path.join(dir, 'edited.json'), JSON.stringify({ ...saved, actions: saved.actions.slice(1) }));
    expect(cli(dir, ['run', '--plan', 'edited.json', '--no-mail', '--today', TODAY]).code).toBe(4);

    const applied = ok(cli(dir, ['run', '--plan', 'plan.json', '--no-mail', '--json', '--today', TODAY])).json();
    expect(applied.actions).toEqual(saved.actions);
    expect(query(dir, 'SELECT count(*) AS n FROM letters')).toEqual([{ n: saved.actions.filter((a: { kind: string }) => a.kind === 'letter').length }]);
  });
});

describe('the morning summary', () => {
  const PASSWORD = 'geheim-wachtwoord-123';
  const received: { to: string[]; raw: string }[] = [];
  let smtp: TestSmtp;
  let port = 0;
  beforeAll(async () => {
    smtp = await startSmtp({ auth: { user: 'bakkerij', pass: PASSWORD }, onMessage: (m) => received.push({ to: m.to, raw: m.raw.toString('utf8') }) });
    port = smtp.port;
  });
  afterAll(() => smtp.close());

  it('--notify-file writes what the night did', () => {
    const dir = book();
    ok(cli(dir, ['run', '--no-mail', '--notify-file', 'summary.txt', '--today', TODAY]));
    const text = fs.readFileSync(path.join(dir, 'summary.txt'), 'utf8');
    expect(text).toContain('Subject: pre-incasso 2026-11-20: 4 letters');
    expect(text).toContain('Letters recorded: 4\n  herinnering: 4\n');
    // --no-mail queues the run's e-mails in the outbox (issue 10): say so, and that none went out.
    expect(text).toContain('E-mails: 3 e-mails queued, not sent in this run (--no-mail); `pre-incasso mail` sends them\n');
    expect(text).not.toContain('0 sent');
    expect(text).toContain('Post letters: 1 waiting to be printed, 0 printed and not recorded as posted');
    expect(fs.statSync(path.join(dir, 'summary.txt')).mode & 0o777).toBe(0o600);
  });

  it('a summary the mail server did not take goes out with the next run (never lost)', async () => {
    const dir = book();
    const cfg = path.join(dir, 'pre-incasso.config.json');
    const config = JSON.parse(fs.readFileSync(cfg, 'utf8'));
    // First a port where nothing listens: the summary stays in the ledger, to retry.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const smtp = (p: number) => ({ from: 'administratie@korenschoof.example', perMinute: 600, smtp: { host: '127.0.0.1', port: p, secure: false, requireTLS: false, user: 'bakkerij', passwordFile: 'smtp-password.txt' } });
    fs.writeFileSync(path.join(dir, 'smtp-password.txt'), `${PASSWORD}\n`, { mode: 0o600 });
    fs.writeFileSync(cfg, JSON.stringify({ ...config, mail: smtp(deadPort), notify: { email: 'eigenaar@korenschoof.example' } }));
    const first = await cliAsync(dir, ['run', '--no-mail', '--notify', '--today', TODAY]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('morning summary not sent');
    expect(query(dir, 'SELECT state FROM notices')).toEqual([{ state: 'retry' }]);

    fs.writeFileSync(cfg, JSON.stringify({ ...config, mail: smtp(port), notify: { email: 'eigenaar@korenschoof.example' } }));
    received.length = 0;
    const second = await cliAsync(dir, ['run', '--no-mail', '--notify', '--today', '2026-11-21']);
    expect(second.code, second.stderr).toBe(0);
    expect(received.map((m) => /^Subject: (.*)$/m.exec(m.raw)![1])).toEqual(['pre-incasso 2026-11-20: 4 letters', 'pre-incasso 2026-11-21: 0 letters']);
    expect(query(dir, 'SELECT state FROM notices ORDER BY id')).toEqual([{ state: 'sent' }, { state: 'sent' }]);
  });

  it('--notify mails the owner once per run, also when the run failed', async () => {
    const dir = book();
    const cfg = path.join(dir, 'pre-incasso.config.json');
    const config = JSON.parse(fs.readFileSync(cfg, 'utf8'));
    config.mail = { from: 'administratie@korenschoof.example', perMinute: 600, smtp: { host: '127.0.0.1', port, secure: false, requireTLS: false, user: 'bakkerij', passwordFile: 'smtp-password.txt' } };
    config.notify = { email: 'eigenaar@korenschoof.example' };
    fs.writeFileSync(cfg, JSON.stringify(config));
    fs.writeFileSync(path.join(dir, 'smtp-password.txt'), `${PASSWORD}\n`, { mode: 0o600 });
    received.length = 0;
    const r = await cliAsync(dir, ['run', '--notify', '--today', TODAY]);
    expect(r.code, r.stderr).toBe(0);
    const summaries = received.filter((m) => m.to.includes('eigenaar@korenschoof.example'));
    expect(summaries).toHaveLength(1);
    expect(summaries[0]!.raw).toContain('Subject: pre-incasso 2026-11-20: 4 letters, 3 e-mailed');
    expect(summaries[0]!.raw).toContain('E-mails: 3 sent, 0 failed');
    expect(summaries[0]!.raw).not.toContain(PASSWORD);
    expect(query(dir, 'SELECT state, run_id FROM notices')).toEqual([{ state: 'sent', run_id: 1 }]);

    // The e-mail as delivered: the stored bytes are the bytes the server received.
    const outbox = query<{ id: number; to_address: string }>(dir, "SELECT id, to_address FROM outbox WHERE state = 'sent' ORDER BY id")[0]!;
    const shown = (await cliAsync(dir, ['mail', 'show', String(outbox.id), '--eml', 'bewijs.eml', '--json', '--today', TODAY]));
    expect(shown.code, shown.stderr).toBe(0);
    const stored = fs.readFileSync(path.join(dir, 'bewijs.eml'));
    expect(shown.json().sha256).toBe(createHash('sha256').update(stored).digest('hex'));
    expect(received.some((m) => m.to.includes(outbox.to_address) && m.raw === stored.toString('utf8'))).toBe(true);

    // A stale book: the run refuses (exit 4), and the owner still hears why.
    const stale = await cliAsync(dir, ['run', '--notify', '--today', '2026-12-20']);
    expect(stale.code).toBe(4);
    const second = received.filter((m) => m.to.includes('eigenaar@korenschoof.example'));
    expect(second).toHaveLength(2);
    expect(second[1]!.raw).toContain('Errors:');
    expect(second[1]!.raw).toContain('Stale data: the newest import is from 2026-11-20');
  });
});

describe('the lists read the account (issue 10 × issue 12)', () => {
  it('a credit note spent on a handed-over claim is not subtracted again in debtors, invoices and debtor', () => {
    const dir = workspace({ files: ['openstaande-posten-september.csv', 'openstaande-posten-oktober.csv'] });
    dirs.push(dir);
    for (const s of [
      ['import', 'openstaande-posten-september.csv', '--today', '2026-09-22'],
      ['run', '--no-mail', '--today', '2026-09-22'],
      ['import', 'openstaande-posten-oktober.csv', '--snapshot', '--today', '2026-10-06'],
      ['run', '--no-mail', '--today', '2026-10-06'],
      ['import', 'openstaande-posten-oktober.csv', '--snapshot', '--today', '2026-10-20'],
      ['run', '--no-mail', '--today', '2026-10-20'],
      ['import', 'openstaande-posten-oktober.csv', '--snapshot', '--today', '2026-11-10'],
      ['export', '--out', 'overdracht', '--today', '2026-11-10'],
    ]) ok(cli(dir, s), s.join(' '));
    // Van Dijk's credit note 2026-0140 (−121,00) went with 2026-0102 into the handover; he still
    // owes 2026-0161 (726,00) whole, as explain and status say.
    const explained = ok(cli(dir, ['explain', '10002', '--json', '--today', '2026-11-10'])).json() as { net_open_cents: number };
    expect(explained.net_open_cents).toBe(72600);
    const list = ok(cli(dir, ['debtors', '--json', '--today', '2026-11-10'])).json() as { open_cents: number; debtors: { number: string; open_cents: number; open_invoices: number }[] };
    expect(list.debtors.find((d) => d.number === '10002')).toMatchObject({ open_cents: 72600, open_invoices: 1 });
    const status = ok(cli(dir, ['status', '--json', '--today', '2026-11-10'])).json() as { open_cents: number };
    expect(list.open_cents).toBe(status.open_cents);
    const invoices = ok(cli(dir, ['invoices', '--json', '--search', '10002', '--today', '2026-11-10'])).json() as { invoices: { invoice: string; open_cents: number }[] };
    expect(invoices.invoices.find((i) => i.invoice === '2026-0140')?.open_cents ?? 0).toBe(0);
    const one = ok(cli(dir, ['debtor', '10002', '--json', '--today', '2026-11-10'])).json() as { claims: { invoice: string; open_cents: number }[] };
    expect(one.claims.filter((c) => c.invoice !== '2026-0102').reduce((s, c) => s + c.open_cents, 0)).toBe(72600);
  });
});
