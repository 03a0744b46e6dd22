// `pre-incasso debtors`, `invoices` and `debtor <number>`: the book as lists and one debtor
// whole. `debtor set` corrects a debtor (see workflows/debtor-correct.ts).
import path from 'node:path';
import type { Command } from 'commander';
import type { Act } from '../program.js';
import type { Context } from '../context.js';
import { ledgerAt } from '../ledger-at.js';
import { stdout } from '../stdio.js';
import { AppError } from '../../errors.js';
import { formatEuro } from '../../domain/money.js';
import {
  clip, DEBTOR_SORTS, filterClaims, filterDebtors, fitColumns, INVOICE_SORTS, sortClaims, sortDebtors, STATES,
  type ClaimLine, type DebtorLine, type DebtorSort, type InvoiceSort, type ListFilter,
} from '../../domain/book-list.js';

interface ListOptions {
  stage?: string;
  state?: string;
  overdueDays?: string;
  held?: boolean;
  disputed?: boolean;
  handedOver?: boolean;
  unmatched?: boolean;
  search?: string;
  sort?: string;
  csv?: string | boolean;
}

interface SetOptions {
  email?: string;
  channel?: string;
  language?: string;
  type?: string;
  address?: string;
  iban?: string;
  note?: string;
  name?: string;
  phone?: string;
  dryRun?: boolean;
}

function listOptions(cmd: Command, sorts: readonly string[]): Command {
  return cmd
    .option('--stage <id>', 'only claims at this stage ("none": no letter yet)')
    .option('--state <status>', `only invoices in this state: ${STATES.join(', ')}`)
    .option('--overdue-days <n>', 'only open claims at least this many days past their due date')
    .option('--held', 'only claims on hold')
    .option('--disputed', 'only disputed claims')
    .option('--handed-over', 'only claims handed over to the incassobureau')
    .option('--unmatched', 'only debtors whose name is on a payment not placed yet')
    .option('--search <text>', 'name or number contains this text')
    .option('--sort <key>', `order: ${sorts.join(', ')}`)
    .option('--csv [file]', 'write the list as Dutch Excel CSV (to the file, or to stdout)');
}

export function register(program: Command, act: Act): void {
  listOptions(program.command('debtors').description('list debtors with their open amount, stage and next step; filter, sort, export'), DEBTOR_SORTS).action(
    act<ListOptions>(debtorsCommand),
  );
  listOptions(program.command('invoices').description('list invoices with their stage, open amount and age; filter, sort, export'), INVOICE_SORTS).action(
    act<ListOptions>(invoicesCommand),
  );
  const debtor = program
    .command('debtor')
    .description('one debtor whole: contact data, claims, letters and mails, payments, holds, notes, history')
    .argument('<number>', 'the debtor number')
    .action(act(debtorCommand));
  debtor
    .command('set')
    .description('correct a debtor; the correction survives the next import')
    .argument('<number>', 'the debtor number')
    .option('--email <address>', 'e-mail address ("" to clear)')
    .option('--channel <post|email|both>', 'how letters go: post only, e-mail only, or both')
    .option('--language <nl|en>', 'letter language')
    .option('--type <consumer|business>', 'consumer or business (decides the BIK costs and terms)')
    .option('--address <street, postcode city>', 'postal address, e.g. "Dorpsstraat 1, 1234 AB Amersfoort"')
    .option('--iban <iban>', 'the debtor\'s bank account (helps matching payments)')
    .option('--name <name>', 'name as on the letters')
    .option('--phone <phone>', 'phone number')
    .option('--note <text>', 'a note, shown by `debtor` ("" to clear)')
    .option('--dry-run', 'check and show the correction; write nothing')
    .action(act<SetOptions>(setCommand));
}

