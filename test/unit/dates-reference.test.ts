// src/domain/dates.ts against date-fns (issue 18 item 7): date-fns is the reference, the domain
// keeps its own small integer-day arithmetic (no Date objects, no time zone on any path).
import fc from 'fast-check';
import { addDays as fnsAddDays, addMonths as fnsAddMonths, addYears as fnsAddYears, differenceInCalendarDays, format, getDay, parse as fnsParse } from 'date-fns';
import { nl } from 'date-fns/locale/nl';
import { describe, expect, it } from 'vitest';
import { addDays, addMonths, addYears, daysBetween, formatDateDmy, formatDateNl, isoFromParts, parseDateText, weekday } from '../../src/domain/dates.js';

/** A calendar day as a local Date at noon (date-fns works in local time; noon avoids DST edges). */
const local = (iso: string): Date => new Date(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10)), 12);
const iso = (d: Date): string => isoFromParts(d.getFullYear(), d.getMonth() + 1, d.getDate());

const day = fc.date({ min: new Date(Date.UTC(1950, 0, 1)), max: new Date(Date.UTC(2150, 11, 31)), noInvalidDate: true }).map((d) => isoFromParts(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()));

describe('dates.ts agrees with date-fns', () => {
  it('addDays, daysBetween and weekday', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: -4000, max: 4000 }), (d, n) => {
        expect(addDays(d, n)).toBe(iso(fnsAddDays(local(d), n)));
        expect(daysBetween(d, addDays(d, n))).toBe(differenceInCalendarDays(local(addDays(d, n)), local(d)));
        expect(weekday(d)).toBe(getDay(local(d)));
      }),
      { numRuns: 500 },
    );
  });

  it('addMonths and addYears clamp to the end of the month like date-fns', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: -36, max: 36 }), (d, n) => {
        expect(addMonths(d, n)).toBe(iso(fnsAddMonths(local(d), n)));
        expect(addYears(d, n)).toBe(iso(fnsAddYears(local(d), n)));
      }),
      { numRuns: 500 },
    );
  });

  it('Dutch long dates as date-fns writes them with the nl locale', () => {
    fc.assert(
      fc.property(day, (d) => {
        expect(formatDateNl(d)).toBe(format(local(d), 'd MMMM yyyy', { locale: nl }));
        expect(formatDateDmy(d)).toBe(format(local(d), 'dd-MM-yyyy'));
      }),
      { numRuns: 300 },
    );
  });

  it('parseDateText reads DD-MM-YYYY and DD/MM/YYYY as date-fns parses dd-MM-yyyy', () => {
    fc.assert(
      fc.property(day, fc.constantFrom('-', '/', '.'), (d, sep) => {
        const text = formatDateDmy(d).replaceAll('-', sep);
        expect(parseDateText(text)).toEqual({ ok: true, date: iso(fnsParse(text, `dd${sep}MM${sep}yyyy`, local(d))) });
      }),
      { numRuns: 300 },
    );
  });
});
