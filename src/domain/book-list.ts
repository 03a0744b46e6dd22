// The bookkeeper's lists: filtering and sorting invoices and debtors. Pure: the rows come in,
// the chosen rows go out in the chosen order.

export interface ClaimLine {
  invoice: string;
  debtor: string;
  debtorName: string;
  dueDate: string;
  amountCents: number;
  openCents: number;
  status: string;
  /** The stage id reached, or null when no letter listed it yet. */
  stage: string | null;
  daysOverdue: number;
  held: boolean;
  disputed: boolean;
}

export interface DebtorLine {
  number: string;
  name: string;
  type: string;
  email: string | null;
  channel: string | null;
  openInvoices: number;
  openCents: number;
  /** The most days any open invoice is past due. */
  maxDaysOverdue: number;
  /** The highest stage reached by an open invoice (by position in the stages), or null. */
  stage: string | null;
  stageIndex: number | null;
  held: boolean;
  disputed: boolean;
  handedOver: number;
  statuses: string[];
  /** What today's run would do for this debtor. */
  next: string;
  /** An unallocated payment's payer has this debtor's name. */
  unmatchedPayment: boolean;
}

export interface ListFilter {
  /** A stage id, or `none` for claims without a letter yet. */
  stage?: string;
  /** An invoice status: open, paid, closed, handed_over, written_off. */
  state?: string;
  /** At least this many days past due (an open claim). */
  overdueDays?: number;
  held?: boolean;
  disputed?: boolean;
  handedOver?: boolean;
  unmatched?: boolean;
  /** Case-insensitive text in the name or number. */
  search?: string;
}

export const INVOICE_SORTS = ['number', 'debtor', 'due', 'open', 'overdue', 'stage'] as const;
export const DEBTOR_SORTS = ['number', 'name', 'open', 'overdue', 'stage'] as const;
export type InvoiceSort = (typeof INVOICE_SORTS)[number];
export type DebtorSort = (typeof DEBTOR_SORTS)[number];

export const STATES = ['open', 'paid', 'closed', 'handed_over', 'written_off'] as const;

const isOpen = (c: Pick<ClaimLine, 'status' | 'openCents'>): boolean => c.status === 'open' && c.openCents !== 0;
/** An open amount the debtor owes (a credit note is open too, but no claim). */
const isClaim = (c: Pick<ClaimLine, 'status' | 'openCents'>): boolean => c.status === 'open' && c.openCents > 0;
const textMatch = (needle: string | undefined, ...hay: string[]): boolean =>
  needle === undefined || hay.some((h) => h.toLowerCase().includes(needle.toLowerCase()));

/** Invoices matching every given filter. `unmatchedDebtors`: debtors with a likely unplaced payment. */
export function filterClaims(claims: readonly ClaimLine[], f: ListFilter, unmatchedDebtors: ReadonlySet<string> = new Set()): ClaimLine[] {
  return claims.filter(
    (c) =>
      (f.stage === undefined || (f.stage === 'none' ? c.stage === null : c.stage === f.stage)) &&
      (f.state === undefined || c.status === f.state) &&
      (f.overdueDays === undefined || (isClaim(c) && c.daysOverdue >= f.overdueDays)) &&
      (f.held !== true || c.held) &&
      (f.disputed !== true || c.disputed) &&
      (f.handedOver !== true || c.status === 'handed_over') &&
      (f.unmatched !== true || (isOpen(c) && unmatchedDebtors.has(c.debtor))) &&
      textMatch(f.search, c.invoice, c.debtor, c.debtorName),
  );
}

/** Debtors with at least one invoice matching the invoice filters, and the debtor-level ones. */
export function filterDebtors(debtors: readonly DebtorLine[], claims: readonly ClaimLine[], f: ListFilter): DebtorLine[] {
  const claimFilter: ListFilter = { ...f, search: undefined, unmatched: undefined };
  const anyClaimFilter = Object.entries(claimFilter).some(([, v]) => v !== undefined && v !== false);
  const withClaim = anyClaimFilter ? new Set(filterClaims(claims, claimFilter).map((c) => c.debtor)) : null;
  return debtors.filter(
    (d) =>
      (withClaim === null || withClaim.has(d.number)) &&
      (f.unmatched !== true || d.unmatchedPayment) &&
      textMatch(f.search, d.number, d.name),
  );
}

