// What the invoice importers (CSV, .xlsx, UBL, CII) hand to the import pipeline: one row per
// invoice (its type lives in domain/invoice-row.ts), and the problems found, with where they are.
export type { InvoiceRow } from '../domain/invoice-row.js';

export interface ImportIssue {
  file: string;
  /** 1-based physical line; 0 for a problem of the whole file (missing column, decimal mark). */
  line: number;
  /** 1-based column (field index); 0 when the issue is about the whole line or file. */
  column: number;
  /** snake_case: bad_amount, bad_date, missing_field, duplicate_invoice, wrong_field_count, … */
  code: string;
  /** The value, quoted, and the rule; without the location (see `formatIssueLocation`). */
  message: string;
  hint: string;
  severity: 'error' | 'warning';
  value?: string;
}

/** Information that needs no action (columns that are not used). */
export interface ImportNotice {
  file: string;
  line: number;
  column: number;
  code: string;
  message: string;
  severity: 'info';
}

/** `invoices.csv:14:5`, `invoices.csv:14` (whole line) or `invoices.csv` (whole file). */
export function formatIssueLocation(issue: Pick<ImportIssue, 'file' | 'line' | 'column'>): string {
  if (issue.line <= 0) return issue.file;
  return issue.column > 0 ? `${issue.file}:${issue.line}:${issue.column}` : `${issue.file}:${issue.line}`;
}
