// `payments import`: bank statements in, payments recorded and allocated. Every file is read and
// parsed first (pure; any error and nothing is written, SPEC §2.3), then the credits are recorded
// in one transaction, oldest booking first, and stornos re-open what they reverse. A dry run does
// exactly the same on an in-memory copy of the ledger, so it shows what the real import would do.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { AppError } from '../errors.js';
import type { IsoDate } from '../domain/dates.js';
import { formatAmountNl, formatEuro } from '../domain/money.js';
import { issueLocation, type BankEntry, type BankIssue, type BankParseResult } from '../domain/bank-entry.js';
import { openLedger, type Ledger } from '../ledger/ledger.js';
import { openLedgerCopy } from '../ledger/copy.js';
import { appendEvent } from '../ledger/events.js';
import { countPaymentImport, findReversedPayment, insertPaymentImport, PaymentBook, reversePayment, type RecordedPayment } from '../ledger/payments.js';
import { parseBankFile } from '../importers/bank-file.js';
import { paymentsRefusal, sniffPath } from '../importers/sniff.js';
import type { LedgerAt } from './ledger-session.js';

export interface PaymentImportRequest extends LedgerAt {
  files: string[];
  cwd: string;
  today: IsoDate;
  /** The moment of the import, for its record in the ledger. */
  at?: Date;
  dryRun: boolean;
  /** `creditor.iban` from the config, when there is one: statements of other accounts are flagged. */
  creditorIban?: string | null;
  /** `payments.otherAccounts`: warn (default) or refuse statements of another account. */
  otherAccounts?: 'warn' | 'refuse';
  /** `--allow-unbalanced`: a statement whose balances do not add up is imported with a warning. */
  allowUnbalanced?: boolean;
  /** Called once per file read, with its name. */
  onProgress?: (file: string) => void;
}

export interface PaymentImportFile {
  file: string;
  format: string;
  sha256: string;
  statements: number;
  entries: number;
}

export interface PaymentImportTotals {
  entries: number;
  credits: number;
  debits: number;
  notBooked: number;
  returns: number;
  foreignCurrency: number;
  duplicates: number;
  recorded: number;
  matched: number;
  unmatched: number;
  recordedCents: number;
  allocatedCents: number;
  unallocatedCents: number;
  /** Payments a storno in the statement reversed. */
  reversed: number;
}

export interface PaymentImportReport {
  dryRun: boolean;
  importId: number | null;
  files: PaymentImportFile[];
  totals: PaymentImportTotals;
  payments: (RecordedPayment & { entry: BankEntry })[];
  warnings: BankIssue[];
}

interface ParsedFile {
  file: string;
  result: BankParseResult;
  sha256: string;
}

