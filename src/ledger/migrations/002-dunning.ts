// Holds, runs and letters: what the dunning engine decided and recorded.
import { DATE_CHECK } from './checks.js';

export const version = 2;
export const name = 'dunning';
export const sql = `
CREATE TABLE holds (
  id              INTEGER PRIMARY KEY,
  debtor_number   TEXT REFERENCES debtors(number),
  invoice_number  TEXT REFERENCES invoices(number),
  reason          TEXT NOT NULL,
  dispute         INTEGER NOT NULL DEFAULT 0 CHECK (dispute IN (0, 1)),
  until           TEXT CHECK (until IS NULL OR ${DATE_CHECK('until')}),
  created_on      TEXT NOT NULL CHECK (${DATE_CHECK('created_on')}),
  released_on     TEXT CHECK (released_on IS NULL OR ${DATE_CHECK('released_on')}),
  CHECK ((debtor_number IS NULL) <> (invoice_number IS NULL))
);
CREATE INDEX holds_debtor ON holds(debtor_number);
CREATE INDEX holds_invoice ON holds(invoice_number);

CREATE TABLE runs (
  id          INTEGER PRIMARY KEY,
  today       TEXT NOT NULL CHECK (${DATE_CHECK('today')}),
  at          TEXT NOT NULL
);

CREATE TABLE letters (
  id             INTEGER PRIMARY KEY,
  run_id         INTEGER NOT NULL REFERENCES runs(id),
  debtor_number  TEXT NOT NULL REFERENCES debtors(number),
  stage_index    INTEGER NOT NULL CHECK (stage_index >= 0),
  stage_id       TEXT NOT NULL,
  final          INTEGER NOT NULL CHECK (final IN (0, 1)),
  date           TEXT NOT NULL CHECK (${DATE_CHECK('date')}),
  channels       TEXT NOT NULL CHECK (json_valid(channels)),
  amount_cents   INTEGER NOT NULL CHECK (typeof(amount_cents) = 'integer'),
  costs_cents    INTEGER CHECK (costs_cents IS NULL OR typeof(costs_cents) = 'integer'),
  reference      TEXT NOT NULL,
  data           TEXT NOT NULL CHECK (json_valid(data)),
  pdf            BLOB,
  pdf_sha256     TEXT,
  rendered_at    TEXT,
  UNIQUE (debtor_number, date)
);

CREATE TABLE letter_invoices (
  letter_id       INTEGER NOT NULL REFERENCES letters(id),
  invoice_number  TEXT NOT NULL REFERENCES invoices(number),
  role            TEXT NOT NULL CHECK (role IN ('due', 'also_open')),
  amount_cents    INTEGER NOT NULL CHECK (typeof(amount_cents) = 'integer'),
  open_cents      INTEGER NOT NULL CHECK (typeof(open_cents) = 'integer'),
  PRIMARY KEY (letter_id, invoice_number)
);
CREATE INDEX letter_invoices_invoice ON letter_invoices(invoice_number);

-- The stage an invoice reached: the stage of the last letter that listed it as due.
-- Kept on the invoice so a run over a million invoices needs no join over all letters.
ALTER TABLE invoices ADD COLUMN stage_index INTEGER;
ALTER TABLE invoices ADD COLUMN stage_date TEXT CHECK (stage_date IS NULL OR ${DATE_CHECK('stage_date')});
ALTER TABLE invoices ADD COLUMN stage_letter_id INTEGER REFERENCES letters(id);
`;
