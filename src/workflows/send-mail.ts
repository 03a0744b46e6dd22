// Queueing and sending the e-mail letters (`mail`, and `run` after its letters are rendered):
// the outbox from the ledger, the pooled SMTP transport from the config, the summary for the
// command. Rendering the letters is not done here; their e-mail texts come in as `texts`.
import path from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import type { Db } from '../ledger/ledger.js';
import type { IsoDate } from '../domain/dates.js';
import { countWaiting, queueLetters, withdrawSettledMail, type QueueResult } from '../ledger/outbox.js';
import type { LetterTexts } from './deliver-outbox.js';

/** What sending needs from the command: the day, the environment (the SMTP password) and where
 *  to tell progress and warnings. The CLI's context fits it; sending knows nothing of the CLI. */
export interface MailContext {
  today: IsoDate;
  env: NodeJS.ProcessEnv;
  out: { info(text: string): void; warn(text: string): void; progress(text: string): void; progressDone(): void };
}

export interface MailRequest {
  /** Subject, text and HTML of a recorded letter's e-mail (from the same template as its PDF). */
  texts: (letterId: number) => LetterTexts | Promise<LetterTexts>;
  resendUnknown?: boolean;
  letterIds?: readonly number[];
}

export interface MailOutcome {
  json: Record<string, unknown>;
  /** Throws the delivery error (exit 6) when something was not delivered. */
  finish(): void;
}

/** Queues the e-mail letters (`run --no-mail`): they wait until `pre-incasso mail`. */
export function queueMail(ctx: MailContext, db: Db, letterIds?: readonly number[]): QueueResult {
  return queueLetters(db, { now: new Date(), today: ctx.today, letterIds });
}

/** Queues the e-mail letters and sends the outbox over SMTP. */
export async function sendMail(ctx: MailContext, db: Db, loaded: LoadedConfig, request: MailRequest): Promise<MailOutcome> {
  const { deliverOutbox, pipelineDepth } = await import('./deliver-outbox.js');
  const { deliveryError, deliveryJson } = await import('../mail/summary.js');
  const queue = queueLetters(db, { now: new Date(), today: ctx.today, letterIds: request.letterIds });
  // A letter whose invoices were paid since it was recorded must not go out on a retry.
  const withdrawn = withdrawSettledMail(db, { now: new Date(), today: ctx.today });
  for (const w of withdrawn) ctx.out.info(`e-mail of letter ${w.letterId} to debtor ${w.debtorNumber} withdrawn: ${w.reason}`);
  for (const l of queue.noAddress) {
    ctx.out.warn(`debtor ${l.debtorNumber} has no valid e-mail address${l.email ? ` ("${l.email}")` : ''}: send letter ${l.letterId} by post instead (\`pre-incasso letters --channel post\`)`);
  }
  const mail = loaded.config.mail;
  if (!mail) {
    const waiting = countWaiting(db);
    if (waiting > 0) ctx.out.warn(`${waiting} e-mail${waiting === 1 ? '' : 's'} wait in the outbox: the config has no "mail" settings.`);
    return { json: { mail: { sent: 0, failed: 0, retry: 0, unknown: 0, waiting, withdrawn: withdrawn.length, no_address: queue.noAddress.map((l) => l.debtorNumber) } }, finish() {} };
  }
  const { createSmtpTransport, readSmtpPassword, DEFAULT_PER_MINUTE } = await import('../mail/transport.js');
  const password = readSmtpPassword(mail, ctx.env, loaded.dir);
  const mailer = createSmtpTransport(mail, password, { baseDir: loaded.dir });
  try {
    const summary = await deliverOutbox(db, mailer.send, {
      today: ctx.today,
      now: () => new Date(),
      message: { from: mail.from, replyTo: mail.replyTo, bcc: mail.bcc, texts: request.texts, sign: mailer.sign },
      batchSize: pipelineDepth(mail.perMinute ?? DEFAULT_PER_MINUTE),
      resendUnknown: request.resendUnknown === true,
      secrets: mailer.secrets,
      onProgress: (p) => ctx.out.progress(`mail ${p.index}/${p.total} ${p.to}: ${p.outcome}`),
    });
    ctx.out.progressDone();
    const line = `mail: ${summary.sent} sent, ${summary.failed} failed, ${summary.retry} to retry, ${summary.unknown} unknown`;
    ctx.out.info(line);
    for (const m of summary.messages) {
      if (m.outcome === 'failed') ctx.out.warn(`letter ${m.letterId} to ${m.to} (debtor ${m.debtorNumber}) was refused: ${m.reason ?? ''}; send it by post`);
      if (m.outcome === 'unknown') ctx.out.warn(`letter ${m.letterId} to ${m.to}: the connection broke while sending; check whether it arrived, then \`pre-incasso mail --resend-unknown\` if not`);
    }
    const error = deliveryError(summary);
    return {
      json: { mail: { ...deliveryJson(summary), withdrawn: withdrawn.length, no_address: queue.noAddress.map((l) => l.debtorNumber) } },
      finish() {
        if (error) throw error;
      },
    };
  } finally {
    mailer.close();
  }
}

export interface PreviewRequest {
  texts: MailRequest['texts'];
  /** Where the .eml files go. */
  dir: string;
  /** The working directory the printed paths are relative to. */
  cwd: string;
  resendUnknown?: boolean;
}

/** `mail --dry-run --out <dir>`: writes the messages the next delivery would send; sends nothing. */
export async function previewMail(ctx: MailContext, db: Db, loaded: LoadedConfig, request: PreviewRequest): Promise<{ json: Record<string, unknown>; lines: string[] }> {
  const { writeOutboxEml } = await import('./mail-preview.js');
  const preview = await writeOutboxEml(db, request.dir, {
    now: new Date(`${ctx.today}T09:00:00+01:00`),
    message: { from: loaded.config.mail?.from ?? loaded.config.creditor.email, replyTo: loaded.config.mail?.replyTo, bcc: loaded.config.mail?.bcc, texts: request.texts },
    resendUnknown: request.resendUnknown === true,
  });
  for (const l of preview.noAddress) ctx.out.warn(`debtor ${l.debtorNumber} has no valid e-mail address: letter ${l.letterId} goes by post`);
  ctx.out.info(`dry run: ${preview.files.length} message${preview.files.length === 1 ? '' : 's'} written, nothing sent`);
  return {
    json: { dry_run: true, files: preview.files.map((f) => ({ file: path.relative(request.cwd, f.file), letter: f.letterId, debtor: f.debtorNumber, to: f.to, state: f.state })), no_address: preview.noAddress.map((l) => l.debtorNumber) },
    lines: preview.files.map((f) => `${path.relative(request.cwd, f.file)}  to ${f.to}`),
  };
}
