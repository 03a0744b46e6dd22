// Letters after they were recorded: printing recorded, a letter withdrawn before any copy left,
// and the stored bytes of a letter or an e-mail.
import type { Db } from './ledger.js';
import { appendEvent } from './events.js';
import { postedColumn } from './book-view.js';

/** Marks the post letters among `ids` as printed (once: the first print counts). */
export function recordPrinted(db: Db, ids: readonly number[], today: string, at: Date, file: string | null): number[] {
  if (ids.length === 0) return [];
  const rows = db
    .prepare(
      `SELECT id, debtor_number FROM letters WHERE id IN (SELECT value FROM json_each(?)) AND printed_at IS NULL
         AND EXISTS (SELECT 1 FROM json_each(channels) WHERE value = 'post') AND id NOT IN (SELECT letter_id FROM letter_withdrawals)`,
    )
    .all(JSON.stringify(ids)) as { id: number; debtor_number: string }[];
  const mark = db.prepare('UPDATE letters SET printed_at = ? WHERE id = ? AND printed_at IS NULL');
  db.transaction(() => {
    for (const r of rows) {
      mark.run(today, r.id);
      appendEvent(db, { kind: 'letter_printed', today, debtor: r.debtor_number, data: { letter_id: r.id, file } }, at);
    }
  })();
  return rows.map((r) => r.id);
}

export interface WithdrawPlan {
  letterId: number;
  debtor: string;
  /** Per invoice the letter moved: the stage it returns to (null: no letter yet). */
  stages: { invoice: string; from: number | null; to: number | null; toDate: string | null; toLetter: number | null }[];
  outboxId: number | null;
  /** Why it cannot be withdrawn; empty when it can. */
  blockers: string[];
  found: boolean;
  withdrawn: boolean;
}

export function planWithdraw(db: Db, letterId: number): WithdrawPlan {
  const letter = db.prepare('SELECT id, debtor_number, channels, date FROM letters WHERE id = ?').get(letterId) as { id: number; debtor_number: string; channels: string; date: string } | undefined;
  const plan: WithdrawPlan = { letterId, debtor: letter?.debtor_number ?? '', stages: [], outboxId: null, blockers: [], found: letter !== undefined, withdrawn: false };
  if (!letter) return plan;
  if (db.prepare('SELECT 1 FROM letter_withdrawals WHERE letter_id = ?').get(letterId)) return { ...plan, withdrawn: true };
  const outbox = db.prepare('SELECT o.id, o.state, ow.outbox_id IS NOT NULL AS withdrawn FROM outbox o LEFT JOIN outbox_withdrawn ow ON ow.outbox_id = o.id WHERE o.letter_id = ?').get(letterId) as
    | { id: number; state: string; withdrawn: number }
    | undefined;
  if (outbox) {
    plan.outboxId = outbox.withdrawn ? null : outbox.id;
    if (outbox.state === 'sent') plan.blockers.push('its e-mail was sent');
    else if (outbox.state === 'sending' || outbox.state === 'unknown') plan.blockers.push(`its e-mail may have left (state ${outbox.state}); resolve that first with \`pre-incasso mail\``);
  }
  const posted = postedColumn(db);
  if (posted) {
    const p = db.prepare(`SELECT ${posted} FROM letters WHERE id = ?`).pluck().get(letterId);
    if (p !== null && p !== undefined && p !== 0) plan.blockers.push(`it was posted (${String(p)})`);
  }
  const later = db
    .prepare('SELECT id FROM letters WHERE debtor_number = ? AND id > ? AND id NOT IN (SELECT letter_id FROM letter_withdrawals) ORDER BY id')
    .pluck()
    .all(letter.debtor_number, letterId) as number[];
  if (later.length) plan.blockers.push(`a later letter (${later.join(', ')}) to the same debtor builds on it; withdraw that first`);
  // The stage each invoice had before this letter: from the stage history in the event log,
  // leaving out letters that were themselves withdrawn.
  const moved = db.prepare('SELECT number, stage_index FROM invoices WHERE stage_letter_id = ? ORDER BY number').all(letterId) as { number: string; stage_index: number | null }[];
  const previous = db.prepare(
    `SELECT json_extract(e.data, '$.stage_index') AS stage, l.id AS letter, l.date FROM events e JOIN letters l ON l.id = json_extract(e.data, '$.letter_id')
     WHERE e.kind = 'stage_changed' AND e.invoice_number = ? AND l.id < ? AND l.id NOT IN (SELECT letter_id FROM letter_withdrawals)
     ORDER BY e.id DESC LIMIT 1`,
  );
  for (const m of moved) {
    const p = previous.get(m.number, letterId) as { stage: number; letter: number; date: string } | undefined;
    plan.stages.push({ invoice: m.number, from: m.stage_index, to: p?.stage ?? null, toDate: p?.date ?? null, toLetter: p?.letter ?? null });
  }
  return plan;
}

