// `pre-incasso run [--dry-run]`: decide, record, render, send. The dry run prints the very plan
// the real run applies.
import type { Command } from 'commander';
import type { Act } from '../program.js';
import type { Context } from '../context.js';
import { AppError } from '../../errors.js';
import { formatEuro } from '../../domain/money.js';
import type { Action, Plan } from '../../domain/plan.js';

interface RunOptions {
  dryRun?: boolean;
  mail?: boolean;
  allowStale?: boolean;
  savePlan?: string;
  plan?: string;
  notify?: boolean;
  notifyFile?: string;
  includeTimeBarred?: boolean;
}

export function register(program: Command, act: Act): void {
  program
    .command('run')
    .description('decide which letters are due today, record them, write the PDFs and send the e-mails')
    .option('--dry-run', 'print what would be done; write nothing')
    .option('--no-mail', 'record and render the letters, but send no e-mail now (send later with `mail`)')
    .option('--allow-stale', 'run even when the newest import is older than maxDataAgeDays')
    .option('--save-plan <plan.json>', 'with --dry-run: save the plan and a digest of every fact it rests on')
    .option('--plan <plan.json>', 'apply exactly this saved plan; refused (exit 4) when any of its facts changed')
    .option('--notify', 'mail the owner a morning summary of this run (to notify.email, else creditor.email)')
    .option('--notify-file <path>', 'write the morning summary to this file instead of mailing it')
    .option('--include-time-barred', 'send consumer final letters with costs also for claims past limitation (7:28 / 3:307 BW)')
    .action(act<RunOptions>(runWithSummary));
}

/**
 * The human form of a plan, fed one action at a time. It keeps only the printed cells, not the
 * actions, so a preview of 100,000 letters stays small.
 */
export class PlanPrinter {
  private readonly letters: string[][] = [];
  private readonly handovers: string[][] = [];
  private readonly calls: string[][] = [];
  private readonly skips: string[] = [];
  private skipCount = 0;

  constructor(private readonly ctx: Context) {}

