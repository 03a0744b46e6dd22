// The facts a plan rests on, as canonical text: one per debtor (its details, open invoices,
// holds, last letter) and one of the policy. A saved plan carries digests of them; applying it
// recomputes them, and any difference means the book changed since the plan was reviewed. Pure
// (the hashing is done by the caller).
import type { PlanDebtorInput } from './plan.js';
import type { Policy } from './plan.js';

/** JSON with object keys sorted, so equal facts always give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function debtorFacts(input: PlanDebtorInput): string {
  return canonicalJson({ debtor: input.debtor, invoices: input.invoices, holds: input.holds, last_letter: input.lastLetterDate ?? null });
}

export interface FactDifference {
  debtor: string;
  change: 'changed' | 'new' | 'gone';
}

/** What differs between the facts saved with a plan and the facts now. */
export function compareFacts(saved: Readonly<Record<string, string>>, now: Readonly<Record<string, string>>): FactDifference[] {
  const out: FactDifference[] = [];
  for (const [debtor, digest] of Object.entries(saved)) {
    if (!(debtor in now)) out.push({ debtor, change: 'gone' });
    else if (now[debtor] !== digest) out.push({ debtor, change: 'changed' });
  }
  for (const debtor of Object.keys(now)) if (!(debtor in saved)) out.push({ debtor, change: 'new' });
  return out.sort((a, b) => (a.debtor < b.debtor ? -1 : a.debtor > b.debtor ? 1 : 0));
}
