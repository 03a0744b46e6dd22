// The "algemeen erkende feestdagen" of the Algemene termijnenwet (Atw, BWBR0002448), used to
// extend statutory terms (Atw art. 1) and for the delivery presumption of HR 25-11-2016.
//
// Atw art. 3 lid 1: Nieuwjaarsdag, the Christian second Easter and Whit days (Easter Monday, Whit
// Monday), both Christmas days, Ascension Day, the day the King's birthday is celebrated, and
// 5 May. Art. 3 lid 2 makes Good Friday equal to them. Easter Sunday and Whit Sunday are not in
// the list; they are Sundays, which Atw art. 1 treats as non-working days anyway.
//
// Not included: days equated by decree under art. 3 lid 3 (published in the Staatscourant,
// roughly every three years, e.g. the Friday after Ascension). They are not derivable by rule; a
// caller that wants them must add them as data. Leaving them out can only make a computed term
// end a day early; callers that print a date should add their own margin (legal-nl.md §2).
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

/**
 * The day the King's (Queen's) birthday is celebrated. Koningsdag since 2014: 27 April, or
 * 26 April when the 27th is a Sunday. Koninginnedag 1980-2013: 30 April, or 29 April when the
 * 30th is a Sunday.
 */
function kingsDay(year: number): Holiday {
  if (year >= 2014) {
    const d = isoFromParts(year, 4, 27);
    return { date: weekday(d) === 0 ? isoFromParts(year, 4, 26) : d, name: 'Koningsdag' };
  }
  const d = isoFromParts(year, 4, 30);
  return { date: weekday(d) === 0 ? isoFromParts(year, 4, 29) : d, name: 'Koninginnedag' };
}

// Claims handled by the tool are from this century; the Koninginnedag rule covers 2000-2013.
const FIRST_YEAR = 2000;
const LAST_YEAR = 2199;

/** The Atw holidays of one year, in date order. */
export function holidaysOf(year: number): Holiday[] {
  if (!Number.isInteger(year) || year < FIRST_YEAR || year > LAST_YEAR) {
    throw new RangeError(`holidays are known for ${FIRST_YEAR}..${LAST_YEAR}, not ${year}`);
  }
  const easter = easterSunday(year);
  const list: Holiday[] = [
    { date: isoFromParts(year, 1, 1), name: 'Nieuwjaarsdag' },
    { date: addDays(easter, -2), name: 'Goede Vrijdag' },
    { date: addDays(easter, 1), name: 'Tweede Paasdag' },
    kingsDay(year),
    { date: isoFromParts(year, 5, 5), name: 'Bevrijdingsdag' },
    { date: addDays(easter, 39), name: 'Hemelvaartsdag' },
    { date: addDays(easter, 50), name: 'Tweede Pinksterdag' },
    { date: isoFromParts(year, 12, 25), name: 'Eerste Kerstdag' },
    { date: isoFromParts(year, 12, 26), name: 'Tweede Kerstdag' },
  ];
  // Ascension can fall on 5 May (e.g. 2016): keep one entry per date, both names.
  const byDate = new Map<IsoDate, string>();
  for (const h of list) byDate.set(h.date, byDate.has(h.date) ? `${byDate.get(h.date)} / ${h.name}` : h.name);
  return [...byDate].map(([date, name]) => ({ date, name })).sort((a, b) => (a.date < b.date ? -1 : 1));
}

const cache = new Map<number, Set<IsoDate>>();

export function isPublicHoliday(date: IsoDate): boolean {
  const { year } = dateParts(date);
  let set = cache.get(year);
  if (!set) {
    set = new Set(holidaysOf(year).map((h) => h.date));
    cache.set(year, set);
  }
  return set.has(date);
}

/** A working day in the sense of Atw art. 1: not a Saturday, Sunday or Atw holiday. */
export function isWorkingDay(date: IsoDate): boolean {
  const wd = weekday(date);
  return wd !== 0 && wd !== 6 && !isPublicHoliday(date);
}

/** `date` itself when it is a working day, otherwise the first working day after it (Atw art. 1). */
export function nextWorkingDay(date: IsoDate): IsoDate {
  let d = date;
  while (!isWorkingDay(d)) d = addDays(d, 1);
  return d;
}
