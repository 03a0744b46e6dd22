// The parse layer of `pre-incasso import` for CSV files (and .xlsx sheets, as records): bytes ->
// text -> records -> invoice rows plus every problem found, with file, line, column, the value,
// the rule and the fix. A pure parser: it never opens the ledger.
//
// It streams: rows are handed to the caller batch by batch as the file is read, and the only
// state that grows with the file is the table of invoice numbers seen (to find duplicates) and
// the issues list (capped). Rows with an error are not handed out; rows with only warnings are.
// The caller decides from `errorCount` whether the import may be applied (SPEC §2.3: nothing
// half-done).
//
// The jobs, one file each: csv-source.ts (decoding, delimiter, records), invoice-header.ts (which
// column is which field), invoice-record.ts (the checks of one row), decimal-decision.ts (the
// file's decimal mark and the amounts), issue-sink.ts (the issues), invoice-csv-types.ts (the
// options and the result). Rules the code follows and why:
// - Identifiers stay strings, trimmed, leading zeros kept (domain/formats.md §1).
// - No debtor number: the debtor is keyed by `name:` + the name in lower case with spaces
//   collapsed, so the same name in several rows (and in the next import) is the same debtor.
// - Unknown debtor type counts as `consumer` in the ledger (the safe side, SPEC §4); here the
//   configured default is used and `typeKnown` says it was not in the file.
// - Cells are never evaluated: `=SUM(…)` is just text.

import { basename } from 'node:path';
import type { InvoiceRow } from '../domain/invoice-row.js';
import type { CsvRecord, CsvTokenIssue } from './csv-tokenizer.js';
import { CsvSource, type RecordBatch } from './csv-source.js';
import { GENERIC_PRESET, type Preset } from './columns.js';
import type { ImportIssue } from './invoice-row.js';
import { DateColumns } from './date-columns.js';
import { MAX_COLUMNS, type InvoiceCsvOptions, type InvoiceCsvResult } from './invoice-csv-types.js';
import { IssueSink } from './issue-sink.js';
import { readInvoiceHeader, type ColumnLayout } from './invoice-header.js';
import { RecordChecker } from './invoice-record.js';
import { DecimalDecision } from './decimal-decision.js';

