// Calendar dates are `YYYY-MM-DD` strings. All date arithmetic lives here and works on whole
// days counted from 1970-01-01, so no time zone or daylight-saving change can shift a date.

export type IsoDate = string;

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export function isIsoDate(text: string): boolean {
  const m = ISO.exec(text);
  if (!m) return false;
  return isRealDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

function isRealDate(y: number, m: number, d: number): boolean {
  if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1) return false;
  return d <= daysInMonth(y, m);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  if (month === 2 && (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return 29;
  return MONTH_DAYS[month - 1]!;
}

export function isoFromParts(y: number, m: number, d: number): IsoDate {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function dateParts(date: IsoDate): { year: number; month: number; day: number } {
  const m = ISO.exec(date);
  if (!m) throw new RangeError(`not a date: ${date}`);
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

/** Whole days since 1970-01-01. */
export function toDayNumber(date: IsoDate): number {
  const { year, month, day } = dateParts(date);
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

export function fromDayNumber(n: number): IsoDate {
  const d = new Date(n * DAY_MS);
  return isoFromParts(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/** `to - from` in days: positive when `to` is later. */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

/** Adds calendar years; 29 February becomes 28 February in a common year. */
export function addYears(date: IsoDate, years: number): IsoDate {
  const { year, month, day } = dateParts(date);
  const y = year + years;
  return isoFromParts(y, month, Math.min(day, daysInMonth(y, month)));
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: IsoDate): number {
  return (((toDayNumber(date) + 4) % 7) + 7) % 7;
}

export const minDate = (a: IsoDate, b: IsoDate): IsoDate => (a <= b ? a : b);
export const maxDate = (a: IsoDate, b: IsoDate): IsoDate => (a >= b ? a : b);

export type DateParse = { ok: true; date: IsoDate } | { ok: false; reason: string };

/** How `a/b/yyyy` is read: day-first (Dutch, the default) or month-first (`--date-order mdy`). */
export type DateOrder = 'dmy' | 'mdy';

/**
 * Reads the date notations of Dutch exports: `YYYY-MM-DD`, `YYYYMMDD`, `DD-MM-YYYY`,
 * `D-M-YYYY`, `DD/MM/YYYY`, `DD.MM.YYYY`, and an Excel date cell's ISO form. Day-first unless
 * `order` is `mdy`: the order is decided per file and column (see `DayMonthShape`), never per
 * cell, and guessing would silently move due dates.
 */
export function parseDateText(text: string, order: DateOrder = 'dmy'): DateParse {
  const t = text.trim();
  // Fast path for the two notations of nearly every export (a million rows per import).
  if (t.length === 10) {
    const c = t.charCodeAt(2);
    if ((c === 45 || c === 47 || c === 46) && t.charCodeAt(5) === c) {
      const a = digits(t, 0, 2), b = digits(t, 3, 5), y = digits(t, 6, 10);
      if (a >= 0 && b >= 0 && y >= 0) {
        const [d, m] = order === 'dmy' ? [a, b] : [b, a];
        return isRealDate(y, m, d) ? { ok: true, date: isoFromParts(y, m, d) } : { ok: false, reason: 'no such calendar day' };
      }
    } else if (t.charCodeAt(4) === 45 && t.charCodeAt(7) === 45) {
      const y = digits(t, 0, 4), m = digits(t, 5, 7), d = digits(t, 8, 10);
      if (d >= 0 && m >= 0 && y >= 0) return isRealDate(y, m, d) ? { ok: true, date: t } : { ok: false, reason: 'no such calendar day' };
    }
  }
  let y: number, m: number, d: number;
  let match: RegExpExecArray | null;
  if ((match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t))) {
    [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else if ((match = /^(\d{4})(\d{2})(\d{2})$/.exec(t))) {
    [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else if ((match = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$/.exec(t))) {
    [d, m, y] = [Number(match[1]), Number(match[3]), Number(match[4])];
    if (order === 'mdy') [d, m] = [m, d];
  } else {
    return { ok: false, reason: 'not a date in a known notation' };
  }
  if (!isRealDate(y, m, d)) return { ok: false, reason: 'no such calendar day' };
  return { ok: true, date: isoFromParts(y, m, d) };
}

/**
 * What a `a?b?yyyy` date says about the order of day and month: `dmy` when only day-first reads
 * it (31-01-2026), `mdy` when only month-first does (01/31/2026), `ambiguous` when both do
 * (08/01/2026), `none` for other notations (ISO, YYYYMMDD) or no date at all. A column is read
 * one way: any `mdy` value makes the whole column month-first.
 */
export type DayMonthShape = 'dmy' | 'mdy' | 'ambiguous' | 'none';

export function dayMonthShape(text: string): { shape: DayMonthShape; separator: string } {
  const m = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$/.exec(text.trim());
  if (m === null) return { shape: 'none', separator: '' };
  const a = Number(m[1]), b = Number(m[3]), y = Number(m[4]);
  const dmy = isRealDate(y, b, a);
  const mdy = isRealDate(y, a, b);
  const shape: DayMonthShape = dmy && mdy ? (a === b ? 'none' : 'ambiguous') : dmy ? 'dmy' : mdy ? 'mdy' : 'none';
  return { shape, separator: m[2]! };
}

/**
 * The one parser of every date given on the command line (`--today`, `--since`, `--until`,
 * `--date`, `--due`, …): `YYYY-MM-DD`, `YYYYMMDD` or day-first `DD-MM-YYYY` (also with `/` or
 * `.`). A day-first-or-month-first value like `03/04/2026` is read day-first, as the Dutch
 * write it; `04/30/2026` (only month-first) is refused rather than guessed.
 */
export function parseDateOption(flag: string, text: string): { ok: true; date: IsoDate } | { ok: false; message: string; hint: string } {
  const parsed = parseDateText(text);
  if (parsed.ok) return parsed;
  const monthFirst = dayMonthShape(text).shape === 'mdy';
  return {
    ok: false,
    message: `${flag} "${text}" is not a date (${monthFirst ? 'it looks month-first; dates are day-first' : parsed.reason}).`,
    hint: `Write it as YYYY-MM-DD or DD-MM-YYYY, for example ${flag} 2026-11-23.`,
  };
}

/** The number written in text[from, to) when it is all digits, else -1. */
function digits(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

const MONTHS_NL = [
  'januari', 'februari', 'maart', 'april', 'mei', 'juni',
  'juli', 'augustus', 'september', 'oktober', 'november', 'december',
];
const MONTHS_EN = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];

/** `23 november 2026` (Dutch letters write the month in lower case). */
export function formatDateNl(date: IsoDate): string {
  const { year, month, day } = dateParts(date);
  return `${day} ${MONTHS_NL[month - 1]} ${year}`;
}

/** `23 November 2026`. */
export function formatDateEn(date: IsoDate): string {
  const { year, month, day } = dateParts(date);
  return `${day} ${MONTHS_EN[month - 1]} ${year}`;
}

export function formatDateLong(date: IsoDate, language: 'nl' | 'en'): string {
  return language === 'en' ? formatDateEn(date) : formatDateNl(date);
}

/** `23-11-2026`: tables in letters and the handover CSV for Dutch Excel. */
export function formatDateDmy(date: IsoDate): string {
  const { year, month, day } = dateParts(date);
  return `${String(day).padStart(2, '0')}-${String(month).padStart(2, '0')}-${year}`;
}

/** Adds calendar months; the day is clamped to the month's length (31 March + 1 month = 30 April). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const { year, month, day } = dateParts(date);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  return isoFromParts(y, m, Math.min(day, daysInMonth(y, m)));
}

/** Leap year in the Gregorian calendar. */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

// One formatter for the whole process: building an Intl formatter costs far more than using it.
let amsterdamFormat: Intl.DateTimeFormat | undefined;

/**
 * The calendar date in Europe/Amsterdam of an instant (SPEC §4): today's date for a command
 * without --today, the day a stored time stamp (an e-mail's `sent_at`) fell on. The instant is
 * passed in, the domain never reads the clock. Null for an invalid instant.
 */
export function amsterdamDate(instant: Date): IsoDate | null {
  if (Number.isNaN(instant.getTime())) return null;
  amsterdamFormat ??= new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit' });
  return amsterdamFormat.format(instant);
}
