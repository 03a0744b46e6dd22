// The import pipeline: parse each file (streamed), check each row, upsert it, and commit only
// when every file was clean (or --skip-invalid). The ledger is written in one transaction held
// open across the streamed reads; this process holds the ledger lock meanwhile.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { AppError } from '../errors.js';
import type { Config } from '../config/schema.js';
import { openLedger, type Ledger } from '../ledger/ledger.js';
import type { ImportTotals } from '../ledger/invoice-import.js';
import { readInvoiceCsv } from '../importers/invoice-csv.js';
import type { ImportIssue } from '../importers/invoice-row.js';
import { debtorNameKey, type InvoiceRow } from '../domain/invoice-row.js';
import { ownString } from '../domain/own-string.js';
import { loadPreset } from '../importers/columns.js';
import { hasEmailAddress, isValidDutchVat, isValidKvk, normalisePostcode } from '../domain/identifiers.js';
import { LIMITATION_WARNING_DAYS, limitationWarning } from '../domain/limitation.js';
import { addDays, addYears } from '../domain/dates.js';
import { readEInvoice } from '../importers/einvoice.js';
import { importRefusal, sniffPath } from '../importers/sniff.js';
import { choosePreset, readHeaderCells } from '../importers/preset-choice.js';
import { columnLetters, openSheet } from '../importers/xlsx.js';
import type { DateOrder } from '../domain/dates.js';
import { openWriteChannel, type ImportWriteChannel } from './import-writer-client.js';

export interface ImportRequest {
  files: string[];
  cwd: string;
  ledgerPath: string;
  config: Config;
  today: string;
  commandLine: string;
  preset?: string | undefined;
  snapshot: boolean;
  force: boolean;
  dryRun: boolean;
  skipInvalid: boolean;
  /** The export's debtor details replace corrections made with `debtor set`. */
  overwriteCorrections?: boolean;
  encoding?: 'utf-8' | 'windows-1252' | undefined;
  delimiter?: ';' | ',' | '\t' | undefined;
  decimal?: ',' | '.' | undefined;
  dateOrder?: DateOrder | undefined;
  /** The sheet of an .xlsx to read (name or 1-based number); default the first. */
  sheet?: string | undefined;
  onProgress?: (rows: number) => void;
}

/** An import issue as reported: where it is, as printed, and the issue's own fields. */
export type IssueOut = Pick<ImportIssue, 'file' | 'line' | 'column' | 'code' | 'message' | 'hint'> & {
  /** Where, as printed: `file:line:column` or `file.xlsx:Sheet!C7`. */
  where: string;
};

export interface ImportReport {
  dryRun: boolean;
  importId: number | null;
  totals: ImportTotals;
  rejected: IssueOut[];
  warnings: IssueOut[];
  files: { file: string; sha256: string; rows: number; encoding: string; delimiter: string; decimal: string | null; format: string; preset: string; presetChosen: 'option' | 'header' | 'default' }[];
}

const MAX_WARNINGS = 10_000;
/** Rows read between two turns of the event loop (see the reading loop). */
const TURN_ROWS = 8192;

