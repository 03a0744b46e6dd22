// The ledger side of `import`: idempotent upsert of debtors and invoices keyed on their numbers.
// Runs inside the caller's transaction; in a dry run it only reads, so the file stays
// byte-identical while the report is the same one the real import would give.
import type { Db } from './ledger.js';
import { appendEvent } from './events.js';
import type { InvoiceRow } from '../domain/invoice-row.js';
import { readCorrections } from './corrections.js';
import type { CorrectionValues } from '../domain/debtor-correction.js';
import { invoiceDigest } from './invoice-digest.js';

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
  /**
   * Invoices the export shows more open than the ledger's own facts leave (a payment the
   * bookkeeping has not booked yet): the ledger's figure was kept (SPEC §6.7).
   */
  keptPaid: KeptPaid[];
}

export interface KeptPaid {
  invoice: string;
  debtor: string;
  file_open_cents: number;
  kept_open_cents: number;
  payments: { payment_id: number; date: string; source: string; amount_cents: number }[];
}

type InvoiceTuple = [string, string | null, string, number, number, number, string | null, string, number | null, number, number | null];
/** A row whose stored digest matched: the ledger's row is what this export row makes of it. */
const UNCHANGED = 'unchanged' as const;
type DebtorTuple = [string, string, number, string | null, string | null, string | null, string | null, string | null, string | null, string, string, string | null, string | null];

const MAX_LISTED = 1000;
/**
 * Rows whose stored digests are read in one query, in a ledger that has invoices. Small enough
 * that a waiting row dies young (2,000 rows kept the JS heap twice as large: they outlived the
 * young generation and piled up in the old one).
 */
const LOOKUP_BATCH = 256;
const REIMPORT_CACHE_KB = 16_384;
/** Rows per multi-row INSERT: fewer statement executions for a million-row import. */
const BATCH = 64;
/** New debtors per multi-row INSERT in a first import (15 values each). */
const DEBTOR_BATCH = 32;
const DEBTOR_VALUES = 15;
const DEBTOR_COLUMNS = '(number, name, type, type_known, contact_person, email, phone, street, postcode, city, country, language, kvk, vat_number, import_id)';
const DEBTOR_PLACEHOLDERS = `(${Array(DEBTOR_VALUES).fill('?').join(', ')})`;
const INVOICE_COLUMNS = '(number, debtor_number, issue_date, due_date, due_date_derived, amount_cents, open_cents, reference, status, source_file, source_line, import_id, export_open_cents, export_date, import_digest)';
const INVOICE_PLACEHOLDERS = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const ROW_VALUES = 15;

export class InvoiceImportWriter {
  readonly totals: ImportTotals = { inserted: 0, updated: 0, unchanged: 0, closed: 0, amountChanges: [], frozenChanges: [], keptPaid: [] };
  private readonly debtorsDone = new Set<string>();
  private readonly db: Db | null;
  private readonly write: boolean;
  private readonly importId: number;
  private readonly today: string;
  private readonly stmts;
  /** The ledger had no invoices when the import began: every row is new, no lookup needed. */
  private emptyAtStart: boolean;
  /**
   * The ledger had no debtors either (a first import): a debtor not met before in this import is
   * new without asking the ledger, and new debtors are written DEBTOR_BATCH to a statement.
   */
  private readonly noDebtorsAtStart: boolean;

  /**
   * @param db the ledger, or null for a dry run against a ledger that does not exist yet
   * @param write false for --dry-run: read and compare, never write
   */
  /** Fields the user corrected by hand (`debtor set`): the export does not override them. */
  private readonly corrections: Map<string, CorrectionValues>;
  private readonly overwriteCorrections: boolean;

