// Issue 17, three changes (the third: per-invoice term_is_fatal / consumer_claim, see below):
// 1. When a printed letter was handed to the postal service (issue 17). The term of a letter and the
// handover's `dispatched` count from the later of the letter date and this posting date; without
// a row the letter date is presumed. A table of its own, so the letters table stays as it is.
// 2. AVG retention (`purge`): the event log stays append-only, except for one narrow redaction: an
//    event's `data` may be replaced, once, by a tombstone {"redacted": <date>, "sha256": <hash of the
//    old data>}. Its id, time, kind, debtor and invoice stay; a second change, a delete or any other
//    update is still refused by the trigger.
import { DATE_CHECK } from './checks.js';

export const version = 12;
export const name = 'letter-postings';
export const sql = `
CREATE TABLE letter_postings (
  letter_id    INTEGER PRIMARY KEY REFERENCES letters(id),
  posted_on    TEXT NOT NULL CHECK (${DATE_CHECK('posted_on')}),
  recorded_at  TEXT NOT NULL
);

-- Per-invoice legal settings from the import columns term_is_fatal and consumer_claim; a row only
-- for invoices whose export said something (NULL or no row = the config default).
CREATE TABLE invoice_terms (
  invoice_number  TEXT PRIMARY KEY,
  term_is_fatal   INTEGER CHECK (term_is_fatal IS NULL OR term_is_fatal IN (0, 1)),
  consumer_claim  TEXT CHECK (consumer_claim IS NULL OR consumer_claim IN ('goods', 'services'))
);

DROP TRIGGER events_no_update;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
WHEN NOT (
  NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.today = OLD.today AND NEW.kind = OLD.kind
  AND NEW.debtor_number IS OLD.debtor_number AND NEW.invoice_number IS OLD.invoice_number
  AND json_extract(OLD.data, '$.redacted') IS NULL
  AND json_type(NEW.data, '$.redacted') = 'text'
  AND length(json_extract(NEW.data, '$.sha256')) = 64
  AND (SELECT count(*) FROM json_each(NEW.data)) = 2
)
BEGIN SELECT RAISE(ABORT, 'the event log is append-only (only a one-time redaction tombstone is allowed)'); END;
`;
