// `pre-incasso export`: the handover file for the incassobureau (SPEC §10).
import type { Command } from 'commander';
import type { Act } from '../program.js';
import type { Context } from '../context.js';

interface ExportOptions {
  out?: string;
  format?: string;
  dryRun?: boolean;
  batch?: string;
  includeNotes?: boolean;
}

export function register(program: Command, act: Act): void {
  program
    .command('export')
    .description('write the handover file for the incassobureau and mark the claims handed over')
    .option('--out <dir>', 'the folder to write the file to', '.')
    .option('--format <format>', 'zip (default), csv or json')
    .option('--dry-run', 'list the cases that would go; write nothing')
    .option('--batch <n>', 'write an earlier batch again, byte for byte')
    .option('--include-notes', 'include internal notes (hold reasons) in the case records')
    .action(act<ExportOptions>(exportCommand));
}

async function exportCommand(_ctx: Context, _args: string[], _options: ExportOptions): Promise<void> {
  throw new Error('export: not finished yet');
}
