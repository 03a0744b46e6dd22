// A model-based test of the whole book (issue 10, item 7). fast-check plays random seasons of a
// small business against the real workflows, in process, on a real SQLite ledger: imports of
// bookkeeping exports (with and without the bank payments booked), partial payments, credit
// notes, bank statements arriving before and after the export, stornos, holds and disputes,
// payment arrangements and promises to pay (issue 13), `run` and `export` on random days. After
// every step it checks the invariants of the account.
// `test/unit/book-model.test.ts` runs a handful of seasons in `npm test`; `npm run soak` runs
// thousands and prints the first failing seed with a shrunk scenario.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { openLedger, type Ledger } from '../../src/ledger/ledger.js';
import { importInvoices } from '../../src/workflows/import-invoices.js';
import { PaymentBook, reversePayment } from '../../src/ledger/payments.js';
import { readDunningSnapshot, applyPlan } from '../../src/ledger/dunning.js';
import { planRun, type Action, type Policy } from '../../src/domain/plan.js';
import { exportHandover } from '../../src/workflows/export-handover.js';
import { collectionCosts } from '../../src/domain/bik-costs.js';
import { fourteenDayTerm } from '../../src/domain/terms.js';
import { addDays, type IsoDate } from '../../src/domain/dates.js';
import { configSchema, type Config } from '../../src/config/schema.js';
import { policyFromConfig } from '../../src/config/policy.js';
import { LAW } from '../helpers/law.js';
import { exampleConfig } from '../helpers/cli.js';
import { paymentInput } from '../helpers/builders.js';
import { debtorAccount } from '../../src/domain/account.js';
import { readAccountFacts, readArrangementsNow } from '../../src/ledger/account-facts.js';
import { createArrangement, createPromise, watchAgreements } from '../../src/workflows/arrangements.js';
import { arrangementStatus } from '../../src/domain/arrangements.js';
import { creditorSnapshot } from '../../src/config/policy.js';
import { AppError } from '../../src/errors.js';
import { planBook, refreshStoredStatus } from '../../src/workflows/status.js';
import { checkStoredStatus } from './status-check.js';
import { checkReportBook } from './report-check.js';

const START: IsoDate = '2026-09-01';
const BASE = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();

let configCache: Config | null = null;
function config(): Config {
  if (!configCache) {
    configCache = configSchema.parse(exampleConfig({ mail: false }));
  }
  return configCache;
}

// ---------------------------------------------------------------------------------------------
// The world: what really happened (the bookkeeping and the bank), against which the ledger is checked.

interface WorldInvoice {
  number: string;
  debtor: string;
  amountCents: number;
  /** Days after START the invoice appears in the exports. */
  appears: number;
  /** Days after its appearance it falls due. */
  term: number;
}

interface WorldDebtor {
  number: string;
  type: 'consumer' | 'business';
}

export interface Season {
  debtors: WorldDebtor[];
  invoices: WorldInvoice[];
}

interface BankPayment {
  id: number;
  invoice: string;
  amountCents: number;
  date: IsoDate;
  booked: boolean;
  reversed: boolean;
}

export interface Real {
  dir: string;
  ledger: Ledger;
  season: Season;
  today: IsoDate;
  policy: Policy;
  payments: BankPayment[];
  exports: number;
}

export interface Model {
  day: number;
}

const dayOf = (offset: number): IsoDate => addDays(START, offset);

export const seasonArb: fc.Arbitrary<Season> = fc
  .array(
    fc.record({
      type: fc.constantFrom<'consumer' | 'business'>('consumer', 'consumer', 'business'),
      invoices: fc.array(
        fc.record({
          cents: fc.oneof(fc.integer({ min: 500, max: 30_000 }), fc.integer({ min: 30_000, max: 400_000 }), fc.integer({ min: -20_000, max: -500 })),
          appears: fc.integer({ min: 0, max: 40 }),
          term: fc.constantFrom(0, 14, 30),
        }),
        { minLength: 1, maxLength: 4 },
      ),
    }),
    { minLength: 1, maxLength: 3 },
  )
  .map((ds) => {
    const debtors: WorldDebtor[] = [];
    const invoices: WorldInvoice[] = [];
    ds.forEach((d, i) => {
      const number = `D${i + 1}`;
      debtors.push({ number, type: d.type });
      d.invoices.forEach((inv, j) => invoices.push({ number: `2026-${i + 1}0${j + 1}`, debtor: number, amountCents: inv.cents, appears: inv.appears, term: inv.term }));
    });
    return { debtors, invoices };
  });

