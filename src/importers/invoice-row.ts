// What the invoice importers (CSV, .xlsx, UBL, CII) hand to the import pipeline: one row per
// invoice, and the problems found, with where they are.

export interface InvoiceRow {
  file: string;
  line: number;
  invoiceNumber: string;
  debtor: {
    number: string;
    name: string;
    type: 'consumer' | 'business';
    typeKnown: boolean;
    contactPerson: string | null;
    email: string | null;
    phone: string | null;
    street: string | null;
    postcode: string | null;
    city: string | null;
    country: string;
    language: 'nl' | 'en';
    kvk: string | null;
    vatNumber: string | null;
  };
  issueDate: string | null;
  dueDate: string;
  dueDateDerived: boolean;
  amountCents: number;
  openCents: number;
  currency: 'EUR';
  reference: string | null;
  /** Import column term_is_fatal: the payment term was agreed as a fatal term (6:83 sub a BW); null = the config default. */
  termIsFatal?: boolean | null;
  /** Import column consumer_claim: goods (7:28 BW) or services (3:307 BW); null = the config default. */
  consumerClaim?: 'goods' | 'services' | null;
}

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
