// Sending the outbox: compose each message once, store it, and hand the stored bytes to SMTP,
// recording every attempt (states in `domain/outbox.ts`, SQL in `ledger/outbox.ts`).
//
// At most once: a batch of messages is committed as `sending` (one transaction) before any of
// them is handed to the transport; their outcomes are committed together once the server has
// answered each. A crash in between leaves them `sending`, which the next delivery turns into
// `unknown` (maybe sent, never resent by itself). The batch is the pipeline: the pooled transport
// sends its messages one after the other on one connection while no commit waits in between.
import { createHash } from 'node:crypto';
import { AppError } from '../errors.js';
import type { AttemptOutcome } from '../domain/outbox.js';
import { parseEmailList } from '../domain/identifiers.js';
import {
  finishAttempts,
  readMessages,
  settleInterrupted,
  startAttempts,
  storeMessages,
  waitingIds,
  countUnknown,
  INTERRUPTED,
  type FinishedAttempt,
  type OutboxMessage,
  type StoredMessage,
} from '../ledger/outbox.js';
import { addressDomain, bareAddress, composeMessage, hasDisplayName, letterFileName, type ComposedMessage } from '../mail/message.js';
import { classifySendError, type Classification } from '../mail/send-error.js';
import { summarizeDelivery, type DeliveryMessageResult, type DeliverySummary } from '../mail/summary.js';
import { scrubSecrets, type SendFunction } from '../mail/transport.js';
import { currentProcess, formatIdentity } from '../platform/process-identity.js';
import type { Db } from '../ledger/ledger.js';

export interface LetterTexts {
  subject: string;
  text: string;
  html: string;
}

/** What every message of a delivery shares: sender, and where the words come from. */
export interface MessageSettings {
  /** `mail.from`. Without a display name the creditor's name from the letter is used. */
  from: string;
  replyTo?: string;
  /** `mail.bcc`: a copy for the creditor's own archive, on the envelope only. */
  bcc?: string;
  /** Subject, text and HTML body of a recorded letter (the letters module renders them). */
  texts: (letterId: number) => LetterTexts | Promise<LetterTexts>;
  /** DKIM signing (`createSmtpTransport(...).sign`), applied before the message is stored. */
  sign?: (eml: Buffer) => Promise<Buffer>;
}

export interface DeliveryProgress {
  /** 1-based position among the messages of this call. */
  index: number;
  total: number;
  letterId: number;
  debtorNumber: string;
  to: string;
  attempt: number;
  outcome: AttemptOutcome;
}

export interface DeliverOptions {
  /** The run's date (`--today`), written as `today` on the events. */
  today: string;
  /** The clock, for the Date header and the timestamps. */
  now: () => Date;
  message: MessageSettings;
  /** Attempts per message within this call, 3 when not set; the next call tries again. */
  maxAttempts?: number;
  /** Pause before retrying a temporary failure within the call, 2000 ms when not set. */
  retryPauseMs?: number;
  /**
   * Messages committed as `sending` and handed to the transport together, 1 when not set. A
   * crash leaves at most this many `unknown`; `pipelineDepth` fits it to the rate limit.
   */
  batchSize?: number;
  /** Send the `unknown` messages too: only after a person checked they did not arrive. */
  resendUnknown?: boolean;
  onProgress?: (progress: DeliveryProgress) => void;
  /** Text that must never reach the ledger (the SMTP password in its encodings). */
  secrets?: readonly string[];
}

/** The most messages in flight at once. */
export const MAX_BATCH = 64;

/**
 * The batch size for a rate limit: about one second's worth of messages (at least 1, at most
 * `MAX_BATCH`). Under the default 30 a minute that is 1, so a crash leaves at most one message
 * `unknown`; with no real limit the pooled connection never waits for the ledger.
 */
export function pipelineDepth(perMinute: number): number {
  return Math.max(1, Math.min(MAX_BATCH, Math.floor(perMinute / 60)));
}

type Sendable = OutboxMessage & { id: number; eml: Buffer };

