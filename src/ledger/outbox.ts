// The outbox's SQL (tables `outbox`, `mail_attempts`, `outbox_withdrawn`): queueing e-mail
// letters, the state changes of a delivery (`domain/outbox.ts` has the states), crash recovery,
// a person's resolution of an `unknown` message, and withdrawing mail whose letter no longer holds.
// Every change is one transaction with its events; a batch of messages shares one.
import type { AttemptOutcome, OutboxState } from '../domain/outbox.js';
import { parseEmailList } from '../domain/identifiers.js';
import { isGone, parseIdentity } from '../platform/process-identity.js';
import { appendEvent } from './events.js';
import type { Db } from './ledger.js';

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
      const outboxId = Number(insert.run(row.id, toAddress, options.now.toISOString()).lastInsertRowid);
      appendEvent(db, { kind: 'mail_queued', today: options.today, debtor: row.debtor_number, data: { letter_id: row.id, outbox_id: outboxId, to: toAddress } }, options.now);
      result.queued.push({ letterId: row.id, outboxId, debtorNumber: row.debtor_number, to: toAddress });
    }
  })();
  return result;
}

/** The e-mail letters `queueLetters` would queue now (rendered, no outbox row yet), and the ones without an address. */
export function unqueuedLetters(db: Db): { queueable: { letterId: number; to: string }[]; noAddress: UnqueuedLetter[] } {
  const queueable: { letterId: number; to: string }[] = [];
  const noAddress: UnqueuedLetter[] = [];
  for (const row of db.prepare(`${CANDIDATES_SQL} AND o.id IS NULL AND l.pdf IS NOT NULL ORDER BY l.id`).all() as CandidateRow[]) {
    const to = parseEmailList(row.email);
    if (to) queueable.push({ letterId: row.id, to: to.join(', ') });
    else noAddress.push({ letterId: row.id, debtorNumber: row.debtor_number, email: row.email });
  }
  return { queueable, noAddress };
}

// ---------------------------------------------------------------------------------------------
// The messages of a delivery

