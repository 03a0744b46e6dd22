// Issue 11, defect 2: bank entries are neither lost nor counted twice. The deduplication key is
// statement identity + position + content; statements that do not add up or are cut off are
// refused (exit 4, nothing written); statements of another account are flagged.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CSV_HEADER, FIXTURES, cli, workspace, writeCsv } from '../helpers/cli.js';

const TODAY = '2026-03-15';
const OWN = 'NL91ABNA0417164300'; // creditor.iban of the example config

interface Ntry {
  ref: string;
  cents: number;
  name: string;
  text: string;
}

function camt(stmtId: string, entries: Ntry[], options: { account?: string; opening?: number; closing?: number } = {}): string {
  const opening = options.opening ?? 10000;
  const closing = options.closing ?? opening + entries.reduce((a, e) => a + e.cents, 0);
  const amount = (c: number): string => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
  const bal = (code: string, c: number): string =>
    `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${amount(Math.abs(c))}</Amt><CdtDbtInd>${c < 0 ? 'DBIT' : 'CRDT'}</CdtDbtInd><Dt><Dt>2026-03-01</Dt></Dt></Bal>`;
  const ntries = entries
    .map(
      (e) => `<Ntry><NtryRef>${e.ref}</NtryRef><Amt Ccy="EUR">${amount(e.cents)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2026-03-02</Dt></BookgDt><ValDt><Dt>2026-03-02</Dt></ValDt><BkTxCd/>
<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>${e.name}</Nm></Dbtr></RltdPties><RmtInf><Ustrd>${e.text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>M-${stmtId}</MsgId><CreDtTm>2026-03-02T18:00:00</CreDtTm></GrpHdr>
<Stmt><Id>${stmtId}</Id><CreDtTm>2026-03-02T18:00:00</CreDtTm><Acct><Id><IBAN>${options.account ?? OWN}</IBAN></Id><Ccy>EUR</Ccy></Acct>
${bal('OPBD', opening)}${bal('CLBD', closing)}
${ntries}
</Stmt></BkToCstmrStmt></Document>
`;
}

function setup(config?: (c: any) => any): string {
  const dir = workspace(config ? { config } : {});
  writeCsv(dir, 'open.csv', [
    CSV_HEADER,
    'F-1;D1;Jan Jansen;particulier;;Straat 1;1011 AA;Amsterdam;01-01-2026;31-01-2026;100,00;100,00',
    'F-2;D2;Piet Pietersen;particulier;;Straat 2;1011 AA;Amsterdam;01-01-2026;31-01-2026;200,00;200,00',
  ]);
  expect(cli(dir, ['import', 'open.csv', '--today', TODAY]).code).toBe(0);
  return dir;
}

function payments(dir: string): { amount_cents: number; counterparty_name: string }[] {
  const db = new Database(path.join(dir, 'pre-incasso.db'), { readonly: true });
  try {
    return db.prepare('SELECT amount_cents, counterparty_name FROM payments ORDER BY id').all() as never;
  } finally {
    db.close();
  }
}

const sha = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('CAMT: a reused NtryRef does not hide a payment; the same statement twice is recognised', () => {
  it('records both payments, and nothing the second time', () => {
    const dir = setup();
    fs.writeFileSync(path.join(dir, 'march-1.xml'), camt('STMT-1', [{ ref: 'REF-0001', cents: 10000, name: 'Jan Jansen', text: 'Factuur F-1' }]));
    // The bank reuses NtryRef REF-0001 in the next statement, for another payer.
    fs.writeFileSync(path.join(dir, 'march-2.xml'), camt('STMT-2', [{ ref: 'REF-0001', cents: 20000, name: 'Piet Pietersen', text: 'Factuur F-2' }]));
    const first = cli(dir, ['payments', 'import', 'march-1.xml', '--today', TODAY, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const second = cli(dir, ['payments', 'import', 'march-2.xml', '--today', TODAY, '--json']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.json()).toMatchObject({ recorded: 1, duplicates: 0 });
    expect(payments(dir).map((p) => [p.amount_cents, p.counterparty_name])).toEqual([[10000, 'Jan Jansen'], [20000, 'Piet Pietersen']]);

    const before = sha(path.join(dir, 'pre-incasso.db'));
    const again = cli(dir, ['payments', 'import', 'march-1.xml', 'march-2.xml', '--today', TODAY, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json()).toMatchObject({ recorded: 0, duplicates: 2 });
    expect(sha(path.join(dir, 'pre-incasso.db'))).toBe(before);
  });

  it('two identical entries in one statement are two payments', () => {
    const dir = setup();
    const e = { ref: 'X', cents: 5000, name: 'Jan Jansen', text: 'Factuur F-1 deel' };
    fs.writeFileSync(path.join(dir, 's.xml'), camt('STMT-9', [e, e]));
    const r = cli(dir, ['payments', 'import', 's.xml', '--today', TODAY, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ recorded: 2 });
  });
});

describe('statements that do not add up or are cut off are refused, nothing written', () => {
  it('CAMT: opening + entries is not the closing balance: exit 4, with the sums', () => {
    const dir = setup();
    fs.writeFileSync(path.join(dir, 'bad.xml'), camt('STMT-3', [{ ref: 'A', cents: 10000, name: 'Jan Jansen', text: 'F-1' }], { opening: 10000, closing: 30000 }));
    const before = sha(path.join(dir, 'pre-incasso.db'));
    const r = cli(dir, ['payments', 'import', 'bad.xml', '--today', TODAY]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('the statement does not add up: opening balance 100.00 + booked entries 100.00 = 200.00, but the closing balance is 300.00 EUR');
    expect(r.stderr).toContain('nothing was imported');
    expect(sha(path.join(dir, 'pre-incasso.db'))).toBe(before);
    // With --allow-unbalanced (after checking with the bank) it imports, with a warning.
    const forced = cli(dir, ['payments', 'import', 'bad.xml', '--allow-unbalanced', '--today', TODAY]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toContain('does not add up');
  });

  it('MT940 without closing balance and end of message is refused; the whole file later imports once', () => {
    const dir = setup();
    const whole = fs.readFileSync(path.join(FIXTURES, 'mt940', 'triodos_iban_2.txt'), 'utf8');
    const cut = whole.slice(0, whole.indexOf(':62F:'));
    fs.writeFileSync(path.join(dir, 'cut.txt'), cut);
    fs.writeFileSync(path.join(dir, 'whole.txt'), whole);
    const before = sha(path.join(dir, 'pre-incasso.db'));
    const r = cli(dir, ['payments', 'import', 'cut.txt', '--today', TODAY]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/cut\.txt:\d+: the statement has no closing balance \(:62F:\): the file is cut off/);
    expect(sha(path.join(dir, 'pre-incasso.db'))).toBe(before);
    const full = cli(dir, ['payments', 'import', 'whole.txt', '--today', TODAY, '--json']);
    expect(full.code, full.stderr).toBe(0);
    const recorded = full.json().recorded as number;
    expect(recorded).toBeGreaterThan(0);
    const again = cli(dir, ['payments', 'import', 'whole.txt', '--today', TODAY, '--json']);
    expect(again.json()).toMatchObject({ recorded: 0, duplicates: recorded });
  });

  it('MT940 in a SWIFT envelope without its end ("-}") is refused', () => {
    const dir = setup();
    const whole = fs.readFileSync(path.join(FIXTURES, 'mt940', 'knab_sepa_acceptgiro.txt'), 'utf8');
    expect(whole).toContain('{4:');
    fs.writeFileSync(path.join(dir, 'cut.txt'), whole.replace(/-\}[\s\S]*$/, ''));
    const r = cli(dir, ['payments', 'import', 'cut.txt', '--today', TODAY]);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain('has no end of message ("-}"): the file is cut off');
  });
});

describe('statements of another account than creditor.iban', () => {
  it('are imported with a warning by default', () => {
    const dir = setup();
    fs.writeFileSync(path.join(dir, 'other.xml'), camt('STMT-4', [{ ref: 'A', cents: 10000, name: 'Jan Jansen', text: 'F-1' }], { account: 'NL02ABNA0123456789' }));
    const r = cli(dir, ['payments', 'import', 'other.xml', '--today', TODAY]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`warning: other.xml: 1 entry is of account NL02ABNA0123456789, not of creditor.iban ${OWN}; imported all the same`);
  });

  it('are refused with payments.otherAccounts "refuse": exit 4, nothing written', () => {
    const dir = setup((c) => ({ ...c, payments: { otherAccounts: 'refuse' } }));
    fs.writeFileSync(path.join(dir, 'other.xml'), camt('STMT-4', [{ ref: 'A', cents: 10000, name: 'Jan Jansen', text: 'F-1' }], { account: 'NL02ABNA0123456789' }));
    fs.writeFileSync(path.join(dir, 'own.xml'), camt('STMT-5', [{ ref: 'B', cents: 20000, name: 'Piet Pietersen', text: 'F-2' }]));
    const r = cli(dir, ['payments', 'import', 'own.xml', 'other.xml', '--today', TODAY]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('other.xml: 1 entry is of account NL02ABNA0123456789, not of creditor.iban');
    expect(payments(dir)).toEqual([]);
  });
});
