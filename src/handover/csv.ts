// handover.csv for Dutch Excel ("nl-excel" profile, formats.md §6): UTF-8 with BOM (so Excel does
// not read it as Windows-1252), `;` between cells (`,` is the decimal mark), decimal comma without
// thousands separator, DD-MM-YYYY dates, CRLF line ends. One row per claim; the debtor's columns
// repeat on every row, case-level amounts stand on the first row of the case only, so a column
// sum in Excel gives the batch total instead of counting a case's costs once per invoice.
//
// Formula injection (OWASP "CSV injection"): a text cell that starts with `=`, `+`, `-`, `@`, tab
// or carriage return is made inert with a leading apostrophe. Only text that came from outside
// (names, addresses, references, numbers chosen by the bookkeeping) is escaped. Amount, date and
// count cells are written by this module from integers and ISO dates and can only ever be
// `-?[0-9]+,[0-9]{2}`, `DD-MM-YYYY` or digits: a credit note's `-12,50` stays a number for Excel
// (a formula needs more than a sign and digits), which is what the agency needs to add it up.
import { dateParts, type IsoDate } from '../domain/dates.js';
import type { CaseJson, ClaimJson, HandoverDocument } from './case.js';
import { CSV_KEEP, escapeControls } from '../domain/control-chars.js';

const BOM = '\uFEFF';
const DELIMITER = ';';
const EOL = '\r\n';

/** Characters that make a spreadsheet treat a cell as a formula (or hide one behind a control). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A text cell made inert: `'` before a leading formula character, and control characters (NUL,
 * ESC, BEL, …, but line breaks) shown as `\u001b` so no spreadsheet or terminal acts on them.
 */
export function inertText(text: string): string {
  return FORMULA_START.test(text) ? `'${escapeControls(text, CSV_KEEP)}` : escapeControls(text, CSV_KEEP);
}