/** An outbox row with what its message is made of. */
export interface OutboxMessage {
  /** Null for a letter not queued yet (a preview). */
  id: number | null;
  letter_id: number;
  to_address: string;
  state: OutboxState | null;
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

const MESSAGE_SQL = `
  SELECT o.id, o.letter_id, o.to_address, o.state, o.eml, o.message_id, o.eml_sha256, o.attempts,
         l.debtor_number, l.date, l.stage_id, l.pdf,
         json_extract(l.data, '$.creditor.name') AS creditor_name
    FROM outbox o JOIN letters l ON l.id = o.letter_id`;

function waitingStates(resendUnknown: boolean): string {
  // `unknown` only with resendUnknown: a person checked it did not arrive (SPEC §2.1).
  return resendUnknown ? `('queued', 'retry', 'unknown')` : `('queued', 'retry')`;
}

/** The ids a delivery sends, in the order they were queued (withdrawn ones excluded). */
export function waitingIds(db: Db, resendUnknown: boolean): number[] {
  return db
    .prepare(`SELECT id FROM outbox WHERE state IN ${waitingStates(resendUnknown)} AND id NOT IN (SELECT outbox_id FROM outbox_withdrawn) ORDER BY id`)
    .pluck()
    .all() as number[];
}

/** Messages waiting without `mail` settings to send them. */
export function countWaiting(db: Db): number {
  return db.prepare(`SELECT count(*) FROM outbox WHERE state IN ('queued', 'retry') AND id NOT IN (SELECT outbox_id FROM outbox_withdrawn)`).pluck().get() as number;
}

/** Every message now `unknown`: each needs a person to check whether it arrived. */
export function countUnknown(db: Db): number {
  return db.prepare(`SELECT count(*) FROM outbox WHERE state = 'unknown' AND id NOT IN (SELECT outbox_id FROM outbox_withdrawn)`).pluck().get() as number;
}

/** The rows of `ids` with their PDF and stored message, in the order of `ids`. */
export function readMessages(db: Db, ids: readonly number[]): OutboxMessage[] {
  const rows = db.prepare(`${MESSAGE_SQL} WHERE o.id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as OutboxMessage[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** A letter as a message not queued yet (for a preview), with `to` as its recipients. */
export function readLetterMessage(db: Db, letterId: number, to: string): OutboxMessage | undefined {
  const row = db
    .prepare(`
      SELECT NULL AS id, l.id AS letter_id, NULL AS state, NULL AS eml, NULL AS message_id,
             NULL AS eml_sha256, 0 AS attempts, l.debtor_number, l.date, l.stage_id, l.pdf,
             json_extract(l.data, '$.creditor.name') AS creditor_name
        FROM letters l WHERE l.id = ?`)
    .get(letterId) as Omit<OutboxMessage, 'to_address'> | undefined;
  return row ? { ...row, to_address: to } : undefined;
}

export interface StoredMessage {
  outboxId: number;
  eml: Buffer;
  sha256: string;
  messageId: string;
}

/** Stores composed messages, once each: a message that has bytes keeps them. One transaction. */
export function storeMessages(db: Db, messages: readonly StoredMessage[]): void {
  if (messages.length === 0) return;
  const store = db.prepare(`UPDATE outbox SET eml = ?, eml_sha256 = ?, message_id = ? WHERE id = ? AND eml IS NULL`);
  db.transaction(() => {
    for (const m of messages) store.run(m.eml, m.sha256, m.messageId, m.outboxId);
  })();
}

/**
 * Marks the rows `sending` and opens an attempt for each, in one transaction committed before
 * any of them is handed to SMTP. Returns the attempt id per outbox id; a row another process took
 * or settled meanwhile is left out and must not be sent from here.
 */
export function startAttempts(db: Db, ids: readonly number[], options: { at: Date; resendUnknown: boolean; process: string }): Map<number, number> {
  const markSending = db.prepare(
    `UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = ? AND state IN ${waitingStates(options.resendUnknown)} AND id NOT IN (SELECT outbox_id FROM outbox_withdrawn)`,
  );
  const insert = db.prepare(`INSERT INTO mail_attempts (outbox_id, started_at, process) VALUES (?, ?, ?)`);
  const started = new Map<number, number>();
  const at = options.at.toISOString();
  db.transaction(() => {
    for (const id of ids) {
      if (markSending.run(id).changes !== 1) continue;
      started.set(id, Number(insert.run(id, at, options.process).lastInsertRowid));
    }
  })();
  return started;
}

export interface FinishedAttempt {
  message: OutboxMessage & { id: number };
  attemptId: number;
  /** The attempt's number over the message's whole life (1 for the first ever). */
  attempt: number;
  outcome: AttemptOutcome;
  /** The server's reply when sent, the error otherwise (already scrubbed of secrets). */
  detail: string;
  at: Date;
}

/** Records the outcomes of attempts and their `mail_<outcome>` events, in one transaction. */
export function finishAttempts(db: Db, finished: readonly FinishedAttempt[], today: string): void {
  if (finished.length === 0) return;
  const finishAttempt = db.prepare(`UPDATE mail_attempts SET finished_at = ?, outcome = ?, response = ? WHERE id = ?`);
  const markSent = db.prepare(`UPDATE outbox SET state = 'sent', sent_at = ?, server_response = ?, last_error = NULL WHERE id = ?`);
  const markOther = db.prepare(`UPDATE outbox SET state = ?, last_error = ? WHERE id = ?`);
  db.transaction(() => {
    for (const f of finished) {
      const at = f.at.toISOString();
      finishAttempt.run(at, f.outcome, f.detail, f.attemptId);
      if (f.outcome === 'sent') markSent.run(at, f.detail, f.message.id);
      else markOther.run(f.outcome, f.detail, f.message.id);
      const m = f.message;
      const data: Record<string, unknown> = { letter_id: m.letter_id, outbox_id: m.id, attempt: f.attempt, to: m.to_address, message_id: m.message_id, eml_sha256: m.eml_sha256 };
      data[f.outcome === 'sent' ? 'response' : 'error'] = f.detail;
      appendEvent(db, { kind: `mail_${f.outcome}`, today, debtor: m.debtor_number, data }, f.at);
    }
  })();
}

/**
 * Rows left `sending` by a process that died become `unknown`: the server may have the message.
 * Only rows whose sender is provably gone (its open attempt names a process that no longer runs,
 * or names none: a ledger from before issue 11); a live process's `sending` row is its own
 * business. Returns the rows it changed.
 */
export function settleInterrupted(db: Db, options: { now: Date; today: string }): OutboxMessage[] {
  const candidates = db.prepare(`${MESSAGE_SQL} WHERE o.state = 'sending' ORDER BY o.id`).all() as OutboxMessage[];
  if (candidates.length === 0) return [];
  const senderOf = db.prepare(`SELECT process FROM mail_attempts WHERE outbox_id = ? ORDER BY id DESC LIMIT 1`).pluck();
  const rows = candidates.filter((row) => {
    const sender = parseIdentity(senderOf.get(row.id) as string | null);
    return sender === null || isGone(sender);
  });
  if (rows.length === 0) return [];
  const reason = INTERRUPTED;
  const closeAttempts = db.prepare(`UPDATE mail_attempts SET outcome = 'unknown', response = ? WHERE outbox_id = ? AND outcome IS NULL`);
  const mark = db.prepare(`UPDATE outbox SET state = 'unknown', last_error = ? WHERE id = ? AND state = 'sending'`);
  db.transaction(() => {
    for (const row of rows) {
      closeAttempts.run(reason, row.id);
      mark.run(reason, row.id);
      appendEvent(db, { kind: 'mail_unknown', today: options.today, debtor: row.debtor_number, data: { letter_id: row.letter_id, outbox_id: row.id, attempt: row.attempts, to: row.to_address, message_id: row.message_id, eml_sha256: row.eml_sha256, error: reason } }, options.now);
    }
  })();
  return rows;
}

export const INTERRUPTED = 'the process ended while this message was being sent; it may have been delivered';

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
 * again), `failed` when it did not and the letter goes by post. To send it again instead, deliver
 * with `resendUnknown`.
 */
export function resolveUnknown(db: Db, outboxId: number, resolution: 'sent' | 'failed', options: ResolveOptions): boolean {
  const row = db.prepare(`${MESSAGE_SQL} WHERE o.id = ?`).get(outboxId) as OutboxMessage | undefined;
  if (!row || row.state !== 'unknown') return false;
  const at = options.now.toISOString();
  const note = options.note ?? `marked ${resolution} by hand`;
  db.transaction(() => {
    if (resolution === 'sent') {
      db.prepare(`UPDATE outbox SET state = 'sent', sent_at = ?, server_response = ?, last_error = NULL WHERE id = ?`).run(at, note, outboxId);
    } else {
      db.prepare(`UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?`).run(note, outboxId);
    }
    appendEvent(db, { kind: 'mail_resolved', today: options.today, debtor: row.debtor_number, data: { letter_id: row.letter_id, outbox_id: outboxId, resolution, note } }, options.now);
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
  const insert = db.prepare('INSERT INTO outbox_withdrawn (outbox_id, reason, at) VALUES (?, ?, ?)');
  const withdrawn: Withdrawn[] = [];
  db.transaction(() => {
    for (const r of rows) {
      const reason = `paid or changed since the letter was recorded: ${r.changed}`;
      insert.run(r.outbox_id, reason, options.now.toISOString());
      appendEvent(db, { kind: 'mail_withdrawn', today: options.today, debtor: r.debtor_number, data: { letter_id: r.letter_id, outbox_id: r.outbox_id, reason } }, options.now);
      withdrawn.push({ outboxId: r.outbox_id, letterId: r.letter_id, debtorNumber: r.debtor_number, reason });
    }
  })();
  return withdrawn;
}
