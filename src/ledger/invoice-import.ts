// The ledger side of `import`: idempotent upsert of debtors and invoices keyed on their numbers.
// Runs inside the caller's transaction; in a dry run it only reads, so the file stays
// byte-identical while the report is the same one the real import would give.
import type { Db } from './ledger.js';
import { appendEvent } from './events.js';
import type { InvoiceRow } from '../importers/invoice-csv.js';

export type RowOutcome = 'inserted' | 'updated' | 'unchanged';

export interface ImportTotals {
  inserted: number;
  updated: number;
  unchanged: number;
  closed: number;
  /** Invoices whose amount changed against the ledger (the bookkeeping corrected them). */
  amountChanges: { invoice: string; from_cents: number; to_cents: number }[];
  /** Handed-over or written-off invoices whose open amount in the file differs: the agency must hear of it. */
  frozenChanges: { invoice: string; status: string; ledger_open_cents: number; file_open_cents: number }[];
}

type InvoiceTuple = [string, string | null, string, number, number, number, string | null, string];
type DebtorTuple = [string, string, number, string | null, string | null, string | null, string | null, string | null, string | null, string, string, string | null, string | null];

const MAX_LISTED = 1000;
/** Rows per multi-row INSERT: fewer statement executions for a million-row import. */
const BATCH = 64;
const INVOICE_COLUMNS = '(number, debtor_number, issue_date, due_date, due_date_derived, amount_cents, open_cents, reference, status, source_file, source_line, import_id)';
const INVOICE_PLACEHOLDERS = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

export class InvoiceImportWriter {
  readonly totals: ImportTotals = { inserted: 0, updated: 0, unchanged: 0, closed: 0, amountChanges: [], frozenChanges: [] };
  private readonly debtorsDone = new Set<string>();
  private readonly db: Db | null;
  private readonly write: boolean;
  private readonly importId: number;
  private readonly today: string;
  private readonly stmts;
  /** The ledger had no invoices when the import began: every row is new, no lookup needed. */
  private emptyAtStart: boolean;

