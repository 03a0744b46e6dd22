// The handover end to end: the built CLI drives a consumer and a business debtor through the
// dunning ladder over successive --today dates, then `export` hands them to the incassobureau.
// Needs `npm run build` first. Golden files: UPDATE_GOLDEN=1 rewrites them (review the diff).
import { describe, it, expect, beforeAll } from 'vitest';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { cli, workspace, writeCsv, CSV_HEADER, FIXTURES, type CliResult, ok } from '../helpers/cli.js';
import { query } from '../helpers/ledger.js';

const LEDGER = 'pre-incasso.db';
const GOLDEN = path.join(FIXTURES, 'golden');
const HYPERLINK = '=HYPERLINK("http://x","klik")';

const ROWS = [
  'F-1001;C001;Anna de Boer;particulier;anna@example.nl;Lindelaan 4;3818 LK;Amersfoort;16-08-2026;15-09-2026;121,00;121,00',
  'F-1002;B001;Bouwbedrijf Van Dijk B.V.;zakelijk;crediteuren@vandijk.example;Industrieweg 88;3825 MA;Amersfoort;16-08-2026;15-09-2026;2.541,00;2.541,00',
  'F-1003;C002;"=HYPERLINK(""http://x"",""klik"")";particulier;;Kerkstraat 1;3811 CV;Amersfoort;16-08-2026;15-09-2026;350,00;350,00',
];

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
const fileSha = (file: string): string => sha256(fs.readFileSync(file));

const statuses = (dir: string): Record<string, string> =>
  Object.fromEntries(query<{ number: string; status: string }>(dir, 'SELECT number, status FROM invoices ORDER BY number').map((r) => [r.number, r.status]));

/** Import the (unchanged) open items, then run, as cron would each day. */
function day(dir: string, today: string, run = true): void {
  ok(cli(dir, ['import', 'open.csv', '--today', today, '--json']), `import on ${today}`);
  if (run) ok(cli(dir, ['run', '--no-mail', '--json', '--today', today]), `run on ${today}`);
}

/** Through the ladder: reminders 22-09 and 06-10, final letter (veertiendagenbrief) 20-10. */
function scenario(config?: (c: any) => any): string {
  const dir = workspace(config ? { config } : {});
  writeCsv(dir, 'open.csv', [CSV_HEADER, ...ROWS]);
  for (const d of ['2026-09-22', '2026-10-06', '2026-10-20']) day(dir, d);
  return dir;
}

function unzip(zip: string, into: string): void {
  const r = spawnSync('unzip', ['-q', '-o', zip, '-d', into], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`unzip failed: ${r.stderr}`);
}

/** Letter hashes depend on the PDF renderer, the version on the release: normalised for the golden file. */
function normaliseJson(text: string): string {
  const doc = JSON.parse(text);
  doc.generated_by = 'pre-incasso <version>';
  for (const c of doc.cases) {
    for (const l of c.letters) if (l.sha256) l.sha256 = '<sha256 of the PDF>';
    for (const v of c.veertiendagenbrieven) if (v.sha256) v.sha256 = '<sha256 of the PDF>';
  }
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    fs.mkdirSync(GOLDEN, { recursive: true });
    fs.writeFileSync(file, actual);
  }
  expect(fs.existsSync(file), `${file} missing: run with UPDATE_GOLDEN=1 once and review it`).toBe(true);
  expect(actual).toBe(fs.readFileSync(file, 'utf8'));
}

