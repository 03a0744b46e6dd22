// Reading the facts behind a debtor's account (src/domain/account.ts) in set-based SQL: one
// ordered query streams the claims debtor by debtor (with the posting date of their letter, the
// per-invoice legal settings and, for consumers, the dates of the letters that demanded them, for
// limitation); the debtors' final letters, the costs earlier handovers claimed and the holds are
// read in bulk up front (a handful of queries per run, none per debtor), and payments per claim
// only when a reader wants the detail.
import type { Db } from './ledger.js';
import type { Channel, DebtorSnapshot, Language, DebtorType } from '../domain/letter.js';
import { debtorAccount, type AccountFinalLetter, type AccountPayment, type ClaimStatus, type DebtorAccount } from '../domain/account.js';
import type { ConsumerClaims } from '../domain/limitation.js';
import type { PlanDebtorInput, PlanHold, PlanInvoice } from '../domain/plan.js';
import { arrangementExtraPaid } from '../domain/arrangements.js';
import { readAgreements, readArrangements, type ArrangementRow } from './arrangements.js';
import { readHolds } from './holds.js';

/** A claim's row: its debtor's number first, then the invoice and the facts joined to it. */
type ClaimRow = [
  string, string, string | null, string, number, number, string | null, number | null, string | null, string | null,
  ClaimStatus | null, number | null, string | null, string | null, number | null, ConsumerClaims | null, string | null,
];

/** A debtor's row: what the letters and the plan need of it. */
type DebtorRow = [string, string, DebtorType, string | null, string | null, string | null, string | null, string | null, string | null, string, Language, 'post' | 'email' | 'both' | null];

// The claims carry their debtor's number only: the debtor's own columns come from a second
// statement over the debtors in the same (number) order, merged as the claims stream by. Joining
// them in SQL would look the debtor up and copy its eleven columns into every invoice row.
// The letter dates per claim (for a consumer's limitation) are read for every claim; the debtor's
// type decides below whether they are kept. The status comes as NULL for `open` (nearly every
// row): no string to make per claim.
const CLAIMS_SQL = `
SELECT i.debtor_number, i.number, i.issue_date, i.due_date, i.amount_cents, i.open_cents, i.reference, i.stage_index, i.stage_date, l.channels,
       CASE i.status WHEN 'open' THEN NULL ELSE i.status END, i.export_open_cents, i.export_date,
       p.posted_on, t.term_is_fatal, t.consumer_claim,
       (SELECT group_concat(l2.date) FROM letter_invoices li2 JOIN letters l2 ON l2.id = li2.letter_id
        WHERE li2.invoice_number = i.number AND li2.role = 'due')
FROM invoices i
LEFT JOIN letters l ON l.id = i.stage_letter_id
LEFT JOIN letter_postings p ON p.letter_id = i.stage_letter_id
LEFT JOIN invoice_terms t ON t.invoice_number = i.number
WHERE %WHERE%
ORDER BY i.debtor_number`;

const DEBTORS_SQL = `
SELECT number, name, type, contact_person, email, phone, street, postcode, city, country, language, channel
FROM debtors WHERE %WHERE% ORDER BY number`;

export interface AccountReadOptions {
  /** One debtor only (explain). */
  debtor?: string;
  /** Only these debtors (the handover), read in one query. */
  debtors?: string[];
  /** Every claim of the debtor, paid and closed ones too (explain); default: open and handed over with money open. */
  all?: boolean;
  /** Read the payments allocated to each claim (explain, handover). */
  payments?: boolean;
  /** Read the running arrangements, open promises and pending calls that pause dunning (default true). */
  agreements?: boolean;
}

/** The date of each debtor's newest letter (one letter per debtor per day). */
export function readLastLetterDates(db: Db, debtor?: string): Map<string, string> {
  const rows = db
    .prepare(`SELECT debtor_number, max(date) FROM letters ${debtor ? 'WHERE debtor_number = ?' : ''} GROUP BY debtor_number`)
    .raw()
    .all(...(debtor ? [debtor] : [])) as [string, string][];
  return new Map(rows);
}

/** Every debtor's final letters: the claims each demanded, their summed open then, the costs stated. */
export function readFinalLetters(db: Db, debtor?: string): Map<string, AccountFinalLetter[]> {
  const rows = db
    .prepare(
      `SELECT l.debtor_number, l.id, l.date, l.costs_cents, li.invoice_number, li.open_cents
       FROM letters l JOIN letter_invoices li ON li.letter_id = l.id AND li.role = 'due'
       WHERE l.final = 1 ${debtor ? 'AND l.debtor_number = ?' : ''}
       ORDER BY l.debtor_number, l.id`,
    )
    .raw()
    .all(...(debtor ? [debtor] : [])) as [string, number, string, number | null, string, number][];
  const map = new Map<string, AccountFinalLetter[]>();
  let last: AccountFinalLetter | null = null;
  for (const [d, id, date, costs, invoice, open] of rows) {
    if (!last || last.id !== id) {
      last = { id, date, covers: [], principalCents: 0, costsCents: costs };
      const list = map.get(d) ?? [];
      list.push(last);
      map.set(d, list);
    }
    last.covers.push(invoice);
    last.principalCents += Math.max(0, open);
  }
  return map;
}

