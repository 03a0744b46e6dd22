// Payments: recording bank entries and manual payments, finding the invoice each one pays, and
// allocating the money. Every payment and allocation is appended to the event log in the same
// transaction as the change itself.
//
// Matching follows the order of evidence in domain/formats.md §4.4; the first step that names
// invoices of exactly one debtor wins:
//   1. the structured reference (betalingskenmerk, RF) equals an invoice's payment reference, or
//      the RF reference printed on one of our letters (then the letter's due invoices);
//   2. the end-to-end id equals an invoice number or payment reference;
//   3. invoice numbers (or references) found in the remittance text, as whole tokens;
//   4. the amount equals the open amount of exactly one open invoice in the whole ledger AND the
//      counterparty's name is the debtor's name (no IBANs are stored for debtors, so the IBAN
//      half of the rule cannot apply);
//   5. otherwise the payment stays unallocated, for `payments list --unmatched`.
// Money goes to the matched invoices oldest first, then to the debtor's other open invoices
// oldest first; what is left stays unallocated. An invoice whose open amount reaches zero is
// `paid`; one handed over to the incassobureau keeps that status (the agency must hear of it).
import { nameKey } from '../domain/name-key.js';
import { AppError } from '../errors.js';
import type { IsoDate } from '../domain/dates.js';
import type { BankEntry } from '../domain/bank-entry.js';
import type { Db } from './ledger.js';
import { appendEvent } from './events.js';

export type AllocationMethod = 'structured' | 'letter' | 'end_to_end' | 'text' | 'amount_name' | 'manual' | 'surplus';

/** What a payment row says, as recorded and as listed. */
export interface PaymentFields {
  date: IsoDate;
  amountCents: number;
  /** `camt.053.001.02`, `mt940-ing`, `manual`, … */
  source: string;
  /** Null for manual payments (each one is new). */
  sourceKey: string | null;
  counterpartyName: string | null;
  counterpartyIban: string | null;
  /** The structured reference (or, for a manual payment, the text given with --reference). */
  reference: string | null;
  endToEndId: string | null;
  description: string | null;
}

export interface PaymentInput extends PaymentFields {
  account: string | null;
  importId: number | null;
  /** Where it came from, for the event log: `file:line` or `file: element path`. */
  origin?: string | null;
  /** The key an older pre-incasso gave the entry (see BankEntry.legacyKey). */
  legacyKey?: string | null;
  /** The bank's own unique entry reference on the account (see BankEntry.bankRefKey). */
  bankRefKey?: string | null;
}

export interface Match {
  method: AllocationMethod;
  debtor: string;
  /** The invoices the evidence names, oldest first. */
  invoices: string[];
}

export interface Allocation {
  invoice: string;
  debtor: string;
  amountCents: number;
  method: AllocationMethod;
  openCentsAfter: number;
  status: string;
}

export interface RecordedPayment {
  paymentId: number | null;
  duplicate: boolean;
  payment: PaymentInput;
  match: Match | null;
  allocations: Allocation[];
  unallocatedCents: number;
  /** Why nothing or not everything was allocated, when there is more to say than "no match". */
  note: string | null;
}

// The same expressions as the indexes of migration 008, so lookups use them.
/** The same value for both halves of a UNION query. */
const twice = (v: string): [string, string] => [v, v];

const REFERENCE_KEY_SQL = "upper(replace(reference, ' ', ''))";
const NUMBER_KEY_SQL = "upper(replace(replace(number, ' ', ''), '.', ''))";

const asciiUpper = (text: string): string => text.replace(/[a-z]+/g, (m) => m.toUpperCase());
/** A payment reference as compared: without spaces, upper case (SQLite's upper() is ASCII only). */
export const referenceKey = (text: string): string => asciiUpper(text.replace(/ /g, ''));
/** An invoice number as compared: without spaces and dots, upper case ("F 2024.0012" = "F20240012"). */
export const invoiceNumberKey = (text: string): string => asciiUpper(text.replace(/[ .]/g, ''));

export { nameKey };

