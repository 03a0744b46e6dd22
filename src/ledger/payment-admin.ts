// Payments placed by hand: allocating an unmatched payment to invoices, marking a credit as no
// customer payment, and undoing a payment or a whole bank import. In the caller's transaction;
// every change has its event.
import type { Db } from './ledger.js';
import { appendEvent } from './events.js';
import { AppError } from '../errors.js';
import { formatEuro } from '../domain/money.js';

export interface PaymentState {
  id: number;
  date: string;
  amountCents: number;
  allocatedCents: number;
  importId: number | null;
  ignored: string | null;
  counterpartyName: string | null;
}

export function readPaymentState(db: Db, id: number): PaymentState | undefined {
  const row = db
    .prepare(
      `SELECT p.id, p.date, p.amount_cents, p.import_id, p.counterparty_name, coalesce((SELECT sum(amount_cents) FROM allocations a WHERE a.payment_id = p.id), 0) AS allocated,
              (SELECT reason FROM payments_ignored WHERE payment_id = p.id) AS ignored
       FROM payments p WHERE p.id = ?`,
    )
    .get(id) as { id: number; date: string; amount_cents: number; import_id: number | null; counterparty_name: string | null; allocated: number; ignored: string | null } | undefined;
  return row && { id: row.id, date: row.date, amountCents: row.amount_cents, allocatedCents: row.allocated, importId: row.import_id, ignored: row.ignored, counterpartyName: row.counterparty_name };
}

export interface ManualAllocation {
  invoice: string;
  /** Null: as much as the invoice has open, up to what is left of the payment. */
  amountCents: number | null;
}

export interface AllocationDone {
  invoice: string;
  debtor: string;
  amountCents: number;
  openCentsAfter: number;
  status: string;
}

export function allocateByHand(db: Db, paymentId: number, targets: readonly ManualAllocation[], today: string, at: Date): { payment: PaymentState; allocations: AllocationDone[]; leftCents: number } {
  const payment = readPaymentState(db, paymentId);
  if (!payment) throw new AppError('not_found', `No payment ${paymentId} in the ledger.`, { hint: '`pre-incasso payments list --unmatched` shows the payment numbers.' });
  if (payment.ignored !== null) throw new AppError('input_invalid', `Payment ${paymentId} is marked as no customer payment (${payment.ignored}).`, { hint: `Undo that first: pre-incasso payments undo ${paymentId} --keep` });
  let left = payment.amountCents - payment.allocatedCents;
  if (left <= 0) throw new AppError('input_invalid', `Payment ${paymentId} (${formatEuro(payment.amountCents)}) is fully allocated already.`, { hint: `To place it differently: pre-incasso payments undo ${paymentId} --keep, then allocate again.` });
  const state = db.prepare('SELECT number, debtor_number, open_cents, status FROM invoices WHERE number = ?');
  const seen = new Set<string>();
  const done: AllocationDone[] = [];
  for (const t of targets) {
    if (seen.has(t.invoice)) throw new AppError('usage', `Invoice ${t.invoice} is named twice.`, { hint: 'Name each invoice once, with its amount: <invoice>:<amount>.' });
    seen.add(t.invoice);
    const inv = state.get(t.invoice) as { number: string; debtor_number: string; open_cents: number; status: string } | undefined;
    if (!inv) throw new AppError('not_found', `No invoice "${t.invoice}" in the ledger.`, { hint: 'Check the number; `pre-incasso invoices --search <text>` finds it.' });
    if (!(inv.status === 'open' || inv.status === 'handed_over') || inv.open_cents <= 0) {
      throw new AppError('input_invalid', `Invoice ${inv.number} has nothing open (status ${inv.status.replace('_', ' ')}, ${formatEuro(inv.open_cents)} open).`, { hint: 'Place the money on an open invoice.' });
    }
    const amount = t.amountCents ?? Math.min(inv.open_cents, left);
    if (amount <= 0) throw new AppError('input_invalid', `Nothing of payment ${paymentId} is left for invoice ${inv.number}.`, { hint: `The payment has ${formatEuro(payment.amountCents - payment.allocatedCents)} to place.` });
    if (amount > inv.open_cents) throw new AppError('input_invalid', `Invoice ${inv.number} has ${formatEuro(inv.open_cents)} open; ${formatEuro(amount)} is more than that.`, { hint: 'Place at most the open amount; the rest stays unallocated.' });
    if (amount > left) throw new AppError('input_invalid', `Payment ${paymentId} has ${formatEuro(left)} left to place; ${formatEuro(amount)} for ${inv.number} is more than that.`, { hint: 'Lower the amounts so they add up to at most the payment.' });
    const open = inv.open_cents - amount;
    const status = inv.status === 'open' && open === 0 ? 'paid' : inv.status;
    db.prepare('UPDATE invoices SET open_cents = ?, status = ? WHERE number = ?').run(open, status, inv.number);
    db.prepare(
      `INSERT INTO allocations (payment_id, invoice_number, amount_cents, method) VALUES (?, ?, ?, 'manual')
       ON CONFLICT (payment_id, invoice_number) DO UPDATE SET amount_cents = amount_cents + excluded.amount_cents, method = 'manual'`,
    ).run(paymentId, inv.number, amount);
    appendEvent(db, {
      kind: 'payment_allocated', today, debtor: inv.debtor_number, invoice: inv.number,
      data: { payment_id: paymentId, amount_cents: amount, method: 'manual', open_cents: open, status, previous_status: inv.status },
    }, at);
    done.push({ invoice: inv.number, debtor: inv.debtor_number, amountCents: amount, openCentsAfter: open, status });
    left -= amount;
  }
  return { payment, allocations: done, leftCents: left };
}