  constructor(db: Db | null, options: { write: boolean; importId: number; today: string; overwriteCorrections?: boolean }) {
    this.db = db;
    this.overwriteCorrections = options.overwriteCorrections === true;
    this.corrections = db ? readCorrections(db) : new Map();
    this.write = options.write && db !== null;
    this.importId = options.importId;
    this.today = options.today;
    this.emptyAtStart = db === null || db.prepare('SELECT 1 FROM invoices LIMIT 1').get() === undefined;
    this.noDebtorsAtStart = this.write && this.emptyAtStart && db!.prepare('SELECT 1 FROM debtors LIMIT 1').get() === undefined;
    // A re-import reads the invoices once, in the order of the file, and writes few: 16 MB of
    // page cache serve it as well as 64 (measured), and the book snapshot's sort, which may use
    // as much memory as the cache, stays as small (the connection is the import's own).
    if (this.write && !this.emptyAtStart) db!.pragma(`cache_size = -${REIMPORT_CACHE_KB}`);
    this.stmts = db
      ? {
          // The stored digest of each number of a batch, in the batch's order (null: no such
          // invoice, or none stored): one integer per row, no row materialised.
          getDigests: db.prepare('SELECT i.import_digest FROM json_each(?) j LEFT JOIN invoices i ON i.number = j.value ORDER BY j.key').pluck(),
          // The whole row, for the rows whose digest did not match; their allocations summed in
          // one grouped pass over the batch, not a query per invoice.
          getInvoices: db
            .prepare(
              `WITH batch(number) AS (SELECT value FROM json_each(?)),
                    allocated(number, cents) AS (SELECT invoice_number, sum(amount_cents) FROM allocations WHERE invoice_number IN batch GROUP BY invoice_number)
               SELECT i.number, i.debtor_number, i.issue_date, i.due_date, i.due_date_derived, i.amount_cents, i.open_cents, i.reference, i.status, i.export_open_cents,
                      coalesce(a.cents, 0), i.import_digest
               FROM invoices i LEFT JOIN allocated a ON a.number = i.number WHERE i.number IN batch`,
            )
            .raw(),
          // An unchanged row whose digest was missing (a ledger from before version 23, or a
          // compared column written with its old value): store it for the next import.
          setDigest: this.write ? db.prepare('UPDATE invoices SET import_digest = ? WHERE number = ?') : null,
          // OR ROLLBACK: a constraint failing ends the whole transaction (the import is refused
          // anyway), so SQLite keeps no statement journal for a multi-row INSERT when foreign
          // keys are off (a bulk load, invoice-bulk-load.ts).
          insertInvoice: this.write ? db.prepare(`INSERT OR ROLLBACK INTO invoices ${INVOICE_COLUMNS} VALUES ${INVOICE_PLACEHOLDERS}`) : null,
          insertInvoices: this.write ? db.prepare(`INSERT OR ROLLBACK INTO invoices ${INVOICE_COLUMNS} VALUES ${Array(BATCH).fill(INVOICE_PLACEHOLDERS).join(', ')}`) : null,
          updateInvoice: this.write
            ? db.prepare(
                `UPDATE invoices SET debtor_number = ?, issue_date = ?, due_date = ?, due_date_derived = ?, amount_cents = ?, open_cents = ?, reference = ?, status = ?,
                   source_file = ?, source_line = ?, import_id = ?, export_open_cents = ?, export_date = CASE WHEN export_open_cents IS ? THEN export_date ELSE ? END,
                   import_digest = ?
                 WHERE number = ?`,
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
          // The debtors a batch meets for the first time, in one query.
          getDebtors: db
            .prepare(
              `SELECT number, name, type, type_known, contact_person, email, phone, street, postcode, city, country, language, kvk, vat_number
               FROM debtors WHERE number IN (SELECT value FROM json_each(?))`,
            )
            .raw(),
          insertDebtor: this.write ? db.prepare(`INSERT INTO debtors ${DEBTOR_COLUMNS} VALUES ${DEBTOR_PLACEHOLDERS}`) : null,
          insertDebtors: this.write ? db.prepare(`INSERT INTO debtors ${DEBTOR_COLUMNS} VALUES ${Array(DEBTOR_BATCH).fill(DEBTOR_PLACEHOLDERS).join(', ')}`) : null,
          updateDebtor: this.write
            ? db.prepare(
                `UPDATE debtors SET name = ?, type = ?, type_known = ?, contact_person = ?, email = ?, phone = ?, street = ?, postcode = ?, city = ?, country = ?,
                   language = ?, kvk = ?, vat_number = ?, import_id = ? WHERE number = ?`,
              )
            : null,
          // What an update or a close replaces, kept so `import undo` can restore it.
          keepInvoice: this.write
            ? db.prepare(
                `INSERT OR IGNORE INTO import_changes (import_id, kind, key, prior)
                 SELECT ?, 'invoice', number, json_object('debtor_number', debtor_number, 'issue_date', issue_date, 'due_date', due_date,
                   'due_date_derived', due_date_derived, 'amount_cents', amount_cents, 'open_cents', open_cents, 'reference', reference, 'status', status,
                   'source_file', source_file, 'source_line', source_line, 'import_id', import_id,
                   'export_open_cents', export_open_cents, 'export_date', export_date) FROM invoices WHERE number = ?`,
              )
            : null,
          keepDebtor: this.write
            ? db.prepare(
                `INSERT OR IGNORE INTO import_changes (import_id, kind, key, prior)
                 SELECT ?, 'debtor', number, json_object('name', name, 'type', type, 'type_known', type_known, 'contact_person', contact_person, 'email', email,
                   'phone', phone, 'street', street, 'postcode', postcode, 'city', city, 'country', country, 'language', language, 'kvk', kvk,
                   'vat_number', vat_number, 'import_id', import_id) FROM debtors WHERE number = ?`,
              )
            : null,
          dropCorrections: this.write
            ? db.prepare("DELETE FROM debtor_corrections WHERE debtor_number = ? AND field IN ('name', 'type', 'email', 'phone', 'street', 'postcode', 'city', 'language')")
            : null,
        }
      : null;
  }

  /** Rows of a ledger that has invoices, waiting to have their ledger rows read in one query. */
  private queue: InvoiceRow[] = [];

  /**
   * Applies one row. Into a ledger that has invoices the rows are applied in batches: one query
   * reads the ledger's rows of a whole batch (a point query per row cost three times as much).
   * `flush()` applies what waits.
   */
  applyRow(row: InvoiceRow, digest?: number): void {
    if (this.stmts && !this.emptyAtStart) {
      this.queue.push(row);
      if (this.queue.length === LOOKUP_BATCH) this.applyQueue();
      return;
    }
    this.applyOne(row, undefined, digest ?? invoiceDigest(row));
  }

  private applyQueue(): void {
    const rows = this.queue;
    if (rows.length === 0) return;
    this.queue = [];
    const s = this.stmts!;
    const stored = s.getDigests.all(JSON.stringify(rows.map((r) => r.invoiceNumber))) as (number | null)[];
    const digests = rows.map(invoiceDigest);
    // Only the rows whose digest differs are read whole: new invoices, changed ones, and those
    // whose digest something else cleared (a payment, a handover, a close).
    const other: string[] = [];
    for (let i = 0; i < rows.length; i++) if (stored[i] !== digests[i]) other.push(rows[i]!.invoiceNumber);
    const found = new Map<string, InvoiceTuple>();
    if (other.length > 0) {
      for (const t of s.getInvoices.all(JSON.stringify(other)) as [string, ...InvoiceTuple][]) found.set(t[0], t.slice(1) as InvoiceTuple);
    }
    // Each debtor is handled at its first row only, so its ledger row as read here is the one
    // it has when it is handled.
    const firstSeen = new Set<string>();
    for (const row of rows) if (!this.debtorsDone.has(row.debtor.number)) firstSeen.add(row.debtor.number);
    this.debtorsRead = new Map();
    if (firstSeen.size > 0) {
      for (const t of s.getDebtors.all(JSON.stringify([...firstSeen])) as [string, ...DebtorTuple][]) this.debtorsRead.set(t[0], t.slice(1) as DebtorTuple);
    }
    // The numbers of one batch are distinct (the parser refuses a number twice in a file, and
    // each file starts a new batch), so what was read stays true while the batch is applied.
    try {
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        this.applyOne(row, stored[i] === digests[i] ? UNCHANGED : found.get(row.invoiceNumber), digests[i]!);
      }
    } finally {
      this.debtorsRead = null;
    }
  }

