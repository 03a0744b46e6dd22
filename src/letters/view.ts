// What a letter template sees. `letterView` turns the frozen LetterData snapshot into display
// strings once, so the PDF, the e-mail text and the HTML e-mail all print the same amounts, dates
// and address lines. Pure: no file system, no clock; same snapshot in, same view out.
//
// Every string that comes from the ledger (debtor names, addresses, invoice numbers) is cleaned of
// control and private-use characters here. They are values, never template code, and the
// private-use range is reserved for the table and payment markers below, so a debtor name can
// never move or inject a block in the letter.
import type { Address, ArrangementLetterData, Language, LetterData, LetterInvoiceLine } from '../domain/letter.js';
import { formatEuro, formatEuroEn } from '../domain/money.js';
import { addDays, formatDateDmy, formatDateLong } from '../domain/dates.js';
import { normalisePostcode } from '../domain/identifiers.js';

export interface InvoiceView {
  number: string;
  /** `DD-MM-YYYY`; empty when the source had no invoice date. */
  issueDate: string;
  dueDate: string;
  amount: string;
  paid: string;
  open: string;
  /** This letter demands it (role `due`). */
  due: boolean;
  /** Listed as "also open", not moved to this stage. */
  alsoOpen: boolean;
  /** `*` for also-open lines, explained under the table; empty otherwise. */
  mark: string;
  reference: string | null;
}

export interface CreditorView {
  name: string;
  street: string | null;
  postcode: string | null;
  city: string | null;
  country: string;
  /** Country name in the letter's language, null for NL. */
  countryName: string | null;
  /** `Dorpsstraat 12, 1234 AB Amersfoort` on one line (letterhead). */
  addressLine: string;
  /** `Name, Dorpsstraat 12, 1234 AB Amersfoort`: the return address above the window. */
  returnAddress: string;
  kvk: string | null;
  vatNumber: string | null;
  /** In groups of four: `NL91 ABNA 0417 1643 00`. */
  iban: string;
  /** Without spaces, for copying into a banking app. */
  ibanCompact: string;
  bic: string | null;
  email: string | null;
  phone: string | null;
  contactPerson: string | null;
  /** Phone and e-mail joined for prose: `033-1234567 of administratie@…`; empty when neither is known. */
  contactVia: string;
}

export interface DebtorView {
  number: string;
  name: string;
  type: 'consumer' | 'business';
  consumer: boolean;
  business: boolean;
  contactPerson: string | null;
  email: string | null;
  phone: string | null;
  street: string | null;
  postcode: string | null;
  city: string | null;
  country: string;
  countryName: string | null;
  /** The address block as PostNL wants it, one entry per line (see `addressLines`). */
  addressLines: string[];
}

export interface StageView {
  id: string;
  /** 0-based position in the ladder. */
  index: number;
  /** 1-based: "reminder 2 of 3". */
  number: number;
  count: number;
  first: boolean;
  final: boolean;
  /** This letter is the ingebrekestelling (6:82 BW): the consumer's payment term was not fatal. */
  ingebrekestelling: boolean;
  /** Default title of the stage in the letter's language (used when no subject is given). */
  title: string;
}

export interface LetterView {
  language: Language;
  /** `23 november 2026` / `23 November 2026`. */
  date: string;
  /** `23-11-2026`. */
  dateShort: string;
  /** `Amersfoort, 23 november 2026` (just the date when the creditor has no city). */
  placeAndDate: string;
  stage: StageView;
  creditor: CreditorView;
  debtor: DebtorView;
  /** `Geachte heer/mevrouw,` / `Geachte Ayşe Yılmaz,` / `Dear Sir or Madam,`. */
  salutation: string;
  invoices: InvoiceView[];
  dueInvoices: InvoiceView[];
  alsoOpenInvoices: InvoiceView[];
  invoiceCount: number;
  dueCount: number;
  alsoOpenCount: number;
  /** Exactly one invoice is demanded: for "de factuur" versus "de facturen". */
  singleInvoice: boolean;
  hasAlsoOpen: boolean;
  /** Due invoice numbers as prose: `2026-001, 2026-002 en 2026-007`. */
  invoiceNumbers: string;
  /** Sum of the open amounts of the demanded (due) invoices. */
  due: string;
  /** Sum of the open amounts of every invoice in the letter. */
  totalOpen: string;
  /** What the payment instruction asks for: the total open amount. */
  payAmount: string;
  /** In groups of four when it is an RF reference or a betalingskenmerk; otherwise as given. */
  paymentReference: string;
  paymentReferenceCompact: string;
  /** Consumer final letter: the BIK collection costs that become due after the term. Null otherwise. */
  costs: string | null;
  /** One sentence per credit note set off against an invoice in the table (the account's allocation). */
  creditNotes: string[];
  /** The label of the table's last total line: it sums every line. */
  totalLabel: string;
  termDays: number;
  /** Letter date + termDays, long form. A reminder may print it; the veertiendagenbrief should not. */
  payBefore: string;
  /** An earlier letter already reminded the debtor of a demanded invoice ("eerdere herinneringen"). */
  earlierLetters: boolean;
  /** BIK art. 2 lid 3: `costs` includes 21% VAT; `costsExclVat` is the amount without it. */
  vatUplift: boolean;
  costsExclVat: string | null;
  /** The schedule in the letters of a payment arrangement; null in dunning letters. */
  arrangement: ArrangementView | null;
}

