// SQL of the letter_postings table: when post letters were handed to the postal service.
import type { Db } from './ledger.js';
import { appendEvent } from './events.js';

export interface PostableLetter {
  id: number;
  debtor: string;
  date: string;
  channels: string[];
  postedOn: string | null;
}

/** The letters with these ids, with their channels and any posting already recorded. */
export function readPostableLetters(db: Db, ids: number[]): PostableLetter[] {
  const rows = db
    .prepare(
      `SELECT l.id, l.debtor_number, l.date, l.channels, p.posted_on FROM letters l LEFT JOIN letter_postings p ON p.letter_id = l.id
       WHERE l.id IN (SELECT value FROM json_each(?)) ORDER BY l.id`,
    )
    .raw()
    .all(JSON.stringify(ids)) as [number, string, string, string, string | null][];
  return rows.map(([id, debtor, date, channels, postedOn]) => ({ id, debtor, date, channels: JSON.parse(channels) as string[], postedOn }));
}

/** Records (or corrects) the posting date of each letter, with an event, in the caller's transaction. */
export function recordPostings(db: Db, letters: PostableLetter[], postedOn: string, today: string, at: Date = new Date()): void {
  const upsert = db.prepare(
    `INSERT INTO letter_postings (letter_id, posted_on, recorded_at) VALUES (?, ?, ?)
     ON CONFLICT(letter_id) DO UPDATE SET posted_on = excluded.posted_on, recorded_at = excluded.recorded_at`,
  );
  for (const l of letters) {
    upsert.run(l.id, postedOn, at.toISOString());
    appendEvent(db, { kind: 'letter_posted', today, debtor: l.debtor, data: { letter_id: l.id, posted_on: postedOn, previous: l.postedOn } }, at);
  }
}
