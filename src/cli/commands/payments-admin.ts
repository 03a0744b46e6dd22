// `payments allocate | ignore | undo`: placing money the bank import could not place.
import type { Command } from 'commander';
import type { Act } from '../program.js';
import type { Context } from '../context.js';
import { AppError } from '../../errors.js';
import { formatEuro } from '../../domain/money.js';
import { parseUserAmount } from './payments.js';
import { ledgerAt } from '../ledger-at.js';

interface DryRun {
  dryRun?: boolean;
}

export function registerPaymentAdmin(payments: Command, act: Act): void {
  payments
    .command('allocate')
    .description('place a payment on invoices by hand: <invoice> takes what is open, <invoice>:<amount> that amount')
    .argument('<payment>', 'the payment number (from `payments list --unmatched`)')
    .argument('<invoices...>', 'invoice numbers, each optionally with :amount (e.g. 2026-0101:50,00)')
    .option('--dry-run', 'show what would be placed; write nothing')
    .action(act<DryRun>(allocateCommand));
  payments
    .command('ignore')
    .description('mark a credit as no customer payment (bank interest, a refund, a transfer of your own)')
    .argument('<payment>', 'the payment number')
    .requiredOption('--reason <text>', 'what it is (kept in the audit trail)')
    .option('--dry-run', 'check only; write nothing')
    .action(act<DryRun & { reason?: string }>(ignoreCommand));
  payments
    .command('undo')
    .description('take a payment off its invoices and remove it, or a whole bank import with import:<id>')
    .argument('<payment|import:id>', 'a payment number, or import:<id> for every payment of a bank import')
    .option('--keep', 'keep the payment, unallocated (to place it again by hand)')
    .option('--dry-run', 'show what would be undone; write nothing')
    .action(act<DryRun & { keep?: boolean }>(undoCommand));
}

const number = (text: string | undefined, what: string): number => {
  if (!/^[0-9]+$/.test(text ?? '')) throw new AppError('usage', `"${text}" is not a ${what} number.`, { hint: '`pre-incasso payments list` shows the payment numbers.' });
  return Number(text);
};

async function allocateCommand(ctx: Context, [payment, ...specs]: string[], options: DryRun): Promise<void> {
  const id = number(payment, 'payment');
  const targets = specs.map((spec) => {
    // The last colon splits: invoice numbers may contain colons, amounts never do.
    const at = spec.lastIndexOf(':');
    if (at < 0) return { invoice: spec, amountCents: null };
    const amountText = spec.slice(at + 1);
    if (!/^[0-9][0-9.,]*$/.test(amountText)) return { invoice: spec, amountCents: null };
    return { invoice: spec.slice(0, at), amountCents: parseUserAmount(amountText) };
  });
  const { allocatePayment } = await import('../../workflows/payment-placing.js');
  const dryRun = options.dryRun === true;
  const r = allocatePayment(await ledgerAt(ctx), id, targets, { today: ctx.today, dryRun });
  ctx.out.document({
    dry_run: dryRun, payment_id: id, amount_cents: r.payment.amountCents, left_cents: r.leftCents,
    allocations: r.allocations.map((a) => ({ invoice: a.invoice, debtor: a.debtor, amount_cents: a.amountCents, open_cents: a.openCentsAfter, status: a.status })),
  });
  ctx.out.data(`payment ${id} (${formatEuro(r.payment.amountCents)}${r.payment.counterpartyName ? `, ${r.payment.counterpartyName}` : ''}) ${dryRun ? 'would be placed' : 'placed'}:`);
  for (const a of r.allocations) ctx.out.data(`  ${a.invoice} (debtor ${a.debtor}): ${formatEuro(a.amountCents)}, ${formatEuro(a.openCentsAfter)} open${a.status !== 'open' ? `, ${a.status.replace('_', ' ')}` : ''}`);
  if (r.leftCents > 0) ctx.out.data(`  ${formatEuro(r.leftCents)} left unallocated`);
  for (const a of r.allocations.filter((x) => x.status === 'handed_over')) ctx.out.warn(`invoice ${a.invoice} was handed over to the incassobureau: tell them of this payment`);
  if (dryRun) ctx.out.info('dry run: nothing was written');
}

async function ignoreCommand(ctx: Context, [payment]: string[], options: DryRun & { reason?: string }): Promise<void> {
  const id = number(payment, 'payment');
  const reason = (options.reason ?? '').trim();
  if (!reason) throw new AppError('usage', '--reason may not be empty.', { hint: 'Say what it is: --reason "rente bank".' });
  const { markNotCustomerPayment } = await import('../../workflows/payment-placing.js');
  const dryRun = options.dryRun === true;
  const p = markNotCustomerPayment(await ledgerAt(ctx), id, reason, { today: ctx.today, dryRun });
  ctx.out.document({ dry_run: dryRun, payment_id: id, amount_cents: p.amountCents, reason });
  ctx.out.data(`payment ${id} (${formatEuro(p.amountCents)}) ${dryRun ? 'would be' : 'is'} marked as no customer payment: ${reason}`);
  if (dryRun) ctx.out.info('dry run: nothing was written');
}

async function undoCommand(ctx: Context, [key]: string[], options: DryRun & { keep?: boolean }): Promise<void> {
  const m = /^import:([0-9]+)$/.exec(key ?? '');
  const target = m ? { import: Number(m[1]) } : { payment: number(key, 'payment') };
  if (m && options.keep) throw new AppError('usage', '--keep goes with one payment, not a whole import.', { hint: 'pre-incasso payments undo <payment> --keep' });
  const { undoPayments } = await import('../../workflows/payment-placing.js');
  const dryRun = options.dryRun === true;
  const r = undoPayments(await ledgerAt(ctx), target, { keep: options.keep === true, today: ctx.today, dryRun });
  ctx.out.document({
    dry_run: dryRun, import_id: r.importId,
    payments: r.payments.map((p) => ({ payment_id: p.paymentId, amount_cents: p.amountCents, removed: p.removed, allocations: p.allocations.map((a) => ({ invoice: a.invoice, debtor: a.debtor, amount_cents: a.amountCents, open_cents: a.openCentsAfter, status: a.status })) })),
  });
  const verb = dryRun ? 'would be ' : '';
  if (r.importId !== null) ctx.out.data(`bank import ${r.importId} ${verb}undone: ${r.payments.length} payment${r.payments.length === 1 ? '' : 's'} (${formatEuro(r.payments.reduce((s, p) => s + p.amountCents, 0))}) removed`);
  for (const p of r.payments) {
    ctx.out.data(`payment ${p.paymentId} (${formatEuro(p.amountCents)}) ${verb}${p.removed ? 'removed' : 'kept, unallocated'}`);
    for (const a of p.allocations) ctx.out.data(`  ${a.invoice}: ${formatEuro(a.amountCents)} back, ${formatEuro(a.openCentsAfter)} open`);
  }
  if (dryRun) ctx.out.info('dry run: nothing was written');
}
