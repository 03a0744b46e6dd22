// `arrangement create|list|show|cancel`, `promise`, `calls`, `call log`, `dispute`, `disputes`:
// what happens when the debtor calls. The work is in src/workflows/arrangements.ts; this file
// reads options and prints.
import type { Command } from 'commander';
import type { Act } from '../program.js';
import type { Context } from '../context.js';
import { AppError } from '../../errors.js';
import { formatEuro } from '../../domain/money.js';
import { isIsoDate } from '../../domain/dates.js';
import { CALL_OUTCOMES, DISPUTE_CATEGORIES, parseScheduleText, type CallOutcome, type Every } from '../../domain/arrangements.js';
import { parseUserAmount } from './payments.js';
import { ledgerAt } from '../ledger-at.js';
// Ledger text (debtor names, numbers, notes) on the terminal: never a control or escape sequence.
import { cleanText as shown } from '../../letters/view.js';

interface CreateOptions {
  invoices?: string;
  instalments?: string;
  every?: string;
  first?: string;
  schedule?: string;
  note?: string;
  dryRun?: boolean;
  mail?: boolean;
}

interface WriteOptions {
  dryRun?: boolean;
}

export function register(program: Command, act: Act): void {
  const arrangement = program.command('arrangement').description('payment arrangements (betalingsregelingen): agree, list, show, cancel');
  arrangement
    .command('create')
    .description('agree a payment arrangement: dunning of its invoices pauses while the instalments are paid')
    .argument('<debtor>', 'the debtor number')
    .option('--invoices <numbers>', 'comma-separated invoice numbers (default: every open invoice of the debtor)')
    .option('--instalments <n>', 'number of instalments; the open amount is split to the cent, the remainder in the last')
    .option('--every <period>', '"month" or "2weeks"', 'month')
    .option('--first <date>', 'due date of the first instalment (YYYY-MM-DD)')
    .option('--schedule <list>', 'explicit instalments instead: 2026-12-01:150.00,2027-01-01:300.00')
    .option('--note <text>', 'what was agreed, for the audit trail')
    .option('--dry-run', 'show the schedule; record and send nothing')
    .option('--no-mail', 'record and render the confirmation, but send no e-mail now')
    .action(act<CreateOptions>(createCommand));
  arrangement.command('list').description('every payment arrangement with its status').action(act(listCommand));
  arrangement.command('show').description('one arrangement: schedule, payments, status of each instalment').argument('<id>', 'the arrangement number').action(act(showCommand));
  arrangement
    .command('cancel')
    .description('end a running arrangement: dunning resumes for what is still open')
    .argument('<id>', 'the arrangement number')
    .requiredOption('--reason <text>', 'why (kept in the audit trail)')
    .option('--dry-run', 'show what would change; write nothing')
    .action(act<WriteOptions & { reason: string }>(cancelCommand));

  program
    .command('promise')
    .description('record a promise to pay: dunning pauses until the date; if the money has not come by then, it resumes')
    .argument('<debtor>', 'the debtor number')
    .requiredOption('--until <date>', 'the date by which the debtor promised to pay (YYYY-MM-DD)')
    .option('--amount <amount>', 'the amount promised (default: the open balance)')
    .option('--note <text>', 'what was said')
    .option('--dry-run', 'show what would be recorded; write nothing')
    .action(act<WriteOptions & { until: string; amount?: string; note?: string }>(promiseCommand));

  program.command('calls').description("today's call list: debtors a phone stage put there, with what to say").action(act(callsCommand));
  const call = program.command('call').description('the phone: log the outcome of a call');
  call
    .command('log')
    .description('record how a call went; the outcome advances, pauses or branches the ladder')
    .argument('<debtor>', 'the debtor number')
    .requiredOption('--outcome <outcome>', CALL_OUTCOMES.join('|'))
    .option('--note <text>', 'what was said')
    .option('--until <date>', 'outcome promise: paid by this date; arrangement: pause until this date')
    .option('--amount <amount>', 'outcome promise: the amount promised (default: the open balance)')
    .option('--category <category>', `outcome dispute: ${DISPUTE_CATEGORIES.join('|')}`)
    .option('--dry-run', 'show what would be recorded; write nothing')
    .action(act<WriteOptions & { outcome: string; note?: string; until?: string; amount?: string; category?: string }>(callLogCommand));

  program
    .command('dispute')
    .description('record a dispute or complaint (no letters, no handover until resolved); `dispute resolve <id> --outcome …` ends it')
    .argument('<debtor>', 'the debtor number, or "resolve"')
    .argument('[id]', 'with "resolve": the dispute number')
    .option('--invoice <number>', 'only this invoice is disputed')
    .option('--category <category>', DISPUTE_CATEGORIES.join('|'))
    .option('--note <text>', 'what the debtor says')
    .option('--outcome <text>', 'with "resolve": how it was resolved (credit note, debtor will pay, …)')
    .option('--dry-run', 'show what would be recorded; write nothing')
    .action(act<WriteOptions & { invoice?: string; category?: string; note?: string; outcome?: string }>(disputeCommand));
  program.command('disputes').description('disputes and complaints, open ones first').option('--all', 'also the resolved ones').action(act<{ all?: boolean }>(disputesCommand));
}

