// UBL e-invoices: kept as an entry point for callers that know the file is UBL. The reading
// (UBL and CII, strict namespace, encoding, sub-cent and seller checks) lives in einvoice.ts.
import { sniffPath } from './sniff.js';
import { readEInvoice, type EInvoiceOptions, type EInvoiceResult } from './einvoice.js';

export type UblOptions = EInvoiceOptions;

/** A file is UBL when its root element is Invoice or CreditNote (any prefix). */
export async function isUblFile(file: string): Promise<boolean> {
  return sniffPath(file).kind === 'ubl';
}

export async function readUblInvoice(file: string, options: UblOptions): Promise<EInvoiceResult> {
  return readEInvoice(file, 'ubl', options);
}