/** Summarises each debtor's claims. `stageOrder` gives each stage id its position. */
export function debtorLines(
  debtors: readonly { number: string; name: string; type: string; email: string | null; channel: string | null }[],
  claims: readonly ClaimLine[],
  stageOrder: readonly string[],
  extra: { next: ReadonlyMap<string, string>; debtorHeld: ReadonlySet<string>; debtorDisputed: ReadonlySet<string>; unmatched: ReadonlySet<string> },
): DebtorLine[] {
  const byDebtor = new Map<string, ClaimLine[]>();
  for (const c of claims) {
    const list = byDebtor.get(c.debtor) ?? [];
    list.push(c);
    byDebtor.set(c.debtor, list);
  }
  return debtors.map((d) => {
    const all = byDebtor.get(d.number) ?? [];
    const open = all.filter(isOpen);
    const stageIndex = open.reduce<number | null>((m, c) => {
      const i = c.stage === null ? -1 : stageOrder.indexOf(c.stage);
      return i >= 0 && (m === null || i > m) ? i : m;
    }, null);
    return {
      number: d.number,
      name: d.name,
      type: d.type,
      email: d.email,
      channel: d.channel,
      openInvoices: open.length,
      openCents: open.reduce((s, c) => s + c.openCents, 0),
      maxDaysOverdue: open.filter(isClaim).reduce((m, c) => Math.max(m, c.daysOverdue), 0),
      stage: stageIndex === null ? null : stageOrder[stageIndex]!,
      stageIndex,
      held: extra.debtorHeld.has(d.number) || open.some((c) => c.held),
      disputed: extra.debtorDisputed.has(d.number) || open.some((c) => c.disputed),
      handedOver: all.filter((c) => c.status === 'handed_over').length,
      statuses: [...new Set(all.map((c) => c.status))].sort(),
      next: extra.next.get(d.number) ?? '-',
      unmatchedPayment: extra.unmatched.has(d.number),
    };
  });
}

const cmp = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);

export function sortClaims(claims: ClaimLine[], by: InvoiceSort, stageOrder: readonly string[]): ClaimLine[] {
  const stage = (c: ClaimLine): number => (c.stage === null ? -1 : stageOrder.indexOf(c.stage));
  const key: Record<InvoiceSort, (a: ClaimLine, b: ClaimLine) => number> = {
    number: (a, b) => cmp(a.invoice, b.invoice),
    debtor: (a, b) => cmp(a.debtor, b.debtor) || cmp(a.dueDate, b.dueDate),
    due: (a, b) => cmp(a.dueDate, b.dueDate),
    open: (a, b) => cmp(b.openCents, a.openCents),
    overdue: (a, b) => cmp(b.daysOverdue, a.daysOverdue),
    stage: (a, b) => cmp(stage(b), stage(a)),
  };
  return [...claims].sort((a, b) => key[by](a, b) || cmp(a.invoice, b.invoice));
}

export function sortDebtors(debtors: DebtorLine[], by: DebtorSort): DebtorLine[] {
  const key: Record<DebtorSort, (a: DebtorLine, b: DebtorLine) => number> = {
    number: (a, b) => cmp(a.number, b.number),
    name: (a, b) => cmp(a.name.toLowerCase(), b.name.toLowerCase()),
    open: (a, b) => cmp(b.openCents, a.openCents),
    overdue: (a, b) => cmp(b.maxDaysOverdue, a.maxDaysOverdue),
    stage: (a, b) => cmp(b.stageIndex ?? -1, a.stageIndex ?? -1),
  };
  return [...debtors].sort((a, b) => key[by](a, b) || cmp(a.number, b.number));
}

/**
 * Fits table columns into `width` characters: the widest shrinkable columns are cut first
 * (with "…"), never below their minimum. Returns the width of each column.
 */
export function fitColumns(natural: readonly number[], min: readonly number[], width: number, gap = 2): number[] {
  const out = [...natural];
  const total = (): number => out.reduce((s, w) => s + w, 0) + gap * Math.max(0, out.length - 1);
  while (total() > width) {
    let widest = -1;
    for (let i = 0; i < out.length; i++) if (out[i]! > min[i]! && (widest < 0 || out[i]! > out[widest]!)) widest = i;
    if (widest < 0) break;
    out[widest]!--;
  }
  return out;
}

export function clip(text: string, width: number): string {
  if (text.length <= width) return text;
  return width <= 1 ? text.slice(0, width) : `${text.slice(0, width - 1)}…`;
}