/** Quotes a cell when it holds the delimiter, a quote or a line break (RFC 4180 style). */
export function quoteCell(cell: string): string {
  return /[";\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/** `1234,56` / `-12,50`: decimal comma, no thousands separator (portal importers choke on dots). */
export function csvAmount(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`amount must be whole cents, got ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

/** `23-11-2026`. */
export function csvDate(date: IsoDate): string {
  const { year, month, day } = dateParts(date);
  return `${String(day).padStart(2, '0')}-${String(month).padStart(2, '0')}-${year}`;
}

// A cell is built by one of these; only `text` carries outside data and is escaped.
type Cell = { text: string | null } | { amount: number | null } | { date: IsoDate | null } | { count: number };

const text = (value: string | null): Cell => ({ text: value });
const amount = (value: number | null): Cell => ({ amount: value });
const date = (value: IsoDate | null): Cell => ({ date: value });

function render(cell: Cell): string {
  if ('text' in cell) return cell.text === null ? '' : quoteCell(inertText(cell.text));
  if ('amount' in cell) return cell.amount === null ? '' : csvAmount(cell.amount);
  if ('date' in cell) return cell.date === null ? '' : csvDate(cell.date);
  return String(cell.count);
}

interface RowContext {
  doc: Pick<HandoverDocument, 'batch' | 'export_date'>;
  kase: CaseJson;
  claim: ClaimJson;
  first: boolean;
}

interface Column {
  header: string;
  cell(r: RowContext): Cell;
}

const TYPE_NL = { consumer: 'particulier', business: 'zakelijk' } as const;

/** The columns, in order. README "handover.csv" documents each one. */
export const CSV_COLUMNS: readonly Column[] = [
  { header: 'batch', cell: (r) => ({ count: r.doc.batch }) },
  { header: 'dossier', cell: (r) => text(r.kase.case_reference) },
  { header: 'exportdatum', cell: (r) => date(r.doc.export_date) },
  { header: 'debiteurnummer', cell: (r) => text(r.kase.debtor.number) },
  { header: 'soort', cell: (r) => text(TYPE_NL[r.kase.debtor.type]) },
  { header: 'naam', cell: (r) => text(r.kase.debtor.name) },
  { header: 'contactpersoon', cell: (r) => text(r.kase.debtor.contact_person) },
  { header: 'adres', cell: (r) => text(r.kase.debtor.address.street) },
  { header: 'postcode', cell: (r) => text(r.kase.debtor.address.postcode) },
  { header: 'plaats', cell: (r) => text(r.kase.debtor.address.city) },
  { header: 'land', cell: (r) => text(r.kase.debtor.address.country) },
  { header: 'e-mail', cell: (r) => text(r.kase.debtor.email) },
  { header: 'telefoon', cell: (r) => text(r.kase.debtor.phone) },
  { header: 'taal', cell: (r) => text(r.kase.debtor.language) },
  { header: 'kvk-nummer', cell: (r) => text(r.kase.debtor.kvk) },
  { header: 'btw-nummer', cell: (r) => text(r.kase.debtor.vat_number) },
  { header: 'factuurnummer', cell: (r) => text(r.claim.invoice_number) },
  { header: 'soort post', cell: (r) => text(r.claim.kind === 'credit_note' ? 'creditnota' : 'factuur') },
  { header: 'factuurdatum', cell: (r) => date(r.claim.invoice_date) },
  { header: 'vervaldatum', cell: (r) => date(r.claim.due_date) },
  { header: 'factuurbedrag', cell: (r) => amount(r.claim.original_cents) },
  { header: 'betaald', cell: (r) => amount(r.claim.paid_cents) },
  { header: 'openstaand', cell: (r) => amount(r.claim.open_cents) },
  { header: 'betalingskenmerk', cell: (r) => text(r.claim.payment_reference) },
  { header: 'rente grondslag', cell: (r) => text(r.claim.interest ? `art. ${r.claim.interest.basis}` : null) },
  { header: 'rente vanaf', cell: (r) => date(r.claim.interest?.from ?? null) },
  { header: 'rente tot en met', cell: (r) => date(r.claim.interest?.until ?? null) },
  { header: 'rente', cell: (r) => amount(r.claim.interest?.interest_cents ?? null) },
  { header: 'laatste brief', cell: (r) => date(r.claim.final_letter_date) },
  { header: 'veertiendagenbrief', cell: (r) => date(vdb(r)?.date ?? null) },
  { header: 'vermoedelijke bezorging', cell: (r) => date(vdb(r)?.presumed_delivery ?? null) },
  { header: 'einde termijn', cell: (r) => date(vdb(r)?.term_end ?? null) },
  { header: 'incassokosten genoemd (dossier)', cell: (r) => amount(r.first ? r.kase.collection_costs.stated_cents : null) },
  { header: 'incassokosten (dossier)', cell: (r) => amount(r.first ? r.kase.collection_costs.claimed_cents : null) },
  { header: 'totaal vordering (dossier)', cell: (r) => amount(r.first ? r.kase.totals.total_cents : null) },
];

function vdb(r: RowContext): CaseJson['veertiendagenbrieven'][number] | undefined {
  return r.kase.veertiendagenbrieven.find((v) => v.invoices.includes(r.claim.invoice_number));
}

/** The header line, after the BOM. */
export function csvHeader(): string {
  return BOM + CSV_COLUMNS.map((c) => quoteCell(inertText(c.header))).join(DELIMITER) + EOL;
}

/** One case's rows. */
export function csvCaseRows(doc: Pick<HandoverDocument, 'batch' | 'export_date'>, kase: CaseJson): string {
  let piece = '';
  kase.claims.forEach((claim, i) => {
    const ctx: RowContext = { doc, kase, claim, first: i === 0 };
    piece += CSV_COLUMNS.map((c) => render(c.cell(ctx))).join(DELIMITER) + EOL;
  });
  return piece;
}

/** handover.csv in pieces: the BOM and header, then one piece per case. */
export function* handoverCsvChunks(doc: HandoverDocument): Generator<string> {
  yield csvHeader();
  for (const kase of doc.cases) yield csvCaseRows(doc, kase);
}

/** handover.csv as bytes, from the same document as handover.json. */
export function handoverCsvBytes(doc: HandoverDocument): Buffer {
  return Buffer.from([...handoverCsvChunks(doc)].join(''), 'utf8');
}
