// `letters show <letter>` and `letters withdraw <letter>`; `mail show <message>`.
import path from 'node:path';
import type { Command } from 'commander';
import type { Act } from '../program.js';
import type { Context } from '../context.js';
import { AppError } from '../../errors.js';
import { ledgerAt } from '../ledger-at.js';

interface ShowOptions {
  out?: string;
}

interface WithdrawOptions {
  reason?: string;
  dryRun?: boolean;
}

interface MailShowOptions {
  eml?: string;
}

const letterNumber = (text: string | undefined): number => {
  if (!/^[0-9]+$/.test(text ?? '')) throw new AppError('usage', `"${text}" is not a letter number.`, { hint: 'For example: pre-incasso letters show 12' });
  return Number(text);
};

export function registerLetterAdmin(letters: Command, act: Act): void {
  letters
    .command('show')
    .description('the stored PDF of one letter, byte for byte, with its SHA-256')
    .argument('<letter>', 'the letter number')
    .option('--out <file.pdf>', 'write the PDF to this file')
    .action(act<ShowOptions>(showCommand));
  letters
    .command('withdraw')
    .description('take back a recorded letter that was not sent or posted; its claims return to the stage they had')
    .argument('<letter>', 'the letter number')
    .option('--reason <text>', 'why (kept in the audit trail)', 'withdrawn by hand')
    .option('--dry-run', 'show what would change; write nothing')
    .action(act<WithdrawOptions>(withdrawCommand));
}

export function registerMailShow(mail: Command, act: Act): void {
  mail
    .command('show')
    .description('the stored e-mail of one outbox message, byte for byte, with its SHA-256')
    .argument('<message>', 'the outbox number or the Message-ID')
    .option('--eml <file>', 'write the message to this .eml file')
    .action(act<MailShowOptions>(mailShowCommand));
}

async function showCommand(ctx: Context, [id]: string[], options: ShowOptions): Promise<void> {
  const { showLetterPdf } = await import('../../workflows/stored-copies.js');
  // commander gives `--out` to `letters` (which has one too) when it follows "show 3".
  const target = options.out ?? (ctx.globals as { out?: string }).out;
  const { letter: l, sha256 } = showLetterPdf(await ledgerAt(ctx), letterNumber(id), String(id), target ? path.resolve(ctx.cwd, target) : null);
  const file = target ? target : null;
  ctx.out.document({ letter: l.id, debtor: l.debtor, date: l.date, stage: l.stage, bytes: l.pdf.length, sha256, file });
  ctx.out.data(`letter ${l.id}  ${l.date}  debtor ${l.debtor}  ${l.stage}`);
  ctx.out.data(`  ${l.pdf.length} bytes, sha256 ${sha256}`);
  if (file) ctx.out.data(`  written to ${file}`);
  else ctx.out.info('add --out <file.pdf> to write the PDF');
}

async function withdrawCommand(ctx: Context, [id]: string[], options: WithdrawOptions): Promise<void> {
  const reason = (options.reason ?? '').trim();
  if (!reason) throw new AppError('usage', '--reason may not be empty.', { hint: 'Say why, for the audit trail: --reason "printed by mistake".' });
  const { withdrawLetter } = await import('../../workflows/letter-withdraw.js');
  const dryRun = options.dryRun === true;
  const plan = withdrawLetter(await ledgerAt(ctx), letterNumber(id), { reason, today: ctx.today, dryRun });
  ctx.out.document({ dry_run: dryRun, letter: plan.letterId, debtor: plan.debtor, reason, stages: plan.stages, outbox_withdrawn: plan.outboxId });
  ctx.out.data(`letter ${plan.letterId} to debtor ${plan.debtor} ${dryRun ? 'would be ' : ''}withdrawn: ${reason}`);
  for (const s of plan.stages) ctx.out.data(`  ${s.invoice}: back to ${s.to === null ? 'no letter yet' : `stage ${s.to} (letter ${s.toLetter} of ${s.toDate})`}`);
  if (plan.outboxId !== null) ctx.out.data(`  its e-mail (outbox ${plan.outboxId}) will not be sent`);
  if (dryRun) ctx.out.info('dry run: nothing was written');
}

async function mailShowCommand(ctx: Context, [key]: string[], options: MailShowOptions): Promise<void> {
  const { showOutboxMessage } = await import('../../workflows/stored-copies.js');
  const { message: m, sha256 } = showOutboxMessage(await ledgerAt(ctx), key ?? '', options.eml ? path.resolve(ctx.cwd, options.eml) : null);
  const file = options.eml ? options.eml : null;
  ctx.out.document({ outbox_id: m.id, letter: m.letterId, debtor: m.debtor, to: m.to, state: m.state, message_id: m.messageId, sent_at: m.sentAt, bytes: m.eml.length, sha256, file });
  ctx.out.data(`e-mail ${m.id}  letter ${m.letterId}  debtor ${m.debtor}  to ${m.to}  ${m.state}${m.sentAt ? ` ${m.sentAt}` : ''}`);
  ctx.out.data(`  ${m.messageId ?? ''}  ${m.eml.length} bytes, sha256 ${sha256}`);
  if (file) ctx.out.data(`  written to ${file}`);
  else ctx.out.info('add --eml <file> to write the message');
}
