// `pre-incasso calc costs|interest|term`: the legal calculators on their own, for a bookkeeper
// answering a debtor's question. Amounts in Dutch or international notation.
import type { Command } from 'commander';
import type { Act } from '../program.js';
import type { Context } from '../context.js';
import { AppError } from '../../errors.js';
import { decimalMarksOf, formatEuro, parseAmount } from '../../domain/money.js';
import { formatDateNl } from '../../domain/dates.js';
import { dateOption } from '../date-option.js';

export function register(program: Command, act: Act): void {
  const calc = program.command('calc').description('calculators: BIK collection costs, statutory interest, the fourteen-day term');
  calc
    .command('costs')
    .description('BIK collection costs over the summed principal (several amounts = several invoices in one letter)')
    .argument('<amounts...>', 'principal amounts, e.g. 1.234,56 or 1234.56')
    .option('--vat', 'add 21% VAT (only when the creditor cannot deduct the VAT of a collection service it hired: BIK art. 2(3))')
    .action(act<{ vat?: boolean }>(costsCommand));
  calc
    .command('interest')
    .description('statutory interest (6:119 consumer, 6:119a business) from the day after --due through --until')
    .argument('<amount>', 'the principal')
    .requiredOption('--due <date>', 'the due date; interest runs from the next day')
    .requiredOption('--until <date>', 'the last day of interest (inclusive)')
    .option('--type <consumer|business>', 'consumer: 6:119 BW; business: 6:119a BW', 'consumer')
    .option('--day-count <act/365|act/act>', 'day count convention', 'act/365')
    .action(act<{ due: string; until: string; type: string; dayCount: string }>(interestCommand));
  calc
    .command('rates')
    .description('the statutory interest rate table in force (shipped law/rates.json plus your law.ratesFile), with sources and verify flags')
    .option('--since <date>', 'only the rows in force on or after this date')
    .action(act<{ since?: string }>(ratesCommand));
  calc
    .command('term')
    .description('the fourteen-day term of a veertiendagenbrief: presumed delivery, last day, first day costs are due')
    .argument('<dispatch-date>', 'the day the letter was sent')
    .option('--channel <post|email>', 'how it was sent', 'post')
    .action(act<{ channel: string }>(termCommand));
}

/** The law tables: with the config's law.ratesFile when a config file exists, else the shipped ones. */
async function lawOf(ctx: Context): Promise<import('../../domain/law.js').Law> {
  const fs = await import('node:fs');
  if (fs.existsSync(ctx.configFile())) return (await ctx.config()).law;
  const { loadLaw } = await import('../../config/law.js');
  return loadLaw(null);
}

async function ratesCommand(ctx: Context, _args: string[], options: { since?: string }): Promise<void> {
  const { rateTableWarning, rateTableKnownUntil, rowsInForce, rateRowOn } = await import('../../domain/interest-rates.js');
  const law = await lawOf(ctx);
  const since = options.since === undefined ? null : dateArg(options.since, '--since');
  const rows = since === null ? [...law.rates] : rowsInForce(law.rates, since);
  const current = rateRowOn(law.rates, ctx.today);
  const warning = rateTableWarning(law.rates, ctx.today);
  ctx.out.document({
    today: ctx.today,
    known_until: rateTableKnownUntil(law.rates),
    files: { shipped: law.files.rates, user: law.files.userRates },
    rows: rows.map((r) => ({
      from: r.from, consumer_percent: r.consumerPercent, business_percent: r.businessPercent,
      verify: { consumer: r.verifyRates.consumer, business: r.verifyRates.business },
      source: r.source, origin: r.origin === 'shipped' ? 'shipped' : 'user', in_force_today: r === current,
    })),
    warnings: warning ? [warning] : [],
  });
  ctx.out.data(`statutory interest rates (6:119 BW consumer, 6:119a BW business); table known until ${rateTableKnownUntil(law.rates)}`);
  ctx.out.data(
    ctx.out.table(
      ['from', '6:119', '6:119a', 'verify', 'origin', 'source'],
      rows.map((r) => [
        `${r.from}${r === current ? ' *' : ''}`,
        `${r.consumerPercent}%`,
        `${r.businessPercent}%`,
        r.verifyRates.consumer && r.verifyRates.business ? 'both' : r.verifyRates.consumer ? '6:119' : r.verifyRates.business ? '6:119a' : '',
        r.origin === 'shipped' ? 'shipped' : 'user',
        r.source,
      ]),
      [1, 2],
    ),
  );
  ctx.out.data('* = in force today; verify = not confirmed against a primary source (check before relying on it)');
  if (warning) ctx.out.warn(warning);
}

