// The checks of one invoice record: identity, debtor, type, language, country, currency, dates
// and the verzuim columns, each problem reported with its line, column, value, rule and fix. The
// amounts are checked later (decimal-decision.ts), once the file's decimal mark is known.
import { addDays, dayMonthShape, parseDateText, type DateOrder, type DateParse } from '../domain/dates.js';
import { debtorKeyFromName, isReservedDebtorNumber, type InvoiceRow } from '../domain/invoice-row.js';
import { delimiterName, type CsvRecord, type Delimiter } from './csv-tokenizer.js';
import type { DateFormat, InvoiceField, Preset } from './columns.js';
import { DateColumns, detach } from './date-columns.js';
import type { ColumnLayout } from './invoice-header.js';
import { MAX_FIELD_LENGTH, type InvoiceCsvOptions, type Pending } from './invoice-csv-types.js';
import { InvoiceNumberTable } from './invoice-number-table.js';
import type { IssueSink } from './issue-sink.js';

const DEBTOR_TYPES: ReadonlyMap<string, 'consumer' | 'business'> = new Map([
  ['consumer', 'consumer'],
  ['consument', 'consumer'],
  ['particulier', 'consumer'],
  ['b2c', 'consumer'],
  ['privé', 'consumer'],
  ['prive', 'consumer'],
  ['private', 'consumer'],
  ['business', 'business'],
  ['zakelijk', 'business'],
  ['b2b', 'business'],
  ['bedrijf', 'business'],
  ['company', 'business'],
]);

const LANGUAGES: ReadonlyMap<string, 'nl' | 'en'> = new Map([
  ['nl', 'nl'],
  ['nl-nl', 'nl'],
  ['nl-be', 'nl'],
  ['nederlands', 'nl'],
  ['dutch', 'nl'],
  ['en', 'en'],
  ['en-gb', 'en'],
  ['en-us', 'en'],
  ['english', 'en'],
  ['engels', 'en'],
]);

const NETHERLANDS = new Set(['nl', 'nld', 'nederland', 'netherlands', 'the netherlands', 'holland']);

const DATE_FORMAT_SHAPES: Record<DateFormat, RegExp> = {
  'YYYY-MM-DD': /^\d{4}-\d{2}-\d{2}$/,
  YYYYMMDD: /^\d{8}$/,
  'DD-MM-YYYY': /^\d{2}-\d{2}-\d{4}$/,
  'D-M-YYYY': /^\d{1,2}-\d{1,2}-\d{4}$/,
  'DD/MM/YYYY': /^\d{2}\/\d{2}\/\d{4}$/,
  'DD.MM.YYYY': /^\d{2}\.\d{2}\.\d{4}$/,
};

const DATE_HINT = 'Write dates day-first as DD-MM-YYYY (31-01-2025), D-M-YYYY, DD/MM/YYYY, DD.MM.YYYY, or as YYYY-MM-DD or YYYYMMDD; month-first dates are never read.';

export class RecordChecker {
  private readonly seen = new InvoiceNumberTable();
  private readonly dateCache = new Map<string, DateParse>();
  private readonly options: InvoiceCsvOptions;

  constructor(
    private readonly layout: ColumnLayout,
    private readonly delimiter: Delimiter,
    private readonly preset: Preset,
    options: InvoiceCsvOptions,
    private readonly sink: IssueSink,
    private readonly dateColumns: DateColumns,
  ) {
    this.options = options;
  }

