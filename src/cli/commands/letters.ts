// `pre-incasso letters`: the recorded letters as PDF files, for printing and posting, or one
// combined print file with a manifest for the print-and-post step.
import type { Command } from 'commander';
import type { Act } from '../program.js';
import type { Context } from '../context.js';
import { AppError } from '../../errors.js';
import { dateOption } from '../date-option.js';
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
  const { writeLetters } = await import('../../workflows/write-letters.js');
  const result = await writeLetters({
    ledgerPath: await ctx.ledgerPath(),
    loaded,
    today: ctx.today,
    commandLine: ctx.commandLine,
    cwd: ctx.cwd,
    selection: { run: options.run ? Number(options.run) : undefined, debtor: options.debtor || undefined, since: options.since || undefined, channel: (options.channel || undefined) as 'post' | 'email' | undefined },
    out: options.out || undefined,
    combined: options.combined || undefined,
    onProgress: (d, t) => ctx.out.progress(`rendering letters ${d}/${t}`),
    onWarning: (text) => ctx.out.warn(text),
  });
  ctx.out.progressDone();
  ctx.out.document(result);
  if (result.letters.length === 0) ctx.out.data('no letters match.');
  for (const l of result.letters) if (l.file) ctx.out.data(l.file);
  if (result.combined) ctx.out.data(`${result.combined.file} (${result.combined.pages} pages), manifest ${result.combined.manifest}`);
}

/** `letters --posted <date>`: the selection (or the manifest's letters) went to the post on that date. */
async function postedCommand(ctx: Context, options: LettersOptions): Promise<void> {
  const posted = dateOption('--posted', options.posted!);
  if (options.out || options.combined) throw new AppError('usage', '--posted records a posting; it cannot be combined with --out or --combined.', { hint: 'Print first, then record the posting in a second command.' });
  const { recordPosting } = await import('../../workflows/post-letters.js');
  const result = recordPosting({
    ledgerPath: await ctx.ledgerPath(),
    commandLine: ctx.commandLine,
    cwd: ctx.cwd,
    today: ctx.today,
    postedOn: posted,
    manifest: options.manifest || undefined,
    selection: { run: options.run ? Number(options.run) : undefined, debtor: options.debtor || undefined, since: options.since || undefined },
  });
  ctx.out.document({ posted_on: posted, recorded: result.recorded.map((l) => ({ id: l.id, debtor: l.debtor, date: l.date, previous: l.postedOn })), skipped: result.skipped });
  ctx.out.data(`${result.recorded.length} letter${result.recorded.length === 1 ? '' : 's'} recorded as posted on ${posted}`);
  for (const s of result.skipped) ctx.out.warn(`letter ${s.id}: ${s.reason}; nothing recorded`);
}
