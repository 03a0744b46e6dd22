// The handover built and written as a stream: only the debtors that can be ready are planned (and
// the result is the plan of everyone's), a batch built chunk by chunk is the batch built at once,
// the text members deflated as they come are the text, the hashes of a file larger than the
// hashing thread's ring are right, and a disk that fails mid-file leaves nothing behind.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { unzipSync } from 'fflate';
import type { Ledger } from '../../src/ledger/ledger.js';
import { exportHandover, type HandoverSettings } from '../../src/workflows/export-handover.js';
import { buildBatch } from '../../src/handover/batch.js';
import { selectCaseChunks } from '../../src/handover/select.js';
import { MemberPacker, packMember } from '../../src/handover/zip.js';
import { DeflateThread } from '../../src/handover/deflate-thread.js';
import { readDunningSnapshot } from '../../src/ledger/dunning.js';
import { readHandoverLetters } from '../../src/ledger/handovers.js';
import { amsterdamDate } from '../../src/domain/dates.js';
import { planDebtor, type Policy } from '../../src/domain/plan.js';
import { creditor, policy as examplePolicy } from '../helpers/builders.js';
import { addDebtor, addImport, addInvoice, tempLedger, type TempLedger } from '../helpers/ledger.js';

const policy: Policy = examplePolicy({ creditor: creditor({ email: 'a@korenschoof.example', phone: null, contactPerson: null }) });
const settings = (over: Partial<HandoverSettings> = {}): HandoverSettings => ({
  policy, dayCount: 'act/365', today: '2026-11-10', format: 'zip', includeNotes: false, generatedBy: 'pre-incasso test', ...over,
});
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

let temp: TempLedger;
let ledger: Ledger;
let out: string;

beforeEach(() => {
  temp = tempLedger('handover-stream-', 'ledger.db');
  ledger = temp.ledger;
  out = path.join(temp.dir, 'out');
  addImport(ledger.db, { at: '2026-11-10T08:00:00Z', today: '2026-11-10' });
  ledger.db.exec(`INSERT INTO runs (id, today, at) VALUES (1, '2026-10-20', '2026-10-20T08:00:00Z');`);
});
afterEach(() => {
  vi.restoreAllMocks();
  temp.remove();
});

interface Debtor {
  number: string;
  type?: 'consumer' | 'business';
  /** Stage of the invoice (2 = the final letter) and the day it moved there. */
  stage?: number | null;
  staged?: string;
  status?: string;
  pdf?: Buffer;
  hold?: boolean;
}

let nextLetter = 1;
/** A debtor with one invoice; at a stage, with the letter (and its PDF) that moved it there. */
function add(d: Debtor): void {
  const db = ledger.db;
  const stage = d.stage === undefined ? 2 : d.stage;
  const staged = d.staged ?? '2026-10-20';
  addDebtor(db, { number: d.number, name: `Debiteur ${d.number}`, type: d.type ?? 'business', type_known: 1, email: `${d.number.toLowerCase()}@example.nl`, street: 'Lindelaan 4', postcode: '3818 LK', city: 'Amersfoort' });
  addInvoice(db, { number: `F-${d.number}`, debtor_number: d.number, issue_date: '2026-08-16', due_date: '2026-09-15', amount_cents: 12100, source_file: 'a.csv', status: d.status ?? 'open' });
  if (stage !== null) {
    const id = nextLetter++;
    const pdf = d.pdf ?? Buffer.from(`%PDF letter ${id}`);
    db.prepare(
      `INSERT INTO letters (id, run_id, debtor_number, stage_index, stage_id, final, date, channels, amount_cents, costs_cents, reference, data, pdf, pdf_sha256)
       VALUES (?, 1, ?, ?, ?, ?, ?, '["email","post"]', 12100, ?, 'RF', '{}', ?, ?)`,
    ).run(id, d.number, stage, policy.stages[stage]!.id, stage === 2 ? 1 : 0, staged, stage === 2 && d.type === 'consumer' ? 4000 : null, pdf, sha(pdf));
    db.prepare("INSERT INTO letter_invoices VALUES (?, ?, 'due', 12100, 12100)").run(id, `F-${d.number}`);
    db.prepare('UPDATE invoices SET stage_index = ?, stage_date = ?, stage_letter_id = ? WHERE number = ?').run(stage, staged, id, `F-${d.number}`);
  }
  if (d.hold) db.prepare("INSERT INTO holds (debtor_number, reason, created_on) VALUES (?, 'belt terug', '2026-11-01')").run(d.number);
}

