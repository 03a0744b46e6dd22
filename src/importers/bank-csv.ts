// Bank CSV exports (domain/formats.md §4.3): what a business gets from its bank's web portal when
// it does not pick CAMT.053 or MT940. Pure: bytes in, BankEntry records and issues out, exactly
// like the CAMT and MT940 readers, so `payments import` records and matches them the same way.
//
// Every bank is a preset, data in bank-presets/*.json: which header names (or, for the exports
// without a header, which column shapes) identify it, which column holds what, the delimiter, the
// quote character, the decimal mark, the date notation and how credit and debit are told apart.
// Nothing here knows a bank by name except the text readers a preset can choose ("labels" for
// ING's "Naam: … Omschrijving: …", "abnamro" for ABN AMRO's MT940-style description).
//
// Parser: csv-parse (sync) rather than the project's streaming tokenizer. These files are small
// (months of one account), and two presets need what the tokenizer does not do: ASN/SNS/RegioBank
// put text fields in single quotes, so the quote character differs per preset; csv-parse takes it
// as an option and reports where a quote is broken. The tokenizer stays on the invoice hot path.
//
// Deduplication (the source key of each payment). A later download overlaps an earlier one, so
// the key must come from the row itself, never from the file or the row's position:
// - when the bank numbers its transactions (Rabobank Volgnr, Knab Referentie, Volksbank journal
//   date + sequence number when it is not 00000000), the key is that number with the account;
// - otherwise it is a hash of the row's parsed content (the fields the preset lists in `key`:
//   account, date, amount, counterparty, description, …; not the raw line, so ',' or ';', the
//   column order and quoting do not matter) plus the occurrence number of that same content
//   within the file: two identical transfers on one day are #1 and #2 in every export that
//   covers the day, so a longer export recognises both and adds only what is new.
// Limits: a bank that rewrites a row's text between downloads gives it a new key (for ABN AMRO the
// key therefore leaves the description out and uses the balances before and after instead); the
// same payment imported once from CSV and once from CAMT/MT940 is recorded twice, because their
// keys cannot be compared. A download made during the day and a later one with more identical
// rows of that day is fine: the later rows get the next occurrence numbers.
import { createHash } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import { AppError } from '../errors.js';
import { decodeBytes } from './decode.js';
import { sniffDelimiter } from './csv-tokenizer.js';
import { decimalMarksOf, parseAmount, type DecimalMark } from '../domain/money.js';
import { parseDateText, type IsoDate } from '../domain/dates.js';
import { normaliseIban } from '../domain/identifiers.js';
import type { BankEntry, BankIssue, BankParseResult, TextDetails } from '../domain/bank-entry.js';
import { cleanEndToEndId, collapseSpaces, detailsFromText, EMPTY_DETAILS, ibanOrNull, referenceFromText } from './bank-entry.js';
import ingJson from './bank-presets/ing.json' with { type: 'json' };
import rabobankJson from './bank-presets/rabobank.json' with { type: 'json' };
import abnamroJson from './bank-presets/abnamro.json' with { type: 'json' };
import bunqJson from './bank-presets/bunq.json' with { type: 'json' };
import knabJson from './bank-presets/knab.json' with { type: 'json' };
import triodosJson from './bank-presets/triodos.json' with { type: 'json' };
import volksbankJson from './bank-presets/volksbank.json' with { type: 'json' };

export const BANK_CSV_FIELDS = [
  'date', 'valueDate', 'journalDate', 'amount', 'direction', 'currency', 'account', 'counterpartyIban', 'counterpartyName', 'description',
  'structuredRef', 'endToEndId', 'bankReference', 'sequence', 'returnReason', 'balanceBefore', 'balanceAfter', 'code',
] as const;
export type BankCsvField = (typeof BANK_CSV_FIELDS)[number];

export type BankDateFormat = 'YYYYMMDD' | 'YYYY-MM-DD' | 'DD-MM-YYYY';

