// `run` and `mail` through the built CLI against a real SMTP server on 127.0.0.1.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, cliAsync, workspace } from '../helpers/cli.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

const PASSWORD = 'Wachtw00rd-van-de-Bakker!';
const received: { to: string[]; raw: Buffer }[] = [];
let refuse: string | null = null;
let smtp: TestSmtp;
let port = 0;

beforeAll(async () => {
  smtp = await startSmtp({
    auth: { user: 'bakkerij', pass: PASSWORD },
    refuseRecipient: (address) => (refuse && address === refuse ? { code: 550, message: '5.1.1 mailbox unavailable' } : null),
    onMessage: (m) => received.push({ to: m.to, raw: m.raw }),
  });
  port = smtp.port;
});

afterAll(() => smtp.close());

function mailWorkspace(): string {
  const dir = workspace({
    files: ['openstaande-posten-september.csv'],
    config: (c) => ({ ...c, mail: { from: 'Bakkerij De Korenschoof <administratie@korenschoof.example>', perMinute: 600, smtp: { host: '127.0.0.1', port, secure: false, requireTLS: false, user: 'bakkerij', passwordFile: 'smtp-password.txt' } } }),
  });
  fs.writeFileSync(path.join(dir, 'smtp-password.txt'), `${PASSWORD}\n`, { mode: 0o600 });
  return dir;
}

