// The handover shell against a real ledger built with SQL: selection, atomic writing, the marks,
// and recovery after a crash between the steps (simulated with the module's hooks).
import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unzipSync } from 'fflate';
import { openLedger, type Ledger } from '../../src/ledger/ledger.js';
import { exportHandover, previewHandover, rewriteBatch, type HandoverSettings } from '../../src/workflows/export-handover.js';
import { AppError } from '../../src/errors.js';
import { purgeDebtor } from '../../src/ledger/privacy.js';
import type { Policy } from '../../src/domain/plan.js';
import { creditor, policy as examplePolicy } from '../helpers/builders.js';
import { addDebtor, addImport, addInvoice, tempLedger, type TempLedger } from '../helpers/ledger.js';
import type { HandoverDocument } from '../../src/handover/case.js';

const policy: Policy = examplePolicy({ creditor: creditor({ email: 'a@korenschoof.example', phone: null, contactPerson: null }) });

const settings = (over: Partial<HandoverSettings> = {}): HandoverSettings => ({
  policy, dayCount: 'act/365', today: '2026-11-10', format: 'zip', includeNotes: false, generatedBy: 'pre-incasso test', ...over,
});

let temp: TempLedger;
let dir: string;
let ledger: Ledger;
let out: string;

const sha = (b: Buffer | Uint8Array): string => createHash('sha256').update(b).digest('hex');

beforeEach(() => {
  temp = tempLedger('handover-shell-', 'ledger.db');
  dir = temp.dir;
  out = path.join(dir, 'out');
  ledger = temp.ledger;
  seed(ledger);
});

afterEach(() => temp.remove());

/**
 * A consumer (10001) and a business (10002) whose final letters of 2026-10-20 are 21 days old on
 * 2026-11-10: both ready. Letters 1-3 each carry a PDF.
 */
function seed(l: Ledger): void {
  const db = l.db;
  addImport(db, { at: '2026-11-10T08:00:00Z', today: '2026-11-10' });
  addDebtor(db, { number: '10001', name: 'J. Jansen', type: 'consumer', type_known: 1, email: 'j@example.nl', street: 'Lindelaan 4', postcode: '3818 LK', city: 'Amersfoort' });
  addDebtor(db, { number: '10002', name: 'Van Dijk B.V.', type: 'business', type_known: 1, email: 'c@vandijk.example', street: 'Industrieweg 88', postcode: '3825 MA', city: 'Amersfoort' });
  addInvoice(db, { number: 'F1', debtor_number: '10001', issue_date: '2026-08-16', due_date: '2026-09-15', amount_cents: 12100, source_file: 'a.csv', source_line: 2 });
  addInvoice(db, { number: 'F2', debtor_number: '10002', issue_date: '2026-08-16', due_date: '2026-09-15', amount_cents: 254100, source_file: 'a.csv', source_line: 3 });
  db.exec(`INSERT INTO runs (id, today, at) VALUES (1, '2026-10-20', '2026-10-20T08:00:00Z');`);
  const letter = db.prepare(
    `INSERT INTO letters (id, run_id, debtor_number, stage_index, stage_id, final, date, channels, amount_cents, costs_cents, reference, data, pdf, pdf_sha256)
     VALUES (?, 1, ?, 2, 'laatste-herinnering', 1, '2026-10-20', '["email","post"]', ?, ?, 'RF', '{}', ?, ?)`,
  );
  const pdf1 = Buffer.from('%PDF consumer final');
  const pdf2 = Buffer.from('%PDF business final');
  letter.run(1, '10001', 12100, 4000, pdf1, sha(pdf1));
  letter.run(2, '10002', 254100, null, pdf2, sha(pdf2));
  db.exec(`
    INSERT INTO letter_invoices VALUES (1, 'F1', 'due', 12100, 12100), (2, 'F2', 'due', 254100, 254100);
    UPDATE invoices SET stage_index = 2, stage_date = '2026-10-20', stage_letter_id = 1 WHERE number = 'F1';
    UPDATE invoices SET stage_index = 2, stage_date = '2026-10-20', stage_letter_id = 2 WHERE number = 'F2';
  `);
}

