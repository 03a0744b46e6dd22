// The ledger a command's workflow opens: the path the options and config name, and the command
// line for the lock file.
import type { Context } from './context.js';
import type { LedgerAt } from '../workflows/ledger-session.js';

export async function ledgerAt(ctx: Context): Promise<LedgerAt> {
  return { ledgerPath: await ctx.ledgerPath(), commandLine: ctx.commandLine };
}
