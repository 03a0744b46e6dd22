// Where the import's rows are written: a writer thread (import-writer-worker.ts) for a first
// load, so that SQLite writes one batch while this thread reads and checks the next, or the
// session in this thread for a re-import, a dry run, and when the compiled worker is not there
// (the tests that run the TypeScript sources). Both behave the same to the caller: rows in, totals out,
// everything or nothing committed.
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { AppError } from '../errors.js';
import type { Db } from '../ledger/ledger.js';
import type { ImportTotals } from '../ledger/invoice-import.js';
import { InvoiceBulkLoad } from '../ledger/invoice-bulk-load.js';
import type { InvoiceRow } from '../domain/invoice-row.js';
import { OpenBookGroups } from '../domain/report/open-book-groups.js';
import { ImportWriteSession, type ImportedFile, type SealRequest, type WriteSessionOptions } from './import-write-session.js';
import { RowEncoder, type WireBatch } from './import-row-wire.js';
import type { FromWriter, ToWriter, WireError, WriterData } from './import-writer-worker.js';

export interface ImportWriteChannel {
  readonly importId: number;
  /** Called before the rows of each file. */
  startFile(index: number): void;
  apply(row: InvoiceRow): void;
  /** True when the writer is behind: await `drained()` before the next row. */
  readonly busy: boolean;
  drained(): Promise<void>;
  /**
   * Seals the ledger side (snapshot guard, indexes, checks) while `files` (their hashes) are being
   * worked out here, then commits (in a dry run only reports). Throws when the writer refused or
   * failed; then nothing is committed.
   */
  finish(req: SealRequest, files: () => Promise<ImportedFile[]>): Promise<ImportTotals>;
  /** Rolls back what was not committed and waits until the writer has let go of the ledger. */
  close(): Promise<void>;
}

/**
 * Rows per message to the writer thread. A batch being filled holds its rows' text, and each
 * field is a slice of the 64 KB chunk of the file it was read from: a batch that lived through
 * two young-generation collections was promoted with its chunks, and with batches of 2,000 that
 * happened often enough that the old generation grew by the file's own size between collections
 * (peaks of 390-410 MB at a million rows). Batches of 500 die young: 262-280 MB, and no slower
 * (8.3-12.1 s against 9.4-12.1 s over 8 paired runs each).
 */
const BATCH_ROWS = 500;
/** Batches sent but not yet applied: the bound on what waits in memory between the threads (3,000 rows). */
const MAX_IN_FLIGHT = 6;

/**
 * The writer thread's young generation (its short-lived objects: the decoded batches). Small, so
 * that two threads' heaps keep the import of a million rows under 300 MB; the old generation is
 * not limited (a limit there would end a big import with an out-of-memory error).
 */
const WORKER_YOUNG_MB = 8;

const WORKER_URL = new URL('./import-writer-worker.js', import.meta.url);

/**
 * A writer thread for a first load (a ledger without invoices) when the compiled worker module is
 * there, else the session in this thread. The thread starts in the background: rows wait in its
 * queue until it has opened the transaction. A re-import stays in this thread: its writer reads
 * and compares more than it writes, and with the copying between the threads it took more CPU
 * time than the whole import in one thread (README, "The import pipeline").
 */
