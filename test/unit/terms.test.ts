import { describe, it, expect } from 'vitest';
import { easterSunday, holidaysOf, isPublicHoliday, isWorkingDay, nextWorkingDay } from '../../src/domain/holidays.js';
import { fourteenDayTerm, presumedDelivery, type DeliveryChannel } from '../../src/domain/terms.js';
import { limitationDate, limitationWarning } from '../../src/domain/limitation.js';
import { addDays, daysBetween } from '../../src/domain/dates.js';
import { HOLIDAYS, LAW } from '../helpers/law.js';

describe('Atw holidays (Algemene termijnenwet art. 3)', () => {
  it('2025: King\'s Day on Saturday 26 April because 27 April is a Sunday', () => {
    expect(holidaysOf(2025, HOLIDAYS)).toEqual([
      { date: '2025-01-01', name: 'Nieuwjaarsdag' },
      { date: '2025-04-18', name: 'Goede Vrijdag' },
      { date: '2025-04-21', name: 'Tweede Paasdag' },
      { date: '2025-04-26', name: 'Koningsdag' },
      { date: '2025-05-05', name: 'Bevrijdingsdag' },
      { date: '2025-05-29', name: 'Hemelvaartsdag' },
      { date: '2025-06-09', name: 'Tweede Pinksterdag' },
      { date: '2025-12-25', name: 'Eerste Kerstdag' },
      { date: '2025-12-26', name: 'Tweede Kerstdag' },
    ]);
  });

  it('2026: King\'s Day on Monday 27 April, Ascension 14 May', () => {
    expect(holidaysOf(2026, HOLIDAYS).map((h) => h.date)).toEqual([
      '2026-01-01', '2026-04-03', '2026-04-06', '2026-04-27', '2026-05-05',
      '2026-05-14', '2026-05-25', '2026-12-25', '2026-12-26',
    ]);
  });

  it.each([
    [2008, '2008-03-23'],
    [2016, '2016-03-27'],
    [2019, '2019-04-21'],
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2038, '2038-04-25'],
  ])('Easter Sunday %i is %s', (year, date) => {
    expect(easterSunday(year)).toBe(date);
  });

  it.each([2031, 2036, 2042])('King\'s Day %i moves to 26 April (27 April is a Sunday)', (year) => {
    expect(isPublicHoliday(`${year}-04-26`, HOLIDAYS)).toBe(true);
    expect(isPublicHoliday(`${year}-04-27`, HOLIDAYS)).toBe(false);
  });

  it('Koninginnedag before 2014: 30 April, 29 April when the 30th is a Sunday (2006)', () => {
    expect(isPublicHoliday('2013-04-30', HOLIDAYS)).toBe(true);
    expect(isPublicHoliday('2006-04-29', HOLIDAYS)).toBe(true);
    expect(isPublicHoliday('2006-04-30', HOLIDAYS)).toBe(false);
  });

  it('Ascension on 5 May (2016) is one entry with both names', () => {
    const h = holidaysOf(2016, HOLIDAYS);
    expect(h).toHaveLength(8);
    expect(h.find((x) => x.date === '2016-05-05')!.name).toBe('Bevrijdingsdag / Hemelvaartsdag');
  });

  it('Easter Sunday and Whit Sunday are not listed (they are Sundays; Atw art. 3 names the second days)', () => {
    expect(isPublicHoliday('2025-04-20', HOLIDAYS)).toBe(false);
    expect(isWorkingDay('2025-04-20', HOLIDAYS)).toBe(false);
  });

  it.each([
    ['2025-01-06', true, 'an ordinary Monday'],
    ['2025-01-11', false, 'a Saturday'],
    ['2025-01-12', false, 'a Sunday'],
    ['2025-04-18', false, 'Good Friday (art. 3 lid 2)'],
    ['2025-05-05', false, 'Bevrijdingsdag'],
    ['2025-12-24', true, 'Christmas Eve'],
    ['2025-12-31', true, 'New Year\'s Eve'],
  ])('%s is a working day: %s (%s)', (date, working) => {
    expect(isWorkingDay(date, HOLIDAYS)).toBe(working);
  });

  it.each([
    ['2025-01-06', '2025-01-06', 'a working day stays'],
    ['2025-01-25', '2025-01-27', 'Saturday → Monday'],
    ['2025-12-25', '2025-12-29', 'Christmas Thursday → Monday after the weekend'],
    ['2025-04-18', '2025-04-22', 'Good Friday → Tuesday after Easter Monday'],
    ['2026-05-14', '2026-05-15', 'Ascension → Friday'],
  ])('next working day of %s is %s (%s)', (date, expected) => {
    expect(nextWorkingDay(date, HOLIDAYS)).toBe(expected);
  });

  it('refuses years the table was not built for', () => {
    expect(() => holidaysOf(1999, HOLIDAYS)).toThrow(RangeError);
  });
});

