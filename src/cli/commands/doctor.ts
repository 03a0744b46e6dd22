// `pre-incasso doctor`: config, templates, ledger integrity and the SMTP login, without sending.
import fs from 'node:fs';
import type { Command } from 'commander';
import type { Act } from '../program.js';
import type { Context } from '../context.js';
import { AppError } from '../../errors.js';

export function register(program: Command, act: Act): void {
  program
    .command('doctor')
    .description('check config, templates, ledger integrity and the SMTP connection (sends nothing)')
    .option('--no-smtp', 'skip the SMTP connection check')
    .action(act<{ smtp?: boolean }>(doctorCommand));
}

interface Check {
  check: string;
  ok: boolean;
  detail: string;
}

async function doctorCommand(ctx: Context, _args: string[], options: { smtp?: boolean }): Promise<void> {
  const checks: Check[] = [];
  const add = (check: string, ok: boolean, detail: string): void => {
    checks.push({ check, ok, detail });
  };
  const loaded = await ctx.config();
  add('config', true, loaded.file);
  const { placeholderProblems } = await import('./init.js');
  for (const problem of placeholderProblems(loaded.config)) add('config placeholder', false, problem);
  try {
    const { checkTemplates, ARRANGEMENT_TEMPLATES } = await import('../../letters/templates.js');
    const r = checkTemplates(loaded.templateDirs, [...loaded.config.stages, ...ARRANGEMENT_TEMPLATES], ['nl', 'en']);
    add('templates', true, `${r.checked.length} checked`);
  } catch (error) {
    add('templates', false, error instanceof AppError ? [error.message, ...error.details].join('; ') : String(error));
  }
  {
    const { rateTableWarning, rateTableKnownUntil } = await import('../../domain/interest-rates.js');
    const warning = rateTableWarning(loaded.law.rates, ctx.today);
    add('rate table', true, `${loaded.law.rates.length} rows${loaded.law.files.userRates ? ` (with ${loaded.law.files.userRates})` : ''}, known until ${rateTableKnownUntil(loaded.law.rates)}`);
    if (warning) ctx.out.warn(warning);
    try {
      const { policyFromConfig } = await import('../../config/policy.js');
      const policy = policyFromConfig(loaded.config, loaded.law, ctx.today);
      add('stage terms', true, policy.terms.map((t) => `${t.id} ${t.termDays} days${t.ingebrekestelling ? ' (ingebrekestelling)' : ''}${t.configured ? '' : ' (derived)'}`).join(', '));
    } catch (error) {
      add('stage terms', false, error instanceof AppError ? error.message : String(error));
    }
  }
  const ledgerPath = await ctx.ledgerPath();
  if (!fs.existsSync(ledgerPath)) {
    add('ledger', false, `${ledgerPath} does not exist (run init or import)`);
  } else {
    const mode = fs.statSync(ledgerPath).mode & 0o777;
    add('ledger file mode', mode === 0o600, `${mode.toString(8)} (should be 600: it holds personal data)`);
    try {
      const ledger = await ctx.openLedger({ readonly: true });
      try {
        const integrity = ledger.db.pragma('integrity_check', { simple: true }) as string;
        add('ledger integrity', integrity === 'ok', integrity);
        const fk = ledger.db.pragma('foreign_key_check') as unknown[];
        add('ledger references', fk.length === 0, fk.length === 0 ? 'ok' : `${fk.length} broken references`);
        // The same address rule as the import, `debtor set`, the plan and the mail (informational:
        // such a debtor's letters go by post, which is not a fault of the setup).
        const { unusableDebtorEmails } = await import('../../ledger/outbox.js');
        const unusable = unusableDebtorEmails(ledger.db);
        add('debtor e-mail addresses', true, unusable.length === 0 ? 'ok' : `${unusable.length} not usable, their letters go by post: ${unusable.slice(0, 5).map((d) => `${d.number} "${d.email}"`).join(', ')}${unusable.length > 5 ? ', …' : ''} (correct with \`pre-incasso debtor set <number> --email\`)`);
      } finally {
        ledger.close();
      }
    } catch (error) {
      add('ledger', false, error instanceof AppError ? error.message : String(error));
    }
  }
  const mail = loaded.config.mail;
  if (mail?.smtp.passwordFile) {
    // The SMTP password opens the mailbox: only its owner may read it (like ~/.ssh keys).
    const { default: pathModule } = await import('node:path');
    const file = pathModule.resolve(loaded.dir, mail.smtp.passwordFile);
    const st = fs.statSync(file, { throwIfNoEntry: false });
    if (st) {
      const mode = st.mode & 0o777;
      const open = (mode & 0o077) !== 0;
      add('smtp password file mode', !open, open ? `${file} is ${mode.toString(8)}: readable by ${mode & 0o004 ? 'everyone' : 'the group'}; run chmod 600 ${file}` : `${mode.toString(8)}`);
    }
  }
  if (!mail) add('mail', true, 'no mail settings: e-mail letters wait in the outbox');
  else if (options.smtp === false) add('smtp', true, 'skipped (--no-smtp)');
  else {
    const { readSmtpPassword, verifySmtp } = await import('../../mail/transport.js');
    let password: string | undefined;
    try {
      password = readSmtpPassword(mail, ctx.env, loaded.dir);
    } catch (error) {
      add('smtp password', false, error instanceof Error ? error.message : String(error));
    }
    if (mail.smtp.user && password === undefined) {
      // Without a password there is no login to try; the other checks are still reported.
      if (!checks.some((c) => c.check === 'smtp password')) add('smtp password', false, 'no password: set mail.smtp.passwordFile or PRE_INCASSO_SMTP_PASSWORD');
    } else {
      try {
        const result = await verifySmtp(mail, password, { baseDir: loaded.dir, connectionTimeoutMs: 10_000 });
        add('smtp', result.ok, result.message);
      } catch (error) {
        add('smtp', false, error instanceof Error ? error.message : String(error));
      }
    }
  }
  ctx.out.document({ ok: checks.every((c) => c.ok), checks });
  for (const c of checks) ctx.out.data(`${c.ok ? ctx.out.cData.green('ok  ') : ctx.out.cData.red('FAIL')} ${c.check}: ${c.detail}`);
  const failed = checks.filter((c) => !c.ok);
  if (failed.length > 0) {
    throw new AppError('config_invalid', `${failed.length} check${failed.length === 1 ? '' : 's'} failed: ${[...new Set(failed.map((c) => c.check))].join(', ')}.`, { hint: 'Fix what the lines above say; the README explains each setting.' });
  }
}