  /**
   * Checks one data record. Returns null for a record that is not counted (all cells empty),
   * 'rejected' for a record refused before its fields could be read, else the row with its
   * amount texts (rejected later when `bad`).
   */
  check(rec: CsvRecord): Pending | 'rejected' | null {
    const f = rec.fields;
    const line = rec.line;
    const c = this.layout.col;
    if (f.length !== this.layout.length) {
      if (allEmpty(f)) return null;
      this.sink.error(
        line,
        Math.min(f.length, this.layout.length) + 1,
        'wrong_field_count',
        `the line has ${f.length} field${f.length === 1 ? '' : 's'} but the header has ${this.layout.length} (delimiter ${delimiterName(this.delimiter)})`,
        f.length > this.layout.length
          ? 'A value contains the delimiter: put it in double quotes ("Jansen; Zn"), or remove the extra delimiter.'
          : 'A value is missing or a quoted value spans lines by mistake; every line needs one field per header column.',
      );
      return 'rejected';
    }
    const invoiceNumber = cellAt(f, c.invoice_number);
    if (invoiceNumber === '' && allEmpty(f)) return null; // a row of empty cells, as Excel leaves them
    let bad = false;
    for (const m of this.layout.columns) {
      const v = f[m.column - 1]!;
      if (v.length > MAX_FIELD_LENGTH) {
        bad = true;
        this.sink.error(line, m.column, 'field_too_long', `${m.header} has ${v.length} characters; at most ${MAX_FIELD_LENGTH} are read`, 'Shorten the value in the bookkeeping package; an export cell this long is a mistake.');
        f[m.column - 1] = v.slice(0, 100);
      }
    }

    if (invoiceNumber === '') {
      bad = true;
      this.sink.error(line, this.layout.column('invoice_number'), 'missing_field', `${this.layout.header('invoice_number')} is empty: every row needs an invoice number`, 'Fill in the invoice number, or remove the row.');
    } else {
      const first = this.seen.firstLine(invoiceNumber, line);
      if (first !== 0) {
        bad = true;
        this.sink.error(
          line,
          this.layout.column('invoice_number'),
          'duplicate_invoice',
          `invoice number "${invoiceNumber}" appears twice in the file (first on line ${first})`,
          'Each invoice may appear once per file: remove the duplicate row or correct its number.',
          invoiceNumber,
        );
      }
    }

    // Debtor identity.
    let debtorNumber = cellAt(f, c.debtor_number);
    let debtorName = cellAt(f, c.debtor_name);
    if (debtorNumber === '' && debtorName === '') {
      bad = true;
      const field: InvoiceField = this.layout.col.debtor_number >= 0 ? 'debtor_number' : 'debtor_name';
      this.sink.error(line, this.layout.column(field), 'missing_field', `${this.layout.header(field)} is empty: every row needs a debtor number or name`, 'Fill in the debtor number (relatiecode) or the debtor name.');
    } else if (debtorNumber === '') {
      debtorNumber = debtorKeyFromName(debtorName);
    } else {
      // `name:` is the namespace of the keys invented for rows without a number: a real number
      // there could equal one of them and merge two people into one debtor.
      if (isReservedDebtorNumber(debtorNumber)) {
        bad = true;
        this.sink.error(line, this.layout.column('debtor_number'), 'reserved_debtor_number', `${this.layout.header('debtor_number')} "${debtorNumber}" starts with "name:", which pre-incasso keeps for debtors without a number`, 'Give the debtor another number (relatiecode) in the bookkeeping, or leave it empty so the debtor is known by name.', debtorNumber);
      }
      if (debtorName === '') debtorName = debtorNumber;
    }

    let type = this.options.defaultDebtorType;
    let typeKnown = false;
    const typeText = cellAt(f, c.debtor_type);
    if (typeText !== '') {
      // Exact spelling first: most files repeat one or two words, and normalize() is not free.
      const t = DEBTOR_TYPES.get(typeText) ?? DEBTOR_TYPES.get(typeText.toLowerCase().normalize('NFC'));
      if (t === undefined) {
        bad = true;
        this.sink.error(
          line,
          this.layout.column('debtor_type'),
          'unknown_debtor_type',
          `${this.layout.header('debtor_type')} "${typeText}" is not a debtor type`,
          `Write consumer or business (also particulier/zakelijk, b2c/b2b, privé/bedrijf), or leave it empty for the default (${this.options.defaultDebtorType}).`,
          typeText,
        );
      } else {
        type = t;
        typeKnown = true;
      }
    }

    let language = this.options.defaultLanguage;
    const languageText = cellAt(f, c.language);
    if (languageText !== '') {
      const l = LANGUAGES.get(languageText) ?? LANGUAGES.get(languageText.toLowerCase());
      if (l === undefined) {
        this.sink.warning(
          line,
          this.layout.column('language'),
          'unknown_language',
          `${this.layout.header('language')} "${languageText}" is not a language the letters exist in; the default (${this.options.defaultLanguage}) is used`,
          'Write nl or en (also Nederlands/English), or leave it empty.',
          languageText,
        );
      } else language = l;
    }

    let country = 'NL';
    const countryText = cellAt(f, c.country);
    if (countryText !== '') {
      const lower = countryText.toLowerCase();
      if (NETHERLANDS.has(lower)) country = 'NL';
      else if (/^[a-z]{2}$/.test(lower)) country = countryText.toUpperCase();
      else {
        country = countryText;
        this.sink.warning(
          line,
          this.layout.column('country'),
          'unknown_country',
          `${this.layout.header('country')} "${countryText}" is not a two-letter country code; it is kept as written`,
          'Write the ISO 3166 code (NL, BE, DE, …) so the address block and the handover file are right.',
          countryText,
        );
      }
    }

    const currencyText = cellAt(f, c.currency);
    if (currencyText !== '' && currencyText.toUpperCase() !== 'EUR' && currencyText !== '€') {
      bad = true;
      this.sink.error(
        line,
        this.layout.column('currency'),
        'currency_not_eur',
        `${this.layout.header('currency')} "${currencyText}" is not supported: only invoices in EUR can be collected`,
        'Leave invoices in other currencies out of the export, or convert them to euros in your bookkeeping package.',
        currencyText,
      );
    }

    // E-mail, postcode, KvK and VAT plausibility are checked per debtor by the import pipeline.
    const email = cellAt(f, c.email);

    // Dates.
    let issueDate: string | null = null;
    const issueText = cellAt(f, c.issue_date);
    if (issueText !== '') {
      issueDate = this.parseDate(issueText, 'issue_date', line);
      if (issueDate === null) bad = true;
    }
    let dueDate: string | null = null;
    let dueDateDerived = false;
    const dueText = cellAt(f, c.due_date);
    if (dueText !== '') {
      dueDate = this.parseDate(dueText, 'due_date', line);
      if (dueDate === null) bad = true;
    } else if (issueDate !== null) {
      dueDate = addDays(issueDate, this.options.paymentTermDays);
      dueDateDerived = true;
    } else if (issueText === '') {
      bad = true;
      const field: InvoiceField = this.layout.col.due_date >= 0 ? 'due_date' : 'issue_date';
      this.sink.error(line, this.layout.column(field), 'missing_field', `${this.layout.header(field)} is empty: every row needs a due date or an invoice date`, `Fill in the due date, or the invoice date (the due date is then the invoice date + ${this.options.paymentTermDays} days).`);
    }
    if (issueDate !== null && dueDate !== null && !dueDateDerived && dueDate < issueDate) {
      this.sink.warning(
        line,
        this.layout.column('due_date'),
        'due_before_issue',
        `${this.layout.header('due_date')} "${dueText}" is before the invoice date "${issueText}"`,
        'Check the dates: the columns may be swapped.',
        dueText,
      );
    }

    // Verzuim and limitation per invoice (issue 17): a yes/no and goods/services column.
    let termIsFatal: boolean | null = null;
    const fatalText = cellAt(f, c.term_is_fatal).toLowerCase();
    if (fatalText !== '') {
      if (YES.has(fatalText)) termIsFatal = true;
      else if (NO.has(fatalText)) termIsFatal = false;
      else {
        bad = true;
        this.sink.error(line, this.layout.column('term_is_fatal'), 'bad_value', `${this.layout.header('term_is_fatal')} "${fatalText}" is not ja/nee (yes/no)`, 'Write ja when the debtor accepted general terms that make the payment term fatal, else nee or leave it empty.', fatalText);
      }
    }
    let consumerClaim: 'goods' | 'services' | null = null;
    const claimText = cellAt(f, c.consumer_claim).toLowerCase();
    if (claimText !== '') {
      if (GOODS.has(claimText)) consumerClaim = 'goods';
      else if (SERVICES.has(claimText)) consumerClaim = 'services';
      else {
        bad = true;
        this.sink.error(line, this.layout.column('consumer_claim'), 'bad_value', `${this.layout.header('consumer_claim')} "${claimText}" is not goederen/diensten (goods/services)`, 'goods: limitation after 2 years (7:28 BW); services: after 5 years (3:307 BW).', claimText);
      }
    }

    // Amounts: checked once the decimal mark of the file is known.
    const amountText = cellAt(f, c.amount);
    const openText = cellAt(f, c.open_amount);
    if (amountText === '') {
      bad = true;
      this.sink.error(line, this.layout.column('amount'), 'missing_field', `${this.layout.header('amount')} is empty: every row needs the invoice amount`, 'Fill in the invoice amount (negative for a credit note).');
    }

    const row: InvoiceRow = {
      file: this.sink.file,
      line,
      invoiceNumber,
      debtor: {
        number: debtorNumber,
        name: debtorName,
        type,
        typeKnown,
        contactPerson: optionalAt(f, c.contact_person),
        email: email === '' ? null : email,
        phone: optionalAt(f, c.phone),
        street: optionalAt(f, c.street),
        postcode: optionalAt(f, c.postcode),
        city: optionalAt(f, c.city),
        country,
        language,
        kvk: optionalAt(f, c.kvk),
        vatNumber: optionalAt(f, c.vat_number),
      },
      issueDate,
      dueDate: dueDate ?? '',
      dueDateDerived,
      amountCents: 0,
      openCents: 0,
      currency: 'EUR',
      reference: optionalAt(f, c.reference),
      ...(termIsFatal !== null ? { termIsFatal } : {}),
      ...(consumerClaim !== null ? { consumerClaim } : {}),
    };

    return { row, bad, amountText, openText, ambiguous: false };
  }

