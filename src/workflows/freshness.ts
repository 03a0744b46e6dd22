// The data-freshness rule shared by `run` and `export`: acting on an old import is how paid
// invoices get reminders, or go to the incassobureau.
import type { Db } from '../ledger/ledger.js';
import { AppError } from '../errors.js';
import { daysBetween } from '../domain/dates.js';
import { newestImport } from '../ledger/dunning.js';

export interface FreshnessOptions {
  allowStale: boolean;
  /** Only warn (a dry run says what the real command would refuse). */
  warnOnly?: boolean;
  /** Why old data is dangerous for this command. */
  why: string;
  /** Where a warnOnly warning goes. */
  warn?: (text: string) => void;
}

export function requireFreshData(db: Db, today: string, maxAge: number, options: FreshnessOptions): void {
  if (options.allowStale) return;
  const newest = newestImport(db);
  const age = newest ? daysBetween(newest.today, today) : null;
  if (age !== null && age <= maxAge) return;
  const message = newest
    ? `The newest import is from ${newest.today}, ${age} days before ${today} (maxDataAgeDays is ${maxAge}).`
    : 'The ledger has no imported invoices yet.';
  if (options.warnOnly) {
    options.warn?.(`${message} The real command will refuse until a fresh export is imported.`);
    return;
  }
  throw new AppError('stale_data', message, {
    hint: newest
      ? `${options.why} Import a fresh export first, or pass --allow-stale if you are sure.`
      : 'Import the open items first: `pre-incasso import <export.csv>`.',
  });
}
