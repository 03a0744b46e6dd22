// The header line of an invoice file: which column holds which field (by the preset's names),
// which columns are not used, and the refusals that stop reading (too many columns, a field
// missing, two columns with one name).
import type { CsvRecord } from './csv-tokenizer.js';
import { INVOICE_FIELDS, matchHeader, normalizeHeader, type InvoiceField, type Preset } from './columns.js';
import type { InvoiceCsvResult } from './invoice-csv-types.js';
import { MAX_COLUMNS } from './invoice-csv-types.js';
import type { IssueSink } from './issue-sink.js';

/** Where each field is read: `col[field]` is the 0-based column, -1 when the file has none. */
export class ColumnLayout {
  readonly cells: string[];
  /** The number of fields the header has; every record must have as many. */
  readonly length: number;
  readonly col: Record<InvoiceField, number> = Object.fromEntries(INVOICE_FIELDS.map((f) => [f, -1])) as Record<InvoiceField, number>;
  readonly columns: InvoiceCsvResult['columns'] = [];
  readonly ignored: InvoiceCsvResult['ignoredColumns'] = [];

  constructor(fields: string[]) {
    this.cells = fields.map((f) => f.trim());
    this.length = fields.length;
  }

  /** The column's name as the file writes it, for messages; the field name when there is none. */
  header(field: InvoiceField): string {
    const i = this.col[field];
    return i < 0 ? field : this.cells[i] || field;
  }

  /** The 1-based column of a field; 0 when the file has none. */
  column(field: InvoiceField): number {
    return this.col[field] + 1;
  }
}

/**
 * Matches the header record against the preset. Returns the layout, and `stop` when nothing
 * after the header can be read (each refusal is reported to `sink`).
 */
export function readInvoiceHeader(rec: CsvRecord, preset: Preset, sink: IssueSink): { layout: ColumnLayout; stop: boolean } {
  const layout = new ColumnLayout(rec.fields.length > MAX_COLUMNS ? [] : rec.fields);
  if (rec.fields.length > MAX_COLUMNS) {
    sink.error(
      0,
      0,
      'too_many_columns',
      `the header (line ${rec.line}) has ${rec.fields.length} columns; an invoice export has at most ${MAX_COLUMNS}`,
      'This is not an export of open invoices, or the delimiter is wrong (--delimiter).',
    );
    return { layout, stop: true };
  }
  let stop = false;
  const cells = layout.cells;
  const match = matchHeader(cells, preset);
  for (const m of match.matched) {
    layout.col[m.field] = m.index;
    layout.columns.push({ field: m.field, column: m.index + 1, header: m.header });
  }
  for (const ig of match.ignored) {
    if (ig.header === '') continue;
    if (ig.duplicateOf !== undefined && normalizeHeader(ig.header) === normalizeHeader(cells[layout.col[ig.duplicateOf]]!)) {
      // Two columns with one name: which one holds the amount is a guess, so refuse.
      const firstCol = layout.col[ig.duplicateOf] + 1;
      sink.error(
        0,
        0,
        'duplicate_column',
        `columns ${firstCol} ("${cells[firstCol - 1]}") and ${ig.index + 1} ("${ig.header}") both map to ${ig.duplicateOf}`,
        'Rename or remove one of the two columns, so each field is read from one column.',
      );
      stop = true;
      continue;
    }
    layout.ignored.push({ column: ig.index + 1, header: ig.header });
    sink.notice(
      rec.line,
      ig.index + 1,
      'column_ignored',
      ig.duplicateOf !== undefined
        ? `column "${ig.header}" is not used: ${ig.duplicateOf} is read from column ${layout.col[ig.duplicateOf] + 1} ("${cells[layout.col[ig.duplicateOf]]}")`
        : `column "${ig.header}" is not used (no field of preset "${preset.name}" has this header)`,
    );
  }
  for (const miss of match.missing) {
    const what = miss.fields.join(' or ');
    sink.error(
      0,
      0,
      'missing_column',
      `no column for ${what}: the header (line ${rec.line}) has ${describeHeader(cells)}`,
      `Name a column ${miss.accepted.map((a) => `"${a}"`).join(', ')} (case and dots do not matter), or choose another --preset.`,
    );
  }
  if (match.missing.length > 0) stop = true;
  return { layout, stop };
}

/** A header for a message: at most 20 cells, each cut to 40 characters. */
function describeHeader(cells: string[]): string {
  const shown = cells.slice(0, 20).map((h) => `"${h.length > 40 ? `${h.slice(0, 40)}…` : h}"`);
  return shown.join(', ') + (cells.length > 20 ? ` and ${cells.length - 20} more` : '');
}
