// `pre-incasso hold <debtor|invoice>` and `release`: pause dunning, with a reason, optionally
// until a date, or as a dispute (which also blocks the handover).
import type { Command } from 'commander';
import type { Act } from '../program.js';
import type { Context } from '../context.js';
import { AppError } from '../../errors.js';
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

type Target = { debtor: string; invoice: string | null };

function resolveTarget(ctx: Context, db: import('../../ledger/ledger.js').Db, key: string): Target {
  const invoice = db.prepare('SELECT number, debtor_number FROM invoices WHERE number = ?').get(key) as { number: string; debtor_number: string } | undefined;
  const debtor = db.prepare('SELECT number FROM debtors WHERE number = ?').get(key) as { number: string } | undefined;
  if (invoice && debtor) {
    throw new AppError('input_invalid', `"${key}" is both a debtor number and an invoice number.`, { hint: 'Hold the debtor with its number, or the invoice with its full invoice number; rename one in the bookkeeping if needed.' });
  }
  if (invoice) return { debtor: invoice.debtor_number, invoice: invoice.number };
  if (debtor) return { debtor: debtor.number, invoice: null };
  throw new AppError('not_found', `No debtor or invoice "${key}" in the ledger.`, { hint: 'Check the number; `pre-incasso status` and `explain <debtor>` show what the ledger holds.' });
}

async function holdCommand(ctx: Context, [key]: string[], options: HoldOptions): Promise<void> {
  if (options.until !== undefined) options.until = dateOption('--until', options.until);
  if (options.until !== undefined && options.until <= ctx.today) {
    throw new AppError('usage', `--until ${options.until} is not after today (${ctx.today}).`, { hint: 'Give the date on which dunning should resume.' });
  }
  const reason = (options.reason ?? '').trim();
  if (!reason) throw new AppError('usage', '--reason may not be empty.', { hint: 'Say why, for the audit trail: --reason "betalingsregeling tot maart".' });
  const { insertHold, insertDispute } = await import('../../ledger/arrangements.js');
  const ledger = await ctx.openLedger();
  try {
    const db = ledger.db;
    const target = resolveTarget(ctx, db, key!);
    const id = db.transaction(() => {
      const holdId = insertHold(db, { debtor: target.debtor, invoice: target.invoice, reason, dispute: options.dispute === true, until: options.until ?? null }, ctx.today);
      // A dispute put on hold here is the same dispute `disputes` lists (category "other").
      if (options.dispute) insertDispute(db, { holdId, debtor: target.debtor, invoice: target.invoice, category: 'other', note: reason }, ctx.today);
      return holdId;
    })();
    ctx.out.document({ hold_id: id, debtor: target.debtor, invoice: target.invoice, dispute: options.dispute === true, reason, until: options.until ?? null });
    const what = target.invoice ? `invoice ${target.invoice} (debtor ${target.debtor})` : `debtor ${target.debtor}`;
    ctx.out.data(`${what} ${options.dispute ? 'disputed' : 'on hold'}${options.until ? ` until ${options.until}` : ''}: ${reason}`);
  } finally {
    ledger.close();
  }
}

async function releaseCommand(ctx: Context, [key]: string[]): Promise<void> {
  const { appendEvent } = await import('../../ledger/events.js');
  const { resolveDisputesOfHolds } = await import('../../ledger/arrangements.js');
  const ledger = await ctx.openLedger();
  try {
    const db = ledger.db;
    const target = resolveTarget(ctx, db, key!);
    const released = db.transaction(() => {
      const rows = (target.invoice
        ? db.prepare('SELECT id FROM holds WHERE invoice_number = ? AND released_on IS NULL').all(target.invoice)
        : db.prepare('SELECT id FROM holds WHERE debtor_number = ? AND released_on IS NULL').all(target.debtor)) as { id: number }[];
      for (const r of rows) {
        db.prepare('UPDATE holds SET released_on = ? WHERE id = ?').run(ctx.today, r.id);
        appendEvent(db, { kind: 'release', today: ctx.today, debtor: target.debtor, invoice: target.invoice, data: { hold_id: r.id } });
      }
      resolveDisputesOfHolds(db, rows.map((r) => r.id), ctx.today, 'released');
      return rows.length;
    })();
    ctx.out.document({ released, debtor: target.debtor, invoice: target.invoice });
    const what = target.invoice ? `invoice ${target.invoice}` : `debtor ${target.debtor}`;
    ctx.out.data(released === 0 ? `${what} had no active hold.` : `${what}: ${released} hold${released === 1 ? '' : 's'} released.`);
  } finally {
    ledger.close();
  }
}
