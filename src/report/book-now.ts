// The book now, for the report: the open amounts by age and by stage, what is handed over, and
// the debtors with the most open, all as the debtors' accounts have them (credit notes set off).
// When `status` or `run` stored every debtor's share for today, the open claims come from those
// shares (what `status` reads), so the report on a million invoices scans no invoice table; the
// few items the shares leave out (handed over, credit notes) are read through their indexes.
// Otherwise the figures come from grouped queries over the invoices. Both ways give the same
// figures: test/model/report-check.ts holds them against each other after every model step.
import type { Db } from '../ledger/ledger.js';
import type { IsoDate } from '../domain/dates.js';
import type { DebtorStatusShare } from '../domain/status-figures.js';
import { agingBucket, agingOf, agingOfBuckets, byStageOf, correctToAccounts, type AgingBucket, type Amount, type StageAmount } from '../domain/report/book.js';
import { readGroupsOutsideShares, readOpenGroups, readTopDebtors, type TopDebtorRow } from '../ledger/report.js';
import { debtorCount, readSharesOfDay } from '../ledger/debtor-status.js';

export interface BookNow {
  aging: Record<AgingBucket, Amount>;
  byStage: StageAmount[];
  handedOver: Amount;
  topDebtors: TopDebtorRow[];
  /** Where the open claims were read: the stored status shares, or the invoices. */
  source: 'shares' | 'invoices';
}

/** What readAccountCorrections gives: the claims whose open amount the account changes. */
export interface BookCorrection {
  invoice: string;
  debtor: string;
  status: 'open' | 'handed_over';
  dueDate: IsoDate;
  stageIndex: number | null;
  ledgerCents: number;
  accountCents: number;
}

/** The book now: from the shares stored for today when every debtor has one, else from the invoices. */
export function readBookNow(db: Db, today: IsoDate, stageIds: string[], topLimit: number, corrections: BookCorrection[], options: { source?: BookNow['source'] } = {}): BookNow {
  if (options.source !== 'invoices') {
    const book = fromShares(db, today, stageIds, topLimit, corrections);
    if (book) return book;
    if (options.source === 'shares') throw new Error(`not every debtor has a status share stored for ${today}`);
  }
  return fromInvoices(db, today, stageIds, topLimit, corrections);
}

function fromInvoices(db: Db, today: IsoDate, stageIds: string[], topLimit: number, corrections: BookCorrection[]): BookNow {
  const groups = correctToAccounts(readOpenGroups(db), corrections);
  const open = groups.filter((g) => g.status === 'open');
  return {
    aging: agingOf(open.map((g) => ({ key: g.dueDate, invoices: g.invoices, cents: g.cents })), today),
    byStage: byStageOf(open.map((g) => ({ key: g.stageIndex, invoices: g.invoices, cents: g.cents })), stageIds),
    handedOver: sumOf(groups.filter((g) => g.status === 'handed_over')),
    topDebtors: readTopDebtors(db, topLimit, corrections),
    source: 'invoices',
  };
}

/** Null when some debtor has no share stored for today (a change since, or no `status` or `run` yet). */
function fromShares(db: Db, today: IsoDate, stageIds: string[], topLimit: number, corrections: BookCorrection[]): BookNow | null {
  const buckets = new Map<AgingBucket, Amount>();
  const stages = new Map<number | null, Amount>();
  const add = <K>(map: Map<K, Amount>, key: K, invoices: number, cents: number): void => {
    const a = map.get(key);
    if (a) {
      a.invoices += invoices;
      a.cents += cents;
    } else map.set(key, { invoices, cents });
  };
  // Per debtor the open total as the account has it, to find the largest debtors.
  const perDebtor = new Map<string, number>();
  let shares = 0;
  for (const [debtor, text] of readSharesOfDay(db, today)) {
    shares++;
    if (text === null) continue;
    const share = JSON.parse(text) as DebtorStatusShare;
    if (share.groups.length === 0) continue;
    let cents = 0;
    for (const [stage, bucket, n, c] of share.groups) {
      add(buckets, bucket, n, c);
      add(stages, stage === -1 ? null : stage, n, c);
      cents += c;
    }
    perDebtor.set(debtor, cents);
  }
  if (shares === 0 || shares !== debtorCount(db)) return null;
  // The items the shares leave out, with the same account corrections as the invoices' way.
  const outside = correctToAccounts(readGroupsOutsideShares(db), corrections.filter((c) => c.status === 'handed_over' || c.ledgerCents < 0), { byDebtor: true });
  for (const g of outside) {
    if (g.status !== 'open') continue;
    add(buckets, agingBucket(g.dueDate, today), g.invoices, g.cents);
    add(stages, g.stageIndex, g.invoices, g.cents);
    perDebtor.set(g.debtor!, (perDebtor.get(g.debtor!) ?? 0) + g.cents);
  }
  const among = topCandidates(perDebtor, topLimit);
  return {
    aging: agingOfBuckets([...buckets].map(([key, a]) => ({ key, ...a }))),
    byStage: byStageOf([...stages].map(([key, a]) => ({ key, ...a })), stageIds),
    handedOver: sumOf(outside.filter((g) => g.status === 'handed_over')),
    // The candidates' figures read from their invoices, ordered and cut as without the shares.
    topDebtors: among.length === 0 ? [] : readTopDebtors(db, topLimit, corrections, among),
    source: 'shares',
  };
}

/** Every debtor with an open total above zero and at least the `limit`-th largest (ties included). */
function topCandidates(totals: Map<string, number>, limit: number): string[] {
  const top: number[] = [];
  for (const cents of totals.values()) {
    if (cents <= 0 || (top.length === limit && cents <= top[limit - 1]!)) continue;
    if (top.length === limit) top.pop();
    top.push(cents);
    top.sort((a, b) => b - a);
  }
  const floor = top.length < limit ? 1 : top[limit - 1]!;
  return [...totals].filter(([, cents]) => cents > 0 && cents >= floor).map(([debtor]) => debtor);
}

function sumOf(groups: { invoices: number; cents: number }[]): Amount {
  return groups.reduce((t, g) => ({ invoices: t.invoices + g.invoices, cents: t.cents + g.cents }), { invoices: 0, cents: 0 });
}
