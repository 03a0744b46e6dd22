// `pre-incasso payments import|add|list`: bank statements in, payments matched to invoices
// (SPEC §7). The work is in src/workflows/import-payments.ts and payment-placing.ts; this file
// reads options and prints.
import type { Command } from 'commander';
import type { Act } from '../program.js';
import type { Context } from '../context.js';
import { AppError } from '../../errors.js';
import { decimalMarksOf, formatEuro, parseAmount } from '../../domain/money.js';
import { dateOption } from '../date-option.js';
import type { RecordedPayment } from '../../ledger/payments.js';
import { ledgerAt } from '../ledger-at.js';
import { registerPaymentAdmin } from './payments-admin.js';

interface ImportOptions {
  dryRun?: boolean;
  allowUnbalanced?: boolean;
}

interface AddOptions {
  date?: string;
  reference?: string;
}

interface ListOptions {
  unmatched?: boolean;
}

export function register(program: Command, act: Act): void {
  const payments = program
    .command('payments')
    .description('payments: import bank statements, record one by hand, list them');
  payments
    .command('import')
    .description('read bank statements (CAMT.053/.054 XML, MT940, or the CSV export of ING, Rabobank, ABN AMRO, bunq, Knab, Triodos, ASN/SNS/RegioBank) and allocate the incoming payments to invoices')
    .argument('<files...>', 'CAMT.053/.054, MT940 or bank CSV files')
    .option('--dry-run', 'show what would be recorded and allocated; write nothing')
    .option('--allow-unbalanced', 'import a statement whose opening balance + entries is not its closing balance (after checking it with the bank)')
    .action(act<ImportOptions>(importCommand));
  payments
    .command('add')
    .description('record a payment by hand on one invoice')
    .argument('<invoice>', 'the invoice number')
    .argument('<amount>', 'the amount paid: 121,00 or 121.00')
    .option('--date <date>', 'the day it was paid (YYYY-MM-DD or DD-MM-YYYY; default: today)')
    .option('--reference <text>', 'a note or the reference the debtor gave')
    .action(act<AddOptions>(addCommand));
  payments
    .command('list')
    .description('list payments and the invoices they were allocated to')
    .option('--unmatched', 'only payments with money not allocated to any invoice')
    .action(act<ListOptions>(listCommand));
  registerPaymentAdmin(payments, act);
}

async function importCommand(ctx: Context, files: string[], options: ImportOptions): Promise<void> {
  const { importPayments } = await import('../../workflows/import-payments.js');
  const at = await ledgerAt(ctx);
  // The config names the creditor's own account; without a config (--ledger only) nothing is compared.
  let config: Awaited<ReturnType<Context['config']>>['config'] | null = null;
  try {
    config = (await ctx.config()).config;
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'config_missing')) throw error;
  }
  const report = importPayments({
    ...at, files, cwd: ctx.cwd, today: ctx.today, dryRun: options.dryRun === true,
    creditorIban: config?.creditor.iban ?? null, otherAccounts: config?.payments?.otherAccounts ?? 'warn', allowUnbalanced: options.allowUnbalanced === true,
  });
  const t = report.totals;
  const out = ctx.out;
  out.document({
    dry_run: report.dryRun,
    import_id: report.importId,
    files: report.files,
    entries: t.entries,
    credits: t.credits,
    debits_ignored: t.debits,
    not_booked: t.notBooked,
    returns_ignored: t.returns,
    foreign_currency: t.foreignCurrency,
    duplicates: t.duplicates,
    recorded: t.recorded,
    matched: t.matched,
    unmatched: t.unmatched,
    recorded_cents: t.recordedCents,
    allocated_cents: t.allocatedCents,
    unallocated_cents: t.unallocatedCents,
    payments: report.payments.map((p) => ({ ...paymentJson(p), origin: p.payment.origin ?? null })),
    warnings: report.warnings.map((w) => ({ file: w.file, line: w.line, path: w.path, code: w.code, message: w.message, hint: w.hint })),
  });
  for (const p of report.payments) out.data(paymentLine(p));
  const verb = report.dryRun ? 'would record' : 'recorded';
  out.info(
    `${verb} ${count(t.recorded, 'payment')} (${formatEuro(t.recordedCents)}): ${t.matched} matched, ${t.unmatched} unmatched` +
      `${t.unallocatedCents > 0 ? `, ${formatEuro(t.unallocatedCents)} not allocated` : ''}`,
  );
  out.info(
    out.c.dim(
      `${count(t.entries, 'entry', 'entries')} in ${count(report.files.length, 'file')}: ${count(t.debits, 'debit')} ignored, ${t.duplicates} already imported` +
        `${t.returns ? `, ${count(t.returns, 'return')} ignored` : ''}${t.notBooked ? `, ${t.notBooked} not booked` : ''}${t.foreignCurrency ? `, ${t.foreignCurrency} not in euro` : ''}`,
    ),
  );
  for (const w of report.warnings.slice(0, 50)) out.warn(w.message);
  if (report.warnings.length > 50) out.info(`… and ${report.warnings.length - 50} more warnings (use --json for the full list)`);
  if (t.unmatched > 0 || t.unallocatedCents > 0) out.info('see `pre-incasso payments list --unmatched` for what is not allocated');
  if (report.dryRun) out.info('dry run: nothing was written');
}

