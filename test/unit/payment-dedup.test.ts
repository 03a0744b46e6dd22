// Issue 11, defect 2 (ledger half): an entry is recognised under another key only when it is
// the same entry: the key of an older version, or the bank's AcctSvcrRef in another message,
// and then only with the same date, amount and counterparty.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/ledger/ledger.js';
import { PaymentBook, type PaymentInput } from '../../src/ledger/payments.js';
import { tempLedger, type TempLedger } from '../helpers/ledger.js';
import { paymentInput } from '../helpers/builders.js';

let temp: TempLedger;
let ledger: Ledger;
beforeEach(() => {
  temp = tempLedger('hostile-dedup-', 'test.db');
  ledger = temp.ledger;
});
afterEach(() => temp.remove());

const input = (p: Partial<PaymentInput>): PaymentInput =>
  paymentInput({ date: '2026-03-02', amountCents: 10000, source: 'camt.053.001.02', counterpartyName: 'Jan', counterpartyIban: 'NL02ABNA0123456789', ...p });

describe('the same bank entry under another key', () => {
  it.each([
    ['imported by an older version (its key was the bank reference)', { sourceKey: 'camt:NL91:REF1' }, { sourceKey: 'camt:NL91:abc:1:h1', legacyKey: 'camt:NL91:REF1' }, true],
    ['the same AcctSvcrRef in a camt.054 notice and the camt.053 statement', { sourceKey: 'camt:NL91:n54:1:h1', bankRefKey: 'camt:NL91:SVC1' }, { sourceKey: 'camt:NL91:s53:3:h2', bankRefKey: 'camt:NL91:SVC1' }, true],
    ['an old key reused for another amount', { sourceKey: 'camt:NL91:REF1' }, { sourceKey: 'camt:NL91:abc:1:h1', legacyKey: 'camt:NL91:REF1', amountCents: 20000 }, false],
    ['an old key reused on another day', { sourceKey: 'camt:NL91:REF1' }, { sourceKey: 'camt:NL91:abc:1:h1', legacyKey: 'camt:NL91:REF1', date: '2026-04-02' }, false],
    ['an old key reused by another payer', { sourceKey: 'camt:NL91:REF1' }, { sourceKey: 'camt:NL91:abc:1:h1', legacyKey: 'camt:NL91:REF1', counterpartyIban: 'NL39RABO0300065264' }, false],
  ] as [string, Partial<PaymentInput>, Partial<PaymentInput>, boolean][])('%s', (_name, first, second, duplicate) => {
    const book = new PaymentBook(ledger.db, { today: '2026-03-15' });
    expect(book.record(input(first)).duplicate).toBe(false);
    expect(book.record(input(second)).duplicate).toBe(duplicate);
    expect((ledger.db.prepare('SELECT count(*) AS n FROM payments').get() as { n: number }).n).toBe(duplicate ? 1 : 2);
  });
});
