// Payments and their allocation to invoices.
import { DATE_CHECK } from './checks.js';

export const version = 4;
export const name = 'payments';
export const sql = `
CREATE TABLE payments (
  id                 INTEGER PRIMARY KEY,
  date               TEXT NOT NULL CHECK (${DATE_CHECK('date')}),
  amount_cents       INTEGER NOT NULL CHECK (typeof(amount_cents) = 'integer' AND amount_cents > 0),
  source             TEXT NOT NULL,
  source_key         TEXT UNIQUE,
  counterparty_name  TEXT,
  counterparty_iban  TEXT,
  reference          TEXT,
  description        TEXT,
  import_id          INTEGER REFERENCES imports(id)
);

CREATE TABLE allocations (
  payment_id      INTEGER NOT NULL REFERENCES payments(id),
  invoice_number  TEXT NOT NULL REFERENCES invoices(number),
  amount_cents    INTEGER NOT NULL CHECK (typeof(amount_cents) = 'integer'),
  method          TEXT NOT NULL,
  PRIMARY KEY (payment_id, invoice_number)
);
CREATE INDEX allocations_invoice ON allocations(invoice_number);
`;
