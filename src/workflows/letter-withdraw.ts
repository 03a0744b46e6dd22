// `letters withdraw <letter>`: a recorded letter that has not left is taken back; its claims
// return to the stage they had. One transaction with its events.
import { AppError } from '../errors.js';
import { withLedger, type LedgerAt } from './ledger-session.js';
import { applyWithdraw, planWithdraw, type WithdrawPlan } from '../ledger/letter-admin.js';

/** A dry run opens the ledger read-only and only plans. */
export function withdrawLetter(at: LedgerAt, letterId: number, options: { reason: string; today: string; dryRun: boolean; at?: Date }): WithdrawPlan {
  return withLedger(at, { readonly: options.dryRun }, (db) => {
    const run = (): WithdrawPlan => {
      const plan = planWithdraw(db, letterId);
      if (!plan.found) throw new AppError('not_found', `No letter ${letterId} in the ledger.`, { hint: 'The letter numbers are in `pre-incasso debtor <number>` and in the print manifest.' });
      if (plan.withdrawn) throw new AppError('input_invalid', `Letter ${letterId} was withdrawn already.`, { hint: 'Nothing to do.' });
      if (plan.blockers.length) {
        throw new AppError('input_invalid', `Letter ${letterId} cannot be withdrawn: ${plan.blockers.join('; ')}.`, {
          hint: 'A letter that reached the debtor stays on the record. If it was wrong, tell the debtor and put the claim on hold (`pre-incasso hold`).',
          data: { blockers: plan.blockers },
        });
      }
      if (!options.dryRun) applyWithdraw(db, plan, options.reason, options.today, options.at ?? new Date());
      return plan;
    };
    return options.dryRun ? run() : db.transaction(run)();
  });
}