function csvAmount(cents: number): string {
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

function dmy(date: IsoDate): string {
  return `${date.slice(8, 10)}-${date.slice(5, 7)}-${date.slice(0, 4)}`;
}

/** What the bookkeeping says is open: the amount minus the bank payments it has booked. */
function bookedOpen(real: Real, inv: WorldInvoice): number {
  if (inv.amountCents < 0) return inv.amountCents;
  const booked = real.payments.filter((p) => p.invoice === inv.number && p.booked && !p.reversed).reduce((s, p) => s + p.amountCents, 0);
  return inv.amountCents - booked;
}

// ---------------------------------------------------------------------------------------------
// Commands

type Cmd = fc.AsyncCommand<Model, Real>;

class ImportExport implements Cmd {
  constructor(readonly snapshot: boolean, readonly book: boolean) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    // The bookkeeper books the bank payments before this export (or not yet).
    if (this.book) for (const p of r.payments) if (!p.reversed) p.booked = true;
    const lines = ['Factuurnummer;Debiteurnummer;Naam;Soort;E-mail;Adres;Postcode;Plaats;Factuurdatum;Vervaldatum;Bedrag;Openstaand'];
    for (const inv of r.season.invoices) {
      if (inv.appears > m.day) continue;
      const open = bookedOpen(r, inv);
      if (open === 0) continue;
      const d = r.season.debtors.find((x) => x.number === inv.debtor)!;
      const issue = dayOf(inv.appears);
      lines.push(
        `${inv.number};${d.number};Debiteur ${d.number};${d.type === 'business' ? 'zakelijk' : 'particulier'};${d.number.toLowerCase()}@example.nl;Straat 1;3811 AA;Amersfoort;${dmy(issue)};${dmy(addDays(issue, inv.term))};${csvAmount(inv.amountCents)};${csvAmount(open)}`,
      );
    }
    if (lines.length === 1) return;
    const file = path.join(r.dir, `export-${++r.exports}.csv`);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    r.ledger.close();
    try {
      await importInvoices({
        files: [file], cwd: r.dir, ledgerPath: path.join(r.dir, 'book.db'), config: config(), today: r.today, commandLine: 'model import',
        snapshot: this.snapshot, force: true, dryRun: false, skipInvalid: false,
      });
    } finally {
      r.ledger = openLedger(path.join(r.dir, 'book.db'), { command: 'model' });
    }
  }
  toString(): string {
    return `import export${this.snapshot ? ' --snapshot' : ''}${this.book ? ' (payments booked)' : ''}`;
  }
}

class Pay implements Cmd {
  constructor(readonly pick: number, readonly part: number) {}
  check(): boolean {
    return true;
  }
  async run(_m: Model, r: Real): Promise<void> {
    const db = r.ledger.db;
    const open = db.prepare("SELECT number, open_cents FROM invoices WHERE status IN ('open', 'handed_over') AND open_cents > 0 ORDER BY number").all() as { number: string; open_cents: number }[];
    if (open.length === 0) return;
    const target = open[this.pick % open.length]!;
    const amount = Math.max(1, Math.round((target.open_cents * this.part) / 4));
    const rec = db.transaction(() =>
      new PaymentBook(db, { today: r.today }).record(
        paymentInput({
          date: r.today, amountCents: amount, source: 'camt.053.001.02', sourceKey: `model-${r.payments.length + 1}`, counterpartyName: 'Betaler', counterpartyIban: 'NL02ABNA0123456789',
          description: `factuur ${target.number}`, account: null,
        }),
      ),
    )();
    // Money beyond what was open stays unallocated (the bookkeeper books only what was allocated).
    if (rec.paymentId !== null) {
      for (const a of rec.allocations) r.payments.push({ id: rec.paymentId, invoice: a.invoice, amountCents: a.amountCents, date: r.today, booked: false, reversed: false });
    }
  }
  toString(): string {
    return `bank pays ${this.part}/4 of open invoice #${this.pick}`;
  }
}

