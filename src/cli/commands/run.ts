// `pre-incasso run [--dry-run]`: decide, record, render, send. The dry run prints the very plan
// the real run applies.
import type { Command } from 'commander';
import type { Act } from '../program.js';
import type { Context } from '../context.js';
import { AppError } from '../errors.js';
import { formatEuro } from '../../domain/money.js';
import type { Action, Plan } from '../../domain/plan.js';

interface RunOptions {
  dryRun?: boolean;
  mail?: boolean;
  allowStale?: boolean;
  includeTimeBarred?: boolean;
}

export function register(program: Command, act: Act): void {
  program
    .command('run')
    .description('decide which letters are due today, record them, write the PDFs and send the e-mails')
    .option('--dry-run', 'print what would be done; write nothing')
    .option('--no-mail', 'record and render the letters, but send no e-mail now (send later with `mail`)')
    .option('--allow-stale', 'run even when the newest import is older than maxDataAgeDays')
    .option('--include-time-barred', 'send consumer final letters with costs also for claims past limitation (7:28 / 3:307 BW)')
    .action(act<RunOptions>(runCommand));
}

/** One action as it appears in `--json` (SPEC §7.2). */
export function actionJson(a: Action): Record<string, unknown> {
  if (a.kind === 'letter') {
    const doc: Record<string, unknown> = {
      kind: a.kind, debtor: a.debtor, name: a.name, stage: a.stage, final: a.final, invoices: a.invoices, also_open: a.alsoOpen,
      amount_cents: a.amountCents, channels: a.channels, reason: a.reason,
    };
    if (a.costsCents !== null) doc.costs_cents = a.costsCents;
    if (a.warnings) doc.warnings = a.warnings;
    return doc;
  }
  if (a.kind === 'handover') return { kind: a.kind, debtor: a.debtor, name: a.name, invoices: a.invoices, amount_cents: a.amountCents, reason: a.reason };
  return { kind: a.kind, debtor: a.debtor, name: a.name, invoice: a.invoice, code: a.code, reason: a.reason };
}

export function planJson(plan: Plan): Record<string, unknown>[] {
  return plan.actions.map(actionJson);
}

/**
 * The human form of a plan, fed one action at a time. It keeps only the printed cells, not the
 * actions, so a preview of 100,000 letters stays small.
 */
export class PlanPrinter {
  private readonly letters: string[][] = [];
  private readonly handovers: string[][] = [];
  private readonly skips: string[] = [];
  private skipCount = 0;

  constructor(private readonly ctx: Context) {}

  add(a: Action): void {
    if (this.ctx.out.json) return;
    if (a.kind === 'letter') {
      this.letters.push([a.debtor, truncate(a.name, 28), a.stage, truncate(a.invoices.join(', '), 30), formatEuro(a.amountCents), a.channels.join('+'), a.costsCents === null ? '' : formatEuro(a.costsCents)]);
    } else if (a.kind === 'handover') {
      this.handovers.push([a.debtor, truncate(a.name, 28), truncate(a.invoices.join(', '), 40), formatEuro(a.amountCents)]);
    } else {
      this.skipCount++;
      if (this.skips.length < 200) this.skips.push(`  ${a.debtor} ${truncate(a.name, 28)}: ${a.reason}`);
    }
  }

  print(today: string, verb: string): void {
    const out = this.ctx.out;
    if (this.letters.length === 0 && this.handovers.length === 0) out.data(`${today}: no letters due.`);
    if (this.letters.length > 0) {
      out.data(`${today}: ${this.letters.length} letter${this.letters.length === 1 ? '' : 's'} ${verb}:`);
      out.data(out.table(['debtor', 'name', 'stage', 'invoices', 'amount', 'channels', 'costs stated'], this.letters, [4, 6]));
    }
    if (this.handovers.length > 0) {
      out.data(`\nready for handover to the incassobureau (${this.handovers.length}):`);
      out.data(out.table(['debtor', 'name', 'invoices', 'amount'], this.handovers, [3]));
    }
    if (this.skipCount > 0) {
      out.data(`\nskipped (${this.skipCount}):`);
      for (const line of this.skips) out.data(line);
      if (this.skipCount > this.skips.length) out.data(`  … and ${this.skipCount - this.skips.length} more (--json lists all)`);
    }
  }
}