/** The claims the planner hands over when it plans every debtor (what the export did before). */
function plannedForEveryone(): string[] {
  const invoices: string[] = [];
  for (const input of readDunningSnapshot(ledger.db)) {
    for (const a of planDebtor(input, policy, '2026-11-10', { letters: false, assess: false }).actions) if (a.kind === 'handover') invoices.push(...a.invoices);
  }
  return invoices.sort();
}

describe('which debtors are planned', () => {
  it('the claims selected are exactly those the plan of every debtor hands over', () => {
    nextLetter = 1;
    add({ number: 'B1' }); // ready: final letter 21 days old
    add({ number: 'C1', type: 'consumer' }); // ready after the fourteen-day term
    add({ number: 'B2', staged: '2026-11-01' }); // final letter too recent
    add({ number: 'B3', stage: 1, staged: '2026-10-06' }); // not at the final stage
    add({ number: 'B4', stage: null }); // no letter yet
    add({ number: 'B5', status: 'paid' }); // paid meanwhile
    add({ number: 'B6', hold: true }); // on hold: planned, and the plan says no
    const planned = plannedForEveryone();
    expect(planned).toEqual(['F-B1', 'F-C1']);
    const chunks = [...selectCaseChunks(ledger.db, settings(), { withPdf: true })];
    const selected = chunks.flatMap((c) => [...c.cases.flatMap((k) => k.invoices.map((i) => i.number)), ...c.skipped.map((s) => s.invoice)]).sort();
    expect(selected).toEqual(planned);
  });
});

describe('a batch built chunk by chunk', () => {
  it('is the batch built at once: the same members, bytes, cases, costs and warnings', () => {
    nextLetter = 1;
    for (let i = 0; i < 9; i++) add({ number: `D${i}`, type: i % 3 === 0 ? 'business' : 'consumer' });
    add({ number: 'A/1' });
    add({ number: 'A_1' }); // sanitises like A/1: its letters folder gets a suffix, across chunks too
    const whole = buildBatch(selectCaseChunks(ledger.db, settings(), { withPdf: true, chunkSize: Infinity }), settings(), 1);
    const chunked = buildBatch(selectCaseChunks(ledger.db, settings(), { withPdf: true, chunkSize: 2 }), settings(), 1);
    expect([...selectCaseChunks(ledger.db, settings(), { withPdf: true, chunkSize: 2 })]).toHaveLength(6);
    expect(chunked).toEqual(whole);
    expect(whole.cases).toHaveLength(11);
    expect(whole.members.map((m) => m.path)).toContain('letters/A_1~2/2026-10-20_laatste-herinnering.pdf');
  });
});

describe('MemberPacker', () => {
  const text = (bytes: number): string[] => {
    const pieces: string[] = [];
    for (let n = 0, i = 0; n < bytes; i++) {
      const piece = `,\n    {"case": ${i}, "name": "Łukasz ${i % 97}", "open": "${(i * 7919) % 100000}.00"}`;
      pieces.push(piece);
      n += Buffer.byteLength(piece);
    }
    return pieces;
  };
  it.each([
    ['empty', 0],
    ['small (one group)', 10_000],
    ['three groups', 2_500_000],
  ])('%s: with the head held back, the member is the head and the text, CRC, size and SHA-256 right', (_name, bytes) => {
    const pieces = text(bytes);
    const head = '{\n  "totals": 123,\n  "cases": [';
    const packer = new MemberPacker('handover.json', { holdHead: true });
    for (const p of pieces) packer.add(p);
    const member = packer.finish(head);
    const plain = Buffer.from(head + pieces.join(''), 'utf8');
    expect(zlib.inflateRawSync(member.deflated).equals(plain)).toBe(true);
    expect(member.size).toBe(plain.length);
    expect(member.sha256).toBe(sha(plain));
    expect(member.crc).toBe(zlib.crc32(plain) >>> 0);
    // A text that fits one group is deflated exactly as before, head and all in one piece.
    if (plain.length < 1 << 20) expect(Buffer.from(member.deflated).equals(Buffer.from(packMember('handover.json', [plain]).deflated))).toBe(true);
  });
});

