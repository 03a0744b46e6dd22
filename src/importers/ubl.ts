// UBL 2.1 e-invoices (SI-UBL 2.0 / NLCIUS and Peppol BIS Billing 3.0): one invoice or credit
// note per file. Elements are matched by local name, because prefixes vary (the Logius example
// uses `doc:` for the root). Amounts stay strings until parseDotDecimal: fast-xml-parser would
// otherwise turn `12.50` into a float.
import fs from 'node:fs';
import { xmlParser } from './xml.js';
import { parseDotDecimal } from '../domain/money.js';
import { addDays, isIsoDate } from '../domain/dates.js';
import type { ImportIssue, InvoiceRow } from './invoice-csv.js';

export interface UblOptions {
  displayName: string;
  paymentTermDays: number;
  defaultDebtorType: 'consumer' | 'business';
  defaultLanguage: 'nl' | 'en';
}

type Node = Record<string, unknown>;

/** A file is UBL when it is XML whose root is Invoice or CreditNote (any prefix). */
export async function isUblFile(file: string): Promise<boolean> {
  const fd = await fs.promises.open(file, 'r');
  try {
    const { buffer, bytesRead } = await fd.read(Buffer.alloc(4096), 0, 4096, 0);
    const head = buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    if (!head.startsWith('<')) return false;
    return /<([A-Za-z_][\w.-]*:)?(Invoice|CreditNote)[\s>]/.test(head.replace(/<\?[^>]*\?>/g, '').replace(/<!--[\s\S]*?-->/g, ''));
  } finally {
    await fd.close();
  }
}