class Storno implements Cmd {
  constructor(readonly pick: number) {}
  check(): boolean {
    return true;
  }
  async run(_m: Model, r: Real): Promise<void> {
    const live = [...new Set(r.payments.filter((p) => !p.reversed).map((p) => p.id))];
    if (live.length === 0) return;
    const id = live[this.pick % live.length]!;
    r.ledger.db.transaction(() => reversePayment(r.ledger.db, id, { today: r.today, on: r.today, by: 'model storno' }))();
    for (const p of r.payments) if (p.id === id) {
      p.reversed = true;
      p.booked = false;
    }
  }
  toString(): string {
    return `storno of payment #${this.pick}`;
  }
}

class Hold implements Cmd {
  constructor(readonly pick: number, readonly debtorLevel: boolean, readonly dispute: boolean) {}
  check(): boolean {
    return true;
  }
  async run(_m: Model, r: Real): Promise<void> {
    const db = r.ledger.db;
    const invoices = db.prepare('SELECT number, debtor_number FROM invoices ORDER BY number').all() as { number: string; debtor_number: string }[];
    if (invoices.length === 0) return;
    const target = invoices[this.pick % invoices.length]!;
    db.prepare('INSERT INTO holds (debtor_number, invoice_number, reason, dispute, until, created_on) VALUES (?, ?, ?, ?, NULL, ?)').run(
      this.debtorLevel ? target.debtor_number : null, this.debtorLevel ? null : target.number, 'model', this.dispute ? 1 : 0, r.today,
    );
  }
  toString(): string {
    return `${this.dispute ? 'dispute' : 'hold'} ${this.debtorLevel ? 'debtor of' : 'invoice'} #${this.pick}`;
  }
}

class Release implements Cmd {
  async run(_m: Model, r: Real): Promise<void> {
    r.ledger.db.prepare('UPDATE holds SET released_on = ? WHERE released_on IS NULL').run(r.today);
  }
  check(): boolean {
    return true;
  }
  toString(): string {
    return 'release all holds';
  }
}

/** Refusals of the workflows (nothing open, already arranged) are part of a season; anything else is a failure. */
function refusedOr<T>(f: () => T): T | null {
  try {
    return f();
  } catch (e) {
    if (e instanceof AppError && (e.code === 'input_invalid' || e.code === 'usage')) return null;
    throw e;
  }
}

/** The debtor agrees to pay what is open in 1-3 instalments two weeks apart, the first in 7-40 days. */
class Arrange implements Cmd {
  constructor(readonly pick: number, readonly instalments: number, readonly firstIn: number) {}
  check(): boolean {
    return true;
  }
  async run(_m: Model, r: Real): Promise<void> {
    const db = r.ledger.db;
    const debtors = db.prepare("SELECT DISTINCT debtor_number AS d FROM invoices WHERE status = 'open' AND open_cents > 0 ORDER BY 1").all() as { d: string }[];
    if (debtors.length === 0) return;
    const debtor = debtors[this.pick % debtors.length]!.d;
    const settings = { creditor: creditorSnapshot(config()), stageCount: r.policy.stages.length };
    const created = refusedOr(() =>
      createArrangement(db, { debtor, invoices: null, instalments: this.instalments, every: '2weeks', first: addDays(r.today, this.firstIn), schedule: null, note: null, graceDays: 7, dryRun: false, today: r.today }, settings),
    );
    if (!created) return;
    // What is arranged is what the account shows open on those claims: after payments and credit notes.
    const account = [...readAccountFacts(db, { debtor, agreements: false })].map((input) => debtorAccount(input, r.today))[0]!;
    const open = created.invoices.reduce((s, i) => s + (account.claims.find((c) => c.number === i.number)?.openCents ?? 0), 0);
    if (open !== created.totalCents) {
      throw new Error(`arrangement #${created.id} of ${r.today} is ${created.totalCents}, the account shows ${open} open on its claims`);
    }
  }
  toString(): string {
    return `arrangement of ${this.instalments} instalments from day +${this.firstIn} with debtor #${this.pick}`;
  }
}

/** The debtor promises to pay what is open within 1-14 days. */
class PromiseToPay implements Cmd {
  constructor(readonly pick: number, readonly days: number) {}
  check(): boolean {
    return true;
  }
  async run(_m: Model, r: Real): Promise<void> {
    const db = r.ledger.db;
    const debtors = db.prepare("SELECT DISTINCT debtor_number AS d FROM invoices WHERE status = 'open' AND open_cents > 0 ORDER BY 1").all() as { d: string }[];
    if (debtors.length === 0) return;
    refusedOr(() => createPromise(db, { debtor: debtors[this.pick % debtors.length]!.d, until: addDays(r.today, this.days), amountCents: null, note: null, today: r.today, dryRun: false }));
  }
  toString(): string {
    return `promise to pay within ${this.days} days by debtor #${this.pick}`;
  }
}

