// `doctor`: the checks of the ledger file (its mode, SQLite's integrity and references) and of
// the debtors' e-mail addresses. Read-only:
// no lock, the file stays byte-identical.
import fs from 'node:fs';
import { AppError } from '../errors.js';
import { ledgerIntegrity } from '../ledger/integrity.js';
import { unusableDebtorEmails } from '../ledger/debtors.js';
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
    const { integrity, brokenReferences, unusable } = withLedger(at, { readonly: true }, (db) => ({ ...ledgerIntegrity(db), unusable: unusableDebtorEmails(db) }));
    add('ledger integrity', integrity === 'ok', integrity);
    add('ledger references', brokenReferences === 0, brokenReferences === 0 ? 'ok' : `${brokenReferences} broken references`);
    // The same address rule as the import, `debtor set`, the plan and the mail (informational:
    // such a debtor's letters go by post, which is not a fault of the setup).
    add('debtor e-mail addresses', true, unusable.length === 0 ? 'ok' : `${unusable.length} not usable, their letters go by post: ${unusable.slice(0, 5).map((d) => `${d.number} "${d.email}"`).join(', ')}${unusable.length > 5 ? ', …' : ''} (correct with \`pre-incasso debtor set <number> --email\`)`);
  } catch (error) {
    add('ledger', false, error instanceof AppError ? error.message : String(error));
  }
  return checks;
}