export interface ArrangementView {
  id: number;
  confirmation: boolean;
  before: boolean;
  missed: boolean;
  instalments: { number: number; dueDate: string; amount: string; paid: string; open: string }[];
  instalmentCount: number;
  total: string;
  paid: string;
  remaining: string;
  next: { number: number; dueDate: string; amount: string };
  /** Long form; empty when not after a missed instalment. */
  graceEnd: string;
}

/** Marker lines in a rendered body: where the invoice table and the payment block go. */
export const INVOICES_MARKER = '\uE000invoices\uE000';
export const PAYMENT_MARKER = '\uE000payment\uE000';

export type BodyBlock = { kind: 'text'; lines: string[] } | { kind: 'invoices' } | { kind: 'payment' };

/**
 * Splits a rendered letter body into text paragraphs and the two block markers. Paragraphs are
 * separated by blank lines; single line breaks inside a paragraph are kept (address-like lines,
 * the closing with the signature).
 */
export function splitBody(body: string): BodyBlock[] {
  const blocks: BodyBlock[] = [];
  let para: string[] = [];
  const flush = (): void => {
    if (para.length > 0) blocks.push({ kind: 'text', lines: para });
    para = [];
  };
  // A marker written inside a line of text still becomes a block of its own.
  const text = body
    .replace(/\r\n?/g, '\n')
    .split(INVOICES_MARKER)
    .join(`\n${INVOICES_MARKER}\n`)
    .split(PAYMENT_MARKER)
    .join(`\n${PAYMENT_MARKER}\n`);
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === INVOICES_MARKER || line === PAYMENT_MARKER) {
      flush();
      blocks.push({ kind: line === INVOICES_MARKER ? 'invoices' : 'payment' });
    } else if (line === '') {
      flush();
    } else {
      para.push(line);
    }
  }
  flush();
  return blocks;
}

/** Fixed words of the layout (PDF labels, e-mail table headers) in both languages. */
export interface LetterLabels {
  subject: string;
  debtorNumber: string;
  paymentReference: string;
  invoice: string;
  invoiceDate: string;
  dueDate: string;
  amount: string;
  paid: string;
  open: string;
  subtotalDue: string;
  /** The total when the table has "*" lines: it sums every line. */
  totalOpen: string;
  /** The total when every line is demanded. */
  totalOnly: string;
  alsoOpenNote: string;
  /** `Creditnota X (€ …) is verrekend met factuur Y.` */
  creditNote: (creditNote: string, amount: string, invoice: string) => string;
  paymentTitle: string;
  payAmount: string;
  iban: string;
  bic: string;
  beneficiary: string;
  qrCaption: string;
  kvk: string;
  vat: string;
  phone: string;
  email: string;
  page: (n: number, of: number) => string;
  attention: string;
  contactPerson: string;
}