const strip = (a: Action): unknown => (a.kind === 'letter' ? { ...a, letter: undefined } : a);

class Run implements Cmd {
  check(): boolean {
    return true;
  }
  async run(_m: Model, r: Real): Promise<void> {
    const db = r.ledger.db;
    // As `run` does: instalments and promises first (broken ones resume dunning in this run).
    watchAgreements(db, { creditor: creditorSnapshot(config()), stageCount: r.policy.stages.length, remindDaysBefore: config().arrangements.remindDaysBefore }, r.today, { dryRun: false });
    const preview = planRun(readDunningSnapshot(db), r.policy, r.today, { letters: false });
    // As `run` does: the plan stores each debtor's status share; after applying, those it changed are planned again.
    const plan = planBook(db, r.policy, r.today);
    const a = JSON.stringify(preview.actions.map(strip));
    const b = JSON.stringify(plan.actions.map(strip));
    if (a !== b) throw new Error(`run --dry-run differs from the run on ${r.today}:\n${a}\n${b}`);
    const before = (db.prepare('SELECT coalesce(max(id), 0) AS n FROM letters').get() as { n: number }).n;
    applyPlan(db, plan);
    refreshStoredStatus(db, r.policy, r.today);
    // No letter demands or lists a claim that a known fact says is paid.
    const bad = db
      .prepare(
        `SELECT li.invoice_number, li.role, i.amount_cents, coalesce((SELECT sum(amount_cents) FROM allocations a WHERE a.invoice_number = i.number), 0) AS paid
         FROM letter_invoices li JOIN invoices i ON i.number = li.invoice_number
         WHERE li.letter_id > ? AND i.amount_cents > 0 AND coalesce((SELECT sum(amount_cents) FROM allocations a WHERE a.invoice_number = i.number), 0) >= i.amount_cents`,
      )
      .all(before);
    if (bad.length > 0) throw new Error(`a letter of ${r.today} includes a paid claim: ${JSON.stringify(bad)}`);
  }
  toString(): string {
    return 'run';
  }
}

class Export implements Cmd {
  check(): boolean {
    return true;
  }
  async run(_m: Model, r: Real): Promise<void> {
    exportHandover(r.ledger.db, { policy: r.policy, dayCount: 'act/365', today: r.today, format: 'json', includeNotes: false, generatedBy: 'model' }, path.join(r.dir, 'out'));
  }
  toString(): string {
    return 'export';
  }
}

/** Each step first lets 0-10 days pass (the cron days between), then does its action. */
class Later implements Cmd {
  constructor(readonly days: number, readonly inner: Cmd) {}
  check(m: Model): boolean {
    return this.inner.check(m);
  }
  async run(m: Model, r: Real): Promise<void> {
    m.day += this.days;
    r.today = dayOf(m.day);
    await this.inner.run(m, r);
  }
  toString(): string {
    return `${this.days > 0 ? `+${this.days}d ` : ''}${this.inner.toString()}`;
  }
}

const actions: fc.Arbitrary<Cmd>[] = [
  fc.tuple(fc.boolean(), fc.boolean()).map(([s, b]) => new ImportExport(s, b)),
  fc.tuple(fc.boolean(), fc.boolean()).map(([s, b]) => new ImportExport(s, b)),
  fc.tuple(fc.boolean(), fc.boolean()).map(([s, b]) => new ImportExport(s, b)),
  fc.tuple(fc.nat(20), fc.integer({ min: 1, max: 5 })).map(([p, part]) => new Pay(p, part)),
  fc.tuple(fc.nat(20), fc.integer({ min: 1, max: 5 })).map(([p, part]) => new Pay(p, part)),
  fc.nat(10).map((p) => new Storno(p)),
  fc.tuple(fc.nat(20), fc.boolean(), fc.boolean()).map(([p, d, x]) => new Hold(p, d, x)),
  fc.constant(new Release()),
  fc.constant(new Run()),
  fc.constant(new Run()),
  fc.constant(new Run()),
  fc.constant(new Export()),
  fc.constant(new Export()),
  fc.tuple(fc.nat(10), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 7, max: 40 })).map(([p, n, f]) => new Arrange(p, n, f)),
  fc.tuple(fc.nat(10), fc.integer({ min: 1, max: 14 })).map(([p, d]) => new PromiseToPay(p, d)),
];

