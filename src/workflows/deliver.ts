// After `run` commits: render every recorded letter that has no PDF yet, then queue and send
// the e-mails. Each step records its own result, so a crash anywhere leaves letters that the
// next `run`, `letters` or `mail` finishes: never lost, never rendered into two documents,
// never sent twice.
import type { LoadedConfig } from '../config/load.js';
import type { Db, Ledger } from '../ledger/ledger.js';
import type { LetterData } from '../domain/letter.js';
import type { IsoDate } from '../domain/dates.js';
import { renderPendingLetters } from './write-letters.js';
import { renderLetterTexts } from '../letters/templates.js';

/** What delivery needs from the command: the day, the environment (the SMTP password) and where
 *  to tell progress and warnings. The CLI's context fits it; delivery knows nothing of the CLI. */
export interface DeliveryContext {
  today: IsoDate;
  env: NodeJS.ProcessEnv;
  out: { info(text: string): void; warn(text: string): void; progress(text: string): void; progressDone(): void };
}

// Rendering lives in write-letters.ts; re-exported for the mail command.
export { epcPayloadFor, renderPendingLetters, type RenderedLetter } from './write-letters.js';

/** Subject, text and HTML of a recorded letter's e-mail, from the same template as its PDF. */
export function letterTextsFor(db: Db, loaded: LoadedConfig): (letterId: number) => { subject: string; text: string; html: string } {
  const read = db.prepare('SELECT data FROM letters WHERE id = ?');
  const templates = new Map(loaded.config.stages.map((s) => [s.id, s.template]));
  return (letterId) => {
    const data = JSON.parse((read.get(letterId) as { data: string }).data) as LetterData;
    const texts = renderLetterTexts(data, loaded.templateDirs, { template: templates.get(data.stage.id) });
    return { subject: texts.subject, text: texts.emailText, html: texts.emailHtml };
  };
}

export interface MailRequest {
  resendUnknown?: boolean;
  letterIds?: readonly number[];
}

export interface MailOutcome {
  json: Record<string, unknown>;
  /** Throws the delivery error (exit 6) when something was not delivered. */
  finish(): void;
}

/** Queues the e-mail letters and sends the outbox over SMTP. */
export async function sendMail(ctx: DeliveryContext, db: Db, loaded: LoadedConfig, request: MailRequest = {}): Promise<MailOutcome> {
  const { queueLetters, deliverOutbox, withdrawSettledMail } = await import('../mail/outbox.js');
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
    const waiting = (db.prepare("SELECT count(*) AS n FROM outbox WHERE state IN ('queued', 'retry')").get() as { n: number }).n;
    if (waiting > 0) ctx.out.warn(`${waiting} e-mail${waiting === 1 ? '' : 's'} wait in the outbox: the config has no "mail" settings.`);
    return { json: { mail: { sent: 0, failed: 0, retry: 0, unknown: 0, waiting, withdrawn: withdrawn.length, no_address: queue.noAddress.map((l) => l.debtorNumber) } }, finish() {} };
  }
  const { createSmtpTransport, readSmtpPassword } = await import('../mail/transport.js');
  const password = readSmtpPassword(mail, ctx.env, loaded.dir);
  const mailer = createSmtpTransport(mail, password, { baseDir: loaded.dir });
  try {
    const summary = await deliverOutbox(db, mailer.send, {
      today: ctx.today,
      now: () => new Date(),
      message: { from: mail.from, replyTo: mail.replyTo, bcc: mail.bcc, texts: letterTextsFor(db, loaded), sign: mailer.sign },
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

/** What `run` does after its transaction: render, then (unless --no-mail) send. */
export async function deliverLetters(ctx: DeliveryContext, ledger: Ledger, loaded: LoadedConfig, options: { mail: boolean; letterIds?: readonly number[] }): Promise<MailOutcome> {
  const rendered = await renderPendingLetters(ledger.db, loaded, ctx.today, { onProgress: (done, total) => ctx.out.progress(`rendering letters ${done}/${total}`), onWarning: (text) => ctx.out.warn(text) });
  ctx.out.progressDone();
  if (rendered.length > 0) ctx.out.info(`${rendered.length} letter${rendered.length === 1 ? '' : 's'} rendered to PDF`);
  const json: Record<string, unknown> = { letters: rendered.map((r) => ({ id: r.id, debtor: r.debtor, stage: r.stage, pdf_sha256: r.sha256 })) };
  if (!options.mail) {
    // Queued now, so `status` counts them as waiting; `mail` sends them.
    const { queueLetters } = await import('../mail/outbox.js');
    const queue = queueLetters(ledger.db, { now: new Date(), today: ctx.today, letterIds: options.letterIds });
    ctx.out.info(`--no-mail: ${queue.queued.length} e-mail${queue.queued.length === 1 ? '' : 's'} queued; they wait until \`pre-incasso mail\``);
    json.mail = { queued: queue.queued.length, no_address: queue.noAddress.map((l) => l.debtorNumber) };
    return { json, finish() {} };
  }
  const mail = await sendMail(ctx, ledger.db, loaded, { letterIds: options.letterIds });
  return { json: { ...json, ...mail.json }, finish: mail.finish };
}
