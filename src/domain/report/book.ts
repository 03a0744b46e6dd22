// The book now: open amounts by aging bucket and by stage, from the ledger's grouped facts.
import { daysBetween, type IsoDate } from '../dates.js';

export interface Amount {
  invoices: number;
  cents: number;
}

export const AGING_BUCKETS = ['not_due', '1_30', '31_60', '61_90', 'over_90'] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];

/** The bucket of an invoice due on `dueDate`, seen on `today` (the same cut-offs as `status`). */
export function agingBucket(dueDate: IsoDate, today: IsoDate): AgingBucket {
  if (dueDate >= today) return 'not_due';
  const late = daysBetween(dueDate, today);
  if (late <= 30) return '1_30';
  if (late <= 60) return '31_60';
  if (late <= 90) return '61_90';
  return 'over_90';
}

export function agingOf(groups: { key: IsoDate; invoices: number; cents: number }[], today: IsoDate): Record<AgingBucket, Amount> {
  return agingOfBuckets(groups.map((g) => ({ key: agingBucket(g.key, today), invoices: g.invoices, cents: g.cents })));
}

/** The same, from amounts already put in their bucket (the stored status shares hold them so). */
export function agingOfBuckets(groups: { key: AgingBucket; invoices: number; cents: number }[]): Record<AgingBucket, Amount> {
  const out = Object.fromEntries(AGING_BUCKETS.map((b) => [b, { invoices: 0, cents: 0 }])) as Record<AgingBucket, Amount>;
  for (const g of groups) {
    const b = out[g.key];
    b.invoices += g.invoices;
    b.cents += g.cents;
  }
  return out;
}

export interface StageAmount extends Amount {
  /** The stage id, or null for invoices that had no letter yet. */
  stage: string | null;
}

/** Open amount per stage reached, in the order of the stages; "no letter yet" first. */
export function byStageOf(groups: { key: number | null; invoices: number; cents: number }[], stageIds: string[]): StageAmount[] {
  const rows: StageAmount[] = [{ stage: null, invoices: 0, cents: 0 }, ...stageIds.map((stage) => ({ stage, invoices: 0, cents: 0 }))];
  for (const g of groups) {
    // A stage removed from the config since: counted with the last stage, never lost.
    const row = g.key === null ? rows[0]! : rows[Math.min(g.key, stageIds.length - 1) + 1]!;
    row.invoices += g.invoices;
    row.cents += g.cents;
  }
  return rows;
}

export interface OpenGroup {
  /** Set when the groups are per debtor (then the corrections are matched by debtor too). */
  debtor?: string;
  status: 'open' | 'handed_over';
  dueDate: IsoDate;
  stageIndex: number | null;
  invoices: number;
  cents: number;
}

/** One claim whose ledger figure differs from its open amount in the debtor's account. */
export interface AccountCorrection {
  debtor?: string;
  status: 'open' | 'handed_over';
  dueDate: IsoDate;
  stageIndex: number | null;
  /** invoices.open_cents as stored (a credit note keeps its full negative amount there). */
  ledgerCents: number;
  /** What the account leaves open after setting credit notes off (0 for a spent credit note). */
  accountCents: number;
}

/**
 * The grouped ledger figures corrected to the debtors' accounts: a credit note set off against a
 * claim lowers that claim (also one handed over, which keeps its credit) and is no longer open
 * itself, so the book counts neither the credit twice nor a spent credit note as an open item.
 */
export function correctToAccounts(groups: OpenGroup[], corrections: AccountCorrection[], options: { byDebtor?: boolean } = {}): OpenGroup[] {
  const key = (g: { debtor?: string; status: string; dueDate: string; stageIndex: number | null }): string =>
    `${options.byDebtor ? `${g.debtor ?? ''}|` : ''}${g.status}|${g.dueDate}|${g.stageIndex ?? ''}`;
  const map = new Map(groups.map((g) => [key(g), { ...g }]));
  for (const c of corrections) {
    if (c.ledgerCents === c.accountCents) continue;
    const g = map.get(key(c)) ?? { ...(options.byDebtor && c.debtor !== undefined ? { debtor: c.debtor } : {}), status: c.status, dueDate: c.dueDate, stageIndex: c.stageIndex, invoices: 0, cents: 0 };
    map.set(key(c), g);
    if (c.ledgerCents !== 0) g.invoices--;
    if (c.accountCents !== 0) g.invoices++;
    g.cents += c.accountCents - c.ledgerCents;
  }
  return [...map.values()].filter((g) => g.invoices > 0 || g.cents !== 0);
}