const LABELS: Record<Language, LetterLabels> = {
  nl: {
    subject: 'Betreft',
    debtorNumber: 'Debiteurnummer',
    paymentReference: 'Betalingskenmerk',
    invoice: 'Factuur',
    invoiceDate: 'Factuurdatum',
    dueDate: 'Vervaldatum',
    amount: 'Bedrag',
    paid: 'Betaald/verrekend',
    open: 'Openstaand',
    subtotalDue: 'Gevraagd in deze brief (regels zonder *)',
    totalOpen: 'Totaal openstaand (alle regels)',
    totalOnly: 'Totaal openstaand',
    alsoOpenNote: '* Ook openstaand, maar (nog) niet onder deze brief.',
    creditNote: (cn, amount, invoice) => `Creditnota ${cn} (${amount}) is verrekend met factuur ${invoice}.`,
    paymentTitle: 'Betaalgegevens',
    payAmount: 'Bedrag',
    iban: 'IBAN',
    bic: 'BIC',
    beneficiary: 'Ten name van',
    qrCaption: 'Scan met uw bank-app',
    kvk: 'KvK',
    vat: 'btw-nr.',
    phone: 'T',
    email: 'E',
    page: (n, of) => `pagina ${n} van ${of}`,
    // PostNL address block: "t.a.v." names the person inside the organisation.
    attention: 't.a.v.',
    contactPerson: 'Contactpersoon',
  },
  en: {
    subject: 'Subject',
    debtorNumber: 'Customer number',
    paymentReference: 'Payment reference',
    invoice: 'Invoice',
    invoiceDate: 'Invoice date',
    dueDate: 'Due date',
    amount: 'Amount',
    paid: 'Paid/credited',
    open: 'Open',
    subtotalDue: 'Demanded in this letter (lines without *)',
    totalOpen: 'Total outstanding (all lines)',
    totalOnly: 'Total outstanding',
    alsoOpenNote: '* Also outstanding, but not (yet) covered by this letter.',
    creditNote: (cn, amount, invoice) => `Credit note ${cn} (${amount}) is set off against invoice ${invoice}.`,
    paymentTitle: 'Payment details',
    payAmount: 'Amount',
    iban: 'IBAN',
    bic: 'BIC',
    beneficiary: 'Beneficiary',
    qrCaption: 'Scan with your banking app',
    kvk: 'KvK',
    vat: 'VAT no.',
    phone: 'T',
    email: 'E',
    page: (n, of) => `page ${n} of ${of}`,
    attention: 'Attn.',
    contactPerson: 'Contact',
  },
};

export function letterLabels(language: Language): LetterLabels {
  return LABELS[language];
}

const STAGE_TITLES: Record<Language, Record<string, string>> = {
  nl: { herinnering: 'Betalingsherinnering', aanmaning: 'Aanmaning', 'laatste-herinnering': 'Laatste herinnering' },
  en: { herinnering: 'Payment reminder', aanmaning: 'Second reminder', 'laatste-herinnering': 'Final reminder' },
};

function stageTitle(id: string, final: boolean, language: Language): string {
  const known = STAGE_TITLES[language][id];
  if (known !== undefined) return known;
  if (final) return language === 'nl' ? 'Laatste herinnering' : 'Final reminder';
  return language === 'nl' ? 'Openstaande facturen' : 'Outstanding invoices';
}

// C0/C1 controls, private use (our markers), bidi overrides and isolates, BOM.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ue000-\uf8ff]/g;

/** One line of display text from ledger data: no control characters, single spaces. */
export function cleanText(value: string): string {
  // NFC: a name typed as "e" + combining accent becomes the one letter the font draws as a whole.
  return value.normalize('NFC').replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
}

function cleanOrNull(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const c = cleanText(value);
  return c === '' ? null : c;
}

/** `NL91ABNA0417164300` → `NL91 ABNA 0417 1643 00` (ISO 13616 print format). */
export function groupIban(iban: string): string {
  return compact(iban).toUpperCase().replace(/(.{4})(?=.)/g, '$1 ');
}

function compact(s: string): string {
  return cleanText(s).replace(/\s+/g, '');
}

const isStructuredReference = (c: string): boolean => /^RF\d{2}[A-Z0-9]{1,21}$/.test(c) || /^\d{9,16}$/.test(c);

/**
 * Payment references are printed in groups of four when they are structured: an ISO 11649 RF
 * reference (`RF18 5390 0754 7034`) or a numeric betalingskenmerk (`5000 0567 8901 2345`,
 * Betaalvereniging). A free-text reference such as an invoice number stays as written.
 */
export function groupReference(reference: string): string {
  const c = compact(reference).toUpperCase();
  return isStructuredReference(c) ? c.replace(/(.{4})(?=.)/g, '$1 ') : cleanText(reference);
}

/** The reference as typed into a banking app: structured ones without spaces, free text as written. */
export function compactReference(reference: string): string {
  const c = compact(reference).toUpperCase();
  return isStructuredReference(c) ? c : cleanText(reference);
}

/** NL postcode as `1234 AB` (the one rule in domain/identifiers.ts; PostNL). Other countries: as given, upper case. */
function printedPostcode(postcode: string | null, country: string): string | null {
  const p = cleanOrNull(postcode);
  if (p === null) return null;
  return (country === 'NL' ? normalisePostcode(p)?.postcode : undefined) ?? p.toUpperCase();
}