export async function readUblInvoice(file: string, options: UblOptions): Promise<{ row: InvoiceRow | null; issues: ImportIssue[] }> {
  const xml = await fs.promises.readFile(file, 'utf8');
  const issues: ImportIssue[] = [];
  const problem = (code: string, message: string, hint: string, severity: 'error' | 'warning' = 'error'): void => {
    issues.push({ file: options.displayName, line: 0, column: 0, code, message: `${options.displayName}: ${message}`, hint, severity });
  };
  let doc: Node;
  try {
    doc = xmlParser().parse(xml, true) as Node;
  } catch (error) {
    problem('bad_xml', `not well-formed XML (${(error as Error).message.split('\n')[0]})`, 'Export the e-invoice again from the bookkeeping package.');
    return { row: null, issues };
  }
  const isCredit = 'CreditNote' in doc;
  const root = (doc.Invoice ?? doc.CreditNote) as Node | undefined;
  if (!root) {
    problem('not_ubl', 'the root element is not Invoice or CreditNote', 'Only UBL invoices and credit notes can be imported.');
    return { row: null, issues };
  }
  const number = text(root, 'ID');
  if (!number) problem('missing_field', 'no invoice number (cbc:ID)', 'The e-invoice lacks BT-1.');
  const issueDate = text(root, 'IssueDate');
  let dueDate = text(root, 'DueDate') ?? text(first(root.PaymentMeans), 'PaymentDueDate');
  let dueDerived = false;
  if (issueDate && !isIsoDate(issueDate)) problem('bad_date', `issue date "${issueDate}" is not a YYYY-MM-DD date`, 'Check cbc:IssueDate.');
  if (dueDate && !isIsoDate(dueDate)) {
    problem('bad_date', `due date "${dueDate}" is not a YYYY-MM-DD date`, 'Check cbc:DueDate.');
    dueDate = undefined;
  }
  if (!dueDate && issueDate && isIsoDate(issueDate)) {
    // NLCIUS allows payment terms as free text only ("30dagen"): use the configured term.
    dueDate = addDays(issueDate, options.paymentTermDays);
    dueDerived = true;
    problem('due_date_derived', `no due date; used the invoice date + ${options.paymentTermDays} days (${dueDate})`, 'Check the payment terms of this invoice.', 'warning');
  }
  const currency = text(root, 'DocumentCurrencyCode') ?? 'EUR';
  if (currency !== 'EUR') problem('currency_not_eur', `currency "${currency}" is not EUR`, 'pre-incasso collects euro claims only.');

  const totals = first(root.LegalMonetaryTotal);
  const payable = money(totals, 'PayableAmount');
  const inclusive = money(totals, 'TaxInclusiveAmount') ?? payable;
  if (payable === null || inclusive === null) problem('bad_amount', 'no readable PayableAmount', 'Check cac:LegalMonetaryTotal.');
  const sign = isCredit ? -1 : 1;
  const payee = first(root.PayeeParty);
  if (payee) problem('payee_party', 'the invoice names a different payee (PayeeParty): the claim may be factored or assigned', 'Check who may collect this claim before sending reminders.', 'warning');

  const party = first(first(root.AccountingCustomerParty)?.Party);
  const legal = first(party?.PartyLegalEntity);
  const name = text(legal, 'RegistrationName') ?? text(first(party?.PartyName), 'Name');
  const ids = [text(first(party?.PartyIdentification), 'ID'), text(first(root.AccountingCustomerParty), 'CustomerAssignedAccountID'), text(party, 'EndpointID')];
  const companyId = first(legal?.CompanyID);
  const kvk = attr(companyId, 'schemeID') === '0106' ? textOf(companyId) ?? null : null;
  const vat = text(first(party?.PartyTaxScheme), 'CompanyID') ?? null;
  const isOrganisation = Boolean(kvk || vat || textOf(companyId) || attr(first(party?.EndpointID), 'schemeID'));
  const addr = first(party?.PostalAddress);
  const contact = first(party?.Contact);
  const debtorNumber = ids.find((v) => v) ?? (name ? `name:${name.toLowerCase().replace(/\s+/g, ' ')}` : undefined);
  if (!name) problem('missing_field', 'no buyer name (RegistrationName or PartyName)', 'The e-invoice lacks BT-44.');
  if (debtorNumber !== undefined && ids.some((v) => v) && /^name:/i.test(debtorNumber)) {
    problem('reserved_debtor_number', `buyer id "${debtorNumber}" starts with "name:", which pre-incasso keeps for debtors without a number`, 'Give the buyer another id in the bookkeeping.');
  }

  if (issues.some((i) => i.severity === 'error') || !number || !dueDate || payable === null || inclusive === null || !name || !debtorNumber) {
    return { row: null, issues };
  }
  // A correction sent as an Invoice with a negative payable amount is a credit as well.
  const amountCents = sign * inclusive;
  const openCents = sign * payable;
  const street = [text(addr, 'StreetName'), text(addr, 'BuildingNumber')].filter(Boolean).join(' ') || (text(first(addr?.AddressLine), 'Line') ?? null);
  return {
    row: {
      file: options.displayName,
      line: 0,
      invoiceNumber: number,
      debtor: {
        number: debtorNumber,
        name,
        // A buyer with a legal-entity id, VAT number or e-invoicing endpoint (KvK 0106, OIN 0190,
        // VAT 9944 …) is a business or government body; otherwise the safe default.
        type: isOrganisation ? 'business' : options.defaultDebtorType,
        typeKnown: isOrganisation,
        contactPerson: text(contact, 'Name') ?? null,
        email: text(contact, 'ElectronicMail') ?? null,
        phone: text(contact, 'Telephone') ?? null,
        street,
        postcode: text(addr, 'PostalZone') ?? null,
        city: text(addr, 'CityName') ?? null,
        country: (text(first(addr?.Country), 'IdentificationCode') ?? 'NL').toUpperCase(),
        language: options.defaultLanguage,
        kvk,
        vatNumber: vat,
      },
      issueDate: issueDate ?? null,
      dueDate,
      dueDateDerived: dueDerived,
      amountCents,
      openCents,
      currency: 'EUR',
      reference: text(first(root.PaymentMeans), 'PaymentID') ?? null,
    },
    issues,
  };
}

function first(value: unknown): Node | undefined {
  if (Array.isArray(value)) return first(value[0]);
  return value && typeof value === 'object' ? (value as Node) : undefined;
}

function textOf(value: unknown): string | undefined {
  if (Array.isArray(value)) return textOf(value[0]);
  if (typeof value === 'string') return value.trim() || undefined;
  if (value && typeof value === 'object' && '#text' in value) return textOf((value as Node)['#text']);
  return undefined;
}

function text(node: Node | undefined, key: string): string | undefined {
  return node ? textOf(node[key]) : undefined;
}

function attr(node: Node | undefined, name: string): string | undefined {
  const v = node?.[`@${name}`];
  return typeof v === 'string' ? v : undefined;
}

function money(node: Node | undefined, key: string): number | null {
  const t = text(node, key);
  if (t === undefined) return null;
  const parsed = parseDotDecimal(t);
  return parsed.ok ? parsed.cents : null;
}
