// `pre-incasso letters`: the recorded letters as PDF files, for printing and posting, or one
// combined print file with a manifest for the print-and-post step.
import fs from 'node:fs';
import path from 'node:path';
import { ensureDir, writeFileInDir, writeFileSafe } from '../../platform/files.js';
import type { Command } from 'commander';
import type { Act } from '../program.js';
import type { Context } from '../context.js';
import { AppError } from '../../errors.js';
import { dateOption } from '../date-option.js';
import { formatAmountNl } from '../../domain/money.js';
import { registerLetterAdmin } from './letters-admin.js';

interface LettersOptions {
  out?: string;
  run?: string;
  debtor?: string;
  since?: string;
  channel?: string;
  combined?: string;
  posted?: string;
  manifest?: string;
}

export function register(program: Command, act: Act): void {
  program
    .command('letters')
    .description('write recorded letters as PDF files (renders any that are not rendered yet)')
    .option('--out <dir>', 'folder for the PDF files')
    .option('--run <id>', 'only the letters of this run')
    .option('--debtor <number>', 'only this debtor')
    .option('--since <date>', 'only letters dated on or after this date')
    .option('--channel <post|email>', 'only letters that go by this channel (post: the ones to print)')
    .option('--posted <date>', 'record that the selected post letters (or those of --manifest) were handed to the post on this date; terms count from it')
    .option('--manifest <file.csv>', 'with --posted: the letters of this print batch (the manifest `--combined` wrote)')
    .option('--combined <file.pdf>', 'also one print-ready PDF of the selection (duplex: blank page after odd-length letters) and a manifest CSV')
    .action(act<LettersOptions>(lettersCommand));
  registerLetterAdmin(program.commands.find((c) => c.name() === 'letters')!, act);
}

async function lettersCommand(ctx: Context, _args: string[], options: LettersOptions): Promise<void> {
  if (options.since !== undefined) options.since = dateOption('--since', options.since);
  if (options.posted !== undefined) return postedCommand(ctx, options);
  if (options.manifest !== undefined) throw new AppError('usage', '--manifest goes with --posted <date>.', { hint: 'For example: pre-incasso letters --posted 2026-11-30 --manifest print.manifest.csv' });
  if (!options.out && !options.combined) throw new AppError('usage', 'letters needs --out <dir> or --combined <file.pdf>.', { hint: 'For example: pre-incasso letters --out ./pdf --channel post' });
  if (options.channel !== undefined && options.channel !== 'post' && options.channel !== 'email') throw new AppError('usage', `--channel "${options.channel}" is not post or email.`);
  if (options.run !== undefined && !/^[0-9]+$/.test(options.run)) throw new AppError('usage', `--run "${options.run}" is not a run number.`);
  const loaded = await ctx.config();
  const { renderPendingLetters } = await import('../../workflows/deliver.js');
  const ledger = await ctx.openLedger();
  try {
    const db = ledger.db;
    await renderPendingLetters(db, loaded, ctx.today, (d, t) => ctx.out.progress(`rendering letters ${d}/${t}`));
    const { letterFileName } = await import('../../mail/message.js');
    ctx.out.progressDone();
    // Withdrawn letters are never printed or written out again.
    const where: string[] = ['l.id NOT IN (SELECT letter_id FROM letter_withdrawals)'];
    const params: unknown[] = [];
    if (options.run) (where.push('l.run_id = ?'), params.push(Number(options.run)));
    if (options.debtor) (where.push('l.debtor_number = ?'), params.push(options.debtor));
    if (options.since) (where.push('l.date >= ?'), params.push(options.since));
    if (options.channel) (where.push('EXISTS (SELECT 1 FROM json_each(l.channels) WHERE value = ?)'), params.push(options.channel));
    const rows = db
      .prepare(
        `SELECT l.id, l.run_id, l.debtor_number, l.stage_id, l.date, l.channels, l.amount_cents, l.pdf, l.pdf_sha256,
                json_extract(l.data, '$.debtor.name') AS name,
                json_extract(l.data, '$.debtor.address.street') AS street,
                json_extract(l.data, '$.debtor.address.postcode') AS postcode,
                json_extract(l.data, '$.debtor.address.city') AS city
         FROM letters l ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY l.date, l.debtor_number, l.id`,
      )
      .all(...params) as { id: number; run_id: number; debtor_number: string; stage_id: string; date: string; channels: string; amount_cents: number; pdf: Buffer; pdf_sha256: string; name: string; street: string | null; postcode: string | null; city: string | null }[];
    const files: { id: number; file: string | null; sha256: string }[] = [];
    if (options.out) {
      const dir = ensureDir(path.resolve(ctx.cwd, options.out));
      const used = new Set<string>();
      for (const r of rows) {
        let name = letterFileName({ id: r.id, date: r.date, debtorNumber: r.debtor_number, stageId: r.stage_id }, 'pdf');
        if (used.has(name)) name = name.replace(/\.pdf$/, `_${r.id}.pdf`);
        used.add(name);
        // A new file renamed into place: never through a symlink planted at the name, always 0600.
        writeFileSafe(path.join(dir, name), r.pdf);
        files.push({ id: r.id, file: path.join(options.out, name), sha256: r.pdf_sha256 });
      }
    } else {
      for (const r of rows) files.push({ id: r.id, file: null, sha256: r.pdf_sha256 });
    }
    let combined: { file: string; manifest: string; pages: number } | null = null;
    if (options.combined) {
      const { combinePdfs } = await import('../../letters/pdf.js');
      const bytes = await combinePdfs(rows.map((r) => new Uint8Array(r.pdf)), { duplexBlankPages: true });
      const file = path.resolve(ctx.cwd, options.combined);
      writeFileInDir(file, bytes);
      const manifest = file.replace(/\.pdf$/i, '') + '.manifest.csv';
      const { inertText, quoteCell } = await import('../../handover/csv.js');
      const lines = ['\uFEFFvolgorde;brief;datum;debiteur;naam;adres;postcode;plaats;fase;bedrag;sha256'];
      rows.forEach((r, i) => lines.push([String(i + 1), String(r.id), r.date, r.debtor_number, r.name, r.street ?? '', r.postcode ?? '', r.city ?? '', r.stage_id, formatAmountNl(r.amount_cents), r.pdf_sha256].map((v) => quoteCell(inertText(v))).join(';')));
      writeFileSafe(manifest, `${lines.join('\r\n')}\r\n`);
      const { PDFDocument } = await import('pdf-lib');
      combined = { file: options.combined, manifest: path.relative(ctx.cwd, manifest), pages: (await PDFDocument.load(bytes)).getPageCount() };
    }
    const { recordPrinted } = await import('../../ledger/letter-admin.js');
    const printed = recordPrinted(db, rows.map((r) => r.id), ctx.today, new Date(), combined?.file ?? options.out ?? null);
    ctx.out.document({ printed, letters: rows.map((r, i) => ({ id: r.id, run: r.run_id, debtor: r.debtor_number, stage: r.stage_id, date: r.date, channels: JSON.parse(r.channels), file: files[i]!.file, pdf_sha256: r.pdf_sha256 })), combined });
    if (rows.length === 0) ctx.out.data('no letters match.');
    for (const f of files) if (f.file) ctx.out.data(f.file);
    if (combined) ctx.out.data(`${combined.file} (${combined.pages} pages), manifest ${combined.manifest}`);
  } finally {
    ledger.close();
  }
}

