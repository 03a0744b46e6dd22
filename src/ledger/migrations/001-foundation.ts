// Debtors, invoices, imports and the append-only event log: the book as imported.
import { DATE_CHECK } from './checks.js';

export const version = 1;
export const name = 'foundation';
export const sql = `
CREATE TABLE imports (
  id          INTEGER PRIMARY KEY,
  kind        TEXT    NOT NULL CHECK (kind IN ('invoices', 'payments')),
  at          TEXT    NOT NULL,
  today       TEXT    NOT NULL CHECK (${DATE_CHECK('today')}),
  files       TEXT    NOT NULL,
  options     TEXT    NOT NULL DEFAULT '{}',
  inserted    INTEGER NOT NULL DEFAULT 0,
  updated     INTEGER NOT NULL DEFAULT 0,
  unchanged   INTEGER NOT NULL DEFAULT 0,
  closed      INTEGER NOT NULL DEFAULT 0,
  rejected    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE debtors (
  number          TEXT PRIMARY KEY CHECK (length(number) > 0),
  name            TEXT NOT NULL,
  type            TEXT NOT NULL CHECK (type IN ('consumer', 'business')),
  type_known      INTEGER NOT NULL DEFAULT 0 CHECK (type_known IN (0, 1)),
  contact_person  TEXT,
  email           TEXT,
  phone           TEXT,
  street          TEXT,
  postcode        TEXT,
  city            TEXT,
  country         TEXT NOT NULL DEFAULT 'NL',
  language        TEXT NOT NULL CHECK (language IN ('nl', 'en')),
  kvk             TEXT,
  vat_number      TEXT,
  import_id       INTEGER REFERENCES imports(id)
) WITHOUT ROWID;

CREATE TABLE invoices (
  number            TEXT PRIMARY KEY CHECK (length(number) > 0),
  debtor_number     TEXT NOT NULL REFERENCES debtors(number),
  issue_date        TEXT CHECK (issue_date IS NULL OR ${DATE_CHECK('issue_date')}),
  due_date          TEXT NOT NULL CHECK (${DATE_CHECK('due_date')}),
  due_date_derived  INTEGER NOT NULL DEFAULT 0 CHECK (due_date_derived IN (0, 1)),
  amount_cents      INTEGER NOT NULL CHECK (typeof(amount_cents) = 'integer'),
  open_cents        INTEGER NOT NULL CHECK (typeof(open_cents) = 'integer'),
  currency          TEXT NOT NULL DEFAULT 'EUR' CHECK (currency = 'EUR'),
  reference         TEXT,
  status            TEXT NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'paid', 'closed', 'handed_over', 'written_off')),
  source_file       TEXT NOT NULL,
  source_line       INTEGER NOT NULL,
  import_id         INTEGER NOT NULL REFERENCES imports(id)
) WITHOUT ROWID;
CREATE INDEX invoices_debtor ON invoices(debtor_number);

CREATE TABLE events (
  id              INTEGER PRIMARY KEY,
  at              TEXT NOT NULL,
  today           TEXT NOT NULL CHECK (${DATE_CHECK('today')}),
  kind            TEXT NOT NULL,
  debtor_number   TEXT,
  invoice_number  TEXT,
  data            TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(data))
);
CREATE INDEX events_debtor ON events(debtor_number);
CREATE INDEX events_invoice ON events(invoice_number);

-- Debtors and invoices are keyed by their numbers (WITHOUT ROWID: one b-tree, not two).
-- The audit trail is append-only: no statement may change or remove what happened.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
`;