  /** While a batch is applied: the ledger's rows of the debtors it meets first (absent: new). */
  private debtorsRead: Map<string, DebtorTuple> | null = null;

  private applyOne(row: InvoiceRow, existing: InvoiceTuple | typeof UNCHANGED | undefined, digest = invoiceDigest(row)): RowOutcome {
    this.applyDebtor(row);
    const s = this.stmts;
    // Only exports with a term_is_fatal or consumer_claim column carry these (issue 17).
    if (s?.setTerms && (row.termIsFatal !== undefined || row.consumerClaim !== undefined)) {
      s.setTerms.run(row.invoiceNumber, row.termIsFatal === undefined || row.termIsFatal === null ? null : row.termIsFatal ? 1 : 0, row.consumerClaim ?? null);
    }
    if (existing === UNCHANGED) {
      this.totals.unchanged++;
      return 'unchanged';
    }
    const status = row.openCents === 0 ? 'paid' : 'open';
    if (!existing) {
      if (this.write) {
        this.pending.push(
          row.invoiceNumber, row.debtor.number, row.issueDate, row.dueDate, row.dueDateDerived ? 1 : 0,
          row.amountCents, row.openCents, row.reference, status, row.file, row.line, this.importId, row.openCents, this.today, digest,
        );
        if (this.pending.length === BATCH * ROW_VALUES) this.flush();
      }
      this.totals.inserted++;
      return 'inserted';
    }
    return this.compareAndUpdate(row, existing, digest);
  }