/** `letters --posted <date>`: the selection (or the manifest's letters) went to the post on that date. */
async function postedCommand(ctx: Context, options: LettersOptions): Promise<void> {
  const posted = dateOption('--posted', options.posted!);
  if (options.out || options.combined) throw new AppError('usage', '--posted records a posting; it cannot be combined with --out or --combined.', { hint: 'Print first, then record the posting in a second command.' });
  const { postLetters, manifestLetterIds } = await import('../../workflows/post-letters.js');
  const ledger = await ctx.openLedger();
  try {
    const db = ledger.db;
    let ids: number[];
    if (options.manifest) {
      const file = path.resolve(ctx.cwd, options.manifest);
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (error) {
        throw new AppError('input_invalid', `${options.manifest} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
      }
      ids = manifestLetterIds(text, options.manifest);
    } else {
      const where: string[] = ["EXISTS (SELECT 1 FROM json_each(l.channels) WHERE value = 'post')"];
      const params: unknown[] = [];
      if (options.run) (where.push('l.run_id = ?'), params.push(Number(options.run)));
      if (options.debtor) (where.push('l.debtor_number = ?'), params.push(options.debtor));
      if (options.since) (where.push('l.date >= ?'), params.push(options.since));
      if (!options.run && !options.debtor && !options.since) {
        throw new AppError('usage', '--posted needs a selection: --run, --debtor, --since or --manifest.', { hint: 'For example: pre-incasso letters --posted 2026-11-30 --run 12' });
      }
      ids = (db.prepare(`SELECT l.id FROM letters l WHERE ${where.join(' AND ')} ORDER BY l.id`).raw().all(...params) as [number][]).map(([id]) => id);
    }
    const result = postLetters(db, ids, posted, ctx.today);
    ctx.out.document({ posted_on: posted, recorded: result.recorded.map((l) => ({ id: l.id, debtor: l.debtor, date: l.date, previous: l.postedOn })), skipped: result.skipped });
    ctx.out.data(`${result.recorded.length} letter${result.recorded.length === 1 ? '' : 's'} recorded as posted on ${posted}`);
    for (const s of result.skipped) ctx.out.warn(`letter ${s.id}: ${s.reason}; nothing recorded`);
  } finally {
    ledger.close();
  }
}
