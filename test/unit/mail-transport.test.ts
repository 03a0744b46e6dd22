import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { AppError } from '../../src/errors.js';
import { deliverOutbox } from '../../src/workflows/deliver-outbox.js';
import { writeOutboxEml } from '../../src/workflows/mail-preview.js';
import { queueLetters } from '../../src/ledger/outbox.js';
import { deliveryError, deliveryJson } from '../../src/mail/summary.js';
import {
  createSmtpTransport,
  PASSWORD_ENV,
  readSmtpPassword,
  scrubSecrets,
  secretVariants,
  smtpTransportOptions,
  verifySmtp,
  type MailConfig,
} from '../../src/mail/transport.js';
import { fileContains, mailConfig, ledgerMaker, NOW, settings, startSmtp, TODAY } from '../helpers/mail.js';

const PASSWORD = 'Geh31m!wachtw00rd-Zon';
const USER = 'administratie@korenschoof.nl';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pre-incasso-smtp-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const ledgerWith = ledgerMaker(cleanups);

const base: MailConfig = {
  from: USER,
  smtp: { host: 'smtp.example.nl', port: 587, secure: false, user: USER },
};

describe('smtpTransportOptions', () => {
  it('is a pooled transport, rate-limited per minute, STARTTLS required, logging off', () => {
    const o = smtpTransportOptions(base, PASSWORD);
    expect(o).toMatchObject({
      pool: true,
      maxConnections: 1,
      rateDelta: 60_000,
      rateLimit: 30,
      host: 'smtp.example.nl',
      port: 587,
      secure: false,
      requireTLS: true,
      auth: { user: USER, pass: PASSWORD },
      logger: false,
      debug: false,
    });
    expect(o.connectionTimeout).toBe(30_000);
    expect(o.greetingTimeout).toBe(30_000);
    expect(o.socketTimeout).toBe(600_000);
    expect('dkim' in o).toBe(false);
  });

  it('takes perMinute, a local relay without TLS, implicit TLS, and no auth without a user', () => {
    expect(smtpTransportOptions({ ...base, perMinute: 5 }, PASSWORD).rateLimit).toBe(5);
    expect(smtpTransportOptions({ ...base, smtp: { ...base.smtp, requireTLS: false } }, PASSWORD).requireTLS).toBe(false);
    expect(smtpTransportOptions({ ...base, smtp: { ...base.smtp, port: 465, secure: true } }, PASSWORD)).toMatchObject({ secure: true, requireTLS: false });
    const { user: _user, ...anonymous } = base.smtp;
    expect(smtpTransportOptions({ ...base, smtp: anonymous }, undefined).auth).toBeUndefined();
  });

  it('refuses a user without a password, and a nonsense rate', () => {
    expect(() => smtpTransportOptions(base, undefined)).toThrow(AppError);
    try {
      smtpTransportOptions(base, undefined);
    } catch (error) {
      expect((error as AppError).exitCode).toBe(3);
      expect((error as AppError).hint).toContain(PASSWORD_ENV);
    }
    expect(() => smtpTransportOptions({ ...base, perMinute: 0 }, PASSWORD)).toThrow(/perMinute/);
    expect(() => smtpTransportOptions({ ...base, perMinute: 2.5 }, PASSWORD)).toThrow(/perMinute/);
  });
});

describe('readSmtpPassword', () => {
  it('reads the password file (trimmed), relative to the config directory', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'smtp-password'), `  ${PASSWORD}\n`, { mode: 0o600 });
    const config = { ...base, smtp: { ...base.smtp, passwordFile: 'smtp-password' } };
    expect(readSmtpPassword(config, {}, dir)).toBe(PASSWORD);
    // The file is what the config points at: a stray variable does not override it.
    expect(readSmtpPassword(config, { [PASSWORD_ENV]: 'other' }, dir)).toBe(PASSWORD);
  });

  it('falls back to the environment variable, and to nothing', () => {
    expect(readSmtpPassword(base, { [PASSWORD_ENV]: PASSWORD })).toBe(PASSWORD);
    expect(readSmtpPassword(base, { [PASSWORD_ENV]: '' })).toBeUndefined();
    expect(readSmtpPassword(base, {})).toBeUndefined();
  });

  it('says which file it could not read, or that it is empty (exit 3)', () => {
    const dir = tempDir();
    const missing = { ...base, smtp: { ...base.smtp, passwordFile: 'nope' } };
    expect(() => readSmtpPassword(missing, {}, dir)).toThrow(/mail\.smtp\.passwordFile: cannot read .*nope \(ENOENT\)/);
    fs.writeFileSync(path.join(dir, 'empty'), '\n');
    const empty = { ...base, smtp: { ...base.smtp, passwordFile: 'empty' } };
    expect(() => readSmtpPassword(empty, {}, dir)).toThrow(/is empty/);
  });
});

