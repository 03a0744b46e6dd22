// `pre-incasso mail`: deliver the e-mails still waiting and retry the temporary failures;
// `--dry-run --out <dir>` writes the .eml files instead of sending.
import path from 'node:path';
import type { Command } from 'commander';
import type { Act } from '../program.js';
import type { Context } from '../context.js';
import { AppError } from '../../errors.js';
import { registerMailShow } from './letters-admin.js';

interface MailOptions {
  dryRun?: boolean;
  out?: string;
  resendUnknown?: boolean;
}

export function register(program: Command, act: Act): void {
  program
    .command('mail')
    .description('send the e-mails waiting in the outbox and retry temporary failures')
    .option('--dry-run', 'send nothing; with --out, write the messages as .eml files')
    .option('--out <dir>', 'with --dry-run: folder for the .eml files')
    .option('--resend-unknown', 'also send messages whose delivery is unknown (only after checking they did not arrive)')
    .action(act<MailOptions>(mailCommand));
  registerMailShow(program.commands.find((c) => c.name() === 'mail')!, act);
}

async function mailCommand(ctx: Context, _args: string[], options: MailOptions): Promise<void> {
  if (options.out && !options.dryRun) throw new AppError('usage', '--out writes .eml files and goes with --dry-run.', { hint: 'pre-incasso mail --dry-run --out ./mail' });
  const loaded = await ctx.config();
  const { renderPendingLetters, letterTextsFor, sendMail } = await import('../../workflows/deliver.js');
  if (options.dryRun) {
    // Rendering is allowed in a dry run: it fills in missing PDFs, it sends nothing.
    const ledger = await ctx.openLedger();
    try {
      await renderPendingLetters(ledger.db, loaded, ctx.today);
      const { writeOutboxEml } = await import('../../mail/outbox.js');
      const from = loaded.config.mail?.from ?? loaded.config.creditor.email;
      const dir = path.resolve(ctx.cwd, options.out ?? 'mail-preview');
      const preview = await writeOutboxEml(ledger.db, dir, {
        now: new Date(`${ctx.today}T09:00:00+01:00`),
        message: { from, replyTo: loaded.config.mail?.replyTo, bcc: loaded.config.mail?.bcc, texts: letterTextsFor(ledger.db, loaded) },
        resendUnknown: options.resendUnknown === true,
      });
      ctx.out.document({ dry_run: true, files: preview.files.map((f) => ({ file: path.relative(ctx.cwd, f.file), letter: f.letterId, debtor: f.debtorNumber, to: f.to, state: f.state })), no_address: preview.noAddress.map((l) => l.debtorNumber) });
      for (const f of preview.files) ctx.out.data(`${path.relative(ctx.cwd, f.file)}  to ${f.to}`);
      for (const l of preview.noAddress) ctx.out.warn(`debtor ${l.debtorNumber} has no valid e-mail address: letter ${l.letterId} goes by post`);
      ctx.out.info(`dry run: ${preview.files.length} message${preview.files.length === 1 ? '' : 's'} written, nothing sent`);
    } finally {
      ledger.close();
    }
    return;
  }
  const ledger = await ctx.openLedger();
  try {
    await renderPendingLetters(ledger.db, loaded, ctx.today);
    const outcome = await sendMail(ctx, ledger.db, loaded, { resendUnknown: options.resendUnknown === true });
    ctx.out.document(outcome.json);
    outcome.finish();
  } finally {
    ledger.close();
  }
}