export interface BankCsvPreset {
  name: string;
  /** The bank as users know it, for messages. */
  bank: string;
  description: string;
  source: string;
  header: boolean;
  /** First lines to skip, by their first field (Knab's "KNAB EXPORT"). */
  preamble?: string[];
  delimiters: string[];
  quote: string;
  decimal: DecimalMark | 'auto';
  dateFormats: BankDateFormat[];
  /** Header presets: alternative sets of header names that must all be present. */
  recognise?: string[][];
  /** Headerless presets: the column count and the patterns the first rows' columns must match. */
  shape?: { minColumns: number; maxColumns: number; patterns: Record<string, string> };
  /**
   * For each field the header names (header presets) or 0-based column numbers (headerless) that
   * hold it. The first one present is taken; for `description` all present ones are joined.
   */
  columns: Partial<Record<BankCsvField, (string | number)[]>>;
  /** Values of the direction column; without it the amount is signed. */
  direction?: { credit: string[]; debit: string[] };
  /** How the description is read: as is, as labelled parts (ING), or as ABN AMRO's MT940 text. */
  text: 'plain' | 'labels' | 'abnamro';
  labels?: { name?: string[]; remittance?: string[]; iban?: string[]; endToEndId?: string[]; structuredRef?: string[]; other?: string[] };
  /** Fields that together are the bank's own id of a transaction (all must be present). */
  id?: BankCsvField[];
  /** Fields whose values make the content key when there is no id. */
  key: BankCsvField[];
}

export const BANK_CSV_PRESETS: readonly BankCsvPreset[] = [ingJson, rabobankJson, abnamroJson, bunqJson, knabJson, triodosJson, volksbankJson].map(
  (p) => p as unknown as BankCsvPreset,
);

/** "ING, Rabobank, ABN AMRO, …" for messages. */
export const KNOWN_BANKS = BANK_CSV_PRESETS.map((p) => p.bank).join(', ');

/** Header names as compared: letters and digits only, no accents, lower case ("Bedrag (EUR)" = "bedrageur"). */
export function headerKey(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]/g, '');
}

interface Row {
  line: number;
  fields: string[];
}

/** Splits the text with the preset's delimiter and quote; null with the reason when it cannot. */
function splitRows(text: string, delimiter: string, quote: string): { rows: Row[] } | { error: string; line: number } {
  try {
    const out = parseCsv(text, { delimiter, quote, info: true, relax_column_count: true, skip_empty_lines: true, relax_quotes: true }) as unknown as {
      info: { lines: number };
      record: string[];
    }[];
    return { rows: out.map((r) => ({ line: r.info.lines, fields: r.record })) };
  } catch (e) {
    const err = e as Error & { lines?: number };
    return { error: err.message.replace(/^[A-Za-z ]+: /, ''), line: err.lines ?? 1 };
  }
}

/** The first lines of the text (enough to recognise a file), cut at a line end. */
function head(text: string, lines = 6): string {
  let at = 0;
  for (let i = 0; i < lines; i++) {
    const next = text.indexOf('\n', at);
    if (next < 0) return text;
    at = next + 1;
  }
  return text.slice(0, at);
}

interface Layout {
  preset: BankCsvPreset;
  delimiter: string;
  /** Field -> column indexes. */
  columns: Partial<Record<BankCsvField, number[]>>;
  /** Rows before the first data row (preamble and header). */
  skip: number;
}

/** Which preset reads this text, and where its columns are; null when none does. */
export function recognise(text: string): Layout | null {
  const sample = head(text);
  const sniffed = sniffDelimiter(sample.replace(/^[^\n]*KNAB EXPORT[^\n]*\n/i, ''));
  for (const preset of BANK_CSV_PRESETS) {
    for (const delimiter of preset.delimiters) {
      if (preset.header && delimiter !== sniffed && preset.delimiters.length > 1) continue;
      const split = splitRows(sample, delimiter, preset.quote);
      if (!('rows' in split) || split.rows.length === 0) continue;
      const layout = preset.header ? byHeader(preset, delimiter, split.rows) : byShape(preset, delimiter, split.rows);
      if (layout) return layout;
    }
  }
  return null;
}

function byHeader(preset: BankCsvPreset, delimiter: string, rows: Row[]): Layout | null {
  let skip = 0;
  const preamble = new Set((preset.preamble ?? []).map(headerKey));
  while (skip < rows.length && preamble.has(headerKey(rows[skip]!.fields[0] ?? ''))) skip++;
  const header = rows[skip];
  if (!header) return null;
  const keys = header.fields.map(headerKey);
  const present = new Set(keys);
  if (!(preset.recognise ?? []).some((set) => set.every((name) => present.has(headerKey(name))))) return null;
  const columns: Layout['columns'] = {};
  for (const field of BANK_CSV_FIELDS) {
    const names = preset.columns[field];
    if (!names) continue;
    const found = names.map((n) => keys.indexOf(headerKey(String(n)))).filter((i) => i >= 0);
    if (found.length > 0) columns[field] = field === 'description' ? found : [found[0]!];
  }
  return { preset, delimiter, columns, skip: skip + 1 };
}

