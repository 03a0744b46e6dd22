// `report` and `forecast` end to end over the demo season (examples/, the same steps as
// `npm run demo`): the JSON figures against figures computed by hand, the CSV files, and the
// HTML opened in real headless Chromium (Debian's /usr/bin/chromium through puppeteer-core, no
// browser download): no console error, no network request, every figure shown equal to
// `report --json`, and a screenshot (REPORT_SCREENSHOT=<file.png> keeps it).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import puppeteer from 'puppeteer-core';
import { cli, workspace, type CliResult, ok } from '../helpers/cli.js';
import { formatFigure, type FigureFormat } from '../../src/report/format.js';

const CHROMIUM = '/usr/bin/chromium';

let dir: string;
let doc: any;

beforeAll(() => {
  dir = workspace({ files: ['openstaande-posten-september.csv', 'openstaande-posten-oktober.csv'] });
  const steps: string[][] = [
    ['import', 'openstaande-posten-september.csv', '--today', '2026-09-22'],
    ['run', '--no-mail', '--today', '2026-09-22'],
    ['import', 'openstaande-posten-oktober.csv', '--snapshot', '--today', '2026-10-06'],
    ['hold', '10005', '--dispute', '--reason', 'Klant betwist de levering (mail 3 oktober)', '--today', '2026-10-06'],
    ['run', '--no-mail', '--today', '2026-10-06'],
    ['import', 'openstaande-posten-oktober.csv', '--snapshot', '--today', '2026-10-20'],
    ['run', '--no-mail', '--today', '2026-10-20'],
    ['import', 'openstaande-posten-oktober.csv', '--snapshot', '--today', '2026-11-10'],
    ['export', '--out', 'overdracht', '--today', '2026-11-10'],
  ];
  for (const s of steps) ok(cli(dir, s), s.join(' '));
  doc = ok(cli(dir, ['report', '--json', '--today', '2026-11-10']), 'report --json').json();
}, 120_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('report --json over the demo season', () => {
  it('gives the effectiveness per stage as computed by hand', () => {
    // herinnering, 22 Sep: Jansen 2026-0101 (121,00), Van Dijk 2026-0102 (2.420,00: 2.541,00 less
    // the credit note 2026-0140 the account sets off against it), Wróblewski 2026-0105 (350,00),
    // Yılmaz 2026-0107 (89,95), Szőke 2026-0099 (1.234,56); 20 Oct: Van Dijk 2026-0161 (726,00),
    // Buurtwerk 2026-0150 (610,00), moved to herinnering by letters whose own stage was final (Van
    // Dijk) or herinnering (Buurtwerk). Jansen's 2026-0123 (20,00 open) is not in verzuim on 20 Oct
    // (no fatal term, no ingebrekestelling yet), so the veertiendagenbrief leaves it out (6:96 lid 6-7).
    // Yılmaz's invoice vanished from the export of 6 Oct: paid 14 days after the letter.
    // 6 letters, 7 invoices: 12100 + 242000 + 35000 + 8995 + 123456 + 72600 + 61000 = 555151;
    // Yılmaz's 8995 is paid 14 days after the letter, so 8995 / 555151 = 0.0162 within 14 and 30 days.
    // aanmaning, 6 Oct: 0101, 0102, 0105 (Szőke disputed) = 12100 + 242000 + 35000 = 289100 in
    // 3 letters; final, 20 Oct: the same three in 3 letters (Van Dijk's 0161 counts at herinnering),
    // which the export of 10 Nov hands over: 289100, what `export` prints as the total.
    const [herinnering, aanmaning, final] = doc.effectiveness.stages;
    expect(herinnering).toEqual({
      stage: 'herinnering', letters: 6, invoices: 7, amount_cents: 12100 + 242000 + 35000 + 8995 + 123456 + 72600 + 61000,
      paid_7_cents: 0, paid_14_cents: 8995, paid_30_cents: 8995,
      paid_7_share: 0, paid_14_share: Math.round((8995 / 555151) * 10000) / 10000, paid_30_share: Math.round((8995 / 555151) * 10000) / 10000,
      paid_in_full: 1, median_days_to_payment: 14, handed_over_invoices: 3, handed_over_cents: 12100 + 242000 + 35000,
    });
    for (const [row, stage] of [[aanmaning, 'aanmaning'], [final, 'laatste-herinnering']] as const) {
      expect(row).toEqual({
        stage, letters: 3, invoices: 3, amount_cents: 289100, paid_7_cents: 0, paid_14_cents: 0, paid_30_cents: 0,
        paid_7_share: 0, paid_14_share: 0, paid_30_share: 0, paid_in_full: 0, median_days_to_payment: null, handed_over_invoices: 3, handed_over_cents: 289100,
      });
    }
    // The account sets the credit note 2026-0140 off against Van Dijk's 2026-0102, so the batch
    // holds the three claims, net € 2.891,00 (what handover.json claims); the funnel ends with them.
    expect(doc.handovers).toMatchObject({ invoices: 3, cents: 289100 });
    expect(doc.effectiveness.funnel).toEqual([
      { step: 'herinnering', invoices: 7, cents: 555151 },
      { step: 'aanmaning', invoices: 3, cents: 289100 },
      { step: 'laatste-herinnering', invoices: 3, cents: 289100 },
      { step: 'handover', invoices: 3, cents: 289100 },
    ]);
  });

  it('shows the book now, its weeks, behaviour, disputes, handovers and runs', () => {
    // Open after the export: Van Dijk 2026-0161, Szőke 2026-0099, Hoekje 2026-0111, Buurtwerk
    // 2026-0150, and Jansen's 2026-0123 (not in verzuim on 20 Oct, so not in his veertiendagenbrief
    // and not handed over). The credit note is spent on the handed-over 2026-0102, so it is no open
    // item and lowers nothing here.
    expect(doc.book.open).toEqual({ invoices: 5, cents: 72600 + 123456 + 550 + 61000 + 2000 });
    // Van Dijk owes 2026-0161 whole (due 1 Oct, 40 days late): no −121,00 credit note in his row.
    expect(doc.top_debtors.find((d: any) => d.debtor === '10002')).toMatchObject({ invoices: 1, open_cents: 72600, oldest_due: '2026-10-01', days_late: 40 });
    expect(doc.book.disputed).toEqual({ invoices: 1, cents: 123456 });
    expect(doc.book.handed_over).toEqual({ invoices: 3, cents: 289100 });
    expect(doc.history.unit).toBe('week');
    expect(doc.history.points.map((p: any) => [p.period, p.date])).toEqual([['2026-W39', '2026-09-22'], ['2026-W41', '2026-10-06'], ['2026-W43', '2026-10-20'], ['2026-W46', '2026-11-10']]);
    // 22 Sep after the run: everything of the September export is open; all but 2026-0123 and
    // 2026-0150 overdue (the credit note counts, as in the aging buckets).
    expect(doc.history.points[0]).toMatchObject({ open_cents: 487941, overdue_cents: 487941 - 4840 - 61000 });
    // The last point is the book as it stands, after the export of 10 Nov.
    expect(doc.history.points.at(-1)).toMatchObject({ date: '2026-11-10', open_cents: doc.book.open.cents, overdue_cents: doc.book.overdue.cents, handed_over_cents: 289100 });
    expect(doc.behaviour.slowest).toEqual([{ debtor: '10004', name: 'Ayşe Yılmaz', payments: 1, average_days_late: 21, trend: null, days_late: [21] }]);
    expect(doc.holds.items).toMatchObject([{ debtor: '10005', dispute: true, reason: 'Klant betwist de levering (mail 3 oktober)', since: '2026-10-06', age_days: 35 }]);
    expect(doc.handovers.batches).toMatchObject([{ date: '2026-11-10', invoices: 3, handed_over_cents: 289100, paid_after_cents: 0, open_now_cents: 289100 }]);
    expect(doc.runs.items.map((r: any) => [r.date, r.letters, r.letters_by_stage])).toEqual([
      ['2026-10-20', 4, { herinnering: 1, 'laatste-herinnering': 3 }],
      ['2026-10-06', 3, { aanmaning: 3 }],
      ['2026-09-22', 5, { herinnering: 5 }],
    ]);
    expect(doc.signals.items.map((s: any) => s.kind)).toContain('rising_days_late');
  });

  it('reads the same book from the status shares stored for the day as from the invoices', async () => {
    // On a small ledger `status` stores nothing; here every debtor's share for 10 Nov is stored
    // (as `run` or a `status` on a big ledger does), on a copy, and the report is asked again.
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'dryrun-report-shares-'));
    try {
      for (const f of ['pre-incasso.db', 'pre-incasso.config.json']) fs.copyFileSync(path.join(dir, f), path.join(copy, f));
      const { loadConfig } = await import('../../src/config/load.js');
      const { policyFromConfig } = await import('../../src/config/policy.js');
      const { openLedger } = await import('../../src/ledger/ledger.js');
      const { dunningFigures } = await import('../../src/workflows/status.js');
      const loaded = await loadConfig(path.join(copy, 'pre-incasso.config.json'), {});
      const ledger = openLedger(path.join(copy, 'pre-incasso.db'));
      try {
        const debtors = ledger.db.prepare('SELECT count(*) FROM debtors').pluck().get() as number;
        dunningFigures(ledger.db, policyFromConfig(loaded.config, loaded.law, '2026-11-10'), '2026-11-10', { store: true, need: { stored: 0, stale: null, debtors } });
        expect(ledger.db.prepare("SELECT count(*) FROM debtor_status WHERE planned_on = '2026-11-10'").pluck().get()).toBe(debtors);
      } finally {
        ledger.close();
      }
      const again = ok(cli(copy, ['report', '--json', '--today', '2026-11-10']), 'report --json').json();
      expect(again.book).toEqual(doc.book);
      expect(again.top_debtors).toEqual(doc.top_debtors);
      expect({ ...again, files: null }).toEqual({ ...doc, files: null });
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  it('draws the HTML on a worker thread byte for byte as on this one, and here when no worker starts', async () => {
    // The built modules, as the CLI runs them (the worker script is dist/report/html-worker.js).
    const dist = '../../dist/report/';
    const { startHtmlRenderer } = (await import(`${dist}render.js`)) as typeof import('../../src/report/render.js');
    const { renderReportHtml } = (await import(`${dist}html.js`)) as typeof import('../../src/report/html.js');
    const { files: _files, ...document } = doc;
    const onWorker = await startHtmlRenderer().render(document);
    // ECharts numbers its SVG elements per process: the first drawing here starts fresh, as the worker's did.
    const here = await renderReportHtml(document);
    expect(onWorker).toBe(here);
    const missing = startHtmlRenderer(pathToFileURL(path.join(os.tmpdir(), `dryrun-no-such-worker-${process.pid}.js`)));
    const fallback = await missing.render(document);
    expect(fallback.length).toBeGreaterThan(10_000);
    expect(fallback).toContain('data-figure="book.open.cents"');
  });

  it('writes the same figures as CSV files, 0600, for Dutch Excel', () => {
    const out = path.join(dir, 'cijfers');
    ok(cli(dir, ['report', '--csv', 'cijfers', '--today', '2026-11-10']), 'report --csv');
    const eff = fs.readFileSync(path.join(out, 'effectiveness.csv'), 'utf8');
    expect(eff.startsWith('\uFEFFstage;letters;invoices;demanded_eur')).toBe(true);
    expect(eff).toContain('\r\nherinnering;6;7;5551,51;0,00;0;89,95;1,62;89,95;1,62;1;14;3;2891,00\r\n');
    expect(fs.statSync(path.join(out, 'effectiveness.csv')).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(path.join(dir, 'report.html'))).toBe(false);
  });
});

describe('forecast', () => {
  it('runs the planner forward: aanmaning today, the final letters after 14 days, handover after 21 more', () => {
    const f = ok(cli(dir, ['forecast', '--days', '40', '--json', '--today', '2026-11-10']), 'forecast').json();
    // Van Dijk 2026-0161 (726,00) and Buurtwerk 2026-0150 go on to their aanmaning; Jansen's
    // 2026-0123 (20,00), left out of the veertiendagenbrief of 20 Oct (not in verzuim), starts its
    // own ladder: herinnering today, aanmaning (the ingebrekestelling), final letter after its term.
    expect(f.schedule.map((d: any) => [d.date, d.actions.map((a: any) => [a.kind, a.stage, a.count])])).toEqual([
      ['2026-11-10', [['letter', 'herinnering', 1], ['letter', 'aanmaning', 2]]],
      ['2026-11-24', [['letter', 'aanmaning', 1], ['letter', 'laatste-herinnering', 2]]],
      ['2026-12-08', [['letter', 'laatste-herinnering', 1]]],
      ['2026-12-15', [['handover', null, 2]]],
    ]);
    const ledgerBefore = fs.readFileSync(path.join(dir, 'pre-incasso.db'));
    ok(cli(dir, ['forecast', '--days', '5', '--today', '2026-11-10']), 'forecast text');
    expect(fs.readFileSync(path.join(dir, 'pre-incasso.db')).equals(ledgerBefore)).toBe(true);
    expect(cli(dir, ['forecast', '--days', 'x']).code).toBe(2);
  });
});

describe('the HTML report in headless Chromium', () => {
  it('loads offline without errors and shows exactly the figures of report --json', async () => {
    const r = ok(cli(dir, ['report', '--out', 'rapport/rapport.html', '--today', '2026-11-10']), 'report --out');
    const file = path.join(dir, 'rapport', 'rapport.html');
    expect(r.stdout).toContain(`HTML: ${file}`);
    const html = fs.readFileSync(file);
    expect(html.length).toBeLessThan(2 * 1024 * 1024);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(html.toString()).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    // One disputed invoice (Szőke): singular, not "1 facturen".
    expect(html.toString()).toMatch(/>1 factuur</);
    expect(html.toString()).not.toMatch(/>1 facturen</);

    const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      await page.setViewport({ width: 1200, height: 900 });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warn') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.setRequestInterception(true);
      page.on('request', (req) => {
        if (req.url() === pathToFileURL(file).href) return void req.continue();
        requests.push(req.url());
        void req.abort();
      });
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      const figures = await page.$$eval('[data-figure]', (els) =>
        els.map((e) => ({ path: e.getAttribute('data-figure')!, format: e.getAttribute('data-format')!, value: e.getAttribute('data-value')!, text: (e.textContent ?? '').trim() })),
      );
      const charts = await page.$$eval('figure.chart svg', (els) => els.length);
      const shot = process.env.REPORT_SCREENSHOT ?? path.join(dir, 'rapport.png');
      await page.screenshot({ path: shot as `${string}.png`, fullPage: true });
      expect(fs.statSync(shot).size).toBeGreaterThan(10_000);

      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      expect(charts).toBe(5);
      expect(figures.length).toBeGreaterThan(80);
      const at = (p: string): unknown => p.split('.').reduce<any>((o, k) => o?.[k], doc);
      for (const f of figures) {
        const expected = at(f.path);
        expect(expected, f.path).not.toBeUndefined();
        expect(f.value, f.path).toBe(expected === null ? '' : String(expected));
        expect(f.text, f.path).toBe(formatFigure(expected, f.format as FigureFormat, 'nl'));
      }
      expect(figures.find((f) => f.path === 'effectiveness.stages.0.paid_14_share')?.text).toBe('1,6%');
    } finally {
      await browser.close();
    }
  }, 60_000);
});

describe('book snapshots', () => {
  it('are written by each import and run, under its --today date', () => {
    const db = new Database(path.join(dir, 'pre-incasso.db'), { readonly: true });
    try {
      const rows = db.prepare('SELECT today, source FROM book_snapshots ORDER BY id').all();
      expect(rows).toEqual([
        { today: '2026-09-22', source: 'import' }, { today: '2026-09-22', source: 'run' },
        { today: '2026-10-06', source: 'import' }, { today: '2026-10-06', source: 'run' },
        { today: '2026-10-20', source: 'import' }, { today: '2026-10-20', source: 'run' },
        { today: '2026-11-10', source: 'import' },
      ]);
    } finally {
      db.close();
    }
  });
});

describe('in English, with hostile text in the ledger', () => {
  it('escapes debtor data in the HTML, keeps it inert in the CSV, and speaks English', () => {
    const reason = '=HYPERLINK("http://x")<img src=x onerror=alert(1)>';
    ok(cli(dir, ['hold', '10007', '--reason', reason, '--today', '2026-11-10']), 'hold');
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'pre-incasso.config.json'), 'utf8'));
    config.defaults = { ...config.defaults, language: 'en' };
    fs.writeFileSync(path.join(dir, 'en.config.json'), JSON.stringify(config));
    ok(cli(dir, ['--config', 'en.config.json', 'report', '--out', 'en.html', '--csv', 'en-csv', '--today', '2026-11-10']), 'report en');
    const html = fs.readFileSync(path.join(dir, 'en.html'), 'utf8');
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Accounts receivable report');
    expect(html).toContain('data-figure="book.open.cents" data-format="euro" data-value="259606">€ 2,596.06<');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
    const holds = fs.readFileSync(path.join(dir, 'en-csv', 'holds.csv'), 'utf8');
    expect(holds).toContain(`;"'=HYPERLINK(""http://x"")<img src=x onerror=alert(1)>";`);
  });
});


