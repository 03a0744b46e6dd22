// `pre-incasso templates init`: copy the shipped letter templates for editing.
import path from 'node:path';
import type { Command } from 'commander';
import type { Act } from '../program.js';
import type { Context } from '../context.js';

export function register(program: Command, act: Act): void {
  const templates = program.command('templates').description('the letter templates');
  templates
    .command('init')
    .description('copy the default templates into templatesDir (or --dir) to edit them; never overwrites')
    .option('--dir <dir>', 'target folder (default: templatesDir from the config, else ./templates)')
    .action(act<{ dir?: string }>(initTemplates));
  templates
    .command('check')
    .description('check the templates the configured stages need (the same check as `run`)')
    .action(act(checkTemplatesCommand));
}

async function initTemplates(ctx: Context, _args: string[], options: { dir?: string }): Promise<void> {
  let target = options.dir ? path.resolve(ctx.cwd, options.dir) : undefined;
  if (!target) {
    const loaded = await ctx.config().catch(() => undefined);
    target = loaded?.config.templatesDir ? path.resolve(loaded.dir, loaded.config.templatesDir) : path.resolve(ctx.cwd, 'templates');
  }
  const { templatesInit } = await import('../../letters/templates.js');
  const result = templatesInit(target);
  ctx.out.document({ dir: target, copied: result.copied, skipped: result.skipped });
  for (const f of result.copied) ctx.out.data(`copied ${f}`);
  for (const f of result.skipped) ctx.out.info(`kept your ${f}`);
  ctx.out.info(`Set "templatesDir": "${path.relative(ctx.cwd, target) || '.'}" in the config to use them.`);
}

async function checkTemplatesCommand(ctx: Context): Promise<void> {
  const loaded = await ctx.config();
  const { checkTemplates } = await import('../../letters/templates.js');
  const { ARRANGEMENT_TEMPLATES } = await import('../../letters/templates.js');
  const result = checkTemplates(loaded.templateDirs, [...loaded.config.stages, ...ARRANGEMENT_TEMPLATES], ['nl', 'en']);
  ctx.out.document({ ok: true, checked: result.checked });
  ctx.out.data(`${result.checked.length} template uses checked: all fine.`);
}
