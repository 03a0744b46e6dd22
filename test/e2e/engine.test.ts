// The dunning engine end to end: the built CLI in a temp dir, driven over successive --today dates
// as cron would, with the ledger inspected afterwards. Needs `npm run build` first.
import { describe, it, expect, beforeAll } from 'vitest';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { cli, cliAsync, removedAfterAll, workspace, writeCsv, CSV_HEADER, type CliResult, ok } from '../helpers/cli.js';
import { query } from '../helpers/ledger.js';

// ---------------------------------------------------------------------------------------------
// Helpers

const LEDGER = 'pre-incasso.db';

const dirs = removedAfterAll();
/** A fresh work folder (the helper's workspace), removed when the file is done. */
function ws(options?: Parameters<typeof workspace>[0]): string {
  const dir = workspace(options);
  dirs.push(dir);
  return dir;
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

interface JsonAction {
  kind: 'letter' | 'handover' | 'skip';
  debtor: string;
  stage?: string;
  invoices?: string[];
  amount_cents?: number;
  channels?: string[];
  costs_cents?: number;
  code?: string;
  reason?: string;
}

/** One line per action: what a credit manager reads in the run report. */
function brief(a: JsonAction): string {
  if (a.kind === 'letter') {
    return `${a.debtor} ${a.stage} ${a.invoices!.join(',')} ${a.amount_cents} ${a.channels!.join('+')}${a.costs_cents !== undefined ? ` costs ${a.costs_cents}` : ''}`;
  }
  if (a.kind === 'handover') return `${a.debtor} handover ${a.invoices!.join(',')} ${a.amount_cents}`;
  return `${a.debtor} skip ${a.code}`;
}

function importFile(dir: string, file: string, today: string, extra: string[] = []): void {
  ok(cli(dir, ['import', file, '--today', today, '--json', ...extra]), `import ${file} on ${today}`);
}

function runJson(dir: string, today: string, extra: string[] = []): { doc: { today: string; actions: JsonAction[] }; result: CliResult } {
  const result = ok(cli(dir, ['run', '--no-mail', '--json', '--today', today, ...extra]), `run on ${today}`);
  return { doc: result.json(), result };
}

function lettersOn(dir: string, date: string): string[] {
  return query<{ debtor_number: string; stage_id: string; amount_cents: number; channels: string; costs_cents: number | null; invoices: string }>(
    dir,
    `SELECT l.debtor_number, l.stage_id, l.amount_cents, l.channels, l.costs_cents,
            (SELECT group_concat(invoice_number, ',') FROM (SELECT invoice_number FROM letter_invoices WHERE letter_id = l.id AND role = 'due' ORDER BY invoice_number)) AS invoices
     FROM letters l WHERE l.date = ? ORDER BY l.debtor_number`,
    date,
  ).map((l) => `${l.debtor_number} ${l.stage_id} ${l.invoices} ${l.amount_cents} ${(JSON.parse(l.channels) as string[]).join('+')}${l.costs_cents !== null ? ` costs ${l.costs_cents}` : ''}`);
}

function stages(dir: string): Record<string, string> {
  const names = ['herinnering', 'aanmaning', 'laatste-herinnering'];
  return Object.fromEntries(
    query<{ number: string; stage_index: number | null; stage_date: string | null; status: string }>(dir, 'SELECT number, stage_index, stage_date, status FROM invoices ORDER BY number').map((r) => [
      r.number,
      r.status !== 'open' ? r.status : r.stage_index === null ? '-' : `${names[r.stage_index]} ${r.stage_date}`,
    ]),
  );
}

/**
 * The stage columns agree with the letters and the audit trail: an invoice's stage letter lists it
 * as due, on its stage date, at the letter's stage or below (an invoice moves one step even when
 * the letter is at a higher stage); the last stage_changed event names that letter; and the events
 * of each invoice are exactly the stages 0..stage, once each (never a stage skipped or doubled).
 */
function inconsistentStages(dir: string): unknown[] {
  return query(
    dir,
    `SELECT i.number, 'letter' AS problem FROM invoices i
     LEFT JOIN letters l ON l.id = i.stage_letter_id
     LEFT JOIN letter_invoices li ON li.letter_id = i.stage_letter_id AND li.invoice_number = i.number
     WHERE (i.stage_index IS NULL) <> (i.stage_letter_id IS NULL)
        OR (i.stage_letter_id IS NOT NULL AND (l.id IS NULL OR li.role IS NOT 'due' OR i.stage_index > l.stage_index OR l.date <> i.stage_date))
     UNION ALL
     SELECT li.invoice_number, 'newer letter than the stage letter' FROM letter_invoices li JOIN invoices i ON i.number = li.invoice_number
     WHERE li.role = 'due' AND (i.stage_letter_id IS NULL OR i.stage_letter_id < li.letter_id)
     UNION ALL
     SELECT i.number, 'events' FROM invoices i
     WHERE i.stage_index IS NOT NULL AND (
       -- One event per stage reached, ending at the current one. A consumer claim swept into the
       -- veertiendagenbrief (6:96 lid 7) may reach the final stage without earlier events.
       SELECT count(*) <> count(DISTINCT json_extract(e.data, '$.stage_index')) OR count(*) > i.stage_index + 1
              OR max(json_extract(e.data, '$.stage_index')) <> i.stage_index
       FROM events e WHERE e.kind = 'stage_changed' AND e.invoice_number = i.number)
     UNION ALL
     SELECT i.number, 'last event' FROM invoices i
     WHERE i.stage_letter_id IS NOT NULL AND i.stage_letter_id IS NOT (
       SELECT json_extract(e.data, '$.letter_id') FROM events e WHERE e.kind = 'stage_changed' AND e.invoice_number = i.number ORDER BY e.id DESC LIMIT 1)`,
  );
}

// ---------------------------------------------------------------------------------------------

describe('a season of dunning: import and run over successive dates', () => {
  let dir: string;
  beforeAll(() => {
    dir = ws({ files: ['openstaande-posten-september.csv', 'openstaande-posten-oktober.csv'] });
  });

  it('22 Sept: the herinnering for everyone 7 days past due; the €5,50 café is below the minimum', () => {
    importFile(dir, 'openstaande-posten-september.csv', '2026-09-22');
    const { doc } = runJson(dir, '2026-09-22');
    expect(doc.today).toBe('2026-09-22');
    expect(doc.actions.map(brief)).toEqual([
      '10001 herinnering 2026-0101 12100 email', // 2026-0123 is not overdue yet
      '10002 herinnering 2026-0102 242000 email', // €2.541 minus the €121 credit note
      '10003 herinnering 2026-0105 35000 post', // no e-mail address
      '10004 herinnering 2026-0107 8995 email',
      '10005 herinnering 2026-0099 123456 email',
      '10006 skip below_minimum',
    ]);
    expect(lettersOn(dir, '2026-09-22')).toEqual([
      '10001 herinnering 2026-0101 12100 email',
      '10002 herinnering 2026-0102 242000 email',
      '10003 herinnering 2026-0105 35000 post',
      '10004 herinnering 2026-0107 8995 email',
      '10005 herinnering 2026-0099 123456 email',
    ]);
    expect(stages(dir)).toMatchObject({ '2026-0101': 'herinnering 2026-09-22', '2026-0123': '-', '2026-0140': '-', '2026-0150': '-', '2026-0111': '-' });
    expect(inconsistentStages(dir)).toEqual([]);
  });

  it('22 Sept again (a second cron run): nothing recorded', () => {
    const before = query<{ n: number }>(dir, 'SELECT count(*) AS n FROM letters')[0]!.n;
    const stagesBefore = stages(dir);
    const { doc } = runJson(dir, '2026-09-22');
    expect(doc.actions.filter((a) => a.kind === 'letter')).toEqual([]);
    expect(query<{ n: number }>(dir, 'SELECT count(*) AS n FROM letters')[0]!.n).toBe(before);
    expect(stages(dir)).toEqual(stagesBefore);
  });

  it('6 Oct, October snapshot (Yılmaz paid, Jansen paid part of 0123, Van Dijk has a new invoice): aanmaning 14 days after the herinnering', () => {
    importFile(dir, 'openstaande-posten-oktober.csv', '2026-10-06', ['--snapshot']);
    const dry = ok(cli(dir, ['run', '--dry-run', '--json', '--today', '2026-10-06']), 'dry run').json<{ actions: JsonAction[] }>();
    const { doc } = runJson(dir, '2026-10-06');
    expect(doc.actions).toEqual(dry.actions);
    expect(doc.actions.map(brief)).toEqual([
      '10001 aanmaning 2026-0101 12100 email',
      '10002 aanmaning 2026-0102 242000 email',
      '10003 aanmaning 2026-0105 35000 post',
      '10005 aanmaning 2026-0099 123456 email',
      '10006 skip below_minimum',
    ]);
    // Invoices overdue but not due for their next stage are shown, not moved.
    const jansen = doc.actions.find((a) => a.debtor === '10001') as JsonAction & { also_open: string[] };
    expect(jansen.also_open).toEqual(['2026-0123']);
    const vanDijk = doc.actions.find((a) => a.debtor === '10002') as JsonAction & { also_open: string[] };
    // Credit note 2026-0140 is set off against 2026-0102 by the account; it is not listed again.
    expect(vanDijk.also_open).toEqual(['2026-0161']);
    expect(stages(dir)).toMatchObject({ '2026-0107': 'closed', '2026-0101': 'aanmaning 2026-10-06', '2026-0123': '-', '2026-0161': '-' });
    expect(inconsistentStages(dir)).toEqual([]);
  });

  it('20 Oct: last letters (by post as well; BIK costs for consumers only); new invoices join at herinnering', () => {
    importFile(dir, 'openstaande-posten-oktober.csv', '2026-10-20', ['--snapshot']);
    const { doc } = runJson(dir, '2026-10-20');
    expect(doc.actions.map(brief)).toEqual([
      // 6:96 lid 6-7: only claims in verzuim join the veertiendagenbrief. The bundled config has no
      // fatal payment term, and 0123 (€20 left) has had no ingebrekestelling yet: it keeps its own ladder.
      '10001 laatste-herinnering 2026-0101 12100 email+post costs 4000',
      // business: no costs; the credit note still nets
      '10002 laatste-herinnering 2026-0102,2026-0161 314600 email+post',
      '10003 laatste-herinnering 2026-0105 35000 post costs 5250',
      '10005 laatste-herinnering 2026-0099 123456 email+post costs 18518',
      '10006 skip below_minimum',
      '10007 herinnering 2026-0150 61000 email',
    ]);
    expect(lettersOn(dir, '2026-10-20')).toEqual([
      '10001 laatste-herinnering 2026-0101 12100 email+post costs 4000',
      '10002 laatste-herinnering 2026-0102,2026-0161 314600 email+post',
      '10003 laatste-herinnering 2026-0105 35000 post costs 5250',
      '10005 laatste-herinnering 2026-0099 123456 email+post costs 18518',
      '10007 herinnering 2026-0150 61000 email',
    ]);
    expect(stages(dir)).toMatchObject({
      '2026-0101': 'laatste-herinnering 2026-10-20',
      '2026-0123': '-',
      '2026-0161': 'herinnering 2026-10-20',
      '2026-0150': 'herinnering 2026-10-20',
    });
    expect(inconsistentStages(dir)).toEqual([]);
  });

  it('5 Nov: consumer term still running, nothing ready for handover (explain says when)', () => {
    importFile(dir, 'openstaande-posten-oktober.csv', '2026-11-05', ['--snapshot']);
    const status = ok(cli(dir, ['status', '--json', '--today', '2026-11-05'])).json();
    expect(status.ready_for_handover).toBe(0);
    const explain = ok(cli(dir, ['explain', '10001', '--json', '--today', '2026-11-05'])).json();
    const inv = explain.invoices.find((i: { invoice: string }) => i.invoice === '2026-0101');
    // Sent Tue 20 Oct by post: delivered Fri 23 Oct (2-day postal norm since 1 July 2026, law/delivery.json),
    // term ends Fri 6 Nov; handover.after 21 → 10 Nov.
    expect(inv).toMatchObject({ stage: 'laatste-herinnering', stage_date: '2026-10-20', state: 'final_waiting', term_end: '2026-11-06', handover_on: '2026-11-10' });
    expect(explain.letters.map((l: { date: string; stage: string }) => `${l.date} ${l.stage}`)).toEqual([
      '2026-09-22 herinnering',
      '2026-10-06 aanmaning',
      '2026-10-20 laatste-herinnering',
    ]);
  });

  it('10 Nov: claims after the last letter are ready for handover; the younger invoices get their aanmaning', () => {
    importFile(dir, 'openstaande-posten-oktober.csv', '2026-11-10', ['--snapshot']);
    const { doc } = runJson(dir, '2026-11-10');
    expect(doc.actions.map(brief)).toEqual([
      '10001 handover 2026-0101 12100',
      '10001 herinnering 2026-0123 2000 email',
      // The credit note stays with 2026-0102 (oldest due), in the letter and the handover alike.
      '10002 handover 2026-0102 242000',
      '10002 aanmaning 2026-0161 72600 email',
      '10003 handover 2026-0105 35000',
      '10005 handover 2026-0099 123456',
      '10006 skip below_minimum',
      '10007 aanmaning 2026-0150 61000 email',
    ]);
    expect(lettersOn(dir, '2026-11-10')).toEqual([
      '10001 herinnering 2026-0123 2000 email',
      '10002 aanmaning 2026-0161 72600 email',
      '10007 aanmaning 2026-0150 61000 email',
    ]);
    // Never a stage skipped, never two letters a day: each debtor's letters in ladder order.
    const perDebtor = query<{ debtor_number: string; dates: string }>(dir, "SELECT debtor_number, group_concat(date || ' ' || stage_id, ' | ') AS dates FROM (SELECT * FROM letters ORDER BY date) GROUP BY debtor_number");
    expect(Object.fromEntries(perDebtor.map((r) => [r.debtor_number, r.dates]))).toEqual({
      '10001': '2026-09-22 herinnering | 2026-10-06 aanmaning | 2026-10-20 laatste-herinnering | 2026-11-10 herinnering',
      '10002': '2026-09-22 herinnering | 2026-10-06 aanmaning | 2026-10-20 laatste-herinnering | 2026-11-10 aanmaning',
      '10003': '2026-09-22 herinnering | 2026-10-06 aanmaning | 2026-10-20 laatste-herinnering',
      '10004': '2026-09-22 herinnering',
      '10005': '2026-09-22 herinnering | 2026-10-06 aanmaning | 2026-10-20 laatste-herinnering',
      '10007': '2026-10-20 herinnering | 2026-11-10 aanmaning',
    });
    const status = ok(cli(dir, ['status', '--json', '--today', '2026-11-10'])).json();
    expect(status.ready_for_handover).toBe(4);
    expect(status.ready_for_handover_cents).toBe(12100 + 242000 + 35000 + 123456);
    expect(inconsistentStages(dir)).toEqual([]);
  });

  it('10 Nov: a dispute blocks the handover of Van Dijk until it is released', () => {
    ok(cli(dir, ['hold', '10002', '--dispute', '--reason', 'meerwerk betwist', '--today', '2026-11-10', '--json']));
    let status = ok(cli(dir, ['status', '--json', '--today', '2026-11-10'])).json();
    expect(status).toMatchObject({ on_hold: 1, disputes: 1, ready_for_handover: 3 });
    const explain = ok(cli(dir, ['explain', '10002', '--json', '--today', '2026-11-10'])).json();
    expect(explain.holds).toEqual([{ invoice: null, reason: 'meerwerk betwist', dispute: true, until: null }]);
    expect(explain.actions.map((a: JsonAction) => brief(a))).toEqual(['10002 skip debtor_disputed']);
    expect(explain.invoices.every((i: { state: string }) => i.state === 'held' || i.state === 'credit')).toBe(true);
    ok(cli(dir, ['release', '10002', '--today', '2026-11-10', '--json']));
    status = ok(cli(dir, ['status', '--json', '--today', '2026-11-10'])).json();
    expect(status).toMatchObject({ on_hold: 0, ready_for_handover: 4 });
  });
});

describe('holds from the command line', () => {
  it('hold --until pauses a debtor until that date, --dispute blocks an invoice until release', () => {
    const dir = ws({ files: ['openstaande-posten-september.csv'] });
    importFile(dir, 'openstaande-posten-september.csv', '2026-09-20');
    const h = ok(cli(dir, ['hold', '10001', '--reason', 'betalingsregeling', '--until', '2026-10-01', '--json', '--today', '2026-09-20'])).json();
    expect(h).toMatchObject({ debtor: '10001', invoice: null, dispute: false, until: '2026-10-01' });
    const d = ok(cli(dir, ['hold', '2026-0099', '--dispute', '--reason', 'levering onvolledig', '--json', '--today', '2026-09-20'])).json();
    expect(d).toMatchObject({ debtor: '10005', invoice: '2026-0099', dispute: true, until: null });

    // An until date that is not in the future is a usage error, and nothing is written.
    const past = cli(dir, ['hold', '10003', '--reason', 'x', '--until', '2026-09-20', '--today', '2026-09-20']);
    expect(past.code).toBe(2);
    expect(past.stderr).toContain('--until 2026-09-20');

    const status = ok(cli(dir, ['status', '--json', '--today', '2026-09-22'])).json();
    expect(status).toMatchObject({ on_hold: 2, disputes: 1 });
    const explain = ok(cli(dir, ['explain', '10001', '--json', '--today', '2026-09-22'])).json();
    expect(explain.holds).toEqual([{ invoice: null, reason: 'betalingsregeling', dispute: false, until: '2026-10-01' }]);
    expect(explain.actions.map(brief)).toEqual(['10001 skip debtor_on_hold']);
    expect(explain.invoices.map((i: { invoice: string; state: string }) => `${i.invoice} ${i.state}`)).toEqual(['2026-0101 held', '2026-0123 held']);

    let { doc } = runJson(dir, '2026-09-22');
    expect(doc.actions.filter((a) => ['10001', '10005'].includes(a.debtor)).map(brief)).toEqual(['10001 skip debtor_on_hold', '10005 skip invoice_disputed']);
    expect(lettersOn(dir, '2026-09-22').map((l) => l.split(' ')[0])).toEqual(['10002', '10003', '10004']);

    // The last day of the hold: still paused.
    importFile(dir, 'openstaande-posten-september.csv', '2026-09-30');
    expect(ok(cli(dir, ['explain', '10001', '--json', '--today', '2026-09-30'])).json().actions.map(brief)).toEqual(['10001 skip debtor_on_hold']);

    // On the until date dunning resumes by itself.
    importFile(dir, 'openstaande-posten-september.csv', '2026-10-01');
    expect(ok(cli(dir, ['status', '--json', '--today', '2026-10-01'])).json()).toMatchObject({ on_hold: 1, disputes: 1 });
    ({ doc } = runJson(dir, '2026-10-01'));
    expect(doc.actions.map(brief)).toContain('10001 herinnering 2026-0101 12100 email');
    expect(doc.actions.map(brief)).toContain('10005 skip invoice_disputed');

    // Released: the disputed invoice gets its herinnering on the next run (there is no earlier letter that day).
    const r = ok(cli(dir, ['release', '2026-0099', '--json', '--today', '2026-10-01'])).json();
    expect(r).toMatchObject({ released: 1, invoice: '2026-0099' });
    importFile(dir, 'openstaande-posten-september.csv', '2026-10-02');
    ({ doc } = runJson(dir, '2026-10-02'));
    expect(doc.actions.map(brief)).toContain('10005 herinnering 2026-0099 123456 email');
    expect(stages(dir)['2026-0099']).toBe('herinnering 2026-10-02');
    expect(ok(cli(dir, ['status', '--json', '--today', '2026-10-02'])).json()).toMatchObject({ on_hold: 0, disputes: 0 });
  });
});

describe('dry run', () => {
  it('run --dry-run --json prints exactly the actions of the following run and leaves the ledger byte-identical', () => {
    const dir = ws({ files: ['openstaande-posten-september.csv'] });
    importFile(dir, 'openstaande-posten-september.csv', '2026-09-22');
    const file = path.join(dir, LEDGER);
    const before = sha256(file);
    const dry = ok(cli(dir, ['run', '--dry-run', '--json', '--today', '2026-09-22']));
    expect(sha256(file)).toBe(before);
    expect(fs.existsSync(`${file}-journal`)).toBe(false);
    expect(query(dir, 'SELECT * FROM letters')).toEqual([]);
    const { doc } = runJson(dir, '2026-09-22');
    expect(dry.json().actions.length).toBeGreaterThan(0);
    expect(dry.json().actions).toEqual(doc.actions);
    expect(sha256(file)).not.toBe(before);
    // And after the run, the dry run for the same day shows nothing left to send.
    const again = ok(cli(dir, ['run', '--dry-run', '--json', '--today', '2026-09-22'])).json();
    expect(again.actions.filter((a: JsonAction) => a.kind === 'letter')).toEqual([]);
  });
});

describe('stale data', () => {
  it('refuses with exit 4, the dates and the fix when the newest import is older than maxDataAgeDays; --allow-stale overrides', () => {
    const dir = ws({ files: ['openstaande-posten-september.csv'] });
    importFile(dir, 'openstaande-posten-september.csv', '2026-09-22');
    const stale = cli(dir, ['run', '--no-mail', '--today', '2026-09-30']);
    expect(stale.code).toBe(4);
    expect(stale.stderr).toContain('2026-09-22');
    expect(stale.stderr).toContain('2026-09-30');
    expect(stale.stderr).toMatch(/import/i);
    expect(stale.stderr).toContain('--allow-stale');
    expect(query(dir, 'SELECT * FROM runs')).toEqual([]);

    const json = cli(dir, ['run', '--no-mail', '--json', '--today', '2026-09-30']);
    expect(json.code).toBe(4);
    expect(json.json().error).toMatchObject({ code: 'stale_data' });
    expect(json.json().error.message).toContain('2026-09-22');

    // The dry run applies the same rule: it previews the run, which would refuse.
    expect(cli(dir, ['run', '--dry-run', '--today', '2026-09-30']).code).toBe(4);

    // Exactly seven days old is still fresh (the dry run checks the same rule, without rendering).
    expect(cli(dir, ['run', '--dry-run', '--today', '2026-09-29']).code).toBe(0);

    // --allow-stale: the run goes ahead and records its letters.
    const allowed = runJson(dir, '2026-10-15', ['--allow-stale']);
    expect(allowed.doc.actions.filter((a) => a.kind === 'letter').length).toBe(5);
    expect(query(dir, "SELECT count(*) AS n FROM letters WHERE date = '2026-10-15'")).toEqual([{ n: 5 }]);

    // maxDataAgeDays comes from the config.
    const dir2 = ws({ files: ['openstaande-posten-september.csv'], config: (c) => ({ ...c, maxDataAgeDays: 30 }) });
    importFile(dir2, 'openstaande-posten-september.csv', '2026-09-22');
    expect(cli(dir2, ['run', '--dry-run', '--today', '2026-10-22']).code).toBe(0);
    expect(cli(dir2, ['run', '--dry-run', '--today', '2026-10-23']).code).toBe(4);
  });
});

describe('configuration errors: exit 3 with the path of the setting', () => {
  type Stage = { id: string; after: number; channels: string[]; final?: boolean };
  const withStages = (edit: (s: Stage[]) => void) => (c: { stages: Stage[] }) => {
    edit(c.stages);
    return c;
  };
  it.each([
    ['duplicate stage id', 'stages[1].id', withStages((s) => (s[1]!.id = 'herinnering')), /used twice/],
    ['final stage not the last', 'stages[1].final', withStages((s) => { s[1]!.final = true; delete s[2]!.final; }), /only the last stage/],
    ['two final stages', 'stages[0].final', withStages((s) => (s[0]!.final = true)), /only the last stage/],
    ['no final stage', 'stages[2].final', withStages((s) => delete s[2]!.final), /final/],
    ['after 0 days', 'stages[0].after', withStages((s) => (s[0]!.after = 0)), /at least 1/],
    ['after not a whole number', 'stages[1].after', withStages((s) => (s[1]!.after = 7.5)), /whole number/],
    ['handover after 14 days', 'handover.after', (c: { handover: { after: number } }) => ({ ...c, handover: { after: 14 } }), /15/],
  ] as const)('%s → exit 3 naming %s', (_name, where, edit, rule) => {
    const dir = ws({ files: ['openstaande-posten-september.csv'], config: edit as (c: any) => any });
    const r = cli(dir, ['run', '--no-mail', '--today', '2026-09-22']);
    expect(r.code).toBe(3);
    const line = r.stderr.split('\n').find((l) => l.includes(`${where}:`));
    expect(line, r.stderr).toBeDefined();
    expect(line).toMatch(rule);
    expect(fs.existsSync(path.join(dir, LEDGER))).toBe(false);
    // Every command validates the config; under --json the error is the one document on stdout.
    const j = cli(dir, ['status', '--json', '--today', '2026-09-22']);
    expect(j.code).toBe(3);
    expect(j.json().error.code).toBe('config_invalid');
    expect(JSON.stringify(j.json().error)).toContain(where);
  });
});

// ---------------------------------------------------------------------------------------------
// Robustness under cron: concurrent runs and kill -9, on a ledger of 3,000 invoices (100 debtors
// with 30 each: two due for the herinnering, one overdue but not yet due, the rest not overdue).
// Rendering the PDFs after the recording keeps a run busy for a second or two.

const DEBTORS = 100;
const BELOW_MINIMUM = (i: number): boolean => i % 25 === 0;
const DUE_DEBTORS = Array.from({ length: DEBTORS }, (_, i) => i).filter((i) => !BELOW_MINIMUM(i)).length;

function bigExport(dir: string): string {
  const lines = [CSV_HEADER];
  for (let i = 0; i < DEBTORS; i++) {
    const n = String(20000 + i);
    const who = `${n};Debiteur ${n};${i % 2 ? 'zakelijk' : 'particulier'};d${n}@example.nl;Straat ${i};3811 AB;Amersfoort`;
    for (let k = 0; k < 30; k++) {
      const due = k < 2 ? '31-08-2026' : k === 2 ? '19-09-2026' : '31-10-2026';
      const amount = BELOW_MINIMUM(i) && k < 2 ? '3,00' : `${20 + k},${String(i % 100).padStart(2, '0')}`;
      lines.push(`F${n}-${String(k).padStart(2, '0')};${who};01-08-2026;${due};${amount};${amount}`);
    }
  }
  return writeCsv(dir, 'groot.csv', lines);
}

/** The first bytes of a SQLite rollback journal once it is synced: from then on it is "hot". */
const JOURNAL_MAGIC = Buffer.from('d9d505f920a163d7', 'hex');

function journalIsHot(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(8);
    return fs.readSync(fd, buf, 0, 8, 0) === 8 && buf.equals(JOURNAL_MAGIC);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

describe('safe to run from cron', () => {
  let base: string;
  beforeAll(() => {
    base = ws();
    bigExport(base);
    importFile(base, 'groot.csv', '2026-09-22');
    expect(query(base, 'SELECT count(*) AS n FROM invoices')).toEqual([{ n: DEBTORS * 30 }]);
  });

  /** A fresh copy of the imported ledger (as if each case were its own morning). */
  function copyOfBase(): string {
    const dir = ws();
    fs.copyFileSync(path.join(base, LEDGER), path.join(dir, LEDGER));
    return dir;
  }

  /** Exactly one herinnering per due debtor for 22 Sept, nothing doubled or lost, stage columns agreeing. */
  function expectOneLetterPerDueDebtor(dir: string): void {
    const letters = query<{ n: number; debtors: number }>(dir, "SELECT count(*) AS n, count(DISTINCT debtor_number) AS debtors FROM letters WHERE date = '2026-09-22' AND stage_index = 0")[0];
    expect(letters).toEqual({ n: DUE_DEBTORS, debtors: DUE_DEBTORS });
    expect(query(dir, "SELECT count(*) AS n FROM letters WHERE date <> '2026-09-22' OR stage_index <> 0")).toEqual([{ n: 0 }]);
    // Each letter: its two due invoices and the one also open; the debtors below the minimum have none.
    expect(query(dir, "SELECT letter_id FROM letter_invoices GROUP BY letter_id HAVING sum(role = 'due') <> 2 OR sum(role = 'also_open') <> 1")).toEqual([]);
    expect(query(dir, "SELECT count(*) AS n FROM invoices WHERE stage_index = 0 AND stage_date = '2026-09-22'")).toEqual([{ n: 2 * DUE_DEBTORS }]);
    expect(query(dir, "SELECT count(*) AS n FROM invoices WHERE stage_index IS NOT NULL")).toEqual([{ n: 2 * DUE_DEBTORS }]);
    expect(inconsistentStages(dir)).toEqual([]);
    // Every letter got its PDF once the run completed.
    expect(query(dir, 'SELECT count(*) AS n FROM letters WHERE pdf IS NULL OR pdf_sha256 IS NULL')).toEqual([{ n: 0 }]);
  }

  it('a second run the same day finds nothing to do', () => {
    const dir = copyOfBase();
    const first = runJson(dir, '2026-09-22').doc;
    expect(first.actions.filter((a) => a.kind === 'letter').length).toBe(DUE_DEBTORS);
    const events = query<{ n: number }>(dir, "SELECT count(*) AS n FROM events WHERE kind IN ('letter_recorded', 'stage_changed')")[0]!.n;
    const second = runJson(dir, '2026-09-22').doc;
    expect(second.actions.filter((a) => a.kind === 'letter')).toEqual([]);
    expect(query(dir, "SELECT count(*) AS n FROM events WHERE kind IN ('letter_recorded', 'stage_changed')")).toEqual([{ n: events }]);
    expectOneLetterPerDueDebtor(dir);
  });

  it('a re-import the same day with a new overdue invoice: the second run writes no second letter for that debtor (exit 0); the next day it does', () => {
    const dir = ws({ files: ['openstaande-posten-september.csv'] });
    importFile(dir, 'openstaande-posten-september.csv', '2026-09-22');
    runJson(dir, '2026-09-22');
    const september = fs.readFileSync(path.join(dir, 'openstaande-posten-september.csv'), 'utf8');
    fs.writeFileSync(path.join(dir, 'gecorrigeerd.csv'), `${september.trimEnd()}\n2026-0190;10001;J. Jansen;particulier;;j.jansen@example.nl;Lindelaan 4;3818 LK;Amersfoort;NL;nl;;;11-08-2026;10-09-2026;60,00;60,00;\n`);
    importFile(dir, 'gecorrigeerd.csv', '2026-09-22');
    const dry = ok(cli(dir, ['run', '--dry-run', '--json', '--today', '2026-09-22'])).json<{ actions: JsonAction[] }>();
    const { doc } = runJson(dir, '2026-09-22');
    expect(doc.actions).toEqual(dry.actions);
    expect(doc.actions.map(brief)).toEqual(['10001 skip letter_already_sent', '10006 skip below_minimum']);
    expect(query(dir, "SELECT count(*) AS n FROM letters WHERE debtor_number = '10001'")).toEqual([{ n: 1 }]);
    importFile(dir, 'gecorrigeerd.csv', '2026-09-23');
    expect(runJson(dir, '2026-09-23').doc.actions.map(brief)).toEqual(['10001 herinnering 2026-0190 6000 email', '10006 skip below_minimum']);
    expect(inconsistentStages(dir)).toEqual([]);
  });

  it('two runs at the same time: one does the work, the other waits briefly and exits 5', async () => {
    const dir = copyOfBase();
    const lockFile = path.join(dir, `${LEDGER}.lock.json`);
    const first = cliAsync(dir, ['run', '--no-mail', '--today', '2026-09-22']);
    const t0 = Date.now();
    while (!fs.existsSync(lockFile) && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 2));
    expect(fs.existsSync(lockFile)).toBe(true);
    const second = cliAsync(dir, ['run', '--no-mail', '--today', '2026-09-22']);
    const [a, b] = await Promise.all([first, second]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(5);
    expect(b.stderr).toMatch(/in use by process \d+/);
    expect(b.stderr).toContain('hint:');
    expectOneLetterPerDueDebtor(dir);
    expect(fs.existsSync(lockFile)).toBe(false);
  });

  // Kill points anchored where they matter: before the lock, at the lock, in the recording
  // transaction, while the PDFs are rendered (one small commit each), in the middle of a commit.
  type KillAt = { afterStartMs: number } | { afterLockMs: number } | 'hot' | 'finished';
  it.each<[string, KillAt]>([
    ['50 ms after the start (still starting up)', { afterStartMs: 50 }],
    ['the moment it holds the lock', { afterLockMs: 0 }],
    ['150 ms after it took the lock (recording)', { afterLockMs: 150 }],
    ['1,500 ms after the start (rendering the PDFs)', { afterStartMs: 1500 }],
    ['the moment a ledger journal is hot (mid-commit)', 'hot'],
    ['after it finished', 'finished'],
  ])('kill -9 %s, then run again: no letter lost, none doubled', async (_name, when) => {
    const dir = copyOfBase();
    const journal = path.join(dir, `${LEDGER}-journal`);
    const lockFile = path.join(dir, `${LEDGER}.lock.json`);
    const run = cliAsync(dir, ['run', '--no-mail', '--today', '2026-09-22']);
    let exited = false;
    void run.then(() => (exited = true));
    const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
    if (typeof when === 'object' && 'afterStartMs' in when) {
      await new Promise((r) => setTimeout(r, when.afterStartMs));
      run.kill('SIGKILL');
    } else if (typeof when === 'object') {
      while (!exited && !fs.existsSync(lockFile)) await tick();
      expect(exited, 'the run ended before it took the lock').toBe(false);
      if (when.afterLockMs > 0) await new Promise((r) => setTimeout(r, when.afterLockMs));
      run.kill('SIGKILL');
    } else if (when === 'hot') {
      let caught = false;
      while (!exited && !caught) {
        if (journalIsHot(journal)) {
          run.kill('SIGKILL');
          caught = true;
        } else {
          await tick();
        }
      }
      expect(caught, 'the run finished before a hot journal was seen').toBe(true);
    }
    const killed = await run;
    if (when === 'finished') expect(killed.code, killed.stderr).toBe(0);
    const again = cli(dir, ['run', '--no-mail', '--today', '2026-09-22']);
    expect(again.code, again.stderr).toBe(0);
    expect(fs.existsSync(journal)).toBe(false);
    expectOneLetterPerDueDebtor(dir);
  });
});