export const commandArbs: fc.Arbitrary<Cmd>[] = actions.map((a) => fc.tuple(fc.integer({ min: 0, max: 12 }), a).map(([d, c]) => new Later(d, c)));

// ---------------------------------------------------------------------------------------------
// Invariants

export function checkInvariants(r: Real): void {
  const db = r.ledger.db;
  const fail = (what: string, detail: unknown): never => {
    throw new Error(`invariant broken on ${r.today}: ${what}: ${JSON.stringify(detail)}`);
  };
  // Facts survive imports: the ledger's open amount never exceeds what its payments leave.
  const over = db
    .prepare(
      `SELECT number, status, amount_cents, open_cents, (SELECT coalesce(sum(amount_cents), 0) FROM allocations a WHERE a.invoice_number = invoices.number) AS paid
       FROM invoices WHERE amount_cents > 0 AND status IN ('open', 'handed_over')
         AND open_cents > amount_cents - (SELECT coalesce(sum(amount_cents), 0) FROM allocations a WHERE a.invoice_number = invoices.number)`,
    )
    .all();
  if (over.length > 0) fail('an export undid a payment the ledger knows', over);
  const overPaid = db.prepare('SELECT p.id FROM payments p WHERE p.amount_cents < (SELECT coalesce(sum(amount_cents), 0) FROM allocations a WHERE a.payment_id = p.id)').all();
  if (overPaid.length > 0) fail('a payment allocated more than once', overPaid);

  // Per debtor: invoiced = paid + credited + open + handed over, to the cent, and each credit
  // note set off at most once.
  for (const input of readAllFacts(r)) {
    const account = debtorAccount(input, r.today);
    for (const c of account.claims) {
      if (c.kind === 'invoice' && c.paidCents + c.creditedCents + c.openCents !== c.principalCents) fail(`claim ${c.number} does not add up`, c);
      if (c.kind === 'credit_note') {
        const used = c.credits.reduce((s, x) => s + x.amountCents, 0);
        if (used + -c.openCents > -c.principalCents) fail(`credit note ${c.number} set off more than it is`, c);
      }
    }
    const credited = account.claims.filter((c) => c.kind === 'invoice').reduce((s, c) => s + c.creditedCents, 0);
    const given = account.claims.filter((c) => c.kind === 'credit_note').reduce((s, c) => s + c.creditedCents, 0);
    if (credited !== given) fail(`debtor ${input.debtor.number}: credit set off ${credited} ≠ credit given ${given}`, account.claims);
  }

  // Costs: consumer stated and claimed ≤ BIK over the covered principal; each claim's costs stated once.
  const letters = db
    .prepare(`SELECT l.id, l.debtor_number, l.date, l.stage_index, l.final, l.costs_cents, l.channels, d.type FROM letters l JOIN debtors d ON d.number = l.debtor_number ORDER BY l.debtor_number, l.date, l.id`)
    .all() as { id: number; debtor_number: string; date: string; stage_index: number; final: number; costs_cents: number | null; channels: string; type: string }[];
  const byDebtor = new Map<string, typeof letters>();
  for (const l of letters) byDebtor.set(l.debtor_number, [...(byDebtor.get(l.debtor_number) ?? []), l]);
  const dueLines = db.prepare("SELECT li.invoice_number, li.open_cents FROM letter_invoices li WHERE li.letter_id = ? AND li.role = 'due'");
  for (const [debtor, list] of byDebtor) {
    let maxStage = -1;
    let stated = 0;
    let covered = 0;
    const costed = new Set<string>();
    for (const l of list) {
      // No stage skipped at debtor level.
      if (l.stage_index > maxStage + 1) fail(`debtor ${debtor}: letter ${l.id} at stage ${l.stage_index} after stage ${maxStage}`, list);
      maxStage = Math.max(maxStage, l.stage_index);
      if (l.final && l.costs_cents !== null) {
        stated += l.costs_cents;
        for (const line of dueLines.all(l.id) as { invoice_number: string; open_cents: number }[]) {
          if (costed.has(line.invoice_number)) fail(`debtor ${debtor}: costs stated twice for ${line.invoice_number}`, list);
          costed.add(line.invoice_number);
          covered += Math.max(0, line.open_cents);
        }
      }
    }
    if (list[0]!.type === 'consumer') {
      if (stated > collectionCosts(covered)) fail(`consumer ${debtor}: costs stated ${stated} > BIK over ${covered}`, list);
      const claimed = (db.prepare("SELECT coalesce(sum(claimed_cents), 0) AS n FROM handover_costs hc JOIN handovers h ON h.id = hc.handover_id AND h.state = 'done' WHERE debtor_number = ?").get(debtor) as { n: number }).n;
      if (claimed > stated) fail(`consumer ${debtor}: claimed ${claimed} > stated ${stated}`, list);
    }
  }

  // No claim handed over twice; no consumer claim before its term ends; B2B at least EUR 40 per claim.
  const twice = db.prepare('SELECT invoice_number, count(*) AS n FROM handover_invoices GROUP BY invoice_number HAVING n > 1').all();
  if (twice.length > 0) fail('a claim handed over twice', twice);
  const handed = db
    .prepare(
      `SELECT hi.invoice_number, h.today, d.type, l.date AS final_date, l.channels FROM handover_invoices hi JOIN handovers h ON h.id = hi.handover_id
       JOIN invoices i ON i.number = hi.invoice_number JOIN debtors d ON d.number = i.debtor_number LEFT JOIN letters l ON l.id = i.stage_letter_id`,
    )
    .all() as { invoice_number: string; today: string; type: string; final_date: string | null; channels: string | null }[];
  for (const h of handed) {
    if (h.type !== 'consumer') continue;
    if (h.final_date === null) fail(`consumer claim ${h.invoice_number} handed over without a final letter`, h);
    const term = fourteenDayTerm(h.final_date!, JSON.parse(h.channels!).includes('post') ? 'post' : 'email', LAW);
    if (h.today < term.costsFrom) fail(`consumer claim ${h.invoice_number} handed over on ${h.today}, before its term ended (${term.termEnd})`, h);
  }
  for (const row of db.prepare("SELECT hc.claimed_cents, hc.handover_id, hc.debtor_number, d.type FROM handover_costs hc JOIN debtors d ON d.number = hc.debtor_number WHERE d.type = 'business'").all() as {
    claimed_cents: number; handover_id: number; debtor_number: string;
  }[]) {
    const n = (db.prepare('SELECT count(*) AS n FROM handover_invoices hi JOIN invoices i ON i.number = hi.invoice_number WHERE hi.handover_id = ? AND i.debtor_number = ? AND i.amount_cents > 0').get(row.handover_id, row.debtor_number) as { n: number }).n;
    if (row.claimed_cents < 4000 * n) fail(`business ${row.debtor_number}: ${row.claimed_cents} claimed for ${n} late invoices`, row);
  }

  // Agreements: no dunning letter demands a claim of a running arrangement, nor writes to a
  // debtor after an open promise was made and through its date; an arrangement's paid figure is
  // what the account shows settled on its claims (each payment and credit note once).
  const arrLetters = db
    .prepare(
      `SELECT l.id, l.date, li.invoice_number, a.id AS arrangement FROM letters l JOIN letter_invoices li ON li.letter_id = l.id AND li.role = 'due'
       JOIN arrangement_invoices ai ON ai.invoice_number = li.invoice_number JOIN arrangements a ON a.id = ai.arrangement_id
       WHERE l.stage_id NOT IN ('betalingsregeling', 'termijn-herinnering', 'termijn-gemist') AND l.date >= a.start_date
         AND NOT (l.date = a.start_date AND l.id < coalesce(a.letter_id, 1e18)) AND (a.closed_on IS NULL OR l.date < a.closed_on)`,
    )
    .all();
  if (arrLetters.length > 0) fail('a dunning letter for a claim in a running arrangement', arrLetters);
  const promiseLetters = db
    .prepare(
      `SELECT l.id, l.date, p.id AS promise FROM letters l JOIN promises p ON p.debtor_number = l.debtor_number
       WHERE l.stage_id NOT IN ('betalingsregeling', 'termijn-herinnering', 'termijn-gemist') AND l.date > p.created_on AND l.date <= p.until
         AND (p.closed_on IS NULL OR l.date < p.closed_on)`,
    )
    .all();
  if (promiseLetters.length > 0) fail('a dunning letter while a promise to pay runs', promiseLetters);
  const facts = new Map(readAllFacts(r).map((input) => [input.debtor.number, debtorAccount(input, r.today)]));
  for (const a of readArrangementsNow(db, {}, r.today)) {
    const status = arrangementStatus(a.schedule, a.payments, r.today, a.graceDays, a.extraPaidCents);
    const claims = facts.get(a.debtor)?.claims ?? [];
    const openNow = a.invoices.reduce((s, i) => {
      const c = claims.find((x) => x.number === i.number);
      return s + (c && c.kind === 'invoice' && (c.status === 'open' || c.status === 'handed_over') ? Math.max(0, c.openCents) : 0);
    }, 0);
    const settled = a.totalCents - openNow;
    const dated = a.payments.reduce((s, p) => s + p.cents, 0);
    if (status.paidCents > a.totalCents) fail(`arrangement #${a.id}: paid ${status.paidCents} > total ${a.totalCents}`, a);
    if (settled >= dated && status.paidCents !== Math.min(a.totalCents, settled)) {
      fail(`arrangement #${a.id}: paid ${status.paidCents}, the account shows ${settled} settled on its claims (${dated} by dated payments)`, { a, claims });
    }
  }
}

