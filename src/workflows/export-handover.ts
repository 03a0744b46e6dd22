// `export`: hand the claims the engine marks ready to the incassobureau (SPEC §10). This file
// owns the order of the steps, the ledger it opens and the files it writes.
//
// Order of work, and what a crash at each point leaves behind:
//   1. plan + read + build the members             nothing written
//   2. stream the file to a temp file, fsync       a stray `.handover-….tmp`; ledger untouched
//   3. batch row `writing` with its members, its   the next `export` finds the row and completes
//      claims, costs and case list (one            it, rebuilding the file from the members and
//      transaction)                                checking it against the recorded SHA-256
//   4. rename to the final name, fsync the dir     same: the file is verified or rewritten
//   5. one transaction: invoices `handed_over`,    done
//      batch `done`, a `handover` event per claim
// A failure before step 3 (an unwritable --out, a damaged PDF) leaves the ledger byte for byte as
// it was; a failure at step 4 removes the row again, so a failed export never marks anything.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { unzipSync } from 'fflate';
import { AppError } from '../errors.js';
import { commitTemp, ensureDir, writeTemp } from '../platform/files.js';
import { environmentError } from '../platform/errors.js';
import type { IsoDate } from '../domain/dates.js';
import { openLedger, type Db } from '../ledger/ledger.js';
import {
  completeBatch,
  deleteBatch,
  insertBatch,
  interruptedBatch,
  lastBatchNumber,
  letterPdfReader,
  nextBatchNumber,
  readBatch,
  readBatchCosts,
  readBatchInvoices,
  readBatchMembers,
  readCaseSummaries,
  type BatchRow,
  type CaseSummary,
  type HandoverFormat,
} from '../ledger/handovers.js';
import { buildBatch, caseSummary, handoverFileName, isTempOf, memberBytes, writeBatchTemp } from '../handover/batch.js';
import { selectCaseChunks, type HandoverSettings, type SkippedClaim } from '../handover/select.js';
import type { HandoverDocument } from '../handover/case-types.js';

export type { CaseSummary, HandoverFormat, HandoverSettings, SkippedClaim };

export interface BatchResult {
  batch: number;
  format: HandoverFormat;
  fileName: string;
  /** Absolute path of the written file. */
  file: string;
  sha256: string;
  cases: CaseSummary[];
  warnings: string[];
  /** Invoices of the batch that were no longer open when it was completed (crash recovery). */
  notMarked: { invoice: string; status: string }[];
}

/** Test seams: a crash between two steps is simulated by throwing from a hook. */
export interface ExportHooks {
  afterBatchRow?: () => void;
  afterRename?: () => void;
  /** Progress of the file: members written of all (a ZIP: the two documents, the PDFs, SHA256SUMS). */
  onProgress?: (done: number, total: number) => void;
}

export interface ExportRun {
  kind: 'new' | 'recovered' | 'nothing';
  result: BatchResult | null;
  skipped: SkippedClaim[];
}

// ---------------------------------------------------------------------------------------------
// Files

function unwritable(dir: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  const machine = environmentError(error, { role: 'file', path: dir });
  if (machine) return new AppError('input_invalid', machine.message, { hint: `${machine.hint ?? ''} Nothing was marked as handed over.`.trim(), cause: error });
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  return new AppError('input_invalid', `Cannot write the handover file to ${dir} (${code}: ${(error as Error).message}).`, {
    hint: 'Give --out a folder you can write to (it is created when missing). Nothing was marked as handed over.',
    cause: error,
  });
}

/** Runs a file step; an unusable folder becomes an input error (exit 4). */
function inDir<T>(dir: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    throw unwritable(dir, error);
  }
}

/** Creates the out dir (0700) when missing. */
function prepareOutDir(dir: string): string {
  return inDir(path.resolve(dir), () => ensureDir(dir));
}

/** Temp files a crashed export left for this file name. */
function removeStaleTemps(dir: string, fileName: string): void {
  for (const entry of fs.readdirSync(dir)) if (isTempOf(entry, fileName)) fs.rmSync(path.join(dir, entry), { force: true });
}