interface Attempted {
  outcome: AttemptOutcome;
  detail: string;
  scope: Classification['scope'];
}

/**
 * Sends the outbox: every `queued` and `retry` message (and `unknown` ones with
 * `resendUnknown`), in the order they were queued. Each message is composed once, stored with
 * its SHA-256, and from then on re-sent byte for byte.
 *
 * The pipeline: while one batch is with the transport, the next is read and composed; when the
 * server has answered the whole batch, one transaction records those answers, stores the next
 * batch's messages and marks it `sending`, and only then is the next batch handed over. The first
 * batch, and the first after a connection or login failure, holds one message: a refused login is
 * tried once, not once per message in flight (repeated failed logins get an account locked).
 * A temporary failure is tried again after `retryPauseMs`, before the next batch goes.
 */
export async function deliverOutbox(db: Db, send: SendFunction, options: DeliverOptions): Promise<DeliverySummary> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const retryPauseMs = Math.max(0, options.retryPauseMs ?? 2000);
  const batchSize = Math.max(1, Math.min(MAX_BATCH, Math.floor(options.batchSize ?? 1)));
  const resendUnknown = options.resendUnknown === true;
  const secrets = options.secrets ?? [];
  const clean = (text: string): string => scrubSecrets(text, secrets);
  const from = bareAddress(options.message.from);
  if (!from) throw new AppError('config_invalid', `mail.from: ${JSON.stringify(options.message.from)} is not an e-mail address.`, { hint: 'Write it as "name@example.nl" or "Name <name@example.nl>".' });
  const bcc = options.message.bcc ? parseEmailList(options.message.bcc) : [];
  if (!bcc) throw new AppError('config_invalid', `mail.bcc: ${JSON.stringify(options.message.bcc)} is not an e-mail address.`, { hint: 'Give one address, or remove mail.bcc.' });

  const results: DeliveryMessageResult[] = settleInterrupted(db, { now: options.now(), today: options.today }).map((row) => ({
    ...identify(row),
    state: 'unknown' as const,
    outcome: 'unknown' as const,
    attempts: 0,
    reason: INTERRUPTED,
  }));

  // Ids first, each message with its PDF when its turn comes: a large outbox is never held in
  // memory all at once.
  const ids = waitingIds(db, resendUnknown);
  // Who sends, so crash recovery can tell a dead sender's `sending` row from a live one's.
  const me = formatIdentity(currentProcess());
  let position = 0;
  /** Composed, in queue order, not handed over yet. */
  const ready: Sendable[] = [];
  /** Messages composed in this call that are not in the ledger yet. */
  const unstored = new Map<number, StoredMessage>();
  /** Attempts in this call, per outbox id. */
  const tries = new Map<number, number>();
  /** 1-based position among the messages of this call, per outbox id (for the progress). */
  const indexOf = new Map<number, number>();
  let stopped: string | undefined;
  /** One message at a time until a batch went through without a connection or login problem. */
  let cautious = true;

  // Reads and composes until `n` messages are ready or the outbox is done.
  const fill = async (n: number): Promise<void> => {
    while (ready.length < n && position < ids.length) {
      const chunk = ids.slice(position, position + n - ready.length);
      for (const id of chunk) indexOf.set(id, ++position);
      for (const row of readMessages(db, chunk)) {
        if (row.eml === null && row.pdf === null) {
          results.push({ ...identify(row), state: row.state!, outcome: 'skipped', attempts: 0, reason: 'the letter has no rendered PDF yet' });
          continue;
        }
        // queueLetters only stores valid lists; a row that is not is a damaged ledger.
        if (!parseEmailList(row.to_address)) throw new AppError('ledger_corrupt', `outbox row ${row.id} has an unusable address: ${JSON.stringify(row.to_address)}.`, { hint: '`pre-incasso doctor` checks the ledger.' });
        if (row.eml === null) {
          // Composed and stored before the first attempt; every later attempt sends these bytes.
          const c = await composeForLetter(row, options.message, options.now());
          unstored.set(row.id!, { outboxId: row.id!, eml: c.eml, sha256: c.sha256, messageId: c.messageId });
          Object.assign(row, { eml: c.eml, eml_sha256: c.sha256, message_id: c.messageId });
        }
        ready.push(row as Sendable);
      }
    }
  };

  // One transaction: the answers of the last hand-over, the messages of `batch`, and `batch`
  // marked `sending`. Only what that commit marked goes to the transport.
  const handOver = (batch: Sendable[], finished: FinishedAttempt[]): Flight => {
    let started = new Map<number, number>();
    db.transaction(() => {
      finishAttempts(db, finished, options.today);
      storeMessages(db, batch.flatMap((row) => unstored.get(row.id) ?? []));
      started = startAttempts(db, batch.map((row) => row.id), { at: options.now(), resendUnknown, process: me });
    })();
    for (const row of batch) unstored.delete(row.id);
    const going: Sendable[] = [];
    for (const row of batch) {
      if (started.has(row.id)) going.push(row);
      // Another process took or settled the message meanwhile (it reached the ledger by
      // another path): it is theirs now. Never send it a second time from here.
      else results.push({ ...identify(row), state: row.state!, outcome: 'skipped', attempts: tries.get(row.id) ?? 0, reason: 'another process took this message while it waited' });
    }
    const answers = Promise.all(going.map((row) => attempt(send, row, { from, to: parseEmailList(row.to_address)!, bcc }, clean)));
    return { going, started, answers };
  };

  // The answers of a hand-over: what is final, and what is to be tried again.
  const settle = async (flight: Flight): Promise<{ finished: FinishedAttempt[]; again: Sendable[] }> => {
    const answers = await flight.answers;
    const at = options.now();
    const finished: FinishedAttempt[] = [];
    const again: Sendable[] = [];
    cautious = false;
    for (const [i, row] of flight.going.entries()) {
      const { outcome, detail, scope } = answers[i]!;
      const attempts = (tries.get(row.id) ?? 0) + 1;
      tries.set(row.id, attempts);
      finished.push({ message: row, attemptId: flight.started.get(row.id)!, attempt: row.attempts + attempts, outcome, detail, at });
      options.onProgress?.({ index: indexOf.get(row.id)!, total: ids.length, letterId: row.letter_id, debtorNumber: row.debtor_number, to: row.to_address, attempt: attempts, outcome });
      if (scope !== 'message') cautious = true;
      if (outcome === 'retry' && scope !== 'account' && attempts < maxAttempts) {
        again.push(row);
        continue;
      }
      if (outcome === 'retry' && scope !== 'message') stopped ??= `not tried: delivery stopped after "${detail}"`;
      results.push({ ...identify(row), state: outcome, outcome, attempts, reason: detail });
    }
    return { finished, again };
  };

  let flight: Flight | undefined;
  let finished: FinishedAttempt[] = [];
  try {
    for (;;) {
      // The next batch is composed while the server works through the one in flight.
      if (stopped === undefined) await fill(cautious ? 1 : batchSize);
      if (flight) {
        const settled = await settle(flight);
        flight = undefined;
        finished = settled.finished;
        let again = settled.again;
        while (again.length > 0) {
          finishAttempts(db, finished, options.today);
          finished = [];
          if (stopped !== undefined) {
            // A login or connection that failed for good: these are not tried again in this call.
            for (const row of again) results.push({ ...identify(row), state: 'retry', outcome: 'retry', attempts: tries.get(row.id)!, reason: stopped });
            break;
          }
          await sleep(retryPauseMs);
          ({ finished, again } = await settle(handOver(again, [])));
        }
      }
      // Topped up when the last batch settled well and this one may be larger than the look-ahead.
      if (stopped === undefined) await fill(cautious ? 1 : batchSize);
      const batch = stopped === undefined ? ready.splice(0, cautious ? 1 : batchSize) : [];
      if (batch.length === 0) break;
      flight = handOver(batch, finished);
      finished = [];
    }
  } catch (error) {
    // A message that cannot be composed, or a damaged row: what the server already answered is
    // recorded before the error goes up, so none of it turns `unknown`.
    if (flight) finished.push(...(await settle(flight)).finished);
    finishAttempts(db, finished, options.today);
    throw error;
  }
  finishAttempts(db, finished, options.today);

  if (stopped !== undefined) {
    // Not tried: what was composed (it is not stored) and what was not read yet.
    for (const row of ready) results.push({ ...identify(row), state: row.state!, outcome: 'skipped', attempts: 0, reason: stopped });
    for (let i = position; i < ids.length; i += MAX_BATCH) {
      for (const row of readMessages(db, ids.slice(i, i + MAX_BATCH))) results.push({ ...identify(row), state: row.state!, outcome: 'skipped', attempts: 0, reason: stopped });
    }
  }
  return summarizeDelivery(results, countUnknown(db));
}