  add(a: Action): void {
    if (this.ctx.out.json) return;
    if (a.kind === 'letter') {
      this.letters.push([a.debtor, truncate(a.name, 28), a.stage, truncate(a.invoices.join(', '), 30), formatEuro(a.amountCents), a.channels.join('+'), a.costsCents === null ? '' : formatEuro(a.costsCents)]);
    } else if (a.kind === 'call') {
      this.calls.push([a.debtor, truncate(a.name, 28), a.stage, truncate(a.invoices.join(', '), 30), formatEuro(a.amountCents), a.phone === null ? '(no phone number)' : a.phone.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')]);
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
    if (this.calls.length > 0) {
      out.data(`\non the call list (${this.calls.length}; \`pre-incasso calls\`):`);
      out.data(out.table(['debtor', 'name', 'stage', 'invoices', 'amount', 'phone'], this.calls, [4]));
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

type AgreementEvent = import('../../workflows/arrangements.js').AgreementEvent;

function agreementEventJson(e: AgreementEvent): Record<string, unknown> {
  const { kind, ...rest } = e;
  const snake: Record<string, unknown> = { kind };
  for (const [k, v] of Object.entries(rest)) snake[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = v;
  return snake;
}

/** What the run did about arrangements and promises, before the dunning plan. */
function printAgreements(ctx: Context, events: AgreementEvent[], dryRun: boolean): void {
  const recorded = dryRun ? 'would be recorded' : 'recorded';
  const letterName = { confirmation: 'confirmation', before: 'reminder', missed: 'missed-instalment reminder' } as const;
  for (const e of events) {
    if (e.kind === 'arrangement_letter') ctx.out.data(`arrangement #${e.arrangement} (${e.debtor}): ${letterName[e.letter]} ${recorded} for instalment ${e.instalment}, ${formatEuro(e.amountCents)} due ${e.dueDate}`);
    else if (e.kind === 'arrangement_postponed') ctx.out.data(`arrangement #${e.arrangement} (${e.debtor}): ${e.reason}`);
    else if (e.kind === 'arrangement_completed') ctx.out.data(`arrangement #${e.arrangement} (${e.debtor}) completed: ${e.reason}`);
    else if (e.kind === 'arrangement_broken') ctx.out.data(`arrangement #${e.arrangement} (${e.debtor}) broken on ${e.on}: ${e.reason}`);
    else ctx.out.data(`promise #${e.promise} (${e.debtor}): ${e.reason}`);
  }
  if (events.length > 0) ctx.out.data('');
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

/** What the run did, for the morning summary. */
interface RunRecord {
  runId: number | null;
  actions: Action[];
  mail: Record<string, unknown> | null;
}

async function runWithSummary(ctx: Context, args: string[], options: RunOptions): Promise<void> {
  if (options.savePlan && !options.dryRun) throw new AppError('usage', '--save-plan goes with --dry-run.', { hint: 'pre-incasso run --dry-run --save-plan plan.json' });
  if (options.plan && options.dryRun) throw new AppError('usage', '--plan applies a saved plan and cannot be a dry run.', { hint: 'Review the plan file itself, or make a new one with --dry-run --save-plan.' });
  if ((options.notify || options.notifyFile) && options.dryRun) throw new AppError('usage', '--notify and --notify-file report a real run, not a dry run.');
  if (!options.notify && !options.notifyFile) {
    await runCommand(ctx, args, options, { runId: null, actions: [], mail: null });
    return;
  }
  if (options.notify && !options.notifyFile) {
    // Checked before anything is recorded: a run must not succeed and then exit 3.
    const { config } = await ctx.config();
    if (!config.mail) throw new AppError('config_invalid', 'run --notify mails the summary, but the config has no "mail" settings.', { hint: 'Add "mail" to the config, or write the summary with --notify-file <path>.' });
  }
  const record: RunRecord = { runId: null, actions: [], mail: null };
  let failure: unknown = null;
  try {
    await runCommand(ctx, args, options, record);
  } catch (error) {
    failure = error;
  }
  // The summary reports errors too; then the run's own error decides the exit code.
  const loaded = await ctx.config();
  const summaryWorkflow = await import('../../workflows/morning-summary.js');
  const ledger = await ctx.openLedger();
  try {
    const message = failure instanceof Error ? failure.message : failure ? String(failure) : null;
    const facts = summaryWorkflow.gatherNightFacts(ledger.db, loaded, ctx.today, { ...record, errors: message ? [message] : [] });
    const { morningSummary } = await import('../../domain/morning-summary.js');
    const summary = morningSummary(facts);
    if (options.notifyFile) {
      summaryWorkflow.writeSummaryFile(summaryWorkflow.resolveSummaryPath(ctx.cwd, options.notifyFile), summary);
      ctx.out.info(`morning summary written to ${options.notifyFile}`);
    } else {
      const sent = await summaryWorkflow.mailSummary(ledger.db, loaded, ctx.env, ctx.today, record.runId, summary);
      if (sent.failed.length) ctx.out.warn(`morning summary not sent: ${sent.failed.map((f) => f.error).join('; ')}; it goes out with the next run`);
      else ctx.out.info(`morning summary mailed to ${loaded.config.notify?.email ?? loaded.config.creditor.email}`);
    }
  } finally {
    ledger.close();
  }
  if (failure) throw failure;
}

async function runCommand(ctx: Context, _args: string[], options: RunOptions, record: RunRecord): Promise<void> {
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
  const { runDunning, actionJson, planJson } = await import('../../workflows/run.js');
  const printer = new PlanPrinter(ctx);
  let stream: { item(value: unknown): void; end(): void } | null = null;
  let agreementsJson: Record<string, unknown>[] = [];
  const outcome = await runDunning({
    ledgerPath: await ctx.ledgerPath(),
    loaded,
    today: ctx.today,
    commandLine: ctx.commandLine,
    cwd: ctx.cwd,
    env: ctx.env,
    dryRun,
    mail: options.mail !== false,
    allowStale: options.allowStale === true,
    includeTimeBarred: options.includeTimeBarred === true,
    savePlan: options.savePlan,
    plan: options.plan,
    out: ctx.out,
    onAgreements: (events) => {
      printAgreements(ctx, events, dryRun);
      agreementsJson = events.map(agreementEventJson);
      // The dry run's JSON is streamed: its head (with the agreements) first, then each action.
      if (dryRun) stream = ctx.out.streamDocument({ today: ctx.today, dry_run: true, agreements: agreementsJson }, 'actions');
    },
    onAction: (a) => {
      stream?.item(actionJson(a));
      printer.add(a);
    },
    onPlan: (plan) => {
      record.actions = plan.actions;
    },
    onRecorded: (plan, runId) => {
      record.runId = runId;
      printPlan(ctx, plan, 'recorded');
    },
  });
  if (dryRun) {
    (stream as { end(): void } | null)?.end();
    printer.print(ctx.today, 'would be sent');
    ctx.out.info('dry run: nothing was recorded');
    return;
  }
  record.mail = (outcome.delivery.mail as Record<string, unknown> | undefined) ?? null;
  const plan = outcome.plan!;
  ctx.out.document({ today: plan.today, dry_run: false, agreements: agreementsJson, actions: planJson(plan), run_id: outcome.runId, ...outcome.delivery });
  outcome.finish();
}