function date(name: string, value: string | undefined): string | null {
  if (value === undefined) return null;
  if (!isIsoDate(value)) throw new AppError('usage', `${name} "${value}" is not a date.`, { hint: 'Write it as YYYY-MM-DD.' });
  return value;
}

function positiveInt(name: string, value: string): number {
  if (!/^[0-9]+$/.test(value) || Number(value) < 1) throw new AppError('usage', `${name} "${value}" is not a whole number of at least 1.`, { hint: `For example ${name} 3.` });
  return Number(value);
}

function arrangementSettings(ctx: Context) {
  return async () => {
    const loaded = await ctx.config();
    const { creditorSnapshot } = await import('../../config/policy.js');
    return { loaded, settings: { creditor: creditorSnapshot(loaded.config), stageCount: loaded.config.stages.length } };
  };
}

async function checkArrangementTemplates(ctx: Context): Promise<void> {
  const loaded = await ctx.config();
  const { checkTemplates, ARRANGEMENT_TEMPLATES } = await import('../../letters/templates.js');
  checkTemplates(loaded.templateDirs, [...ARRANGEMENT_TEMPLATES], ['nl', 'en']);
}

export { checkArrangementTemplates };

async function createCommand(ctx: Context, [debtor]: string[], options: CreateOptions): Promise<void> {
  const { loaded, settings } = await arrangementSettings(ctx)();
  if (options.every !== undefined && options.every !== 'month' && options.every !== '2weeks') {
    throw new AppError('usage', `--every "${options.every}" is not a period.`, { hint: 'Use --every month or --every 2weeks.' });
  }
  let schedule = null;
  if (options.schedule !== undefined) {
    if (options.instalments !== undefined || options.first !== undefined) throw new AppError('usage', '--schedule replaces --instalments and --first; give one or the other.', { hint: 'Either --instalments 3 --first 2026-12-01, or --schedule 2026-12-01:150.00,….' });
    const parsed = parseScheduleText(options.schedule, (t) => {
      try {
        return parseUserAmount(t);
      } catch {
        return null;
      }
    }, isIsoDate);
    if (typeof parsed === 'string') throw new AppError('usage', `--schedule: ${parsed}.`, { hint: 'Write date:amount pairs separated by commas: 2026-12-01:150.00,2027-01-01:150.00.' });
    schedule = parsed;
  }
  const dryRun = options.dryRun === true;
  if (!dryRun) await checkArrangementTemplates(ctx);
  const { createArrangement } = await import('../../workflows/arrangements.js');
  const ledger = await ctx.openLedger({ readonly: dryRun });
  try {
    const r = createArrangement(ledger.db, {
      debtor: debtor!,
      invoices: options.invoices ? options.invoices.split(',').map((s) => s.trim()).filter((s) => s !== '') : null,
      instalments: options.instalments !== undefined ? positiveInt('--instalments', options.instalments) : null,
      every: (options.every ?? 'month') as Every,
      first: date('--first', options.first),
      schedule,
      note: options.note?.trim() || null,
      graceDays: loaded.config.arrangements.graceDays,
      dryRun,
      today: ctx.today,
    }, settings);
    const doc: Record<string, unknown> = {
      dry_run: dryRun, arrangement_id: dryRun ? null : r.id, debtor: r.debtor, invoices: r.invoices.map((i) => i.number), total_cents: r.totalCents, grace_days: r.graceDays,
      schedule: r.schedule.map((s) => ({ number: s.number, due_date: s.dueDate, amount_cents: s.amountCents })), letter_id: r.letterId, letter_postponed: r.letterPostponed,
      payment_reference: dryRun ? null : r.reference,
    };
    const out = ctx.out;
    out.data(`${dryRun ? 'would agree a payment arrangement' : `payment arrangement #${r.id}`} for ${shown(r.debtor)} ${shown(r.name)}: ${formatEuro(r.totalCents)} in ${r.schedule.length} instalment${r.schedule.length === 1 ? '' : 's'} (${r.invoices.map((i) => i.number).join(', ')})`);
    out.data(out.table(['#', 'due', 'amount'], r.schedule.map((s) => [String(s.number), s.dueDate, formatEuro(s.amountCents)]), [2]));
    out.data(`grace after a missed instalment: ${r.graceDays} days; dunning of these invoices pauses while it runs`);
    if (dryRun) {
      out.document(doc);
      out.info('dry run: nothing was recorded');
      return;
    }
    if (r.letterId !== null) out.data(`confirmation letter ${r.letterId} recorded (${r.channels.join('+')}), payment reference ${r.reference}`);
    if (r.letterPostponed) out.warn(r.letterPostponed);
    const { deliverLetters } = await import('../../workflows/deliver.js');
    const delivery = await deliverLetters(ctx, ledger, loaded, { mail: options.mail !== false, letterIds: r.letterId === null ? [] : [r.letterId] });
    out.document({ ...doc, ...delivery.json });
    delivery.finish();
  } finally {
    ledger.close();
  }
}

async function listCommand(ctx: Context): Promise<void> {
  const { arrangementJson } = await import('../../workflows/arrangements.js');
  const { listArrangements } = await import('../../workflows/agreements.js');
  const views = listArrangements(await ledgerAt(ctx), ctx.today);
  const docs = views.map(arrangementJson);
  ctx.out.document({ today: ctx.today, arrangements: docs });
  if (views.length === 0) {
    ctx.out.data('no payment arrangements.');
    return;
  }
  ctx.out.data(
    ctx.out.table(
      ['#', 'debtor', 'since', 'total', 'paid', 'instalments', 'next', 'status'],
      docs.map((d) => {
        const next = d.next as { number: number; due_date: string; open_cents: number } | null;
        return [String(d.id), String(d.debtor), String(d.start_date), formatEuro(d.total_cents as number), formatEuro(d.paid_cents as number), String((d.schedule as unknown[]).length),
          next && d.status === 'running' ? `${next.number}: ${formatEuro(next.open_cents)} on ${next.due_date}` : '-', `${d.status}${d.broken_on ? ` ${d.broken_on}` : ''}`];
      }),
      [3, 4],
    ),
  );
}

const STATE_TEXT: Record<string, string> = { paid: 'paid', upcoming: 'upcoming', due_today: 'due today', missed: 'missed (in grace)', overdue_beyond_grace: 'not paid, grace over' };

async function showCommand(ctx: Context, [idText]: string[]): Promise<void> {
  const id = positiveInt('<id>', idText ?? '');
  const { arrangementJson } = await import('../../workflows/arrangements.js');
  const { showArrangement } = await import('../../workflows/agreements.js');
  const v = showArrangement(await ledgerAt(ctx), id, ctx.today);
  if (!v) throw new AppError('not_found', `No payment arrangement #${id}.`, { hint: '`pre-incasso arrangement list` shows them.' });
  const doc = arrangementJson(v);
  ctx.out.document({ today: ctx.today, arrangement: { ...doc, payments: v.row.payments.map((p) => ({ date: p.date, amount_cents: p.cents })) } });
  const out = ctx.out;
  out.data(`payment arrangement #${id}, debtor ${v.row.debtor}, agreed ${v.row.startDate}: ${String(doc.status)}${doc.broken_on ? ` since ${String(doc.broken_on)}` : ''}`);
  out.data(`invoices: ${v.row.invoices.map((i) => i.number).join(', ')}; total ${formatEuro(v.row.totalCents)}, paid ${formatEuro(v.status.paidCents)}; grace ${v.row.graceDays} days`);
  if (v.row.note) out.data(`note: ${v.row.note}`);
  if (v.row.closeReason) out.data(`${v.row.status}: ${v.row.closeReason}`);
  out.data('');
  out.data(out.table(['#', 'due', 'amount', 'paid', 'status'], v.status.instalments.map((i) => [String(i.number), i.dueDate, formatEuro(i.amountCents), formatEuro(i.paidCents), `${STATE_TEXT[i.state]}${i.late ? ' (late)' : ''}`]), [2, 3]));
  if (v.row.payments.length > 0) {
    out.data('\npayments to its invoices since the start:');
    for (const p of v.row.payments) out.data(`  ${p.date} ${formatEuro(p.cents)}`);
  }
}

async function cancelCommand(ctx: Context, [idText]: string[], options: WriteOptions & { reason: string }): Promise<void> {
  const id = positiveInt('<id>', idText ?? '');
  const reason = options.reason.trim();
  if (!reason) throw new AppError('usage', '--reason may not be empty.', { hint: 'Say why, for the audit trail.' });
  const { cancelArrangementAt } = await import('../../workflows/agreements.js');
  const dryRun = options.dryRun === true;
  const a = cancelArrangementAt(await ledgerAt(ctx), id, reason, ctx.today, dryRun);
  ctx.out.document({ dry_run: dryRun, arrangement_id: id, debtor: a.debtor, status: 'cancelled', reason });
  ctx.out.data(`payment arrangement #${id} (debtor ${a.debtor}) ${dryRun ? 'would be cancelled' : 'cancelled'}: ${reason}; dunning resumes for what is still open`);
  if (dryRun) ctx.out.info('dry run: nothing was recorded');
}

async function promiseCommand(ctx: Context, [debtor]: string[], options: WriteOptions & { until: string; amount?: string; note?: string }): Promise<void> {
  const until = date('--until', options.until)!;
  const amount = options.amount !== undefined ? parseUserAmount(options.amount) : null;
  const { recordPromise } = await import('../../workflows/agreements.js');
  const dryRun = options.dryRun === true;
  const p = recordPromise(await ledgerAt(ctx), { debtor: debtor!, until, amountCents: amount, note: options.note?.trim() || null, today: ctx.today, dryRun });
  ctx.out.document({ dry_run: dryRun, promise_id: p.id, debtor: p.debtor, until: p.until, amount_cents: p.amountCents, note: p.note });
  ctx.out.data(`${dryRun ? 'would record: ' : `promise #${p.id}: `}${shown(p.debtor)} ${shown(p.name)} promised to pay ${formatEuro(p.amountCents)} by ${p.until}; dunning pauses until then${p.note ? ` (${p.note})` : ''}`);
  if (dryRun) ctx.out.info('dry run: nothing was recorded');
}

async function callsCommand(ctx: Context): Promise<void> {
  const loaded = await ctx.config();
  const { creditorSnapshot } = await import('../../config/policy.js');
  const { readCallList } = await import('../../workflows/agreements.js');
  const items = readCallList(await ledgerAt(ctx), creditorSnapshot(loaded.config), ctx.today);
  ctx.out.document({
    today: ctx.today,
    calls: items.map((c) => ({ call_id: c.id, debtor: c.debtor, name: c.name, phone: c.phone, since: c.date, stage: c.stage, open_cents: c.openCents, invoices: c.invoices.map((i) => ({ invoice: i.number, due_date: i.dueDate, open_cents: i.openCents })), history: c.history, script: c.script })),
  });
  const out = ctx.out;
  if (items.length === 0) {
    out.data(`${ctx.today}: nobody to call.`);
    return;
  }
  out.data(`${ctx.today}: ${items.length} call${items.length === 1 ? '' : 's'} to make`);
  for (const c of items) {
    out.data('');
    out.data(`${shown(c.debtor)} ${shown(c.name)}  ${c.phone === null ? '(no phone number: look it up)' : shown(c.phone)}  open ${formatEuro(c.openCents)}  (on the list since ${c.date}, stage ${c.stage})`);
    out.data(`  invoices: ${c.invoices.map((i) => `${shown(i.number)} due ${i.dueDate} ${formatEuro(i.openCents)}`).join('; ')}`);
    for (const h of c.history) out.data(`  ${shown(h)}`);
    out.data(`  say: ${shown(c.script)}`);
    out.data(`  then: pre-incasso call log ${shown(c.debtor)} --outcome ${CALL_OUTCOMES.join('|')} --note "…"`);
  }
}

async function callLogCommand(ctx: Context, [debtor]: string[], options: WriteOptions & { outcome: string; note?: string; until?: string; amount?: string; category?: string }): Promise<void> {
  if (!(CALL_OUTCOMES as readonly string[]).includes(options.outcome)) {
    throw new AppError('usage', `--outcome "${options.outcome}" is not an outcome.`, { hint: `Use one of ${CALL_OUTCOMES.join(', ')}.` });
  }
  const category = options.category ?? null;
  if (category !== null && !(DISPUTE_CATEGORIES as readonly string[]).includes(category)) {
    throw new AppError('usage', `--category "${category}" is not a dispute category.`, { hint: `Use one of ${DISPUTE_CATEGORIES.join(', ')}.` });
  }
  const until = date('--until', options.until);
  if (until !== null && until < ctx.today) throw new AppError('usage', `--until ${until} is before today (${ctx.today}).`, { hint: 'Give a date from today on.' });
  const loaded = await ctx.config();
  const { recordCall } = await import('../../workflows/agreements.js');
  const dryRun = options.dryRun === true;
  const r = recordCall(await ledgerAt(ctx), {
    debtor: debtor!, outcome: options.outcome as CallOutcome, note: options.note?.trim() || null, until, amountCents: options.amount !== undefined ? parseUserAmount(options.amount) : null,
    category, pauseDays: loaded.config.arrangements.callPauseDays, today: ctx.today, dryRun,
  });
  ctx.out.document({ dry_run: dryRun, call_id: r.callId, debtor: r.debtor, outcome: r.outcome, step: r.step, why: r.why, until: r.until, amount_cents: r.amountCents, promise_id: r.promiseId, hold_id: r.holdId, dispute_id: r.disputeId });
  const what: Record<string, string> = {
    advance: 'the ladder goes on: the next stage follows after its configured days',
    promise: `promise to pay ${formatEuro(r.amountCents ?? 0)} by ${r.until}: dunning pauses until then`,
    dispute: 'disputed: no letters and no handover until `pre-incasso dispute resolve`',
    pause: `dunning pauses until ${r.until}: record the arrangement with \`pre-incasso arrangement create\``,
  };
  ctx.out.data(`${dryRun ? 'would log' : 'logged'} call${r.callId !== null ? ` ${r.callId}` : ''} with ${r.debtor}: ${r.outcome}; ${what[r.step]}`);
  if (dryRun) ctx.out.info('dry run: nothing was recorded');
}

async function disputeCommand(ctx: Context, [first, second]: string[], options: WriteOptions & { invoice?: string; category?: string; note?: string; outcome?: string }): Promise<void> {
  const dryRun = options.dryRun === true;
  const workflows = await import('../../workflows/agreements.js');
  if (first === 'resolve') {
    const id = positiveInt('<id>', second ?? '');
    const outcome = options.outcome?.trim() ?? '';
    if (!outcome) throw new AppError('usage', 'dispute resolve needs --outcome.', { hint: 'Say how it ended: --outcome "credit note 2026-0150 issued".' });
    const d = workflows.resolveDispute(await ledgerAt(ctx), id, outcome, ctx.today, dryRun);
    ctx.out.document({ dry_run: dryRun, dispute_id: id, debtor: d.debtor, invoice: d.invoice, outcome, hold_released: d.holdId });
    ctx.out.data(`dispute #${id} (${d.debtor}${d.invoice ? `, invoice ${d.invoice}` : ''}) ${dryRun ? 'would be ' : ''}resolved: ${outcome}; its hold is released`);
    if (dryRun) ctx.out.info('dry run: nothing was recorded');
    return;
  }
  if (second !== undefined) throw new AppError('usage', `unexpected "${second}" after the debtor number.`, { hint: 'pre-incasso dispute <debtor> --category … --note …, or dispute resolve <id> --outcome ….' });
  const category = options.category ?? '';
  if (!(DISPUTE_CATEGORIES as readonly string[]).includes(category)) {
    throw new AppError('usage', category ? `--category "${category}" is not a dispute category.` : 'dispute needs --category.', { hint: `Use one of ${DISPUTE_CATEGORIES.join(', ')}.` });
  }
  const note = options.note?.trim() ?? '';
  if (!note) throw new AppError('usage', 'dispute needs --note.', { hint: 'Write what the debtor says: --note "oven delivered damaged".' });
  const d = workflows.recordDispute(await ledgerAt(ctx), { debtor: first!, invoice: options.invoice ?? null, category, note, today: ctx.today, dryRun });
  ctx.out.document({ dry_run: dryRun, dispute_id: d.id, hold_id: d.holdId, debtor: d.debtor, invoice: d.invoice, category, note });
  ctx.out.data(`${dryRun ? 'would record a dispute' : `dispute #${d.id}`}: ${d.debtor}${d.invoice ? `, invoice ${d.invoice}` : ''} (${category}): ${note}; no letters and no handover until resolved`);
  if (dryRun) ctx.out.info('dry run: nothing was recorded');
}

async function disputesCommand(ctx: Context, _args: string[], options: { all?: boolean }): Promise<void> {
  const { listDisputes } = await import('../../workflows/agreements.js');
  const { disputeJson } = await import('../../workflows/arrangements.js');
  const rows = listDisputes(await ledgerAt(ctx), options.all === true);
  ctx.out.document({ today: ctx.today, disputes: rows.map(disputeJson) });
  if (rows.length === 0) {
    ctx.out.data(options.all ? 'no disputes.' : 'no open disputes.');
    return;
  }
  ctx.out.data(
    ctx.out.table(
      ['#', 'opened', 'debtor', 'name', 'invoice', 'category', 'open', 'note', 'resolved'],
      rows.map((d) => [String(d.id), d.openedOn, shown(d.debtor), shown(d.name), d.invoice === null ? '(all)' : shown(d.invoice), d.category, formatEuro(d.openCents), shown(d.note), d.resolvedOn ? `${d.resolvedOn}: ${shown(d.outcome ?? '')}` : '-']),
      [6],
    ),
  );
}
