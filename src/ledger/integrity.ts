// What SQLite itself says about the ledger file: its pages (integrity_check) and its references
// (foreign_key_check). For `doctor`.
import type { Db } from './ledger.js';

export function ledgerIntegrity(db: Db): { integrity: string; brokenReferences: number } {
  const integrity = db.pragma('integrity_check', { simple: true }) as string;
  const fk = db.pragma('foreign_key_check') as unknown[];
  return { integrity, brokenReferences: fk.length };
}
