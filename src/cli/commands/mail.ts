// `pre-incasso mail`: deliver the e-mails still waiting and retry the temporary failures;
// `--dry-run --out <dir>` writes the .eml files instead of sending. The job is
// `workflows/mail-job.ts`; this file parses the options and prints.
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
  const { mailJob } = await import('../../workflows/mail-job.js');
  const { ledgerAt } = await import('../ledger-at.js');
  const result = await mailJob(ctx, { at: await ledgerAt(ctx), loaded, cwd: ctx.cwd, dryRun: options.dryRun === true, out: options.out, resendUnknown: options.resendUnknown === true });
  ctx.out.document(result.json);
  if (result.dryRun) for (const line of result.lines) ctx.out.data(line);
  else result.finish();
}
