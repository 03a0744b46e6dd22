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
  const { renderPendingLetters, letterTextsFor } = await import('../../workflows/deliver.js');
  const { previewMail, sendMail } = await import('../../workflows/send-mail.js');
  const ledger = await ctx.openLedger();
  try {
    // Rendering is allowed in a dry run too: it fills in missing PDFs, it sends nothing.
    await renderPendingLetters(ledger.db, loaded, ctx.today);
    const texts = letterTextsFor(ledger.db, loaded);
    if (options.dryRun) {
      const dir = path.resolve(ctx.cwd, options.out ?? 'mail-preview');
      const preview = await previewMail(ctx, ledger.db, loaded, { texts, dir, cwd: ctx.cwd, resendUnknown: options.resendUnknown === true });
      ctx.out.document(preview.json);
      for (const line of preview.lines) ctx.out.data(line);
      return;
    }
    const outcome = await sendMail(ctx, ledger.db, loaded, { texts, resendUnknown: options.resendUnknown === true });
    ctx.out.document(outcome.json);
    outcome.finish();
  } finally {
    ledger.close();
  }
}