function amountArg(text: string): number {
  const marks = decimalMarksOf(text);
  // `1.234` alone is ambiguous: read it the Dutch way only when a comma cannot be meant.
  const mark = marks.length === 1 ? marks[0]! : ',';
  const parsed = parseAmount(text, mark);
  if (!parsed.ok) throw new AppError('usage', `"${text}" is not an amount (${parsed.reason}).`, { hint: 'Write it like 1.234,56 or 1234.56.' });
  if (parsed.cents < 0) throw new AppError('usage', `"${text}" is negative.`, { hint: 'Give the principal as a positive amount.' });
  return parsed.cents;
}

function dateArg(text: string, flag: string): string {
  return dateOption(flag, text);
}

async function costsCommand(ctx: Context, amounts: string[], options: { vat?: boolean }): Promise<void> {
  const { collectionCosts } = await import('../../domain/bik-costs.js');
  const principals = amounts.map(amountArg);
  const principal = principals.reduce((a, b) => a + b, 0);
  const costs = collectionCosts(principal, { vat: options.vat === true });
  ctx.out.document({ principal_cents: principal, costs_cents: costs, vat: options.vat === true, invoices: principals.length });
  ctx.out.data(`principal ${formatEuro(principal)}${principals.length > 1 ? ` (${principals.length} invoices, summed: 6:96 lid 7 BW)` : ''}`);
  ctx.out.data(`collection costs ${formatEuro(costs)}${options.vat ? ' incl. 21% VAT (BIK art. 2(3))' : ''}`);
}

async function interestCommand(ctx: Context, [amount]: string[], options: { due: string; until: string; type: string; dayCount: string }): Promise<void> {
  const { statutoryInterest } = await import('../../domain/interest.js');
  const { rateTableWarning } = await import('../../domain/interest-rates.js');
  const law = await lawOf(ctx);
  if (options.type !== 'consumer' && options.type !== 'business') throw new AppError('usage', `--type "${options.type}" is not consumer or business.`, { hint: 'consumer: 6:119 BW; business: 6:119a BW.' });
  if (options.dayCount !== 'act/365' && options.dayCount !== 'act/act') throw new AppError('usage', `--day-count "${options.dayCount}" is not act/365 or act/act.`);
  const principal = amountArg(amount!);
  const due = dateArg(options.due, '--due');
  const until = dateArg(options.until, '--until');
  if (until <= due) throw new AppError('usage', `--until ${until} is not after --due ${due}.`, { hint: 'Interest runs from the day after the due date.' });
  const result = statutoryInterest({ principalCents: principal, type: options.type, dueDate: due, until, dayCount: options.dayCount, rates: law.rates });
  // The table must cover both the last interest day and today (a figure printed today may be used today).
  const warning = rateTableWarning(law.rates, until > ctx.today ? until : ctx.today);
  const warnings = [...new Set([...result.warnings, ...(warning ? [warning] : [])])];
  ctx.out.document({
    principal_cents: principal,
    interest_cents: result.interestCents,
    type: options.type,
    basis: options.type === 'consumer' ? '6:119 BW' : '6:119a BW',
    day_count: options.dayCount,
    periods: result.periods.map((p) => ({ from: p.from, to: p.to, days: p.days, rate: p.ratePercent, base_cents: p.baseCents, interest_cents: p.interestCents })),
    warnings,
  });
  ctx.out.data(`statutory ${options.type === 'consumer' ? 'interest (6:119 BW)' : 'commercial interest (6:119a BW)'} on ${formatEuro(principal)}, ${due} + 1 day through ${until}:`);
  ctx.out.data(
    ctx.out.table(
      ['from', 'to', 'days', 'rate', 'over', 'interest'],
      result.periods.map((p) => [p.from, p.to, String(p.days), `${p.ratePercent}%`, formatEuro(p.baseCents), formatEuro(p.interestCents)]),
      [2, 3, 4, 5],
    ),
  );
  ctx.out.data(`total interest ${formatEuro(result.interestCents)}`);
  for (const w of warnings) ctx.out.warn(w);
}

async function termCommand(ctx: Context, [dispatch]: string[], options: { channel: string }): Promise<void> {
  const { fourteenDayTerm } = await import('../../domain/terms.js');
  if (options.channel !== 'post' && options.channel !== 'email') throw new AppError('usage', `--channel "${options.channel}" is not post or email.`);
  const sent = dateArg(dispatch!, 'dispatch date');
  const t = fourteenDayTerm(sent, options.channel, await lawOf(ctx));
  ctx.out.document({ sent: t.sent, channel: t.channel, delivered: t.delivered, term_start: t.termStart, term_end: t.termEnd, costs_from: t.costsFrom });
  ctx.out.data(`sent ${formatDateNl(t.sent)} by ${t.channel}`);
  ctx.out.data(`presumed delivered ${formatDateNl(t.delivered)}`);
  ctx.out.data(`term runs ${formatDateNl(t.termStart)} through ${formatDateNl(t.termEnd)}`);
  ctx.out.data(`collection costs may be charged from ${formatDateNl(t.costsFrom)}`);
}
