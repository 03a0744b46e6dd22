// Reversing one invoice import: the invoices it inserted are removed, the values it replaced are
// restored (from `import_changes`, kept at import time), the claims its snapshot closed are
// re-opened. Refused, with the reasons, when something already relies on it.
import type { Db } from './ledger.js';
import { appendEvent } from './events.js';

export interface ImportUndoPlan {
  importId: number;
  today: string;
  inserted: string[];
  restored: string[];
  reopened: string[];
  debtorsRestored: string[];
  debtorsRemoved: string[];
  /** Why the import cannot be undone; empty when it can. */
  blockers: string[];
  /** Whether it is an import of invoices at all, whether it exists, was undone already. */
  problem: 'not_found' | 'not_invoices' | 'undone' | null;
}

const list = (xs: string[], n = 5): string => `${xs.slice(0, n).join(', ')}${xs.length > n ? ` and ${xs.length - n} more` : ''}`;

export function planImportUndo(db: Db, importId: number): ImportUndoPlan {
  const imp = db.prepare('SELECT id, kind, at, today FROM imports WHERE id = ?').get(importId) as { id: number; kind: string; at: string; today: string } | undefined;
  const plan: ImportUndoPlan = { importId, today: imp?.today ?? '', inserted: [], restored: [], reopened: [], debtorsRestored: [], debtorsRemoved: [], blockers: [], problem: null };
  if (!imp) return { ...plan, problem: 'not_found' };
  if (imp.kind !== 'invoices') return { ...plan, problem: 'not_invoices' };
  if (db.prepare('SELECT 1 FROM imports_undone WHERE import_id = ?').get(importId)) return { ...plan, problem: 'undone' };

  plan.inserted = db
    .prepare("SELECT number FROM invoices WHERE import_id = ? AND number NOT IN (SELECT key FROM import_changes WHERE import_id = ? AND kind = 'invoice') ORDER BY number")
    .pluck()
    .all(importId, importId) as string[];
  const changed = db
    .prepare("SELECT key, json_extract(prior, '$.status') AS status FROM import_changes c JOIN invoices i ON i.number = c.key WHERE c.import_id = ? AND c.kind = 'invoice' ORDER BY key")
    .all(importId) as { key: string; status: string }[];
  const closedNow = new Set(db.prepare("SELECT number FROM invoices WHERE status = 'closed' AND number IN (SELECT key FROM import_changes WHERE import_id = ? AND kind = 'invoice')").pluck().all(importId) as string[]);
  for (const c of changed) (c.status === 'open' && closedNow.has(c.key) ? plan.reopened : plan.restored).push(c.key);
  plan.debtorsRestored = db.prepare("SELECT key FROM import_changes WHERE import_id = ? AND kind = 'debtor' ORDER BY key").pluck().all(importId) as string[];

  const later = db
    .prepare("SELECT id FROM imports WHERE kind = 'invoices' AND id > ? AND id NOT IN (SELECT import_id FROM imports_undone) ORDER BY id")
    .pluck()
    .all(importId) as number[];
  if (later.length) plan.blockers.push(`invoice import ${later.join(', ')} came after it: undo ${later.length === 1 ? 'that' : 'those'} first (newest first)`);

  const affected = JSON.stringify([...plan.inserted, ...plan.restored, ...plan.reopened]);
  const letters = db
    .prepare(
      `SELECT DISTINCT l.id FROM letters l JOIN runs r ON r.id = l.run_id JOIN letter_invoices li ON li.letter_id = l.id
       WHERE r.at >= ? AND li.invoice_number IN (SELECT value FROM json_each(?)) AND l.id NOT IN (SELECT letter_id FROM letter_withdrawals) ORDER BY l.id`,
    )
    .pluck()
    .all(imp.at, affected) as number[];
  if (letters.length) plan.blockers.push(`letter${letters.length === 1 ? '' : 's'} ${list(letters.map(String))} already rel${letters.length === 1 ? 'ies' : 'y'} on its invoices (withdraw ${letters.length === 1 ? 'it' : 'them'} first if not sent or posted)`);

  const importEvent = db
    .prepare("SELECT id FROM events WHERE kind = 'import' AND json_extract(data, '$.import_id') = ? AND json_extract(data, '$.kind') IS NULL ORDER BY id DESC LIMIT 1")
    .pluck()
    .get(importId) as number | undefined;
  const paid = db
    .prepare(
      `SELECT DISTINCT a.invoice_number FROM allocations a WHERE a.invoice_number IN (SELECT value FROM json_each(?))
         AND (a.invoice_number IN (SELECT value FROM json_each(?)) OR EXISTS (SELECT 1 FROM events e WHERE e.kind = 'payment_allocated' AND e.invoice_number = a.invoice_number
              AND json_extract(e.data, '$.payment_id') = a.payment_id AND e.id > ?)) ORDER BY 1`,
    )
    .pluck()
    .all(affected, JSON.stringify(plan.inserted), importEvent ?? 0) as string[];
  if (paid.length) plan.blockers.push(`payments were placed on ${list(paid)} since (undo those payments first: \`payments undo <payment>\`)`);

  const handed = db
    .prepare(
      `SELECT DISTINCT hi.invoice_number FROM handover_invoices hi JOIN handovers h ON h.id = hi.handover_id
       WHERE h.created_at >= ? AND hi.invoice_number IN (SELECT value FROM json_each(?)) ORDER BY 1`,
    )
    .pluck()
    .all(imp.at, affected) as string[];
  if (handed.length) plan.blockers.push(`${list(handed)} went to the incassobureau since`);

  const held = db.prepare('SELECT DISTINCT invoice_number FROM holds WHERE invoice_number IN (SELECT value FROM json_each(?)) ORDER BY 1').pluck().all(JSON.stringify(plan.inserted)) as string[];
  if (held.length) plan.blockers.push(`holds were placed on ${list(held)}, which it inserted (release and keep them, or undo is impossible)`);

  // Debtors it created that keep no invoice and nothing else once its invoices are gone.
  plan.debtorsRemoved = db
    .prepare(
      `SELECT d.number FROM debtors d WHERE d.import_id = ? AND d.number NOT IN (SELECT key FROM import_changes WHERE import_id = ? AND kind = 'debtor')
         AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.debtor_number = d.number AND i.number NOT IN (SELECT value FROM json_each(?)))
         AND NOT EXISTS (SELECT 1 FROM letters l WHERE l.debtor_number = d.number)
         AND NOT EXISTS (SELECT 1 FROM holds h WHERE h.debtor_number = d.number) ORDER BY d.number`,
    )
    .pluck()
    .all(importId, importId, JSON.stringify(plan.inserted)) as string[];
  return plan;
}