describe('e-mail through the CLI', () => {
  it('run sends each e-mail letter once, with its PDF byte-identical to the ledger; the password is nowhere', async () => {
    received.length = 0;
    refuse = null;
    const dir = mailWorkspace();
    expect((await cliAsync(dir, ['import', 'openstaande-posten-september.csv', '--today', '2026-09-22'])).code).toBe(0);
    const run = await cliAsync(dir, ['run', '--json', '--today', '2026-09-22']);
    expect(run.code, run.stderr).toBe(0);
    const doc = run.json();
    expect(doc.mail).toMatchObject({ sent: 4, failed: 0, unknown: 0 });
    expect(received.map((m) => m.to[0]).sort()).toEqual(['ayse.yilmaz@example.nl', 'crediteuren@vandijkbouw.example', 'gergo.szoke@example.nl', 'j.jansen@example.nl']);

    const db = new Database(path.join(dir, 'pre-incasso.db'), { readonly: true });
    const letters = db.prepare("SELECT l.id, l.pdf, o.eml, o.state, o.message_id, json_extract(l.data, '$.debtor.email') AS email FROM letters l JOIN outbox o ON o.letter_id = l.id").all() as { id: number; pdf: Buffer; eml: Buffer; state: string; message_id: string; email: string }[];
    const dueInvoices = db.prepare("SELECT letter_id, invoice_number FROM letter_invoices WHERE role = 'due' ORDER BY invoice_number").all() as { letter_id: number; invoice_number: string }[];
    db.close();
    expect(letters).toHaveLength(4);
    for (const l of letters) {
      expect(l.state).toBe('sent');
      const got = received.find((m) => m.to.includes(l.email))!;
      expect(got.raw.equals(l.eml)).toBe(true);
      const parsed = await simpleParser(got.raw);
      expect(parsed.messageId).toBe(l.message_id);
      expect(parsed.messageId).toMatch(/@korenschoof\.example>$/);
      expect(parsed.date).toBeInstanceOf(Date);
      // The herinnering template's subject and opening sentence, for this letter's invoices.
      const due = dueInvoices.filter((d) => d.letter_id === l.id).map((d) => d.invoice_number);
      expect(due.length).toBeGreaterThan(0);
      expect(parsed.subject).toBe(due.length === 1 ? `Betalingsherinnering factuur ${due[0]}` : 'Betalingsherinnering openstaande facturen');
      expect(parsed.html).toContain('Wellicht is het aan uw aandacht ontsnapt');
      expect(parsed.text).toContain('Wellicht is het aan uw aandacht ontsnapt');
      for (const number of due) expect(parsed.html).toContain(number);
      expect(parsed.attachments).toHaveLength(1);
      expect(parsed.attachments[0]!.contentType).toBe('application/pdf');
      expect(Buffer.compare(parsed.attachments[0]!.content, l.pdf)).toBe(0);
    }

    // The second run the same day sends nothing more.
    const again = await cliAsync(dir, ['run', '--json', '--today', '2026-09-22']);
    expect(again.code).toBe(0);
    expect(again.json().actions.filter((a: { kind: string }) => a.kind === 'letter')).toHaveLength(0);
    expect(received).toHaveLength(4);

    const ledgerBytes = fs.readFileSync(path.join(dir, 'pre-incasso.db'));
    expect(ledgerBytes.includes(Buffer.from(PASSWORD))).toBe(false);
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
    for (const m of received) expect(m.raw.includes(Buffer.from(PASSWORD))).toBe(false);
  });

  it('a refused address (550) is failed and reported, exit 6, and status counts it', async () => {
    received.length = 0;
    refuse = 'gergo.szoke@example.nl';
    const dir = mailWorkspace();
    await cliAsync(dir, ['import', 'openstaande-posten-september.csv', '--today', '2026-09-22']);
    const run = await cliAsync(dir, ['run', '--json', '--today', '2026-09-22']);
    expect(run.code).toBe(6);
    expect(run.json().mail).toMatchObject({ sent: 3, failed: 1 });
    expect(run.stderr).toMatch(/gergo\.szoke@example\.nl.*refused/);
    const status = await cliAsync(dir, ['status', '--json', '--today', '2026-09-22']);
    expect(status.json().mail).toMatchObject({ sent: 3, failed: 1 });
    // mail does not retry a permanent failure.
    refuse = null;
    const mail = await cliAsync(dir, ['mail', '--json', '--today', '2026-09-22']);
    expect(received).toHaveLength(3);
    expect(mail.code).toBe(0);
  });

  it('a wrong password: nothing sent, exit 6, the letters wait for the next mail', async () => {
    received.length = 0;
    refuse = null;
    const dir = mailWorkspace();
    fs.writeFileSync(path.join(dir, 'smtp-password.txt'), 'fout-wachtwoord');
    await cliAsync(dir, ['import', 'openstaande-posten-september.csv', '--today', '2026-09-22']);
    const run = await cliAsync(dir, ['run', '--today', '2026-09-22']);
    expect(run.code).toBe(6);
    expect(run.stderr).not.toContain('fout-wachtwoord');
    expect(received).toHaveLength(0);
    fs.writeFileSync(path.join(dir, 'smtp-password.txt'), PASSWORD);
    const mail = await cliAsync(dir, ['mail', '--json', '--today', '2026-09-22']);
    expect(mail.code, mail.stderr).toBe(0);
    expect(received).toHaveLength(4);
  });

  it('an e-mail whose invoice was paid before it could be sent is withdrawn, not sent', async () => {
    received.length = 0;
    refuse = null;
    const dir = mailWorkspace();
    fs.copyFileSync(path.join(EXAMPLES, 'openstaande-posten-oktober.csv'), path.join(dir, 'oktober.csv'));
    await cliAsync(dir, ['import', 'openstaande-posten-september.csv', '--today', '2026-09-22']);
    expect((await cliAsync(dir, ['run', '--no-mail', '--today', '2026-09-22'])).code).toBe(0);
    // Before the mail goes out, the October export shows Yılmaz (10004) paid: 2026-0107 is gone.
    await cliAsync(dir, ['import', 'oktober.csv', '--snapshot', '--today', '2026-09-23']);
    const mail = await cliAsync(dir, ['mail', '--json', '--today', '2026-09-23']);
    expect(mail.code, mail.stderr).toBe(0);
    expect(mail.json().mail).toMatchObject({ sent: 3, withdrawn: 1 });
    expect(received.map((m) => m.to[0])).not.toContain('ayse.yilmaz@example.nl');
    expect(mail.stderr).toMatch(/letter \d+ to debtor 10004 withdrawn: .*2026-0107 \(closed\)/);
    const status = await cliAsync(dir, ['status', '--json', '--today', '2026-09-23']);
    expect(status.json().mail).toMatchObject({ sent: 3, withdrawn: 1, queued: 0 });
    // A later mail does not send it either.
    await cliAsync(dir, ['mail', '--today', '2026-09-24']);
    expect(received).toHaveLength(3);
  });

  it('doctor checks the SMTP login without sending anything', async () => {
    received.length = 0;
    const dir = mailWorkspace();
    await cliAsync(dir, ['import', 'openstaande-posten-september.csv', '--today', '2026-09-22']);
    const ok = await cliAsync(dir, ['doctor', '--json']);
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.json().checks.find((c: { check: string }) => c.check === 'smtp').ok).toBe(true);
    fs.writeFileSync(path.join(dir, 'smtp-password.txt'), 'fout');
    const bad = await cliAsync(dir, ['doctor', '--json']);
    expect(bad.code).toBe(3);
    expect(bad.stdout).not.toContain('fout"');
    expect(received).toHaveLength(0);
  });
});
