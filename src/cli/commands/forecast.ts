// `pre-incasso forecast --days N`: the letters and handovers that fall due day by day if nothing
// is paid — the planner of `run`, run forward over a copy of the book.
import type { Command } from 'commander';
import type { Act } from '../program.js';
import type { Context } from '../context.js';
import { AppError } from '../../errors.js';
import { formatEuro } from '../../domain/money.js';
import { ledgerAt } from '../ledger-at.js';

interface ForecastOptions {
  days?: string;
}

export function register(program: Command, act: Act): void {
  program
    .command('forecast')
    .description('the letters and handovers that fall due day by day over the next N days if nothing is paid')
    .option('--days <n>', 'how many days ahead, starting today (1-366)', '30')
    .action(act<ForecastOptions>(forecastCommand));
}

async function forecastCommand(ctx: Context, _args: string[], options: ForecastOptions): Promise<void> {
  const days = Number(options.days);
  if (!/^[0-9]+$/.test(options.days ?? '') || days < 1 || days > 366) {
    throw new AppError('usage', `--days "${options.days}" is not a number of days from 1 to 366.`, { hint: 'For example --days 30.' });
  }
  const loaded = await ctx.config();
  const { buildForecast } = await import('../../workflows/report.js');
  const result = await buildForecast(await ledgerAt(ctx), loaded.config, loaded.law, ctx.today, days);
  ctx.out.document({
    today: result.today,
    days: result.days,
    schedule: result.schedule.map((d) => ({ date: d.date, cents: d.cents, actions: d.actions.map((a) => ({ kind: a.kind, stage: a.stage, channels: a.channels, count: a.count, cents: a.cents })) })),
  });
  const out = ctx.out;
  out.data(`${loaded.config.creditor.name}: what falls due from ${ctx.today} over ${days} day${days === 1 ? '' : 's'} if nothing is paid`);
  if (result.schedule.length === 0) {
    out.data('nothing falls due.');
    return;
  }
  const rows = result.schedule.flatMap((d) =>
    d.actions.map((a, i) => [i === 0 ? d.date : '', a.kind === 'letter' ? `letter ${a.stage}` : a.kind, a.channels ?? '', String(a.count), formatEuro(a.cents)]),
  );
  out.data(out.table(['date', 'action', 'channels', 'count', 'amount'], rows, [3, 4]));
  const letters = result.schedule.flatMap((d) => d.actions).filter((a) => a.kind === 'letter').reduce((s, a) => s + a.count, 0);
  const handovers = result.schedule.flatMap((d) => d.actions).filter((a) => a.kind === 'handover');
  out.data(`\n${letters} letter${letters === 1 ? '' : 's'}; ${handovers.reduce((s, a) => s + a.count, 0)} handover${handovers.reduce((s, a) => s + a.count, 0) === 1 ? "" : "s"} (${formatEuro(handovers.reduce((s, a) => s + a.cents, 0))})`);
}