function parseFilter(o: ListOptions, stageIds: readonly string[]): ListFilter {
  const f: ListFilter = {};
  if (o.stage !== undefined) {
    if (o.stage !== 'none' && !stageIds.includes(o.stage)) throw new AppError('usage', `--stage "${o.stage}" is not a stage of the config.`, { hint: `Use one of: ${[...stageIds, 'none'].join(', ')}.` });
    f.stage = o.stage;
  }
  if (o.state !== undefined) {
    const s = o.state.replace('-', '_');
    if (!(STATES as readonly string[]).includes(s)) throw new AppError('usage', `--state "${o.state}" is not an invoice state.`, { hint: `Use one of: ${STATES.join(', ')}.` });
    f.state = s;
  }
  if (o.overdueDays !== undefined) {
    if (!/^[0-9]{1,5}$/.test(o.overdueDays)) throw new AppError('usage', `--overdue-days "${o.overdueDays}" is not a number of days.`, { hint: 'For example --overdue-days 60.' });
    f.overdueDays = Number(o.overdueDays);
  }
  if (o.held) f.held = true;
  if (o.disputed) f.disputed = true;
  if (o.handedOver) f.handedOver = true;
  if (o.unmatched) f.unmatched = true;
  if (o.search !== undefined) f.search = o.search;
  return f;
}

function parseSort<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new AppError('usage', `--sort "${value}" is not one of ${allowed.join(', ')}.`, { hint: `For example --sort ${allowed[0]}.` });
}

async function loadBook(ctx: Context) {
  const loaded = await ctx.config();
  const { readBook } = await import('../../workflows/book.js');
  return { loaded, book: readBook(await ledgerAt(ctx), loaded.config, loaded.law, ctx.today) };
}

/** The terminal's width, or $COLUMNS, or 120 for a pipe. */
function terminalWidth(ctx: Context): number {
  const cols = stdout.columns ?? Number(ctx.env.COLUMNS);
  return Number.isFinite(cols) && cols && cols >= 40 ? cols : 120;
}

function fittedTable(ctx: Context, allHeaders: string[], allRows: string[][], allRight: number[], allMin: number[]): string {
  // A column with nothing in it (no flags today) takes no room.
  const keep = allHeaders.map((_, i) => i).filter((i) => allRows.some((r) => r[i] !== ''));
  const headers = keep.map((i) => allHeaders[i]!);
  const rows = allRows.map((r) => keep.map((i) => r[i]!));
  const right = keep.flatMap((i, j) => (allRight.includes(i) ? [j] : []));
  const min = keep.map((i) => allMin[i]!);
  const natural = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const widths = fitColumns(natural, min.map((m, i) => Math.min(m, natural[i]!)), terminalWidth(ctx));
  const cut = (r: string[]): string[] => r.map((c, i) => clip(c, widths[i]!));
  return ctx.out.table(cut(headers), rows.map(cut), right);
}

async function writeCsv(ctx: Context, target: string | boolean, header: string[], rows: string[][]): Promise<void> {
  const { inertText, quoteCell } = await import('../../handover/csv.js');
  const text = `\uFEFF${[header, ...rows].map((r) => r.map((c) => quoteCell(inertText(c))).join(';')).join('\r\n')}\r\n`;
  if (typeof target === 'string') {
    const { writePrivateFile } = await import('../../workflows/private-file.js');
    const file = path.resolve(ctx.cwd, target);
    writePrivateFile(file, text);
    ctx.out.info(`${rows.length} row${rows.length === 1 ? '' : 's'} written to ${target}`);
  } else {
    stdout.write(text);
  }
}

const yes = (b: boolean): string => (b ? 'ja' : '');

function debtorJson(d: DebtorLine): Record<string, unknown> {
  return {
    number: d.number, name: d.name, type: d.type, email: d.email, channel: d.channel, open_invoices: d.openInvoices, open_cents: d.openCents,
    max_days_overdue: d.maxDaysOverdue, stage: d.stage, held: d.held, disputed: d.disputed, handed_over: d.handedOver, statuses: d.statuses, next: d.next,
    unmatched_payment: d.unmatchedPayment,
  };
}

