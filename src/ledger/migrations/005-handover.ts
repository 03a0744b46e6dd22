// Handover batches: the exact file given to the incassobureau, kept so it can be written again.
import { DATE_CHECK } from './checks.js';

export const version = 5;
export const name = 'handover';
export const sql = `
CREATE TABLE handovers (
  id            INTEGER PRIMARY KEY,
  today         TEXT NOT NULL CHECK (${DATE_CHECK('today')}),
  format        TEXT NOT NULL CHECK (format IN ('zip', 'csv', 'json')),
  file_name     TEXT NOT NULL,
  content       BLOB NOT NULL,
  sha256        TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('writing', 'done')),
  created_at    TEXT NOT NULL,
  completed_at  TEXT
);

CREATE TABLE handover_invoices (
  handover_id     INTEGER NOT NULL REFERENCES handovers(id),
  invoice_number  TEXT NOT NULL REFERENCES invoices(number),
  PRIMARY KEY (handover_id, invoice_number)
);
`;
