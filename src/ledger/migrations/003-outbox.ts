// The e-mail outbox: one row per message, every attempt recorded, so nothing is sent twice.
export const version = 3;
export const name = 'outbox';
export const sql = `
CREATE TABLE outbox (
  id               INTEGER PRIMARY KEY,
  letter_id        INTEGER NOT NULL UNIQUE REFERENCES letters(id),
  to_address       TEXT NOT NULL,
  state            TEXT NOT NULL DEFAULT 'queued'
                   CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'retry', 'unknown')),
  message_id       TEXT,
  eml              BLOB,
  eml_sha256       TEXT,
  attempts         INTEGER NOT NULL DEFAULT 0,
  last_error       TEXT,
  server_response  TEXT,
  queued_at        TEXT NOT NULL,
  sent_at          TEXT
);
CREATE INDEX outbox_state ON outbox(state);

CREATE TABLE mail_attempts (
  id           INTEGER PRIMARY KEY,
  outbox_id    INTEGER NOT NULL REFERENCES outbox(id),
  started_at   TEXT NOT NULL,
  finished_at  TEXT,
  outcome      TEXT CHECK (outcome IS NULL OR outcome IN ('sent', 'failed', 'retry', 'unknown')),
  response     TEXT
);
`;
