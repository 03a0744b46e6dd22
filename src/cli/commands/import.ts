// `pre-incasso import <files...>`: overdue invoices from bookkeeping exports into the ledger.
// All files in one transaction: any invalid row (without --skip-invalid) leaves the ledger as
// it was.
import type { Command } from 'commander';
import type { Act } from '../program.js';
import type { Context } from '../context.js';
import { AppError } from '../../errors.js';
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
  sheet?: string;
  dateOrder?: string;
}

export function register(program: Command, act: Act): void {
  program
    .command('import')
    .description('read invoices from bookkeeping exports (CSV, Excel .xlsx, presets, UBL or CII e-invoices) into the ledger')
    .argument('<files...>', 'CSV, .xlsx, or UBL/CII XML files')
    .option('--preset <name|file.json>', 'column preset: exact, moneybird, snelstart, twinfield, eboekhouden, afas, yuki, generic, or your own JSON file (default: chosen by the header)')
    .option('--sheet <name|number>', 'the sheet of an .xlsx workbook to read (default: the first)')
    .option('--date-order <dmy|mdy>', 'how dates like 08/01/2026 are read: dmy (day first) or mdy (month first); needed when a file cannot decide it')
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
  const { importInvoices } = await import('../../workflows/import-invoices.js');
  const { config } = await ctx.config();
  const ledgerPath = await ctx.ledgerPath();
  const encoding = parseChoice(options.encoding, ['utf-8', 'windows-1252'] as const, '--encoding', { utf8: 'utf-8', cp1252: 'windows-1252', 'win-1252': 'windows-1252' });
  const delimiter = parseChoice(options.delimiter, [';', ',', '\t'] as const, '--delimiter', { tab: '\t', '\\t': '\t', semicolon: ';', comma: ',' });
  const decimal = parseChoice(options.decimal, [',', '.'] as const, '--decimal', { comma: ',', dot: '.', point: '.' });
  const dateOrder = parseChoice(options.dateOrder, ['dmy', 'mdy'] as const, '--date-order', { 'd-m-y': 'dmy', 'm-d-y': 'mdy', 'day-first': 'dmy', 'month-first': 'mdy' });

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
    dateOrder,
    sheet: options.sheet,
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
    kept_paid: report.totals.keptPaid,
    files: report.files,
  };
  out.document(doc);
  const prefix = report.dryRun ? 'would import' : 'imported';
  out.data(
    `${prefix}: ${report.totals.inserted} new, ${report.totals.updated} updated, ${report.totals.unchanged} unchanged` +
      `${options.snapshot ? `, ${report.totals.closed} closed` : ''}${report.rejected.length ? `, ${report.rejected.length} rejected` : ''}`,
  );
  for (const f of report.files) {
    if (f.presetChosen === 'header') out.info(`${f.file}: preset "${f.preset}" chosen by the header (override with --preset)`);
    const layout = f.format === 'CSV' ? `, delimiter ${f.delimiter === '\t' ? 'tab' : `"${f.delimiter}"`}, decimal "${f.decimal ?? '-'}"` : '';
    out.info(out.c.dim(`${f.file}: ${f.rows} rows, ${f.format}${f.format === 'CSV' ? `, ${f.encoding}` : ''}${layout}`));
  }
  for (const change of report.totals.amountChanges.slice(0, 20)) {
    out.warn(`invoice ${change.invoice}: amount changed from ${euro(change.from_cents)} to ${euro(change.to_cents)}`);
  }
  for (const change of report.totals.frozenChanges.slice(0, 20)) {
    out.warn(`invoice ${change.invoice} is ${change.status.replace('_', ' ')}; the export now shows ${euro(change.file_open_cents)} open (ledger: ${euro(change.ledger_open_cents)}): tell the incassobureau`);
  }
  for (const k of report.totals.keptPaid.slice(0, 50)) {
    const paid = k.payments.map((p) => `${euro(p.amount_cents)} on ${p.date} (${p.source === 'manual' ? 'payments add' : `bank statement, ${p.source}`})`).join(', ');
    out.warn(
      `invoice ${k.invoice} (debtor ${k.debtor}): the export shows ${euro(k.file_open_cents)} open, but the ledger knows it was paid: ${paid}; ` +
        `kept ${euro(k.kept_open_cents)} open. Book the payment in the bookkeeping; if it was reversed, \`payments import\` the statement with the storno.`,
    );
  }
  if (report.totals.keptPaid.length > 50) out.info(`… and ${report.totals.keptPaid.length - 50} more invoices kept as paid (--json lists them)`);
  printIssues(ctx, report.warnings, 'warning');
  if (report.rejected.length > 0) {
    printIssues(ctx, report.rejected, 'skipped');
  }
  if (report.dryRun) out.info('dry run: nothing was written');
  else if (report.importId !== null) out.info(out.c.dim(`import ${report.importId}; \`pre-incasso import undo ${report.importId}\` reverses it`));
}

function printIssues(ctx: Context, issues: { where: string; message: string }[], label: string): void {
  const shown = issues.slice(0, 50);
  for (const issue of shown) {
    const where = issue.where;
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
