// `hold` and `release`: pause dunning for a debtor or one invoice (with a reason, maybe until a
// date, maybe as a dispute, which also blocks the handover), and end it. One transaction each.
import { AppError } from '../errors.js';
import type { Db } from '../ledger/ledger.js';
import { insertHold, lookUpHoldKey, releaseHolds } from '../ledger/holds.js';
import { insertDispute, resolveDisputesOfHolds } from '../ledger/arrangements.js';

export interface HoldTarget {
  debtor: string;
  invoice: string | null;
}

export interface HoldRequest {
  key: string;
  reason: string;
  until: string | null;
  dispute: boolean;
  today: string;
}

/** A debtor number or an invoice number; refused when it is both, or neither. */
export function resolveHoldTarget(db: Db, key: string): HoldTarget {
  const found = lookUpHoldKey(db, key);
  if (found.invoice && found.debtor) {
    throw new AppError('input_invalid', `"${key}" is both a debtor number and an invoice number.`, { hint: 'Hold the debtor with its number, or the invoice with its full invoice number; rename one in the bookkeeping if needed.' });
  }
  if (found.invoice) return { debtor: found.invoice.debtor, invoice: found.invoice.number };
  if (found.debtor) return { debtor: found.debtor, invoice: null };
  throw new AppError('not_found', `No debtor or invoice "${key}" in the ledger.`, { hint: 'Check the number; `pre-incasso status` and `explain <debtor>` show what the ledger holds.' });
}

/** The request's own rules, checked before the ledger is opened. */
export function checkHoldRequest(req: Omit<HoldRequest, 'key'>): void {
  if (req.until !== null && req.until <= req.today) {
    throw new AppError('usage', `--until ${req.until} is not after today (${req.today}).`, { hint: 'Give the date on which dunning should resume.' });
  }
  if (!req.reason) throw new AppError('usage', '--reason may not be empty.', { hint: 'Say why, for the audit trail: --reason "betalingsregeling tot maart".' });
}

export function placeHold(db: Db, req: HoldRequest): HoldTarget & { holdId: number } {
  checkHoldRequest(req);
  const target = resolveHoldTarget(db, req.key);
  const holdId = db.transaction(() => {
    const id = insertHold(db, { debtor: target.debtor, invoice: target.invoice, reason: req.reason, dispute: req.dispute, until: req.until }, req.today);
    // A dispute put on hold here is the same dispute `disputes` lists (category "other").
    if (req.dispute) insertDispute(db, { holdId: id, debtor: target.debtor, invoice: target.invoice, category: 'other', note: req.reason }, req.today);
    return id;
  })();
  return { ...target, holdId };
}

/** Ends the holds on the debtor (or the invoice) and resolves their disputes; returns how many. */
export function releaseHold(db: Db, key: string, today: string): HoldTarget & { released: number } {
  const target = resolveHoldTarget(db, key);
  const released = db.transaction(() => {
    const ids = releaseHolds(db, target, today);
    resolveDisputesOfHolds(db, ids, today, 'released');
    return ids.length;
  })();
  return { ...target, released };
}
