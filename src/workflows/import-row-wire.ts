// How checked invoice rows travel to the import's writer thread: a batch of rows of one file is
// one flat array, row after row, the fields in a fixed order. Structured cloning copies such an
// array in one pass of the serializer (strings, numbers, booleans, null and undefined exactly
// as they were), where an array of objects costs a property name per field per row.
import type { InvoiceRow } from '../domain/invoice-row.js';

/**
 * Every field of a row, listed so that a field added to InvoiceRow fails the type check here
 * until the wire carries it too.
 */
const ROW_FIELDS: Record<keyof InvoiceRow, true> = {
  file: true, line: true, invoiceNumber: true, debtor: true, issueDate: true, dueDate: true, dueDateDerived: true, amountCents: true,
  openCents: true, currency: true, reference: true, termIsFatal: true, consumerClaim: true,
};
const DEBTOR_FIELDS: Record<keyof InvoiceRow['debtor'], true> = {
  number: true, name: true, type: true, typeKnown: true, contactPerson: true, email: true, phone: true, street: true, postcode: true,
  city: true, country: true, language: true, kvk: true, vatNumber: true,
};
/** Values per row: every field but `file` (one per batch), `currency` (always EUR) and `debtor` (its fields instead). */
export const WIRE_STRIDE = Object.keys(ROW_FIELDS).length - 3 + Object.keys(DEBTOR_FIELDS).length;

/** A batch on the wire: the rows of one file. */
export interface WireBatch {
  file: string;
  values: unknown[];
}

/** Appends `row` to `values`. */
export function encodeRow(row: InvoiceRow, values: unknown[]): void {
  const d = row.debtor;
  values.push(
    row.line, row.invoiceNumber,
    d.number, d.name, d.type, d.typeKnown, d.contactPerson, d.email, d.phone, d.street, d.postcode, d.city, d.country, d.language, d.kvk, d.vatNumber,
    row.issueDate, row.dueDate, row.dueDateDerived, row.amountCents, row.openCents, row.reference, row.termIsFatal, row.consumerClaim,
  );
}

/** The rows of a batch, as they were encoded. */
export function* decodeRows(batch: WireBatch): Generator<InvoiceRow> {
  const v = batch.values;
  for (let i = 0; i + WIRE_STRIDE <= v.length; i += WIRE_STRIDE) {
    const row: InvoiceRow = {
      file: batch.file,
      line: v[i] as number,
      invoiceNumber: v[i + 1] as string,
      debtor: {
        number: v[i + 2] as string,
        name: v[i + 3] as string,
        type: v[i + 4] as InvoiceRow['debtor']['type'],
        typeKnown: v[i + 5] as boolean,
        contactPerson: v[i + 6] as string | null,
        email: v[i + 7] as string | null,
        phone: v[i + 8] as string | null,
        street: v[i + 9] as string | null,
        postcode: v[i + 10] as string | null,
        city: v[i + 11] as string | null,
        country: v[i + 12] as string,
        language: v[i + 13] as InvoiceRow['debtor']['language'],
        kvk: v[i + 14] as string | null,
        vatNumber: v[i + 15] as string | null,
      },
      issueDate: v[i + 16] as string | null,
      dueDate: v[i + 17] as string,
      dueDateDerived: v[i + 18] as boolean,
      amountCents: v[i + 19] as number,
      openCents: v[i + 20] as number,
      currency: 'EUR',
      reference: v[i + 21] as string | null,
    };
    // Absent stays absent (not a key holding undefined): the writer tells the two apart.
    if (v[i + 22] !== undefined) row.termIsFatal = v[i + 22] as boolean | null;
    if (v[i + 23] !== undefined) row.consumerClaim = v[i + 23] as 'goods' | 'services' | null;
    yield row;
  }
}