export async function importInvoices(req: ImportRequest): Promise<ImportReport> {
  // Every file is recognised by its first bytes before the ledger is opened: a refused file
  // leaves nothing written, not even a new ledger.
  const files = req.files.map((f) => {
    const full = path.resolve(req.cwd, f);
    const kind = sniffPath(full);
    const refusal = importRefusal(kind);
    if (refusal) throw new AppError('input_invalid', `${f}: ${refusal.what}; ${refusal.todo}.`);
    return { full, display: f, kind };
  });
  if (req.sheet !== undefined && !files.some((f) => f.kind.kind === 'xlsx')) {
    throw new AppError('usage', '--sheet is given but no file is an Excel workbook (.xlsx).', { hint: 'Leave out --sheet for CSV and XML files.' });
  }
  const preset = req.preset ? loadPreset(req.preset, req.cwd) : undefined;

  // A dry run never creates or locks the ledger: it reads it if it exists.
  const ledgerExists = fs.existsSync(req.ledgerPath);
  let ledger: Ledger | null = null;
  if (!req.dryRun) ledger = openLedger(req.ledgerPath, { create: true, command: req.commandLine });
  else if (ledgerExists) ledger = openLedger(req.ledgerPath, { readonly: true, command: req.commandLine });
  const db = ledger?.db ?? null;

  // The rows are written by a writer thread that owns the write transaction (or, in a dry run,
  // compared in this thread): see import-writer-client.ts. This thread keeps the lock throughout.
  let channel: ImportWriteChannel | null = null;
  try {
    channel = openWriteChannel(db, ledger?.path ?? null, {
      write: !req.dryRun,
      today: req.today,
      overwriteCorrections: req.overwriteCorrections === true,
      recordedOptions: JSON.stringify({ preset: req.preset ?? 'generic', snapshot: req.snapshot, skip_invalid: req.skipInvalid, overwrite_corrections: req.overwriteCorrections === true }),
      snapshot: req.snapshot,
    });
    const writer = channel;
    const errors: IssueOut[] = [];
    const warnings: IssueOut[] = [];
    const fileReports: ImportReport['files'] = [];
    const warnedDebtors = new Set<string>();
    // Invoices due after this date are too young for any limitation warning (2 years - 90 days).
    const limitationHorizon = addDays(addYears(req.today, -2), LIMITATION_WARNING_DAYS);
    let rowsDone = 0;

    // One debtor number with two names or two e-mail addresses in one file is two people or a
    // typo: an error naming both lines (with --skip-invalid the later row is left out, so the
    // first row's details are the ones kept).
    // Keyed by file, then debtor number. Most rows repeat their debtor's first row word for word:
    // those are compared as written, without normalising the name again (a million rows).
    const debtorsSeen = new Map<string, Map<string, { line: number; name: string; email: string; rawName: string; rawEmail: string | null }>>();
    const conflict = (row: InvoiceRow): IssueOut | null => {
      const d = row.debtor;
      let inFile = debtorsSeen.get(row.file);
      if (!inFile) debtorsSeen.set(row.file, (inFile = new Map()));
      const first = inFile.get(d.number);
      if (first && d.name === first.rawName && d.email === first.rawEmail) return null;
      const name = d.name === d.number ? '' : debtorNameKey(d.name);
      const email = (d.email ?? '').trim().toLowerCase();
      if (!first) {
        // Kept to the end of the import: copies, not slices of the file's text (domain/own-string.ts).
        inFile.set(ownString(d.number), { line: row.line, name: ownString(name), email: ownString(email), rawName: ownString(d.name), rawEmail: d.email === null ? null : ownString(d.email) });
        return null;
      }
      const what = first.name !== '' && name !== '' && first.name !== name ? 'name' : first.email !== '' && email !== '' && first.email !== email ? 'e-mail address' : null;
      if (!what) {
        if (first.name === '') first.name = ownString(name);
        if (first.email === '') first.email = ownString(email);
        return null;
      }
      const mine = what === 'name' ? d.name : d.email ?? '';
      return {
        file: row.file, line: row.line, column: 0, where: row.line > 0 ? `${row.file}:${row.line}` : row.file, code: 'debtor_conflict',
        message: `debtor ${d.number} has the ${what} "${mine}" on line ${row.line} but another ${what} on line ${first.line}: one debtor number for two debtors?`,
        hint: 'Give each debtor its own number in the bookkeeping, or correct the row that is wrong. With --skip-invalid the later row is left out and the first one counts.',
      };
    };

    const handleRow = (row: InvoiceRow): void => {
      const clash = conflict(row);
      if (clash) {
        errors.push(clash);
        return;
      }
      writer.apply(row);
      if (warnings.length < MAX_WARNINGS) collectWarnings(row, req.today, limitationHorizon, warnedDebtors, warnings);
      if (++rowsDone % 50_000 === 0) req.onProgress?.(rowsDone);
    };

    for (const [index, f] of files.entries()) {
      writer.startFile(index);
      if (f.kind.kind === 'ubl' || f.kind.kind === 'cii') {
        const result = await readEInvoice(f.full, f.kind.kind, { displayName: f.display, paymentTermDays: req.config.defaults.paymentTermDays, defaultDebtorType: req.config.defaults.debtorType, defaultLanguage: req.config.defaults.language, creditor: req.config.creditor });
        for (const issue of result.issues) (issue.severity === 'error' ? errors : warnings).push(toOut(issue));
        if (result.row && !result.issues.some((i) => i.severity === 'error')) handleRow(result.row);
        fileReports.push({ file: f.display, sha256: '', rows: result.row ? 1 : 0, encoding: result.encoding, delimiter: '', decimal: '.', format: f.kind.kind === 'ubl' ? 'UBL' : 'CII', preset: '', presetChosen: 'default' });
        continue;
      }
      const sheet = f.kind.kind === 'xlsx' ? await openSheet(f.full, { sheet: req.sheet, decimal: req.decimal ?? ',' }) : null;
      const headerCells = sheet ? sheet.header : await readHeaderCells(f.full, f.kind.kind === 'text' ? f.kind.utf16 : undefined, req.encoding, req.delimiter);
      const chosen = preset ? { preset, how: 'option' as const } : choosePreset(headerCells);
      const displayName = sheet ? `${f.display}:${sheet.name}` : f.display;
      const reader = readInvoiceCsv(f.full, {
        displayName,
        preset: chosen.preset,
        ...(f.kind.kind === 'text' && f.kind.utf16 ? { utf16: f.kind.utf16 } : {}),
        ...(sheet ? { records: { batches: sheet.batches(), encoding: 'xlsx' } } : {}),
        ...(req.dateOrder ? { dateOrder: req.dateOrder } : {}),
        encoding: req.encoding,
        delimiter: req.delimiter,
        decimal: sheet ? (req.decimal ?? ',') : req.decimal,
        paymentTermDays: req.config.defaults.paymentTermDays,
        defaultDebtorType: req.config.defaults.debtorType,
        defaultLanguage: req.config.defaults.language,
      });
      let step = await reader.next();
      let sinceTurn = 0;
      while (!step.done) {
        handleRow(step.value);
        if (writer.busy) await writer.drained();
        else if (++sinceTurn === TURN_ROWS) {
          // A turn of the event loop now and then: while the writer keeps up, this loop runs on
          // promises alone, and the tasks V8 posts for its garbage collector (and the writer's
          // acknowledgements) wait for a turn. On its own it did not remove the memory peaks of
          // a million-row import; the batch size did (import-writer-client.ts).
          sinceTurn = 0;
          await new Promise(setImmediate);
        }
        step = await reader.next();
      }
      const summary = step.value;
      for (const issue of summary.issues) (issue.severity === 'error' ? errors : warnings).push(toOut(issue, sheet !== null));
      fileReports.push({ file: displayName, sha256: '', rows: summary.rows, encoding: summary.encoding, delimiter: sheet ? '' : summary.delimiter, decimal: summary.decimal ?? null, format: sheet ? 'xlsx' : 'CSV', preset: chosen.preset.name, presetChosen: chosen.how });
    }

    // What was kept per debtor to check the rows is not needed any more (the writer seals next).
    debtorsSeen.clear();
    warnedDebtors.clear();
    // File-level problems (missing columns, undecidable decimal mark) cannot be skipped.
    const fileLevel = errors.filter((e) => e.line === 0);
    if (errors.length > 0 && (!req.skipInvalid || fileLevel.length > 0)) {
      if (errors.length === 1) {
        // One problem: one line that says where, what and that nothing was imported.
        const e = errors[0]!;
        throw new AppError('input_invalid', `${e.where}: ${e.message}; nothing was imported.`, {
          ...(e.hint ? { hint: e.hint } : {}),
          data: { rejected: errors.map(({ hint: _hint, where: _where, ...rest }) => rest) },
        });
      }
      throw new AppError('input_invalid', `${errors.length} problem${errors.length === 1 ? '' : 's'} in the input; nothing was imported.`, {
        details: errors.slice(0, 200).map((e) => `${e.where}: ${e.message}${e.hint ? ` (${e.hint})` : ''}`).concat(errors.length > 200 ? [`… and ${errors.length - 200} more (--json lists all)`] : []),
        hint: fileLevel.length > 0
          ? 'Fix the file(s) and import again; a problem of a whole file (its columns, dates, e-invoice) cannot be skipped.'
          : 'Fix the rows in the export and import again, or use --skip-invalid to import the valid rows only.',
        data: { rejected: errors.map(({ hint: _hint, where: _where, ...rest }) => rest) },
      });
    }

    // Each file's SHA-256 (the import's record) is taken while the writer seals the ledger.
    const hashed = async (): Promise<{ file: string; sha256: string; rows: number }[]> => {
      const sums = await Promise.all(files.map((f) => hashFile(f.full)));
      fileReports.forEach((r, i) => (r.sha256 = sums[i]!));
      return fileReports.map((f) => ({ file: f.file, sha256: f.sha256, rows: f.rows }));
    };
    const totals = await writer.finish({ rejected: errors.length, force: req.force }, hashed);
    return {
      dryRun: req.dryRun,
      importId: req.dryRun ? null : writer.importId,
      totals,
      rejected: errors,
      warnings,
      files: fileReports,
    };
  } finally {
    // Whatever was not committed is rolled back, and the writer has let go, before the lock goes.
    try {
      await channel?.close();
    } finally {
      ledger?.close();
    }
  }
}

