// The "algemeen erkende feestdagen" of the Algemene termijnenwet (Atw, BWBR0002448), used to
// extend statutory terms (Atw art. 1) and for the delivery presumption of HR 25-11-2016.
//
// Atw art. 3 lid 1: Nieuwjaarsdag, the Christian second Easter and Whit days (Easter Monday, Whit
// Monday), both Christmas days, Ascension Day, the day the King's birthday is celebrated, and
// 5 May. Art. 3 lid 2 makes Good Friday equal to them. Easter Sunday and Whit Sunday are not in
// the list; they are Sundays, which Atw art. 1 treats as non-working days anyway.
//
// The rules are data (the package's `law/holidays.json`), passed in as a value: fixed dates,
// days relative to Easter Sunday and the King's Day rule. Days equated by decree under art. 3
// lid 3 (published in the Staatscourant, e.g. the Friday after Ascension) are not derivable by
// rule; they go in the file's `extraDates`. Leaving one out can only make a computed term end a
// day early; callers that print a date should add their own margin (legal-nl.md §2).
import { addDays, dateParts, isoFromParts, weekday, type IsoDate } from './dates.js';

export interface Holiday {
  date: IsoDate;
  name: string;
}

/** Easter Sunday in the Gregorian calendar (anonymous Gregorian computus, Meeus/Jones/Butcher). */
export function easterSunday(year: number): IsoDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return isoFromParts(year, month, day);
}

export type HolidayRule =
  | { name: string; rule: 'fixed'; month: number; day: number }
  | { name: string; rule: 'easter'; offset: number }
  | { name: string; rule: 'kingsday' };

export interface HolidayRules {
  rules: readonly HolidayRule[];
  /** Days equated by decree (Atw art. 3 lid 3), each with its name. */
  extraDates: readonly Holiday[];
  source: string;
}

/** Validates the JSON of `law/holidays.json`; every problem with its 1-based rule number (0 = the file). */
export function parseHolidayRules(raw: unknown): { rules: HolidayRules | null; problems: { row: number; message: string }[] } {
  const problems: { row: number; message: string }[] = [];
  const o = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
  if (!o || !Array.isArray(o.rules)) return { rules: null, problems: [{ row: 0, message: 'expected an object with a "rules" array' }] };
  const rules: HolidayRule[] = [];
  o.rules.forEach((entry: unknown, i: number) => {
    const r = (entry ?? {}) as Record<string, unknown>;
    const name = typeof r.name === 'string' && r.name.trim() !== '' ? r.name : null;
    if (!name) return problems.push({ row: i + 1, message: 'a rule needs a name' });
    if (r.rule === 'fixed' && Number.isInteger(r.month) && Number.isInteger(r.day) && (r.month as number) >= 1 && (r.month as number) <= 12 && (r.day as number) >= 1 && (r.day as number) <= 31) {
      rules.push({ name, rule: 'fixed', month: r.month as number, day: r.day as number });
    } else if (r.rule === 'easter' && Number.isInteger(r.offset) && Math.abs(r.offset as number) <= 100) {
      rules.push({ name, rule: 'easter', offset: r.offset as number });
    } else if (r.rule === 'kingsday') {
      rules.push({ name, rule: 'kingsday' });
    } else problems.push({ row: i + 1, message: 'expected {"rule":"fixed","month","day"}, {"rule":"easter","offset"} or {"rule":"kingsday"}' });
  });
  const extraDates: Holiday[] = [];
  const extra = Array.isArray(o.extraDates) ? o.extraDates : [];
  extra.forEach((entry: unknown, i: number) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    if (typeof e.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(e.date) || typeof e.name !== 'string') {
      problems.push({ row: rules.length + i + 1, message: 'an extra date needs {"date": "YYYY-MM-DD", "name": "..."}' });
    } else extraDates.push({ date: e.date, name: e.name });
  });
  const source = typeof o.source === 'string' ? o.source : '';
  return { rules: problems.length > 0 ? null : { rules, extraDates, source }, problems };
}

/**
 * The day the King's (Queen's) birthday is celebrated. Koningsdag since 2014: 27 April, or
 * 26 April when the 27th is a Sunday. Koninginnedag 1980-2013: 30 April, or 29 April when the
 * 30th is a Sunday.
 */
function kingsDay(year: number, name: string): Holiday {
  if (year >= 2014) {
    const d = isoFromParts(year, 4, 27);
    return { date: weekday(d) === 0 ? isoFromParts(year, 4, 26) : d, name };
  }
  const d = isoFromParts(year, 4, 30);
  return { date: weekday(d) === 0 ? isoFromParts(year, 4, 29) : d, name: 'Koninginnedag' };
}

// Claims handled by the tool are from this century; the Koninginnedag rule covers 2000-2013.
const FIRST_YEAR = 2000;
const LAST_YEAR = 2199;

/** The Atw holidays of one year under `law`, in date order. */
export function holidaysOf(year: number, law: HolidayRules): Holiday[] {
  if (!Number.isInteger(year) || year < FIRST_YEAR || year > LAST_YEAR) {
    throw new RangeError(`holidays are known for ${FIRST_YEAR}..${LAST_YEAR}, not ${year}`);
  }
  const easter = easterSunday(year);
  const list: Holiday[] = law.rules.map((r) =>
    r.rule === 'fixed' ? { date: isoFromParts(year, r.month, r.day), name: r.name }
      : r.rule === 'easter' ? { date: addDays(easter, r.offset), name: r.name }
        : kingsDay(year, r.name),
  );
  for (const e of law.extraDates) if (e.date.startsWith(`${year}-`)) list.push(e);
  // Ascension can fall on 5 May (e.g. 2016): keep one entry per date, both names.
  const byDate = new Map<IsoDate, string>();
  for (const h of list) byDate.set(h.date, byDate.has(h.date) ? `${byDate.get(h.date)} / ${h.name}` : h.name);
  return [...byDate].map(([date, name]) => ({ date, name })).sort((a, b) => (a.date < b.date ? -1 : 1));
}

const cache = new WeakMap<HolidayRules, Map<number, Set<IsoDate>>>();

export function isPublicHoliday(date: IsoDate, law: HolidayRules): boolean {
  const { year } = dateParts(date);
  let years = cache.get(law);
  if (!years) {
    years = new Map();
    cache.set(law, years);
  }
  let set = years.get(year);
  if (!set) {
    set = new Set(holidaysOf(year, law).map((h) => h.date));
    years.set(year, set);
  }
  return set.has(date);
}

/** A working day in the sense of Atw art. 1: not a Saturday, Sunday or Atw holiday. */
export function isWorkingDay(date: IsoDate, law: HolidayRules): boolean {
  const wd = weekday(date);
  return wd !== 0 && wd !== 6 && !isPublicHoliday(date, law);
}

/** `date` itself when it is a working day, otherwise the first working day after it (Atw art. 1). */
export function nextWorkingDay(date: IsoDate, law: HolidayRules): IsoDate {
  let d = date;
  while (!isWorkingDay(d, law)) d = addDays(d, 1);
  return d;
}