export type { ImportIssue, ImportNotice } from './invoice-row.js';
export type { InvoiceRow } from '../domain/invoice-row.js';
export { formatIssueLocation } from './invoice-row.js';
export { InvoiceNumberTable } from './invoice-number-table.js';
export { debtorKeyFromName, isReservedDebtorNumber } from '../domain/invoice-row.js';
export { MAX_COLUMNS, MAX_FIELD_LENGTH, type InvoiceCsvOptions, type InvoiceCsvResult } from './invoice-csv-types.js';

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
  private readonly sink: IssueSink;
  private readonly decision: DecimalDecision;
  private readonly dateColumns: DateColumns;
  private source: CsvSource | null = null;
  private encodingSource: InvoiceCsvResult['encodingSource'] = 'detected';

  private layout: ColumnLayout | null = null;
  private checker: RecordChecker | null = null;
  private headerSeen = false;
  private stopped = false;
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
    this.sink = new IssueSink(this.file, options.maxIssues ?? 10_000);
    this.dateColumns = new DateColumns(
      (code, message, hint, value) => this.sink.error(0, 0, code, message, hint, value),
      (field) => ({ column: this.layout?.column(field) ?? 0, header: this.layout?.header(field) ?? field }),
      options.dateOrder,
    );
    const forced =
      options.decimal !== undefined
        ? { mark: options.decimal, source: 'option' as const }
        : this.preset.decimal !== undefined
          ? { mark: this.preset.decimal, source: 'preset' as const }
          : null;
    this.decision = new DecimalDecision(
      forced,
      options.maxPendingRows ?? 10_000,
      this.sink,
      this.preset.name,
      options.records !== undefined,
      (row) => {
        this.rowCount++;
        this.out.push(row);
      },
      () => this.rejectedCount++,
    );
  }

  /** Available once the rows were read to the end. */
  get result(): InvoiceCsvResult | null {
    return this.finalResult;
  }

  /** The issues found so far (sorted once reading has finished). */
  get issues(): readonly ImportIssue[] {
    return this.sink.issues;
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
    const sheet = this.options.records;
    let input: AsyncIterable<RecordBatch>;
    if (sheet !== undefined) {
      input = (async function* () {
        for await (const records of sheet.batches) yield { records, invalidUtf8: false, tokenIssues: [] };
      })();
    } else {
      const o = this.options;
      const forced = o.encoding ?? this.preset.encoding;
      this.encodingSource = o.encoding !== undefined ? 'option' : this.preset.encoding !== undefined ? 'preset' : 'detected';
      const given = o.delimiter ?? this.preset.delimiter;
      this.source = new CsvSource(this.path, {
        encoding: forced,
        utf16: o.utf16,
        chunkSize: o.chunkSize,
        delimiter: given === undefined ? undefined : { delimiter: given, source: o.delimiter !== undefined ? 'option' : 'preset' },
      });
      input = this.source.batches();
    }
    for await (const batch of input) {
      if (batch.invalidUtf8 && !this.utf8Warned) this.utf8WarningDue = true;
      this.consume(batch.records);
      for (const t of batch.tokenIssues) this.tokenIssue(t);
      if (this.stopped) break;
      if (this.out.length > 0) {
        const rows = this.out;
        this.out = [];
        yield rows;
      }
    }
    if (!this.stopped) {
      if (!this.headerSeen) {
        if (sheet !== undefined) {
          this.sink.error(0, 0, 'empty_file', 'the sheet is empty: there is no header row', 'The first row of the sheet must name the columns (Factuurnummer, Debiteurnummer, Bedrag, Vervaldatum, …); choose another sheet with --sheet.');
        } else {
          this.sink.error(0, 0, 'empty_file', 'the file is empty: there is no header line', 'Export the open invoices again; the first line must name the columns (Factuurnummer;Debiteurnummer;Bedrag;Vervaldatum;…).');
        }
      }
      this.decision.finish();
      this.dateColumns.finish();
      if (this.utf8WarningDue && !this.utf8Warned) {
        this.utf8Warned = true;
        this.sink.warning(0, 0, 'invalid_utf8', 'the file is not valid UTF-8 although --encoding utf-8 was given; the bad bytes became \uFFFD', 'Leave out --encoding to detect it, or use --encoding windows-1252.');
      }
    }
    const result = this.buildResult();
    if (this.out.length > 0) {
      const rows = this.out;
      this.out = [];
      yield rows;
    }
    return result;
  }

  private tokenIssue(t: CsvTokenIssue): void {
    if (t.code === 'unterminated_quote') {
      this.sink.error(t.line, t.column, t.code, t.message, 'Close the quote, or double every quote inside a quoted value ("Bakkerij ""De Korenschoof""").');
    } else {
      this.sink.error(t.line, t.column, t.code, t.message, 'This does not look like a CSV export; check the file and --delimiter.');
    }
    // A broken header: nothing after it can be matched to columns; one message is enough.
    if (!this.headerSeen) {
      this.headerSeen = true;
      this.stopped = true;
      return;
    }
    // The broken record never reaches the checks; count it as read and rejected.
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
      if (this.utf8WarningDue && !this.utf8Warned) this.checkReplacementChars(rec);
      const checked = this.checker!.check(rec);
      if (checked === null) continue;
      this.recordCount++;
      if (checked === 'rejected') this.rejectedCount++;
      else this.decision.accept(checked);
    }
  }

  private readHeader(rec: CsvRecord): void {
    this.headerSeen = true;
    const { layout, stop } = readInvoiceHeader(rec, this.preset, this.sink);
    this.layout = layout;
    this.decision.layout = layout;
    this.checker = new RecordChecker(layout, this.source?.delimiter ?? ';', this.preset, this.options, this.sink, this.dateColumns);
    if (stop) this.stopped = true;
    if (rec.fields.length <= MAX_COLUMNS && this.utf8WarningDue) this.checkReplacementChars(rec);
  }

  private checkReplacementChars(rec: CsvRecord): void {
    for (let i = 0; i < rec.fields.length; i++) {
      if (rec.fields[i]!.includes('\uFFFD')) {
        this.utf8Warned = true;
        this.sink.warning(
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

  private buildResult(): InvoiceCsvResult {
    const sheet = this.options.records;
    const decoded = this.source?.decoded;
    const layout = this.layout;
    this.finalResult = {
      file: this.file,
      path: this.path,
      preset: this.preset.name,
      encoding: sheet !== undefined ? sheet.encoding : decoded!.encoding,
      encodingSource: this.encodingSource,
      bom: decoded?.bom ?? false,
      delimiter: this.source?.delimiter ?? ';',
      delimiterSource: this.source?.delimiterSource ?? 'detected',
      decimal: this.decision.decimal,
      decimalSource: this.decision.source,
      decimalDecidedBy: this.decision.decidedBy,
      columns: layout?.columns ?? [],
      ignoredColumns: layout?.ignored ?? [],
      records: this.recordCount,
      rows: this.rowCount,
      rejected: this.rejectedCount,
      issues: this.sink.finish(),
      notices: this.sink.notices,
      errorCount: this.sink.errorCount,
      warningCount: this.sink.warningCount,
      issuesTruncated: this.sink.truncated,
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