// Words that precede an invoice number in Dutch and English remittance text ("factuur 2024-12",
// "fact. 123", "Factuurnr: 88", "INV-0042", "nr. 17", "F2024.0012").
const PREFIX = /^(FACTUURNUMMER|FACTUURNR|FACTUUR|FACT|INVOICENUMBER|INVOICENO|INVOICE|INV|NUMMER|NUMBER|NR|NO|F)[.:#\-_]*(?=[0-9])/;
const PREFIX_WORD = /(?<=[0-9])(?=(FACTUURNUMMER|FACTUURNR|FACTUUR|FACT|INVOICE|INV|NR)[.:#\-_]*[0-9])/;
const TRIM = /^[.\-:#_]+|[.\-:#_]+$/g;

/**
 * The invoice numbers and payment references a remittance text may contain: whole tokens only,
 * so "1234" is not found in "0030001234". Tokens are split at spaces and punctuation, also at
 * "/" ("NR.201303-111/11.3.2013"), with a leading word like "factuur" or "INV" taken off; digit
 * groups written apart ("2024 0012", "5010 0123 6897 1337") are joined as well.
 */
export function textCandidates(text: string | null): { numbers: string[]; references: string[] } {
  const numbers = new Set<string>();
  const references = new Set<string>();
  if (!text) return { numbers: [], references: [] };
  const words = asciiUpper(text).split(/[\s,;()[\]{}'"*+=<>!?|\\]+/).map((w) => w.replace(TRIM, '')).filter((w) => w !== '');
  const add = (raw: string): void => {
    const t = raw.replace(TRIM, '');
    if (t === '') return;
    for (const candidate of [t, t.replace(PREFIX, '')]) {
      const digits = candidate.replace(/[^0-9]/g, '').length;
      if (digits < 3) continue;
      numbers.add(invoiceNumberKey(candidate));
      if (digits >= 5 && candidate.length >= 7) references.add(referenceKey(candidate));
    }
  };
  for (const word of words) {
    add(word);
    // Lines joined by the bank glue words together ("11.3.2013NR.201303-112"): split there too.
    for (const part of word.split(/[/:]/)) for (const piece of part.split(PREFIX_WORD)) if (piece !== word) add(piece);
  }
  for (let i = 0; i < words.length; i++) {
    // "F 2024.0012": a short word before a number may be part of it.
    if (/^[A-Z]{1,4}$/.test(words[i]!) && i + 1 < words.length && /^[0-9]/.test(words[i + 1]!)) add(words[i]! + words[i + 1]!);
    let joined = words[i]!;
    for (let j = i + 1; j < Math.min(words.length, i + 4) && /^[0-9.]+$/.test(joined) && /^[0-9.]+$/.test(words[j]!); j++) {
      joined += words[j]!;
      add(joined);
    }
  }
  return { numbers: [...numbers], references: [...references] };
}

type InvoiceRow = { number: string; debtor_number: string; due_date: string };
type StateRow = { number: string; debtor_number: string; open_cents: number; status: string };

function prepareStatements(db: Db) {
  return {
    insertPayment: db.prepare(
      `INSERT INTO payments (date, amount_cents, source, source_key, counterparty_name, counterparty_iban, reference, description, import_id, end_to_end_id, account, bank_ref_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source_key) DO NOTHING`,
    ),
    // The same bank entry under another key: recorded by an older version (its key then), or
    // read from another message of the bank (the same AcctSvcrRef). Only with the same date,
    // amount and counterparty: a reference alone has been reused for another payment.
    sameEntry: db.prepare(
      `SELECT 1 FROM payments WHERE (source_key IN (?, ?) OR bank_ref_key = ?) AND date = ? AND amount_cents = ? AND counterparty_iban IS ? LIMIT 1`,
    ),
    byReference: db.prepare(`SELECT number, debtor_number, due_date FROM invoices WHERE reference IS NOT NULL AND ${REFERENCE_KEY_SQL} = ?`),
    byReferences: db.prepare(
      `SELECT number, debtor_number, due_date FROM invoices WHERE reference IS NOT NULL AND ${REFERENCE_KEY_SQL} IN (SELECT value FROM json_each(?))`,
    ),
    // Numbers that are their own key through the primary key; the others through the partial index.
    byNumbers: db.prepare(
      `SELECT number, debtor_number, due_date FROM invoices WHERE number IN (SELECT value FROM json_each(?))
       UNION
       SELECT number, debtor_number, due_date FROM invoices WHERE number <> ${NUMBER_KEY_SQL} AND ${NUMBER_KEY_SQL} IN (SELECT value FROM json_each(?))`,
    ),
    letterByReference: db.prepare(`SELECT id, debtor_number FROM letters WHERE ${REFERENCE_KEY_SQL} = ? ORDER BY date DESC, id DESC LIMIT 1`),
    letterDue: db.prepare(
      `SELECT i.number, i.debtor_number, i.due_date FROM letter_invoices li JOIN invoices i ON i.number = li.invoice_number
       WHERE li.letter_id = ? AND li.role = 'due'`,
    ),
    openByAmount: db.prepare(
      `SELECT i.number, i.debtor_number, i.due_date, d.name FROM invoices i JOIN debtors d ON d.number = i.debtor_number
       WHERE i.open_cents = ? AND i.status IN ('open', 'handed_over') LIMIT 2`,
    ),
    state: db.prepare('SELECT number, debtor_number, open_cents, status FROM invoices WHERE number = ?'),
    debtorOpen: db.prepare(
      "SELECT number, debtor_number, open_cents, status FROM invoices WHERE debtor_number = ? AND status = 'open' AND open_cents > 0 ORDER BY due_date, number",
    ),
    updateInvoice: db.prepare('UPDATE invoices SET open_cents = ?, status = ? WHERE number = ?'),
    insertAllocation: db.prepare('INSERT INTO allocations (payment_id, invoice_number, amount_cents, method) VALUES (?, ?, ?, ?)'),
  };
}

/** Records payments and allocates them; one instance per transaction, statements prepared once. */
export class PaymentBook {
  private readonly db: Db;
  private readonly today: IsoDate;
  private readonly s: ReturnType<typeof prepareStatements>;

  constructor(db: Db, options: { today: IsoDate }) {
    this.db = db;
    this.today = options.today;
    this.s = prepareStatements(db);
  }

  /**
   * Records one payment (nothing when its source key is known: a re-imported statement) and
   * allocates it: to `invoice` when given (a manual payment), else to what the evidence names.
   */
  record(input: PaymentInput, invoice?: string): RecordedPayment {
    if (!Number.isSafeInteger(input.amountCents) || input.amountCents <= 0) throw new RangeError(`a payment must be a positive amount of cents, got ${input.amountCents}`);
    let named: Match | null = null;
    if (invoice !== undefined) {
      const row = this.s.state.get(invoice) as StateRow | undefined;
      if (!row) throw new AppError('not_found', `No invoice "${invoice}" in the ledger.`, { hint: 'Check the invoice number; `pre-incasso status` shows what the ledger holds.' });
      named = { method: 'manual', debtor: row.debtor_number, invoices: [row.number] };
    }
    const known = (input.legacyKey || input.bankRefKey)
      && this.s.sameEntry.get(input.legacyKey ?? null, input.bankRefKey ?? null, input.bankRefKey ?? null, input.date, input.amountCents, input.counterpartyIban) !== undefined;
    const inserted = known
      ? { changes: 0, lastInsertRowid: 0 }
      : this.s.insertPayment.run(
        input.date, input.amountCents, input.source, input.sourceKey, input.counterpartyName, input.counterpartyIban, input.reference, input.description,
        input.importId, input.endToEndId, input.account, input.bankRefKey ?? null,
      );
    if (inserted.changes === 0) {
      return { paymentId: null, duplicate: true, payment: input, match: null, allocations: [], unallocatedCents: 0, note: null };
    }
    const paymentId = Number(inserted.lastInsertRowid);
    const match = named ?? this.findMatch(input);
    appendEvent(this.db, {
      kind: 'payment_recorded',
      today: this.today,
      debtor: match?.debtor ?? null,
      invoice: match && match.invoices.length === 1 ? match.invoices[0] : null,
      data: {
        payment_id: paymentId, date: input.date, amount_cents: input.amountCents, source: input.source, source_key: input.sourceKey,
        counterparty_name: input.counterpartyName, counterparty_iban: input.counterpartyIban, reference: input.reference, end_to_end_id: input.endToEndId,
        import_id: input.importId, origin: input.origin ?? null, method: match?.method ?? null, invoices: match?.invoices ?? [],
      },
    });
    const { allocations, rest, note } = match ? this.allocate(paymentId, input.amountCents, match) : { allocations: [], rest: input.amountCents, note: null };
    return { paymentId, duplicate: false, payment: input, match, allocations, unallocatedCents: rest, note };
  }

  /** The invoices a payment pays, by the first step of evidence that names exactly one debtor. */
  findMatch(p: Pick<PaymentInput, 'reference' | 'endToEndId' | 'description' | 'amountCents' | 'counterpartyName'>): Match | null {
    if (p.reference) {
      const key = referenceKey(p.reference);
      const byInvoice = single('structured', this.s.byReference.all(key) as InvoiceRow[]);
      if (byInvoice) return byInvoice;
      const letter = this.s.letterByReference.get(key) as { id: number; debtor_number: string } | undefined;
      if (letter) {
        const due = single('letter', this.s.letterDue.all(letter.id) as InvoiceRow[]);
        if (due) return due;
      }
    }
    if (p.endToEndId) {
      const found = [
        ...(this.s.byNumbers.all(...twice(JSON.stringify([invoiceNumberKey(p.endToEndId)]))) as InvoiceRow[]),
        ...(this.s.byReference.all(referenceKey(p.endToEndId)) as InvoiceRow[]),
      ];
      const m = single('end_to_end', found);
      if (m) return m;
    }
    if (p.description) {
      const { numbers, references } = textCandidates(p.description);
      const found = [
        ...(numbers.length ? (this.s.byNumbers.all(...twice(JSON.stringify(numbers))) as InvoiceRow[]) : []),
        ...(references.length ? (this.s.byReferences.all(JSON.stringify(references)) as InvoiceRow[]) : []),
      ];
      const m = single('text', found);
      if (m) return m;
    }
    if (p.counterpartyName) {
      const rows = this.s.openByAmount.all(p.amountCents) as (InvoiceRow & { name: string })[];
      if (rows.length === 1 && nameKey(rows[0]!.name) !== '' && nameKey(rows[0]!.name) === nameKey(p.counterpartyName)) {
        return { method: 'amount_name', debtor: rows[0]!.debtor_number, invoices: [rows[0]!.number] };
      }
    }
    return null;
  }

  private allocate(paymentId: number, amountCents: number, match: Match): { allocations: Allocation[]; rest: number; note: string | null } {
    const allocations: Allocation[] = [];
    let rest = amountCents;
    const targets = match.invoices.map((n) => this.s.state.get(n) as StateRow).filter((r) => r !== undefined);
    const payable = (r: StateRow): boolean => r.open_cents > 0 && (r.status === 'open' || r.status === 'handed_over');
    if (!targets.some(payable)) {
      // The invoice was settled before (in the bookkeeping or by an earlier payment): the money
      // must not silently pay another invoice the debtor never meant. Someone has to look.
      return { allocations, rest, note: `${match.invoices.join(', ')} ${match.invoices.length === 1 ? 'has' : 'have'} nothing open (status ${[...new Set(targets.map((t) => t.status))].join('/') || 'unknown'})` };
    }
    const apply = (row: StateRow, method: AllocationMethod): void => {
      const amount = Math.min(row.open_cents, rest);
      if (amount <= 0) return;
      const open = row.open_cents - amount;
      const status = row.status === 'open' && open === 0 ? 'paid' : row.status;
      this.s.updateInvoice.run(open, status, row.number);
      this.s.insertAllocation.run(paymentId, row.number, amount, method);
      appendEvent(this.db, {
        kind: 'payment_allocated', today: this.today, debtor: row.debtor_number, invoice: row.number,
        data: { payment_id: paymentId, amount_cents: amount, method, open_cents: open, status, previous_status: row.status },
      });
      allocations.push({ invoice: row.number, debtor: row.debtor_number, amountCents: amount, method, openCentsAfter: open, status });
      rest -= amount;
    };
    for (const row of targets) if (payable(row)) apply(row, match.method);
    if (rest > 0) {
      // More than the named invoices: the debtor's other open invoices, oldest first.
      const named = new Set(match.invoices);
      for (const row of this.s.debtorOpen.all(match.debtor) as StateRow[]) {
        if (rest <= 0) break;
        if (!named.has(row.number)) apply(row, 'surplus');
      }
    }
    return { allocations, rest, note: rest > 0 ? 'more than the debtor owes' : null };
  }
}

export interface ReversedPayment {
  paymentId: number;
  date: IsoDate;
  amountCents: number;
  reopened: { invoice: string; debtor: string; amountCents: number; openCents: number; status: string }[];
}

/**
 * Undoes a payment (a storno in a later bank statement, or `payments undo`): its allocations are
 * removed and each invoice gets back the open amount the ledger's remaining facts leave, capped by
 * what the latest export stated. The payment row stays, marked reversed; the event log keeps all.
 */
export function reversePayment(db: Db, paymentId: number, options: { today: IsoDate; on: IsoDate; by: string }): ReversedPayment {
  const payment = db.prepare('SELECT id, date, amount_cents FROM payments WHERE id = ?').get(paymentId) as { id: number; date: string; amount_cents: number } | undefined;
  if (!payment) throw new AppError('not_found', `No payment ${paymentId} in the ledger.`, { hint: '`pre-incasso payments list` shows the payments with their numbers.' });
  const allocations = db.prepare('SELECT invoice_number, amount_cents FROM allocations WHERE payment_id = ? ORDER BY rowid').raw().all(paymentId) as [string, number][];
  const reopened: ReversedPayment['reopened'] = [];
  db.prepare('DELETE FROM allocations WHERE payment_id = ?').run(paymentId);
  const read = db.prepare(
    `SELECT debtor_number, amount_cents, open_cents, status, export_open_cents,
            (SELECT coalesce(sum(a.amount_cents), 0) FROM allocations a WHERE a.invoice_number = invoices.number)
     FROM invoices WHERE number = ?`,
  ).raw();
  const update = db.prepare('UPDATE invoices SET open_cents = ?, status = ? WHERE number = ?');
  for (const [invoice, amount] of allocations) {
    const [debtor, invoiceAmount, open, status, exportOpen, allocated] = read.get(invoice) as [string, number, number, string, number | null, number];
    const figure = Math.max(0, Math.min(exportOpen ?? invoiceAmount, invoiceAmount - allocated, open + amount));
    const newStatus = status === 'paid' && figure > 0 ? 'open' : status;
    update.run(figure, newStatus, invoice);
    appendEvent(db, {
      kind: 'payment_reversed', today: options.today, debtor, invoice,
      data: { payment_id: paymentId, amount_cents: amount, open_cents: figure, status: newStatus, previous_status: status, by: options.by },
    });
    reopened.push({ invoice, debtor, amountCents: amount, openCents: figure, status: newStatus });
  }
  db.prepare('UPDATE payments SET reversed_on = ?, reversed_by = ? WHERE id = ?').run(options.on, options.by, paymentId);
  if (allocations.length === 0) appendEvent(db, { kind: 'payment_reversed', today: options.today, data: { payment_id: paymentId, by: options.by } });
  return { paymentId, date: payment.date, amountCents: payment.amount_cents, reopened };
}

/** The payment a storno (a debit reversing a credit) undoes: same amount, same payer or reference, not reversed yet. */
export function findReversedPayment(db: Db, e: Pick<BankEntry, 'amountCents' | 'bookingDate' | 'endToEndId' | 'counterpartyIban' | 'structuredRef'>): number | null {
  const row = db
    .prepare(
      `SELECT id FROM payments WHERE reversed_on IS NULL AND amount_cents = ? AND date <= ?
         AND ((? IS NOT NULL AND end_to_end_id = ?) OR (? IS NOT NULL AND counterparty_iban = ?) OR (? IS NOT NULL AND upper(replace(reference, ' ', '')) = ?))
       ORDER BY date DESC, id DESC LIMIT 1`,
    )
    .get(-e.amountCents, e.bookingDate, e.endToEndId, e.endToEndId, e.counterpartyIban, e.counterpartyIban, e.structuredRef, e.structuredRef ? referenceKey(e.structuredRef) : null) as
    | { id: number }
    | undefined;
  return row?.id ?? null;
}

/** The invoices found, oldest first, when they all belong to one debtor; otherwise no match. */
function single(method: AllocationMethod, rows: InvoiceRow[]): Match | null {
  if (rows.length === 0) return null;
  const debtors = new Set(rows.map((r) => r.debtor_number));
  if (debtors.size !== 1) return null;
  const unique = [...new Map(rows.map((r) => [r.number, r])).values()];
  unique.sort((a, b) => (a.due_date < b.due_date ? -1 : a.due_date > b.due_date ? 1 : a.number < b.number ? -1 : a.number > b.number ? 1 : 0));
  return { method, debtor: rows[0]!.debtor_number, invoices: unique.map((r) => r.number) };
}

// ---------------------------------------------------------------------------------------------
// Listing

export interface PaymentListItem extends PaymentFields {
  id: number;
  allocatedCents: number;
  unallocatedCents: number;
  allocations: { invoice: string; debtor: string; amountCents: number; method: string }[];
}

/** Payments with their allocations, oldest first; `unmatched`: only those with money left over. */
export function listPayments(db: Db, options: { unmatched?: boolean } = {}): PaymentListItem[] {
  const rows = db
    .prepare(
      `SELECT p.id, p.date, p.amount_cents, coalesce(a.allocated, 0) AS allocated, p.source, p.source_key, p.counterparty_name, p.counterparty_iban,
              p.reference, p.end_to_end_id, p.description
       FROM payments p LEFT JOIN (SELECT payment_id, sum(amount_cents) AS allocated FROM allocations GROUP BY payment_id) a ON a.payment_id = p.id
       ${options.unmatched ? 'WHERE coalesce(a.allocated, 0) < p.amount_cents AND p.id NOT IN (SELECT payment_id FROM payments_ignored)' : ''}
       ORDER BY p.date, p.id`,
    )
    .raw()
    .all() as [number, string, number, number, string, string | null, string | null, string | null, string | null, string | null, string | null][];
  const items = new Map<number, PaymentListItem>();
  for (const [id, date, amount, allocated, source, sourceKey, name, iban, reference, e2e, description] of rows) {
    items.set(id, {
      id, date, amountCents: amount, allocatedCents: allocated, unallocatedCents: amount - allocated, source, sourceKey,
      counterpartyName: name, counterpartyIban: iban, reference, endToEndId: e2e, description, allocations: [],
    });
  }
  if (items.size > 0) {
    const allocations = db
      .prepare(
        `SELECT a.payment_id, a.invoice_number, i.debtor_number, a.amount_cents, a.method FROM allocations a JOIN invoices i ON i.number = a.invoice_number
         WHERE a.payment_id IN (SELECT value FROM json_each(?)) ORDER BY a.payment_id, a.rowid`,
      )
      .raw()
      .all(JSON.stringify([...items.keys()])) as [number, string, string, number, string][];
    for (const [paymentId, invoice, debtor, amount, method] of allocations) items.get(paymentId)!.allocations.push({ invoice, debtor, amountCents: amount, method });
  }
  return [...items.values()];
}

// ---------------------------------------------------------------------------------------------
// The import record of a bank import

/** The `imports` row of a bank import (the workflow fills in its counts at the end). */
export function insertPaymentImport(db: Db, i: { at: Date; today: IsoDate; files: { file: string; sha256: string; format: string }[]; dryRun: boolean }): number {
  return Number(
    db
      .prepare("INSERT INTO imports (kind, at, today, files, options) VALUES ('payments', ?, ?, ?, ?)")
      .run(i.at.toISOString(), i.today, JSON.stringify(i.files), JSON.stringify({ dry_run: i.dryRun }))
      .lastInsertRowid,
  );
}

export function countPaymentImport(db: Db, importId: number, counts: { inserted: number; unchanged: number }): void {
  db.prepare('UPDATE imports SET inserted = ?, unchanged = ? WHERE id = ?').run(counts.inserted, counts.unchanged, importId);
}
