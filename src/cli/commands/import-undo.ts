// `pre-incasso import undo <import>`: reverse one invoice import batch.
import type { Command } from 'commander';
import type { Act } from '../program.js';
import type { Context } from '../context.js';
import { AppError } from '../../errors.js';
import { ledgerAt } from '../ledger-at.js';

interface UndoOptions {
  dryRun?: boolean;
}

export function registerImportUndo(importCommand: Command, act: Act): void {
  importCommand
    .command('undo')
    .description('reverse one invoice import: remove what it inserted, restore what it changed, re-open what it closed')
    .argument('<import>', 'the import number (import_id)')
    .option('--dry-run', 'show what would be reversed; write nothing')
    .action(act<UndoOptions>(undoCommand));
}

async function undoCommand(ctx: Context, [id]: string[], options: UndoOptions): Promise<void> {
  if (!/^[0-9]+$/.test(id ?? '')) throw new AppError('usage', `"${id}" is not an import number.`, { hint: 'For example: pre-incasso import undo 3' });
  const { undoImport } = await import('../../workflows/import-undo.js');
  // commander gives `--dry-run` to `import` (which has one too) when it follows "undo 3".
  const dryRun = options.dryRun === true || (ctx.globals as { dryRun?: boolean }).dryRun === true;
  const plan = undoImport(await ledgerAt(ctx), Number(id), { today: ctx.today, dryRun });
  ctx.out.document({
    dry_run: dryRun, import_id: plan.importId, removed: plan.inserted, restored: plan.restored, reopened: plan.reopened,
    debtors_restored: plan.debtorsRestored, debtors_removed: plan.debtorsRemoved,
  });
  const verb = dryRun ? 'would undo' : 'undone';
  ctx.out.data(`import ${plan.importId} ${verb}: ${plan.inserted.length} invoice${plan.inserted.length === 1 ? '' : 's'} removed, ${plan.restored.length} restored, ${plan.reopened.length} re-opened; ${plan.debtorsRestored.length} debtor${plan.debtorsRestored.length === 1 ? '' : 's'} restored, ${plan.debtorsRemoved.length} removed`);
  for (const n of plan.reopened) ctx.out.data(`  re-opened ${n}`);
  for (const n of plan.inserted.slice(0, 20)) ctx.out.data(`  removed ${n}`);
  if (dryRun) ctx.out.info('dry run: nothing was written');
}