export function importPayments(req: PaymentImportRequest): PaymentImportReport {
  const warnings: BankIssue[] = [];
  const parsed = readBankFiles(req, warnings);

  const totals: PaymentImportTotals = {
    entries: 0, credits: 0, debits: 0, notBooked: 0, returns: 0, foreignCurrency: 0, duplicates: 0, recorded: 0, matched: 0, unmatched: 0,
    recordedCents: 0, allocatedCents: 0, unallocatedCents: 0, reversed: 0,
  };
  const files: PaymentImportFile[] = parsed.map((p) => ({ file: p.file, format: formatOf(p.result), sha256: p.sha256, statements: p.result.statements, entries: p.result.entries.length }));
  const fileRecords = files.map((f) => ({ file: f.file, sha256: f.sha256, format: f.format }));
  const warn = (e: BankEntry, code: string, message: string, hint: string): void => {
    warnings.push({ file: e.file, line: e.line, path: e.path, code, message: `${issueLocation(e)}: ${message}`, hint, severity: 'warning' });
  };
  const { payments, reversals } = sortEntries(parsed, totals, warn);

  // The real import, or for a dry run the same on a copy in memory.
  const ledger: Ledger = req.dryRun ? openLedgerCopy(req.ledgerPath, { command: req.commandLine }) : openLedger(req.ledgerPath, { command: req.commandLine });
  const db = ledger.db;

  let inTransaction = false;
  try {
    db.exec('BEGIN IMMEDIATE');
    inTransaction = true;
    const importId = insertPaymentImport(db, { at: req.at ?? new Date(), today: req.today, files: fileRecords, dryRun: req.dryRun });
    const book = new PaymentBook(db, { today: req.today });
    const recorded: PaymentImportReport['payments'] = [];
    for (const e of payments) {
      const r = book.record({
        date: e.bookingDate, amountCents: e.amountCents, source: e.format === 'mt940' ? `mt940-${e.variant}` : e.variant, sourceKey: e.sourceKey,
        counterpartyName: e.counterpartyName, counterpartyIban: e.counterpartyIban, reference: e.structuredRef, endToEndId: e.endToEndId,
        description: e.remittance, account: e.account, importId, origin: issueLocation(e), legacyKey: e.legacyKey ?? null, bankRefKey: e.bankRefKey ?? null,
      });
      if (r.duplicate) {
        totals.duplicates++;
        continue;
      }
      totals.recorded++;
      totals.recordedCents += e.amountCents;
      if (r.allocations.length > 0) totals.matched++;
      else totals.unmatched++;
      totals.allocatedCents += e.amountCents - r.unallocatedCents;
      totals.unallocatedCents += r.unallocatedCents;
      for (const a of r.allocations.filter((x) => x.status === 'handed_over')) {
        warn(e, 'handed_over', `${formatEuro(a.amountCents)} paid on invoice ${a.invoice}, which was handed over to the incassobureau`, 'Tell the incassobureau; `pre-incasso status` lists these payments.');
      }
      if (r.match && r.allocations.length === 0 && r.note) warn(e, 'already_settled', `payment of ${formatEuro(e.amountCents)} names ${r.note}: left unallocated`, 'Check it with `pre-incasso payments list --unmatched`.');
      recorded.push({ ...r, entry: e });
    }
    // Stornos: a debit that reverses a payment recorded earlier re-opens what that payment paid.
    for (const e of reversals) {
      const amount = `${e.currency === 'EUR' ? formatEuro(-e.amountCents) : `${formatAmountNl(-e.amountCents)} ${e.currency}`}`;
      const id = e.currency === 'EUR' ? findReversedPayment(db, e) : null;
      if (id === null) {
        warn(e, 'debit_return', `${amount} went out as a ${e.reversal ? 'reversal' : `return (${e.returnReason})`}${e.counterpartyName ? ` of ${e.counterpartyName}` : ''}: no payment in the ledger matches it`, 'If it undoes a payment recorded earlier, reopen that invoice in the bookkeeping and import the open items again.');
        continue;
      }
      const r = reversePayment(db, id, { today: req.today, on: e.bookingDate, by: `storno ${issueLocation(e)}` });
      totals.reversed++;
      const invoices = r.reopened.map((x) => `${x.invoice} (${formatEuro(x.openCents)} open again)`).join(', ');
      warn(e, 'payment_reversed', `${amount} reversed the payment of ${r.date}${invoices ? `: ${invoices}` : ''}`, 'Dunning resumes for these invoices; reverse the payment in the bookkeeping too.');
    }
    countPaymentImport(db, importId, { inserted: totals.recorded, unchanged: totals.duplicates });
    appendEvent(db, {
      kind: 'import',
      today: req.today,
      data: {
        kind: 'payments', import_id: importId, files: fileRecords, recorded: totals.recorded,
        duplicates: totals.duplicates, matched: totals.matched, unmatched: totals.unmatched, allocated_cents: totals.allocatedCents,
      },
    });
    // Nothing new (the same statement again): leave the ledger exactly as it was, not even an
    // import record, so a second run changes nothing (SPEC §2.1).
    const keep = !req.dryRun && (totals.recorded > 0 || totals.reversed > 0);
    db.exec(keep ? 'COMMIT' : 'ROLLBACK');
    inTransaction = false;
    return { dryRun: req.dryRun, importId: keep ? importId : null, files, totals, payments: recorded, warnings };
  } finally {
    // SQLite may have rolled back by itself (a full disk): never let a second error hide the first.
    if (inTransaction && db.inTransaction) db.exec('ROLLBACK');
    ledger.close();
  }
}

/**
 * Reads and parses every file before the ledger is opened; the warnings go to `warnings`, and
 * any error refuses the whole import.
 */
