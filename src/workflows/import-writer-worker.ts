// The writer thread of `import` (issue 16): it owns a connection to the ledger and the import's
// write transaction, and applies the batches of checked rows the import's main thread sends while
// that thread reads and checks the next ones. The main thread holds the ledger lock for the whole
// import and waits for this thread to end before it lets go.
//
// Messages in: {t:'file'}, {t:'rows'} (acknowledged, for back-pressure), {t:'seal'} (the end of
// the rows: snapshot guard, indexes, checks), {t:'commit'} (with the files' hashes), {t:'abort'}
// (roll back). Out: {t:'ready'}, {t:'ack'}, {t:'done'}, {t:'failed'}. After 'done',
// 'failed' or 'abort' the transaction is committed or rolled back, the connection is closed and
// the thread ends. If the thread dies instead, its connection is closed with the transaction
// rolled back (or, if the whole process dies, the journal left behind is rolled back by the next
// opener): never a half import.
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../errors.js';
import { openLockedConnection, type Db } from '../ledger/ledger.js';
import { ImportWriteSession, type ImportedFile, type SealRequest, type WriteSessionOptions } from './import-write-session.js';
import { RowDecoder, type WireBatch } from './import-row-wire.js';

export type ToWriter =
  | { t: 'file'; index: number }
  | { t: 'rows'; batch: WireBatch }
  | { t: 'seal'; req: SealRequest }
  | { t: 'commit'; files: ImportedFile[] }
  | { t: 'abort' };
export type FromWriter =
  | { t: 'ready'; importId: number }
  | { t: 'ack' }
  | { t: 'done'; totals: ReturnType<ImportWriteSession['commit']> }
  | { t: 'failed'; error: WireError };

export interface WriterData {
  ledgerPath: string;
  options: WriteSessionOptions;
}

/** An error as it crosses to the main thread: what the CLI needs to report it the same way. */
export interface WireError {
  name: string;
  message: string;
  stack?: string | undefined;
  code?: string | undefined;
  app?: { code: AppError['code']; hint: string | undefined; details: string[]; data: Record<string, unknown> | undefined } | undefined;
}

export function toWireError(error: unknown): WireError {
  if (error instanceof AppError) {
    return { name: error.name, message: error.message, stack: error.stack, app: { code: error.code, hint: error.hint, details: error.details, data: error.data } };
  }
  const e = error instanceof Error ? error : new Error(String(error));
  const code = (e as { code?: unknown }).code;
  return { name: e.name, message: e.message, stack: e.stack, code: typeof code === 'string' ? code : undefined };
}

/**
 * Tests only (under vitest): `throw:N` makes the writer fail with an error after N rows,
 * `exit:N` ends the thread abruptly after N rows, as a crash would.
 */
function injectedFault(): { kind: 'throw' | 'exit'; after: number } | null {
  if (process.env.VITEST !== 'true') return null;
  const m = /^(throw|exit):(\d+)$/.exec(process.env.PRE_INCASSO_TEST_WRITER_FAULT ?? '');
  return m ? { kind: m[1] as 'throw' | 'exit', after: Number(m[2]) } : null;
}

function main(): void {
  const port = parentPort;
  if (!port) throw new Error('import-writer-worker.js runs as a worker thread');
  const data = workerData as WriterData;
  const post = (m: FromWriter): void => port.postMessage(m);
  const fault = injectedFault();
  let rows = 0;
  const decoder = new RowDecoder();
  let db: Db | null = null;
  let session: ImportWriteSession | null = null;
  // The transaction is committed or rolled back and the connection closed before the main
  // thread hears how it ended; then the port closes and the thread ends.
  const end = (last: FromWriter | null): void => {
    try {
      try {
        session?.close();
      } finally {
        session = null;
        if (db?.open) db.close();
      }
    } finally {
      if (last) post(last);
      port.close();
    }
  };
  const fail = (error: unknown): void => {
    const wire = toWireError(error);
    try {
      end({ t: 'failed', error: wire });
    } catch {
      // The rollback failed too: the first error is the one reported (already posted).
    }
  };
  try {
    db = openLockedConnection(data.ledgerPath);
    session = new ImportWriteSession(db, data.options);
    post({ t: 'ready', importId: session.importId });
  } catch (error) {
    fail(error);
    return;
  }
  port.on('message', (m: ToWriter) => {
    if (!session) return;
    try {
      if (m.t === 'rows') {
        for (const row of decoder.rows(m.batch)) {
          session.apply(row, row.digest);
          if (fault && ++rows === fault.after) {
            if (fault.kind === 'exit') process.exit(70);
            throw new Error(`injected writer fault after ${rows} rows`);
          }
        }
        post({ t: 'ack' });
      } else if (m.t === 'file') {
        session.startFile(m.index);
      } else if (m.t === 'seal') {
        session.seal(m.req);
      } else if (m.t === 'commit') {
        const totals = session.commit(m.files);
        end({ t: 'done', totals });
      } else {
        end(null);
      }
    } catch (error) {
      fail(error);
    }
  });
}

main();