export function printPlan(ctx: Context, plan: Plan, verb: string): void {
  const printer = new PlanPrinter(ctx);
  for (const a of plan.actions) printer.add(a);
  printer.print(plan.today, verb);
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

async function runCommand(ctx: Context, _args: string[], options: RunOptions): Promise<void> {
  const loaded = await ctx.config();
  const dryRun = options.dryRun === true;
  if (!dryRun) {
    // A run records letters in the creditor's name: never from the placeholders of `init --yes`.
    const { placeholderProblems } = await import('./init.js');
    const problems = placeholderProblems(loaded.config);
    if (problems.length > 0) {
      throw new AppError('config_invalid', `${loaded.file} still holds the placeholders of \`init --yes\`; nothing was recorded.`, {
        details: problems,
        hint: 'Fill in your own company details (name, address, KvK, IBAN, e-mail, SMTP) in the config, then run again. `pre-incasso doctor` lists every problem.',
      });
    }
  }
  const { checkTemplates } = await import('../../letters/templates.js');
  // Template problems are config problems (exit 3), found before anything is recorded.
  checkTemplates(loaded.templateDirs, loaded.config.stages, ['nl', 'en']);
  const { policyFromConfig } = await import('../../config/policy.js');
  const { planDebtor, planRun } = await import('../../domain/plan.js');
  const { readDunningSnapshot, applyPlan } = await import('../../ledger/dunning.js');
  const { requireFreshData } = await import('../freshness.js');
  // Stage terms against the spacing: a config problem (exit 3), found before the ledger is opened.
  const policy = { ...policyFromConfig(loaded.config, loaded.law, ctx.today), includeTimeBarred: options.includeTimeBarred === true };
  const ledger = await ctx.openLedger({ readonly: dryRun });
  try {
    const db = ledger.db;
    requireFreshData(ctx, db, loaded.config.maxDataAgeDays, {
      allowStale: options.allowStale === true,
      why: 'Dunning on old data sends reminders for invoices that were paid meanwhile.',
    });
    if (options.includeTimeBarred) ctx.out.warn('--include-time-barred: consumer claims past limitation get a letter with costs; the debtor may invoke limitation (art. 3:322 BW).');
    if (dryRun) {
      // Streamed: each debtor's actions are printed (or written as JSON) and then forgotten,
      // so previewing a million invoices takes little memory. The same planDebtor as `run`.
      const stream = ctx.out.streamDocument({ today: ctx.today, dry_run: true }, 'actions');
      const printer = new PlanPrinter(ctx);
      for (const debtor of readDunningSnapshot(db)) {
        for (const a of planDebtor(debtor, policy, ctx.today, { letters: false, assess: false }).actions) {
          stream.item(actionJson(a));
          printer.add(a);
        }
      }
      stream.end();
      printer.print(ctx.today, 'would be sent');
      ctx.out.info('dry run: nothing was recorded');
      return;
    }
    const plan = planRun(readDunningSnapshot(db), policy, ctx.today);
    const doc: Record<string, unknown> = { today: plan.today, dry_run: false, actions: planJson(plan) };
    const applied = applyPlan(db, plan);
    doc.run_id = applied.runId;
    printPlan(ctx, plan, 'recorded');
    for (const a of plan.actions) if (a.kind === 'letter') for (const w of a.warnings ?? []) ctx.out.warn(`${a.debtor}: ${w}`);
    const { deliverLetters } = await import('../../letters/deliver.js');
    const delivery = await deliverLetters(ctx, ledger, loaded, { mail: options.mail !== false });
    Object.assign(doc, delivery.json);
    ctx.out.document(doc);
    delivery.finish();
  } finally {
    ledger.close();
  }
}