function countryCode(address: Address): string {
  const c = cleanText(address.country ?? '').toUpperCase();
  return c === '' ? 'NL' : c;
}

/** Country name in the letter's language; PostNL accepts Dutch or English on the last line. */
function countryName(code: string, language: Language): string | null {
  if (code === 'NL') return null;
  try {
    const name = new Intl.DisplayNames([language], { type: 'region', fallback: 'none' }).of(code);
    return name ?? code;
  } catch {
    return code;
  }
}

/**
 * The PostNL address block below the name lines: street and number, then `1234 AB  CITY` (one
 * space inside the postcode, two before the place, the place in capitals), and for addresses
 * abroad the country in capitals on the last line. Abroad a single space separates postcode and
 * place, as most foreign postal formats write it.
 */
export function addressLines(address: Address, language: Language): string[] {
  const country = countryCode(address);
  const lines: string[] = [];
  const street = cleanOrNull(address.street);
  if (street !== null) lines.push(street);
  const postcode = printedPostcode(address.postcode, country);
  const city = cleanOrNull(address.city)?.toUpperCase() ?? null;
  const gap = country === 'NL' ? '  ' : ' ';
  if (postcode !== null && city !== null) lines.push(`${postcode}${gap}${city}`);
  else if (postcode !== null) lines.push(postcode);
  else if (city !== null) lines.push(city);
  const name = countryName(country, language);
  if (name !== null) lines.push(name.toUpperCase());
  return lines;
}

function oneLineAddress(address: Address, language: Language): string {
  const country = countryCode(address);
  const parts: string[] = [];
  const street = cleanOrNull(address.street);
  if (street !== null) parts.push(street);
  const postcode = printedPostcode(address.postcode, country);
  const city = cleanOrNull(address.city);
  const place = [postcode, city].filter((x): x is string => x !== null).join(' ');
  if (place !== '') parts.push(place);
  const name = countryName(country, language);
  if (name !== null) parts.push(name);
  return parts.join(', ');
}

function joinNumbers(numbers: string[], language: Language): string {
  if (numbers.length <= 1) return numbers[0] ?? '';
  const and = language === 'nl' ? 'en' : 'and';
  return `${numbers.slice(0, -1).join(', ')} ${and} ${numbers[numbers.length - 1]}`;
}

function arrangementView(a: ArrangementLetterData, language: Language): ArrangementView {
  const money = language === 'en' ? formatEuroEn : formatEuro;
  return {
    id: a.id,
    confirmation: a.kind === 'confirmation',
    before: a.kind === 'before',
    missed: a.kind === 'missed',
    instalments: a.instalments.map((i) => ({ number: i.number, dueDate: formatDateDmy(i.dueDate), amount: money(i.amountCents), paid: money(i.paidCents), open: money(i.amountCents - i.paidCents) })),
    instalmentCount: a.instalments.length,
    total: money(a.totalCents),
    paid: money(a.paidCents),
    remaining: money(a.totalCents - a.paidCents),
    next: { number: a.next.number, dueDate: formatDateLong(a.next.dueDate, language), amount: money(a.next.amountCents) },
    graceEnd: a.graceEnd === null ? '' : formatDateLong(a.graceEnd, language),
  };
}

