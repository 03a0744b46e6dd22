// `pre-incasso run [--dry-run]`: decide, record, render, send. The dry run prints the very plan
// the real run applies.
import type { Command } from 'commander';
import type { Act } from '../program.js';
import type { Context } from '../context.js';
import { AppError } from '../errors.js';
import { formatEuro } from '../../domain/money.js';
import { daysBetween } from '../../domain/dates.js';
import type { Action, Plan } from '../../domain/plan.js';

interface RunOptions {
  dryRun?: boolean;
  mail?: boolean;
  allowStale?: boolean;
}

export function register(program: Command, act: Act): void {
  program
    .command('run')
    .description('decide which letters are due today, record them, write the PDFs and send the e-mails')
    .option('--dry-run', 'print what would be done; write nothing')
    .option('--no-mail', 'record and render the letters, but send no e-mail now (send later with `mail`)')
    .option('--allow-stale', 'run even when the newest import is older than maxDataAgeDays')
    .action(act<RunOptions>(runCommand));
}

export function planJson(plan: Plan): Record<string, unknown>[] {
  return plan.actions.map((a) => {
    if (a.kind === 'letter') {
      const doc: Record<string, unknown> = {
        kind: a.kind, debtor: a.debtor, name: a.name, stage: a.stage, final: a.final, invoices: a.invoices, also_open: a.alsoOpen,
        amount_cents: a.amountCents, channels: a.channels, reason: a.reason,
      };
      if (a.costsCents !== null) doc.costs_cents = a.costsCents;
      return doc;
    }
    if (a.kind === 'handover') return { kind: a.kind, debtor: a.debtor, name: a.name, invoices: a.invoices, amount_cents: a.amountCents, reason: a.reason };
    return { kind: a.kind, debtor: a.debtor, name: a.name, invoice: a.invoice, code: a.code, reason: a.reason };
  });
}

export function printPlan(ctx: Context, plan: Plan, verb: string): void {
  const out = ctx.out;
  const letters = plan.actions.filter((a) => a.kind === 'letter');
  const handovers = plan.actions.filter((a) => a.kind === 'handover');
  const skips = plan.actions.filter((a) => a.kind === 'skip');
  if (letters.length === 0 && handovers.length === 0) out.data(`${plan.today}: no letters due.`);
  if (letters.length > 0) {
    out.data(`${plan.today}: ${letters.length} letter${letters.length === 1 ? '' : 's'} ${verb}:`);
    out.data(
      out.table(
        ['debtor', 'name', 'stage', 'invoices', 'amount', 'channels', 'costs stated'],
        letters.map((a) => {
          const l = a as Extract<Action, { kind: 'letter' }>;
          return [l.debtor, truncate(l.name, 28), l.stage, truncate(l.invoices.join(', '), 30), formatEuro(l.amountCents), l.channels.join('+'), l.costsCents === null ? '' : formatEuro(l.costsCents)];
        }),
        [4, 6],
      ),
    );
  }
  if (handovers.length > 0) {
    out.data(`\nready for handover to the incassobureau (${handovers.length}):`);
    out.data(
      out.table(
        ['debtor', 'name', 'invoices', 'amount'],
        handovers.map((h) => {
          const x = h as Extract<Action, { kind: 'handover' }>;
          return [x.debtor, truncate(x.name, 28), truncate(x.invoices.join(', '), 40), formatEuro(x.amountCents)];
        }),
        [3],
      ),
    );
  }
  if (skips.length > 0) {
    out.data(`\nskipped (${skips.length}):`);
    for (const s of skips.slice(0, 200)) {
      const x = s as Extract<Action, { kind: 'skip' }>;
      out.data(`  ${x.debtor} ${truncate(x.name, 28)}: ${x.reason}`);
    }
    if (skips.length > 200) out.data(`  … and ${skips.length - 200} more (--json lists all)`);
  }
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

async function runCommand(ctx: Context, _args: string[], options: RunOptions): Promise<void> {
  const loaded = await ctx.config();
  const { checkTemplates } = await import('../../letters/templates.js');
  // Template problems are config problems (exit 3), found before anything is recorded.
  checkTemplates(loaded.templateDirs, loaded.config.stages, ['nl', 'en']);
  const { policyFromConfig } = await import('../../config/policy.js');
  const { planRun } = await import('../../domain/plan.js');
  const { readDunningSnapshot, applyPlan, newestImport } = await import('../../ledger/dunning.js');
  const dryRun = options.dryRun === true;
  const ledger = await ctx.openLedger({ readonly: dryRun });
  try {
    const db = ledger.db;
    const newest = newestImport(db);
    const maxAge = loaded.config.maxDataAgeDays;
    if (!options.allowStale) {
      if (!newest) {
        throw new AppError('stale_data', 'The ledger has no imported invoices yet.', { hint: 'Import the open items first: `pre-incasso import <export.csv>`.' });
      }
      const age = daysBetween(newest.today, ctx.today);
      if (age > maxAge) {
        throw new AppError('stale_data', `The newest import is from ${newest.today}, ${age} days before ${ctx.today} (maxDataAgeDays is ${maxAge}).`, {
          hint: 'Dunning on old data sends reminders for invoices that were paid meanwhile. Import a fresh export first, or pass --allow-stale if you are sure.',
        });
      }
    }
    const policy = policyFromConfig(loaded.config);
    const plan = planRun(readDunningSnapshot(db), policy, ctx.today, { letters: !dryRun });
    const doc: Record<string, unknown> = { today: plan.today, dry_run: dryRun, actions: planJson(plan) };
    if (dryRun) {
      ctx.out.document(doc);
      printPlan(ctx, plan, 'would be sent');
      ctx.out.info('dry run: nothing was recorded');
      return;
    }
    const applied = applyPlan(db, plan);
    doc.run_id = applied.runId;
    printPlan(ctx, plan, 'recorded');
    const { deliverLetters } = await import('../../letters/deliver.js');
    const delivery = await deliverLetters(ctx, ledger, loaded, { mail: options.mail !== false });
    Object.assign(doc, delivery.json);
    ctx.out.document(doc);
    delivery.finish();
  } finally {
    ledger.close();
  }
}
