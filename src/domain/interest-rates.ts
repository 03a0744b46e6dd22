// The statutory interest rates as dated data (legal-nl.md §4). The non-commercial rate of 6:119 BW
// is set by AMvB (6:120 lid 1); the commercial rate of 6:119a/6:119b is the ECB main refinancing
// rate before the half-year + 8 points, fixed per half-year (6:120 lid 2). A new rate applies to
// running interest from its effective date. Rows marked `verify` were not confirmed against a
// primary source: a human must check them before release, and the tool warns when it uses them.
import { addMonths, type IsoDate } from './dates.js';

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
  verifyRates?: { consumer: boolean; business: boolean };
}

const ZERO_MRO = 'MRO 0.00% from 16-03-2016 until 27-07-2022 (Banque de France table) [2]; 6:119 rate unchanged since Stb. 2014, 491';

/** 2017-01-01 .. 2022-07-01: one row per half-year, because 6:120 lid 2 fixes the rate per half-year. */
function zeroRateHalfYears(): RateRow[] {
  const rows: RateRow[] = [];
  for (let year = 2017; year <= 2022; year++) {
    for (const month of ['01', '07']) {
      rows.push({ from: `${year}-${month}-01`, consumerPercent: '2', businessPercent: '8.00', source: ZERO_MRO, verify: false });
    }
  }
  return rows;
}

export const RATE_TABLE: readonly RateRow[] = Object.freeze([
  { from: '2015-01-01', consumerPercent: '2', businessPercent: '8.05', source: 'Stb. 2014, 491 [S]; MRO 0.05% (10-09-2014) [2]', verify: false },
  { from: '2015-07-01', consumerPercent: '2', businessPercent: '8.05', source: 'unchanged', verify: false },
  { from: '2016-01-01', consumerPercent: '2', businessPercent: '8.05', source: 'https://www.rechtnet.nl/wettelijke-rente-per-1-januari-2016/ [2]', verify: false },
  { from: '2016-07-01', consumerPercent: '2', businessPercent: '8.00', source: 'MRO 0.00% from 16-03-2016 (Banque de France table) [2]', verify: false },
  ...zeroRateHalfYears(),
  { from: '2023-01-01', consumerPercent: '4', businessPercent: '10.50', source: 'https://www.debloggendeadvocaat.nl/2023/07/09/wettelijke-rentes-weer-verhoogd/ [2]; MRO 2.50% (21-12-2022)', verify: false },
  { from: '2023-07-01', consumerPercent: '6', businessPercent: '12.00', source: 'debloggendeadvocaat.nl (same) [2]; MRO 4.00% (21-06-2023)', verify: false },
  { from: '2024-01-01', consumerPercent: '7', businessPercent: '12.50', source: 'Stb. 2023, 484 (per feitsmaverhagen.nl) [S][2]; e-justice.europa.eu NL page [G]', verify: false },
  { from: '2024-07-01', consumerPercent: '7', businessPercent: '12.25', source: 'https://mijn.metaalunie.nl/Advies/Detail/wettelijke-rente-per-1-juli-2024 [2]', verify: false },
  { from: '2025-01-01', consumerPercent: '6', businessPercent: '11.15', source: 'https://www.vvoadvocatuur.nl/post/wettelijke-rente-omhoog [2]; MRO 3.15% (18-12-2024)', verify: false },
  {
    from: '2025-07-01', consumerPercent: '6', businessPercent: '10.15',
    source: 'vanlaarhovenenpartners.nl (25-09-2025) [2]; MRO 2.15% (11-06-2025); the published formula would give 5% for 6:119',
    verify: true, verifyRates: { consumer: true, business: false },
  },
  {
    from: '2026-01-01', consumerPercent: '4', businessPercent: '10.15',
    source: 'only a third-party code table + formula (MRO 2.15% unchanged since June 2025)',
    verify: true, verifyRates: { consumer: true, business: true },
  },
].map((row) => Object.freeze(row)));

/** Start of the last period the table knows. A new half-year starts six months later. */
export const LAST_RATE_PERIOD_START: IsoDate = RATE_TABLE[RATE_TABLE.length - 1]!.from;

/** First day not covered by the table: the rate may have changed from here on. */
export const RATE_TABLE_KNOWN_UNTIL: IsoDate = addMonths(LAST_RATE_PERIOD_START, 6);

/**
 * Warns when `today` lies in a half-year the table does not know yet: both rates are fixed per
 * half-year (6:120), so from LAST_RATE_PERIOD_START + 6 months on a newer rate may apply.
 */
export function rateTableWarning(today: IsoDate): string | null {
  if (today < RATE_TABLE_KNOWN_UNTIL) return null;
  return (
    `The statutory interest rate table ends with the period starting ${LAST_RATE_PERIOD_START}; ` +
    `rates may have changed on ${RATE_TABLE_KNOWN_UNTIL}. Please update the rate table ` +
    `(rijksoverheid.nl "Hoe hoog is de wettelijke rente?") before relying on interest amounts.`
  );
}

/** '11.15' → 1115 basis points; exact, so interest can be computed without floats. */
export function percentToBasisPoints(percent: string): number {
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(percent);
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
  if (!row.verify) return false;
  return row.verifyRates ? row.verifyRates[type] : true;
}

/** The row in force on `date`, or null before the table starts. */
export function rateRowOn(date: IsoDate): RateRow | null {
  let found: RateRow | null = null;
  for (const row of RATE_TABLE) {
    if (row.from <= date) found = row;
    else break;
  }
  return found;
}
