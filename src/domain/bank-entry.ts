// One booked line of a bank statement, whatever the file format: what `payments import` needs to
// record a payment and find the invoice it pays. The CAMT, MT940 and bank-CSV readers
// (src/importers/) produce these; the payments workflow decides which of them are payments
// (credits in euro that are not returns) and the ledger stores them. Data shapes only.
import type { IsoDate } from './dates.js';

export type BankFormat = 'camt.052' | 'camt.053' | 'camt.054' | 'mt940' | 'csv';

/** What a bank's text says about the counterparty and the references. */
export interface TextDetails {
  counterpartyName: string | null;
  counterpartyIban: string | null;
  endToEndId: string | null;
  /** Structured creditor reference (betalingskenmerk, RF reference, …). */
  structuredRef: string | null;
  /** Who issued it: CUR (Dutch betalingskenmerk), ISO (RF creditor reference), BBA, …; null when unknown. */
  structuredRefIssuer: string | null;
  /** Free remittance text, whitespace collapsed. */
  remittance: string | null;
  /** A returned transfer or direct debit (CAMT RtrInf, MT940 /RTRN/): the reason code. */
  returnReason: string | null;
}

/** Where in a bank file: MT940 and CSV a line, CAMT an element path. */
export interface BankPlace {
  file: string;
  /** MT940: the line of the :61: field; CSV: the line of the row. */
  line: number | null;
  /** CAMT: the element path of the entry (Document/BkToCstmrStmt/Stmt[1]/Ntry[2]). */
  path: string | null;
}

export interface BankEntry extends TextDetails, BankPlace {
  /** Stable identity of the entry for deduplication: the same entry in a later download gets the same key. */
  sourceKey: string;
  format: BankFormat;
  /** CAMT: the message version (camt.053.001.02); MT940: the bank dialect (ing, rabobank, abnamro, …); CSV: csv-<preset>. */
  variant: string;
  /** Our own account (IBAN, or the bank's old account number). */
  account: string | null;
  statementId: string | null;
  bookingDate: IsoDate;
  valueDate: IsoDate | null;
  /** Signed: positive is money in, negative money out. */
  amountCents: number;
  currency: string;
  /** The entry undoes an earlier one (CAMT RvslInd, MT940 RC/RD). */
  reversal: boolean;
  /** The bank's own reference of the entry (AcctSvcrRef, NtryRef, the MT940 `//` reference). */
  bankReference: string | null;
  /**
   * The key pre-incasso gave this entry before issue 11 (bank reference based), so an entry
   * imported by an older version is recognised; it counts only together with date and amount.
   */
  legacyKey?: string | null;
  /**
   * The bank's own unique reference of the entry on this account (CAMT AcctSvcrRef), to find the
   * same entry in another message; it counts only together with date, amount and counterparty.
   */
  bankRefKey?: string | null;
}

export interface BankIssue extends BankPlace {
  code: string;
  message: string;
  hint: string;
  severity: 'error' | 'warning';
}

export interface BankParseResult {
  format: BankFormat | null;
  entries: BankEntry[];
  issues: BankIssue[];
  /** Entries that were not booked (PDNG, INFO): never imported. */
  notBooked: number;
  statements: number;
}

/** `file:line` for MT940, `file: path` for CAMT, the file alone otherwise. */
export function issueLocation(place: BankPlace): string {
  if (place.line !== null && place.line > 0) return `${place.file}:${place.line}`;
  if (place.path) return `${place.file}: ${place.path}`;
  return place.file;
}
