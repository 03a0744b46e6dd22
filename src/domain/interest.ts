// Wettelijke rente (6:119 BW, consumer) and wettelijke handelsrente (6:119a BW, business).
//
// Design, following legal-nl.md §4:
// - Interest runs from the day after `dueDate` through `until`, both days included: 6:119a lid 1
//   lets handelsrente run "through the day of payment"; for consumers `dueDate` is the last day
//   before verzuim (pass the day before verzuim starts).
// - Yearly capitalisation is counted from the start of interest, not the calendar year: after each
//   full year the interest of that year is added to the principal (6:119 lid 2, 6:119a lid 3).
// - Segments split at every rate change (6:120: a new rate applies to running interest from its
//   effective date), at every anniversary of the start, and where a payment changes the base.
// - Day count: the law does not prescribe one. Default actual/365; 'act/act' divides the days
//   that fall in a leap year by 366.
// - Rounding: the interest of each interest year is summed exactly (BigInt) over its segments and
//   rounded half up to the cent once, when it is capitalised (or, for the last, incomplete year,
//   at the end). The total is the sum of those yearly amounts, so a sum of per-segment roundings
//   can never creep in (I1: 277.99 + 255.84 would give 533.83; the correct result is 533.82).
//   The per-segment `interestCents` in the output are display values allocated by cumulative
//   rounding inside the year: each differs from its exact value by less than one cent and they
//   add up exactly to the year's rounded amount.
// - Payments (simplification, documented): a payment reduces the interest-bearing base from the
//   day after it arrives (6:114 lid 2: paid when the account is credited; that day still bears
//   interest). It is applied to the base (principal plus capitalised interest) in full, although
//   6:44 lid 1 BW would apply it first to costs and interest; callers that must follow 6:44
//   exactly should impute payments themselves and pass the principal part only.
import { addDays, addYears, daysBetween, isIsoDate, isLeapYear, dateParts, type IsoDate } from './dates.js';
import { roundHalfUpDiv } from './money.js';
import {
  basisPointsToPercent,
  percentToBasisPoints,
  rateNeedsVerification,
  ratePercentOf,
  rateTableKnownUntil,
  type InterestType,
  type RateTable,
} from './interest-rates.js';

export type DayCount = 'act/365' | 'act/act';

export interface InterestPayment {
  date: IsoDate;
  amountCents: number;
}

export interface InterestInput {
  principalCents: number;
  type: InterestType;
  dueDate: IsoDate;
  until: IsoDate;
  payments?: InterestPayment[];
  dayCount?: DayCount;
  /** The rate table in force (law/rates.json plus the user's rows), passed in as a value. */
  rates: RateTable;
}

export interface InterestPeriod {
  from: IsoDate;
  /** Inclusive. */
  to: IsoDate;
  days: number;
  ratePercent: string;
  baseCents: number;
  /** Display value; see the rounding note at the top of this file. */
  interestCents: number;
}

export interface InterestResult {
  /** The principal as given (before capitalisation and payments). */
  principalCents: number;
  /** Total interest from the day after the due date through `until`. */
  interestCents: number;
  periods: InterestPeriod[];
  warnings: string[];
}

// Common denominator for both day counts: amount = base x days x bp / (10,000 x 365 or 366).
const DEN = 10_000n * 365n * 366n;

interface RateStep {
  from: IsoDate;
  bp: number;
}

/** The rate steps for one interest type, merging rows whose rate for that type did not change. */
function rateSteps(table: RateTable, type: InterestType): RateStep[] {
  const steps: RateStep[] = [];
  for (const row of table) {
    const bp = percentToBasisPoints(ratePercentOf(row, type));
    if (steps.length === 0 || steps[steps.length - 1]!.bp !== bp) steps.push({ from: row.from, bp });
  }
  return steps;
}

function assertDate(value: IsoDate, what: string): void {
  if (!isIsoDate(value)) throw new RangeError(`${what} is not a date (YYYY-MM-DD): '${value}'`);
}

