// The e-mail outbox on the ledger: which letters go by e-mail, and every delivery attempt with
// its outcome, so a letter is never e-mailed twice (SPEC §2.1) and every message that left is
// kept byte for byte (SPEC §2.5).
//
// States and transitions (table `outbox`, migration 003):
//
//   queued ──► sending ──► sent                      the server answered 250 to the final "."
//   retry  ──►    │    ──► failed                    a permanent refusal (5xx): never retried
//                 │    ──► retry                     temporary (4xx, 503, no connection, login
//                 │                                  refused, dropped before the message was
//                 │                                  handed over): tried again later
//                 │    ──► unknown                   no reply after the whole message was handed
//                 │                                  over: the server may have accepted it
//                 └──────► unknown                   the process died while the row was `sending`
//   unknown ──► sending                              only with `resendUnknown` (a person checked)
//   unknown ──► sent | failed                        `resolveUnknown` (a person checked)
//
// The change to `sending` and the attempt row are committed before a byte goes to SMTP, and
// each outcome is committed on its own. A crash therefore leaves `sending`, which the next call
// turns into `unknown` instead of guessing: a duplicate dunning letter is worse than a question.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.js';
import type { Db } from '../ledger/ledger.js';
import { addressDomain, bareAddress, composeMessage, hasDisplayName, letterFileName, parseEmailList, type ComposedMessage } from './message.js';
import { summarizeDelivery, type DeliveryMessageResult, type DeliverySummary } from './summary.js';
import { scrubSecrets } from './transport.js';
import { currentProcess, formatIdentity, isGone, parseIdentity } from '../platform/process-identity.js';
import { ensureDir, writeFileSafe } from '../platform/files.js';

export type OutboxState = 'queued' | 'sending' | 'sent' | 'failed' | 'retry' | 'unknown';

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
 * `classifySendError`). `createSmtpTransport(...).send` is the real one.
 */
export type SendFunction = (eml: Buffer, envelope: SendEnvelope) => Promise<SendResult>;

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

// ---------------------------------------------------------------------------------------------
// Queueing

export interface QueueOptions {
  now: Date;
  today: string;
  /** Only these letters (e.g. the ones `run` just recorded); all e-mail letters when absent. */
  letterIds?: readonly number[];
}

export interface QueuedLetter {
  letterId: number;
  outboxId: number;
  debtorNumber: string;
  to: string;
}

export interface UnqueuedLetter {
  letterId: number;
  debtorNumber: string;
  /** What the letter's debtor record said, for the message ("by post instead"). */
  email: string | null;
}

export interface QueueResult {
  queued: QueuedLetter[];
  /** Letter ids that already had an outbox row (a second call changes nothing). */
  alreadyQueued: number[];
  /** E-mail letters whose debtor has no valid address: no outbox row; send them by post. */
  noAddress: UnqueuedLetter[];
  /** E-mail letters without a rendered PDF yet: render first, then queue again. */
  notRendered: number[];
}

interface CandidateRow {
  id: number;
  debtor_number: string;
  email: string | null;
  has_pdf: number;
  outbox_id: number | null;
}

const CANDIDATES_SQL = `
  SELECT l.id, l.debtor_number,
         COALESCE(json_extract(l.data, '$.debtor.email'), d.email) AS email,
         l.pdf IS NOT NULL AS has_pdf,
         o.id AS outbox_id
    FROM letters l
    JOIN debtors d ON d.number = l.debtor_number
    LEFT JOIN outbox o ON o.letter_id = l.id
   WHERE EXISTS (SELECT 1 FROM json_each(l.channels) WHERE json_each.value = 'email')
     AND l.id NOT IN (SELECT letter_id FROM letter_withdrawals)`;

/**
 * One `queued` outbox row per e-mail letter, with the debtor's address(es) as of the letter.
 * Idempotent: a letter that has a row keeps it (UNIQUE letter_id). One transaction.
 */
