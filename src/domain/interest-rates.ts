// The statutory interest rates as dated data (legal-nl.md §4). The rows live in the package's
// `law/rates.json` (and optionally a user file named by the config key `law.ratesFile`); this module
// only validates, merges and reads such a table, which callers pass in as a value.
//
// The non-commercial rate of 6:119 BW is set by AMvB (6:120 lid 1); the commercial rate of
// 6:119a/6:119b is the ECB main refinancing rate before the half-year + 8 points, fixed per
// half-year (6:120 lid 2). A new rate applies to running interest from its effective date. Rows
// marked `verify` were not confirmed against a primary source: a human must check them, and the
// tool warns when it uses them.
import { addMonths, isIsoDate, type IsoDate } from './dates.js';

export type InterestType = 'consumer' | 'business';

export interface RateRow {
  /** First day the row applies. */
  from: IsoDate;
  /** 6:119 BW (wettelijke rente), percent per year as written, e.g. '2', '6'. */
  consumerPercent: string;
  /** 6:119a/6:119b BW (wettelijke handelsrente), percent per year, e.g. '11.15'. */
  businessPercent: string;
  source: string;
  /** Some figure in this row is not confirmed by a primary source. */
  verify: boolean;
  /** Which of the two figures is unconfirmed (a row-level flag would warn B2B users needlessly). */
  verifyRates: { consumer: boolean; business: boolean };
  /** Where the row came from: the shipped table or the user's file. */
  origin: string;
}

/** Rows in date order, one per `from`. */
export type RateTable = readonly RateRow[];

export interface RowProblem {
  /** 1-based row number in the file's `rows` array; 0 for the file as a whole. */
  row: number;
  field: string | null;
  message: string;
}

const PERCENT = /^(\d{1,3})(?:\.(\d{1,2}))?$/;

/**
 * Validates the JSON of a rate file (`{ "rows": [ { from, consumer, business, source, verify } ] }`)
 * and returns its rows in date order, or every problem with the row it is in. Pure: the caller
 * reads the file.
 */
export function parseRateRows(raw: unknown, origin: string): { rows: RateRow[]; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const rows: RateRow[] = [];
  const list = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as { rows?: unknown }).rows : undefined;
  if (!Array.isArray(list)) {
    return { rows, problems: [{ row: 0, field: 'rows', message: 'expected an object with a "rows" array' }] };
  }
  const seen = new Set<string>();
  list.forEach((entry, i) => {
    const n = i + 1;
    const bad = (field: string | null, message: string): void => {
      problems.push({ row: n, field, message });
    };
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return bad(null, 'expected an object');
    const r = entry as Record<string, unknown>;
    const known = new Set(['from', 'consumer', 'business', 'source', 'verify', '$comment']);
    for (const key of Object.keys(r)) if (!known.has(key)) bad(key, `unknown field "${key}" (known: from, consumer, business, source, verify)`);
    const from = r.from;
    if (typeof from !== 'string' || !isIsoDate(from)) bad('from', `expected a date YYYY-MM-DD, got ${JSON.stringify(from)}`);
    else if (seen.has(from)) bad('from', `${from} appears twice in this file`);
    else seen.add(from);
    for (const field of ['consumer', 'business'] as const) {
      const v = r[field];
      if (typeof v !== 'string' || !PERCENT.test(v)) bad(field, `expected a percentage as text with at most two decimals, e.g. "10.40", got ${JSON.stringify(v)}`);
    }
    if (typeof r.source !== 'string' || r.source.trim() === '') bad('source', 'every row needs its source (statute, gazette or the page it was taken from)');
    let verifyRates = { consumer: false, business: false };
    const v = r.verify;
    if (typeof v === 'boolean') verifyRates = { consumer: v, business: v };
    else if (v !== null && typeof v === 'object' && typeof (v as Record<string, unknown>).consumer === 'boolean' && typeof (v as Record<string, unknown>).business === 'boolean') {
      verifyRates = { consumer: (v as { consumer: boolean }).consumer, business: (v as { business: boolean }).business };
    } else bad('verify', 'expected true/false or { "consumer": true/false, "business": true/false }');
    if (problems.some((p) => p.row === n)) return;
    rows.push({
      from: from as string,
      consumerPercent: r.consumer as string,
      businessPercent: r.business as string,
      source: (r.source as string).trim(),
      verify: verifyRates.consumer || verifyRates.business,
      verifyRates,
      origin,
    });
  });
  rows.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  return { rows, problems };
}

/** The shipped rows with the user's rows added; a user row with the same `from` replaces the shipped one. */
export function mergeRateTables(base: RateTable, extra: RateTable): RateTable {
  const byFrom = new Map<IsoDate, RateRow>();
  for (const row of base) byFrom.set(row.from, row);
  for (const row of extra) byFrom.set(row.from, row);
  return Object.freeze([...byFrom.values()].sort((a, b) => (a.from < b.from ? -1 : 1)).map((r) => Object.freeze(r)));
}

/** Start of the last period the table knows. */
export function lastRatePeriodStart(table: RateTable): IsoDate {
  const last = table[table.length - 1];
  if (!last) throw new RangeError('the rate table is empty');
  return last.from;
}

/** First day not covered by the table: both rates are fixed per half-year (6:120), so six months after the last row. */
export function rateTableKnownUntil(table: RateTable): IsoDate {
  return addMonths(lastRatePeriodStart(table), 6);
}

/**
 * Warns when `today` lies in a half-year the table does not know yet: from the last row's date
 * + 6 months on a newer rate may apply.
 */
export function rateTableWarning(table: RateTable, today: IsoDate): string | null {
  const until = rateTableKnownUntil(table);
  if (today < until) return null;
  return (
    `The statutory interest rate table ends with the period starting ${lastRatePeriodStart(table)}; ` +
    `rates may have changed on ${until}. Please update the rate table: add a row to your own rates file ` +
    `(config key law.ratesFile; \`pre-incasso calc rates\` shows the table) from rijksoverheid.nl "Hoe hoog is de wettelijke rente?".`
  );
}

/** '11.15' → 1115 basis points; exact, so interest can be computed without floats. */
export function percentToBasisPoints(percent: string): number {
  const m = PERCENT.exec(percent);
  if (!m) throw new RangeError(`not a percentage with at most two decimals: '${percent}'`);
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** 1115 → '11.15', 200 → '2.00'. */
export function basisPointsToPercent(bp: number): string {
  return `${Math.floor(bp / 100)}.${String(bp % 100).padStart(2, '0')}`;
}

export function ratePercentOf(row: RateRow, type: InterestType): string {
  return type === 'consumer' ? row.consumerPercent : row.businessPercent;
}

/** Is the figure this interest type uses from this row unconfirmed? */
export function rateNeedsVerification(row: RateRow, type: InterestType): boolean {
  return row.verifyRates[type];
}

/** The row in force on `date`, or null before the table starts. */
export function rateRowOn(table: RateTable, date: IsoDate): RateRow | null {
  let found: RateRow | null = null;
  for (const row of table) {
    if (row.from <= date) found = row;
    else break;
  }
  return found;
}

/** The rows in force on or after `since` (the row in force on `since` first). */
export function rowsInForce(table: RateTable, since: IsoDate): RateRow[] {
  const current = rateRowOn(table, since);
  return table.filter((r) => r === current || r.from > since);
}
