// Effectiveness per stage: of what each letter demanded, how much was paid within 7, 14 and 30
// days after it, how long full payment took, and what still reached the incassobureau. Counted
// per invoice a letter demanded, at the stage that letter moved it to; "paid" is any reduction
// of the open amount (a bank payment allocated to it, a lower amount or its absence in a later
// snapshot export), whichever letter came next.
import { addDays, daysBetween, type IsoDate } from '../dates.js';

export const WINDOWS = [7, 14, 30] as const;

export interface LetterInvoiceFact {
  letterId: number;
  /** The stage the letter moved this invoice to. */
  stageIndex: number;
  letterDate: IsoDate;
  invoice: string;
  /** What was open on the invoice when the letter demanded it. */
  openCents: number;
  /** Later handed over to the incassobureau. */
  handedOver: boolean;
  /** Reductions of the open amount dated after the letter (negative: it rose again). */
  reductions: { date: IsoDate; cents: number }[];
}

export interface StageEffect {
  stage: string;
  index: number;
  /** Letters sent whose own stage is this one. */
  letters: number;
  /** Invoices a letter moved to this stage, and their open amount then. */
  invoices: number;
  amountCents: number;
  paidCents: Record<(typeof WINDOWS)[number], number>;
  /** paidCents / amountCents, as a fraction rounded to 4 decimals (0 when nothing was demanded). */
  paidShare: Record<(typeof WINDOWS)[number], number>;
  /** Invoices paid in full after the letter, and the median days that took (null: none yet). */
  paidInFull: number;
  medianDaysToPayment: number | null;
  handedOverInvoices: number;
  handedOverCents: number;
}

export interface FunnelStep {
  step: string;
  invoices: number;
  cents: number;
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Paid of `fact` within `days` after its letter: the net reductions then, at most what was open. */
export function paidWithin(fact: LetterInvoiceFact, days: number): number {
  const end = addDays(fact.letterDate, days);
  let sum = 0;
  for (const r of fact.reductions) if (r.date > fact.letterDate && r.date <= end) sum += r.cents;
  return Math.max(0, Math.min(fact.openCents, sum));
}

/** Days from the letter to the reduction that brought the invoice to nothing open; null if not yet. */
export function daysToFullPayment(fact: LetterInvoiceFact): number | null {
  if (fact.openCents <= 0) return null;
  let sum = 0;
  for (const r of [...fact.reductions].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))) {
    if (r.date <= fact.letterDate) continue;
    sum += r.cents;
    if (sum >= fact.openCents) return daysBetween(fact.letterDate, r.date);
  }
  return null;
}

const share = (part: number, whole: number): number => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : 0);

export function effectivenessOf(stageIds: string[], facts: LetterInvoiceFact[], lettersPerStage: { stageIndex: number; letters: number }[]): StageEffect[] {
  const last = stageIds.length - 1;
  const rows: StageEffect[] = stageIds.map((stage, index) => ({
    stage, index, letters: 0, invoices: 0, amountCents: 0,
    paidCents: { 7: 0, 14: 0, 30: 0 }, paidShare: { 7: 0, 14: 0, 30: 0 },
    paidInFull: 0, medianDaysToPayment: null, handedOverInvoices: 0, handedOverCents: 0,
  }));
  for (const l of lettersPerStage) rows[Math.min(l.stageIndex, last)]!.letters += l.letters;
  const days: number[][] = stageIds.map(() => []);
  for (const f of facts) {
    const i = Math.min(f.stageIndex, last);
    const row = rows[i]!;
    row.invoices++;
    row.amountCents += f.openCents;
    for (const w of WINDOWS) row.paidCents[w] += paidWithin(f, w);
    const d = daysToFullPayment(f);
    if (d !== null) {
      row.paidInFull++;
      days[i]!.push(d);
    }
    if (f.handedOver) {
      row.handedOverInvoices++;
      row.handedOverCents += f.openCents;
    }
  }
  for (const [i, row] of rows.entries()) {
    for (const w of WINDOWS) row.paidShare[w] = share(row.paidCents[w], row.amountCents);
    row.medianDaysToPayment = median(days[i]!);
  }
  return rows;
}

/**
 * The funnel herinnering → aanmaning → final → handover: the distinct invoices that reached
 * each stage (with their amount when they first reached it) and those handed over.
 */
export function funnelOf(stageIds: string[], facts: LetterInvoiceFact[]): FunnelStep[] {
  const last = stageIds.length - 1;
  const seen: Map<string, number>[] = stageIds.map(() => new Map());
  for (const f of facts) {
    const m = seen[Math.min(f.stageIndex, last)]!;
    if (!m.has(f.invoice)) m.set(f.invoice, f.openCents);
  }
  const steps: FunnelStep[] = stageIds.map((step, i) => ({ step, invoices: seen[i]!.size, cents: [...seen[i]!.values()].reduce((s, c) => s + c, 0) }));
  // Handover: the invoices the letters demanded that went to the incassobureau (a credit note
  // handed over along with them is no step of the funnel).
  const handed = new Map<string, number>();
  for (const f of facts) if (f.handedOver && !handed.has(f.invoice)) handed.set(f.invoice, f.openCents);
  steps.push({ step: 'handover', invoices: handed.size, cents: [...handed.values()].reduce((s, c) => s + c, 0) });
  return steps;
}
