// `pre-incasso hold <debtor|invoice>` and `release`: pause dunning, with a reason, optionally
// until a date, or as a dispute (which also blocks the handover).
import type { Command } from 'commander';
import type { Act } from '../program.js';
import type { Context } from '../context.js';
import { withLedger } from '../../workflows/ledger-session.js';
import { ledgerAt } from '../ledger-at.js';
import { dateOption } from '../date-option.js';

interface HoldOptions {
  reason?: string;
  until?: string;
  dispute?: boolean;
}

export function register(program: Command, act: Act): void {
  program
    .command('hold')
    .description('pause dunning for a debtor or one invoice')
    .argument('<debtor|invoice>', 'a debtor number or an invoice number')
    .requiredOption('--reason <text>', 'why (kept in the audit trail)')
    .option('--until <date>', 'resume automatically on this date (YYYY-MM-DD)')
    .option('--dispute', 'the debtor disputes the claim: no letters and no handover until released')
    .action(act<HoldOptions>(holdCommand));
  program
    .command('release')
    .description('end the holds on a debtor or one invoice')
    .argument('<debtor|invoice>', 'a debtor number or an invoice number')
    .action(act(releaseCommand));
}

async function holdCommand(ctx: Context, [key]: string[], options: HoldOptions): Promise<void> {
  const until = options.until !== undefined ? dateOption('--until', options.until) : null;
  const reason = (options.reason ?? '').trim();
  const dispute = options.dispute === true;
  const { placeHold, checkHoldRequest } = await import('../../workflows/hold.js');
  checkHoldRequest({ reason, until, dispute, today: ctx.today });
  const held = withLedger(await ledgerAt(ctx), {}, (db) => placeHold(db, { key: key!, reason, until, dispute, today: ctx.today }));
  ctx.out.document({ hold_id: held.holdId, debtor: held.debtor, invoice: held.invoice, dispute, reason, until });
  const what = held.invoice ? `invoice ${held.invoice} (debtor ${held.debtor})` : `debtor ${held.debtor}`;
  ctx.out.data(`${what} ${dispute ? 'disputed' : 'on hold'}${until ? ` until ${until}` : ''}: ${reason}`);
}

async function releaseCommand(ctx: Context, [key]: string[]): Promise<void> {
  const { releaseHold } = await import('../../workflows/hold.js');
  const r = withLedger(await ledgerAt(ctx), {}, (db) => releaseHold(db, key!, ctx.today));
  ctx.out.document({ released: r.released, debtor: r.debtor, invoice: r.invoice });
  const what = r.invoice ? `invoice ${r.invoice}` : `debtor ${r.debtor}`;
  ctx.out.data(r.released === 0 ? `${what} had no active hold.` : `${what}: ${r.released} hold${r.released === 1 ? '' : 's'} released.`);
}
