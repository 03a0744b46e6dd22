// `status`: the book at a glance. The dunning figures (what is open per stage and age, held,
// due today, ready for handover) are the sum of each debtor's share of its plan for the day. A
// `run` stores the shares as it plans (planBook); triggers drop a debtor's share when one of
// its facts changes, and a share of another day or config is not valid. `status` adds the valid
// stored shares and plans the other debtors itself, so its figures are always what `run` would
// do today. When it had to plan many debtors (a big import, a new day) and can take the write
// lock at once, it stores what it planned, so the next `status` that day is fast; when another
// command holds the lock or the file cannot be written, it only reads.
import { openLedger, type Db, type Ledger } from '../ledger/ledger.js';
import { withLedger, type LedgerAt } from './ledger-session.js';
import { planDebtor, type Plan, type Action, type Policy } from '../domain/plan.js';
import { addShare, debtorStatusShare, emptyFigures, type DebtorStatusShare, type DunningFigures } from '../domain/status-figures.js';
import { readAccountFacts } from '../ledger/account-facts.js';
import { hasSharesOn, readStoredShares, staleDebtors, storedShareCount, storeShares } from '../ledger/debtor-status.js';
import { readLedgerCounts, type LedgerCounts } from '../ledger/status.js';
import { countActiveHolds } from '../ledger/holds.js';
import { newestImport } from '../ledger/dunning.js';
import { workbenchStatus, type WorkbenchStatus } from './workbench-status.js';
import { createRequire } from 'node:module';
import { canonicalJson } from '../domain/plan-digest.js';

/** The policy a share was planned with; `--include-time-barred` off is the same policy as unset. */
export function statusFingerprint(policy: Policy): string {
  const canonical = canonicalJson({ ...policy, includeTimeBarred: policy.includeTimeBarred === true ? true : undefined });
  // node:crypto is loaded here, when a fingerprint is needed, not by every command that imports this module.
  const { createHash } = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update(canonical).digest('hex');
}

export interface BookStatus {
  dunning: DunningFigures;
  /** Debtors whose share came from the store, and debtors planned now. */
  planned: { stored: number; fresh: number };
  holds: { n: number; disputes: number };
  counts: LedgerCounts;
  workbench: WorkbenchStatus;
  newestImport: { today: string; at: string } | null;
}

/**
 * The dunning figures on `today`: stored shares where valid, a plan of every other debtor. With
 * `store` (the caller holds the write lock) the shares planned here are stored as well.
 */
export function dunningFigures(db: Db, policy: Policy, today: string, options: { store?: boolean; need?: PlanningNeed } = {}): { figures: DunningFigures; planned: BookStatus['planned'] } {
  const stageIds = policy.stages.map((s) => s.id);
  let fingerprint: string | undefined;
  const fingerprintOnce = (): string => (fingerprint ??= statusFingerprint(policy));
  const figures = emptyFigures(stageIds);
  const { stored, stale } = options.need ?? planningNeed(db, policy, today);
  // No share stored under this policy today: nothing to read, and no fingerprint to work out for it.
  if (stored > 0) for (const text of readStoredShares(db, today, fingerprintOnce())) addShare(figures, JSON.parse(text) as DebtorStatusShare, stageIds);
  let fresh = 0;
  const shares = new Map<string, string | null>();
  for (const input of stale === null ? readAccountFacts(db) : readAccountFacts(db, { debtors: stale })) {
    fresh++;
    const share = debtorStatusShare(planDebtor(input, policy, today, { letters: false, assess: false }), today);
    if (share) addShare(figures, share, stageIds);
    if (options.store) shares.set(input.debtor.number, share ? JSON.stringify(share) : null);
  }
  if (options.store && fresh > 0) storeShares(db, today, fingerprintOnce(), shares, stale ?? 'all');
  return { figures, planned: { stored, fresh } };
}

/** What `status` must plan today: every debtor when no share is stored (`stale` null), else the stale ones. */
export interface PlanningNeed {
  stored: number;
  stale: string[] | null;
  debtors: number;
}

