// The SMTP side: the password, the pooled nodemailer transport, DKIM, and a `send` that hands
// the stored message bytes over unchanged and says how far a failed attempt got.
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import nodemailer, { type SMTPPoolOptions, type SendMailOptions, type Transporter } from 'nodemailer';
import DKIM from 'nodemailer/lib/dkim';
import { AppError } from '../errors.js';
import { envelopeAddress } from './message.js';

export interface SendEnvelope {
  /** The bare sender address (MAIL FROM). */
  from: string;
  /** The debtor's addresses (RCPT TO). */
  to: string[];
  /** Extra RCPT TO addresses that are no header of the message (the config's bcc). */
  bcc?: string[];
}

export interface SendResult {
  /** The server's reply to the final ".", as text. */
  response: string;
  /** False when the server took the message but none of the debtor's addresses. */
  accepted: boolean;
}

/**
 * Hands `eml` to the mail server unchanged. Throws on failure; the error may carry nodemailer's
 * `code`, `responseCode`, `response` and `command`, and should carry `messageHandedOver` (see
 * `classifySendError` in `send-error.ts`). `createSmtpTransport(...).send` is the real one.
 */
export type SendFunction = (eml: Buffer, envelope: SendEnvelope) => Promise<SendResult>;

/** The `mail` section of the config (the config module owns the schema; this is its shape). */
export interface MailConfig {
  from: string;
  replyTo?: string;
  bcc?: string;
  /** Messages per minute at most; 30 when not set. */
  perMinute?: number;
  smtp: {
    host: string;
    port: number;
    /** Implicit TLS from the first byte (port 465). */
    secure: boolean;
    /** STARTTLS is required unless this is false (only for a relay on the same machine). */
    requireTLS?: boolean;
    user?: string;
    passwordFile?: string;
  };
  dkim?: { domainName: string; keySelector: string; privateKeyFile: string };
}

export const PASSWORD_ENV = 'PRE_INCASSO_SMTP_PASSWORD';
export const DEFAULT_PER_MINUTE = 30;

export interface TransportOptions {
  /** Directory that relative `passwordFile` / `privateKeyFile` paths are resolved against (the config's). */
  baseDir?: string;
  /** The rate-limit window; 60 000 ms. Only tests shorten it. */
  rateDeltaMs?: number;
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
}

/**
 * The SMTP password: the contents of `mail.smtp.passwordFile` (trimmed) when the config names
 * one, else `PRE_INCASSO_SMTP_PASSWORD`, else undefined. Never from the config itself or a flag
 * (SPEC §3). The file wins when both exist: it is what the config explicitly points at, and a
 * forgotten variable in a crontab must not silently override it.
 */
