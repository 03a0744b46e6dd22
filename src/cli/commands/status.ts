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

interface Bucket {
  invoices: number;
  cents: number;
}

async function statusCommand(ctx: Context): Promise<void> {
  const loaded = await ctx.config();
  const stages = loaded.config.stages;
  const ledger = await ctx.openLedger({ readonly: true });
  try {
    const db = ledger.db;
    // Every figure from the debtors' accounts (src/domain/account.ts): credit notes set off once,
    // payments the ledger knows kept, the same as run, explain, the letters and the handover.
    const { policyFromConfig } = await import('../../config/policy.js');
    const { planDebtor } = await import('../../domain/plan.js');
    const { readDunningSnapshot } = await import('../../ledger/dunning.js');
    const policy = policyFromConfig(loaded.config, loaded.law, ctx.today);
    const totals = { n: 0, cents: 0 };
    const byStage: Record<string, Bucket> = { none: { invoices: 0, cents: 0 } };
    for (const s of stages) byStage[s.id] = { invoices: 0, cents: 0 };
    const aging: Record<string, Bucket> = { not_due: { invoices: 0, cents: 0 }, '1_30': { invoices: 0, cents: 0 }, '31_60': { invoices: 0, cents: 0 }, '61_90': { invoices: 0, cents: 0 }, over_90: { invoices: 0, cents: 0 } };
    let unusedCredit = 0;
    let heldCents = 0;
    let pausedCents = 0;
    let readyInvoices = 0;
    let readyCents = 0;
    let dueToday = 0;
    let callsToday = 0;
    const bucketOf = (due: string): string => {
      if (due >= ctx.today) return 'not_due';
      const days = daysBetween(due, ctx.today);
      return days <= 30 ? '1_30' : days <= 60 ? '31_60' : days <= 90 ? '61_90' : 'over_90';
    };
    for (const input of readDunningSnapshot(db)) {
      const plan = planDebtor(input, policy, ctx.today, { letters: false, assess: false });
      for (const a of plan.actions) {
        if (a.kind === 'handover') {
          readyInvoices += a.invoices.length;
          readyCents += a.amountCents;
        } else if (a.kind === 'letter') dueToday++;
        else if (a.kind === 'call') callsToday++;
      }
      unusedCredit += plan.account.unallocatedCreditCents;
      heldCents += plan.account.heldCents;
      for (const c of plan.account.claims) {
        if (c.status !== 'open' || c.kind !== 'invoice' || c.openCents <= 0) continue;
        // An agreement's pause holds dunning, but it is not a hold: counted apart.
        if (c.held?.kind) pausedCents += c.openCents;
        totals.n++;
        totals.cents += c.openCents;
        const key = c.stageIndex === null ? 'none' : stages[c.stageIndex]?.id ?? `stage ${c.stageIndex}`;
        const stage = (byStage[key] ??= { invoices: 0, cents: 0 });
        stage.invoices++;
        stage.cents += c.openCents;
        const bucket = aging[bucketOf(c.dueDate)]!;
        bucket.invoices++;
        bucket.cents += c.openCents;
      }
    }
    const holds = db
      .prepare("SELECT count(*) AS n, coalesce(sum(dispute), 0) AS disputes FROM holds WHERE released_on IS NULL AND (until IS NULL OR until > ?)")
      .get(ctx.today) as { n: number; disputes: number };
    const statusCounts = Object.fromEntries(
      (db.prepare('SELECT status, count(*) AS n FROM invoices GROUP BY status').all() as { status: string; n: number }[]).map((r) => [r.status, r.n]),
    );
    const mail: Record<string, number> = { queued: 0, sending: 0, sent: 0, failed: 0, retry: 0, unknown: 0, withdrawn: 0 };
    const mailStates = db.prepare(
      `SELECT CASE WHEN w.outbox_id IS NULL THEN o.state ELSE 'withdrawn' END AS state, count(*) AS n
       FROM outbox o LEFT JOIN outbox_withdrawn w ON w.outbox_id = o.id GROUP BY 1`,
    );
    for (const r of mailStates.all() as { state: string; n: number }[]) mail[r.state] = r.n;
    const { newestImport } = await import('../../ledger/dunning.js');
    const newest = newestImport(db);
    const afterHandover = db
      .prepare(
        `SELECT a.invoice_number AS invoice, p.date, a.amount_cents
         FROM allocations a JOIN payments p ON p.id = a.payment_id
         JOIN handover_invoices hi ON hi.invoice_number = a.invoice_number
         JOIN handovers h ON h.id = hi.handover_id AND h.state = 'done'
         WHERE p.date >= h.today ORDER BY p.date`,
      )
      .all() as { invoice: string; date: string; amount_cents: number }[];

    const { workbenchStatus, printWorkbenchStatus } = await import('../../workflows/workbench-status.js');
    const workbench = workbenchStatus(db);
    // Agreements with debtors: counts from their tables; what they pause is in the accounts above.
    const agreed = {
      arrangements: db.prepare("SELECT count(*) AS n, coalesce(sum(total_cents), 0) AS cents FROM arrangements WHERE status = 'running'").get() as { n: number; cents: number },
      broken: (db.prepare("SELECT count(*) AS n FROM arrangements WHERE status = 'broken'").get() as { n: number }).n,
      promises: (db.prepare("SELECT count(*) AS n FROM promises WHERE status = 'open'").get() as { n: number }).n,
      calls: (db.prepare('SELECT count(*) AS n FROM call_tasks WHERE outcome IS NULL AND date <= ?').get(ctx.today) as { n: number }).n,
      disputes: (db.prepare('SELECT count(*) AS n FROM disputes WHERE resolved_on IS NULL').get() as { n: number }).n,
    };
    ctx.out.document({
      ...workbench.json,
      today: ctx.today,
      arrangements: { running: agreed.arrangements.n, running_cents: agreed.arrangements.cents, broken: agreed.broken },
      promises_open: agreed.promises,
      calls_open: agreed.calls,
      disputes_open: agreed.disputes,
      open_invoices: totals.n,
      open_cents: totals.cents,
      held_cents: heldCents - pausedCents,
      paused_cents: pausedCents,
      unused_credit_cents: -unusedCredit,
      by_stage: byStage,
      aging,
      on_hold: holds.n,
      disputes: holds.disputes,
      ready_for_handover: readyInvoices,
      ready_for_handover_cents: readyCents,
      letters_due_today: dueToday,
      calls_due_today: callsToday,
      handed_over: statusCounts.handed_over ?? 0,
      mail,
      payments_after_handover: afterHandover,
      newest_import: newest ? { date: newest.today, age_days: daysBetween(newest.today, ctx.today) } : null,
    });

    const out = ctx.out;
    out.data(`${loaded.config.creditor.name}: the book on ${ctx.today}`);
    const held = [heldCents - pausedCents > 0 ? `${formatEuro(heldCents - pausedCents)} on hold` : '', pausedCents > 0 ? `${formatEuro(pausedCents)} paused by arrangements, promises or calls` : ''].filter((x) => x !== '');
    out.data(`open: ${totals.n} invoices, ${formatEuro(totals.cents)}${held.length > 0 ? ` (of which ${held.join(', ')})` : ''}${unusedCredit < 0 ? `; unused credit notes ${formatEuro(-unusedCredit)}` : ''}`);
    out.data('');
    out.data(out.table(['stage', 'invoices', 'open'], Object.entries(byStage).map(([k, v]) => [k === 'none' ? '(no letter yet)' : k, String(v.invoices), formatEuro(v.cents)]), [1, 2]));
    out.data('');
    const agingLabel: Record<string, string> = { not_due: 'not due', '1_30': '1-30 days', '31_60': '31-60 days', '61_90': '61-90 days', over_90: 'over 90 days' };
    out.data(out.table(['past due', 'invoices', 'open'], Object.entries(aging).map(([k, v]) => [agingLabel[k]!, String(v.invoices), formatEuro(v.cents)]), [1, 2]));
    out.data('');
    out.data(`on hold: ${holds.n}${holds.disputes ? ` (${holds.disputes} disputed)` : ''}`);
    out.data(`payment arrangements running: ${agreed.arrangements.n} (${formatEuro(agreed.arrangements.cents)})${agreed.broken ? `, ${agreed.broken} broken` : ''}; promises open: ${agreed.promises}; calls to make: ${agreed.calls}; open disputes: ${agreed.disputes}`);
    out.data(`letters due today: ${dueToday}${callsToday > 0 ? `; debtors for the call list today: ${callsToday}` : ''}`);
    out.data(`ready for handover: ${readyInvoices} invoices, ${formatEuro(readyCents)}`);
    if (statusCounts.handed_over) out.data(`handed over: ${statusCounts.handed_over} invoices`);
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
  } finally {
    ledger.close();
  }
}
