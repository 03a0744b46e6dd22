// The owner's morning summaries: recorded before they are sent, sent once. Same states as the
// letters' outbox: queued -> sending -> sent | failed | retry | unknown; a row left `sending`
// by a crash becomes `unknown` and is not sent again (a duplicate is better asked about).
import type { Db } from './ledger.js';
import { appendEvent } from './events.js';

export interface NoticeRow {
  id: number;
  runId: number | null;
  today: string;
  to: string;
  subject: string;
  body: string;
  state: string;
  eml: Buffer | null;
  messageId: string | null;
}

/** Records the summary of a run; a run has at most one (a second call returns the first). */
export function recordNotice(db: Db, n: { runId: number | null; today: string; to: string; subject: string; body: string }, at: Date): { id: number; created: boolean } {
  return db.transaction(() => {
    if (n.runId !== null) {
      const existing = db.prepare('SELECT id FROM notices WHERE run_id = ?').pluck().get(n.runId) as number | undefined;
      if (existing !== undefined) return { id: existing, created: false };
    }
    const id = Number(
      db.prepare('INSERT INTO notices (run_id, today, to_address, subject, body, queued_at) VALUES (?, ?, ?, ?, ?, ?)').run(n.runId, n.today, n.to, n.subject, n.body, at.toISOString()).lastInsertRowid,
    );
    appendEvent(db, { kind: 'notice_queued', today: n.today, data: { notice_id: id, run_id: n.runId, to: n.to } }, at);
    return { id, created: true };
  })();
}

/** Rows a crash left `sending` become `unknown`. */
export function recoverNotices(db: Db, today: string, at: Date): number {
  const ids = db.prepare("SELECT id FROM notices WHERE state = 'sending'").pluck().all() as number[];
  db.transaction(() => {
    for (const id of ids) {
      db.prepare("UPDATE notices SET state = 'unknown', last_error = 'the process ended while sending' WHERE id = ?").run(id);
      appendEvent(db, { kind: 'notice_unknown', today, data: { notice_id: id } }, at);
    }
  })();
  return ids.length;
}

export function pendingNotices(db: Db): NoticeRow[] {
  return (db.prepare("SELECT id, run_id, today, to_address, subject, body, state, eml, message_id FROM notices WHERE state IN ('queued', 'retry') ORDER BY id").all() as Record<string, unknown>[]).map((r) => ({
    id: r.id as number, runId: r.run_id as number | null, today: r.today as string, to: r.to_address as string, subject: r.subject as string, body: r.body as string,
    state: r.state as string, eml: r.eml as Buffer | null, messageId: r.message_id as string | null,
  }));
}

export function storeNoticeEml(db: Db, id: number, eml: Buffer, sha256: string, messageId: string): void {
  db.prepare('UPDATE notices SET eml = ?, eml_sha256 = ?, message_id = ? WHERE id = ? AND eml IS NULL').run(eml, sha256, messageId, id);
}

/** Committed before a byte goes out; false when another process took it. */
export function markNoticeSending(db: Db, id: number): boolean {
  return db.prepare("UPDATE notices SET state = 'sending', attempts = attempts + 1 WHERE id = ? AND state IN ('queued', 'retry')").run(id).changes === 1;
}

export function finishNotice(db: Db, id: number, outcome: 'sent' | 'failed' | 'retry' | 'unknown', detail: string, today: string, at: Date): void {
  db.transaction(() => {
    if (outcome === 'sent') db.prepare("UPDATE notices SET state = 'sent', sent_at = ?, last_error = NULL WHERE id = ?").run(at.toISOString(), id);
    else db.prepare('UPDATE notices SET state = ?, last_error = ? WHERE id = ?').run(outcome, detail, id);
    appendEvent(db, { kind: `notice_${outcome}`, today, data: { notice_id: id, [outcome === 'sent' ? 'response' : 'error']: detail } }, at);
  })();
}
