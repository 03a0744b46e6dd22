// The commands of the humane half, each as one job on the ledger: `arrangement list|show|cancel`,
// `promise`, `calls`, `call log`, `dispute [resolve]` and `disputes`. Each opens the ledger
// (read-only for a listing and for a dry run) and runs one step of workflows/arrangements.ts in
// it, which holds the rules and the transaction.
import type { IsoDate } from '../domain/dates.js';
import type { CreditorSnapshot } from '../domain/letter.js';
import { readDisputes, type DisputeRow } from '../ledger/arrangements.js';
import { arrangementViews, callList, cancelArrangement, createDispute, createPromise, logCall, settleDispute, type ArrangementView, type CallListItem, type LogCallRequest } from './arrangements.js';
import { withLedger, type LedgerAt } from './ledger-session.js';

type Args<F> = F extends (db: never, ...args: infer A) => unknown ? A : never;
type Result<F> = F extends (...args: never[]) => infer R ? R : never;

const reading = { readonly: true };
const writing = (dryRun: boolean) => ({ readonly: dryRun });

export function listArrangements(at: LedgerAt, today: IsoDate): ArrangementView[] {
  return withLedger(at, reading, (db) => arrangementViews(db, {}, today));
}

export function showArrangement(at: LedgerAt, id: number, today: IsoDate): ArrangementView | undefined {
  return withLedger(at, reading, (db) => arrangementViews(db, { id }, today)[0]);
}

export function cancelArrangementAt(at: LedgerAt, ...[id, reason, today, dryRun]: Args<typeof cancelArrangement>): Result<typeof cancelArrangement> {
  return withLedger(at, writing(dryRun), (db) => cancelArrangement(db, id, reason, today, dryRun));
}

export function recordPromise(at: LedgerAt, req: Args<typeof createPromise>[0]): Result<typeof createPromise> {
  return withLedger(at, writing(req.dryRun), (db) => createPromise(db, req));
}

export function readCallList(at: LedgerAt, creditor: CreditorSnapshot, today: IsoDate): CallListItem[] {
  return withLedger(at, reading, (db) => callList(db, creditor, today));
}

export function recordCall(at: LedgerAt, req: LogCallRequest): Result<typeof logCall> {
  return withLedger(at, writing(req.dryRun), (db) => logCall(db, req));
}

export function recordDispute(at: LedgerAt, req: Args<typeof createDispute>[0]): Result<typeof createDispute> {
  return withLedger(at, writing(req.dryRun), (db) => createDispute(db, req));
}

export function resolveDispute(at: LedgerAt, ...[id, outcome, today, dryRun]: Args<typeof settleDispute>): DisputeRow {
  return withLedger(at, writing(dryRun), (db) => settleDispute(db, id, outcome, today, dryRun));
}

/** `disputes`: the open ones, or with `all` every dispute, the open ones first. */
export function listDisputes(at: LedgerAt, all: boolean): DisputeRow[] {
  const rows = withLedger(at, reading, (db) => readDisputes(db, all ? {} : { open: true }));
  return rows.sort((a, b) => Number(a.resolvedOn !== null) - Number(b.resolvedOn !== null));
}
