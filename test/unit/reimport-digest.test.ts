// The re-import's shortcut (issue 16, migration 23): an unchanged row is one stored digest
// compared, not every field. fast-check plays random books, in process, on real ledgers:
// - a re-import of the same file reports every row unchanged and leaves every fact as it was;
// - after random edits to the export (amount, open amount, due date, reference, a debtor's
//   details, rows added, rows removed under --snapshot) and random ledger facts in between
//   (payments, a debtor corrected by hand), the re-import gives the same totals, the same rows,
//   changes kept and events as the full comparison of every field (a twin ledger whose digests
//   are cleared before each import: the code path without the shortcut);
// - without ledger facts in between, the expectation is derived from the two files alone: the
//   totals from their difference, the invoices as a fresh import of the edited file has them;
// - a dry run reports the same totals, and `import undo` restores every fact.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { importInvoices, type ImportReport } from '../../src/workflows/import-invoices.js';
import { undoImport } from '../../src/workflows/import-undo.js';
import { addManualPayment } from '../../src/workflows/payment-placing.js';
import { openLedger } from '../../src/ledger/ledger.js';
import { applyCorrection } from '../../src/ledger/corrections.js';
import { configSchema } from '../../src/config/schema.js';
import { exampleConfig } from '../helpers/cli.js';

const TODAY = '2026-11-23';
const config = configSchema.parse(exampleConfig({ mail: false }));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'reimp-digest-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let runs = 0;

interface Row {
  number: string;
  debtor: number;
  issue: number;
  term: number;
  amount: number;
  open: number;
  reference: string | null;
}
interface Debtor {
  name: string;
  email: string;
  business: boolean;
}
interface Book {
  debtors: Debtor[];
  rows: Row[];
}

const day = (n: number): string => new Date(Date.UTC(2026, 4, 1) + n * 86_400_000).toISOString().slice(0, 10);
const dmy = (iso: string): string => `${iso.slice(8, 10)}-${iso.slice(5, 7)}-${iso.slice(0, 4)}`;
const euros = (cents: number): string => `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)},${String(Math.abs(cents) % 100).padStart(2, '0')}`;

