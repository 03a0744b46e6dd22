// The parse layer of `pre-incasso import` for CSV files: bytes -> text -> records -> invoice rows
// plus every problem found, with file, line, column, the value, the rule and the fix.
//
// It streams: rows are handed to the caller batch by batch as the file is read, and the only
// state that grows with the file is the map of invoice numbers seen (to find duplicates) and the
// issues list (capped). Rows with an error are not handed out; rows with only warnings are. The
// caller decides from `errorCount` whether the import may be applied (SPEC §2.3: nothing
// half-done).
//
// Rules the code follows and why:
// - Identifiers stay strings, trimmed, leading zeros kept (domain/formats.md §1).
// - No debtor number: the debtor is keyed by `name:` + the name in lower case with spaces
//   collapsed, so the same name in several rows (and in the next import) is the same debtor.
// - Unknown debtor type counts as `consumer` in the ledger (the safe side, SPEC §4); here the
//   configured default is used and `typeKnown` says it was not in the file.
// - The decimal mark is decided per file: the first amount that fits only one mark decides.
//   `1.234` fits both (1234,00 or 1,234); such amounts met before the decision wait in a bounded
//   buffer and are parsed once it is made. Cells are never evaluated: `=SUM(…)` is just text.

import { basename } from 'node:path';
import { decimalMarksOf, isAmbiguousAmount, parseAmount, parseAmountFast, parseAmountGeneral, type DecimalMark } from '../domain/money.js';
import { addDays, dayMonthShape, parseDateText, type DateOrder, type DateParse } from '../domain/dates.js';
import {
  CsvTokenizer,
  delimiterName,
  headerLineEnd,
  sniffDelimiter,
  type CsvRecord,
  type CsvTokenIssue,
  type Delimiter,
} from './csv-tokenizer.js';
import { openDecoded, type DecodedEncoding, type DecodedFile, type TextEncodingName } from './decode.js';
import { GENERIC_PRESET, INVOICE_FIELDS, matchHeader, normalizeHeader, type DateFormat, type InvoiceField, type Preset } from './columns.js';
import type { ImportIssue, ImportNotice, InvoiceRow } from './invoice-row.js';
import { InvoiceNumberTable } from './invoice-number-table.js';
import { debtorKeyFromName, isReservedDebtorNumber } from '../domain/invoice-row.js';
import { DateColumns } from './date-columns.js';

// Split by job (issue 14): the row and issue types and the duplicate table live in their own files; re-exported so callers keep importing from here.
export type { ImportIssue, ImportNotice, InvoiceRow } from './invoice-row.js';
export { formatIssueLocation } from './invoice-row.js';
export { InvoiceNumberTable } from './invoice-number-table.js';
export { debtorKeyFromName, isReservedDebtorNumber } from '../domain/invoice-row.js';

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

interface Pending {
  row: InvoiceRow;
  /** Rejected for another reason; the amounts are still checked so every problem is reported. */
  bad: boolean;
  amountText: string;
  openText: string;
  ambiguous: boolean;
}

const DEBTOR_TYPES: ReadonlyMap<string, 'consumer' | 'business'> = new Map([
  ['consumer', 'consumer'],
  ['consument', 'consumer'],
  ['particulier', 'consumer'],
  ['b2c', 'consumer'],
  ['privé', 'consumer'],
  ['prive', 'consumer'],
  ['private', 'consumer'],
  ['business', 'business'],
  ['zakelijk', 'business'],
  ['b2b', 'business'],
  ['bedrijf', 'business'],
  ['company', 'business'],
]);

const LANGUAGES: ReadonlyMap<string, 'nl' | 'en'> = new Map([
  ['nl', 'nl'],
  ['nl-nl', 'nl'],
  ['nl-be', 'nl'],
  ['nederlands', 'nl'],
  ['dutch', 'nl'],
  ['en', 'en'],
  ['en-gb', 'en'],
  ['en-us', 'en'],
  ['english', 'en'],
  ['engels', 'en'],
]);

const NETHERLANDS = new Set(['nl', 'nld', 'nederland', 'netherlands', 'the netherlands', 'holland']);

const DATE_FORMAT_SHAPES: Record<DateFormat, RegExp> = {
  'YYYY-MM-DD': /^\d{4}-\d{2}-\d{2}$/,
  YYYYMMDD: /^\d{8}$/,
  'DD-MM-YYYY': /^\d{2}-\d{2}-\d{4}$/,
  'D-M-YYYY': /^\d{1,2}-\d{1,2}-\d{4}$/,
  'DD/MM/YYYY': /^\d{2}\/\d{2}\/\d{4}$/,
  'DD.MM.YYYY': /^\d{2}\.\d{2}\.\d{4}$/,
};

const AMOUNT_HINT =
  'Write amounts like 1.234,56 or 1234,56 (Dutch) or 1234.56 (international), one notation per file; credit notes with a minus: -12,50 or 12,50-.';
