import { describe, expect, it } from 'vitest';
import { addDays, addYears, dayMonthShape, daysBetween, formatDateDmy, formatDateEn, formatDateNl, isIsoDate, parseDateOption, parseDateText, weekday } from '../../src/domain/dates.js';

describe('parseDateText reads Dutch export notations, never month-first', () => {
  it.each([
    ['2026-11-23', '2026-11-23'],
    ['20261123', '2026-11-23'],
    ['23-11-2026', '2026-11-23'],
    ['3-4-2026', '2026-04-03'],
    ['03/04/2026', '2026-04-03'],
    ['03.04.2026', '2026-04-03'],
    [' 29-02-2024 ', '2024-02-29'],
  ])('%s is %s', (text, iso) => {
    expect(parseDateText(text)).toEqual({ ok: true, date: iso });
  });

  it.each(['12/31/2026', '31-02-2026', '2026-13-01', '23 nov 2026', '', '1-1-26', '29-02-2025'])('%j is refused', (text) => {
    expect(parseDateText(text).ok).toBe(false);
  });
});

describe('date arithmetic on calendar days', () => {
  it('adds days across month, year and DST changes', () => {
    expect(addDays('2026-10-24', 2)).toBe('2026-10-26');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
  it('counts days between dates', () => {
    expect(daysBetween('2026-01-01', '2026-12-31')).toBe(364);
    expect(daysBetween('2026-11-23', '2026-11-16')).toBe(-7);
  });
  it('adds years, 29 February becoming 28 February', () => {
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
    expect(addYears('2021-09-15', 5)).toBe('2026-09-15');
  });
  it('knows the weekday', () => {
    expect(weekday('2026-11-23')).toBe(1);
    expect(weekday('2025-01-12')).toBe(0);
  });
  it('validates ISO dates', () => {
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2028-02-29')).toBe(true);
  });
  it('formats dates for letters and Dutch Excel', () => {
    expect(formatDateNl('2026-11-23')).toBe('23 november 2026');
    expect(formatDateEn('2026-11-03')).toBe('3 November 2026');
    expect(formatDateDmy('2026-01-05')).toBe('05-01-2026');
  });
});

describe('one parser for every date option (parseDateOption)', () => {
  it.each([
    ['2026-11-23', '2026-11-23'],
    ['20261123', '2026-11-23'],
    ['23-11-2026', '2026-11-23'],
    ['23/11/2026', '2026-11-23'],
    ['03/04/2026', '2026-04-03'],
  ])('%s is %s', (text, iso) => {
    expect(parseDateOption('--today', text)).toEqual({ ok: true, date: iso });
  });

  it.each([
    ['11/23/2026', 'it looks month-first; dates are day-first'],
    ['2026-02-30', 'no such calendar day'],
    ['morgen', 'not a date in a known notation'],
  ])('%s is refused: %s', (text, reason) => {
    const r = parseDateOption('--since', text);
    expect(r).toEqual({ ok: false, message: `--since "${text}" is not a date (${reason}).`, hint: 'Write it as YYYY-MM-DD or DD-MM-YYYY, for example --since 2026-11-23.' });
  });

  it.each([
    ['31-01-2026', 'dmy'],
    ['01/31/2026', 'mdy'],
    ['08/01/2026', 'ambiguous'],
    ['05/05/2026', 'none'],
    ['2026-01-08', 'none'],
  ])('%s has the day/month shape %s', (text, shape) => {
    expect(dayMonthShape(text).shape).toBe(shape);
  });

  it('month-first order reads a/b/yyyy as month/day', () => {
    expect(parseDateText('01/31/2026', 'mdy')).toEqual({ ok: true, date: '2026-01-31' });
    expect(parseDateText('31/01/2026', 'mdy').ok).toBe(false);
  });
});
