// Issue 11: what keeps two processes and two statements apart.
//
// - `writer_lock`: the writing process claims the ledger inside the file itself. A lock file next
//   to the path only meets processes that spell the path the same way; a hard link or a bind
//   mount reaches the same file by another path. One row at most; `holder` is host:pid:start
//   (src/platform/process-identity.ts), so a claim of a crashed process can be recognised.
// - `mail_attempts.process`: who made the attempt, so crash recovery only marks `unknown` the
//   `sending` rows of a process that is provably gone, never those of a live one.
// - `payments.bank_ref_key`: the bank's own reference of the entry (account + AcctSvcrRef), to
//   recognise one entry that appears in two statements (a camt.054 notice and the camt.053).
export const version = 11;
export const name = 'writer-claim';
export const sql = `
CREATE TABLE writer_lock (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  holder   TEXT NOT NULL,
  command  TEXT NOT NULL,
  since    TEXT NOT NULL
);

ALTER TABLE mail_attempts ADD COLUMN process TEXT;

ALTER TABLE payments ADD COLUMN bank_ref_key TEXT;
CREATE INDEX payments_bank_ref_key ON payments(bank_ref_key) WHERE bank_ref_key IS NOT NULL;
`;