export function openWriteChannel(db: Db | null, ledgerPath: string | null, options: WriteSessionOptions): ImportWriteChannel {
  if (options.write && db && ledgerPath !== null && InvoiceBulkLoad.applies(db) && fs.existsSync(WORKER_URL)) {
    const worker = new Worker(WORKER_URL, { workerData: { ledgerPath, options } satisfies WriterData, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
    return new WorkerChannel(worker, new OpenBookGroups(options.today));
  }
  return new DirectChannel(new ImportWriteSession(db, options));
}

class DirectChannel implements ImportWriteChannel {
  readonly busy = false;
  constructor(private readonly session: ImportWriteSession) {}
  get importId(): number {
    return this.session.importId;
  }
  startFile(index: number): void {
    this.session.startFile(index);
  }
  apply(row: InvoiceRow): void {
    this.session.apply(row);
  }
  drained(): Promise<void> {
    return Promise.resolve();
  }
  async finish(req: SealRequest, files: () => Promise<ImportedFile[]>): Promise<ImportTotals> {
    this.session.seal(req);
    return this.session.commit(await files());
  }
  close(): Promise<void> {
    this.session.close();
    return Promise.resolve();
  }
}

class WorkerChannel implements ImportWriteChannel {
  private readonly encoder = new RowEncoder();
  private values: unknown[] = [];
  private rows = 0;
  private file = '';
  private inFlight = 0;
  private ready: number | null = null;
  private totals: ImportTotals | null = null;
  private failure: Error | null = null;
  private exited = false;
  private readonly exit: Promise<void>;
  /** The one waiter (this thread awaits one thing at a time): woken on every message and on exit. */
  private signal: (() => void) | null = null;

  /** @param groups the open book per debtor of the rows sent, for the writer's book snapshot (this thread has time to spare) */
  constructor(
    private readonly worker: Worker,
    private readonly groups: OpenBookGroups,
  ) {
    this.exit = new Promise((resolve) => {
      worker.on('exit', (code) => {
        this.exited = true;
        // A thread that ends without saying how (a crash, out of memory) wrote nothing: its
        // connection was closed with the transaction open, which rolls it back. (Messages it
        // sent before it ended are delivered before this event.)
        if (this.totals === null) {
          this.failure ??= new AppError('internal', `The import's writer thread stopped unexpectedly (exit code ${code}); nothing was imported.`, {
            hint: 'The ledger is as it was. Run the import again; if it stops again, please report it with the output of `pre-incasso doctor`.',
          });
        }
        this.notify();
        resolve();
      });
    });
    worker.on('error', (error) => {
      this.failure ??= error;
      this.notify();
    });
    worker.on('message', (m: FromWriter) => {
      if (m.t === 'ack') this.inFlight--;
      else if (m.t === 'ready') this.ready = m.importId;
      else if (m.t === 'done') this.totals = m.totals;
      else this.failure ??= fromWireError(m.error);
      this.notify();
    });
  }

  get importId(): number {
    return this.ready ?? 0;
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => (this.signal = resolve));
  }

  private notify(): void {
    const signal = this.signal;
    this.signal = null;
    signal?.();
  }

  private send(m: ToWriter): void {
    if (this.failure) throw this.failure;
    this.worker.postMessage(m);
  }

  private sendRows(): void {
    if (this.rows === 0) return;
    const batch: WireBatch = { file: this.file, values: this.values };
    this.values = [];
    this.rows = 0;
    this.inFlight++;
    this.send({ t: 'rows', batch });
  }

  startFile(index: number): void {
    this.sendRows();
    this.send({ t: 'file', index });
  }

  apply(row: InvoiceRow): void {
    if (this.failure) throw this.failure;
    if (row.file !== this.file) {
      this.sendRows();
      this.file = row.file;
    }
    this.encoder.encode(row, this.values);
    this.groups.add(row.debtor.number, row.dueDate, row.openCents);
    if (++this.rows === BATCH_ROWS) this.sendRows();
  }

  get busy(): boolean {
    return this.inFlight >= MAX_IN_FLIGHT || this.failure !== null;
  }

  async drained(): Promise<void> {
    while (this.inFlight >= MAX_IN_FLIGHT && this.failure === null) await this.changed();
    if (this.failure) throw this.failure;
  }

  async finish(req: SealRequest, files: () => Promise<ImportedFile[]>): Promise<ImportTotals> {
    this.sendRows();
    this.encoder.forget();
    this.send({ t: 'seal', req: { ...req, groups: this.groups.toWire() } });
    const list = await files();
    this.send({ t: 'commit', files: list });
    // 'done' comes after COMMIT, once the connection is closed; then the thread ends.
    while (this.totals === null && this.failure === null) await this.changed();
    await this.exit;
    if (this.totals === null) throw this.failure!;
    return this.totals;
  }

  async close(): Promise<void> {
    if (!this.exited && this.failure === null && this.totals === null) this.worker.postMessage({ t: 'abort' } satisfies ToWriter);
    await this.exit;
  }
}

function fromWireError(w: WireError): Error {
  const app = w.app;
  const error = app
    ? new AppError(app.code, w.message, { details: app.details, ...(app.hint !== undefined ? { hint: app.hint } : {}), ...(app.data ? { data: app.data } : {}) })
    : Object.assign(new Error(w.message), { name: w.name, ...(w.code ? { code: w.code } : {}) });
  if (w.stack) error.stack = w.stack;
  return error;
}
