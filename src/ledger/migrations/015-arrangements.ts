// Payment arrangements, promises to pay, phone call tasks and disputes (issue 13). Instalment
// status is not stored: it is computed from the payments to the arrangement's invoices, so it can
// never disagree with the bank imports. What is stored is what was agreed and what was sent.
import { DATE_CHECK } from './checks.js';

export const version = 15;
export const name = 'arrangements';
export const sql = `
CREATE TABLE arrangements (
  id             INTEGER PRIMARY KEY,
  debtor_number  TEXT NOT NULL REFERENCES debtors(number),
  start_date     TEXT NOT NULL CHECK (${DATE_CHECK('start_date')}),
  total_cents    INTEGER NOT NULL CHECK (typeof(total_cents) = 'integer' AND total_cents > 0),
  every          TEXT CHECK (every IS NULL OR every IN ('month', '2weeks')),
  grace_days     INTEGER NOT NULL CHECK (grace_days >= 0),
  note           TEXT,
  status         TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'broken', 'cancelled')),
  closed_on      TEXT CHECK (closed_on IS NULL OR ${DATE_CHECK('closed_on')}),
  close_reason   TEXT,
  letter_id      INTEGER REFERENCES letters(id)
);
CREATE INDEX arrangements_debtor ON arrangements(debtor_number);
CREATE TABLE arrangement_invoices (
  arrangement_id  INTEGER NOT NULL REFERENCES arrangements(id),
  invoice_number  TEXT NOT NULL REFERENCES invoices(number),
  open_cents      INTEGER NOT NULL CHECK (typeof(open_cents) = 'integer'),
  stage_index     INTEGER,
  PRIMARY KEY (arrangement_id, invoice_number)
);
CREATE INDEX arrangement_invoices_invoice ON arrangement_invoices(invoice_number);
CREATE TABLE arrangement_instalments (
  arrangement_id  INTEGER NOT NULL REFERENCES arrangements(id),
  number          INTEGER NOT NULL CHECK (number >= 1),
  due_date        TEXT NOT NULL CHECK (${DATE_CHECK('due_date')}),
  amount_cents    INTEGER NOT NULL CHECK (typeof(amount_cents) = 'integer' AND amount_cents > 0),
  PRIMARY KEY (arrangement_id, number)
);
CREATE TABLE arrangement_notices (
  arrangement_id  INTEGER NOT NULL REFERENCES arrangements(id),
  instalment      INTEGER NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('before', 'missed')),
  date            TEXT NOT NULL CHECK (${DATE_CHECK('date')}),
  letter_id       INTEGER REFERENCES letters(id),
  PRIMARY KEY (arrangement_id, instalment, kind)
);
CREATE TABLE promises (
  id             INTEGER PRIMARY KEY,
  debtor_number  TEXT NOT NULL REFERENCES debtors(number),
  created_on     TEXT NOT NULL CHECK (${DATE_CHECK('created_on')}),
  until          TEXT NOT NULL CHECK (${DATE_CHECK('until')}),
  amount_cents   INTEGER NOT NULL CHECK (typeof(amount_cents) = 'integer' AND amount_cents > 0),
  note           TEXT,
  call_id        INTEGER,
  status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'kept', 'broken', 'cancelled')),
  closed_on      TEXT CHECK (closed_on IS NULL OR ${DATE_CHECK('closed_on')})
);
CREATE INDEX promises_debtor ON promises(debtor_number);
CREATE TABLE call_tasks (
  id             INTEGER PRIMARY KEY,
  run_id         INTEGER NOT NULL REFERENCES runs(id),
  debtor_number  TEXT NOT NULL REFERENCES debtors(number),
  date           TEXT NOT NULL CHECK (${DATE_CHECK('date')}),
  stage_index    INTEGER NOT NULL CHECK (stage_index >= 0),
  stage_id       TEXT NOT NULL,
  invoices       TEXT NOT NULL CHECK (json_valid(invoices)),
  amount_cents   INTEGER NOT NULL CHECK (typeof(amount_cents) = 'integer'),
  reason         TEXT NOT NULL,
  outcome        TEXT CHECK (outcome IS NULL OR outcome IN ('reached', 'no-answer', 'promise', 'dispute', 'arrangement')),
  note           TEXT,
  logged_on      TEXT CHECK (logged_on IS NULL OR ${DATE_CHECK('logged_on')})
);
CREATE INDEX call_tasks_debtor ON call_tasks(debtor_number);
CREATE TABLE disputes (
  id             INTEGER PRIMARY KEY,
  hold_id        INTEGER NOT NULL UNIQUE REFERENCES holds(id),
  debtor_number  TEXT NOT NULL REFERENCES debtors(number),
  invoice_number TEXT REFERENCES invoices(number),
  category       TEXT NOT NULL,
  note           TEXT NOT NULL,
  opened_on      TEXT NOT NULL CHECK (${DATE_CHECK('opened_on')}),
  resolved_on    TEXT CHECK (resolved_on IS NULL OR ${DATE_CHECK('resolved_on')}),
  outcome        TEXT
);
CREATE INDEX disputes_debtor ON disputes(debtor_number);
`;
