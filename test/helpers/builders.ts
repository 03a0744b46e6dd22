// The domain objects the unit tests build by hand: one default each (the example bakery, its
// ladder, consumer J. Jansen, an invoice of €121,00), and every field a test needs otherwise
// passed in as an override, so what a test depends on stands in the test.
import type { CreditorSnapshot, DebtorSnapshot } from '../../src/domain/letter.js';
import type { PlanInvoice, Policy } from '../../src/domain/plan.js';
import type { CaseInput } from '../../src/handover/case.js';
import type { PaymentInput } from '../../src/ledger/payments.js';
import { legalPolicy } from './law.js';

/** Bakkerij De Korenschoof B.V. in Amersfoort, with every field filled in. */
export function creditor(over: Partial<CreditorSnapshot> = {}): CreditorSnapshot {
  return {
    name: 'Bakkerij De Korenschoof B.V.',
    address: { street: 'Dorpsstraat 12', postcode: '3811 AB', city: 'Amersfoort', country: 'NL' },
    kvk: '12345678',
    vatNumber: 'NL000099998B57',
    iban: 'NL91ABNA0417164300',
    bic: 'ABNANL2A',
    email: 'administratie@korenschoof.example',
    phone: '033-1234567',
    contactPerson: 'J. de Vries',
    ...over,
  };
}

/** The example ladder: two e-mails, then the final letter by e-mail and post. */
export const STAGES: Policy['stages'] = [
  { id: 'herinnering', after: 7, channels: ['email'], final: false },
  { id: 'aanmaning', after: 14, channels: ['email'], final: false },
  { id: 'laatste-herinnering', after: 14, channels: ['email', 'post'], final: true },
];

/** The example ladder with a phone call (issue 13) before the final letter. */
export const PHONE_STAGES: Policy['stages'] = [
  { id: 'herinnering', after: 7, channels: ['email'], final: false },
  { id: 'aanmaning', after: 14, channels: ['email'], final: false },
  { id: 'bellen', after: 7, channels: ['phone'], final: false },
  { id: 'laatste-herinnering', after: 14, channels: ['email', 'post'], final: true },
];

/** The example policy: `STAGES` (or `over.stages`) with their derived legal terms, handover 21 days after the final letter, minimum €10. */
export function policy(over: Partial<Policy> = {}): Policy {
  const stages = over.stages ?? STAGES;
  return {
    stages,
    handoverAfter: 21,
    minimumCents: 1000,
    creditor: creditor(),
    ...legalPolicy(stages),
    ...over,
  };
}

/** Consumer 10001, J. Jansen in Amersfoort, by e-mail, Dutch. */
export function debtor(over: Partial<DebtorSnapshot> = {}): DebtorSnapshot {
  return {
    number: '10001',
    name: 'J. Jansen',
    type: 'consumer',
    contactPerson: null,
    email: 'j.jansen@example.nl',
    phone: null,
    address: { street: 'Lindelaan 4', postcode: '3818 LK', city: 'Amersfoort', country: 'NL' },
    language: 'nl',
    ...over,
  };
}

/** An invoice of €121,00 (or `over.amountCents`, all of it open) due 15 September 2026 that has had no letter yet. */
export function planInvoice(number: string, over: Partial<PlanInvoice> = {}): PlanInvoice {
  const amountCents = over.amountCents ?? 12100;
  return {
    number,
    issueDate: '2026-08-16',
    dueDate: '2026-09-15',
    amountCents,
    openCents: amountCents,
    reference: null,
    stageIndex: null,
    stageDate: null,
    stageChannels: null,
    ...over,
  };
}

/** The debtor of a handover case (flat, as the agency reads it): consumer 10001, J. Jansen in Amersfoort. */
export function caseDebtor(over: Partial<CaseInput['debtor']> = {}): CaseInput['debtor'] {
  return {
    number: '10001',
    type: 'consumer',
    name: 'J. Jansen',
    contactPerson: null,
    street: 'Lindelaan 4',
    postcode: '3818 LK',
    city: 'Amersfoort',
    country: 'NL',
    email: 'j@example.nl',
    phone: null,
    language: 'nl',
    kvk: null,
    vatNumber: null,
    ...over,
  };
}

/** A bank payment as an importer hands it to the ledger: into the bakery's account, and nothing known about it but `over`. */
export function paymentInput(over: Pick<PaymentInput, 'date' | 'amountCents' | 'source'> & Partial<PaymentInput>): PaymentInput {
  return {
    sourceKey: null,
    counterpartyName: null,
    counterpartyIban: null,
    reference: null,
    endToEndId: null,
    description: null,
    account: 'NL91ABNA0417164300',
    importId: null,
    ...over,
  };
}
