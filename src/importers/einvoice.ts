// E-invoices: UBL 2.1 (SI-UBL 2.0 / NLCIUS, Peppol BIS 3) and UN/CEFACT CII (NLCIUS-CII), one
// invoice or credit note per file (domain/formats.md §3).
//
// Strict where a lax reading would collect the wrong money (issue 11 item 9, issue 18 item 3):
// - the root element must be in the UBL Invoice/CreditNote or CII namespace;
// - document totals with more than two decimals (sub-cent) are refused, as the CSV importer does;
// - the declared encoding is honoured (xml-text.ts), character references are decoded;
// - the currency is EUR, the document's and every total's;
// - the seller must be the configured creditor and the buyer becomes the debtor: an invoice
//   whose buyer is the creditor is a purchase invoice and is refused; a seller with another KvK
//   or VAT number is refused; a seller known only by a different name gets a warning.
// Elements are matched by local name (prefixes vary: the Logius example uses `doc:`); the
// namespace is checked on the root's start tag.

import { xmlParser } from './xml.js';
import { addDays, isIsoDate } from '../domain/dates.js';
import { debtorKeyFromName, isReservedDebtorNumber, type InvoiceRow } from '../domain/invoice-row.js';
import type { ImportIssue } from './invoice-row.js';
import { readXmlText } from './xml-text.js';

export interface EInvoiceOptions {
  displayName: string;
  paymentTermDays: number;
  defaultDebtorType: 'consumer' | 'business';
  defaultLanguage: 'nl' | 'en';
  /** The configured creditor; without it the seller is not checked (unit tests of the mapping). */
  creditor?: { name: string; kvk: string; vatNumber?: string | undefined } | undefined;
}

export interface EInvoiceResult {
  row: InvoiceRow | null;
  issues: ImportIssue[];
  encoding: string;
}

type Node = Record<string, unknown>;

const NAMESPACES = {
  Invoice: 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2',
  CreditNote: 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2',
  CrossIndustryInvoice: 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100',
} as const;

interface Party {
  name?: string | undefined;
  kvk?: string | undefined;
  legalId?: string | undefined;
  vat?: string | undefined;
}

/** What an e-invoice says, independent of its syntax. */
interface Parsed {
  number?: string | undefined;
  issueDate?: string | undefined;
  dueDate?: string | undefined;
  credit: boolean;
  currency?: string | undefined;
  /** Every currency attribute on a total. */
  amountCurrencies: string[];
  total?: string | undefined;
  payable?: string | undefined;
  payee: boolean;
  seller: Party;
  buyer: Party & {
    id?: string | undefined;
    endpointScheme?: string | undefined;
    contact?: string | undefined;
    email?: string | undefined;
    phone?: string | undefined;
    street?: string | null | undefined;
    postcode?: string | undefined;
    city?: string | undefined;
    country?: string | undefined;
  };
  reference?: string | undefined;
}