export function ignorePayment(db: Db, paymentId: number, reason: string, today: string, at: Date): PaymentState {
  const payment = readPaymentState(db, paymentId);
  if (!payment) throw new AppError('not_found', `No payment ${paymentId} in the ledger.`, { hint: '`pre-incasso payments list --unmatched` shows the payment numbers.' });
  if (payment.ignored !== null) throw new AppError('input_invalid', `Payment ${paymentId} is marked as no customer payment already (${payment.ignored}).`, { hint: 'Nothing to do.' });
  if (payment.allocatedCents > 0) throw new AppError('input_invalid', `Payment ${paymentId} has ${formatEuro(payment.allocatedCents)} placed on invoices.`, { hint: `Undo the allocation first: pre-incasso payments undo ${paymentId} --keep` });
  db.prepare('INSERT INTO payments_ignored (payment_id, reason, at, today) VALUES (?, ?, ?, ?)').run(paymentId, reason, at.toISOString(), today);
  appendEvent(db, { kind: 'payment_ignored', today, data: { payment_id: paymentId, amount_cents: payment.amountCents, reason } }, at);
  return payment;
}

export interface UndonePayment {
  paymentId: number;
  amountCents: number;
  removed: boolean;
  allocations: { invoice: string; debtor: string; amountCents: number; openCentsAfter: number; status: string }[];
}

/** Takes a payment's money off its invoices; `keep`: the payment stays, unallocated. */
export function undoPayment(db: Db, paymentId: number, options: { keep: boolean; today: string; at: Date }): UndonePayment {
  const payment = readPaymentState(db, paymentId);
  if (!payment) throw new AppError('not_found', `No payment ${paymentId} in the ledger.`, { hint: '`pre-incasso payments list` shows the payment numbers.' });
  const allocations = db
    .prepare('SELECT a.invoice_number, a.amount_cents, i.debtor_number, i.open_cents, i.status FROM allocations a JOIN invoices i ON i.number = a.invoice_number WHERE a.payment_id = ? ORDER BY a.rowid')
    .all(paymentId) as { invoice_number: string; amount_cents: number; debtor_number: string; open_cents: number; status: string }[];
  const result: UndonePayment = { paymentId, amountCents: payment.amountCents, removed: !options.keep, allocations: [] };
  for (const a of allocations) {
    const open = a.open_cents + a.amount_cents;
    const status = a.status === 'paid' ? 'open' : a.status;
    db.prepare('UPDATE invoices SET open_cents = ?, status = ? WHERE number = ?').run(open, status, a.invoice_number);
    appendEvent(db, {
      kind: 'payment_unallocated', today: options.today, debtor: a.debtor_number, invoice: a.invoice_number,
      data: { payment_id: paymentId, amount_cents: a.amount_cents, open_cents: open, status, previous_status: a.status },
    }, options.at);
    result.allocations.push({ invoice: a.invoice_number, debtor: a.debtor_number, amountCents: a.amount_cents, openCentsAfter: open, status });
  }
  db.prepare('DELETE FROM allocations WHERE payment_id = ?').run(paymentId);
  if (!options.keep) {
    db.prepare('DELETE FROM payments_ignored WHERE payment_id = ?').run(paymentId);
    db.prepare('DELETE FROM payments WHERE id = ?').run(paymentId);
    appendEvent(db, { kind: 'payment_removed', today: options.today, data: { payment_id: paymentId, amount_cents: payment.amountCents, date: payment.date, counterparty_name: payment.counterpartyName } }, options.at);
  } else if (payment.ignored !== null) {
    db.prepare('DELETE FROM payments_ignored WHERE payment_id = ?').run(paymentId);
    appendEvent(db, { kind: 'payment_unignored', today: options.today, data: { payment_id: paymentId } }, options.at);
  }
  return result;
}

export function paymentsOfImport(db: Db, importId: number): number[] {
  const imp = db.prepare('SELECT kind FROM imports WHERE id = ?').pluck().get(importId) as string | undefined;
  if (imp === undefined) throw new AppError('not_found', `No import ${importId} in the ledger.`, { hint: 'The import number is the import_id printed by `payments import --json`.' });
  if (imp !== 'payments') throw new AppError('usage', `Import ${importId} is an invoice import.`, { hint: `Undo it with \`pre-incasso import undo ${importId}\`.` });
  if (db.prepare('SELECT 1 FROM imports_undone WHERE import_id = ?').get(importId)) throw new AppError('input_invalid', `Bank import ${importId} was undone already.`, { hint: 'Nothing to do.' });
  return db.prepare('SELECT id FROM payments WHERE import_id = ? ORDER BY id').pluck().all(importId) as number[];
}

export function markImportUndone(db: Db, importId: number, summary: Record<string, unknown>, today: string, at: Date): void {
  db.prepare('INSERT INTO imports_undone (import_id, at, today, summary) VALUES (?, ?, ?, ?)').run(importId, at.toISOString(), today, JSON.stringify(summary));
  appendEvent(db, { kind: 'import_undone', today, data: { import_id: importId, kind: 'payments', ...summary } }, at);
}
