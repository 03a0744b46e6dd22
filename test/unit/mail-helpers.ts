// Shared by the mail tests: a real ledger file with a few recorded letters, and a real SMTP
// server on 127.0.0.1 whose answer to each DATA can be scripted (accept, refuse, drop).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { openLedger, type Ledger } from '../../src/ledger/ledger.js';
import type { MailConfig } from '../../src/mail/transport.js';
import type { MessageSettings } from '../../src/workflows/deliver-outbox.js';

export const TODAY = '2026-11-23';
export const NOW = new Date('2026-11-23T09:30:00Z');

export interface TestLetter {
  debtor: string;
  email: string | null;
  name?: string;
  channels?: string[];
  stage?: string;
  /** null: recorded but not rendered yet. */
  pdf?: Buffer | null;
}

export interface TestLedger {
  ledger: Ledger;
  dir: string;
  file: string;
  letterIds: number[];
  close(): void;
}

/** A small PDF-looking blob with every byte value in it, so any re-encoding would show. */
export function samplePdf(extra = 0): Buffer {
  const all = Buffer.alloc(256 + extra);
  for (let i = 0; i < all.length; i++) all[i] = (i * 7 + 3) % 256;
  return Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), all, Buffer.from('\n%%EOF\n')]);
}

export function makeLedger(letters: TestLetter[]): TestLedger {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pre-incasso-mail-'));
  const file = path.join(dir, 'pre-incasso.db');
  const ledger = openLedger(file, { create: true });
  const { db } = ledger;
  db.prepare(`INSERT INTO imports (id, kind, at, today, files) VALUES (1, 'invoices', ?, ?, '["invoices.csv"]')`).run(NOW.toISOString(), TODAY);
  db.prepare(`INSERT INTO runs (id, today, at) VALUES (1, ?, ?)`).run(TODAY, NOW.toISOString());
  const debtor = db.prepare(`INSERT INTO debtors (number, name, type, email, language, import_id) VALUES (?, ?, 'consumer', ?, 'nl', 1)`);
  const invoice = db.prepare(`INSERT INTO invoices (number, debtor_number, due_date, amount_cents, open_cents, source_file, source_line, import_id) VALUES (?, ?, '2026-10-01', 12100, 12100, 'invoices.csv', ?, 1)`);
  const letter = db.prepare(`
    INSERT INTO letters (run_id, debtor_number, stage_index, stage_id, final, date, channels, amount_cents, reference, data, pdf, pdf_sha256, rendered_at)
    VALUES (1, ?, 0, ?, 0, ?, ?, 12100, 'RF18539007547034', ?, ?, NULL, ?)`);
  const letterIds: number[] = [];
  letters.forEach((l, i) => {
    debtor.run(l.debtor, l.name ?? `Debiteur ${i + 1}`, l.email);
    invoice.run(`F2026-${100 + i}`, l.debtor, i + 2);
    const data = {
      version: 1,
      creditor: { name: 'Bakkerij De Korenschoof B.V.' },
      debtor: { number: l.debtor, name: l.name ?? `Debiteur ${i + 1}`, email: l.email },
    };
    const pdf = l.pdf === undefined ? samplePdf(i) : l.pdf;
    const id = letter.run(l.debtor, l.stage ?? 'herinnering', TODAY, JSON.stringify(l.channels ?? ['email']), JSON.stringify(data), pdf, pdf ? NOW.toISOString() : null).lastInsertRowid;
    letterIds.push(Number(id));
  });
  return {
    ledger,
    dir,
    file,
    letterIds,
    close() {
      ledger.close();
    },
  };
}

export function settings(overrides: Partial<MessageSettings> = {}): MessageSettings {
  return {
    from: 'administratie@korenschoof.nl',
    texts: (letterId) => ({
      subject: `Herinnering: factuur nog open (brief ${letterId})`,
      text: `Geachte heer, mevrouw,\n\nVolgens onze administratie staat er nog € 121,00 open.\n\nMet vriendelijke groet,\nBakkerij De Korenschoof\n`,
      html: `<p>Geachte heer, mevrouw,</p><p>Volgens onze administratie staat er nog &euro; 121,00 open.</p>`,
    }),
    ...overrides,
  };
}

export function mailConfig(port: number, overrides: Partial<MailConfig['smtp']> = {}, extra: Partial<MailConfig> = {}): MailConfig {
  return {
    from: 'administratie@korenschoof.nl',
    ...extra,
    smtp: { host: '127.0.0.1', port, secure: false, requireTLS: false, ...overrides },
  };
}

