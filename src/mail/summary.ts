// What a delivery did, and whether the command may exit 0 (SPEC §8: 6 = delivery incomplete).
import { AppError } from '../errors.js';
import type { AttemptOutcome, OutboxState } from '../domain/outbox.js';

export interface DeliveryMessageResult {
  outboxId: number;
  letterId: number;
  debtorNumber: string;
  to: string;
  /** The outbox state after this call. */
  state: OutboxState;
  /** What happened to it in this call; `skipped` = not tried (no PDF, or delivery stopped). */
  outcome: AttemptOutcome | 'skipped';
  /** Attempts made in this call. */
  attempts: number;
  /** The server's reply for a sent message, the error otherwise (password scrubbed). */
  reason?: string;
}

export interface DeliverySummary {
  /** Messages delivered in this call. */
  sent: number;
  /** Messages refused for good in this call (5xx): send those letters by post. */
  failed: number;
  /** Messages left for the next call after a temporary failure. */
  retry: number;
  /**
   * Every message now `unknown`, also from earlier calls: each needs a person to check whether
   * it arrived, so it keeps the exit code at 6 until resolved.
   */
  unknown: number;
  /** Messages this call did not try (delivery stopped after a connection or login failure). */
  skipped: number;
  messages: DeliveryMessageResult[];
}

export function summarizeDelivery(messages: DeliveryMessageResult[], unknownTotal: number): DeliverySummary {
  const count = (outcome: DeliveryMessageResult['outcome']): number => messages.filter((m) => m.outcome === outcome).length;
  return {
    sent: count('sent'),
    failed: count('failed'),
    retry: count('retry'),
    unknown: unknownTotal,
    skipped: count('skipped'),
    messages,
  };
}

/**
 * Complete means every message this call was about reached the server. `retry` and `skipped`
 * count as incomplete too, not only `failed` and `unknown`: a cron run whose mail server was
 * down must not exit 0 while the letters it recorded were never e-mailed.
 */
export function isDeliveryComplete(summary: DeliverySummary): boolean {
  return summary.failed + summary.unknown + summary.retry + summary.skipped === 0;
}

/** The error the command ends with (exit code 6), or undefined when delivery is complete. */
export function deliveryError(summary: DeliverySummary): AppError | undefined {
  if (isDeliveryComplete(summary)) return undefined;
  const parts: string[] = [];
  if (summary.failed) parts.push(`${summary.failed} refused by the mail server`);
  if (summary.unknown) parts.push(`${summary.unknown} of unknown outcome`);
  if (summary.retry) parts.push(`${summary.retry} to retry`);
  if (summary.skipped) parts.push(`${summary.skipped} not tried`);
  const hints: string[] = [];
  if (summary.failed) hints.push('Send the refused letters by post (`pre-incasso letters --channel post`) or correct the address.');
  if (summary.unknown) hints.push('Check with the recipient or the sent-mail log whether the unknown ones arrived; then mark them, or resend them with `pre-incasso mail --resend-unknown`.');
  if (summary.retry || summary.skipped) hints.push('`pre-incasso mail` tries the waiting ones again; `pre-incasso doctor` checks the SMTP connection.');
  return new AppError('delivery_incomplete', `E-mail delivery incomplete: ${summary.sent} sent, ${parts.join(', ')}.`, {
    hint: hints.join(' '),
    details: summary.messages
      .filter((m) => m.outcome !== 'sent')
      .map((m) => `debtor ${m.debtorNumber}, letter ${m.letterId}, ${m.to}: ${m.outcome}${m.reason ? ` (${m.reason})` : ''}`),
    data: deliveryJson(summary),
  });
}

/** The summary for `--json` output: snake_case keys (SPEC §7). */
export function deliveryJson(summary: DeliverySummary): Record<string, unknown> {
  return {
    sent: summary.sent,
    failed: summary.failed,
    retry: summary.retry,
    unknown: summary.unknown,
    skipped: summary.skipped,
    messages: summary.messages.map((m) => ({
      outbox_id: m.outboxId,
      letter_id: m.letterId,
      debtor: m.debtorNumber,
      to: m.to,
      state: m.state,
      outcome: m.outcome,
      attempts: m.attempts,
      ...(m.reason !== undefined ? { reason: m.reason } : {}),
    })),
  };
}