function claimJson(c: ClaimLine): Record<string, unknown> {
  return {
    invoice: c.invoice, debtor: c.debtor, name: c.debtorName, due_date: c.dueDate, amount_cents: c.amountCents, open_cents: c.openCents, status: c.status,
    stage: c.stage, days_overdue: c.daysOverdue, held: c.held, disputed: c.disputed,
  };
}

async function debtorsCommand(ctx: Context, _args: string[], options: ListOptions): Promise<void> {
  const sort = parseSort<DebtorSort>(options.sort, DEBTOR_SORTS, 'number');
  const { loaded, book } = await loadBook(ctx);
  const filter = parseFilter(options, book.stageOrder);
  const list = sortDebtors(filterDebtors(book.debtors, book.claims, filter), sort);
  if (options.csv !== undefined) {
    const { csvAmount } = await import('../../handover/csv.js');
    await writeCsv(
      ctx,
      options.csv,
      ['debiteur', 'naam', 'soort', 'e-mail', 'kanaal', 'open facturen', 'openstaand', 'dagen te laat', 'fase', 'volgende stap', 'aangehouden', 'betwist', 'overgedragen'],
      list.map((d) => [d.number, d.name, d.type, d.email ?? '', d.channel ?? '', String(d.openInvoices), csvAmount(d.openCents), String(d.maxDaysOverdue), d.stage ?? '', d.next, yes(d.held), yes(d.disputed), String(d.handedOver)]),
    );
    return;
  }
  ctx.out.document({ today: ctx.today, count: list.length, open_cents: list.reduce((s, d) => s + d.openCents, 0), debtors: list.map(debtorJson) });
  if (list.length === 0) {
    ctx.out.data('no debtors match.');
    return;
  }
  void loaded;
  ctx.out.data(
    fittedTable(
      ctx,
      ['debtor', 'name', 'open', 'invoices', 'late', 'stage', 'next', 'flags'],
      list.map((d) => [
        d.number, d.name, formatEuro(d.openCents), String(d.openInvoices), String(d.maxDaysOverdue), d.stage ?? '-', d.next,
        [d.disputed ? 'disputed' : d.held ? 'held' : '', d.handedOver ? 'handed over' : '', d.unmatchedPayment ? 'unmatched payment?' : '', d.channel ? `${d.channel} only`.replace('both only', 'post+email') : ''].filter(Boolean).join(', '),
      ]),
      [2, 3, 4],
      [6, 8, 10, 3, 4, 6, 8, 5],
    ),
  );
  ctx.out.data(`${list.length} debtor${list.length === 1 ? '' : 's'}, ${formatEuro(list.reduce((s, d) => s + d.openCents, 0))} open`);
}

async function invoicesCommand(ctx: Context, _args: string[], options: ListOptions): Promise<void> {
  const sort = parseSort<InvoiceSort>(options.sort, INVOICE_SORTS, 'debtor');
  const { book } = await loadBook(ctx);
  const filter = parseFilter(options, book.stageOrder);
  const unmatched = new Set(book.debtors.filter((d) => d.unmatchedPayment).map((d) => d.number));
  const list = sortClaims(filterClaims(book.claims, filter, unmatched), sort, book.stageOrder);
  if (options.csv !== undefined) {
    const { csvAmount, csvDate } = await import('../../handover/csv.js');
    await writeCsv(
      ctx,
      options.csv,
      ['factuur', 'debiteur', 'naam', 'vervaldatum', 'bedrag', 'openstaand', 'status', 'fase', 'dagen te laat', 'aangehouden', 'betwist'],
      list.map((c) => [c.invoice, c.debtor, c.debtorName, csvDate(c.dueDate), csvAmount(c.amountCents), csvAmount(c.openCents), c.status, c.stage ?? '', String(c.daysOverdue), yes(c.held), yes(c.disputed)]),
    );
    return;
  }
  ctx.out.document({ today: ctx.today, count: list.length, open_cents: list.reduce((s, c) => s + c.openCents, 0), invoices: list.map(claimJson) });
  if (list.length === 0) {
    ctx.out.data('no invoices match.');
    return;
  }
  ctx.out.data(
    fittedTable(
      ctx,
      ['invoice', 'debtor', 'name', 'due', 'amount', 'open', 'status', 'stage', 'late', 'flags'],
      list.map((c) => [
        c.invoice, c.debtor, c.debtorName, c.dueDate, formatEuro(c.amountCents), formatEuro(c.openCents), c.status.replace('_', ' '), c.stage ?? '-', String(c.daysOverdue),
        c.disputed ? 'disputed' : c.held ? 'held' : '',
      ]),
      [4, 5, 8],
      [7, 6, 8, 10, 6, 6, 4, 4, 3, 4],
    ),
  );
  ctx.out.data(`${list.length} invoice${list.length === 1 ? '' : 's'}, ${formatEuro(list.reduce((s, c) => s + c.openCents, 0))} open`);
}

