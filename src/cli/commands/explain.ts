// `pre-incasso explain <debtor>`: why this debtor is where it is, and what happens next and when.
import type { Command } from 'commander';
import type { Act } from '../program.js';
import type { Context } from '../context.js';
import { AppError } from '../errors.js';
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
  const { planDebtor } = await import('../../domain/plan.js');
  const { readDunningSnapshot, readHolds } = await import('../../ledger/dunning.js');
  const ledger = await ctx.openLedger({ readonly: true });
  try {
    const db = ledger.db;
    const debtor = db.prepare('SELECT number, name, type, type_known, email FROM debtors WHERE number = ?').get(debtorNumber) as
      | { number: string; name: string; type: string; type_known: number; email: string | null }
      | undefined;
    if (!debtor) {
      throw new AppError('not_found', `No debtor "${debtorNumber}" in the ledger.`, { hint: 'Debtor numbers are the relation codes of the bookkeeping; `pre-incasso status` lists the book.' });
    }
    const input = [...readDunningSnapshot(db, { debtor: debtorNumber })][0];
    const policy = policyFromConfig(loaded.config, loaded.law, ctx.today);
    const result = input
      ? planDebtor(input, policy, ctx.today)
      : { actions: [], assessments: [], netOpenCents: 0, debtorHold: null };
    const holds = readHolds(db, debtorNumber).get(debtorNumber) ?? [];
    const letters = db
      .prepare('SELECT id, date, stage_id, channels, amount_cents, costs_cents, pdf_sha256 FROM letters WHERE debtor_number = ? ORDER BY date, id')
      .all(debtorNumber) as { id: number; date: string; stage_id: string; channels: string; amount_cents: number; costs_cents: number | null; pdf_sha256: string | null }[];
    const closed = db
      .prepare("SELECT number, status, open_cents FROM invoices WHERE debtor_number = ? AND status <> 'open' ORDER BY number")
      .all(debtorNumber) as { number: string; status: string; open_cents: number }[];

    ctx.out.document({
      today: ctx.today,
      debtor: { number: debtor.number, name: debtor.name, type: debtor.type, type_known: debtor.type_known === 1, email: debtor.email },
      net_open_cents: result.netOpenCents,
      holds: holds.map((h) => ({ invoice: h.invoiceNumber, reason: h.reason, dispute: h.dispute, until: h.until })),
      invoices: result.assessments.map((a) => ({
        invoice: a.number, open_cents: a.openCents, due_date: a.dueDate, stage: a.stage, stage_date: a.stageDate, state: a.state,
        next_stage: a.next?.stage ?? null, next_on: a.next?.on ?? null, handover_on: a.handoverOn, term_end: a.termEnd,
      })),
      other_invoices: closed.map((c) => ({ invoice: c.number, status: c.status, open_cents: c.open_cents })),
      letters: letters.map((l) => ({ id: l.id, date: l.date, stage: l.stage_id, channels: JSON.parse(l.channels), amount_cents: l.amount_cents, costs_cents: l.costs_cents, pdf_sha256: l.pdf_sha256 })),
      actions: (await import('./run.js')).planJson({ today: ctx.today, actions: result.actions }),
    });

    const out = ctx.out;
    out.data(`${debtor.number} ${debtor.name} (${debtor.type}${debtor.type_known ? '' : ', type not given: treated as consumer'})`);
    out.data(`open balance: ${formatEuro(result.netOpenCents)}`);
    for (const h of holds) out.data(`hold: ${h.invoiceNumber ? `invoice ${h.invoiceNumber}` : 'whole debtor'}${h.dispute ? ' (dispute)' : ''}: ${h.reason}${h.until ? `, until ${h.until}` : ''}`);
    if (result.assessments.length > 0) {
      out.data('');
      out.data(
        out.table(
          ['invoice', 'due', 'open', 'stage', 'since', 'next', 'when'],
          result.assessments.map((a) => [
            a.number, a.dueDate, formatEuro(a.openCents), a.stage ?? '-', a.stageDate ?? '-',
            a.next ? a.next.stage : a.handoverOn ? 'handover' : '-',
            a.next ? a.next.on : a.handoverOn ?? '-',
          ]),
          [2],
        ),
      );
      for (const a of result.assessments) {
        let line = `  ${a.number}: ${STATE_TEXT[a.state]}`;
        if (a.termEnd) line += `; fourteen-day term ends ${a.termEnd}`;
        out.data(line);
      }
    } else {
      out.data('no open invoices.');
    }
    if (letters.length > 0) {
      out.data('\nletters sent:');
      for (const l of letters) out.data(`  ${l.date} ${l.stage_id} (${JSON.parse(l.channels).join('+')}) ${formatEuro(l.amount_cents)}${l.costs_cents !== null ? `, costs stated ${formatEuro(l.costs_cents)}` : ''}`);
    }
    out.data('');
    if (result.actions.length === 0) out.data(`today (${ctx.today}): nothing to do.`);
    for (const a of result.actions) {
      if (a.kind === 'letter') out.data(`today (${ctx.today}): letter "${a.stage}" for ${a.invoices.join(', ')}, ${formatEuro(a.amountCents)} by ${a.channels.join('+')}: ${a.reason}`);
      else if (a.kind === 'handover') out.data(`today (${ctx.today}): ready for handover: ${a.invoices.join(', ')} (${a.reason})`);
      else out.data(`today (${ctx.today}): skipped: ${a.reason}`);
    }
  } finally {
    ledger.close();
  }
}