const DATE_HINT = 'Write dates day-first as DD-MM-YYYY (31-01-2025), D-M-YYYY, DD/MM/YYYY, DD.MM.YYYY, or as YYYY-MM-DD or YYYYMMDD; month-first dates are never read.';
const DECIMAL_HINT = 'Run again with --decimal , (Dutch notation: 1.234,56) or --decimal . (international notation: 1234.56).';

/** A copy that does not keep the chunk it was sliced from alive (V8 sliced strings). */
function detach(s: string): string {
  return s.length < 13 ? s : (s + ' ').slice(0, -1);
}

/**
 * Reads an invoice CSV file. Iterate `rows()` (or `batches()`, which is faster for bulk
 * inserts) once; afterwards `result` holds the issues and what was decided about the file. The
 * generators also return the result as their return value.
 */
export class InvoiceCsvReader {
  readonly path: string;
  readonly file: string;
  private readonly options: InvoiceCsvOptions;
  private readonly preset: Preset;
  private readonly maxIssues: number;
  private readonly maxPending: number;

  private issuesList: ImportIssue[] = [];
  private noticesList: ImportNotice[] = [];
  private errorCount = 0;
  private warningCount = 0;
  private issuesTruncated = false;

  private decoded: DecodedFile | null = null;
  private encodingSource: InvoiceCsvResult['encodingSource'] = 'detected';
  private delimiter: Delimiter | null = null;
  private delimiterSource: InvoiceCsvResult['delimiterSource'] = 'detected';
  private decimal: DecimalMark | null = null;
  private decimalSource: InvoiceCsvResult['decimalSource'] = null;
  private decimalDecidedBy: InvoiceCsvResult['decimalDecidedBy'] = null;

  // Header state.
  private headerSeen = false;
  private headerCells: string[] = [];
  private headerLength = 0;
  private col: Record<InvoiceField, number> = Object.fromEntries(INVOICE_FIELDS.map((f) => [f, -1])) as Record<InvoiceField, number>;
  private columnsResult: InvoiceCsvResult['columns'] = [];
  private ignoredResult: InvoiceCsvResult['ignoredColumns'] = [];
  private stopped = false;

  // Row state.
  private seen = new InvoiceNumberTable();
  private dateCache = new Map<string, DateParse>();
  private readonly dateColumns: DateColumns;
  private pending: Pending[] = [];
  private firstAmbiguous: { line: number; column: number; value: string } | null = null;
  private undecidedReported = false;
  private out: InvoiceRow[] = [];
  private recordCount = 0;
  private rowCount = 0;
  private rejectedCount = 0;
  private utf8WarningDue = false;
  private utf8Warned = false;
  private started = false;
  private finalResult: InvoiceCsvResult | null = null;

  constructor(path: string, options: InvoiceCsvOptions) {
    this.path = path;
    this.file = options.displayName ?? basename(path);
    this.options = options;
    this.preset = options.preset ?? GENERIC_PRESET;
    this.maxIssues = options.maxIssues ?? 10_000;
    this.maxPending = options.maxPendingRows ?? 10_000;
    this.dateColumns = new DateColumns(
      (code, message, hint, value) => this.addIssue('error', 0, 0, code, message, hint, value),
      (field) => ({ column: this.column(field), header: this.header(field) }),
      options.dateOrder,
    );
    if (options.decimal !== undefined) {
      this.decimal = options.decimal;
      this.decimalSource = 'option';
    } else if (this.preset.decimal !== undefined) {
      this.decimal = this.preset.decimal;
      this.decimalSource = 'preset';
    }
  }

  /** Available once the rows were read to the end. */
  get result(): InvoiceCsvResult | null {
    return this.finalResult;
  }

  /** The issues found so far (sorted once reading has finished). */
  get issues(): readonly ImportIssue[] {
    return this.issuesList;
  }

  async *rows(): AsyncGenerator<InvoiceRow, InvoiceCsvResult, undefined> {
    const batches = this.batches();
    let finished = false;
    try {
      for (;;) {
        const next = await batches.next();
        if (next.done === true) {
          finished = true;
          return next.value;
        }
        for (const row of next.value) yield row;
      }
    } finally {
      // The caller stopped early (break, throw): close the file now, not at garbage collection.
      if (!finished) await batches.return(undefined as unknown as InvoiceCsvResult);
    }
  }

