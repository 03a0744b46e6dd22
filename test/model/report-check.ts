// The report's book now (src/report/book-now.ts) both ways, after every step of a season: from
// the status shares stored for the day and from grouped queries over the invoices, the figures
// (aging, stages, handed over, the largest debtors) must be the very same. The shares are stored
// inside a savepoint that is rolled back, so the season's ledger is left as the step left it.
import type { Ledger } from '../../src/ledger/ledger.js';
import type { Policy } from '../../src/domain/plan.js';
import { readBookNow } from '../../src/report/book-now.js';
import { readAccountCorrections } from '../../src/ledger/report.js';
import { dunningFigures } from '../../src/workflows/status.js';

export const reportStats = { checked: 0, fromShares: 0, withCorrections: 0 };

export function checkReportBook(r: { ledger: Ledger; policy: Policy; today: string }): void {
  const db = r.ledger.db;
  const stageIds = r.policy.stages.map((s) => s.id);
  const corrections = readAccountCorrections(db, r.today);
  // A small top list, so that ties and the cut are exercised on a model-sized book.
  const limit = 3;
  const { source: _a, ...invoices } = readBookNow(db, r.today, stageIds, limit, corrections, { source: 'invoices' });
  db.exec('SAVEPOINT report_check');
  try {
    const debtors = db.prepare('SELECT count(*) FROM debtors').pluck().get() as number;
    dunningFigures(db, r.policy, r.today, { store: true, need: { stored: 0, stale: null, debtors } });
    const { source, ...shares } = readBookNow(db, r.today, stageIds, limit, corrections);
    // `status` stores nothing when no debtor has anything open: then the invoices' way is the only one.
    const stored = db.prepare('SELECT count(*) FROM debtor_status WHERE planned_on = ?').pluck().get(r.today) as number;
    if (stored > 0 && source !== 'shares') throw new Error(`the report did not read the ${stored} shares stored for ${r.today} (${debtors} debtors)`);
    if (source === 'shares') reportStats.fromShares++;
    if (JSON.stringify(shares) !== JSON.stringify(invoices)) {
      throw new Error(`the report's book on ${r.today} differs between the stored shares and the invoices:\n${JSON.stringify(shares)}\n${JSON.stringify(invoices)}`);
    }
  } finally {
    db.exec('ROLLBACK TO report_check');
    db.exec('RELEASE report_check');
  }
  reportStats.checked++;
  if (corrections.length > 0) reportStats.withCorrections++;
}