type TermCase = [string, string, DeliveryChannel, string, string, string, string];

describe('the 14-day term of the veertiendagenbrief (6:96 lid 6 BW, HR 2016:2704, Atw art. 1)', () => {
  // name, sent, channel, delivered, termStart, termEnd, costsFrom
  it.each<TermCase>([
    ['legal-nl 1: Thu 2025-01-09 by post, delivered Sat, end Sat 01-25 moves to Mon', '2025-01-09', 'post', '2025-01-11', '2025-01-12', '2025-01-27', '2025-01-28'],
    ['legal-nl 2: Fri 2025-01-10 by post skips Sunday and Monday, delivered Tue 01-14', '2025-01-10', 'post', '2025-01-14', '2025-01-15', '2025-01-28', '2025-01-29'],
    ['legal-nl 3: Thu 2025-04-17 by post skips Good Friday, Sunday and Easter Monday', '2025-04-17', 'post', '2025-04-22', '2025-04-23', '2025-05-06', '2025-05-07'],
    ['legal-nl 4: Tue 2025-12-23 by post skips both Christmas days, end Sat 2026-01-10 moves to Mon', '2025-12-23', 'post', '2025-12-27', '2025-12-28', '2026-01-12', '2026-01-13'],
    ['legal-nl 5: Wed 2026-05-13 by post skips Ascension, end Sat 05-30 moves to Mon 06-01', '2026-05-13', 'post', '2026-05-16', '2026-05-17', '2026-06-01', '2026-06-02'],
    ['Easter 2026: Thu 04-02 by post skips Good Friday, Sunday, Easter Monday', '2026-04-02', 'post', '2026-04-07', '2026-04-08', '2026-04-21', '2026-04-22'],
    ['Ascension 2025: Wed 05-28 by post, delivered Sat 05-31, end Sat 06-14 moves to Mon', '2025-05-28', 'post', '2025-05-31', '2025-06-01', '2025-06-16', '2025-06-17'],
    ['New Year: Tue 2025-12-30 by post skips 1 January, delivered Fri 2026-01-02', '2025-12-30', 'post', '2026-01-02', '2026-01-03', '2026-01-16', '2026-01-17'],
    ['King\'s Day on a Sunday: Thu 2025-04-24 by post skips Sat 04-26, Sunday, Monday', '2025-04-24', 'post', '2025-04-29', '2025-04-30', '2025-05-13', '2025-05-14'],
    ['posted on a Saturday: Sunday and Monday do not count', '2025-01-11', 'post', '2025-01-15', '2025-01-16', '2025-01-29', '2025-01-30'],
    ['posted on a Sunday: delivered Wednesday', '2025-01-12', 'post', '2025-01-15', '2025-01-16', '2025-01-29', '2025-01-30'],
    ['email Fri 2025-01-10: received Saturday, end Sat 01-25 moves to Mon', '2025-01-10', 'email', '2025-01-11', '2025-01-12', '2025-01-27', '2025-01-28'],
    ['email on Christmas Eve: received on Christmas Day all the same', '2025-12-24', 'email', '2025-12-25', '2025-12-26', '2026-01-08', '2026-01-09'],
    ['email Sun 2026-04-12: term ends on King\'s Day Mon 04-27, moves to Tue', '2026-04-12', 'email', '2026-04-13', '2026-04-14', '2026-04-28', '2026-04-29'],
    ['email Mon 2026-04-20: term ends on 5 May (Tue), moves to Wed', '2026-04-20', 'email', '2026-04-21', '2026-04-22', '2026-05-06', '2026-05-07'],
  ])('%s', (_name, sent, channel, delivered, termStart, termEnd, costsFrom) => {
    expect(presumedDelivery(sent, channel, LAW)).toBe(delivered);
    expect(fourteenDayTerm(sent, channel, LAW)).toEqual({ sent, channel, delivered, termStart, termEnd, costsFrom });
  });

  it('the term is never shorter than 14 full days after delivery, for every day of 2025-2026 and both channels', () => {
    for (let sent = '2025-01-01'; sent < '2027-01-01'; sent = addDays(sent, 1)) {
      for (const channel of ['post', 'email'] as const) {
        const t = fourteenDayTerm(sent, channel, LAW);
        expect(daysBetween(sent, t.delivered)).toBeGreaterThanOrEqual(channel === 'post' ? 2 : 1);
        expect(daysBetween(t.delivered, t.termEnd)).toBeGreaterThanOrEqual(14);
        expect(isWorkingDay(t.termEnd, HOLIDAYS)).toBe(true);
        expect(daysBetween(t.termEnd, t.costsFrom)).toBe(1);
      }
    }
  });

  it('refuses an unknown channel', () => {
    expect(() => presumedDelivery('2025-01-10', 'fax' as DeliveryChannel, LAW)).toThrow(RangeError);
  });
});