export function queueLetters(db: Db, options: QueueOptions): QueueResult {
  const result: QueueResult = { queued: [], alreadyQueued: [], noAddress: [], notRendered: [] };
  let rows: CandidateRow[];
  if (options.letterIds) {
    if (options.letterIds.length === 0) return result;
    rows = db
      .prepare(`${CANDIDATES_SQL} AND l.id IN (SELECT value FROM json_each(?)) ORDER BY l.id`)
      .all(JSON.stringify(options.letterIds)) as CandidateRow[];
  } else {
    rows = db.prepare(`${CANDIDATES_SQL} ORDER BY l.id`).all() as CandidateRow[];
  }
  const insert = db.prepare(`INSERT INTO outbox (letter_id, to_address, state, queued_at) VALUES (?, ?, 'queued', ?)`);
  const event = prepareEvent(db);
  const at = options.now.toISOString();
  db.transaction(() => {
    for (const row of rows) {
      if (row.outbox_id !== null) {
        result.alreadyQueued.push(row.id);
        continue;
      }
      if (!row.has_pdf) {
        result.notRendered.push(row.id);
        continue;
      }
      const to = parseEmailList(row.email);
      if (!to) {
        result.noAddress.push({ letterId: row.id, debtorNumber: row.debtor_number, email: row.email });
        continue;
      }
      const toAddress = to.join(', ');
      const outboxId = Number(insert.run(row.id, toAddress, at).lastInsertRowid);
      event.run(at, options.today, 'mail_queued', row.debtor_number, JSON.stringify({ letter_id: row.id, outbox_id: outboxId, to: toAddress }));
      result.queued.push({ letterId: row.id, outboxId, debtorNumber: row.debtor_number, to: toAddress });
    }
  })();
  return result;
}

// ---------------------------------------------------------------------------------------------
// Classifying a failed attempt

export type AttemptOutcome = 'sent' | 'failed' | 'retry' | 'unknown';

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

// ---------------------------------------------------------------------------------------------
// Delivering

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
  /** Send the `unknown` messages too: only after a person checked they did not arrive. */
  resendUnknown?: boolean;
  onProgress?: (progress: DeliveryProgress) => void;
  /** Text that must never reach the ledger (the SMTP password in its encodings). */
  secrets?: readonly string[];
}

interface OutboxRow {
  id: number;
  letter_id: number;
  to_address: string;
  state: OutboxState;
  eml: Buffer | null;
  message_id: string | null;
  eml_sha256: string | null;
  attempts: number;
  debtor_number: string;
  date: string;
  stage_id: string;
  pdf: Buffer | null;
  creditor_name: string | null;
}

const OUTBOX_ROW_SQL = `
  SELECT o.id, o.letter_id, o.to_address, o.state, o.eml, o.message_id, o.eml_sha256, o.attempts,
         l.debtor_number, l.date, l.stage_id, l.pdf,
         json_extract(l.data, '$.creditor.name') AS creditor_name
    FROM outbox o JOIN letters l ON l.id = o.letter_id`;

/**
 * Sends the outbox: every `queued` and `retry` message (and `unknown` ones with
 * `resendUnknown`), one at a time, in the order they were queued. Each message is composed
 * once, stored with its SHA-256, and from then on re-sent byte for byte.
 */