  /**
   * @param db the ledger, or null for a dry run against a ledger that does not exist yet
   * @param write false for --dry-run: read and compare, never write
   */
  constructor(db: Db | null, options: { write: boolean; importId: number; today: string }) {
    this.db = db;
    this.write = options.write && db !== null;
    this.importId = options.importId;
    this.today = options.today;
    this.emptyAtStart = db === null || db.prepare('SELECT 1 FROM invoices LIMIT 1').get() === undefined;
    this.stmts = db
      ? {
          getInvoice: db
            .prepare('SELECT debtor_number, issue_date, due_date, due_date_derived, amount_cents, open_cents, reference, status FROM invoices WHERE number = ?')
            .raw(),
          insertInvoice: this.write ? db.prepare(`INSERT INTO invoices ${INVOICE_COLUMNS} VALUES ${INVOICE_PLACEHOLDERS}`) : null,
          insertInvoices: this.write ? db.prepare(`INSERT INTO invoices ${INVOICE_COLUMNS} VALUES ${Array(BATCH).fill(INVOICE_PLACEHOLDERS).join(', ')}`) : null,
          updateInvoice: this.write
            ? db.prepare(
                `UPDATE invoices SET debtor_number = ?, issue_date = ?, due_date = ?, due_date_derived = ?, amount_cents = ?, open_cents = ?, reference = ?, status = ?,
                   source_file = ?, source_line = ?, import_id = ? WHERE number = ?`,
              )
            : null,
          setTerms: this.write
            ? db.prepare(
                `INSERT INTO invoice_terms (invoice_number, term_is_fatal, consumer_claim) VALUES (?, ?, ?)
                 ON CONFLICT(invoice_number) DO UPDATE SET term_is_fatal = excluded.term_is_fatal, consumer_claim = excluded.consumer_claim`,
              )
            : null,
          getDebtor: db
            .prepare('SELECT name, type, type_known, contact_person, email, phone, street, postcode, city, country, language, kvk, vat_number FROM debtors WHERE number = ?')
            .raw(),
          insertDebtor: this.write
            ? db.prepare(
                `INSERT INTO debtors (number, name, type, type_known, contact_person, email, phone, street, postcode, city, country, language, kvk, vat_number, import_id)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
              )
            : null,
          updateDebtor: this.write
            ? db.prepare(
                `UPDATE debtors SET name = ?, type = ?, type_known = ?, contact_person = ?, email = ?, phone = ?, street = ?, postcode = ?, city = ?, country = ?,
                   language = ?, kvk = ?, vat_number = ?, import_id = ? WHERE number = ?`,
              )
            : null,
        }
      : null;
  }

  applyRow(row: InvoiceRow): RowOutcome {
    this.applyDebtor(row);
    const s = this.stmts;
    // Only exports with a term_is_fatal or consumer_claim column carry these (issue 17).
    if (s?.setTerms && (row.termIsFatal !== undefined || row.consumerClaim !== undefined)) {
      s.setTerms.run(row.invoiceNumber, row.termIsFatal === undefined || row.termIsFatal === null ? null : row.termIsFatal ? 1 : 0, row.consumerClaim ?? null);
    }
    // The parser rejects a number repeated within the files, so an empty ledger needs no lookup.
    const existing = s && !this.emptyAtStart ? (s.getInvoice.get(row.invoiceNumber) as InvoiceTuple | undefined) : undefined;
    const status = row.openCents === 0 ? 'paid' : 'open';
    if (!existing) {
      if (this.write) {
        this.pending.push(
          row.invoiceNumber, row.debtor.number, row.issueDate, row.dueDate, row.dueDateDerived ? 1 : 0,
          row.amountCents, row.openCents, row.reference, status, row.file, row.line, this.importId,
        );
        if (this.pending.length === BATCH * 12) this.flush();
      }
      this.totals.inserted++;
      return 'inserted';
    }
    return this.compareAndUpdate(row, status, existing);
  }

  private pending: unknown[] = [];

  /** Writes the buffered new invoices; call before reading the ledger and at the end. */
  flush(): void {
    const s = this.stmts;
    if (!s || this.pending.length === 0) return;
    if (this.pending.length === BATCH * 12) s.insertInvoices!.run(this.pending);
    else for (let i = 0; i < this.pending.length; i += 12) s.insertInvoice!.run(this.pending.slice(i, i + 12));
    this.pending = [];
  }

  /** Called before each file: from the second file on, a number may repeat one of an earlier file. */
  startFile(index: number): void {
    this.flush();
    if (index > 0) this.emptyAtStart = false;
  }

  private compareAndUpdate(row: InvoiceRow, status: string, existing: InvoiceTuple): RowOutcome {
    const s = this.stmts!;
    const [debtor, issue, due, derived, amount, open, reference, oldStatus] = existing;
    if (oldStatus === 'handed_over' || oldStatus === 'written_off') {
      // The claim left pre-incasso; the bookkeeping export does not bring it back.
      if (open !== row.openCents && this.totals.frozenChanges.length < MAX_LISTED) {
        this.totals.frozenChanges.push({ invoice: row.invoiceNumber, status: oldStatus, ledger_open_cents: open, file_open_cents: row.openCents });
      }
      this.totals.unchanged++;
      return 'unchanged';
    }
    const same =
      debtor === row.debtor.number && issue === row.issueDate && due === row.dueDate && derived === (row.dueDateDerived ? 1 : 0) &&
      amount === row.amountCents && open === row.openCents && reference === row.reference && oldStatus === status;
    if (same) {
      this.totals.unchanged++;
      return 'unchanged';
    }
    if (this.write) {
      s!.updateInvoice!.run(
        row.debtor.number, row.issueDate, row.dueDate, row.dueDateDerived ? 1 : 0, row.amountCents, row.openCents, row.reference, status,
        row.file, row.line, this.importId, row.invoiceNumber,
      );
      const changes: Record<string, unknown> = {};
      if (amount !== row.amountCents) changes.amount_cents = [amount, row.amountCents];
      if (open !== row.openCents) changes.open_cents = [open, row.openCents];
      if (due !== row.dueDate) changes.due_date = [due, row.dueDate];
      if (oldStatus !== status) changes.status = [oldStatus, status];
      if (debtor !== row.debtor.number) changes.debtor_number = [debtor, row.debtor.number];
      appendEvent(this.db!, { kind: 'invoice_updated', today: this.today, debtor: row.debtor.number, invoice: row.invoiceNumber, data: { import_id: this.importId, changes } });
    }
    if (amount !== row.amountCents && this.totals.amountChanges.length < MAX_LISTED) {
      this.totals.amountChanges.push({ invoice: row.invoiceNumber, from_cents: amount, to_cents: row.amountCents });
    }
    this.totals.updated++;
    return 'updated';
  }

  private applyDebtor(row: InvoiceRow): void {
    const d = row.debtor;
    // A debtor's details repeat on every invoice row: handle the first row of each debtor only.
    if (this.debtorsDone.has(d.number)) return;
    this.debtorsDone.add(d.number);
    const s = this.stmts;
    if (!s) return;
    const existing = s.getDebtor.get(d.number) as DebtorTuple | undefined;
    // An export without a type column must not turn a known business into a consumer.
    const type = !d.typeKnown && existing && existing[2] === 1 ? existing[1] : d.type;
    const typeKnown = d.typeKnown || (existing !== undefined && existing[2] === 1) ? 1 : 0;
    const values: DebtorTuple = [d.name, type, typeKnown, d.contactPerson, d.email, d.phone, d.street, d.postcode, d.city, d.country, d.language, d.kvk, d.vatNumber];
    if (!existing) {
      s.insertDebtor?.run(d.number, ...values, this.importId);
      return;
    }
    if (values.every((v, i) => v === existing[i])) return;
    if (this.write) {
      s.updateDebtor!.run(...values, this.importId, d.number);
      appendEvent(this.db!, { kind: 'debtor_updated', today: this.today, debtor: d.number, data: { import_id: this.importId } });
    }
  }

  /** --snapshot: open invoices that the file no longer lists were settled or removed in the bookkeeping. */
  closeMissing(seen: Set<string>): string[] {
    if (!this.db) return [];
    this.flush();
    const open = this.db.prepare("SELECT number, debtor_number FROM invoices WHERE status = 'open'").raw().all() as [string, string][];
    const missing = open.filter(([n]) => !seen.has(n));
    if (this.write) {
      const close = this.db.prepare("UPDATE invoices SET status = 'closed' WHERE number = ?");
      for (const [number, debtor] of missing) {
        close.run(number);
        appendEvent(this.db, { kind: 'invoice_closed', today: this.today, debtor, invoice: number, data: { import_id: this.importId, reason: 'absent from snapshot' } });
      }
    }
    this.totals.closed = missing.length;
    return missing.map(([n]) => n);
  }

  openInvoiceCount(): number {
    if (!this.db) return 0;
    this.flush();
    return (this.db.prepare("SELECT count(*) FROM invoices WHERE status = 'open'").raw().get() as [number])[0];
  }
}
