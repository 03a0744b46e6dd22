// Rendering recorded letters to PDF, and the `letters` command's job: write the selected letters
// as files, or as one print file with a manifest.
//
// The crash guarantee: a recorded letter is rendered into exactly one stored document, never lost,
// never two. Letters are rendered in batches and each batch is stored in one transaction (one
// commit per letter was a third of the time of `run`); a batch stores only letters still without a
// PDF. A crash before a batch commits leaves its letters pending; the next `run`, `letters` or
// `mail` renders them again, to the same bytes (rendering is deterministic, SPEC §2.6).
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { AppError } from '../errors.js';
import type { LoadedConfig } from '../config/load.js';
import { openLedger, type Db } from '../ledger/ledger.js';
import { letterDataReader, pendingLetterIds, selectStoredLetters, storeRenderedBatch, type LetterSelection, type RenderedDocument } from '../ledger/letter-documents.js';
import { recordPrinted } from '../ledger/letter-admin.js';
import type { LetterData } from '../domain/letter.js';
import { buildEpcPayload, epcReferenceFields } from '../domain/epc-qr.js';
import { formatAmountNl } from '../domain/money.js';
import { renderLetterBody } from '../letters/templates.js';
import type { FontProgramPath } from '../letters/pdf.js';
import { ensureDir, writeFileInDir, writeFileSafe } from '../platform/files.js';

/** Letters rendered before their batch is stored: few enough to lose little to a crash. */
export const RENDER_BATCH = 50;

export interface RenderedLetter {
  id: number;
  debtor: string;
  stage: string;
  sha256: string;
}

export interface RenderOptions {
  onProgress?: ((done: number, total: number) => void) | undefined;
  /** Told once when a letter embeds pdf-lib's own font subset instead of the lean one. */
  onWarning?: ((text: string) => void) | undefined;
  /** The clock of `rendered_at` and the events. */
  now?: (() => Date) | undefined;
}

/** The EPC QR payload (GiroCode) for a letter: pay the open total to the creditor's IBAN. */
export function epcPayloadFor(data: LetterData): string | null {
  if (data.totalOpenCents <= 0) return null;
  const fields = epcReferenceFields(data.paymentReference);
  return buildEpcPayload({
    bic: data.creditor.bic,
    name: data.creditor.name.slice(0, 70),
    iban: data.creditor.iban,
    // An arrangement letter's QR code pays the instalment it asks for.
    amountCents: data.arrangement ? data.arrangement.next.amountCents : data.totalOpenCents,
    reference: fields.reference,
    text: fields.text,
  });
}

function readLogo(loaded: LoadedConfig): { bytes: Uint8Array; type: 'png' | 'jpg' } | undefined {
  const logo = loaded.config.letters.logo;
  if (!logo) return undefined;
  const file = path.resolve(loaded.dir, logo);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    throw new AppError('config_invalid', `letters.logo: cannot read ${file}.`, { hint: 'Point letters.logo at a PNG or JPG file, relative to the config file.' });
  }
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return { bytes, type: 'png' };
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return { bytes, type: 'jpg' };
  throw new AppError('config_invalid', `letters.logo: ${file} is neither PNG nor JPG.`, { hint: 'Save the logo as PNG or JPG.' });
}

/** Renders and stores the PDF of every letter that has none yet, batch by batch. Returns what was stored. */
export async function renderPendingLetters(db: Db, loaded: LoadedConfig, today: string, options: RenderOptions | ((done: number, total: number) => void) = {}): Promise<RenderedLetter[]> {
  const { onProgress, onWarning, now = () => new Date() } = typeof options === 'function' ? { onProgress: options } : options;
  const pending = pendingLetterIds(db);
  if (pending.length === 0) return [];
  const { renderLetterPdf } = await import('../letters/pdf.js');
  const logo = readLogo(loaded);
  const templates = new Map(loaded.config.stages.map((s) => [s.id, s.template]));
  const read = letterDataReader(db);
  let warned = false;
  const onFontPath = (p: FontProgramPath): void => {
    if (p === 'lean' || warned) return;
    warned = true;
    onWarning?.('the letters embed pdf-lib\'s own font subset (its internals differ from pdf-lib 1.17.1): they are correct but larger and slower to write; reinstall the pinned pdf-lib');
  };
  const rendered: RenderedLetter[] = [];
  for (let start = 0; start < pending.length; start += RENDER_BATCH) {
    const batch: (RenderedDocument & { stage: string })[] = [];
    for (const id of pending.slice(start, start + RENDER_BATCH)) {
      const data = read(id);
      const texts = renderLetterBody(data, loaded.templateDirs, { template: templates.get(data.stage.id) });
      const pdf = await renderLetterPdf(data, { body: texts.body }, { window: loaded.config.letters.window, logo, epcPayload: epcPayloadFor(data), onFontPath });
      batch.push({ id, debtor: data.debtor.number, stage: data.stage.id, pdf, sha256: createHash('sha256').update(pdf).digest('hex') });
    }
    const stored = new Set(storeRenderedBatch(db, batch, today, now()));
    for (const doc of batch) if (stored.has(doc.id)) rendered.push({ id: doc.id, debtor: doc.debtor, stage: doc.stage, sha256: doc.sha256 });
    onProgress?.(Math.min(start + RENDER_BATCH, pending.length), pending.length);
  }
  return rendered;
}

