// `pre-incasso import <files...>`: overdue invoices from bookkeeping exports into the ledger.
// All files in one transaction: any invalid row (without --skip-invalid) leaves the ledger as
// it was.
import type { Command } from 'commander';
import type { Act } from '../program.js';
import type { Context } from '../context.js';
import { AppError } from '../errors.js';
import { formatEuro as euro } from '../../domain/money.js';
import { registerImportUndo } from './import-undo.js';

interface ImportOptions {
  preset?: string;
  snapshot?: boolean;
  force?: boolean;
  dryRun?: boolean;
  skipInvalid?: boolean;
  overwriteCorrections?: boolean;
  encoding?: string;
  delimiter?: string;
  decimal?: string;
}

export function register(program: Command, act: Act): void {
  program
    .command('import')
    .description('read invoices from bookkeeping exports (CSV, presets, UBL XML) into the ledger')
    .argument('<files...>', 'CSV or UBL XML files')
    .option('--preset <name|file.json>', 'column preset: generic (default), eboekhouden, afas, or your own JSON file')
    .option('--snapshot', 'the files list ALL open items: open invoices missing from them are closed')
    .option('--force', 'with --snapshot: allow closing more than half of the open invoices')
    .option('--dry-run', 'report what would change; write nothing')
    .option('--skip-invalid', 'import the valid rows and report the invalid ones')
    .option('--overwrite-corrections', 'the export\'s debtor details replace corrections made with `debtor set`')
    .option('--encoding <utf-8|windows-1252>', 'file encoding (default: detected)')
    .option('--delimiter <char>', 'field delimiter: ";", "," or "tab" (default: detected)')
    .option('--decimal <mark>', 'decimal mark of amounts: "," or "." (default: decided per file)')
    .action(act<ImportOptions>(runImport));
  registerImportUndo(program.commands.find((c) => c.name() === 'import')!, act);
}

async function runImport(ctx: Context, files: string[], options: ImportOptions): Promise<void> {
  const { importInvoices } = await import('../../importers/import-invoices.js');
  const { config } = await ctx.config();
  const ledgerPath = await ctx.ledgerPath();
  const encoding = parseChoice(options.encoding, ['utf-8', 'windows-1252'] as const, '--encoding', { utf8: 'utf-8', cp1252: 'windows-1252', 'win-1252': 'windows-1252' });
  const delimiter = parseChoice(options.delimiter, [';', ',', '\t'] as const, '--delimiter', { tab: '\t', '\\t': '\t', semicolon: ';', comma: ',' });
  const decimal = parseChoice(options.decimal, [',', '.'] as const, '--decimal', { comma: ',', dot: '.', point: '.' });

  const report = await importInvoices({
    files,
    cwd: ctx.cwd,
    ledgerPath,
    config,
    today: ctx.today,
    commandLine: ctx.commandLine,
    preset: options.preset,
    snapshot: options.snapshot === true,
    force: options.force === true,
    dryRun: options.dryRun === true,
    skipInvalid: options.skipInvalid === true,
    overwriteCorrections: options.overwriteCorrections === true,
    encoding,
    delimiter,
    decimal,
    onProgress: (rows) => ctx.out.progress(`importing… ${rows.toLocaleString('nl-NL')} rows`),
  });
  ctx.out.progressDone();

  const out = ctx.out;
  const doc = {
    dry_run: report.dryRun,
    import_id: report.importId,
    inserted: report.totals.inserted,
    updated: report.totals.updated,
    unchanged: report.totals.unchanged,
    closed: report.totals.closed,
    rejected: report.rejected,
    warnings: report.warnings,
    amount_changes: report.totals.amountChanges,
    handed_over_changes: report.totals.frozenChanges,
    files: report.files,
  };
  out.document(doc);
  const prefix = report.dryRun ? 'would import' : 'imported';
  out.data(
    `${prefix}: ${report.totals.inserted} new, ${report.totals.updated} updated, ${report.totals.unchanged} unchanged` +
      `${options.snapshot ? `, ${report.totals.closed} closed` : ''}${report.rejected.length ? `, ${report.rejected.length} rejected` : ''}`,
  );
  for (const f of report.files) out.info(out.c.dim(`${f.file}: ${f.rows} rows, ${f.encoding}, delimiter ${f.delimiter === '\t' ? 'tab' : `"${f.delimiter}"`}, decimal "${f.decimal ?? '-'}"`));
  for (const change of report.totals.amountChanges.slice(0, 20)) {
    out.warn(`invoice ${change.invoice}: amount changed from ${euro(change.from_cents)} to ${euro(change.to_cents)}`);
  }
  for (const change of report.totals.frozenChanges.slice(0, 20)) {
    out.warn(`invoice ${change.invoice} is ${change.status.replace('_', ' ')}; the export now shows ${euro(change.file_open_cents)} open (ledger: ${euro(change.ledger_open_cents)}): tell the incassobureau`);
  }
  printIssues(ctx, report.warnings, 'warning');
  if (report.rejected.length > 0) {
    printIssues(ctx, report.rejected, 'skipped');
  }
  if (report.dryRun) out.info('dry run: nothing was written');
  else if (report.importId !== null) out.info(out.c.dim(`import ${report.importId}; \`pre-incasso import undo ${report.importId}\` reverses it`));
}

function printIssues(ctx: Context, issues: { file: string; line: number; column: number; message: string }[], label: string): void {
  const shown = issues.slice(0, 50);
  for (const issue of shown) {
    const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
    if (label === 'warning') ctx.out.warn(`${where}: ${issue.message}`);
    else ctx.out.info(`${ctx.out.c.yellow(`${label}:`)} ${where}: ${issue.message}`);
  }
  if (issues.length > shown.length) ctx.out.info(`… and ${issues.length - shown.length} more (use --json for the full list)`);
}

function parseChoice<T extends string>(value: string | undefined, allowed: readonly T[], flag: string, aliases: Record<string, T>): T | undefined {
  if (value === undefined) return undefined;
  const v = aliases[value.toLowerCase()] ?? value.toLowerCase();
  if ((allowed as readonly string[]).includes(v)) return v as T;
  throw new AppError('usage', `${flag} "${value}" is not one of ${allowed.map((a) => (a === '\t' ? 'tab' : `"${a}"`)).join(', ')}.`, {
    hint: `For example ${flag} ${allowed[0] === '\t' ? 'tab' : allowed[0]}.`,
  });
}
