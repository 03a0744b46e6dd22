import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import Database from 'better-sqlite3';
import { deliverOutbox, pipelineDepth, type DeliverOptions } from '../../src/workflows/deliver-outbox.js';
import { writeOutboxEml } from '../../src/workflows/mail-preview.js';
import { queueLetters, resolveUnknown } from '../../src/ledger/outbox.js';
import { classifySendError } from '../../src/mail/send-error.js';
import { deliveryError, isDeliveryComplete } from '../../src/mail/summary.js';
import { createSmtpTransport, type SendFunction, type SmtpMailer } from '../../src/mail/transport.js';
import { ledgerMaker, mailConfig, NOW, samplePdf, settings, startSmtp, TODAY, type SmtpOptions, type TestLedger, type TestSmtp } from '../helpers/mail.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const ledgerWith = ledgerMaker(cleanups);

async function smtp(options: SmtpOptions = {}): Promise<{ server: TestSmtp; mailer: SmtpMailer }> {
  const server = await startSmtp(options);
  const mailer = createSmtpTransport(mailConfig(server.port), undefined, { socketTimeoutMs: 5_000, connectionTimeoutMs: 5_000, greetingTimeoutMs: 5_000 });
  cleanups.push(() => server.close());
  cleanups.push(() => mailer.close());
  return { server, mailer };
}

function options(overrides: Partial<DeliverOptions> = {}): DeliverOptions {
  return { today: TODAY, now: () => NOW, message: settings(), retryPauseMs: 20, ...overrides };
}

interface OutboxRecord {
  id: number;
  letter_id: number;
  to_address: string;
  state: string;
  message_id: string | null;
  eml: Buffer | null;
  eml_sha256: string | null;
  attempts: number;
  last_error: string | null;
  server_response: string | null;
  sent_at: string | null;
}

function outbox(t: TestLedger): OutboxRecord[] {
  return t.ledger.db.prepare('SELECT * FROM outbox ORDER BY id').all() as OutboxRecord[];
}

function attempts(t: TestLedger): { outbox_id: number; outcome: string | null; finished_at: string | null; response: string | null }[] {
  return t.ledger.db.prepare('SELECT outbox_id, outcome, finished_at, response FROM mail_attempts ORDER BY id').all() as never;
}

function events(t: TestLedger): { kind: string; today: string; debtor_number: string; data: string }[] {
  return t.ledger.db.prepare("SELECT kind, today, debtor_number, data FROM events WHERE kind LIKE 'mail_%' ORDER BY id").all() as never;
}

describe('queueLetters', () => {
  it('queues every e-mail letter once, and reports the ones that must go by post', () => {
    const t = ledgerWith([
      { debtor: 'D1', email: 'jan@example.nl' },
      { debtor: 'D2', email: null },
      { debtor: 'D3', email: 'geen-adres' },
      { debtor: 'D4', email: 'piet@example.nl', channels: ['post'] },
      { debtor: 'D5', email: 'klaas@example.nl', pdf: null },
      { debtor: 'D6', email: 'a@example.nl; b@example.nl', channels: ['email', 'post'] },
    ]);
    const first = queueLetters(t.ledger.db, { now: NOW, today: TODAY });
    expect(first.queued.map((q) => [q.debtorNumber, q.to])).toEqual([
      ['D1', 'jan@example.nl'],
      ['D6', 'a@example.nl, b@example.nl'],
    ]);
    expect(first.noAddress).toEqual([
      { letterId: t.letterIds[1], debtorNumber: 'D2', email: null },
      { letterId: t.letterIds[2], debtorNumber: 'D3', email: 'geen-adres' },
    ]);
    expect(first.notRendered).toEqual([t.letterIds[4]]);
    expect(outbox(t).map((r) => r.state)).toEqual(['queued', 'queued']);
    expect(events(t).map((e) => e.kind)).toEqual(['mail_queued', 'mail_queued']);

    const second = queueLetters(t.ledger.db, { now: NOW, today: TODAY });
    expect(second.queued).toEqual([]);
    expect(second.alreadyQueued).toEqual([t.letterIds[0], t.letterIds[5]]);
    expect(outbox(t)).toHaveLength(2);
    expect(events(t)).toHaveLength(2);
  });

  it('limits itself to the given letters', () => {
    const t = ledgerWith([
      { debtor: 'D1', email: 'jan@example.nl' },
      { debtor: 'D2', email: 'piet@example.nl' },
    ]);
    const result = queueLetters(t.ledger.db, { now: NOW, today: TODAY, letterIds: [t.letterIds[1]!] });
    expect(result.queued.map((q) => q.debtorNumber)).toEqual(['D2']);
    expect(queueLetters(t.ledger.db, { now: NOW, today: TODAY, letterIds: [] }).queued).toEqual([]);
  });
});