const INVOICE_FIELDS = ['debtor_number', 'issue_date', 'due_date', 'due_date_derived', 'amount_cents', 'open_cents', 'reference', 'status', 'source_file', 'source_line', 'import_id'];
/** Kept since version 23 (what the export stated as open, and when): restored where kept. */
const EXPORT_FIELDS = ['export_open_cents', 'export_date'];
const DEBTOR_FIELDS = ['name', 'type', 'type_known', 'contact_person', 'email', 'phone', 'street', 'postcode', 'city', 'country', 'language', 'kvk', 'vat_number', 'import_id'];

/** Applies a plan without blockers, in the caller's transaction. */
export function applyImportUndo(db: Db, plan: ImportUndoPlan, today: string, at: Date): void {
  if (plan.blockers.length || plan.problem) throw new Error('an import undo with blockers cannot be applied');
  const prior = db.prepare('SELECT prior FROM import_changes WHERE import_id = ? AND kind = ? AND key = ?').pluck();
  const restoreInvoice = db.prepare(`UPDATE invoices SET ${INVOICE_FIELDS.map((f) => `${f} = ?`).join(', ')} WHERE number = ?`);
  const restoreExport = db.prepare(`UPDATE invoices SET ${EXPORT_FIELDS.map((f) => `${f} = ?`).join(', ')} WHERE number = ?`);
  const restoreDebtor = db.prepare(`UPDATE debtors SET ${DEBTOR_FIELDS.map((f) => `${f} = ?`).join(', ')} WHERE number = ?`);
  const debtorOf = db.prepare('SELECT debtor_number FROM invoices WHERE number = ?').pluck();
  for (const number of [...plan.restored, ...plan.reopened]) {
    const p = JSON.parse(prior.get(plan.importId, 'invoice', number) as string) as Record<string, unknown>;
    restoreInvoice.run(...INVOICE_FIELDS.map((f) => p[f] ?? null), number);
    if (EXPORT_FIELDS.every((f) => f in p)) restoreExport.run(...EXPORT_FIELDS.map((f) => p[f] ?? null), number);
    const reopened = plan.reopened.includes(number);
    appendEvent(db, { kind: reopened ? 'invoice_reopened' : 'invoice_restored', today, debtor: p.debtor_number as string, invoice: number, data: { import_id: plan.importId, restored: p } }, at);
  }
  // Debtors before invoices: a restored debtor keeps its own corrections (`debtor_corrections`).
  const corrected = db.prepare('SELECT field, value FROM debtor_corrections WHERE debtor_number = ?');
  for (const number of plan.debtorsRestored) {
    const p = JSON.parse(prior.get(plan.importId, 'debtor', number) as string) as Record<string, unknown>;
    for (const c of corrected.all(number) as { field: string; value: string | null }[]) if (c.field in p) p[c.field] = c.value;
    restoreDebtor.run(...DEBTOR_FIELDS.map((f) => p[f] ?? null), number);
    appendEvent(db, { kind: 'debtor_restored', today, debtor: number, data: { import_id: plan.importId } }, at);
  }
  const remove = db.prepare('DELETE FROM invoices WHERE number = ?');
  for (const number of plan.inserted) {
    const debtor = debtorOf.get(number) as string;
    remove.run(number);
    appendEvent(db, { kind: 'invoice_removed', today, debtor, invoice: number, data: { import_id: plan.importId, reason: 'import undone' } }, at);
  }
  for (const number of plan.debtorsRemoved) {
    db.prepare('DELETE FROM debtor_corrections WHERE debtor_number = ?').run(number);
    db.prepare('DELETE FROM debtors WHERE number = ?').run(number);
    appendEvent(db, { kind: 'debtor_removed', today, debtor: number, data: { import_id: plan.importId, reason: 'import undone' } }, at);
  }
  const summary = { inserted_removed: plan.inserted.length, restored: plan.restored.length, reopened: plan.reopened.length, debtors_restored: plan.debtorsRestored.length, debtors_removed: plan.debtorsRemoved.length };
  db.prepare('INSERT INTO imports_undone (import_id, at, today, summary) VALUES (?, ?, ?, ?)').run(plan.importId, at.toISOString(), today, JSON.stringify(summary));
  appendEvent(db, { kind: 'import_undone', today, data: { import_id: plan.importId, ...summary } }, at);
}
