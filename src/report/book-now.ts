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
  const aging = agingOfBuckets([]);
  const stages = new Map<number | null, Amount>();
  const add = (bucket: AgingBucket, stage: number | null, invoices: number, cents: number): void => {
    aging[bucket].invoices += invoices;
    aging[bucket].cents += cents;
    const a = stages.get(stage);
    if (a) {
      a.invoices += invoices;
      a.cents += cents;
    } else stages.set(stage, { invoices, cents });
  };
  // The items the shares leave out, with the same account corrections as the invoices' way.
  const outside = correctToAccounts(readGroupsOutsideShares(db), corrections.filter((c) => c.status === 'handed_over' || c.ledgerCents < 0), { byDebtor: true });
  const extra = new Map<string, number>();
  for (const g of outside) {
    if (g.status !== 'open') continue;
    add(agingBucket(g.dueDate, today), g.stageIndex, g.invoices, g.cents);
    extra.set(g.debtor!, (extra.get(g.debtor!) ?? 0) + g.cents);
  }
  // Per debtor the open total as the account has it, for the largest debtors.
  const top = new TopTotals(topLimit);
  let shares = 0;
  for (const [debtor, text] of readSharesOfDay(db, today)) {
    shares++;
    if (text === null) continue;
    const { groups } = JSON.parse(text) as DebtorStatusShare;
    let cents = extra.get(debtor) ?? 0;
    for (const [stage, bucket, n, c] of groups) {
      add(bucket, stage === -1 ? null : stage, n, c);
      cents += c;
    }
    top.offer(debtor, cents);
  }
  if (shares === 0 || shares !== debtorCount(db)) return null;
  const among = top.candidates();
  return {
    aging,
    byStage: byStageOf([...stages].map(([key, a]) => ({ key, ...a })), stageIds),
    handedOver: sumOf(outside.filter((g) => g.status === 'handed_over')),
    // The candidates' figures read from their invoices, ordered and cut as without the shares.
    topDebtors: among.length === 0 ? [] : readTopDebtors(db, topLimit, corrections, among),
    source: 'shares',
  };
}

/**
 * The debtors with an open total above zero and at least the `limit`-th largest (ties included:
 * the SQL that reads their figures orders and cuts them), kept as the totals stream by.
 */
class TopTotals {
  private kept: [string, number][] = [];
  private floor = 1;
  private pruneAt: number;

  constructor(private readonly limit: number) {
    this.pruneAt = 4 * Math.max(1, limit);
  }

  offer(debtor: string, cents: number): void {
    if (cents < this.floor) return;
    this.kept.push([debtor, cents]);
    if (this.kept.length >= this.pruneAt) this.prune();
  }

  candidates(): string[] {
    this.prune();
    return this.kept.map(([debtor]) => debtor);
  }

  private prune(): void {
    this.kept.sort((a, b) => b[1] - a[1]);
    if (this.kept.length >= this.limit) this.floor = Math.max(this.floor, this.kept[this.limit - 1]![1]);
    this.kept = this.kept.filter(([, cents]) => cents >= this.floor);
    // Many debtors tied at the floor stay: sort again only when they have doubled.
    this.pruneAt = Math.max(this.pruneAt, 2 * this.kept.length);
  }
}

function sumOf(groups: { invoices: number; cents: number }[]): Amount {
  return groups.reduce((t, g) => ({ invoices: t.invoices + g.invoices, cents: t.cents + g.cents }), { invoices: 0, cents: 0 });
}
