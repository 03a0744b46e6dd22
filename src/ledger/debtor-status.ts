// The stored status shares (table debtor_status, migration 021): each debtor's part of the
// `status` figures as its plan gave it on `planned_on` under the policy `fingerprint`. Triggers
// delete a debtor's row whenever a fact the planner reads about it changes; rows of another day
// or policy are simply not valid.
import type { Db } from './ledger.js';

/** The valid stored shares (JSON text; null: the debtor had nothing open), streamed. */
export function* readStoredShares(db: Db, today: string, fingerprint: string): Generator<string> {
  const rows = db
    .prepare('SELECT summary FROM debtor_status WHERE planned_on = ? AND fingerprint = ? AND summary IS NOT NULL')
    .pluck()
    .iterate(today, fingerprint) as IterableIterator<string>;
  yield* rows;
}

/** Whether any share is stored for `today`, under any fingerprint (without one, `status` needs no fingerprint). */
export function hasSharesOn(db: Db, today: string): boolean {
  return db.prepare('SELECT 1 FROM debtor_status WHERE planned_on = ? LIMIT 1').get(today) !== undefined;
}

export function storedShareCount(db: Db, today: string, fingerprint: string): number {
  return db.prepare('SELECT count(*) FROM debtor_status WHERE planned_on = ? AND fingerprint = ?').pluck().get(today, fingerprint) as number;
}

/** Debtors without a valid stored share: their facts changed (or were never planned) since. */
export function staleDebtors(db: Db, today: string, fingerprint: string): string[] {
  // Every debtor has one: nothing to look for (the usual case right after a run).
  if (storedShareCount(db, today, fingerprint) === (db.prepare('SELECT count(*) FROM debtors').pluck().get() as number)) return [];
  return db
    .prepare(
      `SELECT d.number FROM debtors d
       WHERE NOT EXISTS (SELECT 1 FROM debtor_status s WHERE s.debtor_number = d.number AND s.planned_on = ? AND s.fingerprint = ?)
       ORDER BY d.number`,
    )
    .pluck()
    .all(today, fingerprint) as string[];
}

/**
 * Stores the shares a plan of `today` gave. `covered` is every debtor the plan looked at: 'all'
 * for a plan of the whole book (debtors it did not meet have nothing open), or the list it was
 * asked to plan. Rows of other days or policies are dropped. The caller holds the write lock
 * and stores before it changes anything the plan read.
 */
export function storeShares(db: Db, today: string, fingerprint: string, shares: Map<string, string | null>, covered: 'all' | string[]): void {
  db.transaction(() => {
    db.prepare('DELETE FROM debtor_status WHERE planned_on <> ? OR fingerprint <> ?').run(today, fingerprint);
    const put = db.prepare('INSERT OR REPLACE INTO debtor_status (debtor_number, planned_on, fingerprint, summary) VALUES (?, ?, ?, ?)');
    for (const [debtor, summary] of shares) put.run(debtor, today, fingerprint, summary);
    if (covered === 'all') {
      db.prepare('INSERT OR IGNORE INTO debtor_status (debtor_number, planned_on, fingerprint, summary) SELECT number, ?, ?, NULL FROM debtors').run(today, fingerprint);
    } else {
      const none = db.prepare('INSERT OR IGNORE INTO debtor_status (debtor_number, planned_on, fingerprint, summary) VALUES (?, ?, ?, NULL)');
      for (const debtor of covered) none.run(debtor, today, fingerprint);
    }
  })();
}

/**
 * The shares stored for `today` (under whichever policy stored them) with their debtor, streamed;
 * a debtor with nothing open comes with null. `report` reads the open book from them when every
 * debtor has one (debtorCount): a share's open claims by stage and age come from the debtor's
 * account alone (its facts and the day), never from the policy's stages or terms.
 */
export function* readSharesOfDay(db: Db, today: string): Generator<[string, string | null]> {
  yield* db.prepare('SELECT debtor_number, summary FROM debtor_status WHERE planned_on = ?').raw().iterate(today) as IterableIterator<[string, string | null]>;
}

export function debtorCount(db: Db): number {
  return db.prepare('SELECT count(*) FROM debtors').pluck().get() as number;
}
