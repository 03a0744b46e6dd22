// `pre-incasso report [--out report.html] [--csv <dir>]`: the book now and over time, the
// effectiveness of each stage, signals, behaviour, disputes, handovers and the run log, as one
// self-contained HTML file; `--json` and `--csv` give the same figures as data.
import type { Command } from 'commander';
import type { Act } from '../program.js';
import type { Context } from '../context.js';
import { formatEuro } from '../../domain/money.js';
import { ledgerAt } from '../ledger-at.js';

interface ReportOptions {
  out?: string;
  csv?: string;
}

export function register(program: Command, act: Act): void {
  program
    .command('report')
    .description('an HTML report with charts: aging, history, effectiveness per stage, signals, behaviour, disputes, handovers, runs')
    .option('--out <file>', 'the HTML file to write (default: report.html, unless only --json or --csv is asked)')
    .option('--csv <dir>', 'also write the figures as CSV files into this folder')
    .action(act<ReportOptions>(reportCommand));
}

async function reportCommand(ctx: Context, _args: string[], options: ReportOptions): Promise<void> {
  const loaded = await ctx.config();
  const { buildReport } = await import('../../workflows/report.js');
  const htmlWanted = options.out !== undefined || (!ctx.out.json && options.csv === undefined);
  // The HTML's worker loads the charts while the ledger is read.
  const renderer = htmlWanted ? (await import('../../report/render.js')).startHtmlRenderer() : null;
  let doc: Awaited<ReturnType<typeof buildReport>>;
  try {
    doc = buildReport(await ledgerAt(ctx), loaded.config, ctx.today);
  } catch (error) {
    renderer?.cancel();
    throw error;
  }
  const path = await import('node:path');
  const { writePrivateFile, ensureDir } = await import('../../report/write.js');
  const written: { html?: string; csv?: string[]; csvDir?: string } = {};
  if (renderer) {
    const file = writePrivateFile(path.resolve(ctx.cwd, options.out ?? 'report.html'), await renderer.render(doc));
    written.html = file;
  }
  if (options.csv !== undefined) {
    const { reportCsvFiles } = await import('../../report/csv.js');
    const dir = ensureDir(path.resolve(ctx.cwd, options.csv));
    const files = Object.entries(reportCsvFiles(doc)).map(([name, content]) => writePrivateFile(path.join(dir, name), content));
    written.csv = files;
    written.csvDir = dir;
  }
  ctx.out.document({ ...doc, files: { html: written.html ?? null, csv: written.csv ?? [] } });
  const b = doc.book;
  ctx.out.data(`${doc.creditor}: report on ${doc.today}`);
  ctx.out.data(`open ${formatEuro(b.open.cents)} (${b.open.invoices} invoices), overdue ${formatEuro(b.overdue.cents)}, handed over ${formatEuro(b.handed_over.cents)}`);
  ctx.out.data(`${doc.signals.count} signal${doc.signals.count === 1 ? '' : 's'}${doc.signals.items.slice(0, 5).map((s) => `\n  - ${s.text}`).join('')}`);
  if (written.html) ctx.out.data(`HTML: ${String(written.html)}`);
  if (written.csvDir) ctx.out.data(`CSV: ${(written.csv as string[]).length} files in ${String(written.csvDir)}`);
}
