// The decimal mark of an invoice file and its amounts. The mark is decided per file: the first
// amount that fits only one mark decides (or --decimal, or the preset). `1.234` fits both
// (1234,00 or 1,234); rows with such amounts met before the decision wait in a bounded buffer and
// are parsed once it is made, so rows are handed out in file order. Amounts go through the one
// parser of domain/money.ts (its fast path first).
import { decimalMarksOf, isAmbiguousAmount, parseAmount, parseAmountFast, parseAmountGeneral, type DecimalMark } from '../domain/money.js';
import type { InvoiceRow } from '../domain/invoice-row.js';
import type { InvoiceField } from './columns.js';
import type { ColumnLayout } from './invoice-header.js';
import type { InvoiceCsvResult, Pending } from './invoice-csv-types.js';
import type { IssueSink } from './issue-sink.js';

const AMOUNT_HINT =
  'Write amounts like 1.234,56 or 1234,56 (Dutch) or 1234.56 (international), one notation per file; credit notes with a minus: -12,50 or 12,50-.';
const DECIMAL_HINT = 'Run again with --decimal , (Dutch notation: 1.234,56) or --decimal . (international notation: 1234.56).';

export class DecimalDecision {
  decimal: DecimalMark | null = null;
  source: InvoiceCsvResult['decimalSource'] = null;
  /** The amount that decided the decimal mark, when it was detected. */
  decidedBy: InvoiceCsvResult['decimalDecidedBy'] = null;
  private pending: Pending[] = [];
  private firstAmbiguous: { line: number; column: number; value: string } | null = null;
  private undecidedReported = false;
  /** The header's columns; set once the header was read. */
  layout!: ColumnLayout;

  /**
   * @param forced the mark from --decimal or the preset, with where it came from
   * @param maxPending rows held while the mark is undecided
   * @param emit receives each row whose amounts are valid, in file order
   * @param reject counts a row refused for its amounts (or any earlier problem)
   */
  constructor(
    forced: { mark: DecimalMark; source: 'option' | 'preset' } | null,
    private readonly maxPending: number,
    private readonly sink: IssueSink,
    private readonly presetName: string,
    /** The records come from a spreadsheet, whose cells are numbers (no notation to blame). */
    private readonly spreadsheet: boolean,
    private readonly emit: (row: InvoiceRow) => void,
    private readonly reject: () => void,
  ) {
    if (forced !== null) {
      this.decimal = forced.mark;
      this.source = forced.source;
    }
  }

  /** Parses the row's amounts now, or keeps it waiting while the decimal mark is undecided. */
  accept(p: Pending): void {
    const { amountText, openText } = p;
    const line = p.row.line;
    let ambiguous = false;
    if (this.decimal === null) {
      this.tryDecide(amountText, 'amount', line);
      if (this.decimal === null) this.tryDecide(openText, 'open_amount', line);
      if (this.decimal === null) {
        if (isAmbiguousAmount(amountText)) {
          ambiguous = true;
          this.firstAmbiguous ??= { line, column: this.layout.column('amount'), value: amountText };
        } else if (isAmbiguousAmount(openText)) {
          ambiguous = true;
          this.firstAmbiguous ??= { line, column: this.layout.column('open_amount'), value: openText };
        }
      } else {
        this.flushPending();
      }
    }
    p.ambiguous = ambiguous;
    if (this.decimal === null && (ambiguous || this.pending.length > 0)) {
      if (this.undecidedReported) {
        // The file already has its one "cannot decide" error; keep no more rows waiting.
        if (ambiguous) this.reject();
        else this.finishAmounts(p, ',');
        return;
      }
      this.pending.push(p);
      if (this.pending.length >= this.maxPending) {
        this.reportUndecided(`the first ${this.pending.length} rows since line ${this.pending[0]!.row.line} do not settle it`);
        this.releasePendingUndecided();
      }
      return;
    }
    // Undecided here means the amounts have no separator (`2500`): the same under both marks.
    this.finishAmounts(p, this.decimal ?? ',');
  }

  /** Decides the file's decimal mark when this amount fits only one of them. */
  private tryDecide(text: string, field: InvoiceField, line: number): void {
    if (text === '') return;
    const marks = decimalMarksOf(text);
    if (marks.length !== 1) return;
    const mark = marks[0]!;
    if (!parseAmount(text, mark).ok) return; // not a valid amount: it decides nothing
    this.decimal = mark;
    this.source = 'detected';
    this.decidedBy = { line, column: this.layout.column(field), value: text };
  }

  private flushPending(): void {
    const mark = this.decimal!;
    const list = this.pending;
    this.pending = [];
    for (const p of list) this.finishAmounts(p, mark);
  }

