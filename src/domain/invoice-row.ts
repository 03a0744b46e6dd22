// One invoice as an export states it, after the importers checked it: what the ledger stores.
// Its home is the domain so the ledger and the importers both use it without importing each
// other; the debtor key rules live here for the same reason.

export interface InvoiceRow {
  file: string;
  line: number;
  invoiceNumber: string;
  debtor: {
    number: string;
    name: string;
    type: 'consumer' | 'business';
    typeKnown: boolean;
    contactPerson: string | null;
    email: string | null;
    phone: string | null;
    street: string | null;
    postcode: string | null;
    city: string | null;
    country: string;
    language: 'nl' | 'en';
    kvk: string | null;
    vatNumber: string | null;
  };
  issueDate: string | null;
  dueDate: string;
  dueDateDerived: boolean;
  amountCents: number;
  openCents: number;
  currency: 'EUR';
  reference: string | null;
  /** Import column term_is_fatal: the payment term was agreed as a fatal term (6:83 sub a BW); null = the config default. */
  termIsFatal?: boolean | null;
  /** Import column consumer_claim: goods (7:28 BW) or services (3:307 BW); null = the config default. */
  consumerClaim?: 'goods' | 'services' | null;
}

/** True for a debtor number in the namespace of invented keys (`name:…`): never a real number. */
export function isReservedDebtorNumber(number: string): boolean {
  return /^name:/i.test(number);
}

/** A debtor's name compared as a key: NFC, lower case, spaces collapsed and trimmed. */
export function debtorNameKey(name: string): string {
  return name.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** The key of a debtor without a number: `name:` + the name in lower case, spaces collapsed. */
export function debtorKeyFromName(name: string): string {
  return 'name:' + debtorNameKey(name);
}
