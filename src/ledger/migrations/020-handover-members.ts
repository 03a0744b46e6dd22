// A handover batch's bytes stored once. Until now the whole file sat in handovers.content, and
// marking the batch done (an UPDATE of that row) made SQLite write the row again with all its
// overflow pages, so the ledger grew by twice the file. Now the row stays small and what the file
// is made of goes into rows that are written once and never updated:
//  - handover_members: each member in archive order; a text member (handover.json, handover.csv,
//    SHA256SUMS, or the whole csv/json file) as its deflate stream, a letter as a reference to
//    the PDF the ledger already holds (with its SHA-256). The file is rebuilt from these rows and
//    checked against handovers.sha256, byte for byte.
//  - handover_cases: the case list the terminal and --json show, kept as data.
// Batches made before this migration keep their bytes in handovers.content.
export const version = 20;
export const name = 'handover-members';
export const sql = `
CREATE TABLE handover_members (
  handover_id  INTEGER NOT NULL REFERENCES handovers(id),
  seq          INTEGER NOT NULL CHECK (seq >= 0),
  path         TEXT NOT NULL,
  letter_id    INTEGER REFERENCES letters(id),
  sha256       TEXT NOT NULL,
  crc32        INTEGER CHECK (crc32 IS NULL OR crc32 >= 0),
  size         INTEGER NOT NULL CHECK (size >= 0),
  deflated     BLOB,
  CHECK ((letter_id IS NULL) <> (deflated IS NULL)),
  PRIMARY KEY (handover_id, seq)
);

CREATE TABLE handover_cases (
  handover_id             INTEGER NOT NULL REFERENCES handovers(id),
  seq                     INTEGER NOT NULL CHECK (seq >= 0),
  case_reference          TEXT NOT NULL,
  debtor_number           TEXT NOT NULL REFERENCES debtors(number),
  invoices                TEXT NOT NULL CHECK (json_valid(invoices)),
  open_cents              INTEGER NOT NULL,
  collection_costs_cents  INTEGER NOT NULL,
  interest_cents          INTEGER NOT NULL,
  total_cents             INTEGER NOT NULL,
  PRIMARY KEY (handover_id, seq)
);
`;
