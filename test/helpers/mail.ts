// Shared by the mail tests: a real ledger file with a few recorded letters, the message settings,
// and (from smtp.ts) a real SMTP server on 127.0.0.1.
import fs from 'node:fs';
import type { Ledger } from '../../src/ledger/ledger.js';
import { addDebtor, addImport, addInvoice, tempLedger } from './ledger.js';
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
  const { dir, file, ledger } = tempLedger('pre-incasso-mail-');
  const { db } = ledger;
  addImport(db, { at: NOW.toISOString(), today: TODAY, files: '["invoices.csv"]' });
  db.prepare(`INSERT INTO runs (id, today, at) VALUES (1, ?, ?)`).run(TODAY, NOW.toISOString());
  const letter = db.prepare(`
    INSERT INTO letters (run_id, debtor_number, stage_index, stage_id, final, date, channels, amount_cents, reference, data, pdf, pdf_sha256, rendered_at)
    VALUES (1, ?, 0, ?, 0, ?, ?, 12100, 'RF18539007547034', ?, ?, NULL, ?)`);
  const letterIds: number[] = [];
  letters.forEach((l, i) => {
    addDebtor(db, { number: l.debtor, name: l.name ?? `Debiteur ${i + 1}`, type: 'consumer', email: l.email, import_id: 1 });
    addInvoice(db, { number: `F2026-${100 + i}`, debtor_number: l.debtor, due_date: '2026-10-01', amount_cents: 12100, open_cents: 12100, source_file: 'invoices.csv', source_line: i + 2 });
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

/** A test file's `ledgerWith`: `makeLedger`, its closing and removal pushed onto that file's cleanups (run after each test). */
export function ledgerMaker(cleanups: (() => Promise<void> | void)[]): (...args: Parameters<typeof makeLedger>) => TestLedger {
  return (...args) => {
    const t = makeLedger(...args);
    cleanups.push(() => {
      t.close();
      fs.rmSync(t.dir, { recursive: true, force: true });
    });
    return t;
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

export { startSmtp, type DataAnswer, type Received, type SmtpOptions, type TestSmtp } from './smtp.js';

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
