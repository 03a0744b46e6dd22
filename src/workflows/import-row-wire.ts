// How checked invoice rows travel to the import's writer thread: a batch of rows of one file is
// one flat array, row after row, the fields in a fixed order (a debtor's details only with its
// first row). Structured cloning copies such an
// array in one pass of the serializer (strings, numbers, booleans, null and undefined exactly
// as they were), where an array of objects costs a property name per field per row.
import type { InvoiceRow } from '../domain/invoice-row.js';
import { ownString } from '../domain/own-string.js';
import { invoiceDigest } from '../ledger/invoice-digest.js';

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
/**
 * Values per row: a flag (the debtor's details follow or not), then every field but `file` (one
 * per batch), `currency` (always EUR) and `debtor` (its fields instead, or only its number), and
 * last the row's digest: the reading thread has time to spare, the writer thread has none.
 */
export const VALUES_FIRST_ROW = 1 + Object.keys(ROW_FIELDS).length - 3 + Object.keys(DEBTOR_FIELDS).length + 1;
export const VALUES_LATER_ROW = 1 + Object.keys(ROW_FIELDS).length - 3 + 1 + 1;

/** A row as the writer thread gets it: with its digest (ledger/invoice-digest.ts), worked out by the sender. */
export type WireRow = InvoiceRow & { digest: number };

/** A batch on the wire: the rows of one file. */
export interface WireBatch {
  file: string;
  values: unknown[];
}

/**
 * The sending side. A debtor's details repeat on each of its rows, and the ledger takes those of
 * the debtor's first row of the import (InvoiceImportWriter handles each debtor once, at its
 * first row): after the first row only the debtor's number travels. Half the values to copy on
 * both sides, and the receiver keeps nothing per debtor.
 */
export class RowEncoder {
  private readonly debtorsSent = new Set<string>();

  /** Appends `row` to `values`. */
  encode(row: InvoiceRow, values: unknown[]): void {
    const d = row.debtor;
    if (this.debtorsSent.has(d.number)) {
      values.push(0, row.line, row.invoiceNumber, d.number);
    } else {
      this.debtorsSent.add(ownString(d.number));
      values.push(1, row.line, row.invoiceNumber, d.number, d.name, d.type, d.typeKnown, d.contactPerson, d.email, d.phone, d.street, d.postcode, d.city, d.country, d.language, d.kvk, d.vatNumber);
    }
    values.push(row.issueDate, row.dueDate, row.dueDateDerived, row.amountCents, row.openCents, row.reference, row.termIsFatal, row.consumerClaim, invoiceDigest(row));
  }

  /** After the last row: the memory of the debtors sent goes (a million rows: a hundred thousand debtors). */
  forget(): void {
    this.debtorsSent.clear();
  }
}

/**
 * The debtor of a row after the debtor's first: its number, and no details. Reading a detail
 * throws, so a writer that would start to use the details of later rows fails loudly (its tests)
 * instead of silently reading something else.
 */
class LaterRowDebtor {
  constructor(readonly number: string) {}
}
for (const field of Object.keys(DEBTOR_FIELDS)) {
  if (field === 'number') continue;
  Object.defineProperty(LaterRowDebtor.prototype, field, {
    get(this: LaterRowDebtor): never {
      throw new Error(`import wire: the ${field} of debtor ${this.number} travels with the debtor's first row only`);
    },
  });
}

/** The receiving side: the rows of each batch, as they were encoded. */
export class RowDecoder {
  *rows(batch: WireBatch): Generator<WireRow> {
    const v = batch.values;
    let i = 0;
    while (i < v.length) {
      const known = v[i] === 0;
      const line = v[i + 1] as number;
      const invoiceNumber = v[i + 2] as string;
      const number = v[i + 3] as string;
      let debtor: InvoiceRow['debtor'];
      if (known) {
        debtor = new LaterRowDebtor(number) as unknown as InvoiceRow['debtor'];
        i += 4;
      } else {
        debtor = {
          number,
          name: v[i + 4] as string,
          type: v[i + 5] as InvoiceRow['debtor']['type'],
          typeKnown: v[i + 6] as boolean,
          contactPerson: v[i + 7] as string | null,
          email: v[i + 8] as string | null,
          phone: v[i + 9] as string | null,
          street: v[i + 10] as string | null,
          postcode: v[i + 11] as string | null,
          city: v[i + 12] as string | null,
          country: v[i + 13] as string,
          language: v[i + 14] as InvoiceRow['debtor']['language'],
          kvk: v[i + 15] as string | null,
          vatNumber: v[i + 16] as string | null,
        };
        i += 17;
      }
      const row: WireRow = {
        file: batch.file,
        line,
        invoiceNumber,
        debtor,
        issueDate: v[i] as string | null,
        dueDate: v[i + 1] as string,
        dueDateDerived: v[i + 2] as boolean,
        amountCents: v[i + 3] as number,
        openCents: v[i + 4] as number,
        currency: 'EUR',
        reference: v[i + 5] as string | null,
        digest: v[i + 8] as number,
      };
      // Absent stays absent (not a key holding undefined): the writer tells the two apart.
      if (v[i + 6] !== undefined) row.termIsFatal = v[i + 6] as boolean | null;
      if (v[i + 7] !== undefined) row.consumerClaim = v[i + 7] as 'goods' | 'services' | null;
      i += 9;
      yield row;
    }
  }
}