async function debtorCommand(ctx: Context, [number]: string[]): Promise<void> {
  const loaded = await ctx.config();
  const { readDebtorView, describeEvent } = await import('../../workflows/book.js');
  const v = readDebtorView(await ledgerAt(ctx), loaded.config, loaded.law, ctx.today, number!);
  const d = v.debtor;
  ctx.out.document({
    today: ctx.today,
    debtor: {
      number: d.number, name: d.name, type: d.type, email: d.email, channel: d.channel, language: d.language, phone: d.phone, contact_person: d.contactPerson,
      address: { street: d.street, postcode: d.postcode, city: d.city, country: d.country }, kvk: d.kvk, vat_number: d.vatNumber, iban: d.iban, note: d.note,
    },
    corrected: v.corrected,
    summary: debtorJson(v.line),
    claims: v.claims.map(claimJson),
    letters: v.letters.map((l) => ({
      id: l.id, run: l.run, date: l.date, stage: l.stage, channels: l.channels, amount_cents: l.amountCents, invoices: l.invoices, pdf_sha256: l.pdfSha256,
      printed_at: l.printedAt, posted: l.posted, withdrawn: l.withdrawn,
      mail: l.mail ? { outbox_id: l.mail.outboxId, to: l.mail.to, state: l.mail.withdrawn ? 'withdrawn' : l.mail.state, sent_at: l.mail.sentAt, eml_sha256: l.mail.emlSha256, attempts: l.mail.attempts, last_error: l.mail.lastError } : null,
    })),
    payments: v.payments.map((p) => ({ id: p.id, date: p.date, amount_cents: p.amountCents, counterparty_name: p.counterpartyName, reference: p.reference, allocations: p.allocations.map((a) => ({ invoice: a.invoice, amount_cents: a.amountCents, method: a.method })) })),
    holds: v.holds.map((h) => ({ id: h.id, invoice: h.invoice, reason: h.reason, dispute: h.dispute, until: h.until, created_on: h.createdOn, released_on: h.releasedOn })),
    post_letters: { not_printed: v.post.notPrinted, printed_not_posted: v.post.printedNotPosted, posted: v.post.posted },
    history: v.history.map((e) => ({ id: e.id, at: e.at, today: e.today, kind: e.kind, invoice: e.invoice, data: e.data })),
  });
  const out = ctx.out;
  const corrected = new Set(v.corrected.map((c) => c.field));
  const mark = (field: string): string => (corrected.has(field) ? ' (corrected)' : '');
  out.data(`${d.number}  ${d.name}  (${d.type}, ${d.language})`);
  out.data(`  e-mail:   ${d.email ?? '-'}${mark('email')}`);
  out.data(`  address:  ${[d.street, [d.postcode, d.city].filter(Boolean).join(' '), d.country !== 'NL' ? d.country : ''].filter(Boolean).join(', ') || '-'}${mark('address')}`);
  if (d.phone || d.contactPerson) out.data(`  contact:  ${[d.contactPerson, d.phone].filter(Boolean).join(', ')}`);
  if (d.channel) out.data(`  channel:  ${d.channel}${mark('channel')}`);
  if (d.iban) out.data(`  iban:     ${d.iban}`);
  if (d.note) out.data(`  note:     ${d.note}`);
  out.data(`  open:     ${formatEuro(v.line.openCents)} in ${v.line.openInvoices} invoice${v.line.openInvoices === 1 ? '' : 's'}; next: ${v.line.next}`);
  out.data('');
  out.data('claims:');
  out.data(
    v.claims.length
      ? out.table(['invoice', 'due', 'amount', 'open', 'status', 'stage', 'days late'], v.claims.map((c) => [c.invoice, c.dueDate, formatEuro(c.amountCents), formatEuro(c.openCents), c.status.replace('_', ' ') + (c.disputed ? ' (disputed)' : c.held ? ' (held)' : ''), c.stage ?? '-', String(c.daysOverdue)]), [2, 3, 6])
      : '  none',
  );
  out.data('');
  out.data('letters:');
  if (v.letters.length === 0) out.data('  none');
  for (const l of v.letters) {
    const states: string[] = [];
    if (l.withdrawn) states.push(`withdrawn (${l.withdrawn.reason})`);
    if (l.channels.includes('post') && !l.withdrawn) states.push(l.posted ? `posted ${l.posted}` : l.printedAt ? `printed ${l.printedAt}, not posted` : 'not printed');
    if (l.mail) states.push(`e-mail ${l.mail.withdrawn ? 'withdrawn' : l.mail.state} to ${l.mail.to}`);
    else if (l.channels.includes('email') && !l.withdrawn) states.push('e-mail not queued');
    out.data(`  ${l.id}  ${l.date}  ${l.stage}  ${formatEuro(l.amountCents)}  ${l.channels.join('+')}  ${l.invoices.join(', ')}: ${states.join('; ')}`);
  }
  out.data('');
  out.data('payments:');
  if (v.payments.length === 0) out.data('  none');
  for (const p of v.payments) out.data(`  ${p.id}  ${p.date}  ${formatEuro(p.amountCents)}  ${p.allocations.map((a) => `${a.invoice} ${formatEuro(a.amountCents)} (${a.method})`).join(', ')}`);
  if (v.holds.length) {
    out.data('');
    out.data('holds:');
    for (const h of v.holds) out.data(`  ${h.createdOn}  ${h.dispute ? 'dispute' : 'hold'}${h.invoice ? ` ${h.invoice}` : ''}: ${h.reason}${h.until ? ` until ${h.until}` : ''}${h.releasedOn ? ` (released ${h.releasedOn})` : ''}`);
  }
  out.data('');
  out.data('history:');
  for (const e of v.history) out.data(`  ${e.today}  ${describeEvent(e)}`);
}

