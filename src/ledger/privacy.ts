// SQL for the AVG rights and retention: everything the ledger holds on one debtor (art. 15 GDPR),
// and the purge of personal data of closed dossiers after the retention period (art. 5(1)(e)).
// Amounts, dates, statuses and hashes stay, so the books and the evidence trail still add up.
import { createHash } from 'node:crypto';
import type { Db } from './ledger.js';
import { appendEvent } from './events.js';

const REMOVED = '[verwijderd]';
const sha256 = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

type Row = Record<string, unknown>;

/** Every row about one debtor, PDFs and e-mails as their SHA-256 (the bytes are in the letters command). */
export function readDebtorRecord(db: Db, debtor: string): Record<string, unknown> | null {
  const person = db.prepare('SELECT * FROM debtors WHERE number = ?').get(debtor) as Row | undefined;
  if (!person) return null;
  const all = (sql: string): Row[] => db.prepare(sql).all(debtor) as Row[];
  return {
    debtor: person,
    invoices: all('SELECT * FROM invoices WHERE debtor_number = ? ORDER BY due_date, number'),
    letters: all(
      `SELECT l.id, l.run_id, l.stage_id, l.final, l.date, l.channels, l.amount_cents, l.costs_cents, l.reference, json(l.data) AS data, l.pdf_sha256, p.posted_on
       FROM letters l LEFT JOIN letter_postings p ON p.letter_id = l.id WHERE l.debtor_number = ? ORDER BY l.date, l.id`,
    ).map((l) => ({ ...l, data: JSON.parse(String(l.data)) as unknown })),
    emails: all(
      `SELECT o.id, o.letter_id, o.to_address, o.state, o.message_id, o.eml_sha256, o.queued_at, o.sent_at FROM outbox o JOIN letters l ON l.id = o.letter_id
       WHERE l.debtor_number = ? ORDER BY o.id`,
    ),
    payments: all(
      `SELECT p.id, p.date, p.amount_cents, p.counterparty_name, p.counterparty_iban, p.reference, p.description, a.invoice_number, a.amount_cents AS allocated_cents
       FROM allocations a JOIN payments p ON p.id = a.payment_id JOIN invoices i ON i.number = a.invoice_number WHERE i.debtor_number = ? ORDER BY p.date, p.id`,
    ),
    holds: all(
      `SELECT h.* FROM holds h LEFT JOIN invoices i ON i.number = h.invoice_number WHERE coalesce(h.debtor_number, i.debtor_number) = ? ORDER BY h.id`,
    ),
    handovers: all(
      `SELECT DISTINCT h.id, h.today, h.format, h.file_name, h.sha256 FROM handovers h JOIN handover_invoices hi ON hi.handover_id = h.id
       JOIN invoices i ON i.number = hi.invoice_number WHERE i.debtor_number = ? ORDER BY h.id`,
    ),
    events: all('SELECT id, at, today, kind, invoice_number, json(data) AS data FROM events WHERE debtor_number = ? ORDER BY id').map((e) => ({ ...e, data: JSON.parse(String(e.data)) as unknown })),
  };
}

export interface PurgeCandidate {
  debtor: string;
  /** Day of the dossier's last recorded activity. */
  lastActivity: string;
}

/** Debtors none of whose invoices is open and whose last activity lies before `before`. */
export function purgeCandidates(db: Db, before: string): PurgeCandidate[] {
  return (db
    .prepare(
      `SELECT d.number,
              max(coalesce((SELECT max(today) FROM events e WHERE e.debtor_number = d.number), ''),
                  coalesce((SELECT max(due_date) FROM invoices i WHERE i.debtor_number = d.number), '')) AS last
       FROM debtors d
       WHERE d.name <> '${REMOVED}'
         AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.debtor_number = d.number AND i.status = 'open')
       GROUP BY d.number HAVING last < ? ORDER BY d.number`,
    )
    .raw()
    .all(before) as [string, string][]).map(([debtor, lastActivity]) => ({ debtor, lastActivity }));
}

/** Removes the personal data of one closed dossier; amounts, dates, hashes and tombstones stay. */
export function purgeDebtor(db: Db, debtor: string, today: string, at: Date = new Date()): { events: number; letters: number } {
  db.prepare(
    `UPDATE debtors SET name = ?, contact_person = NULL, email = NULL, phone = NULL, street = NULL, postcode = NULL, city = NULL, kvk = NULL, vat_number = NULL
     WHERE number = ?`,
  ).run(REMOVED, debtor);
  const letters = db.prepare('SELECT id, data FROM letters WHERE debtor_number = ?').all(debtor) as { id: number; data: string }[];
  const setLetter = db.prepare('UPDATE letters SET data = ?, pdf = NULL WHERE id = ?');
  for (const l of letters) setLetter.run(JSON.stringify({ purged: today, sha256: sha256(l.data) }), l.id);
  db.prepare(`UPDATE outbox SET to_address = ?, eml = NULL, last_error = NULL, server_response = NULL WHERE letter_id IN (SELECT id FROM letters WHERE debtor_number = ?)`).run(REMOVED, debtor);
  db.prepare(
    `UPDATE payments SET counterparty_name = NULL, counterparty_iban = NULL, description = NULL
     WHERE id IN (SELECT a.payment_id FROM allocations a JOIN invoices i ON i.number = a.invoice_number WHERE i.debtor_number = ?)`,
  ).run(debtor);
  db.prepare(`UPDATE holds SET reason = ? WHERE debtor_number = ? OR invoice_number IN (SELECT number FROM invoices WHERE debtor_number = ?)`).run(REMOVED, debtor, debtor);
  // A handover file of which every claim belongs to purged dossiers loses its bytes (the old
  // content column, the text members since migration 020); its SHA-256 stays.
  const purgedBatches = `SELECT hi.handover_id FROM handover_invoices hi JOIN invoices i ON i.number = hi.invoice_number WHERE i.debtor_number = @debtor
     AND NOT EXISTS (SELECT 1 FROM handover_invoices hi2 JOIN invoices i2 ON i2.number = hi2.invoice_number JOIN debtors d2 ON d2.number = i2.debtor_number
                     WHERE hi2.handover_id = hi.handover_id AND d2.name <> @removed)`;
  db.prepare(`UPDATE handovers SET content = X'' WHERE id IN (${purgedBatches})`).run({ debtor, removed: REMOVED });
  db.prepare(`UPDATE handover_members SET deflated = X'' WHERE deflated IS NOT NULL AND handover_id IN (${purgedBatches})`).run({ debtor, removed: REMOVED });
  const events = db.prepare("SELECT id, data FROM events WHERE debtor_number = ? AND json_extract(data, '$.redacted') IS NULL").all(debtor) as { id: number; data: string }[];
  const redact = db.prepare('UPDATE events SET data = ? WHERE id = ?');
  for (const e of events) redact.run(JSON.stringify({ redacted: today, sha256: sha256(e.data) }), e.id);
  appendEvent(db, { kind: 'dossier_purged', today, debtor, data: { letters: letters.length, events: events.length } }, at);
  return { events: events.length, letters: letters.length };
}
