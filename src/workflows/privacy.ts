// The AVG jobs: `debtor export <number>` (right of access, art. 15 GDPR) and `purge --before <date>`
// (storage limitation, art. 5(1)(e); the administration is kept 7 years, AWR art. 52 lid 4).
import fs from 'node:fs';
import type { Db } from '../ledger/ledger.js';
import { purgeCandidates, purgeDebtor, readDebtorRecord, type PurgeCandidate } from '../ledger/privacy.js';
import { AppError } from '../errors.js';
import { addYears } from '../domain/dates.js';

/** Writes everything the ledger holds on one debtor as JSON, mode 0600, never over an existing file or link. */
export function exportDebtor(db: Db, debtor: string, file: string, today: string): { file: string; counts: Record<string, number> } {
  const record = readDebtorRecord(db, debtor);
  if (!record) throw new AppError('not_found', `No debtor ${JSON.stringify(debtor)} in the ledger.`, { hint: '`pre-incasso status` lists the debtors.' });
  const doc = { kind: 'pre-incasso/debtor-export', basis: 'art. 15 GDPR (AVG)', exported_on: today, ...record };
  try {
    // 'wx': fails when the path exists, a symlink included, so nothing is written through a link.
    fs.writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new AppError('usage', `${file} already exists.`, { hint: 'Choose another --out file; an export never overwrites.' });
    throw error;
  }
  const counts = Object.fromEntries(Object.entries(record).filter(([, v]) => Array.isArray(v)).map(([k, v]) => [k, (v as unknown[]).length]));
  return { file, counts };
}

/** The last day whose dossiers may be purged today: `retentionYears` before today. */
export function retentionLimit(today: string, retentionYears: number): string {
  return addYears(today, -retentionYears);
}

/** Purges the closed dossiers last active before `before`, in one transaction. */
export function purgeDossiers(db: Db, before: string, today: string, retentionYears: number, dryRun: boolean): { purged: PurgeCandidate[] } {
  const limit = retentionLimit(today, retentionYears);
  if (before > limit) {
    throw new AppError('usage', `--before ${before} is inside the retention period of ${retentionYears} years (the latest allowed is ${limit}).`, {
      hint: 'The administration must be kept 7 years (AWR art. 52 lid 4); change retention.years in the config only with your accountant.',
    });
  }
  const candidates = purgeCandidates(db, before);
  if (!dryRun) db.transaction(() => candidates.forEach((c) => purgeDebtor(db, c.debtor, today)))();
  return { purged: candidates };
}
