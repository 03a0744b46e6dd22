// `pre-incasso export`: the handover file for the incassobureau (SPEC §10). Thin: options in,
// the workflow (src/workflows/export-handover.ts) does the work, the result goes to the output.
import type { Command } from 'commander';
import type { Act } from '../program.js';
import type { Context } from '../context.js';
import { AppError } from '../../errors.js';
import { packageVersion } from '../../version.js';
import { formatEuro } from '../../domain/money.js';
import type { BatchResult, CaseSummary, HandoverFormat, SkippedClaim } from '../../workflows/export-handover.js';

interface ExportOptions {
  out?: string;
  format?: string;
  dryRun?: boolean;
  batch?: string;
  includeNotes?: boolean;
  allowStale?: boolean;
  includeTimeBarred?: boolean;
}

export function register(program: Command, act: Act): void {
  program
    .command('export')
    .description('write the handover file for the incassobureau and mark the claims handed over')
    .option('--out <dir>', 'the folder to write the file to (created when missing)', '.')
    .option('--format <format>', 'zip (handover.json, handover.csv, the letters and SHA256SUMS), csv or json (default: zip; with --batch: as handed over)')
    .option('--dry-run', 'list the cases that would go; write nothing')
    .option('--batch <n>', 'write batch <n> again, byte for byte as it was handed over')
    .option('--include-notes', 'add the internal notes (hold and dispute reasons) to the case records')
    .option('--allow-stale', 'export even when the newest import is older than maxDataAgeDays')
    .option('--include-time-barred', 'hand over consumer claims past limitation too (with a warning in the handover)')
    .action(act<ExportOptions>(exportCommand));
}

function parseFormat(value: string | undefined): HandoverFormat {
  const format = (value ?? 'zip').toLowerCase();
  if (format === 'zip' || format === 'csv' || format === 'json') return format;
  throw new AppError('usage', `--format "${value}" is not a handover format.`, { hint: 'Use --format zip (default), csv or json.' });
}

function parseBatch(value: string): number {
  if (!/^[1-9][0-9]{0,8}$/.test(value)) throw new AppError('usage', `--batch "${value}" is not a batch number.`, { hint: 'Give the number of an earlier batch, e.g. --batch 1 (the n in handover-<date>-<n>.zip).' });
  return Number(value);
}

async function exportCommand(ctx: Context, _args: string[], options: ExportOptions): Promise<void> {
  const format = parseFormat(options.format);
  const outDir = options.out ?? '.';
  const { runExport } = await import('../../workflows/export-handover.js');
  const request = { ledgerPath: await ctx.ledgerPath(), commandLine: ctx.commandLine, outDir };

  if (options.batch !== undefined) {
    const id = parseBatch(options.batch);
    if (options.dryRun) throw new AppError('usage', '--batch and --dry-run cannot be combined.', { hint: '--batch writes an earlier batch again and changes nothing in the ledger.' });
    // With --format csv|json, a ZIP batch's handover.csv / handover.json as it was handed over.
    const run = runExport({ ...request, batch: { id, ...(options.format === undefined ? {} : { format }) } });
    if (run.kind !== 'rewritten') throw new Error(`export --batch gave ${run.kind}`);
    report(ctx, run.result, [], false);
    ctx.out.info(`batch ${id} written again, byte for byte as it was handed over; nothing changed in the ledger`);
    return;
  }

  const loaded = await ctx.config();
  const { policyFromConfig } = await import('../../config/policy.js');
  const { requireFreshData } = await import('../freshness.js');
  const dryRun = options.dryRun === true;
  const run = runExport({
    ...request,
    dryRun,
    settings: {
      policy: { ...policyFromConfig(loaded.config, loaded.law, ctx.today), includeTimeBarred: options.includeTimeBarred === true },
      dayCount: loaded.config.interest.dayCount,
      today: ctx.today,
      format,
      includeNotes: options.includeNotes === true,
      generatedBy: `pre-incasso ${packageVersion()}`,
    },
    // Handing over a claim that was paid meanwhile is worse than a late handover: the same
    // freshness rule as `run`. An interrupted batch is completed regardless (its file may be out).
    checkFresh: (db) => requireFreshData(ctx, db, loaded.config.maxDataAgeDays, {
      allowStale: options.allowStale === true,
      warnOnly: dryRun,
      why: 'A claim paid since the last import must not go to the incassobureau.',
    }),
    hooks: { onProgress: (done, total) => (done === total ? ctx.out.progressDone() : done % 500 === 0 ? ctx.out.progress(`writing the handover file: ${done}/${total}`) : undefined) },
  });

  if (run.kind === 'preview') {
    const preview = run.preview;
    ctx.out.document({ batch: null, file: null, sha256: null, dry_run: true, interrupted_batch: preview.interrupted?.id ?? null, cases: preview.cases, skipped: preview.skipped, warnings: preview.warnings });
    if (preview.interrupted) ctx.out.warn(`batch ${preview.interrupted.id} (${preview.interrupted.file_name}) was interrupted; \`export\` completes it before anything new goes`);
    printCases(ctx, preview.cases, 'would be handed over');
    printSkipped(ctx, preview.skipped);
    for (const w of preview.warnings) ctx.out.warn(w);
    ctx.out.info('dry run: nothing was written');
    return;
  }
  if (run.kind === 'rewritten') throw new Error('export gave a rewritten batch');
  if (run.kind === 'nothing') {
    ctx.out.document({ batch: null, file: null, sha256: null, dry_run: false, cases: [], skipped: run.skipped, warnings: [] });
    ctx.out.data(`${ctx.today}: no claims ready for handover.`);
    printSkipped(ctx, run.skipped);
    return;
  }
  const result = run.result!;
  if (run.kind === 'recovered') {
    ctx.out.warn(`batch ${result.batch} was interrupted by an earlier export; it was completed with its original bytes (no new batch was made). Run export again for claims that became ready since.`);
  }
  report(ctx, result, run.skipped, run.kind === 'recovered');
}