  private pending: unknown[] = [];

  /** New debtors of a first import waiting to be written (their values, row after row). */
  private pendingDebtors: unknown[] = [];

  /** Writes the buffered new debtors and invoices; call before reading the ledger and at the end. */
  flush(): void {
    this.applyQueue();
    const s = this.stmts;
    if (!s) return;
    this.flushDebtors();
    if (this.pending.length === 0) return;
    if (this.pending.length === BATCH * ROW_VALUES) s.insertInvoices!.run(this.pending);
    else for (let i = 0; i < this.pending.length; i += ROW_VALUES) s.insertInvoice!.run(this.pending.slice(i, i + ROW_VALUES));
    this.pending = [];
  }

  private flushDebtors(): void {
    const s = this.stmts!;
    const waiting = this.pendingDebtors;
    if (waiting.length === 0) return;
    this.pendingDebtors = [];
    if (waiting.length === DEBTOR_BATCH * DEBTOR_VALUES) s.insertDebtors!.run(waiting);
    else for (let i = 0; i < waiting.length; i += DEBTOR_VALUES) s.insertDebtor!.run(waiting.slice(i, i + DEBTOR_VALUES));
  }

  /** Called before each file: from the second file on, a number may repeat one of an earlier file. */
  startFile(index: number): void {
    this.flush();
    if (index > 0) this.emptyAtStart = false;
  }