/** How the server answers one DATA: take it, refuse it with a code, or drop the connection. */
export type DataAnswer = 'accept' | { code: number; message: string } | 'drop-mid-data' | 'drop-after-data' | 'hold';

export interface Received {
  from: string;
  to: string[];
  raw: Buffer;
  user: string | undefined;
}

export interface TestSmtp {
  port: number;
  /** Messages the server acknowledged with 250. */
  delivered: Received[];
  /** Every DATA the server saw, complete or not, whatever it answered. */
  dataSeen: number;
  /** Passwords the server was given with AUTH (to prove what the client sent). */
  authPasswords: string[];
  /** SMTP sessions opened (a pooled delivery uses one). */
  connections: number;
  /** Every RCPT TO the server saw, in order, whatever it answered. */
  rcptSeen: string[];
  close(): Promise<void>;
}

export interface SmtpOptions {
  /** The answer to the n-th DATA (0-based); accept when absent. */
  answer?: (n: number) => DataAnswer;
  auth?: { user: string; pass: string; methods?: string[] };
  /** The refusal of a recipient (RCPT TO), or undefined to take it. */
  refuseRecipient?: (address: string) => { code: number; message: string } | undefined;
  /** Called when the n-th DATA (0-based) is complete, before the server answers it. */
  beforeAnswer?: (n: number, to: string[]) => void;
}

export async function startSmtp(options: SmtpOptions = {}): Promise<TestSmtp> {
  const state: TestSmtp = { port: 0, delivered: [], dataSeen: 0, authPasswords: [], connections: 0, rcptSeen: [], close: async () => {} };
  const server: SMTPServer = new SMTPServer({
    logger: false,
    secure: false,
    closeTimeout: 200,
    hideSTARTTLS: true,
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    authMethods: options.auth?.methods ?? ['PLAIN', 'LOGIN'],
    onConnect(_session, callback) {
      state.connections++;
      callback();
    },
    onRcptTo(address, _session, callback) {
      state.rcptSeen.push(address.address);
      const refusal = options.refuseRecipient?.(address.address);
      if (!refusal) {
        callback();
        return;
      }
      const error = new Error(refusal.message) as Error & { responseCode: number };
      error.responseCode = refusal.code;
      callback(error);
    },
    onAuth(auth, _session, callback) {
      state.authPasswords.push(auth.password ?? '');
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) {
        callback(null, { user: auth.username });
      } else {
        callback(new Error('Invalid username or password'));
      }
    },
    onData(stream, session, callback) {
      const n = state.dataSeen++;
      const answer = options.answer?.(n) ?? 'accept';
      const drop = (): void => {
        const connection = [...server.connections].find((c) => c.id === session.id);
        connection?._socket.destroy();
      };
      if (answer === 'drop-mid-data') {
        stream.once('data', () => {
          drop();
        });
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        options.beforeAnswer?.(n, session.envelope.rcptTo.map((r) => r.address));
        // The whole message is in, and the answer never leaves (the sender is killed meanwhile).
        if (answer === 'hold') return;
        if (answer === 'drop-after-data') {
          // The whole message is in, the reply never leaves: the client cannot know.
          drop();
          return;
        }
        if (answer === 'accept') {
          state.delivered.push(received(session, Buffer.concat(chunks)));
          callback(null, 'Ok: queued as TEST');
          return;
        }
        const error = new Error(answer.message) as Error & { responseCode: number };
        error.responseCode = answer.code;
        callback(error);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  state.port = typeof address === 'object' && address ? address.port : 0;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

function received(session: SMTPServerSession, raw: Buffer): Received {
  const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
  return { from, to: session.envelope.rcptTo.map((r) => r.address), raw, user: session.user as string | undefined };
}

/** True when `needle` occurs anywhere in the bytes of `file` (and its journal, if any). */
export function fileContains(file: string, needle: string): boolean {
  for (const candidate of [file, `${file}-journal`, `${file}-wal`]) {
    if (!fs.existsSync(candidate)) continue;
    const bytes = fs.readFileSync(candidate);
    if (bytes.includes(Buffer.from(needle, 'utf8'))) return true;
    if (bytes.includes(Buffer.from(needle, 'utf16le'))) return true;
  }
  return false;
}
