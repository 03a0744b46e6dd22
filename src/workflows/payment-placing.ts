// `payments add | list | allocate | ignore | undo`: each opens the ledger and works in one
// transaction (a dry run does the same work and then rolls it back).
import type { Db } from '../ledger/ledger.js';
import type { IsoDate } from '../domain/dates.js';
import { allocateByHand, ignorePayment, markImportUndone, paymentsOfImport, undoPayment, type ManualAllocation, type UndonePayment } from '../ledger/payment-admin.js';
import { listPayments, PaymentBook, type PaymentListItem, type RecordedPayment } from '../ledger/payments.js';
import { withLedger, type LedgerAt } from './ledger-session.js';

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

export interface ManualPaymentRequest {
  invoice: string;
  amountCents: number;
  date: IsoDate;
  reference: string | null;
  today: IsoDate;
}

/** `payments add`: one payment on one invoice, in its own transaction. */
export function addManualPayment(db: Db, req: ManualPaymentRequest): RecordedPayment {
  return db.transaction(() => {
    const book = new PaymentBook(db, { today: req.today });
    return book.record(
      {
        date: req.date, amountCents: req.amountCents, source: 'manual', sourceKey: null, counterpartyName: null, counterpartyIban: null,
        reference: req.reference, endToEndId: null, description: null, account: null, importId: null, origin: 'payments add',
      },
      req.invoice,
    );
  })();
}

export function addPayment(at: LedgerAt, req: ManualPaymentRequest): RecordedPayment {
  return withLedger(at, {}, (db) => addManualPayment(db, req));
}

/** `payments list`: the payments with their allocations (`unmatched`: only those with money left). */
export function readPayments(at: LedgerAt, options: { unmatched: boolean }): PaymentListItem[] {
  return withLedger(at, { readonly: true }, (db) => listPayments(db, options));
}

export function allocatePayment(at: LedgerAt, paymentId: number, targets: ManualAllocation[], o: { today: string; dryRun: boolean; at?: Date }) {
  return withLedger(at, {}, (db) => inTransaction(db, o.dryRun, () => allocateByHand(db, paymentId, targets, o.today, o.at ?? new Date())));
}

export function markNotCustomerPayment(at: LedgerAt, paymentId: number, reason: string, o: { today: string; dryRun: boolean; at?: Date }) {
  return withLedger(at, {}, (db) => inTransaction(db, o.dryRun, () => ignorePayment(db, paymentId, reason, o.today, o.at ?? new Date())));
}

export type UndoTarget = { payment: number } | { import: number };

export function undoPayments(at: LedgerAt, target: UndoTarget, o: { keep: boolean; today: string; dryRun: boolean; at?: Date }): { importId: number | null; payments: UndonePayment[] } {
  return withLedger(at, {}, (db) => inTransaction(db, o.dryRun, () => {
    const now = o.at ?? new Date();
    if ('payment' in target) return { importId: null, payments: [undoPayment(db, target.payment, { keep: o.keep, today: o.today, at: now })] };
    const ids = paymentsOfImport(db, target.import);
    const undone = ids.map((id) => undoPayment(db, id, { keep: false, today: o.today, at: now }));
    markImportUndone(db, target.import, { payments_removed: undone.length, cents: undone.reduce((s, p) => s + p.amountCents, 0) }, o.today, now);
    return { importId: target.import, payments: undone };
  }));
}
