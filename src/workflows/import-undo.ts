// `import undo <import>`: one transaction, or nothing when anything relies on the import.
import { AppError } from '../errors.js';
import { withLedger, type LedgerAt } from './ledger-session.js';
import { applyImportUndo, planImportUndo, type ImportUndoPlan } from '../ledger/import-undo.js';

/** A dry run opens the ledger read-only and only plans. */
export function undoImport(at: LedgerAt, importId: number, options: { today: string; dryRun: boolean; at?: Date }): ImportUndoPlan {
  return withLedger(at, { readonly: options.dryRun }, (db) => {
    const run = (): ImportUndoPlan => {
      const plan = planImportUndo(db, importId);
      if (plan.problem === 'not_found') throw new AppError('not_found', `No import ${importId} in the ledger.`, { hint: 'The import number is in the output of `import` (`import_id` with --json) and in `debtor <number>` history.' });
      if (plan.problem === 'not_invoices') throw new AppError('usage', `Import ${importId} is a bank import, not an invoice import.`, { hint: `Undo a bank import with \`pre-incasso payments undo import:${importId}\`.` });
      if (plan.problem === 'undone') throw new AppError('input_invalid', `Import ${importId} was undone already.`, { hint: 'Nothing to do; import the right export again if needed.' });
      if (plan.blockers.length) {
        throw new AppError('input_invalid', `Import ${importId} cannot be undone: ${plan.blockers[0]}.`, {
          details: plan.blockers.slice(1),
          hint: 'Nothing was changed. Undo what relies on it first, or correct the book with a new import instead.',
          data: { blockers: plan.blockers },
        });
      }
      if (!options.dryRun) applyImportUndo(db, plan, options.today, options.at ?? new Date());
      return plan;
    };
    return options.dryRun ? run() : db.transaction(run)();
  });
}
