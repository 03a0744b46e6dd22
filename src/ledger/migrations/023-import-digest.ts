// The re-import's shortcut (issue 16): each invoice keeps the digest of the export row that an
// import last wrote it from (`import_digest`, see invoice-digest.ts), set only while the ledger's
// row is exactly what that export row makes of it. A re-import then compares one integer per row
// instead of reading and comparing every field. Whatever else changes the row's imported figures
// or its allocations clears the digest (the triggers below), so a digest is never older than the
// facts; a row without one takes the full comparison, and the import writes its digest again.
export const version = 23;
export const name = 'import-digest';
export const sql = `
ALTER TABLE invoices ADD COLUMN import_digest INTEGER CHECK (import_digest IS NULL OR typeof(import_digest) = 'integer');

-- An UPDATE of a compared column that does not set a new digest itself (a payment, a handover, a
-- snapshot close, import undo) makes the stored digest stale: clear it.
CREATE TRIGGER invoices_import_digest_stale
AFTER UPDATE OF debtor_number, issue_date, due_date, due_date_derived, amount_cents, open_cents, reference, status, export_open_cents ON invoices
WHEN OLD.import_digest IS NOT NULL AND NEW.import_digest IS OLD.import_digest
BEGIN UPDATE invoices SET import_digest = NULL WHERE number = NEW.number; END;

-- The open amount an import computes depends on the allocations: any change to them clears it.
CREATE TRIGGER allocations_import_digest_insert AFTER INSERT ON allocations
BEGIN UPDATE invoices SET import_digest = NULL WHERE number = NEW.invoice_number AND import_digest IS NOT NULL; END;
CREATE TRIGGER allocations_import_digest_update AFTER UPDATE ON allocations
BEGIN UPDATE invoices SET import_digest = NULL WHERE number IN (OLD.invoice_number, NEW.invoice_number) AND import_digest IS NOT NULL; END;
CREATE TRIGGER allocations_import_digest_delete AFTER DELETE ON allocations
BEGIN UPDATE invoices SET import_digest = NULL WHERE number = OLD.invoice_number AND import_digest IS NOT NULL; END;
`;
