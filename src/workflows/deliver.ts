// After `run` commits: render every recorded letter that has no PDF yet, then queue and send
// the e-mails. Each step records its own result, so a crash anywhere leaves letters that the
// next `run`, `letters` or `mail` finishes: never lost, never rendered into two documents,
// never sent twice.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { LoadedConfig } from '../config/load.js';
import type { Db, Ledger } from '../ledger/ledger.js';
import { appendEvent } from '../ledger/events.js';
import { AppError } from '../errors.js';
import type { LetterData } from '../domain/letter.js';
import { buildEpcPayload, epcReferenceFields } from '../domain/epc-qr.js';
import { renderLetterTexts } from '../letters/templates.js';
import { queueMail, sendMail, type MailContext, type MailOutcome } from './send-mail.js';

/** What delivery needs from the command (see `MailContext`). */
export type DeliveryContext = MailContext;

export interface RenderedLetter {
  id: number;
  debtor: string;
  stage: string;
  sha256: string;
}

/** The EPC QR payload (GiroCode) for a letter: pay the open total to the creditor's IBAN. */
export function epcPayloadFor(data: LetterData): string | null {
  if (data.totalOpenCents <= 0) return null;
  const fields = epcReferenceFields(data.paymentReference);
  return buildEpcPayload({
    bic: data.creditor.bic,
    name: data.creditor.name.slice(0, 70),
    iban: data.creditor.iban,
    // An arrangement letter's QR code pays the instalment it asks for.
    amountCents: data.arrangement ? data.arrangement.next.amountCents : data.totalOpenCents,
    reference: fields.reference,
    text: fields.text,
  });
}

function readLogo(loaded: LoadedConfig): { bytes: Uint8Array; type: 'png' | 'jpg' } | undefined {
  const logo = loaded.config.letters.logo;
  if (!logo) return undefined;
  const file = path.resolve(loaded.dir, logo);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    throw new AppError('config_invalid', `letters.logo: cannot read ${file}.`, { hint: 'Point letters.logo at a PNG or JPG file, relative to the config file.' });
  }
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return { bytes, type: 'png' };
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return { bytes, type: 'jpg' };
  throw new AppError('config_invalid', `letters.logo: ${file} is neither PNG nor JPG.`, { hint: 'Save the logo as PNG or JPG.' });
}

/** Renders and stores the PDF of every letter that has none yet. Returns what was rendered. */
export async function renderPendingLetters(db: Db, loaded: LoadedConfig, today: string, onProgress?: (done: number, total: number) => void): Promise<RenderedLetter[]> {
  const pending = db.prepare("SELECT id FROM letters WHERE pdf IS NULL AND json_extract(data, '$.purged') IS NULL ORDER BY id").all() as { id: number }[];
  if (pending.length === 0) return [];
  const { renderLetterPdf } = await import('../letters/pdf.js');
  const logo = readLogo(loaded);
  const templates = new Map(loaded.config.stages.map((s) => [s.id, s.template]));
  const read = db.prepare('SELECT data FROM letters WHERE id = ?');
  // Only a letter still without a PDF is filled: a second renderer can never replace the first.
  const store = db.prepare('UPDATE letters SET pdf = ?, pdf_sha256 = ?, rendered_at = ? WHERE id = ? AND pdf IS NULL');
  const rendered: RenderedLetter[] = [];
  for (const [i, { id }] of pending.entries()) {
    const data = JSON.parse((read.get(id) as { data: string }).data) as LetterData;
    const texts = renderLetterTexts(data, loaded.templateDirs, { template: templates.get(data.stage.id) });
    const pdf = await renderLetterPdf(data, { body: texts.body }, { window: loaded.config.letters.window, logo, epcPayload: epcPayloadFor(data) });
    const sha256 = createHash('sha256').update(pdf).digest('hex');
    db.transaction(() => {
      if (store.run(Buffer.from(pdf), sha256, new Date().toISOString(), id).changes === 1) {
        appendEvent(db, { kind: 'letter_rendered', today, debtor: data.debtor.number, data: { letter_id: id, pdf_sha256: sha256, bytes: pdf.length } });
      }
    })();
    rendered.push({ id, debtor: data.debtor.number, stage: data.stage.id, sha256 });
    onProgress?.(i + 1, pending.length);
  }
  return rendered;
}

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
  const rendered = await renderPendingLetters(ledger.db, loaded, ctx.today, (done, total) => ctx.out.progress(`rendering letters ${done}/${total}`));
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
