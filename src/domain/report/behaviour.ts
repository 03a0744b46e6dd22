// Payment behaviour per debtor: how many days after the due date each invoice was settled, the
// average, and the trend (least-squares slope over the debtor's payments in order: days later per
// next payment). A debtor who pays later each time has a positive trend.
import { daysBetween, type IsoDate } from '../dates.js';

export interface Settlement {
  debtor: string;
  invoice: string;
  dueDate: IsoDate;
  settledOn: IsoDate;
}

export interface Behaviour {
  debtor: string;
  payments: number;
  averageDaysLate: number;
  /** Days later per next payment; null with fewer than three payments. */
  trend: number | null;
  /** Days late of each payment, oldest first. */
  daysLate: number[];
  /** Each payment later than the one before (at least three). */
  payingLater: boolean;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

export function slope(values: number[]): number | null {
  const n = values.length;
  if (n < 3) return null;
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((s, v) => s + v, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  return round1(num / den);
}

/** Settlements in any order; one row per debtor, in debtor-number order. */
export function behaviourOf(settlements: Settlement[]): Behaviour[] {
  const byDebtor = new Map<string, Settlement[]>();
  for (const s of settlements) {
    const list = byDebtor.get(s.debtor) ?? [];
    list.push(s);
    byDebtor.set(s.debtor, list);
  }
  const out: Behaviour[] = [];
  for (const debtor of [...byDebtor.keys()].sort()) {
    const list = byDebtor.get(debtor)!.sort((a, b) => (a.settledOn < b.settledOn ? -1 : a.settledOn > b.settledOn ? 1 : a.invoice < b.invoice ? -1 : 1));
    const daysLate = list.map((s) => Math.max(0, daysBetween(s.dueDate, s.settledOn)));
    const recent = daysLate.slice(-3);
    out.push({
      debtor,
      payments: daysLate.length,
      averageDaysLate: round1(daysLate.reduce((s, d) => s + d, 0) / daysLate.length),
      trend: slope(daysLate),
      daysLate,
      payingLater: recent.length === 3 && recent[0]! < recent[1]! && recent[1]! < recent[2]!,
    });
  }
  return out;
}
