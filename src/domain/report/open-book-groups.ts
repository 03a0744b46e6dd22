// The open book per debtor, as the book snapshot of an import records it (ledger/report.ts,
// recordBookSnapshot): per debtor with open invoices, their number and open sum, those overdue
// and their sum, the overdue sum of the claims alone (credit notes left out) and the days the
// oldest overdue claim is late. The ledger works it out with one grouped scan of the invoices,
// a sort of the whole table: at a first load of a million rows a second of the import's serial
// end. A first load writes every row as it comes (`open`, or `paid` when nothing is open), so the
// import's reading thread, which has a core to spare, sums the same figures while it reads, and
// the writer uses them when every row of the import was indeed written new
// (workflows/import-write-session.ts). test/unit/book-snapshot.test.ts holds the two to the same
// rows.
import type { IsoDate } from '../dates.js';
import { ownString } from '../own-string.js';

/** One debtor's figures, in the order of the grouped query's columns. */
export type OpenBookGroup = [debtor: string, invoices: number, openCents: number, overdueInvoices: number, overdueCents: number, overdueClaimCents: number, maxDaysLate: number];

/** The figures as they cross to the writer thread: flat, so a hundred thousand debtors copy in one pass. */
export interface OpenBookGroupsWire {
  today: string;
  debtors: string[];
  /**
   * Six per debtor: invoices, open, overdue invoices, overdue, overdue claims, and the day
   * (days since 1970-01-01) its oldest overdue claim was due (Infinity when none).
   */
  figures: Float64Array;
}

const FIGURES = 6;
const DAY_MS = 86_400_000;
const epochDay = (iso: string): number => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY_MS;

export class OpenBookGroups {
  private readonly index = new Map<string, number>();
  private readonly debtors: string[] = [];
  private figures = new Float64Array(FIGURES * 1024);

  /** Due dates repeat (a few thousand in a million rows): each is turned into a day once. */
  private readonly days = new Map<string, number>();

  constructor(private readonly today: IsoDate) {}

  private day(iso: string): number {
    let day = this.days.get(iso);
    // An ISO date is 10 characters: too short to be a slice that pins its chunk (own-string.ts).
    if (day === undefined) this.days.set(iso, (day = epochDay(iso)));
    return day;
  }

  /** One invoice as a first load writes it. Nothing open (`paid`): not in the open book. */
  add(debtor: string, dueDate: string, openCents: number): void {
    if (openCents === 0) return;
    let i = this.index.get(debtor);
    if (i === undefined) {
      i = this.debtors.length;
      const own = ownString(debtor);
      this.index.set(own, i);
      this.debtors.push(own);
      if (FIGURES * (i + 1) > this.figures.length) {
        const grown = new Float64Array(this.figures.length * 2);
        grown.set(this.figures);
        this.figures = grown;
      }
      this.figures[FIGURES * i + 5] = Infinity;
    }
    const f = this.figures;
    const o = FIGURES * i;
    f[o]! += 1;
    f[o + 1]! += openCents;
    if (dueDate < this.today) {
      f[o + 2]! += 1;
      f[o + 3]! += openCents;
      if (openCents > 0) {
        f[o + 4]! += openCents;
        f[o + 5] = Math.min(f[o + 5]!, this.day(dueDate));
      }
    }
  }

  toWire(): OpenBookGroupsWire {
    return { today: this.today, debtors: this.debtors, figures: this.figures.slice(0, FIGURES * this.debtors.length) };
  }
}

/** The rows of the grouped query, from the wire. */
export function openBookGroupRows(wire: OpenBookGroupsWire): OpenBookGroup[] {
  const today = epochDay(wire.today);
  const f = wire.figures;
  return wire.debtors.map((debtor, i) => {
    const o = FIGURES * i;
    const oldest = f[o + 5]!;
    return [debtor, f[o]!, f[o + 1]!, f[o + 2]!, f[o + 3]!, f[o + 4]!, oldest === Infinity ? 0 : today - oldest];
  });
}
