// `pre-incasso debtor export <number>` and `pre-incasso purge --before <date>`: the AVG commands.
// Thin: options in, one workflow, the result out.
import path from 'node:path';
import type { Command } from 'commander';
import type { Act } from '../program.js';
import type { Context } from '../context.js';
import { withLedger } from '../../workflows/ledger-session.js';
import { ledgerAt } from '../ledger-at.js';
import { AppError } from '../../errors.js';
import { dateOption } from '../date-option.js';

export function register(program: Command, act: Act): void {
  // `debtor <number>` (the debtor view) registers the command; `export` is one of its subcommands.
  const debtor = program.commands.find((c) => c.name() === 'debtor') ?? program.command('debtor').description('one debtor');
  debtor
    .command('export')
    .description('write everything the ledger holds on one debtor to a JSON file (right of access, art. 15 GDPR)')
    .argument('<number>', 'the debtor number')
    .requiredOption('--out <file.json>', 'the file to write (never overwritten; mode 0600)')
    .action(act<{ out: string }>(exportCommand));
  program
    .command('purge')
    .description('remove the personal data of closed dossiers last active before a date (after the retention period)')
    .requiredOption('--before <date>', 'purge dossiers whose last activity lies before this date')
    .option('--dry-run', 'list the dossiers; change nothing')
    .action(act<{ before: string; dryRun?: boolean }>(purgeCommand));
}

async function exportCommand(ctx: Context, [number]: string[], options: { out: string }): Promise<void> {
  const { exportDebtor } = await import('../../workflows/privacy.js');
  const r = withLedger(await ledgerAt(ctx), { readonly: true }, (db) => exportDebtor(db, number!, path.resolve(ctx.cwd, options.out), ctx.today));
  ctx.out.document({ debtor: number, file: r.file, counts: r.counts });
  ctx.out.data(`${options.out}: ${Object.entries(r.counts).map(([k, n]) => `${n} ${k}`).join(', ')}`);
}

async function purgeCommand(ctx: Context, _args: string[], options: { before: string; dryRun?: boolean }): Promise<void> {
  options.before = dateOption('--before', options.before);
  const loaded = await ctx.config();
  const { purgeDossiers } = await import('../../workflows/privacy.js');
  const dryRun = options.dryRun === true;
  const r = withLedger(await ledgerAt(ctx), { readonly: dryRun }, (db) => purgeDossiers(db, options.before, ctx.today, loaded.config.retention.years, dryRun));
  ctx.out.document({ before: options.before, dry_run: dryRun, dossiers: r.purged.map((p) => ({ debtor: p.debtor, last_activity: p.lastActivity })) });
  ctx.out.data(`${r.purged.length} closed dossier${r.purged.length === 1 ? '' : 's'} ${dryRun ? 'would be' : ''} purged${r.purged.length ? `: ${r.purged.map((p) => p.debtor).join(', ')}` : ''}`.replace('  ', ' '));
}