describe('limitation (3:307, 7:28, 3:317-3:319 BW)', () => {
  it.each([
    ['general: 5 years after the due date', '2020-03-15', 'general', '2025-03-15'],
    ['consumer sale of goods: 2 years (7:28 BW)', '2020-03-15', 'consumer-sale', '2022-03-15'],
    ['due on 28 February 2023: ends 28 February 2028, not the leap day after it', '2023-02-28', 'general', '2028-02-28'],
    ['due on 28 February 2024 (period from the leap day): ends 28 February 2029', '2024-02-28', 'general', '2029-02-28'],
    ['due on the leap day 2024: ends 28 February 2029', '2024-02-29', 'general', '2029-02-28'],
    ['due on the leap day 2024, consumer sale: ends 28 February 2026', '2024-02-29', 'consumer-sale', '2026-02-28'],
  ] as const)('%s', (_name, due, kind, expected) => {
    expect(limitationDate(due, kind)).toBe(expected);
  });

  it('a written demand received inside the period starts a new one of the same length (3:319)', () => {
    expect(limitationDate('2020-03-15', 'general', ['2024-01-10'])).toBe('2029-01-10');
    expect(limitationDate('2020-03-15', 'consumer-sale', ['2021-06-01'])).toBe('2023-06-01');
  });

  it('a demand after the period has ended revives nothing', () => {
    expect(limitationDate('2020-03-15', 'consumer-sale', ['2022-04-01'])).toBe('2022-03-15');
  });

  it.each([
    ['business, young claim: no warning', '2025-01-31', '2025-06-01', 'business', null],
    ['business, 2 years old: no warning (7:28 is for consumers only)', '2023-01-31', '2025-06-01', 'business', null],
    ['business, 60 days before the 5 years end: warns', '2020-07-31', '2025-06-01', 'business', /ends on 2025-07-31 \(60 days left\)/],
    ['business, after the 5 years: time-barred', '2020-01-31', '2025-06-01', 'business', /ended on 2025-01-31/],
    ['consumer, 60 days before the 2 years end: may be a consumer sale', '2023-07-31', '2025-06-01', 'consumer', /consumer sale of goods, the 2-year limitation period \(art\. 7:28 BW\) ends on 2025-07-31 \(60 days left\)/],
    ['consumer, after 2 years: may be time-barred', '2023-01-31', '2025-06-01', 'consumer', /may be time-barred since 2025-02-01 if this was a consumer sale/],
    ['consumer, after 5 years: time-barred', '2019-01-31', '2025-06-01', 'consumer', /5-year limitation period .* ended on 2024-01-31/],
    ['consumer, young claim: no warning', '2025-01-31', '2025-06-01', 'consumer', null],
  ] as const)('%s', (_name, due, today, type, expected) => {
    const w = limitationWarning(due, today, type);
    if (expected === null) expect(w).toBeNull();
    else expect(w).toMatch(expected);
  });

  it('the warning starts exactly 90 days before the end', () => {
    expect(limitationWarning('2020-07-31', '2025-05-02', 'business')).toMatch(/90 days left/);
    expect(limitationWarning('2020-07-31', '2025-05-01', 'business')).toBeNull();
  });
});