describe('writing the file', () => {
  it('a PDF larger than the hashing ring is checked whole: a good one goes, a changed one stops the export', () => {
    nextLetter = 1;
    const big = Buffer.alloc(9 << 20, 0x25);
    add({ number: 'B1', pdf: big });
    const r = exportHandover(ledger.db, settings(), out).result!;
    expect(sha(fs.readFileSync(r.file))).toBe(r.sha256);
    expect(Buffer.from(unzipSync(fs.readFileSync(r.file))['letters/B1/2026-10-20_laatste-herinnering.pdf']!).equals(big)).toBe(true);

    // The same in a fresh batch with the stored PDF changed in its last byte.
    add({ number: 'B2', pdf: big });
    const changed = Buffer.from(big);
    changed[changed.length - 1] = 0x26;
    ledger.db.prepare("UPDATE letters SET pdf = ? WHERE debtor_number = 'B2'").run(changed);
    const before = sha(fs.readFileSync(temp.file));
    expect(() => exportHandover(ledger.db, settings(), path.join(temp.dir, 'out2'))).toThrow(expect.objectContaining({ code: 'ledger_corrupt' }));
    expect(fs.readdirSync(path.join(temp.dir, 'out2'))).toEqual([]);
    expect(sha(fs.readFileSync(temp.file))).toBe(before);
  });

  it('a disk that fails in the middle of the file leaves no ZIP, no temp file, and the ledger byte for byte as it was', () => {
    nextLetter = 1;
    for (let i = 0; i < 4; i++) add({ number: `B${i}`, pdf: Buffer.alloc(700_000, i) });
    const before = sha(fs.readFileSync(temp.file));
    const write = fs.writeSync;
    let written = 0;
    vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, buffer: Uint8Array, ...rest: unknown[]) => {
      written += buffer.length;
      if (written > 1_500_000) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
      return (write as (...a: unknown[]) => number)(fd, buffer, ...rest);
    }) as typeof fs.writeSync);
    expect(() => exportHandover(ledger.db, settings(), out)).toThrow(/disk is full.*ENOSPC/);
    vi.restoreAllMocks();
    expect(fs.readdirSync(out)).toEqual([]);
    expect(sha(fs.readFileSync(temp.file))).toBe(before);
    expect(ledger.db.prepare('SELECT count(*) FROM handovers').pluck().get()).toBe(0);
    // Space again: the next export is batch 1, whole.
    const r = exportHandover(ledger.db, settings(), out).result!;
    expect(r.batch).toBe(1);
    expect(Object.keys(unzipSync(fs.readFileSync(r.file)))).toHaveLength(2 + 4 + 1);
  });
});