describe('export: a consumer and a business debtor handed over', () => {
  let dir: string;
  let first: { batch: number; file: string; sha256: string; cases: { debtor: string; invoices: string[] }[] };
  const x = (): string => path.join(dir, 'x');

  beforeAll(() => {
    dir = scenario();
    day(dir, '2026-11-10', false);
  });

  it('--dry-run lists the cases and leaves the ledger byte-identical', () => {
    const before = fileSha(path.join(dir, LEDGER));
    const r = ok(cli(dir, ['export', '--dry-run', '--json', '--out', 'overdracht', '--today', '2026-11-10']), 'dry run');
    const doc = r.json();
    expect(doc.dry_run).toBe(true);
    expect(doc.batch).toBeNull();
    expect(doc.cases.map((c: any) => [c.debtor, c.type, c.invoices])).toEqual([
      ['B001', 'business', ['F-1002']],
      ['C001', 'consumer', ['F-1001']],
      ['C002', 'consumer', ['F-1003']],
    ]);
    expect(fileSha(path.join(dir, LEDGER))).toBe(before);
    expect(fs.existsSync(path.join(dir, 'overdracht'))).toBe(false);
    const human = ok(cli(dir, ['export', '--dry-run', '--today', '2026-11-10']), 'dry run');
    expect(human.stdout).toContain('3 cases (3 claims) would be handed over');
  });

  it('an unwritable --out (its parent is a file) exits 4 and marks nothing', () => {
    fs.writeFileSync(path.join(dir, 'not-a-dir'), 'x');
    const before = fileSha(path.join(dir, LEDGER));
    const r = cli(dir, ['export', '--out', 'not-a-dir/overdracht', '--today', '2026-11-10', '--json']);
    expect(r.code).toBe(4);
    expect(r.json().error.code).toBe('input_invalid');
    expect(r.json().error.hint).toContain('Nothing was marked');
    expect(fileSha(path.join(dir, LEDGER))).toBe(before);
    expect(Object.values(statuses(dir))).toEqual(['open', 'open', 'open']);
  });

  it('writes handover-<date>-<n>.zip and marks the claims handed_over with an event naming file and SHA-256', () => {
    const r = ok(cli(dir, ['export', '--out', 'overdracht', '--today', '2026-11-10', '--json']), 'export');
    first = r.json();
    expect(first.batch).toBe(1);
    expect(path.basename(first.file)).toBe('handover-2026-11-10-1.zip');
    expect(fileSha(first.file)).toBe(first.sha256);
    expect(statuses(dir)).toEqual({ 'F-1001': 'handed_over', 'F-1002': 'handed_over', 'F-1003': 'handed_over' });
    const events = query<{ invoice_number: string; data: string }>(dir, "SELECT invoice_number, data FROM events WHERE kind = 'handover' ORDER BY invoice_number");
    expect(events.map((e) => e.invoice_number)).toEqual(['F-1001', 'F-1002', 'F-1003']);
    for (const e of events) expect(JSON.parse(e.data)).toMatchObject({ batch: 1, file: 'handover-2026-11-10-1.zip', sha256: first.sha256 });
    const human = ok(cli(dir, ['export', '--batch', '1', '--out', 'again', '--today', '2026-11-10']), 'rewrite');
    expect(human.stdout).toContain(`sha256: ${first.sha256}`);
  });

  it('the ZIP verifies with unzip and sha256sum -c, and carries every letter sent to the debtors', () => {
    unzip(first.file, x());
    const check = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: x(), encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    const doc = JSON.parse(fs.readFileSync(path.join(x(), 'handover.json'), 'utf8'));
    const letters = doc.cases.flatMap((c: any) => c.letters);
    expect(letters).toHaveLength(9);
    for (const l of letters) {
      expect(l.file).toMatch(/^letters\/(B001|C001|C002)\/2026-\d\d-\d\d_[a-z-]+\.pdf$/);
      expect(fileSha(path.join(x(), l.file))).toBe(l.sha256);
    }
    const listed = fs.readFileSync(path.join(x(), 'SHA256SUMS'), 'utf8').trim().split('\n').map((line) => line.slice(66)).sort();
    expect(listed).toEqual(['handover.csv', 'handover.json', ...letters.map((l: any) => l.file)].sort());
  });

  it('handover.json and handover.csv match the reviewed golden files', () => {
    golden('handover.json', normaliseJson(fs.readFileSync(path.join(x(), 'handover.json'), 'utf8')));
    golden('handover.csv', fs.readFileSync(path.join(x(), 'handover.csv'), 'utf8'));
  });

  it(`the debtor named ${HYPERLINK} comes out inert in the CSV, and unchanged in the JSON`, () => {
    const csv = fs.readFileSync(path.join(x(), 'handover.csv'), 'utf8');
    expect(csv).toContain(`;"'=HYPERLINK(""http://x"",""klik"")";`);
    expect(csv).not.toMatch(/(^|;)"?=/m);
    const doc = JSON.parse(fs.readFileSync(path.join(x(), 'handover.json'), 'utf8'));
    expect(doc.cases.find((c: any) => c.debtor.number === 'C002').debtor.name).toBe(HYPERLINK);
  });

  it('export --batch 1 writes the same file again, byte-identical, without touching the ledger', () => {
    const before = fileSha(path.join(dir, LEDGER));
    const r = ok(cli(dir, ['export', '--batch', '1', '--out', 'kopie', '--today', '2026-12-01', '--json']), 'rewrite');
    expect(r.json()).toMatchObject({ batch: 1, sha256: first.sha256, cases: first.cases });
    expect(fs.readFileSync(path.join(dir, 'kopie', 'handover-2026-11-10-1.zip')).equals(fs.readFileSync(first.file))).toBe(true);
    expect(fileSha(path.join(dir, LEDGER))).toBe(before);
    const missing = cli(dir, ['export', '--batch', '7', '--today', '2026-12-01']);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('no handover batch 7');
  });

  it('export --batch 1 --format csv|json writes that file of the ZIP as handed over, not a ZIP (issue 11)', () => {
    for (const format of ['csv', 'json']) {
      const r = ok(cli(dir, ['export', '--batch', '1', '--format', format, '--out', `als-${format}`, '--today', '2026-12-01', '--json']), `rewrite ${format}`);
      const file = path.join(dir, `als-${format}`, `handover-2026-11-10-1.${format}`);
      expect(r.json()).toMatchObject({ batch: 1, format, sha256: fileSha(file) });
      expect(fs.readFileSync(file).equals(fs.readFileSync(path.join(x(), `handover.${format}`)))).toBe(true);
      expect(fs.readdirSync(path.join(dir, `als-${format}`))).toEqual([`handover-2026-11-10-1.${format}`]);
    }
  });

  it('dunning stops after the handover; a second export finds nothing and makes no batch 2', () => {
    day(dir, '2026-11-17', false);
    const plan = ok(cli(dir, ['run', '--dry-run', '--json', '--today', '2026-11-17']), 'run').json();
    expect(plan.actions.filter((a: any) => a.kind !== 'skip')).toEqual([]);
    const again = ok(cli(dir, ['export', '--out', 'overdracht', '--today', '2026-11-17', '--json']), 'second export').json();
    expect(again).toMatchObject({ batch: null, file: null, cases: [] });
    expect(fs.readdirSync(path.join(dir, 'overdracht'))).toEqual(['handover-2026-11-10-1.zip']);
    expect(query<{ n: number }>(dir, 'SELECT count(*) AS n FROM handovers')[0]!.n).toBe(1);
  });

  it('a payment recorded after the handover is listed by status for the agency', () => {
    const db = new Database(path.join(dir, LEDGER));
    db.exec(`INSERT INTO payments (date, amount_cents, source, reference) VALUES ('2026-11-20', 5000, 'manual', 'F-1001 deel');
             INSERT INTO allocations (payment_id, invoice_number, amount_cents, method) VALUES (last_insert_rowid(), 'F-1001', 5000, 'manual');`);
    db.close();
    const status = ok(cli(dir, ['status', '--json', '--today', '2026-11-21']), 'status').json();
    expect(status.handed_over).toBe(3);
    expect(status.payments_after_handover).toEqual([{ invoice: 'F-1001', date: '2026-11-20', amount_cents: 5000 }]);
    const human = ok(cli(dir, ['status', '--today', '2026-11-21']), 'status');
    expect(human.stderr).toContain('handed-over invoice F-1001');
  });
});

describe('export: a consumer claim whose fourteen-day term has not ended', () => {
  // handover.after 15: the business claim is ready on 04-11; the consumers' veertiendagenbrief of
  // Tuesday 20-10 went by post, presumed delivered Thursday 22-10, so their term ends 05-11.
  let dir: string;
  beforeAll(() => {
    dir = scenario((c) => ({ ...c, handover: { after: 15 } }));
  });

  it('refuses to export on stale data', () => {
    const r = cli(dir, ['export', '--out', 'o', '--today', '2026-11-05']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('maxDataAgeDays');
    expect(fs.existsSync(path.join(dir, 'o'))).toBe(false);
  });

  it('on the last day of the term only the business claim goes', () => {
    day(dir, '2026-11-05', false);
    const r = ok(cli(dir, ['export', '--out', 'o', '--today', '2026-11-05', '--json']), 'export').json();
    expect(r.cases.map((c: any) => c.debtor)).toEqual(['B001']);
    expect(statuses(dir)).toEqual({ 'F-1001': 'open', 'F-1002': 'handed_over', 'F-1003': 'open' });
    unzip(r.file, path.join(dir, 'x1'));
    const doc = JSON.parse(fs.readFileSync(path.join(dir, 'x1', 'handover.json'), 'utf8'));
    expect(doc.cases.map((c: any) => c.debtor.number)).toEqual(['B001']);
  });

  it('the day after the term the consumers go, in batch 2', () => {
    // Posted Tue 20 Oct 2026, after the 2-day postal norm of 1 July 2026: delivered Fri 23 Oct
    // (law/delivery.json), the term ends Fri 6 Nov, the claims go on Sat 7 Nov.
    day(dir, '2026-11-07', false);
    const r = ok(cli(dir, ['export', '--out', 'o', '--today', '2026-11-07', '--json']), 'export').json();
    expect(r.batch).toBe(2);
    expect(r.cases.map((c: any) => c.debtor)).toEqual(['C001', 'C002']);
    expect(path.basename(r.file)).toBe('handover-2026-11-07-2.zip');
  });
});

describe('issue 17: posting date, VAT uplift and limitation end to end', () => {
  it('letters --posted moves the term: posted Mon 26 Oct, the consumers go only after their term from that day', () => {
    const dir = scenario((c) => ({ ...c, handover: { after: 15 } }));
    const before = cli(dir, ['letters', '--posted', '2026-10-19', '--since', '2026-10-20', '--today', '2026-10-26']);
    expect(before.code).toBe(2);
    expect(before.stderr).toMatch(/before the date of letter/);
    const r = ok(cli(dir, ['letters', '--posted', '2026-10-26', '--since', '2026-10-20', '--today', '2026-10-26', '--json']), 'posted').json();
    expect(r.recorded.map((l: any) => l.debtor).sort()).toEqual(['B001', 'C001', 'C002']);
    expect(query<{ n: number }>(dir, "SELECT count(*) AS n FROM events WHERE kind = 'letter_posted'")[0]!.n).toBe(3);
    // Without the posting the term would have ended Fri 6 Nov; posted Mon 26 Oct → delivered Thu 29 Oct, ends Thu 12 Nov.
    day(dir, '2026-11-12', false);
    const early = ok(cli(dir, ['export', '--out', 'o', '--today', '2026-11-12', '--json']), 'export').json();
    expect(early.cases.map((c: any) => c.debtor)).toEqual(['B001']);
    day(dir, '2026-11-13', false);
    const late = ok(cli(dir, ['export', '--out', 'o', '--format', 'json', '--today', '2026-11-13', '--json']), 'export').json();
    expect(late.cases.map((c: any) => c.debtor)).toEqual(['C001', 'C002']);
    const doc = JSON.parse(fs.readFileSync(late.file, 'utf8'));
    expect(doc.cases[0].veertiendagenbrieven[0]).toMatchObject({ date: '2026-10-20', dispatched: '2026-10-26', dispatch_basis: 'posting_recorded', presumed_delivery: '2026-10-29', term_end: '2026-11-12' });
  });

  it('creditor.canDeductVat false: the veertiendagenbrief states the costs with and without 21% VAT, the handover carries both', () => {
    const dir = scenario((c) => ({ ...c, creditor: { ...c.creditor, canDeductVat: false } }));
    const [letter] = query<{ costs_cents: number; data: string }>(dir, "SELECT costs_cents, data FROM letters WHERE debtor_number = 'C001' AND final = 1");
    expect(letter!.costs_cents).toBe(4840);
    expect(JSON.parse(letter!.data).costsExclVatCents).toBe(4000);
    day(dir, '2026-11-10', false);
    const r = ok(cli(dir, ['export', '--out', 'o', '--format', 'json', '--today', '2026-11-10', '--json']), 'export').json();
    const kase = JSON.parse(fs.readFileSync(r.file, 'utf8')).cases.find((c: any) => c.debtor.number === 'C001');
    expect(kase.collection_costs).toMatchObject({ vat_included: true, stated_cents: 4840, claimed_cents: 4840, claimed_excl_vat_cents: 4000 });
    const business = JSON.parse(fs.readFileSync(r.file, 'utf8')).cases.find((c: any) => c.debtor.number === 'B001');
    expect(business.collection_costs.vat_included).toBe(false);
  });

  it('a consumer claim past the two years of 7:28 BW gets no letter with costs without --include-time-barred', () => {
    const dir = workspace();
    writeCsv(dir, 'open.csv', [CSV_HEADER, 'F-0007;C009;Piet Oud;particulier;piet@example.nl;Dorpsweg 1;3811 CV;Amersfoort;01-01-2024;15-01-2024;300,00;300,00']);
    for (const d of ['2026-09-22', '2026-10-06']) day(dir, d);
    ok(cli(dir, ['import', 'open.csv', '--today', '2026-10-20']), 'import');
    const r = ok(cli(dir, ['run', '--no-mail', '--json', '--today', '2026-10-20']), 'run').json();
    expect(r.actions).toEqual([expect.objectContaining({ kind: 'skip', code: 'time_barred', invoice: 'F-0007' })]);
    expect(r.actions[0].reason).toMatch(/time-barred since 2026-01-16 \(art\. 7:28 BW\)/);
    const forced = cli(dir, ['run', '--no-mail', '--json', '--include-time-barred', '--today', '2026-10-20']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toMatch(/--include-time-barred/);
    expect(forced.json().actions.map((a: any) => `${a.kind} ${a.stage ?? a.code}`)).toEqual(['letter laatste-herinnering']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
