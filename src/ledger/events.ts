// Appending to the audit trail. Every change to the book goes through here, inside the same
// transaction as the change itself.
import type { Statement } from 'better-sqlite3';
import type { Db } from './ledger.js';

export interface EventInput {
  kind: string;
  today: string;
  debtor?: string | null;
  invoice?: string | null;
  data?: Record<string, unknown>;
}

const statements = new WeakMap<Db, Statement<unknown[]>>();

export function appendEvent(db: Db, event: EventInput, at: Date = new Date()): void {
  let stmt = statements.get(db);
  if (!stmt) {
    stmt = db.prepare<unknown[]>('INSERT INTO events (at, today, kind, debtor_number, invoice_number, data) VALUES (?, ?, ?, ?, ?, ?)');
    statements.set(db, stmt);
  }
  stmt.run(at.toISOString(), event.today, event.kind, event.debtor ?? null, event.invoice ?? null, JSON.stringify(event.data ?? {}));
}
