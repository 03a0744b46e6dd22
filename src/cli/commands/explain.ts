// `pre-incasso explain <debtor>`: why this debtor is where it is, and what happens next and when.
import type { Command } from 'commander';
import type { Act } from '../program.js';
import type { Context } from '../context.js';
import { withLedger } from '../../workflows/ledger-session.js';
import { ledgerAt } from '../ledger-at.js';
import { formatEuro } from '../../domain/money.js';
import type { InvoiceAssessment } from '../../domain/plan.js';

export function register(program: Command, act: Act): void {
  program
    .command('explain')
    .description('explain one debtor: balance, each open invoice, holds, what happens next and when')
    .argument('<debtor>', 'the debtor number')
    .action(act(explainCommand));
}

const STATE_TEXT: Record<InvoiceAssessment['state'], string> = {
  not_overdue: 'not overdue yet',
  waiting: 'overdue, waiting for the next stage',
  due: 'due for a letter today',
  final_waiting: 'final letter sent, waiting for the handover date',
  ready_for_handover: 'ready for handover',
  held: 'on hold',
  credit: 'credit note (reduces the balance)',
};

async function explainCommand(ctx: Context, args: string[]): Promise<void> {
  const debtorNumber = args[0]!;
  const loaded = await ctx.config();
  const { policyFromConfig } = await import('../../config/policy.js');
  const { explainDebtor } = await import('../../workflows/explain.js');
  const wf = await import('../../workflows/arrangements.js');
  const policy = policyFromConfig(loaded.config, loaded.law, ctx.today);
  const { debtor, result, account, holds, letters, agreed } = withLedger(await ledgerAt(ctx), { readonly: true }, (db) => explainDebtor(db, policy, debtorNumber, ctx.today));
  const claims = account?.claims ?? [];
  const closed = claims.filter((c) => c.status !== 'open').map((c) => ({ number: c.number, status: c.status, open_cents: c.openCents }));

  ctx.out.document({
    today: ctx.today,
    debtor: { number: debtor.number, name: debtor.name, type: debtor.type, type_known: debtor.type_known === 1, email: debtor.email },
    net_open_cents: result.netOpenCents,
    account: account
      ? {
          open_cents: account.openCents, held_cents: account.heldCents, handed_over_cents: account.handedOverCents,
          unallocated_credit_cents: account.unallocatedCreditCents, costs_stated_cents: account.costsStatedCents,
          covered_principal_cents: account.coveredPrincipalCents, costs_claimed_cents: account.costsClaimedCents,
          claims: claims.map((c) => ({
            invoice: c.number, kind: c.kind, status: c.status, due_date: c.dueDate, principal_cents: c.principalCents, paid_cents: c.paidCents,
            paid_by: c.paidBy.map((p) => ({ payment_id: p.paymentId, date: p.date, source: p.source, amount_cents: p.amountCents })),
            paid_per_export_cents: c.paidPerExportCents, export_open_cents: c.exportOpenCents, export_date: c.exportDate,
            credited_cents: c.creditedCents, credits: c.credits.map((x) => ({ credit_note: x.creditNote, invoice: x.invoice, amount_cents: x.amountCents })),
            open_cents: c.openCents, held: c.held !== null, paused_by: c.held?.kind ?? null, covered_by_letter: c.coveredBy?.letterId ?? null,
          })),
        }
      : null,
    holds: holds.map((h) => ({ invoice: h.invoiceNumber, reason: h.reason, dispute: h.dispute, until: h.until })),
    invoices: result.assessments.map((a) => ({
      invoice: a.number, open_cents: a.openCents, due_date: a.dueDate, stage: a.stage, stage_date: a.stageDate, state: a.state,
      next_stage: a.next?.stage ?? null, next_on: a.next?.on ?? null, handover_on: a.handoverOn, term_end: a.termEnd,
    })),
    other_invoices: closed.map((c) => ({ invoice: c.number, status: c.status, open_cents: c.open_cents })),
    letters: letters.map((l) => ({ id: l.id, date: l.date, stage: l.stage_id, channels: JSON.parse(l.channels), amount_cents: l.amount_cents, costs_cents: l.costs_cents, pdf_sha256: l.pdf_sha256 })),
    arrangements: agreed.arrangements.map(wf.arrangementJson),
    promises: agreed.promises.map(wf.promiseJson),
    calls: agreed.calls.map(wf.callJson),
    disputes: agreed.disputes.map(wf.disputeJson),
    actions: (await import('../../workflows/run.js')).planJson({ today: ctx.today, actions: result.actions }),
  });

  const out = ctx.out;
  out.data(`${debtor.number} ${debtor.name} (${debtor.type}${debtor.type_known ? '' : ', type not given: treated as consumer'})`);
  if (account) {
    // The account's figures: the same that run, status, the letters and the handover use.
    const parts = [`open balance: ${formatEuro(account.openCents)}`];
    if (account.heldCents > 0) parts.push(`of which ${formatEuro(account.heldCents)} on hold`);
    if (account.handedOverCents > 0) parts.push(`handed over: ${formatEuro(account.handedOverCents)}`);
    if (account.unallocatedCreditCents < 0) parts.push(`unused credit: ${formatEuro(-account.unallocatedCreditCents)}`);
    out.data(parts.join('; '));
    if (account.costsStatedCents > 0) {
      out.data(`costs stated in veertiendagenbrieven: ${formatEuro(account.costsStatedCents)} over ${formatEuro(account.coveredPrincipalCents)} covered${account.costsClaimedCents > 0 ? `; claimed in handovers: ${formatEuro(account.costsClaimedCents)}` : ''}`);
    }
  } else {
    out.data(`open balance: ${formatEuro(0)}`);
  }
  for (const h of holds) out.data(`hold: ${h.invoiceNumber ? `invoice ${h.invoiceNumber}` : 'whole debtor'}${h.dispute ? ' (dispute)' : ''}: ${h.reason}${h.until ? `, until ${h.until}` : ''}`);
  if (claims.length > 0) {
    const assessed = new Map(result.assessments.map((a) => [a.number, a]));
    out.data('');
    out.data(
      out.table(
        ['invoice', 'due', 'amount', 'paid', 'credited', 'open', 'status', 'stage', 'next', 'when'],
        claims.map((c) => {
          const a = assessed.get(c.number);
          return [
            c.number, c.dueDate, formatEuro(c.principalCents), formatEuro(c.paidCents), formatEuro(c.creditedCents), formatEuro(c.openCents),
            c.held && c.status === 'open' ? (c.held.kind ? `paused (${c.held.kind})` : 'on hold') : c.status, a?.stage ?? (c.stageIndex === null ? '-' : loaded.config.stages[c.stageIndex]?.id ?? '-'),
            a?.next ? a.next.stage : a?.handoverOn ? 'handover' : '-',
            a?.next ? a.next.on : a?.handoverOn ?? '-',
          ];
        }),
        [2, 3, 4, 5],
      ),
    );
    for (const c of claims) {
      const facts: string[] = [];
      for (const p of c.paidBy) facts.push(`paid ${formatEuro(p.amountCents)} on ${p.date} (${p.source === 'manual' ? 'payments add' : p.source}, payment ${p.paymentId})`);
      if (c.paidPerExportCents > 0) facts.push(`${formatEuro(c.paidPerExportCents)} paid per the export of ${c.exportDate ?? 'an earlier import'}`);
      for (const x of c.credits) facts.push(c.kind === 'invoice' ? `credit note ${x.creditNote} set off ${formatEuro(x.amountCents)}` : `set off ${formatEuro(x.amountCents)} against ${x.invoice}`);
      if (c.exportOpenCents !== null && c.exportOpenCents > c.openCents + c.creditedCents && c.kind === 'invoice') facts.push(`the export of ${c.exportDate} says ${formatEuro(c.exportOpenCents)} open: the ledger's payments stand`);
      if (c.coveredBy) facts.push(`covered by the veertiendagenbrief of ${c.coveredBy.date}`);
      const a = assessed.get(c.number);
      if (a && c.status === 'open') facts.unshift(`${STATE_TEXT[a.state]}${a.held?.kind ? ` (${a.held.reason})` : ''}${a.termEnd ? `; fourteen-day term ends ${a.termEnd}` : ''}`);
      if (facts.length > 0) out.data(`  ${c.number}: ${facts.join('; ')}`);
    }
  } else {
    out.data('no open invoices.');
  }
  for (const v of agreed.arrangements) {
    const j = wf.arrangementJson(v);
    out.data(`\npayment arrangement #${v.row.id} (agreed ${v.row.startDate}, ${v.row.invoices.map((i) => i.number).join(', ')}): ${String(j.status)}${j.broken_on ? ` on ${String(j.broken_on)}` : ''}, paid ${formatEuro(v.status.paidCents)} of ${formatEuro(v.status.totalCents)}`);
    if (v.row.closeReason) out.data(`  ${v.row.closeReason}`);
    for (const i of v.status.instalments) out.data(`  ${i.number}. ${i.dueDate} ${formatEuro(i.amountCents)}: ${i.state.replaceAll('_', ' ')}${i.paidCents > 0 && i.paidCents < i.amountCents ? ` (${formatEuro(i.paidCents)} paid)` : ''}`);
  }
  for (const p of agreed.promises) {
    const state = p.status === 'open' && ctx.today > p.until ? (p.paidSinceCents >= p.amountCents ? 'kept' : 'not kept: dunning resumes') : p.status;
    out.data(`promise #${p.id} of ${p.createdOn}: ${formatEuro(p.amountCents)} by ${p.until}, ${formatEuro(p.paidSinceCents)} received since: ${state}${p.note ? ` (${p.note})` : ''}`);
  }
  for (const c of agreed.calls) out.data(`call ${c.id} of ${c.date} (stage ${c.stageId}): ${c.outcome ? `${c.outcome} on ${c.loggedOn}${c.note ? ` — ${c.note}` : ''}` : 'on the call list, not logged yet'}`);
  for (const d of agreed.disputes) out.data(`dispute #${d.id} of ${d.openedOn} (${d.category}${d.invoice ? `, invoice ${d.invoice}` : ''}): ${d.note}${d.resolvedOn ? `; resolved ${d.resolvedOn}: ${d.outcome}` : '; open'}`);
  if (letters.length > 0) {
    out.data('\nletters sent:');
    for (const l of letters) out.data(`  ${l.date} ${l.stage_id} (${JSON.parse(l.channels).join('+')}) ${formatEuro(l.amount_cents)}${l.costs_cents !== null ? `, costs stated ${formatEuro(l.costs_cents)}` : ''}`);
  }
  out.data('');
  if (result.actions.length === 0) out.data(`today (${ctx.today}): nothing to do.`);
  for (const a of result.actions) {
    if (a.kind === 'letter') out.data(`today (${ctx.today}): letter "${a.stage}" for ${a.invoices.join(', ')}, ${formatEuro(a.amountCents)} by ${a.channels.join('+')}: ${a.reason}`);
    else if (a.kind === 'handover') out.data(`today (${ctx.today}): ready for handover: ${a.invoices.join(', ')} (${a.reason})`);
    else if (a.kind === 'call') out.data(`today (${ctx.today}): on the call list (stage "${a.stage}") for ${a.invoices.join(', ')}, ${formatEuro(a.amountCents)}: ${a.reason}`);
    else out.data(`today (${ctx.today}): skipped: ${a.reason}`);
  }
}