  async *batches(): AsyncGenerator<InvoiceRow[], InvoiceCsvResult, undefined> {
    if (this.started) throw new Error('InvoiceCsvReader: the rows can be read only once');
    this.started = true;
    if (this.options.records !== undefined) return yield* this.recordBatches(this.options.records);
    const forced = this.options.encoding ?? this.preset.encoding;
    this.encodingSource = this.options.encoding !== undefined ? 'option' : this.preset.encoding !== undefined ? 'preset' : 'detected';
    const decoded = await openDecoded(this.path, {
      ...(forced !== undefined ? { encoding: forced } : {}),
      ...(this.options.utf16 !== undefined ? { utf16: this.options.utf16 } : {}),
      ...(this.options.chunkSize !== undefined ? { chunkSize: this.options.chunkSize } : {}),
    });
    this.decoded = decoded;

    let tokenizer: CsvTokenizer | null = null;
    let head = '';
    let reportedTokenIssues = 0;
    const drainTokenIssues = (t: CsvTokenizer): void => {
      for (; reportedTokenIssues < t.issues.length; reportedTokenIssues++) this.tokenIssue(t.issues[reportedTokenIssues]!);
    };

    for await (const chunk of decoded.chunks) {
      let records: CsvRecord[];
      if (tokenizer === null) {
        // Collect text until the header line is complete, to choose the delimiter from it.
        head += chunk;
        // A quote that never closes would make the header "line" the whole file: stop at 1 MiB.
        if (headerLineEnd(head) < 0 && head.length < 1 << 20) continue;
        const started = this.startTokenizer(head);
        tokenizer = started.tokenizer;
        head = '';
        records = tokenizer.push(started.text);
      } else {
        records = tokenizer.push(chunk);
      }
      if (decoded.invalidBytesSeen && !this.utf8Warned) this.utf8WarningDue = true;
      this.consume(records);
      drainTokenIssues(tokenizer);
      if (this.stopped) break;
      if (this.out.length > 0) {
        const batch = this.out;
        this.out = [];
        yield batch;
      }
    }
    if (!this.stopped) {
      if (tokenizer === null) {
        // No line break in the whole file: at most a header.
        const started = this.startTokenizer(head);
        tokenizer = started.tokenizer;
        this.consume(tokenizer.push(started.text));
      }
      if (decoded.invalidBytesSeen && !this.utf8Warned) this.utf8WarningDue = true;
      this.consume(tokenizer.end());
      drainTokenIssues(tokenizer);
      if (!this.headerSeen) {
        this.addIssue('error', 0, 0, 'empty_file', 'the file is empty: there is no header line', 'Export the open invoices again; the first line must name the columns (Factuurnummer;Debiteurnummer;Bedrag;Vervaldatum;…).');
      }
      this.finishPending();
      this.dateColumns.finish();
      if (this.utf8WarningDue && !this.utf8Warned) {
        this.utf8Warned = true;
        this.addIssue('warning', 0, 0, 'invalid_utf8', 'the file is not valid UTF-8 although --encoding utf-8 was given; the bad bytes became \uFFFD', 'Leave out --encoding to detect it, or use --encoding windows-1252.');
      }
    }
    const result = this.buildResult();
    if (this.out.length > 0) {
      const batch = this.out;
      this.out = [];
      yield batch;
    }
    return result;
  }

  /** The rows of a spreadsheet: the same checks as CSV records, without decoding or tokenizing. */
  private async *recordBatches(source: NonNullable<InvoiceCsvOptions['records']>): AsyncGenerator<InvoiceRow[], InvoiceCsvResult, undefined> {
    this.decoded = { encoding: source.encoding, source: 'detected', bom: false, chunks: (async function* () {})(), invalidBytesSeen: false } as unknown as DecodedFile;
    this.delimiterSource = 'detected';
    for await (const records of source.batches) {
      this.consume(records);
      if (this.stopped) break;
      if (this.out.length > 0) {
        const batch = this.out;
        this.out = [];
        yield batch;
      }
    }
    if (!this.stopped) {
      if (!this.headerSeen) {
        this.addIssue('error', 0, 0, 'empty_file', 'the sheet is empty: there is no header row', 'The first row of the sheet must name the columns (Factuurnummer, Debiteurnummer, Bedrag, Vervaldatum, …); choose another sheet with --sheet.');
      }
      this.finishPending();
      this.dateColumns.finish();
    }
    const result = this.buildResult();
    if (this.out.length > 0) {
      const batch = this.out;
      this.out = [];
      yield batch;
    }
    return result;
  }

  private startTokenizer(text: string): { tokenizer: CsvTokenizer; text: string } {
    let firstLine = 1;
    let body = text;
    // Excel reads and writes a first line `sep=;` that names the delimiter; honour and skip it.
    const sep = /^sep=([;,\t])[ \t]*(\r\n|\n|\r)/i.exec(text);
    if (sep !== null) {
      body = text.slice(sep[0].length);
      firstLine = 2;
    }
    if (this.options.delimiter !== undefined) {
      this.delimiter = this.options.delimiter;
      this.delimiterSource = 'option';
    } else if (this.preset.delimiter !== undefined) {
      this.delimiter = this.preset.delimiter;
      this.delimiterSource = 'preset';
    } else if (sep !== null) {
      this.delimiter = sep[1] as Delimiter;
      this.delimiterSource = 'sep-line';
    } else {
      this.delimiter = sniffDelimiter(body);
      this.delimiterSource = 'detected';
    }
    return { tokenizer: new CsvTokenizer({ delimiter: this.delimiter, firstLine }), text: body };
  }

