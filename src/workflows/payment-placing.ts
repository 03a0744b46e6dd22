// `payments allocate | ignore | undo`: each in one transaction (a dry run rolls back).
import type { Db } from '../ledger/ledger.js';
import { allocateByHand, ignorePayment, markImportUndone, paymentsOfImport, undoPayment, type ManualAllocation, type UndonePayment } from '../ledger/payment-admin.js';

/** Runs `work` in a transaction; a dry run does the same work and then rolls it back. */
function inTransaction<T>(db: Db, dryRun: boolean, work: () => T): T {
  if (!dryRun) return db.transaction(work)();
  db.exec('BEGIN');
  try {
    return work();
  } finally {
    db.exec('ROLLBACK');
  }
}

export function allocatePayment(db: Db, paymentId: number, targets: ManualAllocation[], o: { today: string; dryRun: boolean; at?: Date }) {
  return inTransaction(db, o.dryRun, () => allocateByHand(db, paymentId, targets, o.today, o.at ?? new Date()));
}

export function markNotCustomerPayment(db: Db, paymentId: number, reason: string, o: { today: string; dryRun: boolean; at?: Date }) {
  return inTransaction(db, o.dryRun, () => ignorePayment(db, paymentId, reason, o.today, o.at ?? new Date()));
}

export type UndoTarget = { payment: number } | { import: number };

export function undoPayments(db: Db, target: UndoTarget, o: { keep: boolean; today: string; dryRun: boolean; at?: Date }): { importId: number | null; payments: UndonePayment[] } {
  return inTransaction(db, o.dryRun, () => {
    const at = o.at ?? new Date();
    if ('payment' in target) return { importId: null, payments: [undoPayment(db, target.payment, { keep: o.keep, today: o.today, at })] };
    const ids = paymentsOfImport(db, target.import);
    const undone = ids.map((id) => undoPayment(db, id, { keep: false, today: o.today, at }));
    markImportUndone(db, target.import, { payments_removed: undone.length, cents: undone.reduce((s, p) => s + p.amountCents, 0) }, o.today, at);
    return { importId: target.import, payments: undone };
  });
}