describe('deliverOutbox against a real SMTP server', () => {
  it('delivers the stored bytes with the PDF intact, records everything, and sends nothing the second time', async () => {
    const t = ledgerWith([
      { debtor: 'D1', email: 'jan@example.nl' },
      { debtor: 'D2', email: 'piet@example.nl' },
    ]);
    const { server, mailer } = await smtp();
    queueLetters(t.ledger.db, { now: NOW, today: TODAY });
    const progress: string[] = [];
    const summary = await deliverOutbox(t.ledger.db, mailer.send, options({ message: settings({ bcc: 'archief@korenschoof.nl' }), onProgress: (p) => progress.push(`${p.index}/${p.total} ${p.outcome}`) }));

    expect(summary).toMatchObject({ sent: 2, failed: 0, retry: 0, unknown: 0, skipped: 0 });
    expect(isDeliveryComplete(summary)).toBe(true);
    expect(deliveryError(summary)).toBeUndefined();
    expect(progress).toEqual(['1/2 sent', '2/2 sent']);
    expect(server.delivered).toHaveLength(2);

    const rows = outbox(t);
    for (const [i, row] of rows.entries()) {
      const got = server.delivered[i]!;
      expect(row.state).toBe('sent');
      expect(row.attempts).toBe(1);
      expect(row.sent_at).toBe(NOW.toISOString());
      expect(row.server_response).toMatch(/^250 /);
      // The evidence is exactly what the server received.
      expect(Buffer.compare(got.raw, row.eml!)).toBe(0);
      expect(row.eml_sha256).toBe(createHash('sha256').update(got.raw).digest('hex'));
      expect(got.from).toBe('administratie@korenschoof.nl');
      expect(got.to).toEqual([row.to_address, 'archief@korenschoof.nl']);

      const parsed = await simpleParser(got.raw);
      expect(parsed.from?.value[0]).toEqual({ name: 'Bakkerij De Korenschoof B.V.', address: 'administratie@korenschoof.nl' });
      expect(parsed.to).toMatchObject({ value: [{ address: row.to_address, name: '' }] });
      expect(parsed.headers.has('bcc')).toBe(false);
      expect(parsed.subject).toBe(`Herinnering: factuur nog open (brief ${row.letter_id})`);
      expect(parsed.messageId).toBe(row.message_id);
      expect(row.message_id).toMatch(new RegExp(`^<pre-incasso\\.letter-${row.letter_id}\\.[0-9a-f]{16}@korenschoof\\.nl>$`));
      expect(parsed.date?.toISOString()).toBe(NOW.toISOString());
      expect(parsed.attachments).toHaveLength(1);
      expect(parsed.attachments[0]!.filename).toBe(`${TODAY}_D${i + 1}_herinnering.pdf`);
      expect(Buffer.compare(parsed.attachments[0]!.content, samplePdf(i))).toBe(0);
    }
    expect(attempts(t).map((a) => a.outcome)).toEqual(['sent', 'sent']);
    const sentEvents = events(t).filter((e) => e.kind === 'mail_sent');
    expect(sentEvents).toHaveLength(2);
    expect(sentEvents[0]!.today).toBe(TODAY);
    expect(JSON.parse(sentEvents[0]!.data)).toMatchObject({ letter_id: t.letterIds[0], attempt: 1, to: 'jan@example.nl', message_id: rows[0]!.message_id, eml_sha256: rows[0]!.eml_sha256 });

    const again = await deliverOutbox(t.ledger.db, mailer.send, options());
    expect(again).toMatchObject({ sent: 0, failed: 0, retry: 0, unknown: 0, skipped: 0 });
    expect(server.delivered).toHaveLength(2);
  });

  it('retries a 451 after a pause and delivers exactly once, with the same bytes', async () => {
    const t = ledgerWith([{ debtor: 'D1', email: 'jan@example.nl' }]);
    const { server, mailer } = await smtp({ answer: (n) => (n === 0 ? { code: 451, message: 'Greylisted, try again later' } : 'accept') });
    queueLetters(t.ledger.db, { now: NOW, today: TODAY });
    const started = Date.now();
    const summary = await deliverOutbox(t.ledger.db, mailer.send, options({ retryPauseMs: 300 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(summary).toMatchObject({ sent: 1, retry: 0, failed: 0, unknown: 0 });
    expect(server.dataSeen).toBe(2);
    expect(server.delivered).toHaveLength(1);
    const [row] = outbox(t);
    expect(row!.state).toBe('sent');
    expect(row!.attempts).toBe(2);
    expect(Buffer.compare(server.delivered[0]!.raw, row!.eml!)).toBe(0);
    const tries = attempts(t);
    expect(tries.map((a) => a.outcome)).toEqual(['retry', 'sent']);
    expect(tries[0]!.response).toMatch(/451/);
    expect(events(t).map((e) => e.kind)).toEqual(['mail_queued', 'mail_retry', 'mail_sent']);
  });

  it('gives up on a temporary failure after maxAttempts, and the next call tries again straight away', async () => {
    const t = ledgerWith([{ debtor: 'D1', email: 'jan@example.nl' }]);
    let busy = true;
    const { server, mailer } = await smtp({ answer: () => (busy ? { code: 452, message: 'Mailbox full' } : 'accept') });
    queueLetters(t.ledger.db, { now: NOW, today: TODAY });
    const first = await deliverOutbox(t.ledger.db, mailer.send, options({ maxAttempts: 3 }));
    expect(first).toMatchObject({ sent: 0, retry: 1 });
    expect(server.dataSeen).toBe(3);
    expect(outbox(t)[0]).toMatchObject({ state: 'retry', attempts: 3 });
    expect(outbox(t)[0]!.last_error).toMatch(/452/);
    expect(deliveryError(first)?.exitCode).toBe(6);

    busy = false;
    const second = await deliverOutbox(t.ledger.db, mailer.send, options({ retryPauseMs: 10_000 }));
    expect(second).toMatchObject({ sent: 1, retry: 0 });
    expect(outbox(t)[0]).toMatchObject({ state: 'sent', attempts: 4 });
    expect(server.delivered).toHaveLength(1);
  });

  it('marks a 550 as failed, reports it with exit code 6, and never retries it', async () => {
    const t = ledgerWith([
      { debtor: 'D1', email: 'onbekend@example.nl' },
      { debtor: 'D2', email: 'piet@example.nl' },
    ]);
    const { server, mailer } = await smtp({ answer: (n) => (n === 0 ? { code: 550, message: 'No such user here' } : 'accept') });
    queueLetters(t.ledger.db, { now: NOW, today: TODAY });
    const summary = await deliverOutbox(t.ledger.db, mailer.send, options());
    expect(summary).toMatchObject({ sent: 1, failed: 1, retry: 0, unknown: 0 });
    expect(outbox(t).map((r) => r.state)).toEqual(['failed', 'sent']);
    expect(outbox(t)[0]!.attempts).toBe(1);
    expect(outbox(t)[0]!.last_error).toMatch(/550 No such user here/);
    const error = deliveryError(summary);
    expect(error?.code).toBe('delivery_incomplete');
    expect(error?.exitCode).toBe(6);
    expect(error?.message).toContain('1 refused');
    expect(error?.details.join('\n')).toContain('debtor D1');
    expect(events(t).find((e) => e.kind === 'mail_failed')?.debtor_number).toBe('D1');

    const again = await deliverOutbox(t.ledger.db, mailer.send, options());
    expect(again).toMatchObject({ sent: 0, failed: 0 });
    expect(server.dataSeen).toBe(2);
  });

  it('a connection dropped after the whole message went over is unknown: never resent by itself', async () => {
    const t = ledgerWith([{ debtor: 'D1', email: 'jan@example.nl' }]);
    const { server, mailer } = await smtp({ answer: (n) => (n === 0 ? 'drop-after-data' : 'accept') });
    queueLetters(t.ledger.db, { now: NOW, today: TODAY });
    const summary = await deliverOutbox(t.ledger.db, mailer.send, options());
    expect(summary).toMatchObject({ sent: 0, unknown: 1, retry: 0 });
    expect(server.dataSeen).toBe(1);
    expect(outbox(t)[0]).toMatchObject({ state: 'unknown', attempts: 1 });
    expect(deliveryError(summary)?.exitCode).toBe(6);

    // The next ordinary run leaves it alone, and still says delivery is incomplete.
    const next = await deliverOutbox(t.ledger.db, mailer.send, options());
    expect(next).toMatchObject({ sent: 0, unknown: 1 });
    expect(server.dataSeen).toBe(1);
    expect(deliveryError(next)?.exitCode).toBe(6);

    // A person checked: it did not arrive. Resend, once.
    const resent = await deliverOutbox(t.ledger.db, mailer.send, options({ resendUnknown: true }));
    expect(resent).toMatchObject({ sent: 1, unknown: 0 });
    expect(server.delivered).toHaveLength(1);
    expect(Buffer.compare(server.delivered[0]!.raw, outbox(t)[0]!.eml!)).toBe(0);
    expect(outbox(t)[0]).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('a connection dropped in the middle of the message is retried: delivered once, complete', async () => {
    // Larger than every buffer between the composer and the loopback socket, so the message is
    // still being written when the server hangs up: its final "." never left.
    const big = samplePdf(8 * 1024 * 1024);
    const t = ledgerWith([{ debtor: 'D1', email: 'jan@example.nl', pdf: big }]);
    const { server, mailer } = await smtp({ answer: (n) => (n === 0 ? 'drop-mid-data' : 'accept') });
    queueLetters(t.ledger.db, { now: NOW, today: TODAY });
    const summary = await deliverOutbox(t.ledger.db, mailer.send, options());
    expect(summary).toMatchObject({ sent: 1, unknown: 0, retry: 0 });
    expect(attempts(t).map((a) => a.outcome)).toEqual(['retry', 'sent']);
    expect(server.delivered).toHaveLength(1);
    const parsed = await simpleParser(server.delivered[0]!.raw);
    expect(Buffer.compare(parsed.attachments[0]!.content, big)).toBe(0);
  });

  it('a connection dropped in the middle of an ordinary-size message is unknown: the client cannot tell', async () => {
    // A small message is in the socket, final "." included, before the server reads a byte of
    // it: whether the server got that far is unknowable, so it is not sent again by itself.
    const t = ledgerWith([{ debtor: 'D1', email: 'jan@example.nl' }]);
    const { server, mailer } = await smtp({ answer: (n) => (n === 0 ? 'drop-mid-data' : 'accept') });
    queueLetters(t.ledger.db, { now: NOW, today: TODAY });
    const summary = await deliverOutbox(t.ledger.db, mailer.send, options());
    expect(summary).toMatchObject({ sent: 0, unknown: 1, retry: 0 });
    await deliverOutbox(t.ledger.db, mailer.send, options());
    expect(server.dataSeen).toBe(1);
    expect(server.delivered).toHaveLength(0);
  });

  it('a row left `sending` by a killed process becomes unknown, is not sent, and is sent once with resendUnknown', async () => {
    const t = ledgerWith([
      { debtor: 'D1', email: 'jan@example.nl' },
      { debtor: 'D2', email: 'piet@example.nl' },
    ]);
    const { server, mailer } = await smtp();
    queueLetters(t.ledger.db, { now: NOW, today: TODAY });
    // What the killed process left: the row committed as `sending`, an attempt without outcome.
    const [first] = outbox(t);
    t.ledger.db.prepare(`UPDATE outbox SET state = 'sending', attempts = 1 WHERE id = ?`).run(first!.id);
    t.ledger.db.prepare(`INSERT INTO mail_attempts (outbox_id, started_at) VALUES (?, ?)`).run(first!.id, NOW.toISOString());

    const summary = await deliverOutbox(t.ledger.db, mailer.send, options());
    expect(summary).toMatchObject({ sent: 1, unknown: 1 });
    expect(outbox(t).map((r) => r.state)).toEqual(['unknown', 'sent']);
    expect(server.delivered.map((m) => m.to[0])).toEqual(['piet@example.nl']);
    expect(attempts(t)[0]).toMatchObject({ outcome: 'unknown', finished_at: null });
    expect(events(t).filter((e) => e.kind === 'mail_unknown').map((e) => e.debtor_number)).toEqual(['D1']);

    const resent = await deliverOutbox(t.ledger.db, mailer.send, options({ resendUnknown: true }));
    expect(resent).toMatchObject({ sent: 1, unknown: 0 });
    expect(server.delivered.map((m) => m.to[0])).toEqual(['piet@example.nl', 'jan@example.nl']);
    const again = await deliverOutbox(t.ledger.db, mailer.send, options({ resendUnknown: true }));
    expect(again.sent).toBe(0);
    expect(server.delivered).toHaveLength(2);
  });

  it('stops after the server cannot be reached, leaves the rest waiting, and exits 6', async () => {
    const t = ledgerWith([
      { debtor: 'D1', email: 'jan@example.nl' },
      { debtor: 'D2', email: 'piet@example.nl' },
    ]);
    // A port that was just free: nothing listens there.
    const probe = await startSmtp();
    const port = probe.port;
    await probe.close();
    const mailer = createSmtpTransport(mailConfig(port), undefined, { connectionTimeoutMs: 2_000 });
    cleanups.push(() => mailer.close());
    queueLetters(t.ledger.db, { now: NOW, today: TODAY });
    const summary = await deliverOutbox(t.ledger.db, mailer.send, options({ maxAttempts: 2 }));
    expect(summary).toMatchObject({ sent: 0, retry: 1, skipped: 1, failed: 0, unknown: 0 });
    expect(outbox(t).map((r) => [r.state, r.attempts])).toEqual([
      ['retry', 2],
      ['queued', 0],
    ]);
    expect(deliveryError(summary)?.exitCode).toBe(6);
  });
});

describe('the pooled pipeline (batches on one connection)', () => {
  function many(n: number): TestLedger {
    return ledgerWith(Array.from({ length: n }, (_, i) => ({ debtor: `D${i + 1}`, email: `debiteur${i + 1}@example.nl` })));
  }

  it('sends 80 messages (1, then 64, then 15) over one connection, each committed `sending` before the server sees it, each once', async () => {
    const t = many(80);
    queueLetters(t.ledger.db, { now: NOW, today: TODAY });
    // A second connection sees only what was committed: the state of each message at the moment
    // its DATA reached the server.
    const reader = new Database(t.file, { readonly: true });
    cleanups.push(() => {
      reader.close();
    });
    const stateOf = reader.prepare('SELECT state FROM outbox WHERE to_address = ?').pluck();
    const seen: string[] = [];
    const server = await startSmtp({ beforeAnswer: (_n, to) => seen.push(stateOf.get(to[0]) as string) });
    const mailer = createSmtpTransport(mailConfig(server.port, {}, { perMinute: 10_000 }), undefined, { socketTimeoutMs: 5_000 });
    cleanups.push(() => server.close());
    cleanups.push(() => mailer.close());
    const progress: number[] = [];
    const summary = await deliverOutbox(t.ledger.db, mailer.send, options({ batchSize: pipelineDepth(10_000), onProgress: (p) => progress.push(p.index) }));

    expect(pipelineDepth(10_000)).toBe(64);
    expect(summary).toMatchObject({ sent: 80, failed: 0, retry: 0, unknown: 0, skipped: 0 });
    expect(server.connections).toBe(1);
    expect(seen).toEqual(Array(80).fill('sending'));
    expect(server.delivered.map((m) => m.to[0])).toEqual(Array.from({ length: 80 }, (_, i) => `debiteur${i + 1}@example.nl`));
    expect(progress).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    const rows = outbox(t);
    expect(rows.map((r) => [r.state, r.attempts])).toEqual(Array(80).fill(['sent', 1]));
    for (const [i, row] of rows.entries()) expect(Buffer.compare(server.delivered[i]!.raw, row.eml!)).toBe(0);
    expect(attempts(t).map((a) => a.outcome)).toEqual(Array(80).fill('sent'));
    expect(events(t).filter((e) => e.kind === 'mail_sent').map((e) => JSON.parse(e.data).outbox_id)).toEqual(rows.map((r) => r.id));
  });

  it('a letter that cannot be composed mid-pipeline stops the delivery, with the batch in flight recorded first', async () => {
    const t = many(8);
    queueLetters(t.ledger.db, { now: NOW, today: TODAY });
    const sent: string[] = [];
    const send: SendFunction = async (_eml, envelope) => {
      sent.push(envelope.to[0]!);
      return { accepted: true, response: '250 ok' };
    };
    const broken = t.letterIds[6]!;
    const texts = settings().texts;
    // Batches: [1], then [2..5]; letter 7 is composed for the third batch while the second is out.
    const delivery = deliverOutbox(t.ledger.db, send, options({ batchSize: 4, message: settings({ texts: (id) => { if (id === broken) throw new Error('template broke'); return texts(id); } }) }));
    await expect(delivery).rejects.toThrow('template broke');
    expect(sent).toEqual(['debiteur1@example.nl', 'debiteur2@example.nl', 'debiteur3@example.nl', 'debiteur4@example.nl', 'debiteur5@example.nl']);
    expect(outbox(t).map((r) => r.state)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent', 'queued', 'queued', 'queued']);
    expect(attempts(t).map((a) => a.outcome)).toEqual(Array(5).fill('sent'));
  });

  it('a recipient refused mid-batch fails alone, a greylisted one is retried once, the rest go once', async () => {
    const t = many(20);
    queueLetters(t.ledger.db, { now: NOW, today: TODAY });
    let greylisted = false;
    const server = await startSmtp({
      refuseRecipient: (address) => {
        if (address === 'debiteur7@example.nl') return { code: 550, message: '5.1.1 mailbox unavailable' };
        if (address === 'debiteur12@example.nl' && !greylisted) {
          greylisted = true;
          return { code: 451, message: '4.7.1 greylisted, try again later' };
        }
        return undefined;
      },
    });
    const mailer = createSmtpTransport(mailConfig(server.port, {}, { perMinute: 600 }), undefined, { socketTimeoutMs: 5_000 });
    cleanups.push(() => server.close());
    cleanups.push(() => mailer.close());
    const summary = await deliverOutbox(t.ledger.db, mailer.send, options({ batchSize: 8 }));

    expect(summary).toMatchObject({ sent: 19, failed: 1, retry: 0, unknown: 0, skipped: 0 });
    expect(server.connections).toBe(1);
    const rows = outbox(t);
    expect(rows.map((r) => [r.to_address, r.state, r.attempts]).filter(([, state, tries]) => state !== 'sent' || tries !== 1)).toEqual([
      ['debiteur7@example.nl', 'failed', 1],
      ['debiteur12@example.nl', 'sent', 2],
    ]);
    expect(rows[6]!.last_error).toBe("EENVELOPE: Can't send mail - all recipients were rejected: 550 5.1.1 mailbox unavailable");
    // Every address was asked once, the greylisted one twice; only the refused one got nothing.
    const asked = server.rcptSeen.reduce((m, a) => m.set(a, (m.get(a) ?? 0) + 1), new Map<string, number>());
    expect([...asked].filter(([, n]) => n !== 1)).toEqual([['debiteur12@example.nl', 2]]);
    expect(server.delivered.map((m) => m.to[0]).sort()).toEqual(rows.filter((r) => r.state === 'sent').map((r) => r.to_address).sort());
    expect(server.delivered).toHaveLength(19);
  });
});

describe('writeOutboxEml (mail --dry-run --out)', () => {
  it('writes the messages as safe-named .eml files and changes nothing in the ledger', async () => {
    const t = ledgerWith([
      { debtor: '../D 7', email: 'jan@example.nl', name: '../../etc/passwd' },
      { debtor: 'D8', email: 'piet@example.nl', stage: 'laatste-herinnering' },
      { debtor: 'D9', email: null },
    ]);
    queueLetters(t.ledger.db, { now: NOW, today: TODAY, letterIds: [t.letterIds[0]!] });
    const before = JSON.stringify(outbox(t));
    const eventsBefore = events(t).length;
    const out = path.join(t.dir, 'eml');
    const preview = await writeOutboxEml(t.ledger.db, out, { now: NOW, message: settings() });
    expect(preview.files.map((f) => [path.basename(f.file), f.state, f.stored])).toEqual([
      [`${TODAY}_D_7_herinnering.eml`, 'queued', false],
      [`${TODAY}_D8_laatste-herinnering.eml`, 'not_queued', false],
    ]);
    expect(preview.noAddress.map((n) => n.debtorNumber)).toEqual(['D9']);
    expect(fs.readdirSync(out).sort()).toEqual([`${TODAY}_D8_laatste-herinnering.eml`, `${TODAY}_D_7_herinnering.eml`]);
    expect(JSON.stringify(outbox(t))).toBe(before);
    expect(events(t)).toHaveLength(eventsBefore);
    expect(fs.statSync(preview.files[0]!.file).mode & 0o777).toBe(0o600);

    // What the preview showed is what is then sent (same clock, same bytes).
    const { server, mailer } = await smtp();
    await deliverOutbox(t.ledger.db, mailer.send, options());
    expect(Buffer.compare(server.delivered[0]!.raw, fs.readFileSync(preview.files[0]!.file))).toBe(0);
  });
});

describe('resolveUnknown', () => {
  it('lets a person settle an unknown message as sent, after which it is never sent', async () => {
    const t = ledgerWith([{ debtor: 'D1', email: 'jan@example.nl' }]);
    queueLetters(t.ledger.db, { now: NOW, today: TODAY });
    const id = outbox(t)[0]!.id;
    t.ledger.db.prepare(`UPDATE outbox SET state = 'unknown' WHERE id = ?`).run(id);
    expect(resolveUnknown(t.ledger.db, id, 'sent', { now: NOW, today: TODAY, note: 'debtor confirmed by phone' })).toBe(true);
    expect(outbox(t)[0]).toMatchObject({ state: 'sent', server_response: 'debtor confirmed by phone' });
    expect(resolveUnknown(t.ledger.db, id, 'failed', { now: NOW, today: TODAY })).toBe(false);
    let calls = 0;
    const send: SendFunction = async () => {
      calls++;
      return { accepted: true, response: '250 ok' };
    };
    await deliverOutbox(t.ledger.db, send, options({ resendUnknown: true }));
    expect(calls).toBe(0);
    expect(events(t).map((e) => e.kind)).toContain('mail_resolved');
  });
});

describe('classifySendError', () => {
  it.each([
    ['550 refusal', { code: 'EENVELOPE', responseCode: 550, messageHandedOver: false }, 'failed', 'message'],
    ['554 after DATA', { code: 'EMESSAGE', responseCode: 554, messageHandedOver: true }, 'failed', 'message'],
    ['451 greylisting', { code: 'EMESSAGE', responseCode: 451, messageHandedOver: true }, 'retry', 'message'],
    ['503 bad sequence', { code: 'EPROTOCOL', responseCode: 503, messageHandedOver: false }, 'retry', 'message'],
    ['421 closing', { code: 'ECONNECTION', responseCode: 421, messageHandedOver: false }, 'retry', 'connection'],
    ['535 login refused', { code: 'EAUTH', responseCode: 535, messageHandedOver: false }, 'retry', 'account'],
    ['TLS failure', { code: 'ETLS', messageHandedOver: false }, 'retry', 'account'],
    ['refused connection', { code: 'ESOCKET', messageHandedOver: false }, 'retry', 'connection'],
    ['timeout before data', { code: 'ETIMEDOUT', messageHandedOver: false }, 'retry', 'connection'],
    ['dropped mid-message', { code: 'ECONNECTION', messageHandedOver: false }, 'retry', 'connection'],
    ['dropped after the final dot', { code: 'ECONNECTION', messageHandedOver: true }, 'unknown', 'connection'],
    ['timeout waiting for the final reply', { code: 'ETIMEDOUT', messageHandedOver: true }, 'unknown', 'connection'],
    ['a sender that cannot tell', { code: 'ECONNECTION' }, 'unknown', 'connection'],
    ['no recipients', { code: 'EENVELOPE', messageHandedOver: false }, 'failed', 'message'],
  ])('%s', (_name, error, outcome, scope) => {
    const c = classifySendError(Object.assign(new Error('x'), error));
    expect([c.outcome, c.scope]).toEqual([outcome, scope]);
  });
});