describe('secret scrubbing', () => {
  it('removes the password as is and in the encodings an SMTP session uses', () => {
    const secrets = secretVariants(PASSWORD, USER);
    const plain = Buffer.from(`\0${USER}\0${PASSWORD}`).toString('base64');
    const login = Buffer.from(PASSWORD).toString('base64');
    // Base64 of the password at every alignment inside a longer string.
    const embedded = [0, 1, 2].map((n) => Buffer.from(`${'x'.repeat(n)}${PASSWORD}!`).toString('base64'));
    const text = `pw=${PASSWORD} url=${encodeURIComponent(PASSWORD)} plain=${plain} login=${login} ${embedded.join(' ')}`;
    const clean = scrubSecrets(text, secrets);
    expect(clean).not.toContain(PASSWORD);
    expect(clean).not.toContain(plain);
    expect(clean).not.toContain(login);
    for (const e of embedded) expect(clean).not.toContain(e);
    for (const n of [0, 1, 2]) {
      const decoded = clean.split(' ').map((w) => Buffer.from(w, 'base64').toString('latin1')).join(' ');
      expect(decoded).not.toContain(PASSWORD.slice(n + 2, n + 10));
    }
  });
});

describe('SMTP AUTH against a real server', () => {
  it.each([['PLAIN'], ['LOGIN']])('logs in with %s using the password from the file, and delivers', async (method) => {
    const server = await startSmtp({ auth: { user: USER, pass: PASSWORD, methods: [method] } });
    cleanups.push(() => server.close());
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'pw'), `${PASSWORD}\n`);
    const config = mailConfig(server.port, { user: USER, passwordFile: 'pw' });
    const password = readSmtpPassword(config, {}, dir);
    const mailer = createSmtpTransport(config, password);
    cleanups.push(() => mailer.close());

    const t = ledgerWith([{ debtor: 'D1', email: 'jan@example.nl' }]);
    queueLetters(t.ledger.db, { now: NOW, today: TODAY });
    const summary = await deliverOutbox(t.ledger.db, mailer.send, { today: TODAY, now: () => NOW, message: settings(), secrets: mailer.secrets });
    expect(summary.sent).toBe(1);
    expect(server.authPasswords).toEqual([PASSWORD]);
    expect(server.delivered[0]!.user).toBe(USER);
  });

  it('verifySmtp logs in and sends nothing; a wrong password is reported without the password', async () => {
    const server = await startSmtp({ auth: { user: USER, pass: PASSWORD } });
    cleanups.push(() => server.close());
    const config = mailConfig(server.port, { user: USER });
    const ok = await verifySmtp(config, readSmtpPassword(config, { [PASSWORD_ENV]: PASSWORD }));
    expect(ok).toEqual({ ok: true, message: `SMTP 127.0.0.1:${server.port}: connected, logged in as ${USER}.` });
    expect(server.dataSeen).toBe(0);

    const wrong = `${PASSWORD}-oud`;
    const bad = await verifySmtp(config, wrong);
    expect(bad.ok).toBe(false);
    expect(bad.code).toBe('EAUTH');
    expect(bad.message).toMatch(/535/);
    expect(bad.message).not.toContain(wrong);
    expect(bad.message).not.toContain(PASSWORD);
  });
});