interface Flight {
  going: Sendable[];
  /** The attempt id per outbox id. */
  started: Map<number, number>;
  answers: Promise<Attempted[]>;
}

/** One hand-over of the stored bytes, and what its answer means for the message. */
async function attempt(send: SendFunction, row: Sendable, envelope: { from: string; to: string[]; bcc: string[] }, clean: (text: string) => string): Promise<Attempted> {
  try {
    const result = await send(row.eml, { from: envelope.from, to: envelope.to, ...(envelope.bcc.length ? { bcc: envelope.bcc } : {}) });
    if (result.accepted) return { outcome: 'sent', detail: clean(result.response), scope: 'message' };
    // The server took the message but none of the debtor's addresses.
    const c = classifySendError({ responseCode: Number(/^\d{3}/.exec(result.response)?.[0] ?? 550), message: result.response });
    return { outcome: c.outcome, detail: clean(c.reason), scope: 'message' };
  } catch (error) {
    const c = classifySendError(error);
    return { outcome: c.outcome, detail: clean(c.reason), scope: c.scope };
  }
}

function identify(row: OutboxMessage): Pick<DeliveryMessageResult, 'outboxId' | 'letterId' | 'debtorNumber' | 'to'> {
  return { outboxId: row.id!, letterId: row.letter_id, debtorNumber: row.debtor_number, to: row.to_address };
}

