// After `run` commits: render every recorded letter that has no PDF yet, then queue and send
// the e-mails. Each step records its own result, so a crash anywhere leaves letters that the
// next `run`, `letters` or `mail` finishes: never lost, never rendered into two documents,
// never sent twice.
import type { LoadedConfig } from '../config/load.js';
import type { Db, Ledger } from '../ledger/ledger.js';
import type { LetterData } from '../domain/letter.js';
import { renderPendingLetters } from './write-letters.js';
import { renderLetterTexts } from '../letters/templates.js';
import { queueMail, sendMail, type MailContext, type MailOutcome } from './send-mail.js';

/** What delivery needs from the command (see `MailContext`). */
export type DeliveryContext = MailContext;

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

/** What `run` does after its transaction: render, then (unless --no-mail) send. */
export async function deliverLetters(ctx: DeliveryContext, ledger: Ledger, loaded: LoadedConfig, options: { mail: boolean; letterIds?: readonly number[] }): Promise<MailOutcome> {
  const rendered = await renderPendingLetters(ledger.db, loaded, ctx.today, { onProgress: (done, total) => ctx.out.progress(`rendering letters ${done}/${total}`), onWarning: (text) => ctx.out.warn(text) });
  ctx.out.progressDone();
  if (rendered.length > 0) ctx.out.info(`${rendered.length} letter${rendered.length === 1 ? '' : 's'} rendered to PDF`);
  const json: Record<string, unknown> = { letters: rendered.map((r) => ({ id: r.id, debtor: r.debtor, stage: r.stage, pdf_sha256: r.sha256 })) };
  if (!options.mail) {
    // Queued now, so `status` counts them as waiting; `mail` sends them.
    const queue = queueMail(ctx, ledger.db, options.letterIds);
    ctx.out.info(`--no-mail: ${queue.queued.length} e-mail${queue.queued.length === 1 ? '' : 's'} queued; they wait until \`pre-incasso mail\``);
    json.mail = { queued: queue.queued.length, no_address: queue.noAddress.map((l) => l.debtorNumber) };
    return { json, finish() {} };
  }
  const mail = await sendMail(ctx, ledger.db, loaded, { texts: letterTextsFor(ledger.db, loaded), letterIds: options.letterIds });
  return { json: { ...json, ...mail.json }, finish: mail.finish };
}