  private reportUndecided(why: string): void {
    this.undecidedReported = true;
    const first = this.firstAmbiguous!;
    this.sink.error(
      0,
      0,
      'decimal_undecided',
      `the decimal mark of this file cannot be decided: "${first.value}" (line ${first.line}, column ${first.column}) can be a thousands separator (--decimal ${otherMark(first.value)}) or a decimal mark (--decimal ${lastMark(first.value)}), and ${why}`,
      DECIMAL_HINT,
      first.value,
    );
  }

  /** Undecided for good: rows whose amounts need the decision are rejected, the others go on. */
  private releasePendingUndecided(): void {
    const list = this.pending;
    this.pending = [];
    for (const p of list) {
      if (p.ambiguous) this.reject();
      else this.finishAmounts(p, ',');
    }
  }

  /** The end of the file: rows still waiting are parsed, or rejected when nothing decided. */
  finish(): void {
    if (this.pending.length === 0) return;
    if (this.decimal !== null) {
      this.flushPending();
      return;
    }
    this.reportUndecided('no amount in the file settles it');
    this.releasePendingUndecided();
  }

  private finishAmounts(p: Pending, mark: DecimalMark): void {
    let bad = p.bad;
    const row = p.row;
    let amount: number | null = null;
    if (p.amountText !== '') {
      amount = this.parseMoney(p.amountText, 'amount', row.line, mark);
      if (amount === null) bad = true;
    }
    let open: number | null = amount;
    if (p.openText !== '') {
      open = this.parseMoney(p.openText, 'open_amount', row.line, mark);
      if (open === null) bad = true;
    }
    if (amount !== null && open !== null) {
      row.amountCents = amount;
      row.openCents = open;
      if (Math.abs(open) > Math.abs(amount)) {
        bad = true;
        this.sink.error(
          row.line,
          this.layout.column('open_amount'),
          'open_exceeds_amount',
          `${this.layout.header('open_amount')} "${p.openText}" is more than the invoice amount "${p.amountText}"`,
          'The open amount cannot exceed the invoice amount: check that the columns are not swapped.',
          p.openText,
        );
      } else if (open !== 0 && Math.sign(open) !== Math.sign(amount)) {
        bad = true;
        this.sink.error(
          row.line,
          this.layout.column('open_amount'),
          'open_sign_mismatch',
          `${this.layout.header('open_amount')} "${p.openText}" has the opposite sign of the invoice amount "${p.amountText}"`,
          'A credit note has a negative amount and a negative (or zero) open amount; an invoice has both positive.',
          p.openText,
        );
      } else if (amount === 0) {
        this.sink.warning(row.line, this.layout.column('amount'), 'zero_amount', `${this.layout.header('amount')} "${p.amountText}" is zero: there is nothing to collect`, 'Leave invoices of zero out of the export; this one is imported but never dunned.', p.amountText);
      }
    }
    if (bad) this.reject();
    else this.emit(row);
  }

  private parseMoney(text: string, field: InvoiceField, line: number, mark: DecimalMark): number | null {
    const fast = parseAmountFast(text, mark);
    if (fast === fast) return fast; // not NaN
    const parsed = parseAmountGeneral(text, mark);
    if (parsed.ok) return parsed.cents;
    const marks = decimalMarksOf(text);
    if (this.source === 'detected' && marks.length === 1 && marks[0] !== mark && parseAmount(text, marks[0]!).ok) {
      const by = this.decidedBy!;
      this.sink.error(
        line,
        this.layout.column(field),
        'decimal_mismatch',
        `${this.layout.header(field)} "${text}" is written with '${marks[0]}' as the decimal mark, but this file uses '${mark}' (decided by "${by.value}" on line ${by.line})`,
        `Write all amounts of the file in one notation, or force it with --decimal ${marks[0]} if "${by.value}" is the odd one out.`,
        text,
      );
      return null;
    }
    const forced = !this.spreadsheet && (this.source === 'option' || this.source === 'preset');
    this.sink.error(
      line,
      this.layout.column(field),
      'bad_amount',
      `${this.layout.header(field)} "${text}" is not an amount: ${parsed.reason}${forced ? ` (decimal mark '${mark}' from ${this.source === 'option' ? '--decimal' : `preset ${this.presetName}`})` : ''}`,
      AMOUNT_HINT,
      text,
    );
    return null;
  }
}

/** The separator an ambiguous amount like `1.234` contains, and the other one. */
function lastMark(text: string): DecimalMark {
  return text.lastIndexOf(',') > text.lastIndexOf('.') ? ',' : '.';
}

function otherMark(text: string): DecimalMark {
  return lastMark(text) === ',' ? '.' : ',';
}
