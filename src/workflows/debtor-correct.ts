// `debtor set`: correct a debtor between exports, in one transaction with its event.
import { AppError } from '../errors.js';
import { withLedger, type LedgerAt } from './ledger-session.js';
import { checkCorrection, type CorrectionInput } from '../domain/debtor-correction.js';
import { applyCorrection, readDebtorColumns } from '../ledger/corrections.js';

export interface CorrectRequest {
  debtor: string;
  today: string;
  dryRun: boolean;
  fields: CorrectionInput;
  at?: Date;
}

export interface CorrectResult {
  changes: Record<string, [string | null, string | null]>;
  unchanged: string[];
  warnings: string[];
}

/** A dry run opens the ledger read-only and only checks. */
export function correctDebtor(at: LedgerAt, req: CorrectRequest): CorrectResult {
  return withLedger(at, { readonly: req.dryRun }, (db) => {
    const run = (): CorrectResult => {
      const current = readDebtorColumns(db, req.debtor);
      if (!current) throw new AppError('not_found', `No debtor "${req.debtor}" in the ledger.`, { hint: 'Check the number; `pre-incasso debtors --search <name>` finds it by name.' });
      const check = checkCorrection(req.fields, current.country ?? 'NL');
      if (!check.ok) throw new AppError('usage', check.problems.length === 1 ? `Debtor ${req.debtor} was not changed: ${check.problems[0]}.` : `Debtor ${req.debtor} was not changed: ${check.problems.length} problems.`, { details: check.problems.length === 1 ? [] : check.problems, hint: 'Give the value as the import would accept it, e.g. --email info@example.nl --address "Dorpsstraat 1, 1234 AB Amersfoort".' });
      const changes: Record<string, [string | null, string | null]> = {};
      const unchanged: string[] = [];
      for (const [field, value] of Object.entries(check.values)) {
        if ((current[field] ?? null) === value) unchanged.push(field);
        else changes[field] = [current[field] ?? null, value];
      }
      const email = 'email' in check.values ? check.values.email : current.email;
      const channel = 'channel' in check.values ? check.values.channel : current.channel;
      const warnings = [...check.warnings];
      if ((channel === 'email' || channel === 'both') && !email) throw new AppError('usage', `Debtor ${req.debtor} has no e-mail address, so --channel ${channel} cannot be used.`, { hint: 'Give --email with it.' });
      if (!req.dryRun && Object.keys(changes).length > 0) applyCorrection(db, req.debtor, changes, req.today, req.at ?? new Date());
      return { changes, unchanged, warnings };
    };
    return req.dryRun ? run() : db.transaction(run)();
  });
}