export async function readEInvoice(file: string, kind: 'ubl' | 'cii', options: EInvoiceOptions): Promise<EInvoiceResult> {
  const issues: ImportIssue[] = [];
  const problem = (code: string, message: string, hint: string, severity: 'error' | 'warning' = 'error'): void => {
    issues.push({ file: options.displayName, line: 0, column: 0, code, message, hint, severity });
  };
  const loaded = await readXmlText(file);
  if (!loaded.ok) {
    problem('xml_too_large', loaded.reason, loaded.hint);
    return { row: null, issues, encoding: 'unknown' };
  }
  const encoding = loaded.encoding;
  const ns = rootNamespace(loaded.text);
  const expected = NAMESPACES[ns.local as keyof typeof NAMESPACES];
  if (expected === undefined || ns.uri !== expected) {
    problem(
      'wrong_namespace',
      `the root element <${ns.local}> is in namespace "${ns.uri ?? '(none)'}", not ${expected ? `"${expected}"` : 'UBL or CII'}: this is not a ${kind === 'ubl' ? 'UBL' : 'CII'} e-invoice`,
      'Export the e-invoice again as UBL 2.1 (SI-UBL 2.0 / Peppol BIS) or CII (NLCIUS-CII).',
    );
    return { row: null, issues, encoding };
  }
  let doc: Node;
  try {
    doc = xmlParser({ characterReferences: true }).parse(loaded.text, true) as Node;
  } catch (error) {
    problem('bad_xml', `not well-formed XML (${(error as Error).message.split('\n')[0]})`, 'Export the e-invoice again from the bookkeeping package.');
    return { row: null, issues, encoding };
  }
  const parsed = kind === 'ubl' ? fromUbl(doc) : fromCii(doc);
  if (!parsed) {
    problem('not_einvoice', 'the root element is not Invoice, CreditNote or CrossIndustryInvoice', 'Only e-invoices and credit notes can be imported.');
    return { row: null, issues, encoding };
  }
  return { row: toRow(parsed, options, problem, issues), issues, encoding };
}