  private compareAndUpdate(row: InvoiceRow, existing: InvoiceTuple, digest: number): RowOutcome {
    const s = this.stmts!;
    const [debtor, issue, due, derived, amount, open, reference, oldStatus, exportOpen, allocated, storedDigest] = existing;
    if (oldStatus === 'handed_over' || oldStatus === 'written_off') {
      // The claim left pre-incasso; the bookkeeping export does not bring it back.
      if (open !== row.openCents && this.totals.frozenChanges.length < MAX_LISTED) {
        this.totals.frozenChanges.push({ invoice: row.invoiceNumber, status: oldStatus, ledger_open_cents: open, file_open_cents: row.openCents });
      }
      this.totals.unchanged++;
      return 'unchanged';
    }
    // Facts survive imports: the open amount is the lower of what the export says and what the
    // payments the ledger allocated leave of the (possibly corrected) amount.
    // When the export states the same figure as last time, the bookkeeping booked nothing new:
    // the ledger's figure (after the payments it allocated since) stands.
    let newOpen = row.openCents;
    if (allocated > 0) {
      newOpen = Math.min(newOpen, Math.max(0, row.amountCents - allocated));
      if (exportOpen === row.openCents && amount === row.amountCents && oldStatus !== 'closed') newOpen = Math.min(newOpen, open);
    }
    const status = newOpen === 0 ? 'paid' : 'open';
    if (newOpen < row.openCents && this.totals.keptPaid.length < MAX_LISTED) {
      this.keptPaidPending.push({ invoice: row.invoiceNumber, debtor: row.debtor.number, file_open_cents: row.openCents, kept_open_cents: newOpen, payments: [] });
    }
    const same =
      debtor === row.debtor.number && issue === row.issueDate && due === row.dueDate && derived === (row.dueDateDerived ? 1 : 0) &&
      amount === row.amountCents && open === newOpen && reference === row.reference && oldStatus === status && exportOpen === row.openCents;
    // The digest stands for the row only while the ledger keeps the export's own open amount:
    // a figure kept lower (payments the export has not booked) is compared in full each time.
    const steady = newOpen === row.openCents;
    if (same) {
      if (steady && storedDigest !== digest && this.write) s.setDigest!.run(digest, row.invoiceNumber);
      this.totals.unchanged++;
      return 'unchanged';
    }
    if (this.write) {
      s.keepInvoice!.run(this.importId, row.invoiceNumber);
      s!.updateInvoice!.run(
        row.debtor.number, row.issueDate, row.dueDate, row.dueDateDerived ? 1 : 0, row.amountCents, newOpen, row.reference, status,
        row.file, row.line, this.importId, row.openCents, row.openCents, this.today, steady ? digest : null, row.invoiceNumber,
      );
      const changes: Record<string, unknown> = {};
      if (amount !== row.amountCents) changes.amount_cents = [amount, row.amountCents];
      if (open !== newOpen) changes.open_cents = [open, newOpen];
      if (exportOpen !== row.openCents) changes.export_open_cents = [exportOpen, row.openCents];
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

  private keptPaidPending: KeptPaid[] = [];

  /** The payments behind each kept figure, read once at the end (few rows). */
  finishKeptPaid(): void {
    if (!this.db || this.keptPaidPending.length === 0) return;
    const read = this.db.prepare(
      `SELECT p.id, p.date, p.source, a.amount_cents FROM allocations a JOIN payments p ON p.id = a.payment_id WHERE a.invoice_number = ? ORDER BY p.date, p.id`,
    ).raw();
    for (const k of this.keptPaidPending) {
      k.payments = (read.all(k.invoice) as [number, string, string, number][]).map(([id, date, source, amount]) => ({ payment_id: id, date, source, amount_cents: amount }));
      this.totals.keptPaid.push(k);
    }
    this.keptPaidPending = [];
  }

  private applyDebtor(row: InvoiceRow): void {
    const d = row.debtor;
    // A debtor's details repeat on every invoice row: handle the first row of each debtor only.
    if (this.debtorsDone.has(d.number)) return;
    this.debtorsDone.add(d.number);
    const s = this.stmts;
    if (!s) return;
    if (this.noDebtorsAtStart) {
      // New, and nothing corrected by hand (corrections belong to existing debtors).
      this.pendingDebtors.push(
        d.number, d.name, d.type, d.typeKnown ? 1 : 0, d.contactPerson, d.email, d.phone, d.street, d.postcode, d.city, d.country, d.language, d.kvk, d.vatNumber, this.importId,
      );
      if (this.pendingDebtors.length === DEBTOR_BATCH * DEBTOR_VALUES) this.flushDebtors();
      return;
    }
    const existing = this.debtorsRead ? this.debtorsRead.get(d.number) : (s.getDebtor.get(d.number) as DebtorTuple | undefined);
    // An export without a type column must not turn a known business into a consumer.
    const type = !d.typeKnown && existing && existing[2] === 1 ? existing[1] : d.type;
    const typeKnown = d.typeKnown || (existing !== undefined && existing[2] === 1) ? 1 : 0;
    const values: DebtorTuple = [d.name, type, typeKnown, d.contactPerson, d.email, d.phone, d.street, d.postcode, d.city, d.country, d.language, d.kvk, d.vatNumber];
    const corrected = this.corrections.get(d.number);
    if (corrected && existing) {
      if (this.overwriteCorrections) {
        if (this.write) {
          s.dropCorrections!.run(d.number);
          appendEvent(this.db!, { kind: 'corrections_overwritten', today: this.today, debtor: d.number, data: { import_id: this.importId, fields: Object.keys(corrected) } });
        }
      } else {
        // A field corrected by hand keeps the corrected value (the export may still have the old one).
        const at: Record<string, number> = { name: 0, type: 1, email: 4, phone: 5, street: 6, postcode: 7, city: 8, language: 10 };
        for (const [field, value] of Object.entries(corrected)) {
          const i = at[field];
          if (i !== undefined) values[i] = value as never;
          if (field === 'type') values[2] = 1;
        }
      }
    }
    if (!existing) {
      s.insertDebtor?.run(d.number, ...values, this.importId);
      return;
    }
    if (values.every((v, i) => v === existing[i])) return;
    if (this.write) {
      s.keepDebtor!.run(this.importId, d.number);
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
        this.stmts!.keepInvoice!.run(this.importId, number);
        close.run(number);
        appendEvent(this.db, { kind: 'invoice_closed', today: this.today, debtor, invoice: number, data: { import_id: this.importId, reason: 'absent from snapshot' } });
      }
    }
    this.totals.closed = missing.length;
    return missing.map(([n]) => n);
  }

  /** Every row applied so far was a new invoice, written as it came: none updated, unchanged or closed. */
  wroteOnlyNewRows(): boolean {
    const t = this.totals;
    return t.updated === 0 && t.unchanged === 0 && t.closed === 0;
  }

  openInvoiceCount(): number {
    if (!this.db) return 0;
    this.flush();
    return (this.db.prepare("SELECT count(*) FROM invoices WHERE status = 'open'").raw().get() as [number])[0];
  }
}
