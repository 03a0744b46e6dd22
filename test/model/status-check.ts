// The stored status shares (migration 021) against a fresh plan, after every step of a season:
// a share that survived a change must equal the plan of the debtor's current facts on the day it
// was planned (a missing trigger shows here), and `status` (stored shares plus a plan of the
// rest) must give the very figures of a plan of the whole book, its letters those of `run`.
import type { Ledger } from '../../src/ledger/ledger.js';
import { planDebtor, planRun, type Policy } from '../../src/domain/plan.js';
import { addShare, debtorStatusShare, emptyFigures } from '../../src/domain/status-figures.js';
import { readAccountFacts } from '../../src/ledger/account-facts.js';
import { dunningFigures, statusFingerprint } from '../../src/workflows/status.js';

export const storedStats = { checkedShares: 0, storedUsed: 0 };

export function checkStoredStatus(r: { ledger: Ledger; policy: Policy; today: string }): void {
  const db = r.ledger.db;
  const rows = db.prepare('SELECT debtor_number AS debtor, planned_on AS on_, summary FROM debtor_status WHERE fingerprint = ?').all(statusFingerprint(r.policy)) as { debtor: string; on_: string; summary: string | null }[];
  const byDay = new Map<string, typeof rows>();
  for (const row of rows) byDay.set(row.on_, [...(byDay.get(row.on_) ?? []), row]);
  for (const [day, list] of byDay) {
    const facts = new Map([...readAccountFacts(db, { debtors: list.map((l) => l.debtor) })].map((f) => [f.debtor.number, f]));
    for (const row of list) {
      const input = facts.get(row.debtor);
      const share = input ? debtorStatusShare(planDebtor(input, r.policy, day, { letters: false, assess: false }), day) : null;
      const fresh = share ? JSON.stringify(share) : null;
      if (fresh !== row.summary) throw new Error(`stored status of ${row.debtor} (planned ${day}) is stale on ${r.today}: stored ${row.summary}, the facts now give ${fresh}`);
      storedStats.checkedShares++;
    }
  }
  const ids = r.policy.stages.map((s) => s.id);
  const full = emptyFigures(ids);
  for (const input of readAccountFacts(db)) {
    const share = debtorStatusShare(planDebtor(input, r.policy, r.today, { letters: false, assess: false }), r.today);
    if (share) addShare(full, share, ids);
  }
  const status = dunningFigures(db, r.policy, r.today);
  if (status.planned.stored > 0) storedStats.storedUsed++;
  if (JSON.stringify(status.figures) !== JSON.stringify(full)) throw new Error(`status on ${r.today} differs from a plan of the whole book:\n${JSON.stringify(status.figures)}\n${JSON.stringify(full)}`);
  const letters = planRun(readAccountFacts(db), r.policy, r.today, { letters: false }).actions.filter((a) => a.kind === 'letter').length;
  if (status.figures.lettersDueToday !== letters) throw new Error(`status says ${status.figures.lettersDueToday} letters due on ${r.today}, run --dry-run ${letters}`);
}