export function planningNeed(db: Db, policy: Policy, today: string): PlanningNeed {
  const everyDebtor = (): PlanningNeed => ({ stored: 0, stale: null, debtors: db.prepare('SELECT count(*) FROM debtors').pluck().get() as number });
  // Nothing stored today (a new day, or no `run` yet): every debtor, and no fingerprint needed to know it.
  if (!hasSharesOn(db, today)) return everyDebtor();
  const fingerprint = statusFingerprint(policy);
  const stored = storedShareCount(db, today, fingerprint);
  if (stored === 0) return everyDebtor();
  const stale = staleDebtors(db, today, fingerprint);
  return { stored, stale, debtors: stale.length };
}

/** Below this many debtors to plan, `status` plans them and writes nothing (it takes well under a second). */
export const STORE_STATUS_FROM = 1_000;

/**
 * `status` on the ledger at `at`: read-only when little is to be planned; else, if the write lock
 * is free at once, planned and stored in one transaction (the next `status` that day reads it);
 * else (another command writes, the file or folder is read-only) planned and only read.
 */
export function readBookStatus(at: LedgerAt, policy: Policy, today: string): BookStatus {
  const quick = withLedger(at, { readonly: true }, (db) => {
    const need = planningNeed(db, policy, today);
    return need.debtors < STORE_STATUS_FROM ? bookStatus(db, policy, today, { need }) : null;
  });
  if (quick) return quick;
  let ledger: Ledger;
  try {
    ledger = openLedger(at.ledgerPath, { command: at.commandLine, lockWaitMs: 0 });
  } catch {
    return withLedger(at, { readonly: true }, (db) => bookStatus(db, policy, today));
  }
  try {
    const db = ledger.db;
    return db.transaction(() => bookStatus(db, policy, today, { store: true }))();
  } finally {
    ledger.close();
  }
}

export function bookStatus(db: Db, policy: Policy, today: string, options: { store?: boolean; need?: PlanningNeed } = {}): BookStatus {
  const { figures, planned } = dunningFigures(db, policy, today, options);
  return {
    dunning: figures,
    planned,
    holds: countActiveHolds(db, today),
    counts: readLedgerCounts(db, today),
    workbench: workbenchStatus(db),
    newestImport: newestImport(db),
  };
}

/**
 * The whole book's plan for `run`, each debtor's status share stored as it passes (the same
 * plan, no second pass). Call it holding the write lock, before the plan is applied: applying
 * changes the facts of the debtors that get a letter, and the triggers drop their shares.
 */
export function planBook(db: Db, policy: Policy, today: string, options: { letters?: boolean } = {}): Plan {
  const actions: Action[] = [];
  const shares = new Map<string, string | null>();
  for (const input of readAccountFacts(db)) {
    const plan = planDebtor(input, policy, today, { letters: options.letters !== false, assess: false });
    actions.push(...plan.actions);
    const share = debtorStatusShare(plan, today);
    shares.set(input.debtor.number, share ? JSON.stringify(share) : null);
  }
  storeShares(db, today, statusFingerprint(policy), shares, 'all');
  return { today, actions };
}

/** After a run applied its plan: plans the debtors whose shares it dropped and stores them. */
export function refreshStoredStatus(db: Db, policy: Policy, today: string): number {
  const fingerprint = statusFingerprint(policy);
  // Only after planBook stored today's shares (a saved plan's run did not): else a second pass.
  if (storedShareCount(db, today, fingerprint) === 0) return 0;
  const stale = staleDebtors(db, today, fingerprint);
  if (stale.length === 0) return 0;
  const shares = new Map<string, string | null>();
  for (const input of readAccountFacts(db, { debtors: stale })) {
    const share = debtorStatusShare(planDebtor(input, policy, today, { letters: false, assess: false }), today);
    shares.set(input.debtor.number, share ? JSON.stringify(share) : null);
  }
  storeShares(db, today, fingerprint, shares, stale);
  return stale.length;
}