function csv(book: Book): string {
  const lines = ['Factuurnummer;Debiteurnummer;Naam;Soort;E-mail;Adres;Postcode;Plaats;Factuurdatum;Vervaldatum;Bedrag;Openstaand;Kenmerk'];
  for (const r of book.rows) {
    const d = book.debtors[r.debtor]!;
    lines.push(
      `${r.number};D${r.debtor};${d.name};${d.business ? 'zakelijk' : 'particulier'};${d.email};Straat 1;3811 AA;Amersfoort;${dmy(day(r.issue))};${dmy(day(r.issue + r.term))};${euros(r.amount)};${euros(r.open)};${r.reference ?? ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const debtorArb = fc.record({
  name: fc.constantFrom('Jan de Vries', 'Ayşe Yılmaz', 'Bakkerij Bol B.V.', 'Émilie Dubois', 'Piet Jansen'),
  email: fc.constantFrom('jan@example.nl', 'info@bol.example', 'e@dubois.example', 'piet@example.nl'),
  business: fc.boolean(),
});
const rowArb = (debtors: number): fc.Arbitrary<Omit<Row, 'number'>> =>
  fc
    .record({
      debtor: fc.nat({ max: debtors - 1 }),
      issue: fc.nat({ max: 150 }),
      term: fc.constantFrom(14, 30),
      amount: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 100, max: 500_000 }) }, { weight: 1, arbitrary: fc.integer({ min: -50_000, max: -100 }) }),
      openShare: fc.constantFrom(0, 0.5, 1, 1, 1),
      reference: fc.option(fc.constantFrom('RF18 5390 0754 7034', 'order 12', 'Ref-ß'), { nil: null }),
    })
    .map(({ openShare, ...r }) => ({ ...r, open: r.amount < 0 ? r.amount : Math.round(r.amount * openShare) }));
const bookArb: fc.Arbitrary<Book> = fc.integer({ min: 1, max: 4 }).chain((n) =>
  fc.record({
    debtors: fc.array(debtorArb, { minLength: n, maxLength: n }),
    rows: fc.array(rowArb(n), { minLength: 1, maxLength: 25 }).map((rows) => rows.map((r, i) => ({ ...r, number: `2026-${String(i + 1).padStart(4, '0')}` }))),
  }),
);

type Edit = { kind: 'amount' | 'open' | 'due' | 'reference' | 'remove' | 'keep'; pick: number; value: number };
const editArb: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom('amount', 'open', 'due', 'reference', 'remove', 'keep'),
  pick: fc.nat(),
  value: fc.integer({ min: 1, max: 9 }),
});
const changesArb = fc.record({
  edits: fc.array(editArb, { maxLength: 8 }),
  renamed: fc.option(fc.nat(), { nil: null }),
  added: fc.array(rowArb(1), { maxLength: 3 }),
  snapshot: fc.boolean(),
});
const factsArb = fc.record({
  payments: fc.array(fc.record({ pick: fc.nat(), share: fc.constantFrom(0.25, 0.5, 1) }), { maxLength: 3 }),
  corrected: fc.option(fc.nat(), { nil: null }),
});

/** The export after the bookkeeping's edits. */
function edited(book: Book, c: { edits: Edit[]; renamed: number | null; added: Omit<Row, 'number'>[]; snapshot: boolean }): Book {
  const rows = book.rows.map((r) => ({ ...r }));
  const removed = new Set<string>();
  for (const e of c.edits) {
    const r = rows[e.pick % rows.length]!;
    if (e.kind === 'amount') {
      r.amount += e.value * 100;
      r.open = r.amount < 0 ? r.amount : Math.min(r.amount, r.open + e.value * 100);
    } else if (e.kind === 'open' && r.amount > 0) r.open = Math.max(0, r.open - e.value * 50);
    else if (e.kind === 'due') r.term += e.value;
    else if (e.kind === 'reference') r.reference = r.reference === null ? `nieuw ${e.value}` : null;
    else if (e.kind === 'remove' && c.snapshot) removed.add(r.number);
  }
  const debtors = book.debtors.map((d) => ({ ...d }));
  if (c.renamed !== null) {
    const d = debtors[c.renamed % debtors.length]!;
    d.name = `${d.name} en Zn`;
    d.email = `nieuw.${d.email}`;
  }
  const added = c.added.map((r, i) => ({ ...r, debtor: r.debtor % debtors.length, number: `2027-${String(i + 1).padStart(4, '0')}` }));
  return { debtors, rows: [...rows.filter((r) => !removed.has(r.number)), ...added] };
}

/** A work folder with a ledger of its own. */
function folder(): { dir: string; ledger: string; write(name: string, book: Book): string } {
  const dir = path.join(root, `r${++runs}`);
  fs.mkdirSync(dir, { mode: 0o700 });
  return {
    dir,
    ledger: path.join(dir, 'book.db'),
    write(name, book) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, csv(book), { mode: 0o600 });
      return file;
    },
  };
}

function importFile(ledger: string, file: string, o: { snapshot?: boolean; dryRun?: boolean; withoutDigests?: boolean } = {}): Promise<ImportReport> {
  // The twin: every stored digest cleared first, so every row takes the full comparison.
  if (o.withoutDigests && fs.existsSync(ledger)) withDb(ledger, (db) => db.exec('UPDATE invoices SET import_digest = NULL'));
  return importInvoices({
    files: [path.basename(file)], cwd: path.dirname(file), ledgerPath: ledger, config, today: TODAY, commandLine: 'test import',
    snapshot: o.snapshot === true, force: true, dryRun: o.dryRun === true, skipInvalid: false,
  });
}

function withDb<T>(file: string, work: (db: Database.Database) => T): T {
  const db = new Database(file);
  try {
    return work(db);
  } finally {
    db.close();
  }
}

/** Every fact of the book (not the digests, not the clock, not the stored status shares). */
type Facts = Record<'invoices' | 'debtors' | 'corrections' | 'allocations' | 'changes' | 'events' | 'snapshots' | 'snapshotDebtors', unknown[]>;
function facts(ledger: string): Facts {
  return withDb(ledger, (db) => {
    const columns = (table: string, drop: string[]): string =>
      (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]).filter((c) => !drop.includes(c)).join(', ');
    return {
      invoices: db.prepare(`SELECT ${columns('invoices', ['import_digest'])} FROM invoices ORDER BY number`).raw().all(),
      debtors: db.prepare('SELECT * FROM debtors ORDER BY number').raw().all(),
      corrections: db.prepare('SELECT debtor_number, field, value FROM debtor_corrections ORDER BY 1, 2').raw().all(),
      allocations: db.prepare('SELECT * FROM allocations ORDER BY 1').raw().all(),
      changes: db.prepare('SELECT import_id, kind, key, prior FROM import_changes ORDER BY 1, 2, 3').raw().all(),
      events: db.prepare('SELECT id, today, kind, debtor_number, invoice_number, data FROM events ORDER BY id').raw().all(),
      snapshots: db.prepare(`SELECT ${columns('book_snapshots', [])} FROM book_snapshots ORDER BY id`).raw().all(),
      snapshotDebtors: db.prepare('SELECT * FROM book_snapshot_debtors ORDER BY 1, 2').raw().all(),
    };
  });
}

/** The imported fields of the invoices, as a fresh import makes them. */
function imported(ledger: string, numbers?: Set<string>): unknown[] {
  return withDb(ledger, (db) =>
    (db.prepare('SELECT number, debtor_number, issue_date, due_date, amount_cents, open_cents, reference, status, export_open_cents FROM invoices ORDER BY number').raw().all() as unknown[][]).filter(
      (r) => !numbers || numbers.has(r[0] as string),
    ),
  );
}

/** The imported details of the debtors (not which import wrote them). */
function debtorDetails(ledger: string): unknown[][] {
  return withDb(ledger, (db) => db.prepare('SELECT number, name, type, type_known, email, street, postcode, city, country, language FROM debtors ORDER BY number').raw().all() as unknown[][]);
}

const counts = (r: ImportReport): number[] => [r.totals.inserted, r.totals.updated, r.totals.unchanged, r.totals.closed];
const RUNS = 12;

describe('a re-import with stored digests', () => {
  it('of the same file reports every row unchanged and leaves every fact as it was', async () => {
    await fc.assert(
      fc.asyncProperty(bookArb, fc.boolean(), async (book, snapshot) => {
        const f = folder();
        const file = f.write('export.csv', book);
        await importFile(f.ledger, file, { snapshot });
        const before = facts(f.ledger);
        const dry = await importFile(f.ledger, file, { snapshot, dryRun: true });
        const again = await importFile(f.ledger, file, { snapshot });
        expect(counts(again)).toEqual([0, 0, book.rows.length, 0]);
        expect(counts(dry)).toEqual(counts(again));
        const after = facts(f.ledger);
        // The second import adds its own event and book snapshot, and nothing else.
        expect(after.events.slice(0, before.events.length)).toEqual(before.events);
        expect(after.events.slice(before.events.length).map((e) => (e as unknown[])[2])).toEqual(['import']);
        expect({ ...after, events: [], snapshots: [], snapshotDebtors: [] }).toEqual({ ...before, events: [], snapshots: [], snapshotDebtors: [] });
        const s = after.snapshots as unknown[][];
        expect(s[1]!.slice(4)).toEqual(s[0]!.slice(4));
        // Every row has its digest: the shortcut is taken, not the full comparison.
        expect(withDb(f.ledger, (db) => db.prepare('SELECT count(*) FROM invoices WHERE import_digest IS NULL').pluck().get())).toBe(0);
      }),
      { numRuns: RUNS },
    );
  });

  it('of a ledger without digests (from before version 23) compares in full, reports every row unchanged and stores the digests', async () => {
    await fc.assert(
      fc.asyncProperty(bookArb, async (book) => {
        const f = folder();
        const file = f.write('export.csv', book);
        await importFile(f.ledger, file);
        const digests = (): unknown[] => withDb(f.ledger, (db) => db.prepare('SELECT number, import_digest FROM invoices ORDER BY 1').raw().all());
        const written = digests();
        const before = facts(f.ledger);
        withDb(f.ledger, (db) => db.exec('UPDATE invoices SET import_digest = NULL'));
        expect(counts(await importFile(f.ledger, file, { dryRun: true }))).toEqual([0, 0, book.rows.length, 0]);
        expect(counts(await importFile(f.ledger, file))).toEqual([0, 0, book.rows.length, 0]);
        expect(digests()).toEqual(written);
        const after = facts(f.ledger);
        expect({ ...after, events: [], snapshots: [], snapshotDebtors: [] }).toEqual({ ...before, events: [], snapshots: [], snapshotDebtors: [] });
      }),
      { numRuns: 8 },
    );
  });

  it('after edits and ledger facts gives the totals, rows, changes and events of the full comparison; a dry run agrees; undo restores', async () => {
    await fc.assert(
      fc.asyncProperty(bookArb, changesArb, factsArb, async (book, changes, between) => {
        const next = edited(book, changes);
        const [a, b] = [folder(), folder()];
        for (const [f, twin] of [[a, false], [b, true]] as const) {
          await importFile(f.ledger, f.write('export.csv', book), { withoutDigests: twin });
          const l = openLedger(f.ledger, { command: 'test' });
          try {
            for (const p of between.payments) {
              const open = l.db.prepare("SELECT number, open_cents FROM invoices WHERE status = 'open' AND open_cents > 0 ORDER BY number").raw().all() as [string, number][];
              if (open.length === 0) break;
              const [invoice, cents] = open[p.pick % open.length]!;
              addManualPayment(l.db, { invoice, amountCents: Math.max(1, Math.round(cents * p.share)), date: TODAY, reference: null, today: TODAY });
            }
            if (between.corrected !== null) {
              const used = [...new Set(book.rows.map((r) => r.debtor))];
              const debtor = `D${used[between.corrected % used.length]}`;
              l.db.transaction(() => applyCorrection(l.db, debtor, { email: [null, 'hand@example.nl'] }, TODAY, new Date('2026-11-23T10:00:00Z')))();
            }
          } finally {
            l.close();
          }
        }
        const nextFile = (f: typeof a): string => f.write('export-2.csv', next);
        const dry = await importFile(a.ledger, nextFile(a), { snapshot: changes.snapshot, dryRun: true });
        const before = facts(a.ledger);
        const real = await importFile(a.ledger, nextFile(a), { snapshot: changes.snapshot });
        const listed = new Set(next.rows.map((r) => r.number));
        const afterReal = imported(a.ledger, listed);
        const debtorsAfterReal = debtorDetails(a.ledger);
        if (between.corrected !== null) {
          // A field corrected by hand keeps the corrected value.
          const emails = withDb(a.ledger, (db) => db.prepare('SELECT d.email FROM debtor_corrections c JOIN debtors d ON d.number = c.debtor_number').pluck().all());
          expect(emails).toEqual(['hand@example.nl']);
        }
        const twin = await importFile(b.ledger, nextFile(b), { snapshot: changes.snapshot, withoutDigests: true });
        expect(counts(dry)).toEqual(counts(real));
        expect(real.totals).toEqual(twin.totals);
        expect(dry.totals).toEqual(real.totals);
        const strip = (x: Facts): Facts => ({ ...x, events: x.events.map((e) => (e as unknown[]).slice(1)) });
        expect(strip(facts(a.ledger))).toEqual(strip(facts(b.ledger)));

        // The same again: the second re-import is all shortcut, and still agrees.
        const third = await importFile(a.ledger, nextFile(a), { snapshot: changes.snapshot });
        const thirdTwin = await importFile(b.ledger, nextFile(b), { snapshot: changes.snapshot, withoutDigests: true });
        expect(third.totals).toEqual(thirdTwin.totals);
        expect(strip(facts(a.ledger))).toEqual(strip(facts(b.ledger)));
        for (const [f, ids] of [[a, [third.importId!, real.importId!]], [b, [thirdTwin.importId!, twin.importId!]]] as const) {
          for (const id of ids) undoImport({ ledgerPath: f.ledger, commandLine: 'test undo' }, id, { today: TODAY, dryRun: false, at: new Date('2026-11-23T12:00:00Z') });
        }
        const undone = facts(a.ledger);
        for (const k of ['invoices', 'debtors', 'corrections', 'allocations'] as const) expect(undone[k]).toEqual(before[k]);
        // Undo wrote the older figures back without a digest of their own: the edited export
        // imported once more is compared in full again, and agrees with the twin.
        const after = await importFile(a.ledger, nextFile(a), { snapshot: changes.snapshot });
        const afterTwin = await importFile(b.ledger, nextFile(b), { snapshot: changes.snapshot, withoutDigests: true });
        expect(after.totals).toEqual(real.totals);
        expect(after.totals).toEqual(afterTwin.totals);
        expect(strip(facts(a.ledger))).toEqual(strip(facts(b.ledger)));

        if (between.payments.length === 0 && between.corrected === null) {
          // Derived from the two files alone.
          const old = new Map(book.rows.map((r) => [r.number, r]));
          let [inserted, updated, unchanged] = [0, 0, 0];
          for (const r of next.rows) {
            const o = old.get(r.number);
            if (!o) inserted++;
            else if (o.amount !== r.amount || o.open !== r.open || o.term !== r.term || o.reference !== r.reference) updated++;
            else unchanged++;
          }
          const closed = book.rows.filter((r) => !listed.has(r.number) && r.open !== 0).length;
          expect(counts(real)).toEqual([inserted, updated, unchanged, closed]);
          const fresh = folder();
          await importFile(fresh.ledger, fresh.write('export-2.csv', next));
          expect(afterReal).toEqual(imported(fresh.ledger));
          const inFile = new Set(next.rows.map((r) => `D${r.debtor}`));
          expect(debtorsAfterReal.filter((d) => inFile.has(d[0] as string))).toEqual(debtorDetails(fresh.ledger));
        }
      }),
      { numRuns: RUNS },
    );
  });
});


describe('the stored digest is cleared by whatever else changes what the import compares', () => {
  const SETUP = `
    INSERT INTO imports (id, kind, at, today, files) VALUES (1, 'invoices', '2026-11-01T08:00:00Z', '2026-11-01', '[]');
    INSERT INTO debtors (number, name, type, language) VALUES ('D1', 'Een', 'consumer', 'nl'), ('D2', 'Twee', 'consumer', 'nl');
    INSERT INTO invoices (number, debtor_number, due_date, amount_cents, open_cents, source_file, source_line, import_id, export_open_cents, import_digest)
      VALUES ('F1', 'D1', '2026-10-01', 10000, 10000, 'x.csv', 2, 1, 10000, 12345);
    INSERT INTO payments (id, date, amount_cents, source) VALUES (1, '2026-11-02', 500, 'bank');
    INSERT INTO runs (id, today, at) VALUES (1, '2026-11-02', '2026-11-02T08:00:00Z');`;
  it.each([
    ['a payment allocated (its open amount unchanged)', "INSERT INTO allocations (payment_id, invoice_number, amount_cents, method) VALUES (1, 'F1', 500, 'manual')", null],
    ['the open amount', "UPDATE invoices SET open_cents = 9500 WHERE number = 'F1'", null],
    ['the status (handed over, closed)', "UPDATE invoices SET status = 'handed_over' WHERE number = 'F1'", null],
    ['the amount', "UPDATE invoices SET amount_cents = 9000 WHERE number = 'F1'", null],
    ['the due date', "UPDATE invoices SET due_date = '2026-10-02' WHERE number = 'F1'", null],
    ['the issue date', "UPDATE invoices SET issue_date = '2026-09-02' WHERE number = 'F1'", null],
    ['the derived due date', "UPDATE invoices SET due_date_derived = 1 WHERE number = 'F1'", null],
    ['the reference', "UPDATE invoices SET reference = 'x' WHERE number = 'F1'", null],
    ['the debtor', "UPDATE invoices SET debtor_number = 'D2' WHERE number = 'F1'", null],
    ["the export's open amount", "UPDATE invoices SET export_open_cents = 1 WHERE number = 'F1'", null],
    ['a compared column written with its own value (import undo)', "UPDATE invoices SET open_cents = open_cents WHERE number = 'F1'", null],
    ['the dunning stage (not compared): kept', "UPDATE invoices SET stage_index = 1, stage_date = '2026-11-02' WHERE number = 'F1'", 12345],
    ['the source line (not compared): kept', "UPDATE invoices SET source_line = 7 WHERE number = 'F1'", 12345],
    ['an import writing a new digest with its update: the new one', "UPDATE invoices SET open_cents = 9000, import_digest = 777 WHERE number = 'F1'", 777],
  ])('%s', (_what, sql, expected) => {
    const f = folder();
    const l = openLedger(f.ledger, { create: true, command: 'test' });
    try {
      l.db.exec(SETUP);
      l.db.exec(sql);
      expect(l.db.prepare("SELECT import_digest FROM invoices WHERE number = 'F1'").pluck().get()).toBe(expected);
    } finally {
      l.close();
    }
  });

  it('an allocation moved or removed clears the digest of each invoice it concerned', () => {
    const f = folder();
    const l = openLedger(f.ledger, { create: true, command: 'test' });
    try {
      l.db.exec(SETUP);
      l.db.exec("INSERT INTO allocations (payment_id, invoice_number, amount_cents, method) VALUES (1, 'F1', 500, 'manual')");
      l.db.exec("INSERT INTO invoices (number, debtor_number, due_date, amount_cents, open_cents, source_file, source_line, import_id, import_digest) VALUES ('F2', 'D1', '2026-10-01', 100, 100, 'x.csv', 3, 1, 5)");
      l.db.exec("UPDATE invoices SET import_digest = 6 WHERE number = 'F1'");
      l.db.exec("UPDATE allocations SET invoice_number = 'F2' WHERE invoice_number = 'F1'");
      expect(l.db.prepare('SELECT number, import_digest FROM invoices ORDER BY 1').raw().all()).toEqual([['F1', null], ['F2', null]]);
      l.db.exec("UPDATE invoices SET import_digest = 8 WHERE number = 'F2'");
      l.db.exec('DELETE FROM allocations');
      expect(l.db.prepare("SELECT import_digest FROM invoices WHERE number = 'F2'").pluck().get()).toBe(null);
    } finally {
      l.close();
    }
  });
});
