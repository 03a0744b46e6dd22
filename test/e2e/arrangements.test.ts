// When the debtor calls: a season with a phone stage, a payment arrangement that is kept twice
// and then broken, a promise that is kept, and a dispute. The built CLI in a temp dir over
// successive --today dates, payments by hand and from a CAMT.053 file generated here, the ledger
// and the rendered PDFs inspected afterwards. Needs `npm run build` first.
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cli, removedAfterAll, workspace, type CliResult, ok } from '../helpers/cli.js';
import { query } from '../helpers/ledger.js';

const dirs = removedAfterAll();

const CSV = [
  'Factuurnummer;Debiteurnummer;Naam;Soort;E-mail;Telefoon;Adres;Postcode;Plaats;Factuurdatum;Vervaldatum;Bedrag;Openstaand',
  '2026-0101;D1001;Ayşe Yılmaz;particulier;ayse@example.nl;06-12345678;Kerkstraat 1;3811CV;Amersfoort;2026-09-01;2026-10-01;300,00;300,00',
  '2026-0102;D1001;Ayşe Yılmaz;particulier;ayse@example.nl;06-12345678;Kerkstraat 1;3811CV;Amersfoort;2026-09-15;2026-10-15;150,00;150,00',
  '2026-0201;D2002;Jan Jansen;particulier;jan@example.nl;06-98765432;Dorpsweg 3;3811AB;Amersfoort;2026-09-01;2026-10-01;200,00;200,00',
  '2026-0301;D3003;Van Dijk B.V.;zakelijk;info@vandijk.example;033-7654321;Industrieweg 7;3811XX;Amersfoort;2026-09-01;2026-10-01;500,00;500,00',
];