export async function deliverOutbox(db: Db, send: SendFunction, options: DeliverOptions): Promise<DeliverySummary> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const retryPauseMs = Math.max(0, options.retryPauseMs ?? 2000);
  const secrets = options.secrets ?? [];
  const clean = (text: string): string => scrubSecrets(text, secrets);
  const event = prepareEvent(db);
  const results: DeliveryMessageResult[] = [];
  const from = bareAddress(options.message.from);
  if (!from) throw new AppError('config_invalid', `mail.from: ${JSON.stringify(options.message.from)} is not an e-mail address.`, { hint: 'Write it as "name@example.nl" or "Name <name@example.nl>".' });
  const bcc = options.message.bcc ? parseEmailList(options.message.bcc) : [];
  if (!bcc) throw new AppError('config_invalid', `mail.bcc: ${JSON.stringify(options.message.bcc)} is not an e-mail address.`, { hint: 'Give one address, or remove mail.bcc.' });

  results.push(...recoverInterrupted(db, options));

  const states = options.resendUnknown ? `('queued', 'retry', 'unknown')` : `('queued', 'retry')`;
  // Ids first, each row with its PDF and message when its turn comes: a large outbox is never
  // held in memory all at once.
  const ids = db.prepare(`SELECT id FROM outbox WHERE state IN ${states} AND id NOT IN (SELECT outbox_id FROM outbox_withdrawn) ORDER BY id`).pluck().all() as number[];
  const getRow = db.prepare(`${OUTBOX_ROW_SQL} WHERE o.id = ?`);

  const storeEml = db.prepare(`UPDATE outbox SET eml = ?, eml_sha256 = ?, message_id = ? WHERE id = ? AND eml IS NULL`);
  // `unknown` only with resendUnknown: a person checked it did not arrive (SPEC §2.1).
  const markSending = db.prepare(
    `UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = ? AND state IN ${states} AND id NOT IN (SELECT outbox_id FROM outbox_withdrawn)`,
  );
  // Who sends, so crash recovery can tell a dead sender's `sending` row from a live one's.
  const me = formatIdentity(currentProcess());
  const startAttempt = db.prepare(`INSERT INTO mail_attempts (outbox_id, started_at, process) VALUES (?, ?, '${me.replaceAll("'", "''")}')`);
  const finishAttempt = db.prepare(`UPDATE mail_attempts SET finished_at = ?, outcome = ?, response = ? WHERE id = ?`);
  const markSent = db.prepare(`UPDATE outbox SET state = 'sent', sent_at = ?, server_response = ?, last_error = NULL WHERE id = ?`);
  const markOther = db.prepare(`UPDATE outbox SET state = ?, last_error = ? WHERE id = ?`);

  let stopped: string | undefined;
  let index = 0;
  for (const id of ids) {
    index++;
    const row = getRow.get(id) as OutboxRow;
    const base = { outboxId: row.id, letterId: row.letter_id, debtorNumber: row.debtor_number, to: row.to_address };
    if (stopped !== undefined) {
      results.push({ ...base, state: row.state, outcome: 'skipped', attempts: 0, reason: stopped });
      continue;
    }
    if (row.eml === null && row.pdf === null) {
      results.push({ ...base, state: row.state, outcome: 'skipped', attempts: 0, reason: 'the letter has no rendered PDF yet' });
      continue;
    }
    // queueLetters only stores valid lists; a row that is not is a damaged ledger.
    const to = parseEmailList(row.to_address);
    if (!to) throw new AppError('ledger_corrupt', `outbox row ${row.id} has an unusable address: ${JSON.stringify(row.to_address)}.`, { hint: '`pre-incasso doctor` checks the ledger.' });

    let eml = row.eml;
    let messageId = row.message_id;
    let sha256 = row.eml_sha256;
    if (eml === null) {
      // Composed and stored before the first attempt; every later attempt sends these bytes.
      const composed = await composeForLetter(row, options.message, options.now());
      eml = composed.eml;
      messageId = composed.messageId;
      sha256 = composed.sha256;
      db.transaction(() => storeEml.run(composed.eml, composed.sha256, composed.messageId, row.id))();
    }

    let attempts = 0;
    let final: { outcome: AttemptOutcome; detail: string } | undefined;
    while (final === undefined) {
      attempts++;
      const startedAt = options.now().toISOString();
      const attemptId = db.transaction(() => {
        if (markSending.run(row.id).changes !== 1) return undefined;
        return Number(startAttempt.run(row.id, startedAt).lastInsertRowid);
      })();
      if (attemptId === undefined) {
        // Another process took or settled the message meanwhile (it reached the ledger by
        // another path): it is theirs now. Never send it a second time from here.
        results.push({ ...base, state: row.state, outcome: 'skipped', attempts: attempts - 1, reason: 'another process took this message while it waited' });
        break;
      }

      let outcome: AttemptOutcome;
      let detail: string;
      let scope: Classification['scope'] = 'message';
      try {
        const result = await send(eml, { from, to, ...(bcc.length ? { bcc } : {}) });
        if (result.accepted) {
          outcome = 'sent';
          detail = clean(result.response);
        } else {
          // The server took the message but none of the debtor's addresses.
          const c = classifySendError({ responseCode: Number(/^\d{3}/.exec(result.response)?.[0] ?? 550), message: result.response });
          outcome = c.outcome;
          detail = clean(c.reason);
        }
      } catch (error) {
        const c = classifySendError(error);
        outcome = c.outcome;
        scope = c.scope;
        detail = clean(c.reason);
      }

      const finishedAt = options.now().toISOString();
      db.transaction(() => {
        finishAttempt.run(finishedAt, outcome, detail, attemptId);
        if (outcome === 'sent') markSent.run(finishedAt, detail, row.id);
        else markOther.run(outcome, detail, row.id);
        const data: Record<string, unknown> = { letter_id: row.letter_id, outbox_id: row.id, attempt: row.attempts + attempts, to: row.to_address, message_id: messageId, eml_sha256: sha256 };
        data[outcome === 'sent' ? 'response' : 'error'] = detail;
        event.run(finishedAt, options.today, `mail_${outcome}`, row.debtor_number, JSON.stringify(data));
      })();
      options.onProgress?.({ index, total: ids.length, letterId: row.letter_id, debtorNumber: row.debtor_number, to: row.to_address, attempt: attempts, outcome });

      if (outcome !== 'retry') {
        final = { outcome, detail };
      } else if (scope === 'account' || attempts >= maxAttempts) {
        final = { outcome, detail };
        if (scope !== 'message') stopped = `not tried: delivery stopped after "${detail}"`;
      } else {
        await sleep(retryPauseMs);
      }
    }
    if (final !== undefined) results.push({ ...base, state: final.outcome, outcome: final.outcome, attempts, reason: final.detail });
  }

  const stillUnknown = db.prepare(`SELECT count(*) AS n FROM outbox WHERE state = 'unknown' AND id NOT IN (SELECT outbox_id FROM outbox_withdrawn)`).get() as { n: number };
  return summarizeDelivery(results, stillUnknown.n);
}

