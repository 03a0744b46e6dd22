// What bank payments need beyond 004: the end-to-end id and our own account of each bank entry,
// and indexes for matching a payment to an invoice without scanning the book. The matching keys
// are expressions (references and invoice numbers without spaces, invoice numbers also without
// dots, upper case), so a payment reference "5010 0123 6897 1337" finds "5010012368971337".
// Both key indexes are partial: an invoice without a reference, or whose number already is its
// key (`2026-0101`), costs nothing extra when a million-row export is imported; exact numbers
// are found through the primary key.
export const version = 8;
export const name = 'payments-extra';
export const sql = `
ALTER TABLE payments ADD COLUMN end_to_end_id TEXT;
ALTER TABLE payments ADD COLUMN account TEXT;

CREATE INDEX invoices_reference_key ON invoices(upper(replace(reference, ' ', ''))) WHERE reference IS NOT NULL;
CREATE INDEX invoices_number_key ON invoices(upper(replace(replace(number, ' ', ''), '.', '')))
  WHERE number <> upper(replace(replace(number, ' ', ''), '.', ''));
CREATE INDEX invoices_open_amount ON invoices(open_cents) WHERE status IN ('open', 'handed_over');
CREATE INDEX letters_reference_key ON letters(upper(replace(reference, ' ', '')));
CREATE INDEX payments_date ON payments(date);
`;