/** The message of an outbox row (or a letter not queued yet), as it would be composed at `date`. */
export async function composeForLetter(row: OutboxMessage, settings: MessageSettings, date: Date): Promise<ComposedMessage> {
  if (row.pdf === null) throw new Error(`letter ${row.letter_id} has no PDF`);
  const texts = await settings.texts(row.letter_id);
  const fromAddress = bareAddress(settings.from);
  if (!fromAddress) throw new RangeError(`mail.from is not an address: ${settings.from}`);
  const composed = await composeMessage({
    from: displayFrom(settings.from, fromAddress, row.creditor_name),
    to: row.to_address,
    ...(settings.replyTo ? { replyTo: settings.replyTo } : {}),
    subject: texts.subject,
    text: texts.text,
    html: texts.html,
    attachment: {
      filename: letterFileName({ id: row.letter_id, date: row.date, debtorNumber: row.debtor_number, stageId: row.stage_id }, 'pdf'),
      content: row.pdf,
    },
    messageIdDomain: addressDomain(fromAddress),
    letterId: row.letter_id,
    date,
  });
  if (!settings.sign) return composed;
  const signed = await settings.sign(composed.eml);
  return { ...composed, eml: signed, sha256: createHash('sha256').update(signed).digest('hex') };
}

/** `mail.from` as configured, or `"<creditor name>" <address>` when it carries no name. */
function displayFrom(from: string, address: string, creditorName: string | null): string {
  if (hasDisplayName(from) || !creditorName) return from;
  const name = creditorName.replace(/[\r\n]+/g, ' ').trim();
  if (name === '') return from;
  return `"${name.replace(/[\\"]/g, '\\$&')}" <${address}>`;
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
