// What the book looked like each time an import or a run saw it, under its `--today` date: the
// history behind `report`'s "book over time" and the rising-balance signals. Recomputing the past
// from today's invoices would be a guess (snapshot imports close what they no longer list), so
// each import and run writes one row of totals, and the import one row per debtor with money
// overdue. Written in the same transaction as the import or run, so history never disagrees.
import { DATE_CHECK } from './checks.js';

export const version = 14;
export const name = 'book-snapshots';
export const sql = `
CREATE TABLE book_snapshots (
  id                INTEGER PRIMARY KEY,
  today             TEXT    NOT NULL CHECK (${DATE_CHECK('today')}),
  source            TEXT    NOT NULL CHECK (source IN ('import', 'run')),
  source_id         INTEGER NOT NULL,
  open_invoices     INTEGER NOT NULL,
  open_cents        INTEGER NOT NULL,
  overdue_invoices  INTEGER NOT NULL,
  overdue_cents     INTEGER NOT NULL,
  handed_over_cents INTEGER NOT NULL,
  debtors           INTEGER NOT NULL
);
CREATE INDEX book_snapshots_today ON book_snapshots(today);

CREATE TABLE book_snapshot_debtors (
  snapshot_id    INTEGER NOT NULL REFERENCES book_snapshots(id),
  debtor_number  TEXT    NOT NULL,
  open_cents     INTEGER NOT NULL,
  overdue_cents  INTEGER NOT NULL,
  max_days_late  INTEGER NOT NULL,
  PRIMARY KEY (snapshot_id, debtor_number)
) WITHOUT ROWID;
`;