/** A CAMT.053 statement with one credit carrying a structured (RF) reference, as a Dutch bank writes it. */
function camt053(entries: { date: string; amount: string; reference: string; name: string; iban: string; id: string }[]): string {
  const ntry = entries
    .map(
      (e) => `
      <Ntry>
        <Amt Ccy="EUR">${e.amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>${e.date}</Dt></BookgDt><ValDt><Dt>${e.date}</Dt></ValDt>
        <AcctSvcrRef>${e.id}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
          <RltdPties><Dbtr><Nm>${e.name}</Nm></Dbtr><DbtrAcct><Id><IBAN>${e.iban}</IBAN></Id></DbtrAcct></RltdPties>
          <RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>ISO</Issr></Tp><Ref>${e.reference}</Ref></CdtrRefInf></Strd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>ARR-${entries[0]!.id}</MsgId><CreDtTm>${entries[0]!.date}T18:00:00+01:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>ARR-${entries[0]!.id}</Id><CreDtTm>${entries[0]!.date}T18:00:00+01:00</CreDtTm>
      <Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy></Acct>${ntry}
    </Stmt>
  </BkToCstmrStmt>
</Document>
`;
}

describe('when the debtor calls: arrangement, promise, phone stage, dispute', () => {
  let dir: string;
  const run = (today: string, extra: string[] = []) => ok(cli(dir, ['run', '--no-mail', '--allow-stale', '--today', today, ...extra]), `run on ${today}`);
  const runJson = (today: string) => ok(cli(dir, ['run', '--no-mail', '--allow-stale', '--json', '--today', today]), `run on ${today}`).json();
  const lettersOn = (date: string) =>
    query<{ debtor_number: string; stage_id: string; amount_cents: number; costs_cents: number | null }>(dir, 'SELECT debtor_number, stage_id, amount_cents, costs_cents FROM letters WHERE date = ? ORDER BY debtor_number', date).map(
      (l) => `${l.debtor_number} ${l.stage_id} ${l.amount_cents}${l.costs_cents !== null ? ` costs ${l.costs_cents}` : ''}`,
    );

  beforeAll(() => {
    dir = workspace({
      config: (c) => {
        delete c.mail;
        c.stages = [
          { id: 'herinnering', after: 7, channels: ['email'] },
          { id: 'aanmaning', after: 14, channels: ['email'] },
          { id: 'bellen', after: 7, channels: ['phone'] },
          { id: 'laatste-herinnering', after: 14, channels: ['email', 'post'], final: true },
        ];
        c.arrangements = { remindDaysBefore: 5, graceDays: 7 };
        return c;
      },
    });
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'invoices.csv'), `${CSV.join('\n')}\n`);
    ok(cli(dir, ['import', 'invoices.csv', '--today', '2026-10-09']), 'import');
  });

  it('a phone stage puts the debtors on the call list instead of sending a letter', () => {
    run('2026-10-09');
    run('2026-10-23');
    expect(lettersOn('2026-10-23')).toEqual(['D1001 aanmaning 45000', 'D2002 aanmaning 20000', 'D3003 aanmaning 50000']);
    const r = run('2026-11-06');
    expect(r.stdout).toContain('on the call list (3; `pre-incasso calls`)');
    expect(lettersOn('2026-11-06')).toEqual([]);
    const tasks = query<{ debtor_number: string; stage_id: string; amount_cents: number }>(dir, 'SELECT debtor_number, stage_id, amount_cents FROM call_tasks ORDER BY debtor_number');
    expect(tasks).toEqual([
      { debtor_number: 'D1001', stage_id: 'bellen', amount_cents: 45000 },
      { debtor_number: 'D2002', stage_id: 'bellen', amount_cents: 20000 },
      { debtor_number: 'D3003', stage_id: 'bellen', amount_cents: 50000 },
    ]);

    const calls = ok(cli(dir, ['calls', '--today', '2026-11-13']), 'calls');
    expect(calls.stdout).toContain('2026-11-13: 3 calls to make');
    expect(calls.stdout).toContain('D1001 Ayşe Yılmaz  06-12345678  open € 450,00');
    expect(calls.stdout).toContain('2026-10-23 letter aanmaning (€ 450,00)');
    expect(calls.stdout).toContain('say: Goedendag, u spreekt met J. de Vries van Bakkerij De Korenschoof B.V. Ik bel over 2 openstaande facturen, samen € 450,00');
    const json = ok(cli(dir, ['calls', '--json', '--today', '2026-11-13']), 'calls --json').json();
    expect(json.calls.map((c: { debtor: string; phone: string; open_cents: number }) => `${c.debtor} ${c.phone} ${c.open_cents}`)).toEqual(['D1001 06-12345678 45000', 'D2002 06-98765432 20000', 'D3003 033-7654321 50000']);

    // Until the call is logged, the ladder waits: no final letter for anyone a week later.
    const waiting = runJson('2026-11-13');
    expect(waiting.actions.filter((a: { code?: string }) => a.code === 'call_pending').map((a: { debtor: string }) => a.debtor)).toEqual(['D1001']);
  });

  it('logged calls change the plan: no answer goes on, a promise pauses, an arrangement is agreed', () => {
    const dry = ok(cli(dir, ['call', 'log', 'D3003', '--outcome', 'no-answer', '--dry-run', '--json', '--today', '2026-11-13']), 'dry').json();
    expect(dry).toMatchObject({ dry_run: true, step: 'advance', call_id: 3 });
    expect(query(dir, 'SELECT outcome FROM call_tasks WHERE outcome IS NOT NULL')).toEqual([]);

    ok(cli(dir, ['call', 'log', 'D3003', '--outcome', 'no-answer', '--today', '2026-11-13']), 'log D3003');
    const promise = ok(cli(dir, ['call', 'log', 'D2002', '--outcome', 'promise', '--until', '2026-11-27', '--note', 'betaalt na salaris', '--today', '2026-11-13']), 'log D2002');
    expect(promise.stdout).toContain('promise to pay € 200,00 by 2026-11-27: dunning pauses until then');
    ok(cli(dir, ['call', 'log', 'D1001', '--outcome', 'arrangement', '--note', 'wil in drie termijnen betalen', '--today', '2026-11-13']), 'log D1001');

    const preview = ok(cli(dir, ['arrangement', 'create', 'D1001', '--instalments', '3', '--every', 'month', '--first', '2026-12-01', '--dry-run', '--json', '--today', '2026-11-13']), 'dry create').json();
    expect(preview.schedule).toEqual([
      { number: 1, due_date: '2026-12-01', amount_cents: 15000 },
      { number: 2, due_date: '2027-01-01', amount_cents: 15000 },
      { number: 3, due_date: '2027-02-01', amount_cents: 15000 },
    ]);
    expect(query(dir, 'SELECT id FROM arrangements')).toEqual([]);

    const created = ok(cli(dir, ['arrangement', 'create', 'D1001', '--instalments', '3', '--every', 'month', '--first', '2026-12-01', '--note', 'telefonisch', '--no-mail', '--json', '--today', '2026-11-13']), 'create').json();
    expect(created).toMatchObject({ arrangement_id: 1, total_cents: 45000, invoices: ['2026-0101', '2026-0102'], payment_reference: 'RF03D1001X1' });
    // The confirmation: an e-mail letter with the schedule and a QR code for the first instalment.
    const letter = query<{ id: number; stage_id: string; amount_cents: number; pdf: Buffer }>(dir, "SELECT id, stage_id, amount_cents, pdf FROM letters WHERE stage_id = 'betalingsregeling'")[0]!;
    expect(letter.amount_cents).toBe(15000);
    const pdf = path.join(dir, 'confirmation.pdf');
    fs.writeFileSync(pdf, letter.pdf);
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    expect(text).toMatch(/termijn 1: € 150,00 uiterlijk op 01-12-2026/);
    expect(text).toMatch(/termijn 3: € 150,00 uiterlijk op 01-02-2027/);
    expect(text).not.toMatch(/incassokosten|€ 67,50/);
    const png = path.join(dir, 'confirmation');
    execFileSync('pdftoppm', ['-r', '150', '-png', '-f', '1', '-l', '1', pdf, png]);
    const qr = execFileSync('zbarimg', ['--quiet', '--raw', `${png}-1.png`], { encoding: 'utf8' });
    expect(qr.split('\n')).toContain('EUR150.00');
    expect(qr).toContain('RF03D1001X1');
    // The pause set during the call is released by the arrangement itself.
    expect(query(dir, "SELECT count(*) AS n FROM holds WHERE released_on IS NULL AND debtor_number = 'D1001'")).toEqual([{ n: 0 }]);

    const doc = runJson('2026-11-20');
    // D3003 (no answer): the final letter 14 days after the phone stage. D1001, D2002: paused.
    expect(lettersOn('2026-11-20')).toEqual(['D3003 laatste-herinnering 50000']);
    const codes = doc.actions.filter((a: { kind: string }) => a.kind === 'skip').map((a: { debtor: string; code: string }) => `${a.debtor} ${a.code}`);
    expect(codes).toEqual(['D1001 arrangement_running', 'D1001 arrangement_running', 'D2002 promise_open']);
  });

  it('instalments: a reminder before each, payments by hand and from a CAMT.053 file', () => {
    ok(cli(dir, ['payments', 'add', '2026-0201', '200,00', '--date', '2026-11-25', '--today', '2026-11-25']), 'D2002 pays');
    const r = run('2026-11-26');
    expect(r.stdout).toContain('arrangement #1 (D1001): reminder recorded for instalment 1, € 150,00 due 2026-12-01');
    expect(lettersOn('2026-11-26')).toEqual(['D1001 termijn-herinnering 15000']);
    ok(cli(dir, ['payments', 'add', '2026-0102', '150,00', '--date', '2026-11-30', '--today', '2026-11-30']), 'pay 1');
    const dec2 = run('2026-12-02');
    expect(dec2.stdout).not.toContain('arrangement #1 (D1001)');
    expect(dec2.stdout).toContain('promise #1 (D2002): promise to pay € 200,00 by 2026-11-27 kept (€ 200,00 received)');

    expect(run('2026-12-27').stdout).toContain('reminder recorded for instalment 2, € 150,00 due 2027-01-01');
    fs.writeFileSync(path.join(dir, 'dec.xml'), camt053([{ date: '2026-12-31', amount: '150.00', reference: 'RF03D1001X1', name: 'A. Yilmaz', iban: 'NL02ABNA0123456789', id: 'A1' }]));
    const imported = ok(cli(dir, ['payments', 'import', 'dec.xml', '--json', '--today', '2027-01-02']), 'camt').json();
    expect(imported.payments[0].allocations).toEqual([expect.objectContaining({ invoice: '2026-0101', amount_cents: 15000 })]);
    const show = ok(cli(dir, ['arrangement', 'show', '1', '--json', '--today', '2027-01-02']), 'show').json();
    expect(show.arrangement.schedule.map((s: { state: string }) => s.state)).toEqual(['paid', 'paid', 'upcoming']);
  });

  it('a missed instalment gets its reminder; after the grace the arrangement breaks and dunning resumes at the stage the claims had', () => {
    expect(run('2027-01-27').stdout).toContain('reminder recorded for instalment 3');
    const missed = run('2027-02-02');
    expect(missed.stdout).toContain('arrangement #1 (D1001): missed-instalment reminder recorded for instalment 3, € 150,00 due 2027-02-01');
    expect(lettersOn('2027-02-02')).toEqual(['D1001 termijn-gemist 15000']);
    // Within the grace (until 8 February) nothing more.
    const inGrace = runJson('2027-02-08');
    expect(inGrace.agreements).toEqual([]);
    expect(lettersOn('2027-02-08')).toEqual([]);

    const explainBefore = ok(cli(dir, ['explain', 'D1001', '--today', '2027-02-09']), 'explain');
    expect(explainBefore.stdout).toContain('payment arrangement #1 (agreed 2026-11-13, 2026-0101, 2026-0102): broken on 2027-02-09, paid € 300,00 of € 450,00');

    const broken = run('2027-02-09');
    expect(broken.stdout).toContain('arrangement #1 (D1001) broken on 2027-02-09: instalment 3 of € 150,00 due 2027-02-01 not paid within the grace of 7 days');
    // 2026-0101 stood at the phone stage: the ladder goes on with the final letter, for what is
    // still open (€ 150,00), with the BIK costs over that (€ 40,00, the minimum) stated once.
    expect(lettersOn('2027-02-09')).toEqual(['D1001 laatste-herinnering 15000 costs 4000']);
    expect(query(dir, "SELECT status, closed_on FROM arrangements WHERE id = 1")).toEqual([{ status: 'broken', closed_on: '2027-02-09' }]);
    const list = ok(cli(dir, ['arrangement', 'list', '--today', '2027-02-09']), 'list').stdout;
    expect(list).toContain('1  D1001   2026-11-13  € 450,00  € 300,00  3            -     broken 2027-02-09');
    const events = query<{ kind: string }>(dir, "SELECT kind FROM events WHERE kind LIKE 'arrangement_%' OR kind = 'instalment_notice' ORDER BY id").map((e) => e.kind);
    expect(events).toEqual(['arrangement_created', 'instalment_notice', 'instalment_notice', 'instalment_notice', 'instalment_notice', 'arrangement_broken']);
    // Consumer costs are stated in exactly one letter for these claims.
    expect(query(dir, "SELECT count(*) AS n FROM letters WHERE debtor_number = 'D1001' AND costs_cents IS NOT NULL")).toEqual([{ n: 1 }]);
  });

  it('the promise kept: the money came before the date, and nothing more is sent', () => {
    // (The payment was recorded on 25 November; checked here after the promise date.)
    const list = query<{ status: string }>(dir, 'SELECT status FROM promises');
    expect(list).toEqual([{ status: 'kept' }]);
    expect(query(dir, "SELECT date, stage_id FROM letters WHERE debtor_number = 'D2002' ORDER BY date")).toEqual([
      { date: '2026-10-09', stage_id: 'herinnering' },
      { date: '2026-10-23', stage_id: 'aanmaning' },
    ]);
    const explain = ok(cli(dir, ['explain', 'D2002', '--today', '2027-02-09']), 'explain D2002');
    expect(explain.stdout).toContain('promise #1 of 2026-11-13: € 200,00 by 2026-11-27, € 200,00 received since: kept (betaalt na salaris)');
  });

  it('the handover carries the broken arrangement with its schedule', () => {
    const handoverDay = '2027-03-15';
    const out = ok(cli(dir, ['export', '--format', 'json', '--allow-stale', '--json', '--today', handoverDay]), 'export').json();
    const file = path.join(dir, out.file ?? out.files?.[0] ?? '');
    const doc = JSON.parse(fs.readFileSync(fs.existsSync(file) ? file : path.join(dir, fs.readdirSync(dir).find((f) => f.startsWith('handover-'))!), 'utf8'));
    const kase = doc.cases.find((c: { debtor: { number: string } }) => c.debtor.number === 'D1001');
    expect(kase.arrangements).toEqual([
      expect.objectContaining({
        id: 1, status: 'broken', broken_on: '2027-02-09', total: '450.00', paid: '300.00', invoice_numbers: ['2026-0101', '2026-0102'],
        schedule: [
          { number: 1, due_date: '2026-12-01', amount_cents: 15000, amount: '150.00', paid_cents: 15000, paid: '150.00' },
          { number: 2, due_date: '2027-01-01', amount_cents: 15000, amount: '150.00', paid_cents: 15000, paid: '150.00' },
          { number: 3, due_date: '2027-02-01', amount_cents: 15000, amount: '150.00', paid_cents: 0, paid: '0.00' },
        ],
      }),
    ]);
  });

  it('disputes: recorded with a category, listed, resolved; hold --dispute shows up too', () => {
    const d = ok(cli(dir, ['dispute', 'D3003', '--invoice', '2026-0301', '--category', 'quality', '--note', 'oven defect geleverd', '--json', '--today', '2027-03-21']), 'dispute').json();
    expect(d).toMatchObject({ dispute_id: 1, debtor: 'D3003', invoice: '2026-0301', category: 'quality' });
    ok(cli(dir, ['hold', 'D2002', '--dispute', '--reason', 'factuur niet ontvangen\u001b[2J', '--today', '2027-03-21']), 'hold --dispute');
    // Ledger text never reaches the terminal as an escape sequence.
    const shown = ok(cli(dir, ['disputes', '--today', '2027-03-22']), 'disputes text').stdout;
    expect(shown).toContain('factuur niet ontvangen');
    expect(shown).not.toContain('\u001b');
    const list = ok(cli(dir, ['disputes', '--json', '--today', '2027-03-22']), 'disputes').json();
    expect(list.disputes.map((x: { debtor: string; category: string }) => `${x.debtor} ${x.category}`)).toEqual(['D3003 quality', 'D2002 other']);
    const usage = cli(dir, ['dispute', 'D3003', '--category', 'weather', '--note', 'x', '--today', '2027-03-22']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--category "weather" is not a dispute category');
    ok(cli(dir, ['dispute', 'resolve', '1', '--outcome', 'creditnota 2026-0350', '--today', '2027-03-23']), 'resolve');
    ok(cli(dir, ['release', 'D2002', '--today', '2027-03-23']), 'release');
    expect(query(dir, 'SELECT id, outcome FROM disputes ORDER BY id')).toEqual([
      { id: 1, outcome: 'creditnota 2026-0350' },
      { id: 2, outcome: 'released' },
    ]);
    expect(query(dir, 'SELECT count(*) AS n FROM holds WHERE released_on IS NULL')).toEqual([{ n: 0 }]);
  });
});
