// The book over time: what the imports and runs saw, one point per week (or month for a long
// history). The point of a period is the last snapshot taken in it: the book as it stood then.
import { dateParts, fromDayNumber, toDayNumber, weekday, type IsoDate } from '../dates.js';

export interface Snapshot {
  today: IsoDate;
  openCents: number;
  overdueCents: number;
  openInvoices: number;
  overdueInvoices: number;
  handedOverCents: number;
}

export interface HistoryPoint extends Snapshot {
  /** `2026-W39` or `2026-10`. */
  period: string;
}

/** ISO 8601 week of a date: `2026-W39` (weeks start on Monday; week 1 holds the first Thursday). */
export function isoWeek(date: IsoDate): string {
  const day = toDayNumber(date);
  const thursday = day - ((weekday(date) + 6) % 7) + 3;
  const year = dateParts(fromDayNumber(thursday)).year;
  const jan4 = toDayNumber(`${year}-01-04`);
  const firstThursday = jan4 - ((weekday(`${year}-01-04`) + 6) % 7) + 3;
  return `${year}-W${String(Math.floor((thursday - firstThursday) / 7) + 1).padStart(2, '0')}`;
}

/** Weeks when the snapshots span at most half a year, months otherwise. */
export function historyOf(snapshots: Snapshot[]): { unit: 'week' | 'month'; points: HistoryPoint[] } {
  if (snapshots.length === 0) return { unit: 'week', points: [] };
  const sorted = [...snapshots].sort((a, b) => (a.today < b.today ? -1 : a.today > b.today ? 1 : 0));
  const span = toDayNumber(sorted[sorted.length - 1]!.today) - toDayNumber(sorted[0]!.today);
  const unit = span > 183 ? 'month' : 'week';
  const byPeriod = new Map<string, HistoryPoint>();
  for (const s of sorted) {
    const period = unit === 'week' ? isoWeek(s.today) : s.today.slice(0, 7);
    byPeriod.set(period, { period, ...s });
  }
  return { unit, points: [...byPeriod.values()] };
}