function readBankFiles(req: PaymentImportRequest, warnings: BankIssue[]): ParsedFile[] {
  const parsed: ParsedFile[] = [];
  const errors: BankIssue[] = [];
  for (const file of req.files) {
    const full = path.resolve(req.cwd, file);
    // Recognised by its first bytes: a folder, an empty file, a spreadsheet, a PDF or an
    // e-invoice is refused in one line that says what it is and where it belongs.
    const refusal = paymentsRefusal(sniffPath(full));
    if (refusal) throw new AppError('input_invalid', `${file}: ${refusal.what}; ${refusal.todo}.`);
    const bytes = fs.readFileSync(full);
    const result = parseBankFile(bytes, file);
    for (const issue of result.issues) {
      if (issue.severity === 'error' && issue.code === 'balance_mismatch' && req.allowUnbalanced) {
        warnings.push({ ...issue, severity: 'warning', hint: 'Imported because of --allow-unbalanced: check these entries against the bank.' });
      } else {
        (issue.severity === 'error' ? errors : warnings).push(issue);
      }
    }
    parsed.push({ file, result, sha256: createHash('sha256').update(bytes).digest('hex') });
    for (const issue of otherAccountIssues(result, file, req)) (issue.severity === 'error' ? errors : warnings).push(issue);
    req.onProgress?.(file);
  }
  if (errors.length > 0) {
    throw new AppError('input_invalid', `${errors.length} problem${errors.length === 1 ? '' : 's'} in the bank file${req.files.length === 1 ? '' : 's'}; nothing was imported.`, {
      details: errors.slice(0, 200).map((e) => `${e.message}${e.hint ? ` (${e.hint})` : ''}`).concat(errors.length > 200 ? [`… and ${errors.length - 200} more (--json lists all)`] : []),
      hint: 'Download the statement again from the bank (CAMT.053 if it offers it) and import that file.',
      data: { rejected: errors.map((e) => ({ file: e.file, line: e.line, path: e.path, code: e.code, message: e.message })) },
    });
  }
  return parsed;
}

function formatOf(r: BankParseResult): string {
  const variant = r.entries[0]?.variant;
  if (r.format === 'mt940') return variant ? `mt940-${variant}` : 'mt940';
  return variant ?? r.format ?? 'unknown';
}

const byBookingDate = (a: BankEntry, b: BankEntry): number => (a.bookingDate < b.bookingDate ? -1 : a.bookingDate > b.bookingDate ? 1 : 0);

/**
 * The payments (credits in euro that are not returns) and the stornos of all files, each in
 * booking order across the files (stable: file order within a day); the rest is counted.
 */
function sortEntries(parsed: ParsedFile[], totals: PaymentImportTotals, warn: (e: BankEntry, code: string, message: string, hint: string) => void): { payments: BankEntry[]; reversals: BankEntry[] } {
  const payments: BankEntry[] = [];
  const reversals: BankEntry[] = [];
  for (const { result } of parsed) {
    totals.notBooked += result.notBooked;
    for (const e of result.entries) {
      totals.entries++;
      if (e.amountCents < 0) {
        totals.debits++;
        if (e.reversal || e.returnReason) reversals.push(e);
        continue;
      }
      if (e.amountCents === 0) continue;
      totals.credits++;
      if (e.reversal || e.returnReason) {
        // Money that comes back (a returned transfer of ours, a reversed debit) is not a debtor paying.
        totals.returns++;
        continue;
      }
      if (e.currency !== 'EUR') {
        totals.foreignCurrency++;
        warn(e, 'foreign_currency', `a credit of ${formatAmountNl(e.amountCents)} ${e.currency} is not in euro: not imported`, 'pre-incasso collects euro claims only; book it by hand if it pays an invoice.');
        continue;
      }
      payments.push(e);
    }
  }
  payments.sort(byBookingDate);
  reversals.sort(byBookingDate);
  return { payments, reversals };
}

/**
 * Statements of an account that is not `creditor.iban`: a warning per account and file, or with
 * `payments.otherAccounts: "refuse"` an error. An old-style account number (ABN AMRO's
 * `123456789`) is the same account when it is the IBAN's account number without leading zeros.
 */
export function otherAccountIssues(result: BankParseResult, file: string, req: Pick<PaymentImportRequest, 'creditorIban' | 'otherAccounts'>): BankIssue[] {
  if (!req.creditorIban) return [];
  const own = req.creditorIban.replace(/\s+/g, '').toUpperCase();
  const ownNumber = own.startsWith('NL') ? own.slice(8).replace(/^0+/, '') : null;
  const counted = new Map<string, number>();
  for (const e of result.entries) {
    if (!e.account) continue;
    const account = e.account.replace(/\s+/g, '').toUpperCase();
    if (account === own) continue;
    if (ownNumber !== null && /^[0-9.]+$/.test(account) && account.replace(/\D/g, '').replace(/^0+/, '') === ownNumber) continue;
    counted.set(e.account, (counted.get(e.account) ?? 0) + 1);
  }
  const refuse = req.otherAccounts === 'refuse';
  return [...counted].map(([account, n]) => ({
    file, line: null, path: null, code: 'other_account', severity: refuse ? 'error' : 'warning',
    message: `${file}: ${n} entr${n === 1 ? 'y is' : 'ies are'} of account ${account}, not of creditor.iban ${req.creditorIban}${refuse ? '' : '; imported all the same'}`,
    hint: refuse
      ? 'Import only the statements of your own account, or set payments.otherAccounts to "warn" in the config.'
      : 'Check that this is your own statement; set payments.otherAccounts to "refuse" to refuse such files.',
  }));
}