describe('a book snapshot after the handover', () => {
  it('agrees with the accounts: the spent credit note is no open item, the handed-over claim keeps its credit', () => {
    ok(cli(dir, ['import', 'openstaande-posten-oktober.csv', '--snapshot', '--today', '2026-11-17']), 'import 17 Nov');
    const db = new Database(path.join(dir, 'pre-incasso.db'), { readonly: true });
    try {
      // Open: 0099 (1.234,56), 0111 (5,50), 0150 (610,00), 0161 (726,00), 0123 (20,00), all overdue
      // on 17 Nov; handed over 0101 + 0102 net of the credit + 0105 = 121,00 + 2.420,00 + 350,00.
      expect(db.prepare("SELECT open_invoices, open_cents, overdue_invoices, overdue_cents, handed_over_cents FROM book_snapshots WHERE today = '2026-11-17'").get())
        .toEqual({ open_invoices: 5, open_cents: 259606, overdue_invoices: 5, overdue_cents: 259606, handed_over_cents: 289100 });
      // Van Dijk still owes 2026-0161 whole: his credit went with 2026-0102.
      expect(db.prepare("SELECT d.open_cents, d.overdue_cents FROM book_snapshot_debtors d JOIN book_snapshots s ON s.id = d.snapshot_id WHERE s.today = '2026-11-17' AND d.debtor_number = '10002'").get())
        .toEqual({ open_cents: 72600, overdue_cents: 72600 });
    } finally {
      db.close();
    }
  });
});
