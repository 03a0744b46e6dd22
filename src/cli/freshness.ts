// The data-freshness rule (src/workflows/freshness.ts) with the command's day and warnings.
import type { Context } from './context.js';
import type { Db } from '../ledger/ledger.js';
import { requireFreshData as requireFresh, type FreshnessOptions } from '../workflows/freshness.js';

export type { FreshnessOptions };

export function requireFreshData(ctx: Context, db: Db, maxAge: number, options: FreshnessOptions): void {
  requireFresh(db, ctx.today, maxAge, { warn: (text) => ctx.out.warn(text), ...options });
}