export function applyWithdraw(db: Db, plan: WithdrawPlan, reason: string, today: string, at: Date): void {
  if (plan.blockers.length || !plan.found || plan.withdrawn) throw new Error('this letter cannot be withdrawn');
  const restore = db.prepare('UPDATE invoices SET stage_index = ?, stage_date = ?, stage_letter_id = ? WHERE number = ? AND stage_letter_id = ?');
  for (const s of plan.stages) {
    restore.run(s.to, s.toDate, s.toLetter, s.invoice, plan.letterId);
    appendEvent(db, { kind: 'stage_changed', today, debtor: plan.debtor, invoice: s.invoice, data: { letter_id: s.toLetter, stage_index: s.to, withdrawn_letter_id: plan.letterId } }, at);
  }
  if (plan.outboxId !== null) {
    db.prepare('INSERT INTO outbox_withdrawn (outbox_id, reason, at) VALUES (?, ?, ?)').run(plan.outboxId, `letter withdrawn: ${reason}`, at.toISOString());
    appendEvent(db, { kind: 'mail_withdrawn', today, debtor: plan.debtor, data: { letter_id: plan.letterId, outbox_id: plan.outboxId, reason: `letter withdrawn: ${reason}` } }, at);
  }
  db.prepare('INSERT INTO letter_withdrawals (letter_id, reason, at, today, stages) VALUES (?, ?, ?, ?, ?)').run(plan.letterId, reason, at.toISOString(), today, JSON.stringify(plan.stages));
  appendEvent(db, { kind: 'letter_withdrawn', today, debtor: plan.debtor, data: { letter_id: plan.letterId, reason, stages: plan.stages } }, at);
}

export function readLetterPdf(db: Db, letterId: number): { id: number; debtor: string; date: string; stage: string; pdf: Buffer | null; sha256: string | null } | undefined {
  return db.prepare('SELECT id, debtor_number AS debtor, date, stage_id AS stage, pdf, pdf_sha256 AS sha256 FROM letters WHERE id = ?').get(letterId) as
    | { id: number; debtor: string; date: string; stage: string; pdf: Buffer | null; sha256: string | null }
    | undefined;
}

export function readOutboxMessage(db: Db, key: string): { id: number; letterId: number; debtor: string; to: string; state: string; messageId: string | null; eml: Buffer | null; sha256: string | null; sentAt: string | null } | undefined {
  const sql = `SELECT o.id, o.letter_id AS letterId, l.debtor_number AS debtor, o.to_address AS "to", CASE WHEN ow.outbox_id IS NULL THEN o.state ELSE 'withdrawn' END AS state,
                      o.message_id AS messageId, o.eml, o.eml_sha256 AS sha256, o.sent_at AS sentAt
               FROM outbox o JOIN letters l ON l.id = o.letter_id LEFT JOIN outbox_withdrawn ow ON ow.outbox_id = o.id`;
  // The outbox number, or the Message-ID (with or without angle brackets).
  if (/^[0-9]+$/.test(key)) return db.prepare(`${sql} WHERE o.id = ?`).get(Number(key)) as never;
  const id = key.startsWith('<') ? key : `<${key}>`;
  return db.prepare(`${sql} WHERE o.message_id = ?`).get(id) as never;
}