/** Statutory interest with yearly capitalisation; see the design notes above. */
export function statutoryInterest(input: InterestInput): InterestResult {
  const { principalCents, type, dueDate, until } = input;
  const dayCount: DayCount = input.dayCount ?? 'act/365';
  if (!Number.isSafeInteger(principalCents) || principalCents < 0) {
    throw new RangeError(`principal must be whole, non-negative cents, got ${principalCents}`);
  }
  if (type !== 'consumer' && type !== 'business') throw new RangeError(`unknown interest type '${String(type)}'`);
  if (dayCount !== 'act/365' && dayCount !== 'act/act') throw new RangeError(`unknown day count '${String(dayCount)}'`);
  assertDate(dueDate, 'due date');
  assertDate(until, 'until');
  const payments = [...(input.payments ?? [])];
  for (const p of payments) {
    assertDate(p.date, 'payment date');
    if (!Number.isSafeInteger(p.amountCents) || p.amountCents <= 0) {
      throw new RangeError(`payment of ${p.date} must be whole, positive cents, got ${p.amountCents}`);
    }
  }
  payments.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));

  const start = addDays(dueDate, 1);
  const warnings: string[] = [];
  const result: InterestResult = { principalCents, interestCents: 0, periods: [], warnings };
  if (until < start) return result;

  if (!input.rates || input.rates.length === 0) throw new RangeError('no rate table given');
  const steps = rateSteps(input.rates, type);
  if (start < steps[0]!.from) {
    throw new RangeError(`the rate table starts on ${steps[0]!.from}; interest from ${start} cannot be computed`);
  }
  warnings.push(...rateWarnings(input.rates, type, start, until));

  // A payment lowers the base from the day after it arrives.
  const effective = payments.map((p) => ({ from: addDays(p.date, 1), amountCents: p.amountCents }));
  let base = BigInt(principalCents);
  let overpaid = false;
  const pay = (amount: number): void => {
    base -= BigInt(amount);
    if (base < 0n) {
      base = 0n;
      overpaid = true;
    }
  };
  let nextPayment = 0;
  while (nextPayment < effective.length && effective[nextPayment]!.from <= start) pay(effective[nextPayment++]!.amountCents);

  const end = addDays(until, 1); // exclusive
  let stepIndex = 0;
  while (stepIndex + 1 < steps.length && steps[stepIndex + 1]!.from <= start) stepIndex++;

  let yearNumber = 1;
  let anniversary = addYears(start, 1);
  let yearExact = 0n;
  let yearPeriods: { period: InterestPeriod; exact: bigint }[] = [];
  let total = 0;

  const closeYear = (): number => {
    const cents = roundHalfUpDiv(yearExact, DEN);
    // Cumulative rounding: each period gets round(running sum) - round(previous running sum).
    let running = 0n;
    let allocated = 0;
    for (const entry of yearPeriods) {
      running += entry.exact;
      const upTo = roundHalfUpDiv(running, DEN);
      entry.period.interestCents = upTo - allocated;
      allocated = upTo;
    }
    yearExact = 0n;
    yearPeriods = [];
    return cents;
  };

  let cursor = start;
  while (cursor < end) {
    let next = end;
    if (anniversary < next) next = anniversary;
    const stepAfter = steps[stepIndex + 1];
    if (stepAfter && stepAfter.from < next) next = stepAfter.from;
    const paymentAfter = effective[nextPayment];
    if (paymentAfter && paymentAfter.from < next) next = paymentAfter.from;
    const { year } = dateParts(cursor);
    const newYear = `${year + 1}-01-01`;
    // act/act changes the divisor on 1 January when a leap year starts or ends.
    if (dayCount === 'act/act' && newYear < next && isLeapYear(year) !== isLeapYear(year + 1)) next = newYear;

    const days = daysBetween(cursor, next);
    const bp = steps[stepIndex]!.bp;
    const divisorIs366 = dayCount === 'act/act' && isLeapYear(year);
    const exact = base * BigInt(days) * BigInt(bp) * (divisorIs366 ? 365n : 366n);
    const period: InterestPeriod = {
      from: cursor,
      to: addDays(next, -1),
      days,
      ratePercent: basisPointsToPercent(bp),
      baseCents: Number(base),
      interestCents: 0,
    };
    result.periods.push(period);
    yearPeriods.push({ period, exact });
    yearExact += exact;

    cursor = next;
    if (cursor === anniversary) {
      // 6:119 lid 2 / 6:119a lid 3: the year's interest joins the principal.
      const cents = closeYear();
      total += cents;
      base += BigInt(cents);
      yearNumber++;
      anniversary = addYears(start, yearNumber);
    }
    while (stepIndex + 1 < steps.length && steps[stepIndex + 1]!.from <= cursor) stepIndex++;
    while (nextPayment < effective.length && effective[nextPayment]!.from <= cursor) pay(effective[nextPayment++]!.amountCents);
  }
  if (yearPeriods.length > 0) total += closeYear();

  if (overpaid) warnings.push('Payments exceed the principal plus capitalised interest; the excess was ignored.');
  result.interestCents = total;
  return result;
}

/** Warnings for unconfirmed rates in the window and for days beyond the known table. */
function rateWarnings(table: RateTable, type: InterestType, start: IsoDate, until: IsoDate): string[] {
  const warnings: string[] = [];
  const knownUntil = rateTableKnownUntil(table);
  table.forEach((row, i) => {
    const nextFrom = table[i + 1]?.from ?? knownUntil;
    const overlaps = row.from <= until && nextFrom > start;
    if (overlaps && rateNeedsVerification(row, type)) {
      warnings.push(
        `The ${type === 'consumer' ? '6:119' : '6:119a'} rate of ${ratePercentOf(row, type)}% from ${row.from} ` +
          `is not confirmed by a primary source (VERIFY in the rate table; 'pre-incasso calc rates' shows its source).`,
      );
    }
  });
  if (until >= knownUntil) {
    warnings.push(
      `The rate table does not cover ${knownUntil} or later; the last known rate was used ` +
        `from then on. Please update the rate table.`,
    );
  }
  return warnings;
}
