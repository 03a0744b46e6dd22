// How a workflow opens the ledger for one job: the ledger file and the command line (recorded in
// the lock file, so a waiting run can name the holder), closed again whatever happens.
import { openLedger, type Db } from '../ledger/ledger.js';

/** Where the ledger is and who opens it; every workflow that reads or writes it takes these. */
export interface LedgerAt {
  ledgerPath: string;
  commandLine: string;
}

/**
 * Opens the ledger, runs `work` on it and closes it, also when `work` throws or its promise is
 * rejected. `readonly` takes no lock and leaves the file byte-identical.
 */
export function withLedger<T>(at: LedgerAt, options: { readonly?: boolean }, work: (db: Db) => T): T {
  const ledger = openLedger(at.ledgerPath, { command: at.commandLine, readonly: options.readonly === true });
  let result: T;
  try {
    result = work(ledger.db);
  } catch (error) {
    ledger.close();
    throw error;
  }
  if (result instanceof Promise) return result.finally(() => ledger.close()) as T;
  ledger.close();
  return result;
}