const statuses = (): Record<string, string> =>
  Object.fromEntries((ledger.db.prepare('SELECT number, status FROM invoices ORDER BY number').raw().all() as [string, string][]));
const batches = (): { id: number; state: string; sha256: string }[] => ledger.db.prepare('SELECT id, state, sha256 FROM handovers ORDER BY id').all() as never;
const handoverEvents = (): number => (ledger.db.prepare("SELECT count(*) AS n FROM events WHERE kind = 'handover'").get() as { n: number }).n;

function readDoc(file: string): HandoverDocument {
  return JSON.parse(Buffer.from(unzipSync(fs.readFileSync(file))['handover.json']!).toString('utf8')) as HandoverDocument;
}

describe('exportHandover', () => {
  it('writes the ZIP, then marks the claims handed over with an event naming file and SHA-256', () => {
    const run = exportHandover(ledger.db, settings(), out);
    expect(run.kind).toBe('new');
    const r = run.result!;
    expect(r.fileName).toBe('handover-2026-11-10-1.zip');
    expect(sha(fs.readFileSync(r.file))).toBe(r.sha256);
    expect((fs.statSync(r.file).mode & 0o777).toString(8)).toBe('600');
    expect(statuses()).toEqual({ F1: 'handed_over', F2: 'handed_over' });
    expect(batches()).toEqual([{ id: 1, state: 'done', sha256: r.sha256 }]);
    const events = ledger.db.prepare("SELECT invoice_number, data FROM events WHERE kind = 'handover' ORDER BY invoice_number").all() as { invoice_number: string; data: string }[];
    expect(events.map((e) => [e.invoice_number, JSON.parse(e.data)])).toEqual([
      ['F1', { batch: 1, file: 'handover-2026-11-10-1.zip', sha256: r.sha256, format: 'zip', marked: true }],
      ['F2', { batch: 1, file: 'handover-2026-11-10-1.zip', sha256: r.sha256, format: 'zip', marked: true }],
    ]);
    const files = unzipSync(fs.readFileSync(r.file));
    expect(Object.keys(files)).toEqual([
      'handover.json', 'handover.csv', 'letters/10001/2026-10-20_laatste-herinnering.pdf', 'letters/10002/2026-10-20_laatste-herinnering.pdf', 'SHA256SUMS',
    ]);
    expect(Buffer.from(files['letters/10001/2026-10-20_laatste-herinnering.pdf']!).toString()).toBe('%PDF consumer final');
    expect(fs.readdirSync(out)).toEqual(['handover-2026-11-10-1.zip']);
  });

  it('a second export finds nothing: dunning and handover stop for handed-over claims', () => {
    exportHandover(ledger.db, settings(), out);
    const again = exportHandover(ledger.db, settings({ today: '2026-11-20' }), out);
    expect(again.kind).toBe('nothing');
    expect(batches()).toHaveLength(1);
  });

  it('csv and json formats write just that file', () => {
    const csv = exportHandover(ledger.db, settings({ format: 'csv' }), out).result!;
    expect(csv.fileName).toBe('handover-2026-11-10-1.csv');
    expect(fs.readFileSync(csv.file).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.cases.map((c) => [c.debtor, c.open_cents, c.collection_costs_cents])).toEqual([['10001', 12100, 4000], ['10002', 254100, 37910]]);
  });

  it('json format: the document itself, letters listed without files', () => {
    const r = exportHandover(ledger.db, settings({ format: 'json' }), out).result!;
    const doc = JSON.parse(fs.readFileSync(r.file, 'utf8')) as HandoverDocument;
    expect(doc.schema_version).toBe(1);
    expect(doc.cases[0]!.letters[0]!.file).toBeNull();
    expect(doc.cases[0]!.letters[0]!.sha256).toBe(sha(Buffer.from('%PDF consumer final')));
  });

  it('an unwritable out dir (its parent is a file) is an input error and leaves the ledger byte-identical', () => {
    const before = sha(fs.readFileSync(ledger.path));
    fs.writeFileSync(path.join(dir, 'plain-file'), 'x');
    let error: unknown;
    try {
      exportHandover(ledger.db, settings(), path.join(dir, 'plain-file', 'out'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('input_invalid');
    expect((error as AppError).exitCode).toBe(4);
    expect(statuses()).toEqual({ F1: 'open', F2: 'open' });
    expect(batches()).toEqual([]);
    expect(sha(fs.readFileSync(ledger.path))).toBe(before);
  });

  it('a file of the same name already in the out dir is refused, nothing marked', () => {
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'handover-2026-11-10-1.zip'), 'someone else');
    expect(() => exportHandover(ledger.db, settings(), out)).toThrow(/already exists/);
    expect(statuses()).toEqual({ F1: 'open', F2: 'open' });
    expect(batches()).toEqual([]);
  });

  it('crash after the rename, before the commit: the next export completes the same batch, no second one', () => {
    expect(() => exportHandover(ledger.db, settings(), out, { afterRename: () => { throw new Error('power cut'); } })).toThrow('power cut');
    expect(statuses()).toEqual({ F1: 'open', F2: 'open' });
    const [writing] = batches();
    expect(writing!.state).toBe('writing');
    const firstBytes = fs.readFileSync(path.join(out, 'handover-2026-11-10-1.zip'));

    // Next day, the book has moved on; the interrupted batch is still completed as it was.
    const next = exportHandover(ledger.db, settings({ today: '2026-11-11' }), out);
    expect(next.kind).toBe('recovered');
    expect(next.result!.batch).toBe(1);
    expect(next.result!.sha256).toBe(writing!.sha256);
    expect(fs.readFileSync(next.result!.file).equals(firstBytes)).toBe(true);
    expect(batches()).toEqual([{ id: 1, state: 'done', sha256: writing!.sha256 }]);
    expect(statuses()).toEqual({ F1: 'handed_over', F2: 'handed_over' });
    expect(handoverEvents()).toBe(2);
    expect(next.result!.cases.map((c) => c.debtor)).toEqual(['10001', '10002']);
    expect(exportHandover(ledger.db, settings({ today: '2026-11-11' }), out).kind).toBe('nothing');
  });

  it('crash before the rename: the file is written from the stored bytes, stray temp files removed', () => {
    expect(() => exportHandover(ledger.db, settings(), out, { afterBatchRow: () => { throw new Error('killed'); } })).toThrow('killed');
    expect(fs.readdirSync(out).some((f) => f.endsWith('.tmp'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'handover-2026-11-10-1.zip'))).toBe(false);
    const stored = batches()[0]!;
    const next = exportHandover(ledger.db, settings(), out);
    expect(next.kind).toBe('recovered');
    expect(sha(fs.readFileSync(next.result!.file))).toBe(stored.sha256);
    expect(fs.readdirSync(out)).toEqual(['handover-2026-11-10-1.zip']);
    expect(statuses()).toEqual({ F1: 'handed_over', F2: 'handed_over' });
  });

  it('recovery rewrites a damaged file and names a claim that was paid in between', () => {
    expect(() => exportHandover(ledger.db, settings(), out, { afterRename: () => { throw new Error('crash'); } })).toThrow();
    fs.writeFileSync(path.join(out, 'handover-2026-11-10-1.zip'), 'half a file');
    ledger.db.prepare("UPDATE invoices SET status = 'paid', open_cents = 0 WHERE number = 'F2'").run();
    const next = exportHandover(ledger.db, settings(), out).result!;
    expect(sha(fs.readFileSync(next.file))).toBe(next.sha256);
    expect(next.notMarked).toEqual([{ invoice: 'F2', status: 'paid' }]);
    expect(statuses()).toEqual({ F1: 'handed_over', F2: 'paid' });
  });

  it('--batch n writes the stored bytes again, byte-identical, changing nothing', () => {
    const first = exportHandover(ledger.db, settings(), out).result!;
    const original = fs.readFileSync(first.file);
    const again = rewriteBatch(ledger.db, 1, path.join(dir, 'again'));
    expect(fs.readFileSync(again.file).equals(original)).toBe(true);
    expect(again.cases).toEqual(first.cases);
    expect(() => rewriteBatch(ledger.db, 2, out)).toThrow(/no handover batch 2/);
  });

  it.each(['csv', 'json'] as const)('--batch n reads the case list back from a stored %s batch', (format) => {
    ledger.db.exec("UPDATE debtors SET name = '=HYPERLINK(\"http://x\",\"klik\")' WHERE number = '10001'");
    const first = exportHandover(ledger.db, settings({ format }), out).result!;
    const again = rewriteBatch(ledger.db, 1, path.join(dir, 'again'));
    expect(again.cases).toEqual(first.cases);
    expect(again.cases[0]!.name).toBe('=HYPERLINK("http://x","klik")');
  });

  it('never exports a held or disputed claim', () => {
    ledger.db.exec(`
      INSERT INTO holds (debtor_number, reason, created_on) VALUES ('10001', 'regeling', '2026-11-01');
      INSERT INTO holds (invoice_number, reason, dispute, created_on) VALUES ('F2', 'levering betwist', 1, '2026-11-01');
    `);
    expect(exportHandover(ledger.db, settings(), out).kind).toBe('nothing');
    expect(statuses()).toEqual({ F1: 'open', F2: 'open' });
  });

  it('refuses a consumer claim whose final letter stated no costs (no veertiendagenbrief), even when the planner offers it', () => {
    // The debtor was a business when the final letter went out; a later import made it a consumer.
    ledger.db.exec("UPDATE letters SET costs_cents = NULL WHERE id = 1");
    const run = exportHandover(ledger.db, settings(), out);
    expect(run.result!.cases.map((c) => c.debtor)).toEqual(['10002']);
    expect(run.skipped).toEqual([{ debtor: '10001', invoice: 'F1', reason: expect.stringContaining('no veertiendagenbrief') }]);
    expect(statuses()).toEqual({ F1: 'open', F2: 'handed_over' });
  });

  it('refuses a consumer claim whose e-mail-only veertiendagenbrief never left the outbox', () => {
    ledger.db.exec(`UPDATE letters SET channels = '["email"]' WHERE id = 1;
      INSERT INTO outbox (letter_id, to_address, state, queued_at) VALUES (1, 'j@example.nl', 'failed', '2026-10-20T08:00:00Z');`);
    const run = exportHandover(ledger.db, settings(), out);
    expect(run.skipped[0]).toMatchObject({ invoice: 'F1', reason: expect.stringContaining('not delivered') });
    expect(statuses().F1).toBe('open');
  });

  it('hands a claim over with the credit note the account set off against it; the credit note stays with it', () => {
    addInvoice(ledger.db, { number: 'C1', debtor_number: '10002', issue_date: '2026-09-02', due_date: '2026-09-02', amount_cents: -12100, source_file: 'a.csv', source_line: 4 });
    const r = exportHandover(ledger.db, settings({ format: 'json' }), out).result!;
    expect(r.cases[1]).toMatchObject({ debtor: '10002', invoices: ['F2'], open_cents: 242000, collection_costs_cents: 36300 });
    const doc = JSON.parse(fs.readFileSync(r.file, 'utf8'));
    expect(doc.cases[1].claims[0]).toMatchObject({ invoice_number: 'F2', credited_cents: 12100, credit_notes: [{ credit_note: 'C1', amount_cents: 12100, amount: '121.00' }] });
    // The credit note is used up against the handed-over claim: it nets nothing else any more.
    expect(statuses().C1).toBe('open');
  });

  it('payments and, with includeNotes, released holds travel with the case', () => {
    ledger.db.exec(`
      INSERT INTO payments (id, date, amount_cents, source, reference) VALUES (1, '2026-10-01', 100, 'manual', 'deel');
      INSERT INTO allocations VALUES (1, 'F2', 100, 'manual');
      UPDATE invoices SET open_cents = 254000 WHERE number = 'F2';
      INSERT INTO holds (debtor_number, reason, created_on, released_on) VALUES ('10002', 'belt terug', '2026-10-01', '2026-10-03');
    `);
    const r = exportHandover(ledger.db, settings({ format: 'json', includeNotes: true }), out).result!;
    const doc = JSON.parse(fs.readFileSync(r.file, 'utf8')) as HandoverDocument;
    expect(doc.cases[1]!.payments).toEqual([{ date: '2026-10-01', invoice_number: 'F2', amount_cents: 100, amount: '1.00', reference: 'deel' }]);
    expect(doc.cases[1]!.notes).toEqual([{ date: '2026-10-01', kind: 'hold', invoice_number: null, reason: 'belt terug', until: null, released_on: '2026-10-03' }]);
  });

  it('the preview is what the export then writes, and changes nothing', () => {
    const before = sha(fs.readFileSync(ledger.path));
    const preview = previewHandover(ledger.db, settings());
    expect(sha(fs.readFileSync(ledger.path))).toBe(before);
    expect(fs.existsSync(out)).toBe(false);
    const r = exportHandover(ledger.db, settings(), out).result!;
    expect(preview.cases).toEqual(r.cases);
    expect(readDoc(r.file).cases.map((c) => c.case_reference)).toEqual(['1-10001', '1-10002']);
  });
});

describe('the batch stored once, the file streamed (issue 16)', () => {
  const ledgerSize = (): number => fs.statSync(ledger.path).size;
  /** Incompressible PDFs of a few hundred kilobytes, so the file's size dominates the pages around it. */
  function bigPdfs(): void {
    const set = ledger.db.prepare('UPDATE letters SET pdf = ?, pdf_sha256 = ? WHERE id = ?');
    for (const id of [1, 2]) {
      const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(300_000)]);
      set.run(pdf, sha(pdf), id);
    }
  }

  it('the ledger grows by far less than one copy of the ZIP (it used to grow by two)', () => {
    bigPdfs();
    ledger.db.exec('VACUUM');
    const before = ledgerSize();
    const r = exportHandover(ledger.db, settings(), out).result!;
    const zip = fs.statSync(r.file).size;
    expect(zip).toBeGreaterThan(600_000);
    expect(ledgerSize() - before).toBeLessThan(zip / 4);
    // And the file can be made again from what was stored, byte for byte.
    const again = rewriteBatch(ledger.db, 1, path.join(dir, 'again'));
    expect(fs.readFileSync(again.file).equals(fs.readFileSync(r.file))).toBe(true);
  });

  it('the ZIP passes `unzip -t` and holds each stored PDF byte for byte, SHA256SUMS verifying', () => {
    bigPdfs();
    const r = exportHandover(ledger.db, settings(), out).result!;
    const test = spawnSync('unzip', ['-t', r.file], { encoding: 'utf8' });
    expect(test.status, test.stdout + test.stderr).toBe(0);
    expect(test.stdout).toContain('No errors detected');
    const files = unzipSync(fs.readFileSync(r.file));
    const stored = ledger.db.prepare('SELECT pdf FROM letters WHERE id = 1').pluck().get() as Buffer;
    expect(Buffer.from(files['letters/10001/2026-10-20_laatste-herinnering.pdf']!).equals(stored)).toBe(true);
    const sums = Buffer.from(files.SHA256SUMS!).toString('utf8');
    for (const [name, data] of Object.entries(files)) if (name !== 'SHA256SUMS') expect(sums).toContain(`${sha(data)}  ${name}\n`);
    // handover.json is the document as one JSON.stringify would write it.
    const doc = readDoc(r.file);
    expect(Buffer.from(files['handover.json']!).toString('utf8')).toBe(`${JSON.stringify(doc, null, 2)}\n`);
  });

  it('a crash while the file is written leaves no ZIP, no temp file, and the ledger as it was', () => {
    const before = sha(fs.readFileSync(ledger.path));
    const crash = (done: number): void => {
      if (done === 3) throw new Error('power cut while writing');
    };
    expect(() => exportHandover(ledger.db, settings(), out, { onProgress: crash })).toThrow('power cut while writing');
    expect(fs.readdirSync(out)).toEqual([]);
    expect(batches()).toEqual([]);
    expect(statuses()).toEqual({ F1: 'open', F2: 'open' });
    expect(sha(fs.readFileSync(ledger.path))).toBe(before);
    // The next export is batch 1, whole.
    const r = exportHandover(ledger.db, settings(), out).result!;
    expect(r.batch).toBe(1);
    expect(spawnSync('unzip', ['-tq', r.file]).status).toBe(0);
  });

  it('a stored PDF that no longer matches its recorded SHA-256 stops the export before anything is recorded (exit 5)', () => {
    ledger.db.prepare("UPDATE letters SET pdf = ? WHERE id = 2").run(Buffer.from('%PDF changed behind our back'));
    let error: unknown;
    try {
      exportHandover(ledger.db, settings(), out);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('ledger_corrupt');
    expect((error as AppError).message).toContain('letter 2');
    expect(fs.readdirSync(out)).toEqual([]);
    expect(batches()).toEqual([]);
  });

  it('a batch made before migration 020 (its bytes in handovers.content) is written again from them, its case list from its own handover.json', () => {
    const first = exportHandover(ledger.db, settings(), out).result!;
    const bytes = fs.readFileSync(first.file);
    // What an older version left: the whole file in the row, no members, no case list.
    ledger.db.prepare('UPDATE handovers SET content = ? WHERE id = 1').run(bytes);
    ledger.db.exec('DELETE FROM handover_members; DELETE FROM handover_cases;');
    const again = rewriteBatch(ledger.db, 1, path.join(dir, 'legacy'));
    expect(fs.readFileSync(again.file).equals(bytes)).toBe(true);
    expect(again.cases).toEqual(first.cases);
    const csv = rewriteBatch(ledger.db, 1, path.join(dir, 'legacy-csv'), 'csv');
    expect(fs.readFileSync(csv.file).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('--batch n --format csv writes the handover.csv member of a ZIP batch as it was handed over', () => {
    const first = exportHandover(ledger.db, settings(), out).result!;
    const member = Buffer.from(unzipSync(fs.readFileSync(first.file))['handover.csv']!);
    const csv = rewriteBatch(ledger.db, 1, path.join(dir, 'csv'), 'csv');
    expect(csv.fileName).toBe('handover-2026-11-10-1.csv');
    expect(fs.readFileSync(csv.file).equals(member)).toBe(true);
    expect(csv.cases).toEqual(first.cases);
  });

  it('purging every dossier of a batch removes its stored documents with the PDFs; the batch can no longer be written (exit 5)', () => {
    exportHandover(ledger.db, settings(), out);
    purgeDebtor(ledger.db, '10001', '2034-01-02');
    expect((ledger.db.prepare('SELECT count(*) FROM handover_members WHERE length(deflated) > 0').pluck().get() as number)).toBeGreaterThan(0);
    purgeDebtor(ledger.db, '10002', '2034-01-02');
    expect((ledger.db.prepare('SELECT count(*) FROM handover_members WHERE length(deflated) > 0').pluck().get() as number)).toBe(0);
    expect(() => rewriteBatch(ledger.db, 1, path.join(dir, 'purged'))).toThrow(expect.objectContaining({ code: 'ledger_corrupt' }));
    expect(fs.existsSync(path.join(dir, 'purged', 'handover-2026-11-10-1.zip'))).toBe(false);
  });
});