  private addIssue(
    severity: 'error' | 'warning',
    line: number,
    column: number,
    code: string,
    message: string,
    hint: string,
    value?: string,
  ): void {
    if (severity === 'error') this.errorCount++;
    else this.warningCount++;
    if (this.issuesList.length >= this.maxIssues) {
      this.issuesTruncated = true;
      return;
    }
    const issue: ImportIssue = { file: this.file, line, column, code, message, hint, severity };
    if (value !== undefined) issue.value = value;
    this.issuesList.push(issue);
  }

  private tokenIssue(t: CsvTokenIssue): void {
    if (t.code === 'unterminated_quote') {
      this.addIssue('error', t.line, t.column, t.code, t.message, 'Close the quote, or double every quote inside a quoted value ("Bakkerij ""De Korenschoof""").');
    } else {
      this.addIssue('error', t.line, t.column, t.code, t.message, 'This does not look like a CSV export; check the file and --delimiter.');
    }
    // A broken header: nothing after it can be matched to columns; one message is enough.
    if (!this.headerSeen) {
      this.headerSeen = true;
      this.stopped = true;
      return;
    }
    // The broken record never reaches processRecord; count it as read and rejected.
    this.recordCount++;
    this.rejectedCount++;
  }

  private consume(records: CsvRecord[]): void {
    for (let r = 0; r < records.length; r++) {
      if (this.stopped) return;
      const rec = records[r]!;
      if (!this.headerSeen) {
        this.readHeader(rec);
        if (this.stopped) return;
        continue;
      }
      this.processRecord(rec);
    }
  }

  private readHeader(rec: CsvRecord): void {
    this.headerSeen = true;
    if (rec.fields.length > MAX_COLUMNS) {
      this.addIssue(
        'error',
        0,
        0,
        'too_many_columns',
        `the header (line ${rec.line}) has ${rec.fields.length} columns; an invoice export has at most ${MAX_COLUMNS}`,
        'This is not an export of open invoices, or the delimiter is wrong (--delimiter).',
      );
      this.stopped = true;
      return;
    }
    this.headerCells = rec.fields.map((f) => f.trim());
    this.headerLength = rec.fields.length;
    const match = matchHeader(this.headerCells, this.preset);
    for (const m of match.matched) {
      this.col[m.field] = m.index;
      this.columnsResult.push({ field: m.field, column: m.index + 1, header: m.header });
    }
    for (const ig of match.ignored) {
      if (ig.header === '') continue;
      if (ig.duplicateOf !== undefined && normalizeHeader(ig.header) === normalizeHeader(this.headerCells[this.col[ig.duplicateOf]]!)) {
        // Two columns with one name: which one holds the amount is a guess, so refuse.
        const firstCol = this.col[ig.duplicateOf] + 1;
        this.addIssue(
          'error',
          0,
          0,
          'duplicate_column',
          `columns ${firstCol} ("${this.headerCells[firstCol - 1]}") and ${ig.index + 1} ("${ig.header}") both map to ${ig.duplicateOf}`,
          'Rename or remove one of the two columns, so each field is read from one column.',
        );
        this.stopped = true;
        continue;
      }
      this.ignoredResult.push({ column: ig.index + 1, header: ig.header });
      this.noticesList.push({
        file: this.file,
        line: rec.line,
        column: ig.index + 1,
        code: 'column_ignored',
        message:
          ig.duplicateOf !== undefined
            ? `column "${ig.header}" is not used: ${ig.duplicateOf} is read from column ${this.col[ig.duplicateOf] + 1} ("${this.headerCells[this.col[ig.duplicateOf]]}")`
            : `column "${ig.header}" is not used (no field of preset "${this.preset.name}" has this header)`,
        severity: 'info',
      });
    }
    for (const miss of match.missing) {
      const what = miss.fields.join(' or ');
      this.addIssue(
        'error',
        0,
        0,
        'missing_column',
        `no column for ${what}: the header (line ${rec.line}) has ${describeHeader(this.headerCells)}`,
        `Name a column ${miss.accepted.map((a) => `"${a}"`).join(', ')} (case and dots do not matter), or choose another --preset.`,
      );
    }
    if (match.missing.length > 0) this.stopped = true;
    if (this.utf8WarningDue) this.checkReplacementChars(rec);
  }

  private checkReplacementChars(rec: CsvRecord): void {
    for (let i = 0; i < rec.fields.length; i++) {
      if (rec.fields[i]!.includes('\uFFFD')) {
        this.utf8Warned = true;
        this.addIssue(
          'warning',
          rec.line,
          i + 1,
          'invalid_utf8',
          `"${rec.fields[i]!.trim()}" contains bytes that are not UTF-8 although --encoding utf-8 was given; they became \uFFFD`,
          'Leave out --encoding to detect it, or use --encoding windows-1252.',
          rec.fields[i]!,
        );
        return;
      }
    }
  }

