// Debtor corrections made by hand: the new values on the debtor, and the fields marked so the
// next import keeps them (unless --overwrite-corrections).
import type { Db } from './ledger.js';
import { appendEvent } from './events.js';
import type { CorrectionValues } from '../domain/debtor-correction.js';

const COLUMNS = new Set(['name', 'type', 'email', 'phone', 'street', 'postcode', 'city', 'language', 'channel', 'iban', 'note']);

export function readDebtorColumns(db: Db, debtor: string): Record<string, string | null> | undefined {
  return db.prepare('SELECT name, type, email, phone, street, postcode, city, country, language, channel, iban, note FROM debtors WHERE number = ?').get(debtor) as
    | Record<string, string | null>
    | undefined;
}

/** Writes the changed columns, marks them corrected and appends one event. In the caller's transaction. */
export function applyCorrection(db: Db, debtor: string, changes: Record<string, [string | null, string | null]>, today: string, at: Date): void {
  const mark = db.prepare(
    `INSERT INTO debtor_corrections (debtor_number, field, value, at, today) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (debtor_number, field) DO UPDATE SET value = excluded.value, at = excluded.at, today = excluded.today`,
  );
  for (const [field, [, to]] of Object.entries(changes)) {
    if (!COLUMNS.has(field)) throw new Error(`not a debtor column: ${field}`);
    db.prepare(`UPDATE debtors SET ${field} = ?${field === 'type' ? ', type_known = 1' : ''} WHERE number = ?`).run(to, debtor);
    mark.run(debtor, field, to, at.toISOString(), today);
  }
  appendEvent(db, { kind: 'debtor_corrected', today, debtor, data: { changes } }, at);
}

/** The corrected imported fields of every debtor, for the import to keep. */
export function readCorrections(db: Db): Map<string, CorrectionValues> {
  const map = new Map<string, CorrectionValues>();
  for (const r of db.prepare('SELECT debtor_number, field, value FROM debtor_corrections').all() as { debtor_number: string; field: string; value: string | null }[]) {
    const m = map.get(r.debtor_number) ?? {};
    m[r.field] = r.value;
    map.set(r.debtor_number, m);
  }
  return map;
}
