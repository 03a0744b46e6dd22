// The ledger side of one invoice import, wherever it runs: in the import's own thread (a dry run,
// or when the compiled worker is not there) or in the writer thread of import-writer-worker.ts.
// It opens the write transaction, applies the checked rows through InvoiceImportWriter, and at
// the end closes what a snapshot no longer lists, records the book and the import, and commits.
// Until `commit`, nothing is visible; `close` rolls back whatever is still open.
import { AppError } from '../errors.js';
import type { Db } from '../ledger/ledger.js';
import { appendEvent } from '../ledger/events.js';
import { InvoiceImportWriter, type ImportTotals } from '../ledger/invoice-import.js';
import { InvoiceBulkLoad } from '../ledger/invoice-bulk-load.js';
import { recordBookSnapshot } from '../ledger/report.js';
import type { InvoiceRow } from '../domain/invoice-row.js';
import { openBookGroupRows, type OpenBookGroupsWire } from '../domain/report/open-book-groups.js';

export interface WriteSessionOptions {
  /** False for --dry-run: read and compare, never write. */
  write: boolean;
  today: string;
  overwriteCorrections: boolean;
  /** The options recorded with the import (JSON of the `imports.options` column). */
  recordedOptions: string;
  /** --snapshot: open invoices the files do not list are closed. */
  snapshot: boolean;
}

export interface SealRequest {
  /** Rows left out (--skip-invalid). */
  rejected: number;
  /** --force: a snapshot may close more than half of the open invoices. */
  force: boolean;
  /**
   * A first load's open book per debtor, summed by the reading thread as it sent the rows; used
   * for the book snapshot when every row was indeed written new, else the ledger groups its rows.
   */
  groups?: OpenBookGroupsWire;
}

/** The files read, as the import's record keeps them (their hashes are taken while the ledger seals). */
export type ImportedFile = { file: string; sha256: string; rows: number };

export class ImportWriteSession {
  readonly importId: number;
  readonly openBefore: number;
  private readonly writer: InvoiceImportWriter;
  private readonly bulk: InvoiceBulkLoad | null;
  private readonly seen: Set<string> | null;
  private inTransaction = false;
  private rejected = 0;

  /** @param db the ledger (the connection that writes), or null for a dry run without a ledger */
  constructor(
    private readonly db: Db | null,
    private readonly options: WriteSessionOptions,
  ) {
    let importId = 0;
    let bulk: InvoiceBulkLoad | null = null;
    if (options.write && db) {
      // Into a ledger without invoices: indexes rebuilt and foreign keys checked once, at the end.
      bulk = InvoiceBulkLoad.prepare(db);
      try {
        db.exec('BEGIN IMMEDIATE');
        this.inTransaction = true;
        bulk?.begin();
        importId = Number(
          db
            .prepare("INSERT INTO imports (kind, at, today, files, options) VALUES ('invoices', ?, ?, '[]', ?)")
            .run(new Date().toISOString(), options.today, options.recordedOptions).lastInsertRowid,
        );
      } catch (error) {
        this.bulk = bulk;
        this.close();
        throw error;
      }
    }
    this.bulk = bulk;
    this.importId = importId;
    this.writer = new InvoiceImportWriter(db, { write: options.write, importId, today: options.today, overwriteCorrections: options.overwriteCorrections });
    this.openBefore = this.writer.openInvoiceCount();
    this.seen = options.snapshot ? new Set<string>() : null;
  }

  /** Called before the rows of each file. */
  startFile(index: number): void {
    this.writer.startFile(index);
  }

  /** `digest`: the row's digest when the sender worked it out (import-row-wire.ts). */
  apply(row: InvoiceRow, digest?: number): void {
    this.writer.applyRow(row, digest);
    this.seen?.add(row.invoiceNumber);
  }

  /**
   * After the last row of a clean import: the snapshot guard, the book's snapshot, and (a first
   * load) the indexes and the set checks. Throws, leaving the transaction for `close` to roll
   * back, when the snapshot would close too much. A dry run computes the same figures.
   */
  seal(req: SealRequest): void {
    const writer = this.writer;
    writer.flush();
    writer.finishKeptPaid();
    if (this.seen) {
      const closedNumbers = writer.closeMissing(this.seen);
      if (closedNumbers.length > this.openBefore / 2 && closedNumbers.length > 0 && !req.force) {
        throw new AppError('input_invalid', `This snapshot would close ${closedNumbers.length} of the ${this.openBefore} open invoices; nothing was imported.`, {
          hint: 'A truncated export must not wipe the book. Check the file is complete; if it really is, run again with --force.',
        });
      }
    }
    this.rejected = req.rejected;
    if (this.options.write && this.db) {
      // The book as this import saw it, for the report's history (same transaction). A first
      // load that wrote every row new stored exactly the rows the reading thread summed.
      const summed = req.groups && this.bulk && req.groups.today === this.options.today && writer.wroteOnlyNewRows() ? openBookGroupRows(req.groups) : undefined;
      recordBookSnapshot(this.db, this.options.today, 'import', this.importId, summed);
      this.bulk?.finish();
    }
  }

  /** After `seal`: the import's record and event, and COMMIT. Returns the totals. */
  commit(files: ImportedFile[]): ImportTotals {
    const db = this.db;
    const t = this.writer.totals;
    if (this.options.write && db) {
      db.prepare('UPDATE imports SET files = ?, inserted = ?, updated = ?, unchanged = ?, closed = ?, rejected = ? WHERE id = ?').run(
        JSON.stringify(files.map((f) => ({ file: f.file, sha256: f.sha256, rows: f.rows }))),
        t.inserted, t.updated, t.unchanged, t.closed, this.rejected, this.importId,
      );
      appendEvent(db, {
        kind: 'import',
        today: this.options.today,
        data: {
          import_id: this.importId, files: files.map((f) => ({ file: f.file, sha256: f.sha256 })),
          inserted: t.inserted, updated: t.updated, unchanged: t.unchanged, closed: t.closed, rejected: this.rejected,
        },
      });
      db.exec('COMMIT');
      this.inTransaction = false;
    }
    return t;
  }

  /** Rolls back what `commit` did not commit; the connection's settings as before the import. */
  close(): void {
    // SQLite may have rolled back by itself (a full disk): never let a second error hide the first.
    if (this.inTransaction && this.db?.inTransaction) this.db.exec('ROLLBACK');
    this.inTransaction = false;
    this.bulk?.close();
  }
}
