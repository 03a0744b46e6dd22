// The debtor's account (issue 10): what each export stated as open and when, kept apart from the
// ledger's own figure so a payment the ledger knows survives the next export; payments a later
// statement reversed (storno); the collection costs each handover claimed per debtor, so costs
// over all handovers stay within what the letters stated (6:96 lid 7 BW).
import { DATE_CHECK } from './checks.js';

export const version = 10;
export const name = 'account';
export const sql = `
ALTER TABLE invoices ADD COLUMN export_open_cents INTEGER CHECK (export_open_cents IS NULL OR typeof(export_open_cents) = 'integer');
ALTER TABLE invoices ADD COLUMN export_date TEXT CHECK (export_date IS NULL OR ${DATE_CHECK('export_date')});
-- Older ledgers kept one figure; the export's was at most that plus the payments allocated since.
UPDATE invoices SET export_open_cents = CASE WHEN amount_cents > 0
                      THEN min(amount_cents, open_cents + coalesce((SELECT sum(a.amount_cents) FROM allocations a WHERE a.invoice_number = invoices.number), 0))
                      ELSE open_cents END,
                    export_date = (SELECT today FROM imports WHERE imports.id = invoices.import_id);
-- And an export that re-opened a paid invoice before this version is undone here.
UPDATE invoices SET open_cents = max(0, amount_cents - (SELECT sum(a.amount_cents) FROM allocations a WHERE a.invoice_number = invoices.number))
WHERE status = 'open' AND amount_cents > 0
  AND open_cents > amount_cents - coalesce((SELECT sum(a.amount_cents) FROM allocations a WHERE a.invoice_number = invoices.number), 0);
UPDATE invoices SET status = 'paid' WHERE status = 'open' AND open_cents = 0 AND amount_cents > 0;

ALTER TABLE payments ADD COLUMN reversed_on TEXT CHECK (reversed_on IS NULL OR ${DATE_CHECK('reversed_on')});
ALTER TABLE payments ADD COLUMN reversed_by TEXT;

CREATE TABLE handover_costs (
  handover_id    INTEGER NOT NULL REFERENCES handovers(id),
  debtor_number  TEXT NOT NULL REFERENCES debtors(number),
  claimed_cents  INTEGER NOT NULL CHECK (typeof(claimed_cents) = 'integer' AND claimed_cents >= 0),
  basis          TEXT NOT NULL,
  PRIMARY KEY (handover_id, debtor_number)
);

CREATE INDEX letters_final ON letters(debtor_number) WHERE final = 1;
`;
