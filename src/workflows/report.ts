// `report` and `forecast`: the workflows behind the two commands. The report's document is
// assembled in src/report/document.ts, beside the HTML and CSV drawn from it.
import { withLedger, type LedgerAt } from './ledger-session.js';
import type { Config } from '../config/schema.js';
import type { Law } from '../domain/law.js';
import type { IsoDate } from '../domain/dates.js';
import type { ForecastDay } from '../domain/report/forecast.js';
import { assembleReport, type ReportDocument } from '../report/document.js';

export type { ReportDocument };

export function buildReport(at: LedgerAt, config: Config, today: IsoDate): ReportDocument {
  return withLedger(at, { readonly: true }, (db) => assembleReport(db, config, today));
}

/** `forecast`: the planner run forward over a copy of the book. */
export async function buildForecast(at: LedgerAt, config: Config, law: Law, today: IsoDate, days: number): Promise<{ today: IsoDate; days: number; schedule: ForecastDay[] }> {
  // Loaded here, not above: `report` does not plan, and need not load the planner.
  const { forecast } = await import('../domain/report/forecast.js');
  const { policyFromConfig } = await import('../config/policy.js');
  const { readDunningSnapshot } = await import('../ledger/dunning.js');
  // The snapshot is read lazily, while the planner runs: inside the ledger's opening.
  const schedule = withLedger(at, { readonly: true }, (db) => forecast(readDunningSnapshot(db), policyFromConfig(config, law, today), today, days));
  return { today, days, schedule };
}