/** SHA-256 of a file, read in pieces (a handover ZIP can be larger than memory should hold). */
function fileSha256(file: string): string | null {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
  } catch {
    return null;
  }
  try {
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (let n; (n = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0; ) hash.update(buffer.subarray(0, n));
    return hash.digest('hex');
  } catch {
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

function corrupt(id: number): AppError {
  return new AppError('ledger_corrupt', `The stored bytes of handover batch ${id} do not match their SHA-256.`, { hint: 'Restore the ledger from a backup.' });
}

/**
 * Writes a recorded batch's file into `dir` under `fileName`: from the bytes of a batch made
 * before migration 020, else rebuilt from its members; the result must have the recorded hash.
 */
function writeRecorded(db: Db, batch: BatchRow, dir: string, fileName: string): string {
  const target = path.join(dir, fileName);
  if (batch.content.length > 0) {
    if (createHash('sha256').update(batch.content).digest('hex') !== batch.sha256) throw corrupt(batch.id);
    return inDir(dir, () => commitTemp(writeTemp(target, batch.content), target));
  }
  const { tmp, sha256 } = inDir(dir, () => writeBatchTemp(target, batch.format, batch.today, readBatchMembers(db, batch.id), letterPdfReader(db)));
  if (sha256 !== batch.sha256) {
    fs.rmSync(tmp, { force: true });
    throw corrupt(batch.id);
  }
  return inDir(dir, () => commitTemp(tmp, target));
}

// ---------------------------------------------------------------------------------------------
// Case lists

/** The case list of a batch: kept as data since migration 020; an older batch's from its own handover.json. */
function batchCases(db: Db, batch: BatchRow): { cases: CaseSummary[]; warnings: string[] } {
  if (batch.content.length === 0) return { cases: readCaseSummaries(db, batch.id), warnings: [] };
  if (batch.format !== 'csv') {
    const json = batch.format === 'json' ? batch.content : unzipSync(new Uint8Array(batch.content), { filter: (f) => f.name === 'handover.json' })['handover.json'];
    return { cases: json ? (JSON.parse(Buffer.from(json).toString('utf8')) as HandoverDocument).cases.map(caseSummary) : [], warnings: [] };
  }
  // A csv batch made before the case list was kept: the claims and costs the ledger recorded.
  const costs = readBatchCosts(db, batch.id);
  const cases = new Map<string, CaseSummary>();
  for (const r of readBatchInvoices(db, batch.id)) {
    const c = cases.get(r.debtor) ?? { case_reference: `${batch.id}-${r.debtor}`, debtor: r.debtor, name: r.name, type: r.type, invoices: [], open_cents: 0, collection_costs_cents: costs.get(r.debtor) ?? 0, interest_cents: 0, total_cents: costs.get(r.debtor) ?? 0 };
    c.invoices.push(r.invoice);
    c.open_cents += r.openCents;
    c.total_cents += r.openCents;
    cases.set(r.debtor, c);
  }
  return { cases: [...cases.values()], warnings: [`batch ${batch.id} predates the stored case list: open amounts are today's, interest is in the file itself`] };
}

// ---------------------------------------------------------------------------------------------
// The steps

/**
 * `export`: completes an interrupted batch if there is one; otherwise selects, writes and marks a
 * new batch. Returns `nothing` when no claim is ready (no batch number is used up then).
 */
export function exportHandover(db: Db, settings: HandoverSettings, outDir: string, hooks: ExportHooks = {}, now: () => Date = () => new Date()): ExportRun {
  const interrupted = interruptedBatch(db);
  if (interrupted) return { kind: 'recovered', result: recoverBatch(db, interrupted, prepareOutDir(outDir), settings.today, hooks, now), skipped: [] };

  // The case records are built and their text compressed before anything is written.
  const batchId = nextBatchNumber(db);
  const built = buildBatch(selectCaseChunks(db, settings, { withPdf: settings.format === 'zip' }), settings, batchId);
  if (built.cases.length === 0) return { kind: 'nothing', result: null, skipped: built.skipped };
  const dir = prepareOutDir(outDir);
  const fileName = handoverFileName(settings.today, batchId, settings.format);
  const target = path.join(dir, fileName);
  if (fs.existsSync(target)) {
    throw new AppError('input_invalid', `${target} already exists, but batch ${batchId} is new in this ledger.`, {
      hint: 'It belongs to another ledger or an earlier installation. Move it away, or choose another --out folder. Nothing was marked.',
    });
  }
  const { tmp, sha256 } = inDir(dir, () => writeBatchTemp(target, settings.format, settings.today, built.members, letterPdfReader(db), hooks.onProgress));
  try {
    insertBatch(db, {
      id: batchId, today: settings.today, format: settings.format, fileName, sha256, createdAt: now(), members: built.members, cases: built.cases,
      costs: built.costs,
    });
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
  hooks.afterBatchRow?.();
  try {
    inDir(dir, () => commitTemp(tmp, target));
  } catch (error) {
    // The file never got its name: take the row back, so the ledger is as it was.
    deleteBatch(db, batchId);
    throw error;
  }
  removeStaleTemps(dir, fileName);
  hooks.afterRename?.();
  const { notMarked } = completeBatch(db, readBatch(db, batchId)!, settings.today, now());
  return {
    kind: 'new',
    result: { batch: batchId, format: settings.format, fileName, file: target, sha256, cases: built.cases, warnings: built.warnings, notMarked },
    skipped: built.skipped,
  };
}

/** Completes a batch left `writing` by a crash: the same bytes, then the marks. */
function recoverBatch(db: Db, batch: BatchRow, dir: string, today: IsoDate, hooks: ExportHooks, now: () => Date): BatchResult {
  const target = path.join(dir, batch.file_name);
  if (fileSha256(target) !== batch.sha256) writeRecorded(db, batch, dir, batch.file_name);
  removeStaleTemps(dir, batch.file_name);
  hooks.afterRename?.();
  const { notMarked } = completeBatch(db, batch, today, now());
  const { cases, warnings } = batchCases(db, batch);
  return { batch: batch.id, format: batch.format, fileName: batch.file_name, file: target, sha256: batch.sha256, cases, warnings, notMarked };
}

/** `export --batch <n>`: an earlier batch's file written again, byte for byte; nothing in the ledger changes. */
export function rewriteBatch(db: Db, id: number, outDir: string, format?: HandoverFormat): BatchResult {
  const batch = readBatch(db, id);
  if (!batch) {
    const last = lastBatchNumber(db);
    throw new AppError('not_found', `There is no handover batch ${id} in the ledger.`, {
      hint: last === null ? 'No handover was exported yet.' : `Batches run from 1 to ${last}.`,
    });
  }
  if (batch.state !== 'done') {
    throw new AppError('input_invalid', `Handover batch ${id} was interrupted and is not complete.`, {
      hint: 'Run `pre-incasso export` without --batch: it completes the interrupted batch first.',
    });
  }
  const { cases, warnings } = batchCases(db, batch);
  if (format === undefined || format === batch.format) {
    const dir = prepareOutDir(outDir);
    const file = writeRecorded(db, batch, dir, batch.file_name);
    return { batch: id, format: batch.format, fileName: batch.file_name, file, sha256: batch.sha256, cases, warnings, notMarked: [] };
  }
  // A ZIP holds handover.csv and handover.json as they were handed over: write that member.
  if (batch.format !== 'zip') {
    throw new AppError('usage', `Handover batch ${id} was handed over as ${batch.format}; it can only be written again as ${batch.format}.`, {
      hint: `Leave out --format, or give --format ${batch.format}.`,
    });
  }
  const member = `handover.${format}`;
  let content: Buffer | undefined;
  if (batch.content.length > 0) {
    if (createHash('sha256').update(batch.content).digest('hex') !== batch.sha256) throw corrupt(id);
    const bytes = unzipSync(new Uint8Array(batch.content), { filter: (f) => f.name === member })[member];
    content = bytes ? Buffer.from(bytes) : undefined;
  } else {
    const stored = readBatchMembers(db, id).find((m) => m.path === member);
    content = stored ? memberBytes(stored) : undefined;
  }
  if (!content) throw new AppError('ledger_corrupt', `The stored ZIP of handover batch ${id} has no ${member}.`, { hint: 'Restore the ledger from a backup.' });
  const fileName = handoverFileName(batch.today, id, format);
  const dir = prepareOutDir(outDir);
  const file = inDir(dir, () => commitTemp(writeTemp(path.join(dir, fileName), content), path.join(dir, fileName)));
  return { batch: id, format, fileName, file, sha256: createHash('sha256').update(content).digest('hex'), cases, warnings, notMarked: [] };
}

export interface Preview {
  cases: CaseSummary[];
  skipped: SkippedClaim[];
  warnings: string[];
  interrupted: BatchRow | undefined;
}

/** `export --dry-run`: the cases that would go today, built exactly as the real export builds them. */
export function previewHandover(db: Db, settings: HandoverSettings): Preview {
  const interrupted = interruptedBatch(db);
  // Numbered as the real export would number it, so the preview shows the same case references.
  const next = interrupted ? interrupted.id + 1 : nextBatchNumber(db);
  const built = buildBatch(selectCaseChunks(db, settings, { withPdf: false }), { ...settings, format: 'json' }, next, { preview: true });
  return { cases: built.cases, skipped: built.skipped, warnings: built.warnings, interrupted };
}

// ---------------------------------------------------------------------------------------------
// The job as the command runs it

export interface ExportRequest {
  ledgerPath: string;
  /** The command line, for the lock file. */
  commandLine: string;
  outDir: string;
  /** `--batch n [--format f]`: write an earlier batch again. */
  batch?: { id: number; format?: HandoverFormat };
  /** A new export or its preview; settings read from the config by the command. */
  settings?: HandoverSettings;
  dryRun?: boolean;
  /** The freshness rule (an old import must not go to the incassobureau); not asked when an interrupted batch is completed. */
  checkFresh?: (db: Db) => void;
  hooks?: ExportHooks;
  now?: () => Date;
}

export type ExportOutcome =
  | { kind: 'rewritten'; result: BatchResult }
  | { kind: 'preview'; preview: Preview }
  | ExportRun;

/** Opens the ledger (read-only for --batch and --dry-run), runs the job, closes it. */
export function runExport(req: ExportRequest): ExportOutcome {
  const readonly = req.batch !== undefined || req.dryRun === true;
  const ledger = openLedger(req.ledgerPath, { readonly, command: req.commandLine });
  try {
    const db = ledger.db;
    // Every PDF is read once, in order: a large page cache (or a mapped file) would not be read
    // again, it would only hold the archive's bytes in the process. 16 MB does for the rest.
    db.pragma('cache_size = -16384');
    db.pragma('mmap_size = 0');
    if (req.batch) return { kind: 'rewritten', result: rewriteBatch(db, req.batch.id, req.outDir, req.batch.format) };
    const settings = req.settings!;
    if (!interruptedBatch(db)) req.checkFresh?.(db);
    if (req.dryRun) return { kind: 'preview', preview: previewHandover(db, settings) };
    return exportHandover(db, settings, req.outDir, req.hooks, req.now);
  } finally {
    ledger.close();
  }
}
