// The digest of the export row an import writes an invoice from (migration 23): the fields the
// import compares against the ledger — debtor, dates, amount, the export's open amount,
// reference — hashed to a 53-bit integer, so a re-import compares one stored integer per row.
// Each field is fed with its length first (null: -1), so no two different rows feed the same
// sequence; the two 32-bit lanes are mixed at the end. A changed row has the same digest with a
// probability of 2^-53. DIGEST_VERSION is part of the hash: changing what is hashed means a new
// version, and every stored digest of the old one simply no longer matches.
import type { InvoiceRow } from '../domain/invoice-row.js';

const DIGEST_VERSION = 1;
const TWO_32 = 4294967296;

export function invoiceDigest(row: InvoiceRow): number {
  let a = 0x9e3779b9 ^ DIGEST_VERSION;
  let b = 0x85ebca6b ^ DIGEST_VERSION;
  const word = (v: number): void => {
    a = Math.imul(a ^ v, 0x01000193);
    b = Math.imul(b ^ v, 0x5bd1e995);
    b ^= b >>> 15;
  };
  const text = (s: string | null): void => {
    if (s === null) return word(-1);
    word(s.length);
    for (let i = 0; i < s.length; i++) word(s.charCodeAt(i));
  };
  // Integer cents, exact as two 32-bit halves (a safe integer has at most 53 bits).
  const cents = (n: number): void => {
    word(n % TWO_32);
    word(Math.floor(n / TWO_32));
  };
  text(row.debtor.number);
  text(row.issueDate);
  text(row.dueDate);
  word(row.dueDateDerived ? 1 : 0);
  cents(row.amountCents);
  cents(row.openCents);
  text(row.reference);
  // Final avalanche of both lanes, each into the other.
  a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
  a = Math.imul(a ^ (a >>> 13), 0xc2b2ae35);
  b = Math.imul(b ^ (b >>> 16), 0x7feb352d);
  b = Math.imul(b ^ (b >>> 15), 0x846ca68b);
  a ^= b >>> 16;
  b ^= a >>> 13;
  return (b & 0x1fffff) * TWO_32 + (a >>> 0);
}