function report(ctx: Context, result: BatchResult, skipped: SkippedClaim[], recovered: boolean): void {
  ctx.out.document({
    batch: result.batch,
    file: result.file,
    file_name: result.fileName,
    format: result.format,
    sha256: result.sha256,
    dry_run: false,
    recovered,
    cases: result.cases,
    skipped,
    not_marked: result.notMarked,
    warnings: result.warnings,
  });
  printCases(ctx, result.cases, `handed over in batch ${result.batch}`);
  ctx.out.data(`file:   ${result.file}`);
  ctx.out.data(`sha256: ${result.sha256}`);
  printSkipped(ctx, skipped);
  for (const n of result.notMarked) ctx.out.warn(`invoice ${n.invoice} is in the batch but was ${n.status} when it was completed: tell the incassobureau`);
  for (const w of result.warnings) ctx.out.warn(w);
}

function printCases(ctx: Context, cases: CaseSummary[], verb: string): void {
  const out = ctx.out;
  if (cases.length === 0) {
    out.data(`${ctx.today}: no claims ready for handover.`);
    return;
  }
  const invoices = cases.reduce((s, c) => s + c.invoices.length, 0);
  const total = (f: (c: CaseSummary) => number): number => cases.reduce((s, c) => s + f(c), 0);
  out.data(`${cases.length} case${cases.length === 1 ? '' : 's'} (${invoices} claim${invoices === 1 ? '' : 's'}) ${verb}:`);
  out.data(
    out.table(
      ['debtor', 'name', 'type', 'invoices', 'open', 'costs', 'interest', 'total'],
      [
        ...cases.map((c) => [c.debtor, truncate(c.name, 28), c.type, truncate(c.invoices.join(', '), 30), formatEuro(c.open_cents), formatEuro(c.collection_costs_cents), formatEuro(c.interest_cents), formatEuro(c.total_cents)]),
        ['', 'total', '', '', formatEuro(total((c) => c.open_cents)), formatEuro(total((c) => c.collection_costs_cents)), formatEuro(total((c) => c.interest_cents)), formatEuro(total((c) => c.total_cents))],
      ],
      [4, 5, 6, 7],
    ),
  );
}

function printSkipped(ctx: Context, skipped: SkippedClaim[]): void {
  for (const s of skipped) ctx.out.warn(`invoice ${s.invoice} (debtor ${s.debtor}) is not handed over: ${s.reason}`);
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}