function byShape(preset: BankCsvPreset, delimiter: string, rows: Row[]): Layout | null {
  const shape = preset.shape;
  if (!shape) return null;
  const patterns = Object.entries(shape.patterns).map(([i, p]) => [Number(i), new RegExp(p)] as const);
  // The first row decides (the patterns are strict: the bank's own account number, dates, amounts);
  // a later row that does not fit is then reported at its line instead of hiding the whole file.
  const first = rows[0]!;
  const fits = first.fields.length >= shape.minColumns && first.fields.length <= shape.maxColumns && patterns.every(([i, re]) => re.test((first.fields[i] ?? '').trim()));
  if (!fits) return null;
  const columns: Layout['columns'] = {};
  for (const field of BANK_CSV_FIELDS) {
    const at = preset.columns[field];
    if (at) columns[field] = at.map(Number);
  }
  return { preset, delimiter, columns, skip: 0 };
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

const DATE_SHAPES: Record<BankDateFormat, RegExp> = {
  YYYYMMDD: /^[0-9]{8}$/,
  'YYYY-MM-DD': /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/,
  'DD-MM-YYYY': /^[0-9]{2}-[0-9]{2}-[0-9]{4}$/,
};

/** Reads one bank CSV export. An unknown layout is refused at once (AppError, exit 4). */
export function parse(input: Uint8Array | string, displayName: string): BankParseResult {
  const text = (typeof input === 'string' ? input : decodeBytes(input).text).replace(/^\uFEFF/, '');
  const layout = recognise(text);
  if (!layout) throw unknownFormat(displayName);
  return readRows(text, layout, displayName);
}

export function unknownFormat(displayName: string): AppError {
  return new AppError(
    'input_invalid',
    `${displayName}: not a bank statement pre-incasso knows (CAMT.053/.054, MT940, or the CSV export of ${KNOWN_BANKS}); download CAMT.053 or one of those CSV exports from your bank and import that.`,
  );
}

function readRows(text: string, layout: Layout, displayName: string): BankParseResult {
  const { preset } = layout;
  const issues: BankIssue[] = [];
  const error = (line: number, code: string, message: string, hint: string): void => {
    issues.push({ file: displayName, line, path: null, code, message: `${displayName}:${line}: ${message}`, hint, severity: 'error' });
  };
  const split = splitRows(text, layout.delimiter, preset.quote);
  if (!('rows' in split)) {
    error(split.line, 'bad_csv', `not readable as ${preset.bank} CSV (${split.error})`, 'Download the export again from the bank; the file is damaged or was edited.');
    return { format: 'csv', entries: [], issues, notBooked: 0, statements: 0 };
  }
  const rows = split.rows.slice(layout.skip).filter((r) => r.fields.some((f) => f.trim() !== ''));
  const get = (row: Row, field: BankCsvField): string | null => {
    const at = layout.columns[field];
    if (!at) return null;
    // Control characters (an escape sequence in a name) never reach a terminal or the ledger.
    const values = at.map((i) => (row.fields[i] ?? '').replace(CONTROL, ' ').trim()).filter((v) => v !== '');
    if (values.length === 0) return null;
    return field === 'description' ? values.join(' ') : values[0]!;
  };

  // The decimal mark of the amount column, decided for the whole file when the preset leaves it open.
  let decimal: DecimalMark = preset.decimal === 'auto' ? ',' : preset.decimal;
  if (preset.decimal === 'auto') {
    let marks: DecimalMark[] = [',', '.'];
    for (const row of rows) {
      const a = get(row, 'amount');
      if (a) marks = marks.filter((m) => decimalMarksOf(a).includes(m));
    }
    if (marks.length === 1) decimal = marks[0]!;
  }

  const entries: BankEntry[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const where = `${preset.bank} CSV`;
    const dateText = get(row, 'date');
    const date = readDate(dateText, preset.dateFormats);
    if (!date) {
      error(row.line, 'bad_date', `date "${dateText ?? ''}" is not a date in ${where} notation (${preset.dateFormats.join(' or ')})`, 'Download the export again from the bank; the file was edited or is not this bank\'s export.');
      continue;
    }
    const amountText = get(row, 'amount');
    const amount = amountText === null ? null : parseAmount(amountText, decimal);
    if (!amount || !amount.ok) {
      error(row.line, 'bad_amount', `amount "${amountText ?? ''}" is not an amount with decimal ${decimal === ',' ? 'comma' : 'point'} (${amount && !amount.ok ? amount.reason : 'empty'})`, 'Download the export again from the bank; the file was edited.');
      continue;
    }
    let cents = amount.cents;
    if (preset.direction) {
      const d = get(row, 'direction') ?? '';
      const isCredit = preset.direction.credit.some((c) => c.toLowerCase() === d.toLowerCase());
      const isDebit = preset.direction.debit.some((c) => c.toLowerCase() === d.toLowerCase());
      if (!isCredit && !isDebit) {
        error(row.line, 'bad_sign', `credit/debit "${d}" is not one of ${[...preset.direction.credit, ...preset.direction.debit].join(', ')}`, 'Download the export again from the bank; the file was edited.');
        continue;
      }
      cents = isDebit ? -Math.abs(cents) : Math.abs(cents);
    }
    const account = ibanOrNull(get(row, 'account')) ?? get(row, 'account');
    const details = textDetails(preset, row, get);
    const value = (field: BankCsvField): string => {
      if (field === 'date') return date;
      if (field === 'amount') return String(cents);
      if (field === 'account') return account ?? '';
      return collapseSpaces(get(row, field)) ?? '';
    };
    const id = preset.id && preset.id.every((f) => value(f) !== '' && !/^0+$/.test(value(f))) ? preset.id.map(value).join(':') : null;
    let sourceKey: string;
    if (id) {
      sourceKey = `csv:${preset.name}:${id}`;
    } else {
      const content = createHash('sha1').update(JSON.stringify(preset.key.map(value))).digest('hex').slice(0, 16);
      const n = (seen.get(content) ?? 0) + 1;
      seen.set(content, n);
      sourceKey = `csv:${preset.name}:${account ?? '?'}:${date}:${content}#${n}`;
    }
    const valueDate = readDate(get(row, 'valueDate'), preset.dateFormats);
    entries.push({
      sourceKey,
      format: 'csv',
      variant: `csv-${preset.name}`,
      account,
      statementId: null,
      bookingDate: date,
      valueDate,
      amountCents: cents,
      currency: (get(row, 'currency') ?? 'EUR').toUpperCase(),
      ...details,
      reversal: false,
      bankReference: get(row, 'bankReference') ?? (/^0*$/.test(value('sequence')) ? null : value('sequence')),
      file: displayName,
      line: row.line,
      path: null,
    });
  }
  return { format: 'csv', entries, issues, notBooked: 0, statements: entries.length > 0 ? 1 : 0 };
}

function readDate(text: string | null, formats: BankDateFormat[]): IsoDate | null {
  if (!text) return null;
  const t = text.trim();
  if (!formats.some((f) => DATE_SHAPES[f].test(t))) return null;
  const d = parseDateText(t);
  return d.ok ? d.date : null;
}

/** Counterparty, references and remittance text of a row, the way the CAMT and MT940 readers give them. */
function textDetails(preset: BankCsvPreset, row: Row, get: (row: Row, field: BankCsvField) => string | null): TextDetails {
  const description = get(row, 'description');
  let d: TextDetails;
  if (preset.text === 'abnamro' && description) {
    // The TXT export writes the labels as "Naam:", the MT940 reader knows them as "NAAM:".
    const t = rejoinAbnColumns(description).replace(/(Betalingskenm\.|Omschrijving|ID debiteur|Machtiging|Incassant|Kenmerk|IBAN|Naam|BIC): /gi, (m) => m.toUpperCase());
    d = detailsFromText(t);
  } else if (preset.text === 'labels' && description && preset.labels) {
    d = detailsFromLabels(description, preset.labels);
  } else {
    d = { ...EMPTY_DETAILS, remittance: collapseSpaces(description) };
  }
  // Columns of their own win over what the text says.
  d.counterpartyName = collapseSpaces(get(row, 'counterpartyName')) ?? d.counterpartyName;
  const iban = get(row, 'counterpartyIban');
  d.counterpartyIban = ibanOrNull(iban) ?? d.counterpartyIban ?? (iban ? normaliseIban(iban) || null : null);
  d.endToEndId = cleanEndToEndId(get(row, 'endToEndId')) ?? d.endToEndId;
  d.returnReason = collapseSpaces(get(row, 'returnReason')) ?? d.returnReason;
  const structured = collapseSpaces(get(row, 'structuredRef'));
  if (structured) {
    // A reference column may hold what the payer typed ("factuur 9234820", ASN): then it is also
    // text for the invoice-number search. A betalingskenmerk or RF reference is only a reference.
    const shaped = /^[0-9 ]{7,}$/.test(structured) || /^RF[0-9]{2}[A-Z0-9 ]+$/i.test(structured);
    d.structuredRef = shaped ? structured.replace(/ /g, '') : structured;
    d.structuredRefIssuer = /^RF/i.test(structured) ? 'ISO' : shaped ? 'CUR' : null;
    if (!shaped) d.remittance = collapseSpaces(`${structured} ${d.remittance ?? ''}`);
  }
  if (!d.structuredRef) {
    const found = referenceFromText(d.remittance);
    if (found) {
      d.structuredRef = found.ref;
      d.structuredRefIssuer = found.issuer;
    }
  }
  return d;
}

/**
 * ING's "Mededelingen": "Naam: A Omschrijving: B IBAN: C Kenmerk: D Valutadatum: E". The text is
 * cut at every known label; text without any label is the remittance as a whole.
 */
export function detailsFromLabels(text: string, labels: NonNullable<BankCsvPreset['labels']>): TextDetails {
  const d: TextDetails = { ...EMPTY_DETAILS };
  const all = Object.entries(labels).flatMap(([kind, names]) => (names ?? []).map((name) => ({ kind, name })));
  const escaped = all.map((l) => l.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).sort((a, b) => b.length - a.length);
  const re = new RegExp(`(?:^|\\s)(${escaped.join('|')}):\\s`, 'g');
  const marks = [...text.matchAll(re)].map((m) => ({ name: m[1]!, start: m.index + m[0].indexOf(m[1]!), end: m.index + m[0].length }));
  if (marks.length === 0) {
    d.remittance = collapseSpaces(text);
    return d;
  }
  const kindOf = (name: string): string => all.find((l) => l.name === name)?.kind ?? 'other';
  const lead = collapseSpaces(text.slice(0, marks[0]!.start));
  for (let i = 0; i < marks.length; i++) {
    const value = collapseSpaces(text.slice(marks[i]!.end, i + 1 < marks.length ? marks[i + 1]!.start : text.length));
    if (value === null) continue;
    switch (kindOf(marks[i]!.name)) {
      case 'name': d.counterpartyName ??= value; break;
      case 'remittance': d.remittance = d.remittance ? `${d.remittance} ${value}` : value; break;
      case 'iban': d.counterpartyIban ??= ibanOrNull(value); break;
      case 'endToEndId': d.endToEndId ??= cleanEndToEndId(value); break;
      case 'structuredRef': {
        d.structuredRef ??= value.replace(/ /g, '');
        d.structuredRefIssuer ??= /^RF/i.test(value) ? 'ISO' : 'CUR';
        break;
      }
      default: break;
    }
  }
  if (!d.remittance && lead) d.remittance = lead;
  return d;
}

/**
 * ABN AMRO's TXT export keeps the MT940 layout of its description: a 32-character first column,
 * then 64-character lines, each followed by a space that was a line break. Those spaces land inside
 * words and numbers ("Factuur: 012345678 901"), so they are taken out again when every one of them
 * is where the layout puts it. The `/TRTP/` form has no such spaces.
 */
export function rejoinAbnColumns(text: string): string {
  if (text.startsWith('/') || text.length <= 33 || text[32] !== ' ') return text;
  let out = text.slice(0, 32);
  let at = 33;
  while (at < text.length) {
    const chunk = text.slice(at, at + 64);
    out += chunk;
    at += 64;
    if (at < text.length) {
      if (text[at] !== ' ') return text;
      at += 1;
    }
  }
  return out;
}
