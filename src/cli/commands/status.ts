// `pre-incasso status`: the book at a glance.
import type { Command } from 'commander';
import type { Act } from '../program.js';
import type { Context } from '../context.js';
import { formatEuro } from '../../domain/money.js';
import { daysBetween } from '../../domain/dates.js';

export function register(program: Command, act: Act): void {
  program
    .command('status')
    .description('open invoices and amounts per stage, aging, holds, handover, mail, freshness of the data')
    .action(act(statusCommand));
}

async function statusCommand(ctx: Context): Promise<void> {
  const loaded = await ctx.config();
  const { policyFromConfig } = await import('../../config/policy.js');
  const policy = policyFromConfig(loaded.config, loaded.law, ctx.today);
  const { readBookStatus } = await import('../../workflows/status.js');
  const { printWorkbenchStatus } = await import('../../workflows/workbench-status.js');
  const { ledgerAt } = await import('../ledger-at.js');
  {
    const s = readBookStatus(await ledgerAt(ctx), policy, ctx.today);
    const d = s.dunning;
    const { holds, workbench } = s;
    const { mail, paymentsAfterHandover: afterHandover } = s.counts;
    const handedOver = s.counts.handedOver;
    const agreed = s.counts;
    const newest = s.newestImport;
    ctx.out.document({
      ...workbench.json,
      today: ctx.today,
      arrangements: { running: agreed.arrangements.running, running_cents: agreed.arrangements.runningCents, broken: agreed.arrangements.broken },
      promises_open: agreed.promisesOpen,
      calls_open: agreed.callsOpen,
      disputes_open: agreed.disputesOpen,
      open_invoices: d.openInvoices,
      open_cents: d.openCents,
      held_cents: d.heldCents - d.pausedCents,
      paused_cents: d.pausedCents,
      unused_credit_cents: -d.unusedCreditCents,
      by_stage: d.byStage,
      aging: d.aging,
      on_hold: holds.n,
      disputes: holds.disputes,
      ready_for_handover: d.readyInvoices,
      ready_for_handover_cents: d.readyCents,
      letters_due_today: d.lettersDueToday,
      calls_due_today: d.callsDueToday,
      handed_over: handedOver,
      mail,
      payments_after_handover: afterHandover,
      newest_import: newest ? { date: newest.today, age_days: daysBetween(newest.today, ctx.today) } : null,
      planned_debtors: { stored: s.planned.stored, fresh: s.planned.fresh },
    });

    const out = ctx.out;
    out.data(`${loaded.config.creditor.name}: the book on ${ctx.today}`);
    const held = [d.heldCents - d.pausedCents > 0 ? `${formatEuro(d.heldCents - d.pausedCents)} on hold` : '', d.pausedCents > 0 ? `${formatEuro(d.pausedCents)} paused by arrangements, promises or calls` : ''].filter((x) => x !== '');
    out.data(`open: ${d.openInvoices} invoices, ${formatEuro(d.openCents)}${held.length > 0 ? ` (of which ${held.join(', ')})` : ''}${d.unusedCreditCents < 0 ? `; unused credit notes ${formatEuro(-d.unusedCreditCents)}` : ''}`);
    out.data('');
    out.data(out.table(['stage', 'invoices', 'open'], Object.entries(d.byStage).map(([k, v]) => [k === 'none' ? '(no letter yet)' : k, String(v.invoices), formatEuro(v.cents)]), [1, 2]));
    out.data('');
    const agingLabel: Record<string, string> = { not_due: 'not due', '1_30': '1-30 days', '31_60': '31-60 days', '61_90': '61-90 days', over_90: 'over 90 days' };
    out.data(out.table(['past due', 'invoices', 'open'], Object.entries(d.aging).map(([k, v]) => [agingLabel[k]!, String(v.invoices), formatEuro(v.cents)]), [1, 2]));
    out.data('');
    out.data(`on hold: ${holds.n}${holds.disputes ? ` (${holds.disputes} disputed)` : ''}`);
    out.data(`payment arrangements running: ${agreed.arrangements.running} (${formatEuro(agreed.arrangements.runningCents)})${agreed.arrangements.broken ? `, ${agreed.arrangements.broken} broken` : ''}; promises open: ${agreed.promisesOpen}; calls to make: ${agreed.callsOpen}; open disputes: ${agreed.disputesOpen}`);
    out.data(`letters due today: ${d.lettersDueToday}${d.callsDueToday > 0 ? `; debtors for the call list today: ${d.callsDueToday}` : ''}`);
    out.data(`ready for handover: ${d.readyInvoices} invoices, ${formatEuro(d.readyCents)}`);
    if (handedOver) out.data(`handed over: ${handedOver} invoices`);
    const mailLine = Object.entries(mail).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k === 'queued' ? 'waiting to be sent' : k}`).join(', ');
    out.data(`mail: ${mailLine || 'none'}`);
    if (mail.failed! > 0 || mail.unknown! > 0) out.warn(`${mail.failed} failed and ${mail.unknown} unknown e-mails: see \`pre-incasso mail\``);
    for (const p of afterHandover) out.warn(`payment of ${formatEuro(p.amount_cents)} on ${p.date} for handed-over invoice ${p.invoice}: tell the incassobureau`);
    printWorkbenchStatus(out, workbench);
    if (newest) {
      const age = daysBetween(newest.today, ctx.today);
      out.data(`newest import: ${newest.today} (${age} day${age === 1 ? '' : 's'} ago)`);
      if (age > loaded.config.maxDataAgeDays) out.warn(`the newest import is older than ${loaded.config.maxDataAgeDays} days: import a fresh export before \`run\``);
    } else {
      out.data('newest import: none yet');
    }
  }
}