/** Collection costs claimed per debtor over all completed handovers. */
export function readCostsClaimed(db: Db, debtor?: string): Map<string, number> {
  const rows = db
    .prepare(
      `SELECT hc.debtor_number, sum(hc.claimed_cents) FROM handover_costs hc JOIN handovers h ON h.id = hc.handover_id AND h.state = 'done'
       ${debtor ? 'WHERE hc.debtor_number = ?' : ''} GROUP BY hc.debtor_number`,
    )
    .raw()
    .all(...(debtor ? [debtor] : [])) as [string, number][];
  return new Map(rows);
}

/** The payments allocated to the given invoices (payments a later statement reversed are gone from `allocations`). */
export function readAllocatedPayments(db: Db, invoices: string[]): Map<string, AccountPayment[]> {
  const map = new Map<string, AccountPayment[]>();
  if (invoices.length === 0) return map;
  const rows = db
    .prepare(
      `SELECT a.invoice_number, p.id, p.date, p.source, a.amount_cents FROM allocations a JOIN payments p ON p.id = a.payment_id
       WHERE a.invoice_number IN (SELECT value FROM json_each(?)) ORDER BY p.date, p.id`,
    )
    .raw()
    .all(JSON.stringify(invoices)) as [string, number, string, string, number][];
  for (const [invoice, paymentId, date, source, amount] of rows) {
    const list = map.get(invoice) ?? [];
    list.push({ paymentId, date, source, amountCents: amount });
    map.set(invoice, list);
  }
  return map;
}

/**
 * The facts of every debtor with money open (or of one debtor), streamed in debtor-number order:
 * what `debtorAccount` and `planDebtor` take. Bulk reads first, then one ordered query.
 */
export function* readAccountFacts(db: Db, options: AccountReadOptions = {}): Generator<PlanDebtorInput> {
  const { debtor } = options;
  const holds = readHolds(db, debtor);
  const lastLetters = readLastLetterDates(db, debtor);
  const finals = readFinalLetters(db, debtor);
  const claimed = readCostsClaimed(db, debtor);
  const agreements = options.agreements === false ? new Map<string, PlanDebtorInput['agreements']>() : readAgreements(db, debtor);
  const where = [
    options.all ? '1 = 1' : "i.status IN ('open', 'handed_over') AND i.open_cents <> 0",
    debtor ? 'i.debtor_number = ?' : options.debtors ? 'i.debtor_number IN (SELECT value FROM json_each(?))' : '1 = 1',
  ].join(' AND ');
  const debtorWhere = debtor ? 'number = ?' : options.debtors ? 'number IN (SELECT value FROM json_each(?))' : '1 = 1';
  const params = debtor ? [debtor] : options.debtors ? [JSON.stringify(options.debtors)] : [];
  const claims = db.prepare(CLAIMS_SQL.replace('%WHERE%', where)).raw().iterate(...params) as IterableIterator<ClaimRow>;
  const debtors = db.prepare(DEBTORS_SQL.replace('%WHERE%', debtorWhere)).raw().iterate(...params) as IterableIterator<DebtorRow>;
  /** The debtor `number`: the debtors stream in the claims' order, so it is ahead (those between have nothing open). */
  const debtorRow = (number: string): DebtorRow => {
    for (;;) {
      const next = debtors.next();
      if (next.done) throw new Error(`the ledger has invoices of debtor ${number}, but no such debtor (or not in key order)`);
      if (next.value[0] === number) return next.value;
    }
  };
  let current: PlanDebtorInput | null = null;
  let consumer = false;
  // A letter's channels are the same text on every invoice it moved: parsed once per text.
  const channelLists = new Map<string, Channel[]>();
  const channelsOf = (text: string): Channel[] => {
    let list = channelLists.get(text);
    if (!list) channelLists.set(text, (list = JSON.parse(text) as Channel[]));
    return list;
  };
  const finish = (d: PlanDebtorInput): PlanDebtorInput => {
    if (options.payments) {
      const payments = readAllocatedPayments(db, d.invoices.map((i) => i.number));
      for (const inv of d.invoices) inv.payments = payments.get(inv.number) ?? [];
    }
    return d;
  };
  try {
    for (const r of claims) {
      if (!current || current.debtor.number !== r[0]) {
        if (current) yield finish(current);
        const d = debtorRow(r[0]);
        const snapshot: DebtorSnapshot = {
          number: d[0], name: d[1], type: d[2], contactPerson: d[3], email: d[4], phone: d[5],
          address: { street: d[6], postcode: d[7], city: d[8], country: d[9] }, language: d[10],
          // The bookkeeper's channel preference (`debtor set --channel`), if any.
          ...(d[11] ? { channel: d[11] } : {}),
        };
        consumer = d[2] === 'consumer';
        current = {
          debtor: snapshot, invoices: [], holds: holds.get(d[0]) ?? [], lastLetterDate: lastLetters.get(d[0]) ?? null,
          finalLetters: finals.get(d[0]) ?? [], costsClaimedCents: claimed.get(d[0]) ?? 0, agreements: agreements.get(d[0]) ?? [],
        };
      }
      const invoice: PlanInvoice = {
        number: r[1], issueDate: r[2], dueDate: r[3], amountCents: r[4], openCents: r[5], reference: r[6],
        stageIndex: r[7], stageDate: r[8], stageChannels: r[9] ? channelsOf(r[9]) : null,
        status: r[10] ?? 'open', exportOpenCents: r[11], exportDate: r[12],
        stagePostedOn: r[13], termIsFatal: r[14] === null ? null : r[14] === 1, consumerClaims: r[15],
      };
      current.invoices.push(invoice);
      // Every written letter that demanded a consumer's claim interrupts its limitation (3:317 BW).
      if (consumer && r[16]) {
        current.reminderDates ??= new Map();
        current.reminderDates.set(invoice.number, r[16].split(','));
      }
    }
    if (current) yield finish(current);
  } finally {
    debtors.return?.();
  }
}

