// `doctor`: the checks of the ledger file (its mode, SQLite's integrity and references). Read-only:
// no lock, the file stays byte-identical.
import fs from 'node:fs';
import { AppError } from '../errors.js';
import { ledgerIntegrity } from '../ledger/integrity.js';
import { withLedger, type LedgerAt } from './ledger-session.js';

export interface Check {
  check: string;
  ok: boolean;
  detail: string;
}

export function ledgerChecks(at: LedgerAt): Check[] {
  const checks: Check[] = [];
  const add = (check: string, ok: boolean, detail: string): void => {
    checks.push({ check, ok, detail });
  };
  if (!fs.existsSync(at.ledgerPath)) {
    add('ledger', false, `${at.ledgerPath} does not exist (run init or import)`);
    return checks;
  }
  const mode = fs.statSync(at.ledgerPath).mode & 0o777;
  add('ledger file mode', mode === 0o600, `${mode.toString(8)} (should be 600: it holds personal data)`);
  try {
    const { integrity, brokenReferences } = withLedger(at, { readonly: true }, ledgerIntegrity);
    add('ledger integrity', integrity === 'ok', integrity);
    add('ledger references', brokenReferences === 0, brokenReferences === 0 ? 'ok' : `${brokenReferences} broken references`);
  } catch (error) {
    add('ledger', false, error instanceof AppError ? error.message : String(error));
  }
  return checks;
}
