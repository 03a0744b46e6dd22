// Issue 10, "one truth about what a debtor owes": the five cases a new user met on the bundled
// examples, end to end with the built CLI (`npm run build` first). Each failed on the code before
// the debtor's account (src/domain/account.ts) existed.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { cli, workspace, writeCsv, CSV_HEADER, type CliResult, ok } from '../helpers/cli.js';
import { query } from '../helpers/ledger.js';

const SEPT = 'openstaande-posten-september.csv';
const OCT = 'openstaande-posten-oktober.csv';

/** A CAMT.053 statement with the given entries, as a Dutch bank writes it. */
function camt053(id: string, entries: { date: string; cents: number; debit?: boolean; reversal?: boolean; name: string; iban: string; e2e: string; text: string }[]): string {
  const ntry = entries
    .map(
      (e) => `<Ntry><Amt Ccy="EUR">${(e.cents / 100).toFixed(2)}</Amt><CdtDbtInd>${e.debit ? 'DBIT' : 'CRDT'}</CdtDbtInd><RvslInd>${e.reversal ? 'true' : 'false'}</RvslInd><Sts>BOOK</Sts>
<BookgDt><Dt>${e.date}</Dt></BookgDt><ValDt><Dt>${e.date}</Dt></ValDt><BkTxCd><Prtry><Cd>100</Cd></Prtry></BkTxCd>
<NtryDtls><TxDtls><Refs><EndToEndId>${e.e2e}</EndToEndId></Refs><RltdPties><Dbtr><Nm>${e.name}</Nm></Dbtr><DbtrAcct><Id><IBAN>${e.iban}</IBAN></Id></DbtrAcct></RltdPties>
<RmtInf><Ustrd>${e.text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>${id}</MsgId><CreDtTm>2026-10-01T18:00:00+02:00</CreDtTm></GrpHdr>
<Stmt><Id>${id}</Id><CreDtTm>2026-10-01T18:00:00+02:00</CreDtTm><Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy></Acct>
${ntry}
</Stmt></BkToCstmrStmt></Document>
`;
}

interface Action {
  kind: string;
  debtor: string;
  stage?: string;
  invoices?: string[];
  amount_cents?: number;
  costs_cents?: number;
}

const run = (dir: string, today: string, extra: string[] = []): Action[] =>
  ok(cli(dir, ['run', '--no-mail', '--json', ...extra, '--today', today]), `run ${today}`).json<{ actions: Action[] }>().actions;

function handoverDoc(dir: string, out: string): any {
  const zip = fs.readdirSync(path.join(dir, out)).find((f) => f.endsWith('.zip'))!;
  const files = unzipSync(new Uint8Array(fs.readFileSync(path.join(dir, out, zip))));
  return JSON.parse(Buffer.from(files['handover.json']!).toString('utf8'));
}

function pdfText(file: string): string {
  const r = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pdftotext failed: ${r.stderr}`);
  return r.stdout;
}

describe('issue 10: one truth about what a debtor owes (bundled examples)', () => {
  it('1. a bank payment is not undone by the next export import; a storno re-opens it', () => {
    const dir = workspace({ files: [SEPT, OCT] });
    ok(cli(dir, ['import', SEPT, '--today', '2026-09-22']), 'import');
    run(dir, '2026-09-22');
    fs.writeFileSync(path.join(dir, 'camt-oct.xml'), camt053('ST-1', [{ date: '2026-10-01', cents: 12100, name: 'J. Jansen', iban: 'NL02ABNA0123456789', e2e: 'JANSEN-0101', text: 'factuur 2026-0101' }]));
    ok(cli(dir, ['payments', 'import', 'camt-oct.xml', '--today', '2026-10-02']), 'payments import');
    expect(query<{ status: string }>(dir, "SELECT status FROM invoices WHERE number = '2026-0101'")[0]!.status).toBe('paid');

    // The README's daily cron line: the export still lists 2026-0101 as open.
    const imp = cli(dir, ['import', OCT, '--snapshot', '--json', '--today', '2026-10-06']);
    ok(imp, 'import october');
    expect(imp.stderr).toMatch(/invoice 2026-0101 \(debtor 10001\): the export shows € 121,00 open, but the ledger knows it was paid: € 121,00 on 2026-10-01 \(bank statement, camt\.053[^)]*\); kept € 0,00 open\. Book the payment in the bookkeeping/);
    const kept = imp.json<{ kept_paid: { invoice: string; file_open_cents: number; kept_open_cents: number; payments: { date: string; source: string }[] }[] }>().kept_paid;
    expect(kept.map((k) => [k.invoice, k.file_open_cents, k.kept_open_cents, k.payments[0]!.date])).toEqual([['2026-0101', 12100, 0, '2026-10-01']]);
    expect(query<{ status: string; open_cents: number; export_open_cents: number }>(dir, "SELECT status, open_cents, export_open_cents FROM invoices WHERE number = '2026-0101'")).toEqual([
      { status: 'paid', open_cents: 0, export_open_cents: 12100 },
    ]);

    for (const today of ['2026-10-06', '2026-10-20', '2026-11-03', '2026-11-17']) {
      ok(cli(dir, ['import', OCT, '--snapshot', '--today', today]), `import ${today}`);
      const letters = run(dir, today).filter((a) => a.kind === 'letter' && a.debtor === '10001');
      for (const l of letters) expect(l.invoices).not.toContain('2026-0101');
    }
    const lettersWith0101 = query<{ n: number }>(dir, "SELECT count(*) AS n FROM letter_invoices li JOIN letters l ON l.id = li.letter_id WHERE li.invoice_number = '2026-0101' AND l.date > '2026-10-01'");
    expect(lettersWith0101[0]!.n).toBe(0);
    ok(cli(dir, ['export', '--out', 'overdracht', '--today', '2026-11-17']), 'export');
    const handedOver = query<{ invoice_number: string }>(dir, 'SELECT invoice_number FROM handover_invoices ORDER BY invoice_number').map((r) => r.invoice_number);
    expect(handedOver).not.toContain('2026-0101');

    // The bank reverses the payment (storno): the invoice is open again, dunning resumes.
    fs.writeFileSync(path.join(dir, 'camt-storno.xml'), camt053('ST-2', [{ date: '2026-11-18', cents: 12100, debit: true, reversal: true, name: 'J. Jansen', iban: 'NL02ABNA0123456789', e2e: 'JANSEN-0101', text: 'storno factuur 2026-0101' }]));
    const storno = ok(cli(dir, ['payments', 'import', 'camt-storno.xml', '--today', '2026-11-18']), 'payments import storno');
    expect(storno.stderr).toMatch(/reversed the payment of 2026-10-01: 2026-0101 \(€ 121,00 open again\)/);
    expect(query<{ status: string; open_cents: number }>(dir, "SELECT status, open_cents FROM invoices WHERE number = '2026-0101'")).toEqual([{ status: 'open', open_cents: 12100 }]);
  });

  it('2. a credit note is set off once, and the letter and the handover show the same allocation', () => {
    const dir = workspace({ files: [SEPT, OCT] });
    ok(cli(dir, ['import', SEPT, '--today', '2026-09-22']), 'import');
    run(dir, '2026-09-22');
    for (const today of ['2026-10-06', '2026-10-20', '2026-11-10']) {
      ok(cli(dir, ['import', OCT, '--snapshot', '--today', today]), `import ${today}`);
      if (today === '2026-10-06') ok(cli(dir, ['hold', '10005', '--dispute', '--reason', 'betwist', '--today', today]), 'hold');
      run(dir, today);
    }
    // Handover day, as the README orders it: run, then export.
    const letter = query<{ amount_cents: number; data: string; id: number }>(dir, "SELECT id, amount_cents, data FROM letters WHERE debtor_number = '10002' AND date = '2026-11-10'")[0]!;
    expect(letter.amount_cents).toBe(72600);
    const data = JSON.parse(letter.data);
    expect(data.credits).toEqual([{ creditNote: '2026-0140', invoice: '2026-0102', amountCents: 12100 }]);
    ok(cli(dir, ['export', '--out', 'overdracht', '--today', '2026-11-10']), 'export');
    const doc = handoverDoc(dir, 'overdracht');
    const vanDijk = doc.cases.find((c: any) => c.debtor.number === '10002');
    expect(vanDijk.claims.map((c: any) => [c.invoice_number, c.original_cents, c.credited_cents, c.open_cents])).toEqual([['2026-0102', 254100, 12100, 242000]]);
    // Used once: 121,00 against 2026-0102 in both the letter and the handover, not also against 2026-0161.
    const used = vanDijk.claims.reduce((s: number, c: any) => s + c.credited_cents, 0) + data.invoices.filter((l: any) => l.number === '2026-0161').reduce((s: number, l: any) => s + (l.creditedCents ?? 0), 0);
    expect(used).toBe(12100);

    ok(cli(dir, ['letters', '--out', 'pdf', '--debtor', '10002', '--since', '2026-11-10', '--today', '2026-11-10']), 'letters');
    const text = pdfText(path.join(dir, 'pdf', fs.readdirSync(path.join(dir, 'pdf')).find((f) => f.includes('10002'))!)).replace(/\s+/g, ' ');
    expect(text).toContain('Gevraagd in deze brief (regels zonder *) € 726,00');
    expect(text).toContain('Totaal openstaand (alle regels) € 3.146,00');
    expect(text).toContain('Creditnota 2026-0140 (€ 121,00) is verrekend met factuur 2026-0102.');
  });

  it('3. the consumer veertiendagenbrief covers every due claim in verzuim (6:96 lid 7) and costs are stated once', () => {
    // Agreed (fatal) payment terms: every claim past its due date is in verzuim (6:83 sub a BW),
    // so every due claim can be demanded under lid 6 and the one letter must cover them all.
    const dir = workspace({ files: [SEPT, OCT], config: (c) => ({ ...c, defaults: { ...c.defaults, termIsFatal: true } }) });
    ok(cli(dir, ['import', SEPT, '--today', '2026-09-22']), 'import');
    run(dir, '2026-09-22');
    const finals: Action[] = [];
    for (const today of ['2026-10-06', '2026-10-20', '2026-11-03', '2026-11-17', '2026-12-01', '2026-12-15']) {
      ok(cli(dir, ['import', OCT, '--snapshot', '--today', today]), `import ${today}`);
      finals.push(...run(dir, today).filter((a) => a.kind === 'letter' && a.debtor === '10001' && a.stage === 'laatste-herinnering'));
      ok(cli(dir, ['export', '--out', `overdracht-${today}`, '--today', today]), `export ${today}`);
    }
    expect(finals).toHaveLength(1);
    expect(finals[0]!.invoices).toEqual(['2026-0101', '2026-0123']);
    expect(finals[0]!.amount_cents).toBe(14100);
    expect(finals[0]!.costs_cents).toBe(4000);
    const stated = query<{ total: number }>(dir, "SELECT coalesce(sum(costs_cents), 0) AS total FROM letters WHERE debtor_number = '10001'")[0]!.total;
    const claimed = query<{ total: number }>(dir, "SELECT coalesce(sum(claimed_cents), 0) AS total FROM handover_costs WHERE debtor_number = '10001'")[0]!.total;
    expect(stated).toBe(4000);
    expect(claimed).toBeLessThanOrEqual(4000);
    expect(query<{ n: number }>(dir, "SELECT count(*) AS n FROM handover_invoices WHERE invoice_number IN ('2026-0101', '2026-0123')")[0]!.n).toBe(2);
    const letter = query<{ data: string }>(dir, "SELECT data FROM letters WHERE debtor_number = '10001' AND final = 1")[0]!;
    ok(cli(dir, ['letters', '--out', 'pdf', '--debtor', '10001', '--since', '2026-10-20', '--today', '2026-10-20']), 'letters');
    const text = pdfText(path.join(dir, 'pdf', fs.readdirSync(path.join(dir, 'pdf')).find((f) => f.includes('laatste'))!)).replace(/\s+/g, ' ');
    expect(text).toContain('Deze brief geldt voor de facturen 2026-0101 en 2026-0123.');
    expect(text).toContain('incassokosten verschuldigd van € 40,00');
    expect(JSON.parse(letter.data).costsCents).toBe(4000);
  });

  it('3b. without a fatal term a claim not yet in verzuim keeps its own ladder; the costs stay stated once over both (6:96 lid 6-7)', () => {
    // The bundled config (defaults.termIsFatal false): 2026-0123 has had no ingebrekestelling on
    // 20 Oct, so it is not in verzuim and cannot be demanded under lid 6 with 2026-0101 (lid 7 only
    // joins claims that can be). It runs herinnering → aanmaning (ingebrekestelling) → its own final
    // letter, which states only what the scale over both claims leaves: nothing.
    const dir = workspace({ files: [SEPT, OCT] });
    ok(cli(dir, ['import', SEPT, '--today', '2026-09-22']), 'import');
    run(dir, '2026-09-22');
    const finals: Action[] = [];
    for (const today of ['2026-10-06', '2026-10-20', '2026-11-03', '2026-11-17', '2026-12-01', '2026-12-15', '2026-12-29', '2027-01-12']) {
      ok(cli(dir, ['import', OCT, '--snapshot', '--today', today]), `import ${today}`);
      finals.push(...run(dir, today).filter((a) => a.kind === 'letter' && a.debtor === '10001' && a.stage === 'laatste-herinnering'));
      ok(cli(dir, ['export', '--out', `overdracht-${today}`, '--today', today]), `export ${today}`);
    }
    expect(finals.map((f) => [f.invoices, f.amount_cents, f.costs_cents])).toEqual([
      [['2026-0101'], 12100, 4000],
      [['2026-0123'], 2000, 0],
    ]);
    const stated = query<{ total: number }>(dir, "SELECT coalesce(sum(costs_cents), 0) AS total FROM letters WHERE debtor_number = '10001'")[0]!.total;
    const claimed = query<{ total: number }>(dir, "SELECT coalesce(sum(claimed_cents), 0) AS total FROM handover_costs WHERE debtor_number = '10001'")[0]!.total;
    expect(stated).toBe(4000);
    expect(claimed).toBeLessThanOrEqual(4000);
    const ladder = query<{ stages: string }>(dir, "SELECT group_concat(l.stage_id, ' | ') AS stages FROM (SELECT * FROM letters ORDER BY date, id) l JOIN letter_invoices li ON li.letter_id = l.id AND li.role = 'due' WHERE li.invoice_number = '2026-0123'")[0]!.stages;
    expect(ladder).toBe('herinnering | aanmaning | laatste-herinnering');
  });

  it('4. business costs are at least EUR 40 per late invoice (6:96 lid 4, C-585/20) and the letter says so', () => {
    const dir = workspace();
    writeCsv(dir, 'b2b.csv', [
      CSV_HEADER,
      ...[1, 2, 3, 4].map((n) => `B-${n};20001;Hoveniersbedrijf Groen B.V.;zakelijk;info@groen.example;Tuinweg ${n};3811 AA;Amersfoort;01-08-2026;31-08-2026;50,00;50,00`),
    ]);
    for (const today of ['2026-09-07', '2026-09-21', '2026-10-05', '2026-10-26']) {
      ok(cli(dir, ['import', 'b2b.csv', '--snapshot', '--today', today]), `import ${today}`);
      run(dir, today);
    }
    ok(cli(dir, ['letters', '--out', 'pdf', '--since', '2026-10-05', '--today', '2026-10-26']), 'letters');
    const text = pdfText(path.join(dir, 'pdf', fs.readdirSync(path.join(dir, 'pdf')).find((f) => f.includes('laatste'))!)).replace(/\s+/g, ' ');
    expect(text).toContain('ten minste € 40 per factuur');
    expect(text).toContain('vanaf de dag na de vervaldatum (artikel 6:119a BW)');
    ok(cli(dir, ['export', '--out', 'overdracht', '--today', '2026-10-26']), 'export');
    const doc = handoverDoc(dir, 'overdracht');
    const costs = doc.cases[0].collection_costs;
    expect(costs.claimed_cents).toBe(16000);
    expect(costs.late_invoices).toBe(4);
    expect(costs.basis).toMatch(/EUR 40 for each of the 4 late-paid invoices/);
  });

  it('5. status counts waiting e-mails, explain shows held money, run refuses init placeholders, doctor lists all', () => {
    const dir = workspace({ files: [SEPT, OCT] });
    ok(cli(dir, ['import', SEPT, '--today', '2026-09-22']), 'import');
    run(dir, '2026-09-22');
    const status = ok(cli(dir, ['status', '--today', '2026-09-22']), 'status');
    expect(status.stdout).toContain('mail: 4 waiting to be sent');
    expect(ok(cli(dir, ['status', '--json', '--today', '2026-09-22']), 'status').json().mail.queued).toBe(4);

    ok(cli(dir, ['import', OCT, '--snapshot', '--today', '2026-10-06']), 'import');
    ok(cli(dir, ['hold', '2026-0150', '--reason', 'afspraak penningmeester', '--today', '2026-10-06']), 'hold');
    const explain = ok(cli(dir, ['explain', '10007', '--today', '2026-10-20']), 'explain');
    expect(explain.stdout).toContain('open balance: € 610,00; of which € 610,00 on hold');
    expect(explain.stdout).not.toContain('open balance: € 0,00');

    const fresh = fs.mkdtempSync(path.join(path.dirname(dir), 'pre-incasso-init-'));
    ok(cli(fresh, ['init', '--yes']), 'init --yes');
    fs.copyFileSync(path.join(dir, SEPT), path.join(fresh, SEPT));
    ok(cli(fresh, ['import', SEPT, '--today', '2026-09-22']), 'import');
    const refused = cli(fresh, ['run', '--today', '2026-09-22']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('still holds the placeholders of `init --yes`; nothing was recorded');
    expect(refused.stderr).toContain('creditor.name: "Uw Bedrijf B.V." is the placeholder');
    expect(query<{ n: number }>(fresh, 'SELECT count(*) AS n FROM letters')[0]!.n).toBe(0);
    const doctor = cli(fresh, ['doctor']);
    expect(doctor.code).toBe(3);
    expect(doctor.stdout).toMatch(/FAIL config placeholder: creditor\.name/);
    expect(doctor.stdout).toMatch(/FAIL config placeholder: mail\.smtp\.host/);
    expect(doctor.stdout).toMatch(/FAIL smtp password/);
    expect(doctor.stdout).toMatch(/ok {3}ledger integrity/);
  });
});
