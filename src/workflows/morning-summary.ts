// The morning summary after `run --notify` / `--notify-file`: gather what the run did and what
// the ledger shows now, then write it to a file or mail it to the owner. Mailed summaries are
// recorded in the ledger first (table `notices`) and sent once: never twice, never lost (a
// summary that could not be sent goes out with the next run's).
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import type { Db } from '../ledger/ledger.js';
import type { Action } from '../domain/plan.js';
import { daysBetween } from '../domain/dates.js';
import { morningSummary, type NightFacts } from '../domain/morning-summary.js';
import { postLetterCounts, unmatchedMoney } from '../ledger/book-view.js';
import { newestImport } from '../ledger/dunning.js';
import { finishNotice, markNoticeSending, pendingNotices, recordNotice, recoverNotices, storeNoticeEml } from '../ledger/notices.js';
import { writePrivateFile } from './private-file.js';

export interface RunOutcome {
  runId: number | null;
  actions: readonly Action[];
  mail: Record<string, unknown> | null;
  errors: string[];
}

export function gatherNightFacts(db: Db, loaded: LoadedConfig, today: string, outcome: RunOutcome): NightFacts {
  const config = loaded.config;
  const lettersByStage: Record<string, number> = Object.fromEntries(config.stages.map((s) => [s.id, 0]));
  let handoverInvoices = 0;
  let handoverCents = 0;
  let handoverDebtors = 0;
  for (const a of outcome.actions) {
    if (a.kind === 'letter') lettersByStage[a.stage] = (lettersByStage[a.stage] ?? 0) + 1;
    if (a.kind === 'handover') (handoverDebtors++, (handoverInvoices += a.invoices.length), (handoverCents += a.amountCents));
  }
  const m = outcome.mail as { queued?: number; sent?: number; failed?: number; retry?: number; unknown?: number; withdrawn?: number; no_address?: string[] } | null;
  // `run --no-mail` reports { queued, no_address }: the e-mails wait in the outbox, none was sent.
  const mail: NightFacts['mail'] = !m
    ? null
    : typeof m.queued === 'number' && m.sent === undefined
      ? { delivery: 'queued', queued: m.queued, noAddress: m.no_address ?? [] }
      : { delivery: 'sent', sent: m.sent ?? 0, failed: m.failed ?? 0, retry: m.retry ?? 0, unknown: m.unknown ?? 0, withdrawn: m.withdrawn ?? 0, noAddress: m.no_address ?? [] };
  const post = postLetterCounts(db);
  const newest = newestImport(db);
  const age = newest ? daysBetween(newest.today, today) : null;
  const stale = age === null || age > config.maxDataAgeDays ? { newest: newest?.today ?? null, ageDays: age, maxDays: config.maxDataAgeDays } : null;
  const warnings = (
    db
      .prepare(
        `SELECT a.invoice_number AS invoice, p.date, a.amount_cents AS cents FROM allocations a JOIN payments p ON p.id = a.payment_id
         JOIN handover_invoices hi ON hi.invoice_number = a.invoice_number JOIN handovers h ON h.id = hi.handover_id AND h.state = 'done'
         WHERE p.date >= h.today ORDER BY p.date`,
      )
      .all() as { invoice: string; date: string; cents: number }[]
  ).map((p) => `payment on ${p.date} for handed-over invoice ${p.invoice}: tell the incassobureau`);
  return {
    today,
    creditor: config.creditor.name,
    runId: outcome.runId,
    lettersByStage,
    mail,
    post: { notPrinted: post.notPrinted, printedNotPosted: post.printedNotPosted },
    handover: { debtors: handoverDebtors, invoices: handoverInvoices, cents: handoverCents },
    warnings,
    stale,
    unmatched: unmatchedMoney(db),
    errors: outcome.errors,
  };
}

export function writeSummaryFile(file: string, summary: { subject: string; body: string }): void {
  writePrivateFile(file, `Subject: ${summary.subject}\n\n${summary.body}`);
}

export interface SummaryDelivery {
  noticeId: number;
  sent: number;
  failed: { id: number; error: string }[];
}

/** Records the summary and sends every summary still waiting, the new one included. */
export async function mailSummary(db: Db, loaded: LoadedConfig, env: NodeJS.ProcessEnv, today: string, runId: number | null, summary: { subject: string; body: string }): Promise<SummaryDelivery> {
  const mail = loaded.config.mail;
  const to = loaded.config.notify?.email ?? loaded.config.creditor.email;
  const { AppError } = await import('../errors.js');
  if (!mail) throw new AppError('config_invalid', 'run --notify mails the summary, but the config has no "mail" settings.', { hint: 'Add "mail" to the config, or write the summary with --notify-file <path>.' });
  if (!to) throw new AppError('config_invalid', 'run --notify needs an address: notify.email (or creditor.email) is not set.', { hint: 'Add "notify": { "email": "you@example.nl" } to the config.' });
  const notice = recordNotice(db, { runId, today, to, subject: summary.subject, body: summary.body }, new Date());
  recoverNotices(db, today, new Date());
  const { createSmtpTransport, readSmtpPassword } = await import('../mail/transport.js');
  const { classifySendError } = await import('../mail/send-error.js');
  const { bareAddress, addressDomain } = await import('../mail/message.js');
  const from = bareAddress(mail.from);
  if (!from) throw new AppError('config_invalid', `mail.from: ${JSON.stringify(mail.from)} is not an e-mail address.`, { hint: 'Write it as "name@example.nl".' });
  const mailer = createSmtpTransport(mail, readSmtpPassword(mail, env, loaded.dir), { baseDir: loaded.dir });
  const result: SummaryDelivery = { noticeId: notice.id, sent: 0, failed: [] };
  try {
    for (const n of pendingNotices(db)) {
      let eml = n.eml;
      if (eml === null) {
        const composed = await composeNotice(mail.from, n, addressDomain(from));
        eml = composed.eml;
        db.transaction(() => storeNoticeEml(db, n.id, composed.eml, composed.sha256, composed.messageId))();
      }
      if (!db.transaction(() => markNoticeSending(db, n.id))()) continue;
      try {
        await mailer.send(eml, { from, to: [n.to] });
        finishNotice(db, n.id, 'sent', 'accepted', today, new Date());
        result.sent++;
      } catch (error) {
        const c = classifySendError(error);
        finishNotice(db, n.id, c.outcome, c.reason, today, new Date());
        result.failed.push({ id: n.id, error: c.reason });
        if (c.scope !== 'message') break;
      }
    }
  } finally {
    mailer.close();
  }
  return result;
}

async function composeNotice(from: string, n: { id: number; to: string; subject: string; body: string; today: string }, domain: string): Promise<{ eml: Buffer; sha256: string; messageId: string }> {
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const digest = createHash('sha256').update(`${n.id}\0${n.to}\0${n.subject}\0${n.body}`).digest('hex');
  const messageId = `<pre-incasso.summary-${n.id}.${digest.slice(0, 16)}@${domain}>`;
  const composer = new MailComposer({
    from, to: n.to, subject: n.subject, text: n.body, messageId, date: new Date(), newline: 'win', disableFileAccess: true, disableUrlAccess: true,
    baseBoundary: digest.slice(16, 32),
  });
  const eml = await composer.compile().build();
  return { eml, sha256: createHash('sha256').update(eml).digest('hex'), messageId };
}

export function resolveSummaryPath(cwd: string, file: string): string {
  return path.resolve(cwd, file);
}
