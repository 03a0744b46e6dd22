// The SQL of the debtors table: a debtor's contact data as a letter shows it, whose an invoice
// is, and the addresses `doctor` finds unusable.
import type { Db } from './ledger.js';
import type { DebtorSnapshot } from '../domain/letter.js';
import { hasEmailAddress } from '../domain/identifiers.js';

/** The debtor as a letter addresses them; undefined when the number is not in the ledger. */
export function readDebtorSnapshot(db: Db, number: string): DebtorSnapshot | undefined {
  const d = db.prepare('SELECT number, name, type, contact_person, email, phone, street, postcode, city, country, language FROM debtors WHERE number = ?').get(number) as
    | { number: string; name: string; type: 'consumer' | 'business'; contact_person: string | null; email: string | null; phone: string | null; street: string | null; postcode: string | null; city: string | null; country: string; language: 'nl' | 'en' }
    | undefined;
  if (!d) return undefined;
  return {
    number: d.number, name: d.name, type: d.type, contactPerson: d.contact_person, email: d.email, phone: d.phone,
    address: { street: d.street, postcode: d.postcode, city: d.city, country: d.country }, language: d.language,
  };
}

/** The debtor, status and open amount the ledger holds for an invoice number. */
export function readInvoiceOwner(db: Db, invoice: string): { debtor: string; status: string; openCents: number } | undefined {
  return db.prepare('SELECT debtor_number AS debtor, status, open_cents AS openCents FROM invoices WHERE number = ?').get(invoice) as { debtor: string; status: string; openCents: number } | undefined;
}

/** Debtors whose e-mail field is filled but holds no usable address list: their letters go by post. */
export function unusableDebtorEmails(db: Db): { number: string; email: string }[] {
  const rows = db.prepare(`SELECT number, email FROM debtors WHERE email IS NOT NULL AND trim(email) <> '' ORDER BY number`).all() as { number: string; email: string }[];
  return rows.filter((r) => !hasEmailAddress(r.email));
}