/**
 * Rows left `sending` by a process that died: the server may have the message. Only rows whose
 * sender is provably gone (its open attempt names a process that no longer runs, or names none:
 * a ledger from before issue 11); a live process's `sending` row is its own business.
 */
function recoverInterrupted(db: Db, options: DeliverOptions): DeliveryMessageResult[] {
  const candidates = db.prepare(`${OUTBOX_ROW_SQL} WHERE o.state = 'sending' ORDER BY o.id`).all() as OutboxRow[];
  if (candidates.length === 0) return [];
  const senderOf = db.prepare(`SELECT process FROM mail_attempts WHERE outbox_id = ? ORDER BY id DESC LIMIT 1`).pluck();
  const rows = candidates.filter((row) => {
    const sender = parseIdentity(senderOf.get(row.id) as string | null);
    return sender === null || isGone(sender);
  });
  if (rows.length === 0) return [];
  const reason = 'the process ended while this message was being sent; it may have been delivered';
  const at = options.now().toISOString();
  const event = prepareEvent(db);
  const closeAttempts = db.prepare(`UPDATE mail_attempts SET outcome = 'unknown', response = ? WHERE outbox_id = ? AND outcome IS NULL`);
  const mark = db.prepare(`UPDATE outbox SET state = 'unknown', last_error = ? WHERE id = ? AND state = 'sending'`);
  db.transaction(() => {
    for (const row of rows) {
      closeAttempts.run(reason, row.id);
      mark.run(reason, row.id);
      event.run(at, options.today, 'mail_unknown', row.debtor_number, JSON.stringify({ letter_id: row.letter_id, outbox_id: row.id, attempt: row.attempts, to: row.to_address, message_id: row.message_id, eml_sha256: row.eml_sha256, error: reason }));
    }
  })();
  return rows.map((row) => ({
    outboxId: row.id,
    letterId: row.letter_id,
    debtorNumber: row.debtor_number,
    to: row.to_address,
    state: 'unknown' as const,
    outcome: 'unknown' as const,
    attempts: 0,
    reason,
  }));
}

