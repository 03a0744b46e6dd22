// The owner's morning summary of a run: one plain text, built from what the run did and what
// the ledger shows after it. Pure.
import { formatEuro } from './money.js';

/**
 * The run's e-mails: sent to the mail server now, or (`run --no-mail`) only queued in the outbox,
 * where they wait for `pre-incasso mail`. Queued is not sent: the summary must not say "0 sent".
 */
export type MailFacts =
  | { delivery: 'sent'; sent: number; failed: number; retry: number; unknown: number; withdrawn: number; noAddress: string[] }
  | { delivery: 'queued'; queued: number; noAddress: string[] };

export interface NightFacts {
  today: string;
  creditor: string;
  runId: number | null;
  /** Stage id to the number of letters recorded at that stage. */
  lettersByStage: Record<string, number>;
  /** What the run did with its e-mails; null when it got no further than recording (or failed). */
  mail: MailFacts | null;
  post: { notPrinted: number; printedNotPosted: number };
  handover: { debtors: number; invoices: number; cents: number };
  warnings: string[];
  stale: { newest: string | null; ageDays: number | null; maxDays: number } | null;
  unmatched: { payments: number; cents: number };
  errors: string[];
}

const n = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`;

export function morningSummary(f: NightFacts): { subject: string; body: string } {
  const letters = Object.values(f.lettersByStage).reduce((s, x) => s + x, 0);
  const sent = f.mail?.delivery === 'sent' ? f.mail : null;
  const trouble = f.errors.length > 0 || (sent !== null && sent.failed + sent.unknown > 0) || f.stale !== null;
  const subject = `pre-incasso ${f.today}: ${n(letters, 'letter')}${sent ? `, ${sent.sent} e-mailed` : ''}${trouble ? ' - attention needed' : ''}`;
  const lines: string[] = [`${f.creditor}: what pre-incasso did on ${f.today}${f.runId !== null ? ` (run ${f.runId})` : ''}.`, ''];
  if (f.errors.length) {
    lines.push('Errors:');
    for (const e of f.errors) lines.push(`  - ${e}`);
    lines.push('');
  }
  lines.push(`Letters recorded: ${letters}`);
  for (const [stage, count] of Object.entries(f.lettersByStage)) if (count > 0) lines.push(`  ${stage}: ${count}`);
  if (f.mail?.delivery === 'queued') {
    lines.push(`E-mails: ${n(f.mail.queued, 'e-mail')} queued, not sent in this run (--no-mail); \`pre-incasso mail\` sends them`);
  } else if (f.mail) {
    lines.push(`E-mails: ${f.mail.sent} sent, ${f.mail.failed} failed, ${f.mail.retry} to retry, ${f.mail.unknown} unknown${f.mail.withdrawn ? `, ${f.mail.withdrawn} withdrawn` : ''}`);
  }
  if (f.mail) {
    if (f.mail.noAddress.length) lines.push(`  no valid e-mail address (by post instead): debtor ${f.mail.noAddress.join(', ')}`);
  } else {
    lines.push('E-mails: not sent in this run');
  }
  lines.push(`Post letters: ${f.post.notPrinted} waiting to be printed, ${f.post.printedNotPosted} printed and not recorded as posted`);
  lines.push(`Ready for handover: ${n(f.handover.invoices, 'invoice')} of ${n(f.handover.debtors, 'debtor')}, ${formatEuro(f.handover.cents)}`);
  if (f.unmatched.payments) lines.push(`Money not placed: ${n(f.unmatched.payments, 'payment')}, ${formatEuro(f.unmatched.cents)}`);
  if (f.stale) lines.push(`Stale data: ${f.stale.newest ? `the newest import is from ${f.stale.newest} (${f.stale.ageDays} days; the limit is ${f.stale.maxDays})` : 'no invoices imported yet'}`);
  if (f.warnings.length) {
    lines.push('Warnings:');
    for (const w of f.warnings) lines.push(`  - ${w}`);
  }
  lines.push('', 'Details: pre-incasso status, pre-incasso debtors, pre-incasso letters --channel post --combined <file.pdf>.');
  return { subject, body: `${lines.join('\n')}\n` };
}