async function setCommand(ctx: Context, [number]: string[], options: SetOptions): Promise<void> {
  const { correctDebtor } = await import('../../workflows/debtor-correct.js');
  const request = {
    email: options.email, channel: options.channel, language: options.language, type: options.type, address: options.address, iban: options.iban,
    note: options.note, name: options.name, phone: options.phone,
  };
  if (Object.values(request).every((v) => v === undefined)) {
    throw new AppError('usage', 'debtor set needs at least one field to correct.', { hint: 'For example: pre-incasso debtor set 1001 --email info@example.nl' });
  }
  const result = correctDebtor(await ledgerAt(ctx), { debtor: number!, today: ctx.today, dryRun: options.dryRun === true, fields: request });
  ctx.out.document({ dry_run: options.dryRun === true, debtor: number, changes: result.changes, unchanged: result.unchanged });
  if (Object.keys(result.changes).length === 0) ctx.out.data(`debtor ${number}: nothing to change.`);
  for (const [field, [from, to]] of Object.entries(result.changes)) ctx.out.data(`debtor ${number}: ${field} ${JSON.stringify(from)} -> ${JSON.stringify(to)}`);
  for (const w of result.warnings) ctx.out.warn(w);
  if (options.dryRun) ctx.out.info('dry run: nothing was written');
  else if (Object.keys(result.changes).length > 0) ctx.out.info('the correction stays until you change it again; `import --overwrite-corrections` lets the export override it');
}