export function letterView(data: LetterData): LetterView {
  const language = data.language;
  const money = language === 'en' ? formatEuroEn : formatEuro;
  const c = data.creditor;
  const d = data.debtor;

  const creditorCountry = countryCode(c.address);
  const creditorName = cleanText(c.name);
  const creditorAddressLine = oneLineAddress(c.address, language);
  const creditor: CreditorView = {
    name: creditorName,
    street: cleanOrNull(c.address.street),
    postcode: printedPostcode(c.address.postcode, creditorCountry),
    city: cleanOrNull(c.address.city),
    country: creditorCountry,
    countryName: countryName(creditorCountry, language),
    addressLine: creditorAddressLine,
    returnAddress: [creditorName, creditorAddressLine].filter((s) => s !== '').join(', '),
    kvk: cleanOrNull(c.kvk),
    vatNumber: cleanOrNull(c.vatNumber),
    iban: groupIban(c.iban),
    ibanCompact: compact(c.iban).toUpperCase(),
    bic: cleanOrNull(c.bic)?.toUpperCase() ?? null,
    email: cleanOrNull(c.email),
    phone: cleanOrNull(c.phone),
    contactPerson: cleanOrNull(c.contactPerson),
    contactVia: '',
  };
  creditor.contactVia = [creditor.phone, creditor.email].filter((x): x is string => x !== null).join(language === 'nl' ? ' of ' : ' or ');

  const debtorCountry = countryCode(d.address);
  const debtorName = cleanText(d.name);
  const contactPerson = cleanOrNull(d.contactPerson);
  const business = d.type === 'business';
  const nameLines = [debtorName];
  // PostNL: the person inside an organisation goes on the line under its name ("t.a.v.").
  if (business && contactPerson !== null) nameLines.push(`${LABELS[language].attention} ${contactPerson}`);
  const debtor: DebtorView = {
    number: cleanText(d.number),
    name: debtorName,
    type: d.type,
    consumer: !business,
    business,
    contactPerson,
    email: cleanOrNull(d.email),
    phone: cleanOrNull(d.phone),
    street: cleanOrNull(d.address.street),
    postcode: printedPostcode(d.address.postcode, debtorCountry),
    city: cleanOrNull(d.address.city),
    country: debtorCountry,
    countryName: countryName(debtorCountry, language),
    addressLines: [...nameLines, ...addressLines(d.address, language)],
  };

  const invoice = (line: LetterInvoiceLine): InvoiceView => ({
    number: cleanText(line.number),
    issueDate: line.issueDate === null ? '' : formatDateDmy(line.issueDate),
    dueDate: formatDateDmy(line.dueDate),
    amount: money(line.amountCents),
    paid: money(line.paidCents + (line.creditedCents ?? 0)),
    open: money(line.openCents),
    due: line.role === 'due',
    alsoOpen: line.role === 'also_open',
    mark: line.role === 'also_open' ? '*' : '',
    reference: cleanOrNull(line.reference),
  });
  const invoices = data.invoices.map(invoice);
  const dueInvoices = invoices.filter((i) => i.due);
  const alsoOpenInvoices = invoices.filter((i) => i.alsoOpen);

  let salutation: string;
  if (language === 'nl') {
    if (business) salutation = contactPerson !== null ? `Geachte ${contactPerson},` : 'Geachte heer/mevrouw,';
    else salutation = `Geachte ${contactPerson ?? debtorName},`;
  } else if (business) {
    salutation = contactPerson !== null ? `Dear ${contactPerson},` : 'Dear Sir or Madam,';
  } else {
    salutation = `Dear ${contactPerson ?? debtorName},`;
  }

  const date = formatDateLong(data.date, language);
  return {
    language,
    date,
    dateShort: formatDateDmy(data.date),
    placeAndDate: creditor.city !== null ? `${creditor.city}, ${date}` : date,
    stage: {
      id: data.stage.id,
      index: data.stage.index,
      number: data.stage.index + 1,
      count: data.stage.count,
      first: data.stage.index === 0,
      final: data.stage.final,
      ingebrekestelling: data.ingebrekestelling === true,
      title: stageTitle(data.stage.id, data.stage.final, language),
    },
    creditor,
    debtor,
    salutation,
    invoices,
    dueInvoices,
    alsoOpenInvoices,
    invoiceCount: invoices.length,
    dueCount: dueInvoices.length,
    alsoOpenCount: alsoOpenInvoices.length,
    singleInvoice: dueInvoices.length === 1,
    hasAlsoOpen: alsoOpenInvoices.length > 0,
    invoiceNumbers: joinNumbers(dueInvoices.map((i) => i.number), language),
    due: money(data.dueCents),
    totalOpen: money(data.totalOpenCents),
    // An arrangement letter asks for the next instalment, not the whole balance.
    payAmount: money(data.arrangement ? data.arrangement.next.amountCents : data.totalOpenCents),
    paymentReference: groupReference(data.paymentReference),
    paymentReferenceCompact: compactReference(data.paymentReference),
    costs: data.costsCents === null ? null : money(data.costsCents),
    creditNotes: (data.credits ?? []).map((c) => LABELS[language].creditNote(cleanText(c.creditNote), money(c.amountCents), cleanText(c.invoice))),
    totalLabel: alsoOpenInvoices.length > 0 ? LABELS[language].totalOpen : LABELS[language].totalOnly,
    termDays: data.termDays,
    payBefore: formatDateLong(addDays(data.date, data.termDays), language),
    earlierLetters: data.earlierLetters ?? data.stage.index > 0,
    vatUplift: data.costsExclVatCents !== undefined && data.costsCents !== null,
    costsExclVat: data.costsExclVatCents === undefined ? null : money(data.costsExclVatCents),
    arrangement: data.arrangement ? arrangementView(data.arrangement, language) : null,
  };
}
