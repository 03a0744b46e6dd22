// The dunning figures of `status`: each debtor's share of them, taken from its plan for the day,
// and their sum over the book. A share is what the ledger stores per debtor (debtor_status), so
// `status` on a large ledger adds stored shares and plans only the debtors whose facts changed.
import { daysBetween, type IsoDate } from './dates.js';
import type { DebtorPlan } from './plan.js';

export const AGING_BUCKETS = ['not_due', '1_30', '31_60', '61_90', 'over_90'] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];

/** One debtor's part of the day's figures. */
export interface DebtorStatusShare {
  letters: number;
  calls: number;
  handoverInvoices: number;
  handoverCents: number;
  /** The account's unused credit (negative cents, as the account gives it). */
  unusedCreditCents: number;
  heldCents: number;
  /** Open claims an arrangement, promise or call pauses (part of heldCents). */
  pausedCents: number;
  /** Open invoices per stage (index, -1 before the first letter) and aging bucket: [stage, bucket, invoices, cents]. */
  groups: [number, AgingBucket, number, number][];
}

export interface Bucket {
  invoices: number;
  cents: number;
}

export interface DunningFigures {
  openInvoices: number;
  openCents: number;
  heldCents: number;
  pausedCents: number;
  unusedCreditCents: number;
  /** Keyed by stage id, 'none' before the first letter. */
  byStage: Record<string, Bucket>;
  aging: Record<AgingBucket, Bucket>;
  lettersDueToday: number;
  callsDueToday: number;
  readyInvoices: number;
  readyCents: number;
}

export function agingBucket(due: IsoDate, today: IsoDate): AgingBucket {
  if (due >= today) return 'not_due';
  const days = daysBetween(due, today);
  return days <= 30 ? '1_30' : days <= 60 ? '31_60' : days <= 90 ? '61_90' : 'over_90';
}

/** A debtor's share of the figures, from its plan on `today`; null when it adds nothing. */
export function debtorStatusShare(plan: DebtorPlan, today: IsoDate): DebtorStatusShare | null {
  const share: DebtorStatusShare = { letters: 0, calls: 0, handoverInvoices: 0, handoverCents: 0, unusedCreditCents: plan.account.unallocatedCreditCents, heldCents: plan.account.heldCents, pausedCents: 0, groups: [] };
  for (const a of plan.actions) {
    if (a.kind === 'handover') {
      share.handoverInvoices += a.invoices.length;
      share.handoverCents += a.amountCents;
    } else if (a.kind === 'letter') share.letters++;
    else if (a.kind === 'call') share.calls++;
  }
  const groups = new Map<string, [number, AgingBucket, number, number]>();
  for (const c of plan.account.claims) {
    if (c.status !== 'open' || c.kind !== 'invoice' || c.openCents <= 0) continue;
    // An agreement's pause holds dunning, but it is not a hold: counted apart.
    if (c.held?.kind) share.pausedCents += c.openCents;
    const stage = c.stageIndex ?? -1;
    const bucket = agingBucket(c.dueDate, today);
    const key = `${stage}\0${bucket}`;
    const g = groups.get(key);
    if (g) {
      g[2]++;
      g[3] += c.openCents;
    } else groups.set(key, [stage, bucket, 1, c.openCents]);
  }
  share.groups = [...groups.values()];
  const empty = share.letters === 0 && share.calls === 0 && share.handoverInvoices === 0 && share.unusedCreditCents === 0 && share.heldCents === 0 && share.groups.length === 0;
  return empty ? null : share;
}

export function emptyFigures(stageIds: readonly string[]): DunningFigures {
  const byStage: Record<string, Bucket> = { none: { invoices: 0, cents: 0 } };
  for (const id of stageIds) byStage[id] = { invoices: 0, cents: 0 };
  const aging = Object.fromEntries(AGING_BUCKETS.map((b) => [b, { invoices: 0, cents: 0 }])) as Record<AgingBucket, Bucket>;
  return { openInvoices: 0, openCents: 0, heldCents: 0, pausedCents: 0, unusedCreditCents: 0, byStage, aging, lettersDueToday: 0, callsDueToday: 0, readyInvoices: 0, readyCents: 0 };
}

/** Adds a debtor's share to the figures (stage ids in config order). */
export function addShare(f: DunningFigures, s: DebtorStatusShare, stageIds: readonly string[]): void {
  f.lettersDueToday += s.letters;
  f.callsDueToday += s.calls;
  f.readyInvoices += s.handoverInvoices;
  f.readyCents += s.handoverCents;
  f.unusedCreditCents += s.unusedCreditCents;
  f.heldCents += s.heldCents;
  f.pausedCents += s.pausedCents;
  for (const [stage, bucket, n, cents] of s.groups) {
    f.openInvoices += n;
    f.openCents += cents;
    const key = stage === -1 ? 'none' : stageIds[stage] ?? `stage ${stage}`;
    const b = (f.byStage[key] ??= { invoices: 0, cents: 0 });
    b.invoices += n;
    b.cents += cents;
    f.aging[bucket].invoices += n;
    f.aging[bucket].cents += cents;
  }
}