describe('the deflating thread', () => {
  it('a failure in it stops the export before anything is written: no file, the ledger byte for byte as it was', () => {
    nextLetter = 1;
    // handover.json over 1 MB, so a group of it is deflated on the thread; the thread is given a level zlib refuses.
    for (let i = 0; i < 300; i++) add({ number: `D${String(i).padStart(4, '0')}` });
    const before = sha(fs.readFileSync(temp.file));
    const deflate = DeflateThread.prototype.deflate;
    vi.spyOn(DeflateThread.prototype, 'deflate').mockImplementation(function (this: DeflateThread, plain: Uint8Array, last: boolean) {
      Object.assign(this, { level: 99 });
      return deflate.call(this, plain, last);
    });
    expect(() => exportHandover(ledger.db, settings(), out)).toThrow(/the deflating thread of the handover failed: .*level/i);
    vi.restoreAllMocks();
    expect(fs.existsSync(out) ? fs.readdirSync(out) : []).toEqual([]);
    expect(sha(fs.readFileSync(temp.file))).toBe(before);
    expect(ledger.db.prepare('SELECT count(*) FROM handovers').pluck().get()).toBe(0);
    expect(exportHandover(ledger.db, settings(), out).result!.cases).toHaveLength(300);
  });

  it('gives back each group deflated exactly as on the main thread, in order', () => {
    const thread = new DeflateThread(6);
    try {
      const groups = [Buffer.alloc(3 << 20, 'ab'), Buffer.from('{"x": 1}'), Buffer.alloc(0), Buffer.from('Łukasz '.repeat(9999))];
      const tickets = groups.map((g, i) => thread.deflate(g, i === groups.length - 1));
      for (const [i, g] of groups.entries()) {
        const flush = i === groups.length - 1 ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH;
        expect(thread.result(tickets[i]!).equals(zlib.deflateRawSync(g, { level: 6, finishFlush: flush }))).toBe(true);
      }
    } finally {
      thread.close();
    }
  });
});

describe('the bytes of the file', () => {
  // Recorded from the code before the text members were deflated on a second thread: a new
  // export of the same ledger must give the same archive, byte for byte (`export --batch` and
  // the recorded SHA-256 of every earlier batch depend on it). handover.json spans several
  // deflate groups here.
  it('a batch of 600 cases is the archive recorded for it', () => {
    nextLetter = 1;
    for (let i = 0; i < 600; i++) add({ number: `D${String(i).padStart(4, '0')}`, type: i % 3 === 0 ? 'consumer' : 'business', pdf: Buffer.from(`%PDF-1.7 letter ${i} ${'x'.repeat(i)}`) });
    const r = exportHandover(ledger.db, settings(), out).result!;
    const files = unzipSync(fs.readFileSync(r.file));
    expect(files['handover.json']!.length).toBeGreaterThan(2 << 20);
    expect(r.cases).toHaveLength(600);
    expect(sha(fs.readFileSync(r.file))).toBe(r.sha256);
    expect(r.sha256).toBe('d04d88fd60bd3b915184a5f130a46375c3b584c7661d28a5fcd6b95c71c8cf44');
  });
});

describe("the letters' details", () => {
  it.each([
    ['2026-10-24T21:59:59.999Z', '2026-10-24'], // 23:59:59 summer time
    ['2026-10-24T22:00:00.000Z', '2026-10-25'], // midnight summer time
    ['2026-10-25T00:59:59.000Z', '2026-10-25'], // 02:59:59 summer time, the hour before the clocks go back
    ['2026-10-25T01:00:00.000Z', '2026-10-25'], // 02:00 winter time
    ['2026-10-25T22:59:59.000Z', '2026-10-25'], // 23:59:59 winter time
    ['2026-10-25T23:00:00.000Z', '2026-10-26'], // midnight winter time
  ])('an e-mail sent at %s left on %s in Amsterdam', (sentAt, date) => {
    nextLetter = 1;
    // Letters earlier the same UTC day and hour, the checked one last: a date remembered for
    // the day would be wrong, the one remembered for the hour must be right for each.
    const times = [sentAt.replace(/T.*$/, 'T00:00:00.000Z'), sentAt.replace(/:\d\d:\d\d\.\d+Z$/, ':00:00.000Z'), sentAt];
    for (const [i, at] of times.entries()) {
      add({ number: `M${i}` });
      ledger.db.prepare("INSERT INTO outbox (letter_id, to_address, state, queued_at, sent_at) VALUES (?, 'm@example.nl', 'sent', ?, ?)").run(nextLetter - 1, at, at);
    }
    const letters = readHandoverLetters(ledger.db, ['M0', 'M1', 'M2']);
    expect(letters.get('M2')![0]!.emailSentDate).toBe(date);
    for (const i of [0, 1]) expect(letters.get(`M${i}`)![0]!.emailSentDate).toBe(amsterdamDate(new Date(times[i]!)));
  });
});
