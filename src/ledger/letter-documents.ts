// The rendered document of a recorded letter: which letters still wait for their PDF, storing a
// batch of rendered PDFs in one transaction, and selecting letters to write out.
import type { Db } from './ledger.js';
import { appendEvent } from './events.js';
import type { LetterData } from '../domain/letter.js';

/** The letters recorded without a PDF yet (purged ones excepted), oldest first. */
export function pendingLetterIds(db: Db): number[] {
  return (db.prepare("SELECT id FROM letters WHERE pdf IS NULL AND json_extract(data, '$.purged') IS NULL ORDER BY id").raw().all() as [number][]).map(([id]) => id);
}

/** A reader of a recorded letter's data (the snapshot the letter was decided on). */
export function letterDataReader(db: Db): (id: number) => LetterData {
  const read = db.prepare('SELECT data FROM letters WHERE id = ?').pluck();
  return (id) => JSON.parse(read.get(id) as string) as LetterData;
}

export interface RenderedDocument {
  id: number;
  debtor: string;
  pdf: Uint8Array;
  sha256: string;
}

/**
 * Stores a batch of rendered PDFs in one transaction, each with its `letter_rendered` event. Only
 * a letter still without a PDF is filled, so a second renderer can never replace the first; a
 * batch that fails stores nothing of itself and its letters stay pending (rendered again, to the
 * same bytes, by the next `run`, `letters` or `mail`). Returns the ids stored now.
 */
export function storeRenderedBatch(db: Db, batch: readonly RenderedDocument[], today: string, at: Date): number[] {
  const store = db.prepare('UPDATE letters SET pdf = ?, pdf_sha256 = ?, rendered_at = ? WHERE id = ? AND pdf IS NULL');
  const stamp = at.toISOString();
  return db.transaction(() => {
    const stored: number[] = [];
    for (const doc of batch) {
      if (store.run(Buffer.from(doc.pdf.buffer, doc.pdf.byteOffset, doc.pdf.byteLength), doc.sha256, stamp, doc.id).changes !== 1) continue;
      appendEvent(db, { kind: 'letter_rendered', today, debtor: doc.debtor, data: { letter_id: doc.id, pdf_sha256: doc.sha256, bytes: doc.pdf.length } }, at);
      stored.push(doc.id);
    }
    return stored;
  })();
}

export interface LetterSelection {
  run?: number | undefined;
  debtor?: string | undefined;
  since?: string | undefined;
  channel?: 'post' | 'email' | undefined;
}

export interface StoredLetter {
  id: number;
  run_id: number;
  debtor_number: string;
  stage_id: string;
  date: string;
  channels: string;
  amount_cents: number;
  pdf: Buffer;
  pdf_sha256: string;
  name: string;
  street: string | null;
  postcode: string | null;
  city: string | null;
}

/** The rendered letters of a selection, withdrawn ones never included, in print order. */
export function selectStoredLetters(db: Db, selection: LetterSelection): StoredLetter[] {
  const where: string[] = ['l.id NOT IN (SELECT letter_id FROM letter_withdrawals)'];
  const params: unknown[] = [];
  if (selection.run !== undefined) (where.push('l.run_id = ?'), params.push(selection.run));
  if (selection.debtor !== undefined) (where.push('l.debtor_number = ?'), params.push(selection.debtor));
  if (selection.since !== undefined) (where.push('l.date >= ?'), params.push(selection.since));
  if (selection.channel !== undefined) (where.push('EXISTS (SELECT 1 FROM json_each(l.channels) WHERE value = ?)'), params.push(selection.channel));
  return db
    .prepare(
      `SELECT l.id, l.run_id, l.debtor_number, l.stage_id, l.date, l.channels, l.amount_cents, l.pdf, l.pdf_sha256,
              json_extract(l.data, '$.debtor.name') AS name,
              json_extract(l.data, '$.debtor.address.street') AS street,
              json_extract(l.data, '$.debtor.address.postcode') AS postcode,
              json_extract(l.data, '$.debtor.address.city') AS city
       FROM letters l WHERE ${where.join(' AND ')} ORDER BY l.date, l.debtor_number, l.id`,
    )
    .all(...params) as StoredLetter[];
}

/** The post letters of a selection (withdrawn ones included: their posting is refused later), by id. */
export function selectPostLetterIds(db: Db, selection: Omit<LetterSelection, 'channel'>): number[] {
  const where: string[] = ["EXISTS (SELECT 1 FROM json_each(l.channels) WHERE value = 'post')"];
  const params: unknown[] = [];
  if (selection.run !== undefined) (where.push('l.run_id = ?'), params.push(selection.run));
  if (selection.debtor !== undefined) (where.push('l.debtor_number = ?'), params.push(selection.debtor));
  if (selection.since !== undefined) (where.push('l.date >= ?'), params.push(selection.since));
  return (db.prepare(`SELECT l.id FROM letters l WHERE ${where.join(' AND ')} ORDER BY l.id`).raw().all(...params) as [number][]).map(([id]) => id);
}
