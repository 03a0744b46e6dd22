// Sample letters: a realistic snapshot per stage, language and debtor type, for `templates check`
// (every template is rendered with it before a run may use it), the tests and the benchmark.

import { ARRANGEMENT_LETTER_IDS, type ArrangementLetterData, type DebtorType, type Language, type LetterData } from '../domain/letter.js';

export interface SampleOptions {
  stageId?: string;
  stageIndex?: number;
  stageCount?: number;
  final?: boolean;
  language?: Language;
  debtorType?: DebtorType;
  /** Every optional field filled and an "also open" invoice (true), or the bare minimum (false). */
  full?: boolean;
}

/** A realistic letter snapshot. The consumer final letter states € 67,50: BIK over € 450,00. */
export function sampleLetterData(options: SampleOptions = {}): LetterData {
  const final = options.final ?? false;
  const language = options.language ?? 'nl';
  const type = options.debtorType ?? 'consumer';
  const full = options.full ?? true;
  const stageCount = options.stageCount ?? 3;
  const stageIndex = options.stageIndex ?? (final ? stageCount - 1 : 0);
  const stageId = options.stageId ?? (final ? 'laatste-herinnering' : 'herinnering');
  const business = type === 'business';
  const invoices: LetterData['invoices'] = full
    ? [
        { number: '2026-0101', issueDate: '2026-08-14', dueDate: '2026-09-13', amountCents: 20000, paidCents: 0, openCents: 20000, role: 'due', reference: null },
        { number: '2026-0102', issueDate: '2026-08-28', dueDate: '2026-09-27', amountCents: 30000, paidCents: 5000, openCents: 25000, role: 'due', reference: null },
        { number: '2026-0140', issueDate: '2026-09-20', dueDate: '2026-10-20', amountCents: 12500, paidCents: 0, openCents: 12500, role: 'also_open', reference: null },
      ]
    : [{ number: '2026-0101', issueDate: null, dueDate: '2026-09-13', amountCents: 8995, paidCents: 0, openCents: 8995, role: 'due', reference: null }];
  const dueCents = invoices.filter((i) => i.role === 'due').reduce((s, i) => s + i.openCents, 0);
  const totalOpenCents = invoices.reduce((s, i) => s + i.openCents, 0);
  const arrangementKind = (Object.entries(ARRANGEMENT_LETTER_IDS) as [ArrangementLetterData['kind'], string][]).find(([, id]) => id === stageId)?.[0];
  const arrangement: ArrangementLetterData | undefined = arrangementKind === undefined
    ? undefined
    : {
        id: 7,
        kind: arrangementKind,
        instalments: [
          { number: 1, dueDate: '2026-12-01', amountCents: 15000, paidCents: arrangementKind === 'confirmation' ? 0 : 15000 },
          { number: 2, dueDate: '2027-01-01', amountCents: 15000, paidCents: 0 },
          { number: 3, dueDate: '2027-02-01', amountCents: 15000, paidCents: 0 },
        ],
        totalCents: 45000,
        paidCents: arrangementKind === 'confirmation' ? 0 : 15000,
        next: arrangementKind === 'confirmation' ? { number: 1, dueDate: '2026-12-01', amountCents: 15000 } : { number: 2, dueDate: '2027-01-01', amountCents: 15000 },
        graceEnd: arrangementKind === 'missed' ? '2027-01-08' : null,
      };
  return {
    ...(arrangement ? { arrangement } : {}),
    version: 1,
    date: '2026-11-23',
    stage: { index: stageIndex, id: stageId, final, count: stageCount },
    language,
    channels: final ? ['email', 'post'] : ['email'],
    creditor: {
      name: 'Bakkerij De Korenschoof B.V.',
      address: { street: 'Dorpsstraat 12', postcode: '1234 AB', city: 'Amersfoort', country: 'NL' },
      kvk: full ? '12345678' : null,
      vatNumber: full ? 'NL123456789B01' : null,
      iban: 'NL91ABNA0417164300',
      bic: full ? 'ABNANL2A' : null,
      email: full ? 'administratie@korenschoof.nl' : null,
      phone: full ? '033-1234567' : null,
      contactPerson: full ? 'J. de Vries' : null,
    },
    debtor: {
      number: 'D1001',
      name: business ? 'Van Dijk Installatietechniek B.V.' : 'Ayşe Yılmaz',
      type,
      contactPerson: full ? (business ? 'M. van Dijk' : null) : null,
      email: full ? 'debiteur@example.nl' : null,
      phone: full ? '06-12345678' : null,
      address: full
        ? { street: business ? 'Industrieweg 7' : 'Kerkstraat 1', postcode: '3811CV', city: 'Amersfoort', country: 'NL' }
        : { street: null, postcode: null, city: 'Utrecht', country: 'NL' },
      language,
    },
    invoices,
    dueCents,
    totalOpenCents,
    paymentReference: full ? 'RF18539007547034' : '2026-0101',
    costsCents: final && !business ? (full ? 6750 : 4000) : null,
    termDays: final ? 14 : 7,
  };
}