/** The root element's local name and namespace URI, from its start tag. */
function rootNamespace(text: string): { local: string; uri: string | undefined } {
  const body = text.replace(/<\?[\s\S]*?\?>/g, '').replace(/<!--[\s\S]*?-->/g, '').replace(/<!DOCTYPE[^>[]*(\[[\s\S]*?\])?\s*>/i, '');
  const m = /<(?:([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.-]*)((?:\s[^>]*)?)>/.exec(body);
  if (!m) return { local: '?', uri: undefined };
  const prefix = m[1];
  const attrs = m[3] ?? '';
  const re = prefix ? new RegExp(`\\sxmlns:${prefix.replace(/[.-]/g, '\\$&')}\\s*=\\s*["']([^"']*)["']`) : /\sxmlns\s*=\s*["']([^"']*)["']/;
  return { local: m[2]!, uri: re.exec(attrs)?.[1] };
}

function fromUbl(doc: Node): Parsed | null {
  const credit = 'CreditNote' in doc;
  const root = first(doc.Invoice ?? doc.CreditNote);
  if (!root) return null;
  const totals = first(root.LegalMonetaryTotal);
  const party = (p: Node | undefined): Party => {
    const legal = first(p?.PartyLegalEntity);
    const companyId = first(legal?.CompanyID);
    return {
      name: text(legal, 'RegistrationName') ?? text(first(p?.PartyName), 'Name'),
      kvk: attr(companyId, 'schemeID') === '0106' ? textOf(companyId) : undefined,
      legalId: textOf(companyId),
      vat: text(first(p?.PartyTaxScheme), 'CompanyID'),
    };
  };
  const sellerParty = first(first(root.AccountingSupplierParty)?.Party);
  const buyerParty = first(first(root.AccountingCustomerParty)?.Party);
  const addr = first(buyerParty?.PostalAddress);
  const contact = first(buyerParty?.Contact);
  const amountCurrencies: string[] = [];
  for (const key of ['PayableAmount', 'TaxInclusiveAmount']) {
    const c = attr(first(totals?.[key]), 'currencyID');
    if (c) amountCurrencies.push(c);
  }
  return {
    number: text(root, 'ID'),
    issueDate: text(root, 'IssueDate'),
    dueDate: text(root, 'DueDate') ?? text(first(root.PaymentMeans), 'PaymentDueDate'),
    credit,
    currency: text(root, 'DocumentCurrencyCode'),
    amountCurrencies,
    total: text(totals, 'TaxInclusiveAmount'),
    payable: text(totals, 'PayableAmount'),
    payee: first(root.PayeeParty) !== undefined,
    seller: party(sellerParty),
    buyer: {
      ...party(buyerParty),
      id: text(first(buyerParty?.PartyIdentification), 'ID') ?? text(first(root.AccountingCustomerParty), 'CustomerAssignedAccountID') ?? text(buyerParty, 'EndpointID'),
      endpointScheme: attr(first(buyerParty?.EndpointID), 'schemeID'),
      contact: text(contact, 'Name'),
      email: text(contact, 'ElectronicMail'),
      phone: text(contact, 'Telephone'),
      street: [text(addr, 'StreetName'), text(addr, 'BuildingNumber')].filter(Boolean).join(' ') || (text(first(addr?.AddressLine), 'Line') ?? null),
      postcode: text(addr, 'PostalZone'),
      city: text(addr, 'CityName'),
      country: text(first(addr?.Country), 'IdentificationCode'),
    },
    reference: text(first(root.PaymentMeans), 'PaymentID'),
  };
}

/** CII dates are `DateTimeString format="102"`: YYYYMMDD. */
function ciiDate(node: Node | undefined): string | undefined {
  const s = text(node, 'DateTimeString');
  if (!s) return undefined;
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : s;
}

function fromCii(doc: Node): Parsed | null {
  const root = first(doc.CrossIndustryInvoice);
  if (!root) return null;
  const exchanged = first(root.ExchangedDocument);
  const tx = first(root.SupplyChainTradeTransaction);
  const agreement = first(tx?.ApplicableHeaderTradeAgreement);
  const settlement = first(tx?.ApplicableHeaderTradeSettlement);
  const sums = first(settlement?.SpecifiedTradeSettlementHeaderMonetarySummation);
  const party = (p: Node | undefined): Party => {
    const legalId = first(first(p?.SpecifiedLegalOrganization)?.ID);
    const taxes = Array.isArray(p?.SpecifiedTaxRegistration) ? (p!.SpecifiedTaxRegistration as Node[]) : p?.SpecifiedTaxRegistration ? [p.SpecifiedTaxRegistration as Node] : [];
    const vat = taxes.map((t) => first(t.ID)).find((id) => attr(id, 'schemeID') === 'VA');
    return {
      name: text(p, 'Name'),
      kvk: attr(legalId, 'schemeID') === '0106' ? textOf(legalId) : undefined,
      legalId: textOf(legalId),
      vat: textOf(vat),
    };
  };
  const seller = first(agreement?.SellerTradeParty);
  const buyer = first(agreement?.BuyerTradeParty);
  const addr = first(buyer?.PostalTradeAddress);
  const contact = first(buyer?.DefinedTradeContact);
  const typeCode = text(exchanged, 'TypeCode');
  const amountCurrencies: string[] = [];
  for (const key of ['GrandTotalAmount', 'DuePayableAmount']) {
    const c = attr(first(sums?.[key]), 'currencyID');
    if (c) amountCurrencies.push(c);
  }
  return {
    number: text(exchanged, 'ID'),
    issueDate: ciiDate(first(exchanged?.IssueDateTime)),
    dueDate: ciiDate(first(first(settlement?.SpecifiedTradePaymentTerms)?.DueDateDateTime)),
    credit: typeCode === '381',
    currency: text(settlement, 'InvoiceCurrencyCode'),
    amountCurrencies,
    total: text(sums, 'GrandTotalAmount'),
    payable: text(sums, 'DuePayableAmount'),
    payee: first(settlement?.PayeeTradeParty) !== undefined,
    seller: party(seller),
    buyer: {
      ...party(buyer),
      id: text(buyer, 'ID'),
      endpointScheme: attr(first(first(buyer?.URIUniversalCommunication)?.URIID), 'schemeID'),
      contact: text(contact, 'PersonName'),
      email: text(first(contact?.EmailURIUniversalCommunication), 'URIID'),
      phone: text(first(contact?.TelephoneUniversalCommunication), 'CompleteNumber'),
      street: [text(addr, 'LineOne'), text(addr, 'LineTwo')].filter(Boolean).join(', ') || null,
      postcode: text(addr, 'PostcodeCode'),
      city: text(addr, 'CityName'),
      country: text(addr, 'CountryID'),
    },
    reference: text(settlement, 'PaymentReference'),
  };
}

/** A document total in cents; sub-cent amounts are refused (not rounded). */
function strictCents(value: string | undefined): { ok: true; cents: number } | { ok: false; reason: string } | null {
  if (value === undefined) return null;
  const m = /^([+-]?)([0-9]{1,13})(?:\.([0-9]+))?$/.exec(value.trim());
  if (!m) return { ok: false, reason: 'not a decimal number' };
  const frac = m[3] ?? '';
  if (/[1-9]/.test(frac.slice(2))) return { ok: false, reason: 'it has fractions of a cent' };
  const cents = Number(m[2]) * 100 + Number(frac.slice(0, 2).padEnd(2, '0'));
  return { ok: true, cents: m[1] === '-' && cents !== 0 ? -cents : cents };
}

const normId = (s: string | undefined): string => (s ?? '').toUpperCase().replace(/[^0-9A-Z]/g, '');
const normName = (s: string | undefined): string =>
  (s ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\b(b\.?\s?v\.?|n\.?\s?v\.?|v\.?o\.?f\.?)(?=\s|$)/g, '')
    .replace(/[^0-9a-z]/g, '');

/** Whether a party is the creditor: by KvK, by VAT number, else by name; null when nothing to compare. */
function isCreditor(p: Party, creditor: NonNullable<EInvoiceOptions['creditor']>): boolean | null {
  // A KvK number has 8 digits; test files carry placeholders (SITEST00000) that decide nothing.
  const kvk = [p.kvk, p.legalId].map(normId).find((id) => /^\d{8}$/.test(id));
  if (kvk !== undefined) return kvk === normId(creditor.kvk);
  if (p.vat && creditor.vatNumber) return normId(p.vat) === normId(creditor.vatNumber);
  if (p.name) return normName(p.name) === normName(creditor.name);
  return null;
}

function describeParty(p: Party): string {
  const ids = [p.kvk ? `KvK ${p.kvk}` : p.legalId ? `id ${p.legalId}` : '', p.vat ? `VAT ${p.vat}` : ''].filter(Boolean).join(', ');
  return `"${p.name ?? '?'}"${ids ? ` (${ids})` : ''}`;
}

function toRow(p: Parsed, options: EInvoiceOptions, problem: (code: string, message: string, hint: string, severity?: 'error' | 'warning') => void, issues: ImportIssue[]): InvoiceRow | null {
  if (options.creditor) {
    const c = options.creditor;
    const sellerIsUs = isCreditor(p.seller, c);
    const buyerIsUs = isCreditor(p.buyer, c);
    if (buyerIsUs === true && sellerIsUs !== true) {
      problem('purchase_invoice', `is a purchase invoice: the buyer is you (${c.name}) and the seller is ${describeParty(p.seller)}; only your own sales invoices can be collected`, '');
      return null;
    }
    if (sellerIsUs === false) {
      const byId = [p.seller.kvk, p.seller.legalId].some((id) => /^\d{8}$/.test(normId(id))) || (p.seller.vat !== undefined && c.vatNumber !== undefined);
      problem(
        'seller_not_creditor',
        `the seller ${describeParty(p.seller)} is not the configured creditor "${c.name}" (KvK ${c.kvk}${c.vatNumber ? `, VAT ${c.vatNumber}` : ''})`,
        byId ? "Import only invoices your business issued, or correct creditor.kvk / creditor.vatNumber in the config." : 'Check that this invoice is yours; the names differ.',
        byId ? 'error' : 'warning',
      );
      if (byId) return null;
    } else if (sellerIsUs === null) {
      problem('seller_unknown', 'the e-invoice does not name its seller; it is assumed to be you', 'Check that this invoice is yours.', 'warning');
    }
  }
  if (!p.number) problem('missing_field', 'no invoice number (BT-1)', 'The e-invoice lacks its number.');
  if (p.issueDate && !isIsoDate(p.issueDate)) problem('bad_date', `issue date "${p.issueDate}" is not a date`, 'Check the issue date (BT-2).');
  let dueDate = p.dueDate;
  let dueDerived = false;
  if (dueDate && !isIsoDate(dueDate)) {
    problem('bad_date', `due date "${dueDate}" is not a date`, 'Check the due date (BT-9).');
    dueDate = undefined;
  }
  if (!dueDate && p.issueDate && isIsoDate(p.issueDate)) {
    // NLCIUS allows payment terms as free text only ("30dagen"): use the configured term.
    dueDate = addDays(p.issueDate, options.paymentTermDays);
    dueDerived = true;
    problem('due_date_derived', `no due date; used the invoice date + ${options.paymentTermDays} days (${dueDate})`, 'Check the payment terms of this invoice.', 'warning');
  }
  const currencies = [p.currency ?? 'EUR', ...p.amountCurrencies];
  const foreign = currencies.find((cur) => cur.toUpperCase() !== 'EUR');
  if (foreign) problem('currency_not_eur', `currency "${foreign}" is not EUR`, 'pre-incasso collects euro claims only.');
  const payable = strictCents(p.payable);
  const total = strictCents(p.total) ?? payable;
  for (const [label, value, parsed] of [['payable amount', p.payable, payable], ['total amount', p.total, total]] as const) {
    if (parsed && !parsed.ok) problem('bad_amount', `${label} "${value}" is not an amount: ${parsed.reason}`, 'Totals of an invoice are whole cents; check the e-invoice.');
  }
  if (payable === null) problem('bad_amount', 'no payable amount (BT-115)', 'Check the monetary totals of the e-invoice.');
  if (p.payee) problem('payee_party', 'the invoice names a different payee (PayeeParty): the claim may be factored or assigned', 'Check who may collect this claim before sending reminders.', 'warning');
  const b = p.buyer;
  if (!b.name) problem('missing_field', 'no buyer name (BT-44)', 'The e-invoice lacks the buyer.');
  if (b.id && isReservedDebtorNumber(b.id)) {
    problem('reserved_debtor_number', `buyer id "${b.id}" starts with "name:", which pre-incasso keeps for debtors without a number`, 'Give the buyer another id in the bookkeeping.');
  }
  if (issues.some((i) => i.severity === 'error') || !p.number || !dueDate || !payable?.ok || !total?.ok || !b.name) return null;
  const isOrganisation = Boolean(b.kvk || b.vat || b.legalId || b.endpointScheme);
  const sign = p.credit ? -1 : 1;
  return {
    file: options.displayName,
    line: 0,
    invoiceNumber: p.number,
    debtor: {
      number: b.id ?? debtorKeyFromName(b.name),
      name: b.name,
      // A buyer with a legal-entity id, VAT number or e-invoicing endpoint is a business or
      // government body; otherwise the configured default (the safe side).
      type: isOrganisation ? 'business' : options.defaultDebtorType,
      typeKnown: isOrganisation,
      contactPerson: b.contact ?? null,
      email: b.email ?? null,
      phone: b.phone ?? null,
      street: b.street ?? null,
      postcode: b.postcode ?? null,
      city: b.city ?? null,
      country: (b.country ?? 'NL').toUpperCase(),
      language: options.defaultLanguage,
      kvk: b.kvk ?? null,
      vatNumber: b.vat ?? null,
    },
    issueDate: p.issueDate ?? null,
    dueDate,
    dueDateDerived: dueDerived,
    // A correction sent as an Invoice with a negative payable amount is a credit as well.
    amountCents: sign * total.cents,
    openCents: sign * payable.cents,
    currency: 'EUR',
    reference: p.reference ?? null,
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
