// `explain <debtor>`: the debtor's account, the plan's reasoning per invoice, its letters, holds
// and agreements, read from one read-only ledger.
import { AppError } from '../errors.js';
import type { Db } from '../ledger/ledger.js';
import { planDebtor, type Policy } from '../domain/plan.js';
import { debtorAccount } from '../domain/account.js';
import { readAccountFacts, readDebtorHeader, readDebtorLetters } from '../ledger/account-facts.js';
import { readHolds } from '../ledger/holds.js';
import { debtorAgreements } from './arrangements.js';

export function explainDebtor(db: Db, policy: Policy, debtorNumber: string, today: string) {
  const debtor = readDebtorHeader(db, debtorNumber);
  if (!debtor) {
    throw new AppError('not_found', `No debtor "${debtorNumber}" in the ledger.`, { hint: 'Debtor numbers are the relation codes of the bookkeeping; `pre-incasso status` lists the book.' });
  }
  // Every claim of the debtor with the payments behind it: the same account `run` plans from.
  const input = [...readAccountFacts(db, { debtor: debtorNumber, all: true, payments: true })][0];
  const result = input ? planDebtor(input, policy, today) : { actions: [], assessments: [], netOpenCents: 0, debtorHold: null, account: null };
  const account = result.account ?? (input ? debtorAccount(input, today) : null);
  return {
    debtor,
    result,
    account,
    holds: readHolds(db, debtorNumber).get(debtorNumber) ?? [],
    letters: readDebtorLetters(db, debtorNumber),
    agreed: debtorAgreements(db, debtorNumber, today),
  };
}
