// What a failed SMTP attempt means for the message: refused for good, try again, or unknown
// (the server may have it). The rule behind the outbox's states (`domain/outbox.ts`).
import type { AttemptOutcome } from '../domain/outbox.js';

export interface Classification {
  outcome: Exclude<AttemptOutcome, 'sent'>;
  /**
   * `message`: about this message only, go on with the next. `connection`: the server could
   * not be reached or dropped the session; try this message again, and stop the whole delivery
   * if it still fails. `account`: login, TLS or configuration; stop at once, without retrying
   * (repeated failed logins get an account locked).
   */
  scope: 'message' | 'connection' | 'account';
  reason: string;
}

const ACCOUNT_CODES = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2', 'ECONFIG', 'ETLS', 'EREQUIRETLS', 'EPROXY']);
const MESSAGE_CODES = new Set(['EENVELOPE', 'EMESSAGE', 'EMAXRECIPIENTS']);

/**
 * The rule, in this order:
 * 1. login/TLS/configuration errors (EAUTH, ETLS, ...): `retry`, stop the delivery. They happen
 *    before MAIL FROM, so nothing was sent; a 535 is not a refusal of the message.
 * 2. a 4xx/5xx reply: 5xx (but 503, "bad sequence", which nodemailer also counts as transient)
 *    is `failed`; 4xx and 503 are `retry`. A reply, even to the final ".", means the server did
 *    not take the message.
 * 3. an envelope or message error without a reply (no recipients, too large): `failed`.
 * 4. no reply at all (ECONNECTION, ETIMEDOUT, ESOCKET, a connection dropped during DATA):
 *    - `retry` when the message was not handed over completely (`messageHandedOver === false`):
 *      SMTP delivers only after the final "." (RFC 5321 §4.1.1.4), which was never written;
 *    - `unknown` when it was, or when the sender cannot tell: the server may have accepted it
 *      and only its reply got lost, so resending could deliver the letter twice.
 */
export function classifySendError(error: unknown): Classification {
  const e = (error ?? {}) as { code?: unknown; responseCode?: unknown; messageHandedOver?: unknown };
  const reason = describeError(error);
  const code = typeof e.code === 'string' ? e.code : undefined;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  if (code && ACCOUNT_CODES.has(code)) return { outcome: 'retry', scope: 'account', reason };
  if (responseCode !== undefined && responseCode >= 400 && responseCode < 600) {
    if (responseCode >= 500 && responseCode !== 503) return { outcome: 'failed', scope: 'message', reason };
    // 421: the server is closing the session (RFC 5321 §3.8): about the server, not the message.
    return { outcome: 'retry', scope: responseCode === 421 ? 'connection' : 'message', reason };
  }
  if (code && MESSAGE_CODES.has(code)) return { outcome: 'failed', scope: 'message', reason };
  if (e.messageHandedOver === false) return { outcome: 'retry', scope: 'connection', reason };
  return { outcome: 'unknown', scope: 'connection', reason };
}

function describeError(error: unknown): string {
  const e = (error ?? {}) as { message?: unknown; code?: unknown };
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : String(error);
  return typeof e.code === 'string' && !message.includes(e.code) ? `${e.code}: ${message}` : message;
}