/** `file:line:column`, or `file.xlsx:Sheet!C7` for a spreadsheet cell. */
function toOut(issue: ImportIssue, spreadsheet = false): IssueOut {
  const where = issue.line <= 0 ? issue.file : spreadsheet ? `${issue.file}!${issue.column > 0 ? columnLetters(issue.column) : 'row '}${issue.line}` : `${issue.file}:${issue.line}${issue.column > 0 ? `:${issue.column}` : ''}`;
  return { file: issue.file, line: issue.line, column: issue.column, code: issue.code, message: issue.message, hint: issue.hint, where };
}

/** Suspicious but importable data: warn, do not reject. */
function collectWarnings(row: InvoiceRow, today: string, limitationHorizon: string, warnedDebtors: Set<string>, out: IssueOut[]): void {
  const d = row.debtor;
  const overdueLong = row.openCents > 0 && row.dueDate <= limitationHorizon;
  // Most rows of a big file have nothing to check: their debtor was checked at its first row.
  if (!overdueLong && warnedDebtors.has(d.number)) return;
  const warn = (code: string, message: string, hint: string): void => {
    out.push({ file: row.file, line: row.line, column: 0, code, message, hint, where: row.line > 0 ? `${row.file}:${row.line}` : row.file });
  };
  if (!warnedDebtors.has(d.number)) {
    warnedDebtors.add(ownString(d.number));
    if (d.email && !hasEmailAddress(d.email)) warn('suspicious_email', `debtor ${d.number}: e-mail "${d.email}" does not look like an address`, 'Letters to this debtor go by post until it is fixed.');
    if (d.postcode && d.country === 'NL') {
      const pc = normalisePostcode(d.postcode);
      if (!pc) warn('suspicious_postcode', `debtor ${d.number}: postcode "${d.postcode}" is not a Dutch postcode (1234 AB)`, 'Check the address before letters go by post.');
      else if (pc.warning) warn('suspicious_postcode', `debtor ${d.number}: ${pc.warning}`, 'Check the address.');
    }
    if (d.vatNumber && /^NL/i.test(d.vatNumber) && !isValidDutchVat(d.vatNumber)) warn('suspicious_vat', `debtor ${d.number}: VAT number "${d.vatNumber}" fails the check digits`, 'Check the VAT number in the bookkeeping.');
    if (d.kvk && !isValidKvk(d.kvk)) warn('suspicious_kvk', `debtor ${d.number}: KvK number "${d.kvk}" is not 8 digits`, 'Check the KvK number.');
    if (d.type === 'consumer' && !d.typeKnown) {
      // Unknown type counts as consumer (SPEC §4): the safe side, but the user should know.
    }
  }
  if (overdueLong) {
    const limitation = limitationWarning(row.dueDate, today, d.type);
    if (limitation) warn('limitation', `invoice ${row.invoiceNumber}: ${limitation}`, 'A time-barred claim cannot be collected if the debtor invokes it (3:322 BW).');
  }
}

/**
 * The file's SHA-256, read through one reused 1 MB buffer: a read stream would hand out a new
 * 64 KB buffer per chunk (2,400 of them for a 150 MB file, read at the end of a big import while
 * the writer seals), each freed only when the garbage collector gets to it.
 */
async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}