export function readSmtpPassword(
  config: MailConfig,
  env: Record<string, string | undefined>,
  baseDir: string = process.cwd(),
): string | undefined {
  const file = config.smtp.passwordFile;
  if (file !== undefined && file !== '') {
    const full = path.resolve(baseDir, file);
    let text: string;
    try {
      text = fs.readFileSync(full, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new AppError('config_invalid', `mail.smtp.passwordFile: cannot read ${full} (${code}).`, {
        hint: `Create the file with only the SMTP password in it (chmod 600), or remove passwordFile and set ${PASSWORD_ENV}.`,
      });
    }
    const password = text.trim();
    if (password === '') {
      throw new AppError('config_invalid', `mail.smtp.passwordFile: ${full} is empty.`, {
        hint: 'Write the SMTP password into the file.',
      });
    }
    return password;
  }
  const fromEnv = env[PASSWORD_ENV];
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}

/**
 * The nodemailer options for `config`. Pure, so a test can check what nodemailer is given.
 * DKIM is deliberately absent: messages are signed before they are stored (see `createDkimSigner`),
 * so the stored bytes are exactly the bytes that leave.
 */
export function smtpTransportOptions(config: MailConfig, password: string | undefined, options: TransportOptions = {}): SMTPPoolOptions {
  const perMinute = config.perMinute ?? DEFAULT_PER_MINUTE;
  if (!Number.isInteger(perMinute) || perMinute < 1) {
    throw new AppError('config_invalid', `mail.perMinute: expected a whole number of at least 1, got ${String(perMinute)}.`, {
      hint: `Remove it for the default of ${DEFAULT_PER_MINUTE}, or ask your mail provider for its limit.`,
    });
  }
  const user = config.smtp.user;
  if (user && password === undefined) {
    throw new AppError('config_invalid', `mail.smtp.user is set (${user}) but there is no SMTP password.`, {
      hint: `Set the environment variable ${PASSWORD_ENV}, or point mail.smtp.passwordFile at a file holding the password.`,
    });
  }
  return {
    pool: true,
    // One connection, one message at a time on it, reused for the whole delivery (no new login
    // every 100 messages): a provider's per-minute limit counts messages, not connections, and
    // every login is one more chance of a lockout. A server that ends the session itself answers
    // 421, which is a `retry` of a message that was never sent.
    maxConnections: 1,
    maxMessages: Infinity,
    rateDelta: options.rateDeltaMs ?? 60_000,
    rateLimit: perMinute,
    host: config.smtp.host,
    port: config.smtp.port,
    secure: config.smtp.secure,
    // STARTTLS is mandatory unless the config says otherwise for a local relay; with implicit
    // TLS (`secure`) there is no STARTTLS step to require.
    requireTLS: config.smtp.secure ? false : config.smtp.requireTLS !== false,
    tls: { minVersion: 'TLSv1.2' },
    ...(user ? { auth: { user, pass: password } } : {}),
    connectionTimeout: options.connectionTimeoutMs ?? 30_000,
    greetingTimeout: options.greetingTimeoutMs ?? 30_000,
    // RFC 5321 §4.5.3.2.6: a client should wait 10 minutes for the reply to the final ".". Giving
    // up earlier turns a slow but successful delivery into an `unknown` one.
    socketTimeout: options.socketTimeoutMs ?? 600_000,
    dnsTimeout: 30_000,
    // Nothing is logged by nodemailer: its debug log would carry the AUTH exchange.
    logger: false,
    debug: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

export interface SmtpMailer {
  /** Hands the stored bytes to the server as they are (raw), to the envelope's addresses. */
  send: SendFunction;
  /** DKIM-signs a composed message when the config has `dkim`; returns it unchanged otherwise. */
  sign: (eml: Buffer) => Promise<Buffer>;
  /** The password and its encodings, for scrubbing text before it is stored or printed. */
  secrets: string[];
  transporter: Transporter;
  /** Ends the pooled connection (the process does not exit while it is open). */
  close(): void;
}

/** What a failed `send` of `createSmtpTransport` throws: nodemailer's fields, password removed. */
export class SmtpSendError extends Error {
  readonly code: string | undefined;
  readonly responseCode: number | undefined;
  readonly response: string | undefined;
  readonly command: string | undefined;
  /**
   * True when the whole message, final "." included, may have reached the server: the attempt
   * got past the DATA command and the message stream was read to its end. Only then can a
   * failure without a reply mean the server accepted it.
   */
  readonly messageHandedOver: boolean;

  constructor(error: unknown, handedOver: boolean, secrets: readonly string[]) {
    const e = (error ?? {}) as { message?: string; code?: string; responseCode?: number; response?: string; command?: string };
    super(scrubSecrets(String(e.message ?? error), secrets));
    this.name = 'SmtpSendError';
    this.code = typeof e.code === 'string' ? e.code : undefined;
    this.responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
    this.response = typeof e.response === 'string' ? scrubSecrets(e.response, secrets) : undefined;
    this.command = typeof e.command === 'string' ? scrubSecrets(e.command, secrets) : undefined;
    this.messageHandedOver = handedOver;
  }
}

export function createSmtpTransport(config: MailConfig, password: string | undefined, options: TransportOptions = {}): SmtpMailer {
  const secrets = secretVariants(password, config.smtp.user);
  const transporter = nodemailer.createTransport(smtpTransportOptions(config, password, options));
  const sign = createDkimSigner(config, options.baseDir);

  // Whether the message stream of a send was read to its end, keyed by the raw bytes handed to
  // sendMail (nodemailer keeps that reference in mail.data). The stream plugin wraps the output
  // of each attempt; its 'end' comes before the DATA terminator is written to the socket, so
  // while it has not ended the server cannot have the complete message.
  const handedOver = new WeakMap<Buffer, { ended: boolean }>();
  transporter.use('stream', (mail, done) => {
    const raw = mail.data.raw;
    const tracker = Buffer.isBuffer(raw) ? handedOver.get(raw) : undefined;
    if (tracker) {
      mail.message.processFunc((input: Readable) => {
        const output = new Slicer();
        output.once('end', () => {
          tracker.ended = true;
        });
        input.once('error', (error) => output.destroy(error));
        return input.pipe(output);
      });
    }
    done();
  });

  const send: SendFunction = async (eml: Buffer, envelope: SendEnvelope): Promise<SendResult> => {
    const tracker = { ended: false };
    handedOver.set(eml, tracker);
    const to = envelope.to.map(envelopeAddress);
    const bcc = (envelope.bcc ?? []).map(envelopeAddress);
    const mail: SendMailOptions = { raw: eml, envelope: { from: envelopeAddress(envelope.from), to: [...to, ...bcc] } };
    let info: { accepted: unknown[]; rejected: unknown[]; rejectedErrors?: { responseCode?: number; response?: string; message: string }[]; response: string };
    try {
      info = await transporter.sendMail(mail);
    } catch (error) {
      throw new SmtpSendError(error, tracker.ended, secrets);
    } finally {
      handedOver.delete(eml);
    }
    const accepted = new Set(info.accepted.map((a) => envelopeAddress(addressOf(a)).toLowerCase()));
    const rejected = to.filter((address) => !accepted.has(address.toLowerCase()));
    const response = scrubSecrets(info.response, secrets);
    if (rejected.length === to.length) {
      // Only the bcc copy was taken: the debtor did not get the letter. Report the refusal as the
      // server worded it, so a 5xx is `failed` and a 4xx `retry`.
      const first = info.rejectedErrors?.[0];
      throw new SmtpSendError(
        { message: first?.message ?? `Recipient refused: ${rejected.join(', ')}`, code: 'EENVELOPE', responseCode: first?.responseCode, response: first?.response, command: 'RCPT TO' },
        false,
        secrets,
      );
    }
    // At least one of the debtor's mailboxes took it: that is delivery. The refused ones are
    // named in the recorded response.
    return {
      accepted: true,
      response: rejected.length > 0 ? `${response} (refused: ${rejected.join(', ')})` : response,
    };
  };

  return {
    send,
    sign,
    secrets,
    transporter,
    close() {
      transporter.close();
    },
  };
}

export interface SmtpCheck {
  ok: boolean;
  /** One line for `doctor`, password scrubbed. */
  message: string;
  code?: string;
}

/** For `doctor`: connect, STARTTLS/TLS, log in, and disconnect. Nothing is sent. */
export async function verifySmtp(config: MailConfig, password: string | undefined, options: TransportOptions = {}): Promise<SmtpCheck> {
  const secrets = secretVariants(password, config.smtp.user);
  const target = `${config.smtp.host}:${config.smtp.port}`;
  let mailer: Transporter | undefined;
  try {
    mailer = nodemailer.createTransport(smtpTransportOptions(config, password, options));
    await mailer.verify();
    const login = config.smtp.user ? `, logged in as ${config.smtp.user}` : '';
    return { ok: true, message: `SMTP ${target}: connected${login}.` };
  } catch (error) {
    if (error instanceof AppError) throw error;
    const e = error as { message?: string; code?: string };
    const result: SmtpCheck = { ok: false, message: scrubSecrets(`SMTP ${target}: ${e.message ?? String(error)}`, secrets) };
    if (typeof e.code === 'string') result.code = e.code;
    return result;
  } finally {
    mailer?.close();
  }
}

/**
 * DKIM signing with the key file from the config, done before the message is stored so the
 * stored bytes carry the same DKIM-Signature as the bytes that leave. The identity function
 * without a `dkim` section.
 */
export function createDkimSigner(config: MailConfig, baseDir: string = process.cwd()): (eml: Buffer) => Promise<Buffer> {
  const dkim = config.dkim;
  if (!dkim) return async (eml) => eml;
  const full = path.resolve(baseDir, dkim.privateKeyFile);
  let privateKey: string;
  try {
    privateKey = fs.readFileSync(full, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new AppError('config_invalid', `mail.dkim.privateKeyFile: cannot read ${full} (${code}).`, {
      hint: 'Point it at the PEM private key whose public half is published at <keySelector>._domainkey.<domainName>.',
    });
  }
  const signer = new DKIM({ domainName: dkim.domainName, keySelector: dkim.keySelector, privateKey });
  return async (eml) => {
    const chunks: Buffer[] = [];
    for await (const chunk of signer.sign(eml)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
}

/**
 * The forms in which a password can turn up in text: as is, URL- and JSON-escaped, and base64
 * (AUTH LOGIN sends base64(password); AUTH PLAIN base64("\0user\0password"), where the password
 * can start at any offset modulo 3, so the stable middle of each of the three alignments is used).
 */
export function secretVariants(password: string | undefined, user?: string): string[] {
  if (!password) return [];
  const variants = new Set<string>([password, encodeURIComponent(password), JSON.stringify(password).slice(1, -1)]);
  variants.add(Buffer.from(password, 'utf8').toString('base64'));
  variants.add(Buffer.from(`\0${user ?? ''}\0${password}`, 'utf8').toString('base64'));
  const bytes = Buffer.from(password, 'utf8');
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    // Characters touched by the padding bytes before it or by whatever follows it vary; the
    // ones in between are the same wherever the password sits at this alignment.
    const start = Math.ceil((offset * 4) / 3);
    const end = Math.floor(((offset + bytes.length) * 4) / 3);
    const core = encoded.slice(start, end);
    if (core.length >= 6) variants.add(core);
  }
  // Longest first, so a longer form is replaced whole before a shorter one breaks it up. The
  // password itself stays in however short it is; derived forms under 4 characters would
  // blank out ordinary text.
  return [...variants].filter((v) => v === password || v.length >= 4).sort((a, b) => b.length - a.length);
}

/** `text` with every secret replaced by `***`. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length > 0) result = result.split(secret).join('***');
  }
  return result;
}

/**
 * Cuts the message into 64 KiB pieces. nodemailer hands a raw message over as one chunk, so
 * without this the stream "ends" the moment DATA starts; in pieces it ends only once the socket
 * has taken all but the last few of them, which makes `messageHandedOver` mean something.
 */
class Slicer extends Transform {
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    for (let i = 0; i < chunk.length; i += 65_536) this.push(chunk.subarray(i, i + 65_536));
    done();
  }
}

function addressOf(value: unknown): string {
  if (typeof value === 'string') return value;
  const address = (value as { address?: unknown } | null)?.address;
  return typeof address === 'string' ? address : '';
}