  parseDate(text: string, field: InvoiceField, line: number): string | null {
    if (!this.dateColumns.note(text, field, line)) return null;
    const order = this.options.dateOrder ?? 'dmy';
    const format = this.preset.dateFormat;
    if (format !== undefined && !DATE_FORMAT_SHAPES[format].test(text)) {
      this.sink.error(line, this.layout.column(field), 'bad_date', `${this.layout.header(field)} "${text}" is not a date in the preset's notation ${format}`, `Write the date as ${format}, or remove dateFormat from the preset.`, text);
      return null;
    }
    // Exports repeat the same few hundred dates over many rows; parseDateText is pure, so its
    // answers are cached (bounded) instead of running its regular expressions on every row.
    let parsed = this.dateCache.get(text);
    if (parsed === undefined) {
      parsed = parseDateText(text, order);
      if (this.dateCache.size >= 4096) this.dateCache.clear();
      this.dateCache.set(detach(text), parsed);
    }
    if (parsed.ok) return parsed.date;
    // `10/31/2024` is an American (month-first) date; say so rather than only "no such day".
    const monthFirst = order === 'dmy' && dayMonthShape(text).shape === 'mdy';
    this.sink.error(
      line,
      this.layout.column(field),
      'bad_date',
      `${this.layout.header(field)} "${text}" is not a date: ${parsed.reason}${monthFirst ? ' (it looks month-first; dates are read day-first)' : ''}`,
      DATE_HINT,
      text,
    );
    return null;
  }
}

/** The trimmed cell at a 0-based column; '' when the file has no such column. */
function cellAt(fields: string[], index: number): string {
  return index < 0 ? '' : fields[index]!.trim();
}

const YES = new Set(['ja', 'j', 'yes', 'y', 'true', '1', 'waar']);
const NO = new Set(['nee', 'n', 'no', 'false', '0', 'onwaar']);
const GOODS = new Set(['goods', 'goederen', 'koop', 'levering']);
const SERVICES = new Set(['services', 'diensten', 'dienst', 'service']);

function optionalAt(fields: string[], index: number): string | null {
  if (index < 0) return null;
  const s = fields[index]!.trim();
  return s === '' ? null : s;
}

function allEmpty(fields: string[]): boolean {
  for (let i = 0; i < fields.length; i++) if (fields[i]!.trim() !== '') return false;
  return true;
}