async function composeForLetter(row: OutboxRow, settings: MessageSettings, date: Date): Promise<ComposedMessage> {
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

// ---------------------------------------------------------------------------------------------
// Resolving an `unknown` message

export interface ResolveOptions {
  now: Date;
  today: string;
  /** Who checked what, for the audit trail. */
  note?: string;
}

/**
 * After a person checked an `unknown` message: `sent` when it arrived (it is then never sent
 * again), `failed` when it did not and the letter goes by post. To send it again instead, use
 * `deliverOutbox` with `resendUnknown`.
 */
export function resolveUnknown(db: Db, outboxId: number, resolution: 'sent' | 'failed', options: ResolveOptions): boolean {
  const row = db.prepare(`${OUTBOX_ROW_SQL} WHERE o.id = ?`).get(outboxId) as OutboxRow | undefined;
  if (!row || row.state !== 'unknown') return false;
  const at = options.now.toISOString();
  const note = options.note ?? `marked ${resolution} by hand`;
  db.transaction(() => {
    if (resolution === 'sent') {
      db.prepare(`UPDATE outbox SET state = 'sent', sent_at = ?, server_response = ?, last_error = NULL WHERE id = ?`).run(at, note, outboxId);
    } else {
      db.prepare(`UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?`).run(note, outboxId);
    }
    prepareEvent(db).run(at, options.today, 'mail_resolved', row.debtor_number, JSON.stringify({ letter_id: row.letter_id, outbox_id: outboxId, resolution, note }));
  })();
  return true;
}

// ---------------------------------------------------------------------------------------------
// Withdrawing e-mails whose letter no longer holds

export interface Withdrawn {
  outboxId: number;
  letterId: number;
  debtorNumber: string;
  reason: string;
}

/**
 * Withdraws every e-mail still waiting (queued, retry, unknown) whose letter demands an invoice
 * that was paid, closed, handed over or reduced since the letter was recorded: sending it now
 * would remind a debtor of money already paid (SPEC §2). The letter stays in the ledger; the
 * invoices continue on their own schedule. One transaction, an event per withdrawn message.
 */
export function withdrawSettledMail(db: Db, options: { now: Date; today: string }): Withdrawn[] {
  const rows = db
    .prepare(
      `SELECT o.id AS outbox_id, o.letter_id, l.debtor_number,
              group_concat(li.invoice_number || ' (' || i.status || ')', ', ') AS changed
         FROM outbox o
         JOIN letters l ON l.id = o.letter_id
         JOIN letter_invoices li ON li.letter_id = l.id AND li.role = 'due'
         JOIN invoices i ON i.number = li.invoice_number
        WHERE o.state IN ('queued', 'retry', 'unknown')
          AND o.id NOT IN (SELECT outbox_id FROM outbox_withdrawn)
          AND (i.status <> 'open' OR i.open_cents < li.open_cents)
        GROUP BY o.id
        ORDER BY o.id`,
    )
    .all() as { outbox_id: number; letter_id: number; debtor_number: string; changed: string }[];
  if (rows.length === 0) return [];
  const at = options.now.toISOString();
  const insert = db.prepare('INSERT INTO outbox_withdrawn (outbox_id, reason, at) VALUES (?, ?, ?)');
  const event = prepareEvent(db);
  const withdrawn: Withdrawn[] = [];
  db.transaction(() => {
    for (const r of rows) {
      const reason = `paid or changed since the letter was recorded: ${r.changed}`;
      insert.run(r.outbox_id, reason, at);
      event.run(at, options.today, 'mail_withdrawn', r.debtor_number, JSON.stringify({ letter_id: r.letter_id, outbox_id: r.outbox_id, reason }));
      withdrawn.push({ outboxId: r.outbox_id, letterId: r.letter_id, debtorNumber: r.debtor_number, reason });
    }
  })();
  return withdrawn;
}

// ---------------------------------------------------------------------------------------------
// `mail --dry-run --out <dir>`

export interface EmlFile {
  /** Full path of the written file. */
  file: string;
  letterId: number;
  debtorNumber: string;
  to: string;
  /** The outbox state, or `not_queued` for an e-mail letter that `queueLetters` would queue. */
  state: OutboxState | 'not_queued';
  /** True when the file holds the stored bytes that will be (re)sent, not a fresh composition. */
  stored: boolean;
}

export interface EmlPreview {
  files: EmlFile[];
  noAddress: UnqueuedLetter[];
}

export interface PreviewOptions {
  /** The Date header of messages not composed yet. */
  now: Date;
  message: MessageSettings;
  resendUnknown?: boolean;
}

/**
 * Writes the messages the next delivery would send as `<date>_<debtor>_<stage>.eml` files into
 * `dir`, without changing the ledger. Stored messages are written as stored; the others are
 * composed as they would be now.
 */
export async function writeOutboxEml(db: Db, dir: string, options: PreviewOptions): Promise<EmlPreview> {
  const states = options.resendUnknown ? `('queued', 'retry', 'unknown')` : `('queued', 'retry')`;
  const preview: EmlPreview = { files: [], noAddress: [] };
  // What the next `mail` would send: the waiting outbox rows, then the e-mail letters it would
  // queue first. Rows are read one at a time (they carry the PDF and the message).
  const pending: { outboxId?: number; letterId: number; to?: string }[] = [];
  for (const row of db.prepare(`SELECT id, letter_id FROM outbox WHERE state IN ${states} AND id NOT IN (SELECT outbox_id FROM outbox_withdrawn) ORDER BY id`).all() as { id: number; letter_id: number }[]) {
    pending.push({ outboxId: row.id, letterId: row.letter_id });
  }
  for (const candidate of db.prepare(`${CANDIDATES_SQL} AND o.id IS NULL AND l.pdf IS NOT NULL ORDER BY l.id`).all() as CandidateRow[]) {
    const to = parseEmailList(candidate.email);
    if (to) pending.push({ letterId: candidate.id, to: to.join(', ') });
    else preview.noAddress.push({ letterId: candidate.id, debtorNumber: candidate.debtor_number, email: candidate.email });
  }
  const outboxRow = db.prepare(`${OUTBOX_ROW_SQL} WHERE o.id = ?`);
  const letterRow = db.prepare(`
    SELECT NULL AS id, l.id AS letter_id, NULL AS to_address, NULL AS state, NULL AS eml, NULL AS message_id,
           NULL AS eml_sha256, 0 AS attempts, l.debtor_number, l.date, l.stage_id, l.pdf,
           json_extract(l.data, '$.creditor.name') AS creditor_name
      FROM letters l WHERE l.id = ?`);

  ensureDir(dir);
  const used = new Set<string>();
  for (const item of pending) {
    const row = item.outboxId !== undefined
      ? (outboxRow.get(item.outboxId) as OutboxRow)
      : { ...(letterRow.get(item.letterId) as OutboxRow), to_address: item.to! };
    if (row.eml === null && row.pdf === null) continue;
    const eml = row.eml ?? (await composeForLetter(row, options.message, options.now)).eml;
    let name = letterFileName({ id: row.letter_id, date: row.date, debtorNumber: row.debtor_number, stageId: row.stage_id }, 'eml');
    // Two debtor numbers can sanitise to the same name ("A/1" and "A_1"): never overwrite.
    if (used.has(name)) name = name.replace(/\.eml$/, `_${row.letter_id}.eml`);
    used.add(name);
    const file = path.join(dir, name);
    // Mode 0600: the message holds a debtor's personal data, like the ledger (AVG art. 32).
    writeFileSafe(file, eml);
    preview.files.push({
      file,
      letterId: row.letter_id,
      debtorNumber: row.debtor_number,
      to: row.to_address,
      state: item.outboxId !== undefined ? row.state : 'not_queued',
      stored: row.eml !== null,
    });
  }
  return preview;
}

// ---------------------------------------------------------------------------------------------

function prepareEvent(db: Db) {
  return db.prepare(`INSERT INTO events (at, today, kind, debtor_number, invoice_number, data) VALUES (?, ?, ?, ?, NULL, ?)`);
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