describe('the SMTP password never lands anywhere', () => {
  it('not in the ledger, the .eml files, errors or JSON, even when a server echoes it', async () => {
    // A refused login, and a server that puts the password into its refusal text.
    const server = await startSmtp({
      auth: { user: USER, pass: PASSWORD },
      answer: () => ({ code: 550, message: `mailbox unavailable for ${PASSWORD} ${Buffer.from(PASSWORD).toString('base64')}` }),
    });
    cleanups.push(() => server.close());
    const env = { [PASSWORD_ENV]: PASSWORD };
    const config = mailConfig(server.port, { user: USER });
    const mailer = createSmtpTransport(config, readSmtpPassword(config, env));
    cleanups.push(() => mailer.close());
    const t = ledgerWith([
      { debtor: 'D1', email: 'jan@example.nl' },
      { debtor: 'D2', email: 'piet@example.nl' },
    ]);
    queueLetters(t.ledger.db, { now: NOW, today: TODAY });
    const out = path.join(t.dir, 'eml');
    const preview = await writeOutboxEml(t.ledger.db, out, { now: NOW, message: settings({ sign: mailer.sign }) });
    const summary = await deliverOutbox(t.ledger.db, mailer.send, { today: TODAY, now: () => NOW, message: settings({ sign: mailer.sign }), secrets: mailer.secrets, retryPauseMs: 10 });
    expect(summary.failed).toBe(2);
    const reasons = summary.messages.map((m) => m.reason ?? '').join('\n');
    expect(reasons).toContain('mailbox unavailable for ***');

    // A wrong password: the login is refused, nothing more is tried.
    const wrongMailer = createSmtpTransport(config, 'verkeerd-wachtwoord');
    cleanups.push(() => wrongMailer.close());
    const t2 = ledgerWith([
      { debtor: 'D1', email: 'jan@example.nl' },
      { debtor: 'D2', email: 'piet@example.nl' },
    ]);
    queueLetters(t2.ledger.db, { now: NOW, today: TODAY });
    const refused = await deliverOutbox(t2.ledger.db, wrongMailer.send, { today: TODAY, now: () => NOW, message: settings(), secrets: wrongMailer.secrets, retryPauseMs: 10 });
    expect(refused).toMatchObject({ retry: 1, skipped: 1, sent: 0 });
    expect(server.authPasswords.filter((p) => p === 'verkeerd-wachtwoord')).toHaveLength(1);

    const texts = [
      JSON.stringify(deliveryJson(summary)),
      JSON.stringify(deliveryJson(refused)),
      deliveryError(summary)!.message,
      deliveryError(summary)!.details.join('\n'),
      deliveryError(refused)!.details.join('\n'),
    ];
    const forbidden = [PASSWORD, ...secretVariants(PASSWORD, USER)];
    for (const text of texts) for (const secret of forbidden) expect(text).not.toContain(secret);
    for (const file of preview.files) {
      const eml = fs.readFileSync(file.file, 'latin1');
      for (const secret of forbidden) expect(eml).not.toContain(secret);
    }
    t.close();
    t2.close();
    for (const ledgerFile of [t.file, t2.file]) {
      for (const secret of forbidden) expect(fileContains(ledgerFile, secret)).toBe(false);
    }
    expect(fileContains(t.file, 'mailbox unavailable for ***')).toBe(true);
  });
});

describe('rate limit', () => {
  it('holds messages back once perMinute is used up within the window', async () => {
    const server = await startSmtp();
    cleanups.push(() => server.close());
    const run = async (perMinute: number): Promise<number> => {
      const mailer = createSmtpTransport(mailConfig(server.port, {}, { perMinute }), undefined, { rateDeltaMs: 1_000 });
      cleanups.push(() => mailer.close());
      const t = ledgerWith([
        { debtor: 'D1', email: 'a@example.nl' },
        { debtor: 'D2', email: 'b@example.nl' },
        { debtor: 'D3', email: 'c@example.nl' },
      ]);
      queueLetters(t.ledger.db, { now: NOW, today: TODAY });
      const started = Date.now();
      const summary = await deliverOutbox(t.ledger.db, mailer.send, { today: TODAY, now: () => NOW, message: settings() });
      expect(summary.sent).toBe(3);
      return Date.now() - started;
    };
    // Two per window: the third message waits for the next window; without the limit it does not.
    const limited = await run(2);
    const unlimited = await run(100);
    expect(limited).toBeGreaterThanOrEqual(950);
    expect(unlimited).toBeLessThan(limited - 500);
    expect(server.delivered).toHaveLength(6);
  });
});

describe('DKIM', () => {
  it('signs before storing, so the stored message is the signed one that left', async () => {
    const dir = tempDir();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    fs.writeFileSync(path.join(dir, 'dkim.pem'), privateKey.export({ type: 'pkcs1', format: 'pem' }));
    const server = await startSmtp();
    cleanups.push(() => server.close());
    const config = mailConfig(server.port, {}, { dkim: { domainName: 'korenschoof.nl', keySelector: 'pi2026', privateKeyFile: 'dkim.pem' } });
    const mailer = createSmtpTransport(config, undefined, { baseDir: dir });
    cleanups.push(() => mailer.close());
    const t = ledgerWith([{ debtor: 'D1', email: 'jan@example.nl' }]);
    queueLetters(t.ledger.db, { now: NOW, today: TODAY });
    await deliverOutbox(t.ledger.db, mailer.send, { today: TODAY, now: () => NOW, message: settings({ sign: mailer.sign }) });
    const row = t.ledger.db.prepare('SELECT eml FROM outbox').get() as { eml: Buffer };
    const raw = server.delivered[0]!.raw;
    expect(Buffer.compare(raw, row.eml)).toBe(0);
    const parsed = await simpleParser(raw);
    expect(raw.toString('latin1')).toMatch(/^DKIM-Signature: /);
    const signature = parsed.headerLines.find((h) => h.key === 'dkim-signature')?.line ?? '';
    expect(signature).toMatch(/d=korenschoof\.nl/);
    expect(signature).toMatch(/s=pi2026/);
  });

  it('names the key file it cannot read', () => {
    const config: MailConfig = { ...base, dkim: { domainName: 'korenschoof.nl', keySelector: 's', privateKeyFile: '/nonexistent/dkim.pem' } };
    expect(() => createSmtpTransport(config, PASSWORD)).toThrow(/mail\.dkim\.privateKeyFile: cannot read \/nonexistent\/dkim\.pem/);
  });
});