  private header(field: InvoiceField): string {
    const i = this.col[field];
    return i < 0 ? field : this.headerCells[i] || field;
  }

  private column(field: InvoiceField): number {
    return this.col[field] + 1;
  }

  private processRecord(rec: CsvRecord): void {
    const f = rec.fields;
    const line = rec.line;
    const c = this.col;
    if (this.utf8WarningDue && !this.utf8Warned) this.checkReplacementChars(rec);
    if (f.length !== this.headerLength) {
      if (allEmpty(f)) return;
      this.recordCount++;
      this.rejectedCount++;
      this.addIssue(
        'error',
        line,
        Math.min(f.length, this.headerLength) + 1,
        'wrong_field_count',
        `the line has ${f.length} field${f.length === 1 ? '' : 's'} but the header has ${this.headerLength} (delimiter ${delimiterName(this.delimiter!)})`,
        f.length > this.headerLength
          ? 'A value contains the delimiter: put it in double quotes ("Jansen; Zn"), or remove the extra delimiter.'
          : 'A value is missing or a quoted value spans lines by mistake; every line needs one field per header column.',
      );
      return;
    }
    const invoiceNumber = cellAt(f, c.invoice_number);
    if (invoiceNumber === '' && allEmpty(f)) return; // a row of empty cells, as Excel leaves them
    this.recordCount++;
    let bad = false;
    for (const m of this.columnsResult) {
      const v = f[m.column - 1]!;
      if (v.length > MAX_FIELD_LENGTH) {
        bad = true;
        this.addIssue('error', line, m.column, 'field_too_long', `${m.header} has ${v.length} characters; at most ${MAX_FIELD_LENGTH} are read`, 'Shorten the value in the bookkeeping package; an export cell this long is a mistake.');
        f[m.column - 1] = v.slice(0, 100);
      }
    }

    if (invoiceNumber === '') {
      bad = true;
      this.addIssue('error', line, this.column('invoice_number'), 'missing_field', `${this.header('invoice_number')} is empty: every row needs an invoice number`, 'Fill in the invoice number, or remove the row.');
    } else {
      const first = this.seen.firstLine(invoiceNumber, line);
      if (first !== 0) {
        bad = true;
        this.addIssue(
          'error',
          line,
          this.column('invoice_number'),
          'duplicate_invoice',
          `invoice number "${invoiceNumber}" appears twice in the file (first on line ${first})`,
          'Each invoice may appear once per file: remove the duplicate row or correct its number.',
          invoiceNumber,
        );
      }
    }

    // Debtor identity.
    let debtorNumber = cellAt(f, c.debtor_number);
    let debtorName = cellAt(f, c.debtor_name);
    if (debtorNumber === '' && debtorName === '') {
      bad = true;
      const field: InvoiceField = this.col.debtor_number >= 0 ? 'debtor_number' : 'debtor_name';
      this.addIssue('error', line, this.column(field), 'missing_field', `${this.header(field)} is empty: every row needs a debtor number or name`, 'Fill in the debtor number (relatiecode) or the debtor name.');
    } else if (debtorNumber === '') {
      debtorNumber = debtorKeyFromName(debtorName);
    } else {
      // `name:` is the namespace of the keys invented for rows without a number: a real number
      // there could equal one of them and merge two people into one debtor.
      if (isReservedDebtorNumber(debtorNumber)) {
        bad = true;
        this.addIssue('error', line, this.column('debtor_number'), 'reserved_debtor_number', `${this.header('debtor_number')} "${debtorNumber}" starts with "name:", which pre-incasso keeps for debtors without a number`, 'Give the debtor another number (relatiecode) in the bookkeeping, or leave it empty so the debtor is known by name.', debtorNumber);
      }
      if (debtorName === '') debtorName = debtorNumber;
    }

    let type = this.options.defaultDebtorType;
    let typeKnown = false;
    const typeText = cellAt(f, c.debtor_type);
    if (typeText !== '') {
      // Exact spelling first: most files repeat one or two words, and normalize() is not free.
      const t = DEBTOR_TYPES.get(typeText) ?? DEBTOR_TYPES.get(typeText.toLowerCase().normalize('NFC'));
      if (t === undefined) {
        bad = true;
        this.addIssue(
          'error',
          line,
          this.column('debtor_type'),
          'unknown_debtor_type',
          `${this.header('debtor_type')} "${typeText}" is not a debtor type`,
          `Write consumer or business (also particulier/zakelijk, b2c/b2b, privé/bedrijf), or leave it empty for the default (${this.options.defaultDebtorType}).`,
          typeText,
        );
      } else {
        type = t;
        typeKnown = true;
      }
    }

    let language = this.options.defaultLanguage;
    const languageText = cellAt(f, c.language);
    if (languageText !== '') {
      const l = LANGUAGES.get(languageText) ?? LANGUAGES.get(languageText.toLowerCase());
      if (l === undefined) {
        this.addIssue(
          'warning',
          line,
          this.column('language'),
          'unknown_language',
          `${this.header('language')} "${languageText}" is not a language the letters exist in; the default (${this.options.defaultLanguage}) is used`,
          'Write nl or en (also Nederlands/English), or leave it empty.',
          languageText,
        );
      } else language = l;
    }

    let country = 'NL';
    const countryText = cellAt(f, c.country);
    if (countryText !== '') {
      const lower = countryText.toLowerCase();
      if (NETHERLANDS.has(lower)) country = 'NL';
      else if (/^[a-z]{2}$/.test(lower)) country = countryText.toUpperCase();
      else {
        country = countryText;
        this.addIssue(
          'warning',
          line,
          this.column('country'),
          'unknown_country',
          `${this.header('country')} "${countryText}" is not a two-letter country code; it is kept as written`,
          'Write the ISO 3166 code (NL, BE, DE, …) so the address block and the handover file are right.',
          countryText,
        );
      }
    }

    const currencyText = cellAt(f, c.currency);
    if (currencyText !== '' && currencyText.toUpperCase() !== 'EUR' && currencyText !== '€') {
      bad = true;
      this.addIssue(
        'error',
        line,
        this.column('currency'),
        'currency_not_eur',
        `${this.header('currency')} "${currencyText}" is not supported: only invoices in EUR can be collected`,
        'Leave invoices in other currencies out of the export, or convert them to euros in your bookkeeping package.',
        currencyText,
      );
    }

    // E-mail, postcode, KvK and VAT plausibility are checked per debtor by the import pipeline.
    const email = cellAt(f, c.email);

    // Dates.
    let issueDate: string | null = null;
    const issueText = cellAt(f, c.issue_date);
    if (issueText !== '') {
      issueDate = this.parseDate(issueText, 'issue_date', line);
      if (issueDate === null) bad = true;
    }
    let dueDate: string | null = null;
    let dueDateDerived = false;
    const dueText = cellAt(f, c.due_date);
    if (dueText !== '') {
      dueDate = this.parseDate(dueText, 'due_date', line);
      if (dueDate === null) bad = true;
    } else if (issueDate !== null) {
      dueDate = addDays(issueDate, this.options.paymentTermDays);
      dueDateDerived = true;
    } else if (issueText === '') {
      bad = true;
      const field: InvoiceField = this.col.due_date >= 0 ? 'due_date' : 'issue_date';
      this.addIssue('error', line, this.column(field), 'missing_field', `${this.header(field)} is empty: every row needs a due date or an invoice date`, `Fill in the due date, or the invoice date (the due date is then the invoice date + ${this.options.paymentTermDays} days).`);
    }
    if (issueDate !== null && dueDate !== null && !dueDateDerived && dueDate < issueDate) {
      this.addIssue(
        'warning',
        line,
        this.column('due_date'),
        'due_before_issue',
        `${this.header('due_date')} "${dueText}" is before the invoice date "${issueText}"`,
        'Check the dates: the columns may be swapped.',
        dueText,
      );
    }

    // Verzuim and limitation per invoice (issue 17): a yes/no and goods/services column.
    let termIsFatal: boolean | null = null;
    const fatalText = cellAt(f, c.term_is_fatal).toLowerCase();
    if (fatalText !== '') {
      if (YES.has(fatalText)) termIsFatal = true;
      else if (NO.has(fatalText)) termIsFatal = false;
      else {
        bad = true;
        this.addIssue('error', line, this.column('term_is_fatal'), 'bad_value', `${this.header('term_is_fatal')} "${fatalText}" is not ja/nee (yes/no)`, 'Write ja when the debtor accepted general terms that make the payment term fatal, else nee or leave it empty.', fatalText);
      }
    }
    let consumerClaim: 'goods' | 'services' | null = null;
    const claimText = cellAt(f, c.consumer_claim).toLowerCase();
    if (claimText !== '') {
      if (GOODS.has(claimText)) consumerClaim = 'goods';
      else if (SERVICES.has(claimText)) consumerClaim = 'services';
      else {
        bad = true;
        this.addIssue('error', line, this.column('consumer_claim'), 'bad_value', `${this.header('consumer_claim')} "${claimText}" is not goederen/diensten (goods/services)`, 'goods: limitation after 2 years (7:28 BW); services: after 5 years (3:307 BW).', claimText);
      }
    }

    // Amounts: checked once the decimal mark of the file is known.
    const amountText = cellAt(f, c.amount);
    const openText = cellAt(f, c.open_amount);
    if (amountText === '') {
      bad = true;
      this.addIssue('error', line, this.column('amount'), 'missing_field', `${this.header('amount')} is empty: every row needs the invoice amount`, 'Fill in the invoice amount (negative for a credit note).');
    }

    const row: InvoiceRow = {
      file: this.file,
      line,
      invoiceNumber,
      debtor: {
        number: debtorNumber,
        name: debtorName,
        type,
        typeKnown,
        contactPerson: optionalAt(f, c.contact_person),
        email: email === '' ? null : email,
        phone: optionalAt(f, c.phone),
        street: optionalAt(f, c.street),
        postcode: optionalAt(f, c.postcode),
        city: optionalAt(f, c.city),
        country,
        language,
        kvk: optionalAt(f, c.kvk),
        vatNumber: optionalAt(f, c.vat_number),
      },
      issueDate,
      dueDate: dueDate ?? '',
      dueDateDerived,
      amountCents: 0,
      openCents: 0,
      currency: 'EUR',
      reference: optionalAt(f, c.reference),
      ...(termIsFatal !== null ? { termIsFatal } : {}),
      ...(consumerClaim !== null ? { consumerClaim } : {}),
    };

    let ambiguous = false;
    if (this.decimal === null) {
      this.tryDecide(amountText, 'amount', line);
      if (this.decimal === null) this.tryDecide(openText, 'open_amount', line);
      if (this.decimal === null) {
        if (isAmbiguousAmount(amountText)) {
          ambiguous = true;
          this.firstAmbiguous ??= { line, column: this.column('amount'), value: amountText };
        } else if (isAmbiguousAmount(openText)) {
          ambiguous = true;
          this.firstAmbiguous ??= { line, column: this.column('open_amount'), value: openText };
        }
      } else {
        this.flushPending();
      }
    }
    const p: Pending = { row, bad, amountText, openText, ambiguous };
    if (this.decimal === null && (ambiguous || this.pending.length > 0)) {
      if (this.undecidedReported) {
        // The file already has its one "cannot decide" error; keep no more rows waiting.
        if (ambiguous) this.rejectedCount++;
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

  private parseDate(text: string, field: InvoiceField, line: number): string | null {
    if (!this.dateColumns.note(text, field, line)) return null;
    const order = this.options.dateOrder ?? 'dmy';
    const format = this.preset.dateFormat;
    if (format !== undefined && !DATE_FORMAT_SHAPES[format].test(text)) {
      this.addIssue('error', line, this.column(field), 'bad_date', `${this.header(field)} "${text}" is not a date in the preset's notation ${format}`, `Write the date as ${format}, or remove dateFormat from the preset.`, text);
      return null;
    }
    // Exports repeat the same few hundred dates over many rows; parseDateText is pure, so its
    // answers are cached (bounded) instead of running its regular expressions on every row.
    let parsed = this.dateCache.get(text);
    if (parsed === undefined) {
      parsed = parseDateText(text, order);
      if (this.dateCache.size >= 4096) this.dateCache.clear();
      this.dateCache.set(detach(text), parsed);
    }
    if (parsed.ok) return parsed.date;
    // `10/31/2024` is an American (month-first) date; say so rather than only "no such day".
    const monthFirst = order === 'dmy' && dayMonthShape(text).shape === 'mdy';
    this.addIssue(
      'error',
      line,
      this.column(field),
      'bad_date',
      `${this.header(field)} "${text}" is not a date: ${parsed.reason}${monthFirst ? ' (it looks month-first; dates are read day-first)' : ''}`,
      DATE_HINT,
      text,
    );
    return null;
  }

  /** Decides the file's decimal mark when this amount fits only one of them. */
  private tryDecide(text: string, field: InvoiceField, line: number): void {
    if (text === '') return;
    const marks = decimalMarksOf(text);
    if (marks.length !== 1) return;
    const mark = marks[0]!;
    if (!parseAmount(text, mark).ok) return; // not a valid amount: it decides nothing
    this.decimal = mark;
    this.decimalSource = 'detected';
    this.decimalDecidedBy = { line, column: this.column(field), value: text };
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
    this.addIssue(
      'error',
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
      if (p.ambiguous) this.rejectedCount++;
      else this.finishAmounts(p, ',');
    }
  }

  private finishPending(): void {
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
        this.addIssue(
          'error',
          row.line,
          this.column('open_amount'),
          'open_exceeds_amount',
          `${this.header('open_amount')} "${p.openText}" is more than the invoice amount "${p.amountText}"`,
          'The open amount cannot exceed the invoice amount: check that the columns are not swapped.',
          p.openText,
        );
      } else if (open !== 0 && Math.sign(open) !== Math.sign(amount)) {
        bad = true;
        this.addIssue(
          'error',
          row.line,
          this.column('open_amount'),
          'open_sign_mismatch',
          `${this.header('open_amount')} "${p.openText}" has the opposite sign of the invoice amount "${p.amountText}"`,
          'A credit note has a negative amount and a negative (or zero) open amount; an invoice has both positive.',
          p.openText,
        );
      } else if (amount === 0) {
        this.addIssue('warning', row.line, this.column('amount'), 'zero_amount', `${this.header('amount')} "${p.amountText}" is zero: there is nothing to collect`, 'Leave invoices of zero out of the export; this one is imported but never dunned.', p.amountText);
      }
    }
    if (bad) {
      this.rejectedCount++;
      return;
    }
    this.rowCount++;
    this.out.push(row);
  }

  private parseMoney(text: string, field: InvoiceField, line: number, mark: DecimalMark): number | null {
    const fast = parseAmountFast(text, mark);
    if (fast === fast) return fast; // not NaN
    const parsed = parseAmountGeneral(text, mark);
    if (parsed.ok) return parsed.cents;
    const marks = decimalMarksOf(text);
    if (this.decimalSource === 'detected' && marks.length === 1 && marks[0] !== mark && parseAmount(text, marks[0]!).ok) {
      const by = this.decimalDecidedBy!;
      this.addIssue(
        'error',
        line,
        this.column(field),
        'decimal_mismatch',
        `${this.header(field)} "${text}" is written with '${marks[0]}' as the decimal mark, but this file uses '${mark}' (decided by "${by.value}" on line ${by.line})`,
        `Write all amounts of the file in one notation, or force it with --decimal ${marks[0]} if "${by.value}" is the odd one out.`,
        text,
      );
      return null;
    }
    const forced = this.options.records === undefined && (this.decimalSource === 'option' || this.decimalSource === 'preset');
    this.addIssue(
      'error',
      line,
      this.column(field),
      'bad_amount',
      `${this.header(field)} "${text}" is not an amount: ${parsed.reason}${forced ? ` (decimal mark '${mark}' from ${this.decimalSource === 'option' ? '--decimal' : `preset ${this.preset.name}`})` : ''}`,
      AMOUNT_HINT,
      text,
    );
    return null;
  }

  private buildResult(): InvoiceCsvResult {
    this.issuesList.sort((a, b) => a.line - b.line || a.column - b.column);
    if (this.issuesTruncated) {
      const dropped = this.errorCount + this.warningCount - this.issuesList.length;
      this.issuesList.push({
        file: this.file,
        line: 0,
        column: 0,
        code: 'too_many_issues',
        message: `${dropped} more issue${dropped === 1 ? '' : 's'} not listed`,
        hint: 'Fix the issues listed (they are often one cause repeated) and import again.',
        severity: 'warning',
      });
    }
    this.finalResult = {
      file: this.file,
      path: this.path,
      preset: this.preset.name,
      encoding: this.decoded!.encoding,
      encodingSource: this.encodingSource,
      bom: this.decoded!.bom,
      delimiter: this.delimiter ?? ';',
      delimiterSource: this.delimiterSource,
      decimal: this.decimal,
      decimalSource: this.decimalSource,
      decimalDecidedBy: this.decimalDecidedBy,
      columns: this.columnsResult,
      ignoredColumns: this.ignoredResult,
      records: this.recordCount,
      rows: this.rowCount,
      rejected: this.rejectedCount,
      issues: this.issuesList,
      notices: this.noticesList,
      errorCount: this.errorCount,
      warningCount: this.warningCount,
      issuesTruncated: this.issuesTruncated,
    };
    return this.finalResult;
  }
}

/**
 * Reads an invoice CSV file row by row. The generator's return value (seen when calling
 * `next()` by hand) is the result with the issues; with `for await` use `InvoiceCsvReader`
 * and read `reader.result` afterwards.
 */
export function readInvoiceCsv(file: string, options: InvoiceCsvOptions): AsyncGenerator<InvoiceRow, InvoiceCsvResult, undefined> {
  return new InvoiceCsvReader(file, options).rows();
}

/** A header for a message: at most 20 cells, each cut to 40 characters. */
function describeHeader(cells: string[]): string {
  const shown = cells.slice(0, 20).map((h) => `"${h.length > 40 ? `${h.slice(0, 40)}…` : h}"`);
  return shown.join(', ') + (cells.length > 20 ? ` and ${cells.length - 20} more` : '');
}

/** The trimmed cell at a 0-based column; '' when the file has no such column. */
function cellAt(fields: string[], index: number): string {
  return index < 0 ? '' : fields[index]!.trim();
}

const YES = new Set(['ja', 'j', 'yes', 'y', 'true', '1', 'waar']);
const NO = new Set(['nee', 'n', 'no', 'false', '0', 'onwaar']);
const GOODS = new Set(['goods', 'goederen', 'koop', 'levering']);
const SERVICES = new Set(['services', 'diensten', 'dienst', 'service']);

function optionalAt(fields: string[], index: number): string | null {
  if (index < 0) return null;
  const s = fields[index]!.trim();
  return s === '' ? null : s;
}

function allEmpty(fields: string[]): boolean {
  for (let i = 0; i < fields.length; i++) if (fields[i]!.trim() !== '') return false;
  return true;
}

/** The separator an ambiguous amount like `1.234` contains, and the other one. */
function lastMark(text: string): DecimalMark {
  return text.lastIndexOf(',') > text.lastIndexOf('.') ? ',' : '.';
}

function otherMark(text: string): DecimalMark {
  return lastMark(text) === ',' ? '.' : ',';
}
