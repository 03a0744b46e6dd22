// Dates are decided per file and column, never per cell (issue 18 item 6). The reader notes the
// shape of every `a?b?yyyy` date per column: any value that only month-first can read makes the
// column month-first (refused with `--date-order` as the way out); a column of only ambiguous
// values in a file with English headers or `/` separators is refused at the end until
// `--date-order` says which order it is.

import { dayMonthShape, type DateOrder } from '../domain/dates.js';
import type { InvoiceField } from './columns.js';

/** Headers whose words are English: a sign that `a/b/yyyy` dates may be month-first. */
const ENGLISH_HEADER = /\b(date|due|invoice|amount|customer|balance|outstanding)\b/i;

interface DateColumnState {
  dmy: { line: number; value: string } | null;
  mdy: { line: number; value: string } | null;
  ambiguous: { line: number; value: string } | null;
  slash: boolean;
  reported: boolean;
}

/** A copy that does not keep the chunk it was sliced from alive (V8 sliced strings). */
export const detach = (s: string): string => (s.length < 13 ? s : (s + ' ').slice(0, -1));

export class DateColumns {
  private readonly columns = new Map<InvoiceField, DateColumnState>();

  /** The shapes of `dd-mm-yyyy` values seen (a file repeats a few hundred dates; bounded). */
  private readonly shapes = new Map<string, ReturnType<typeof dayMonthShape>['shape']>();

  constructor(
    /** Reports a problem of the whole file. */
    private readonly report: (code: string, message: string, hint: string, value: string) => void,
    private readonly describe: (field: InvoiceField) => { column: number; header: string },
    private readonly dateOrder: DateOrder | undefined,
  ) {}

  /**
   * Dates are read one way per column (issue 18 item 6): any value that only month-first can
   * read makes the column month-first, which a day-first reading would get wrong for its
   * ambiguous values (08/01/2026), so the file is refused with `--date-order` as the way out.
   */
  private shapeOf(text: string): ReturnType<typeof dayMonthShape>['shape'] {
    let shape = this.shapes.get(text);
    if (shape === undefined) {
      shape = dayMonthShape(text).shape;
      if (this.shapes.size >= 4096) this.shapes.clear();
      this.shapes.set(detach(text), shape);
    }
    return shape;
  }

  /** Notes a date cell; false when the cell must not be read (its column is month-first). */
  note(text: string, field: InvoiceField, line: number): boolean {
    // Hot path (a million rows, two dates each): ISO dates say nothing about the order, and
    // `dd-mm-yyyy` is judged from its digits without a regular expression.
    let shape: ReturnType<typeof dayMonthShape>['shape'];
    let separator: string;
    const c2 = text.length === 10 ? text.charCodeAt(2) : 0;
    if (text.length === 10 && text.charCodeAt(4) === 45) return true;
    if (c2 !== 0 && (c2 === 45 || c2 === 46 || c2 === 47) && text.charCodeAt(5) === c2) {
      const a = (text.charCodeAt(0) - 48) * 10 + (text.charCodeAt(1) - 48);
      const b = (text.charCodeAt(3) - 48) * 10 + (text.charCodeAt(4) - 48);
      separator = text[2]!;
      if (a > 12 || b > 12 || a === b || a < 1 || b < 1) shape = this.shapeOf(text);
      else shape = 'ambiguous';
    } else {
      ({ shape, separator } = dayMonthShape(text));
    }
    if (shape === 'none') return true;
    let st = this.columns.get(field);
    if (st === undefined) {
      st = { dmy: null, mdy: null, ambiguous: null, slash: false, reported: false };
      this.columns.set(field, st);
    }
    if (separator === '/') st.slash = true;
    if (st[shape] === null) st[shape] = { line, value: detach(text) };
    if (this.dateOrder !== undefined) return true;
    if (shape !== 'mdy') return true;
    if (!st.reported) {
      st.reported = true;
      const other = st.ambiguous ?? st.dmy;
      const { column, header } = this.describe(field);
      this.report(
        st.dmy !== null ? 'date_order_mixed' : 'date_month_first',
        st.dmy !== null
          ? `column ${column} ("${header}") mixes day-first and month-first dates: "${st.dmy.value}" (line ${st.dmy.line}) is only day-first, "${text}" (line ${line}) only month-first`
          : `column ${column} ("${header}") is month-first: "${text}" (line ${line}) can only be month/day/year${other ? `, so "${other.value}" (line ${other.line}) would be read wrongly day-first` : ''}; dates are read one way per column`,
        st.dmy !== null
          ? 'Correct the dates in the export so one notation is used, or export dates as YYYY-MM-DD.'
          : 'If the file is American (month first), run again with --date-order mdy; otherwise correct the dates.',
        text,
      );
    }
    return false;
  }

  /** At the end: a column of only ambiguous `a/b/yyyy` dates in a file with English signals. */
  finish(): void {
    if (this.dateOrder !== undefined) return;
    for (const [field, st] of this.columns) {
      if (st.reported || st.dmy !== null || st.mdy !== null || st.ambiguous === null) continue;
      const { column, header } = this.describe(field);
      const english = ENGLISH_HEADER.test(header.replace(/[_.-]/g, ' '));
      if (!st.slash && !english) continue;
      st.reported = true;
      this.report(
        'date_order_ambiguous',
        `column ${column} ("${header}") has only dates that read both day-first and month-first (such as "${st.ambiguous.value}", line ${st.ambiguous.line}), and the file ${english ? 'has English headers' : 'writes dates with "/"'}: the order cannot be decided from the file`,
        'Check one date in your bookkeeping package, then run again with --date-order dmy (day first, e.g. 08/01 = 8 January) or --date-order mdy (month first).',
        st.ambiguous.value,
      );
    }
  }
}