export interface WriteLettersRequest {
  ledgerPath: string;
  loaded: LoadedConfig;
  today: string;
  commandLine: string;
  cwd: string;
  selection: LetterSelection;
  /** Folder for one PDF file per letter (as given, relative to cwd). */
  out?: string | undefined;
  /** One print-ready PDF of the selection, with a manifest CSV next to it. */
  combined?: string | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
  onWarning?: ((text: string) => void) | undefined;
}

export interface WriteLettersResult {
  printed: number[];
  letters: { id: number; run: number; debtor: string; stage: string; date: string; channels: string[]; file: string | null; pdf_sha256: string }[];
  combined: { file: string; manifest: string; pages: number } | null;
}

/** `letters --out/--combined`: renders what is pending, writes the selection, records the printing. */
export async function writeLetters(req: WriteLettersRequest): Promise<WriteLettersResult> {
  const ledger = openLedger(req.ledgerPath, { command: req.commandLine });
  try {
    const db = ledger.db;
    await renderPendingLetters(db, req.loaded, req.today, { onProgress: req.onProgress, onWarning: req.onWarning });
    const rows = selectStoredLetters(db, req.selection);
    const files: (string | null)[] = rows.map(() => null);
    if (req.out !== undefined) {
      const { letterFileName } = await import('../mail/message.js');
      const dir = ensureDir(path.resolve(req.cwd, req.out));
      const used = new Set<string>();
      rows.forEach((r, i) => {
        let name = letterFileName({ id: r.id, date: r.date, debtorNumber: r.debtor_number, stageId: r.stage_id }, 'pdf');
        if (used.has(name)) name = name.replace(/\.pdf$/, `_${r.id}.pdf`);
        used.add(name);
        // A new file renamed into place: never through a symlink planted at the name, always 0600.
        writeFileSafe(path.join(dir, name), r.pdf);
        files[i] = path.join(req.out!, name);
      });
    }
    let combined: WriteLettersResult['combined'] = null;
    if (req.combined !== undefined) {
      const { combinePdfs } = await import('../letters/pdf.js');
      const bytes = await combinePdfs(rows.map((r) => new Uint8Array(r.pdf)), { duplexBlankPages: true });
      const file = path.resolve(req.cwd, req.combined);
      writeFileInDir(file, bytes);
      const manifest = `${file.replace(/\.pdf$/i, '')}.manifest.csv`;
      const { inertText, quoteCell } = await import('../handover/csv.js');
      const lines = ['\uFEFFvolgorde;brief;datum;debiteur;naam;adres;postcode;plaats;fase;bedrag;sha256'];
      rows.forEach((r, i) => lines.push([String(i + 1), String(r.id), r.date, r.debtor_number, r.name, r.street ?? '', r.postcode ?? '', r.city ?? '', r.stage_id, formatAmountNl(r.amount_cents), r.pdf_sha256].map((v) => quoteCell(inertText(v))).join(';')));
      writeFileSafe(manifest, `${lines.join('\r\n')}\r\n`);
      const { PDFDocument } = await import('pdf-lib');
      combined = { file: req.combined, manifest: path.relative(req.cwd, manifest), pages: (await PDFDocument.load(bytes)).getPageCount() };
    }
    const printed = recordPrinted(db, rows.map((r) => r.id), req.today, new Date(), req.combined ?? req.out ?? null);
    return {
      printed,
      letters: rows.map((r, i) => ({ id: r.id, run: r.run_id, debtor: r.debtor_number, stage: r.stage_id, date: r.date, channels: JSON.parse(r.channels) as string[], file: files[i]!, pdf_sha256: r.pdf_sha256 })),
      combined,
    };
  } finally {
    ledger.close();
  }
}