function readAllFacts(r: Real) {
  const debtors = r.ledger.db.prepare('SELECT number FROM debtors ORDER BY number').all() as { number: string }[];
  return debtors.flatMap((d) => [...readDunningSnapshotAll(r, d.number)]);
}

function* readDunningSnapshotAll(r: Real, debtor: string) {
  // Every claim of the debtor (paid and closed too), as explain reads it.
  yield* readAccountFacts(r.ledger.db, { debtor, all: true, payments: true });
}

// ---------------------------------------------------------------------------------------------

let counter = 0;

/** What the seasons did (BOOK_STATS=1): a test that never writes a letter proves nothing. */
export const stats = { seasons: 0, letters: 0, finals: 0, handedOver: 0, payments: 0, reversed: 0, keptPaid: 0, arrangements: 0, broken: 0, completed: 0, promises: 0 };

/** One season: a fresh ledger, the commands, the invariants after each; the ledger removed after. */
export async function playSeason(season: Season, cmds: Iterable<Cmd>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(BASE, `account-model-${process.pid}-${++counter}-`));
  const ledger = openLedger(path.join(dir, 'book.db'), { create: true, command: 'model' });
  const real: Real = { dir, ledger, season, today: START, policy: policyFromConfig(config(), LAW, START), payments: [], exports: 0 };
  try {
    const wrapped = [...cmds].map(
      (c): Cmd => ({
        check: (m) => c.check(m),
        run: async (m, r) => {
          await c.run(m, r);
          checkInvariants(r);
          checkStoredStatus(r);
          checkReportBook(r);
        },
        toString: () => c.toString(),
      }),
    );
    await fc.asyncModelRun(() => ({ model: { day: 0 }, real }), wrapped);
  } finally {
    if (process.env.BOOK_STATS) {
      const q = (sql: string): number => (real.ledger.db.prepare(sql).get() as { n: number }).n;
      stats.seasons++;
      stats.letters += q('SELECT count(*) AS n FROM letters');
      stats.finals += q('SELECT count(*) AS n FROM letters WHERE final = 1 AND costs_cents IS NOT NULL');
      stats.handedOver += q('SELECT count(*) AS n FROM handover_invoices');
      stats.payments += q('SELECT count(*) AS n FROM payments');
      stats.reversed += q('SELECT count(*) AS n FROM payments WHERE reversed_on IS NOT NULL');
      stats.arrangements += q('SELECT count(*) AS n FROM arrangements');
      stats.broken += q("SELECT count(*) AS n FROM arrangements WHERE status = 'broken'");
      stats.completed += q("SELECT count(*) AS n FROM arrangements WHERE status = 'completed'");
      stats.promises += q('SELECT count(*) AS n FROM promises');
      stats.keptPaid += q("SELECT count(*) AS n FROM invoices WHERE export_open_cents > open_cents AND status IN ('open', 'paid')");
    }
    real.ledger.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const seasonProperty = (maxCommands: number) =>
  fc.asyncProperty(seasonArb, fc.commands(commandArbs, { maxCommands, size: 'max' }), async (season, cmds) => {
    await playSeason(season, cmds);
  });
