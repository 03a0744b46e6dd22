// The bookkeeper's workbench: corrections that survive the next import, the prior values an
// import replaced (so it can be undone), withdrawn letters, payments that are no customer
// payment, undone imports, printed post letters, and the owner's morning summaries.
import { DATE_CHECK } from './checks.js';

export const version = 16;
export const name = 'workbench';
export const sql = `
-- The day (--today) a post letter was first written for printing by letters --out or --combined.
ALTER TABLE letters ADD COLUMN printed_at TEXT CHECK (printed_at IS NULL OR ${DATE_CHECK('printed_at')});

ALTER TABLE debtors ADD COLUMN channel TEXT CHECK (channel IS NULL OR channel IN ('post', 'email', 'both'));
ALTER TABLE debtors ADD COLUMN iban TEXT;
ALTER TABLE debtors ADD COLUMN note TEXT;

-- A field the user corrected by hand: the export's value no longer overrides it on import.
CREATE TABLE debtor_corrections (
  debtor_number  TEXT NOT NULL REFERENCES debtors(number),
  field          TEXT NOT NULL,
  value          TEXT,
  at             TEXT NOT NULL,
  today          TEXT NOT NULL CHECK (${DATE_CHECK('today')}),
  PRIMARY KEY (debtor_number, field)
) WITHOUT ROWID;

-- What an invoice import replaced, row by row, so \`import undo\` can restore it.
CREATE TABLE import_changes (
  import_id  INTEGER NOT NULL REFERENCES imports(id),
  kind       TEXT NOT NULL CHECK (kind IN ('invoice', 'debtor')),
  key        TEXT NOT NULL,
  prior      TEXT NOT NULL CHECK (json_valid(prior)),
  PRIMARY KEY (import_id, kind, key)
) WITHOUT ROWID;

CREATE TABLE imports_undone (
  import_id  INTEGER PRIMARY KEY REFERENCES imports(id),
  at         TEXT NOT NULL,
  today      TEXT NOT NULL CHECK (${DATE_CHECK('today')}),
  summary    TEXT NOT NULL CHECK (json_valid(summary))
);

CREATE TABLE letter_withdrawals (
  letter_id  INTEGER PRIMARY KEY REFERENCES letters(id),
  reason     TEXT NOT NULL,
  at         TEXT NOT NULL,
  today      TEXT NOT NULL CHECK (${DATE_CHECK('today')}),
  stages     TEXT NOT NULL CHECK (json_valid(stages))
);

CREATE TABLE payments_ignored (
  payment_id  INTEGER PRIMARY KEY REFERENCES payments(id),
  reason      TEXT NOT NULL,
  at          TEXT NOT NULL,
  today       TEXT NOT NULL CHECK (${DATE_CHECK('today')})
);

-- The owner's morning summary: one per run, sent once (same states as the outbox).
CREATE TABLE notices (
  id               INTEGER PRIMARY KEY,
  run_id           INTEGER UNIQUE REFERENCES runs(id),
  today            TEXT NOT NULL CHECK (${DATE_CHECK('today')}),
  to_address       TEXT NOT NULL,
  subject          TEXT NOT NULL,
  body             TEXT NOT NULL,
  state            TEXT NOT NULL DEFAULT 'queued'
                   CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'retry', 'unknown')),
  message_id       TEXT,
  eml              BLOB,
  eml_sha256       TEXT,
  attempts         INTEGER NOT NULL DEFAULT 0,
  last_error       TEXT,
  queued_at        TEXT NOT NULL,
  sent_at          TEXT
);
`;