async function addCommand(ctx: Context, [invoice, amountText]: string[], options: AddOptions): Promise<void> {
  const amountCents = parseUserAmount(amountText ?? '');
  let date = ctx.today;
  if (options.date !== undefined) {
    const parsed = dateOption('--date', options.date);
    if (parsed > ctx.today) throw new AppError('usage', `--date ${parsed} is after today (${ctx.today}).`, { hint: 'Record a payment once it has been made.' });
    date = parsed;
  }
  const reference = options.reference?.trim() || null;
  const { addPayment } = await import('../../workflows/payment-placing.js');
  const r = addPayment(await ledgerAt(ctx), { invoice: invoice!, amountCents, date, reference, today: ctx.today });
  ctx.out.document(paymentJson(r));
  ctx.out.data(paymentLine(r));
  if (r.allocations.length === 0) ctx.out.warn(`nothing allocated: ${r.note ?? 'no open amount'}; the payment is listed by \`payments list --unmatched\``);
  for (const a of r.allocations.filter((x) => x.status === 'handed_over')) ctx.out.warn(`invoice ${a.invoice} was handed over to the incassobureau: tell them of this payment`);
}

async function listCommand(ctx: Context, _args: string[], options: ListOptions): Promise<void> {
  const { readPayments } = await import('../../workflows/payment-placing.js');
  const items = readPayments(await ledgerAt(ctx), { unmatched: options.unmatched === true });
  const out = ctx.out;
  out.document({
    payments: items.map((p) => ({
      payment_id: p.id,
      date: p.date,
      amount_cents: p.amountCents,
      allocated_cents: p.allocatedCents,
      unallocated_cents: p.unallocatedCents,
      source: p.source,
      source_key: p.sourceKey,
      counterparty_name: p.counterpartyName,
      counterparty_iban: p.counterpartyIban,
      reference: p.reference,
      end_to_end_id: p.endToEndId,
      description: p.description,
      allocations: p.allocations.map((a) => ({ invoice: a.invoice, debtor: a.debtor, amount_cents: a.amountCents, method: a.method })),
    })),
    count: items.length,
    unallocated_cents: items.reduce((s, p) => s + p.unallocatedCents, 0),
  });
  if (items.length === 0) {
    out.data(options.unmatched ? 'no payments with an unallocated amount' : 'no payments recorded');
    return;
  }
  out.data(
    out.table(
      ['id', 'date', 'amount', 'counterparty', 'allocated to', 'unallocated', 'text'],
      items.map((p) => [
        String(p.id),
        p.date,
        formatEuro(p.amountCents),
        clip(p.counterpartyName ?? p.source, 28),
        p.allocations.map((a) => `${a.invoice} ${formatEuro(a.amountCents)} (${a.method})`).join(', ') || '-',
        p.unallocatedCents > 0 ? formatEuro(p.unallocatedCents) : '',
        clip(p.reference ?? p.description ?? '', 40),
      ]),
      [0, 2, 5],
    ),
  );
}

/**
 * A manual amount in Dutch or international notation. Each decimal mark the text fits is tried;
 * `1.234` fits both but only one reading is an amount in cents (1.234,00), so it is taken. Two
 * different valid readings are refused rather than guessed.
 */
export function parseUserAmount(text: string): number {
  const readings = [...new Set(decimalMarksOf(text).map((mark) => parseAmount(text, mark)).flatMap((r) => (r.ok ? [r.cents] : [])))];
  if (readings.length === 0) throw new AppError('usage', `"${text}" is not an amount.`, { hint: 'Write it like 121,00 or 121.00.' });
  if (readings.length > 1) throw new AppError('usage', `"${text}" can be read as ${readings.map(formatEuro).join(' or as ')}.`, { hint: 'Write the cents: 1234,00 or 1.234,00.' });
  if (readings[0]! <= 0) throw new AppError('usage', `the amount must be more than zero, got "${text}".`, { hint: 'A refund or reversal is not a payment; correct the invoice in the bookkeeping instead.' });
  return readings[0]!;
}

function paymentJson(p: RecordedPayment): Record<string, unknown> {
  return {
    payment_id: p.paymentId,
    source_key: p.payment.sourceKey,
    date: p.payment.date,
    amount_cents: p.payment.amountCents,
    counterparty_name: p.payment.counterpartyName,
    counterparty_iban: p.payment.counterpartyIban,
    reference: p.payment.reference,
    end_to_end_id: p.payment.endToEndId,
    description: p.payment.description,
    method: p.match?.method ?? null,
    debtor: p.match?.debtor ?? null,
    allocations: p.allocations.map((a) => ({ invoice: a.invoice, debtor: a.debtor, amount_cents: a.amountCents, method: a.method, open_cents: a.openCentsAfter, status: a.status })),
    unallocated_cents: p.unallocatedCents,
    note: p.note,
  };
}

function paymentLine(p: RecordedPayment): string {
  const who = p.payment.counterpartyName ?? p.payment.source;
  const to = p.allocations.length
    ? p.allocations.map((a) => `${a.invoice} ${formatEuro(a.amountCents)} (${a.method}${a.status !== 'open' ? `, ${a.status.replace('_', ' ')}` : ''})`).join(', ')
    : 'not matched';
  const rest = p.allocations.length && p.unallocatedCents > 0 ? `; ${formatEuro(p.unallocatedCents)} unallocated` : '';
  return `${p.payment.date}  ${formatEuro(p.payment.amountCents)}  ${clip(who, 32)} -> ${to}${rest}`;
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
