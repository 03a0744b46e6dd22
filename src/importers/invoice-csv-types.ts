// The shapes of the invoice CSV reader: its options, its result, and the limits it applies.
import type { DecimalMark } from '../domain/money.js';
import type { DateOrder } from '../domain/dates.js';
import type { InvoiceRow } from '../domain/invoice-row.js';
import type { CsvRecord, Delimiter } from './csv-tokenizer.js';
import type { DecodedEncoding, TextEncodingName } from './decode.js';
import type { InvoiceField, Preset } from './columns.js';
import type { ImportIssue, ImportNotice } from './invoice-row.js';

export interface InvoiceCsvOptions {
  preset?: Preset;
  encoding?: TextEncodingName;
  delimiter?: Delimiter;
  decimal?: DecimalMark;
  paymentTermDays: number;
  defaultDebtorType: 'consumer' | 'business';
  defaultLanguage: 'nl' | 'en';
  /** Name used in rows and messages; default the file's base name. */
  displayName?: string;
  /** Issues kept before the rest are only counted; default 10,000. */
  maxIssues?: number;
  /** Rows held while the decimal mark is undecided; default 10,000. */
  maxPendingRows?: number;
  /** Bytes per read; default 64 KiB (see decode.ts). */
  chunkSize?: number;
  /** The file is UTF-16 (recognised by sniff.ts). */
  utf16?: 'utf-16le' | 'utf-16be';
  /** How `a/b/yyyy` dates are read (`--date-order`); default: decided per column, day-first. */
  dateOrder?: DateOrder;
  /**
   * Records from another source than CSV text (an .xlsx sheet): read instead of the file. Each
   * record's `line` is the spreadsheet row. `encoding` names the source in the result.
   */
  records?: { batches: AsyncIterable<CsvRecord[]>; encoding: string };
}

/** More columns than this in the header: not an invoice export (or the wrong delimiter). */
export const MAX_COLUMNS = 1000;
/** Longest value read into a field of an invoice row (names, addresses, numbers). */
export const MAX_FIELD_LENGTH = 2000;
export interface InvoiceCsvResult {
  /** The display name. */
  file: string;
  path: string;
  preset: string;
  encoding: DecodedEncoding | string;
  encodingSource: 'option' | 'preset' | 'detected';
  bom: boolean;
  delimiter: Delimiter;
  delimiterSource: 'option' | 'preset' | 'sep-line' | 'detected';
  decimal: DecimalMark | null;
  decimalSource: 'option' | 'preset' | 'detected' | null;
  /** The amount that decided the decimal mark, when it was detected. */
  decimalDecidedBy: { line: number; column: number; value: string } | null;
  columns: { field: InvoiceField; column: number; header: string }[];
  ignoredColumns: { column: number; header: string }[];
  /** Data records read (not counting the header, blank lines and all-empty records). */
  records: number;
  /** Rows handed to the caller. */
  rows: number;
  /** Records not handed out because of an error. */
  rejected: number;
  /** Sorted by line and column. */
  issues: ImportIssue[];
  notices: ImportNotice[];
  errorCount: number;
  warningCount: number;
  /** More issues than `maxIssues`: the rest were counted but not kept. */
  issuesTruncated: boolean;
}

/** A checked row whose amounts wait for the file's decimal mark. */
export interface Pending {
  row: InvoiceRow;
  /** Rejected for another reason; the amounts are still checked so every problem is reported. */
  bad: boolean;
  amountText: string;
  openText: string;
  ambiguous: boolean;
}