/** The facts of the given debtors (the handover's cases), with payment detail: a few queries in all. */
export function readAccountsOf(db: Db, debtors: string[]): Map<string, PlanDebtorInput> {
  const map = new Map<string, PlanDebtorInput>();
  if (debtors.length === 0) return map;
  for (const input of readAccountFacts(db, { debtors })) map.set(input.debtor.number, input);
  const payments = readAllocatedPayments(db, [...map.values()].flatMap((d) => d.invoices.map((i) => i.number)));
  for (const d of map.values()) for (const inv of d.invoices) inv.payments = payments.get(inv.number) ?? [];
  return map;
}

/**
 * The accounts of the given debtors on `today` (manual holds only: an agreement's pause does not
 * change what the account shows owed), for readers that need the figures outside a plan.
 */
export function readAccounts(db: Db, debtors: string[], today: string, options: { ignoreHold?: (h: PlanHold) => boolean } = {}): Map<string, DebtorAccount> {
  const map = new Map<string, DebtorAccount>();
  if (debtors.length === 0) return map;
  for (const input of readAccountFacts(db, { debtors: [...new Set(debtors)], agreements: false })) {
    const ignore = options.ignoreHold;
    map.set(input.debtor.number, debtorAccount(ignore ? { ...input, holds: input.holds.filter((h) => !ignore(h)) } : input, today));
  }
  return map;
}

/**
 * Arrangements with their status facts on `today`: the dated payments to their claims and what
 * the debtor's account shows settled on them beyond those (credit notes set off, amounts the
 * bookkeeping shows paid) — the same figures the account, the letters and the plan use.
 */
export function readArrangementsNow(db: Db, filter: Parameters<typeof readArrangements>[1], today: string): ArrangementRow[] {
  const rows = readArrangements(db, filter);
  const accounts = readAccounts(db, rows.map((r) => r.debtor), today);
  const none = { claims: [] };
  for (const r of rows) r.extraPaidCents = arrangementExtraPaid(r.invoices, accounts.get(r.debtor) ?? none, r.payments);
  return rows;
}

export interface DebtorHeader {
  number: string;
  name: string;
  type: string;
  type_known: number;
  email: string | null;
}

/** The debtor's own row as `explain` shows it; undefined when the ledger has no such debtor. */
export function readDebtorHeader(db: Db, debtor: string): DebtorHeader | undefined {
  return db.prepare('SELECT number, name, type, type_known, email FROM debtors WHERE number = ?').get(debtor) as DebtorHeader | undefined;
}

export interface DebtorLetterRow {
  id: number;
  date: string;
  stage_id: string;
  channels: string;
  amount_cents: number;
  costs_cents: number | null;
  pdf_sha256: string | null;
}

/** Every letter recorded for the debtor, oldest first. */
export function readDebtorLetters(db: Db, debtor: string): DebtorLetterRow[] {
  return db
    .prepare('SELECT id, date, stage_id, channels, amount_cents, costs_cents, pdf_sha256 FROM letters WHERE debtor_number = ? ORDER BY date, id')
    .all(debtor) as DebtorLetterRow[];
}
