// `pre-incasso init`: the config and an empty ledger. Asks on a terminal; `--yes` writes a
// default with placeholders; never a prompt without a terminal (cron, CI).
import { writeFileInDir } from '../../platform/files.js';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Act } from '../program.js';
import type { Context } from '../context.js';
import { AppError } from '../../errors.js';

interface InitOptions {
  force?: boolean;
}

export function register(program: Command, act: Act): void {
  program
    .command('init')
    .description('write the config (company details, terms, mail settings) and an empty ledger')
    .option('--force', 'overwrite an existing config file')
    .action(act<InitOptions>(initCommand));
}

export interface InitAnswers {
  name: string;
  street: string;
  postcode: string;
  city: string;
  kvk: string;
  vatNumber: string;
  iban: string;
  email: string;
  phone: string;
  contactPerson: string;
  paymentTermDays: number;
  debtorType: 'consumer' | 'business';
  smtpHost: string;
  smtpPort: number;
  smtpUser: string;
}

export const PLACEHOLDERS: InitAnswers = {
  name: 'Uw Bedrijf B.V.',
  street: 'Voorbeeldstraat 1',
  postcode: '1234 AB',
  city: 'Amersfoort',
  kvk: '12345678',
  vatNumber: 'NL000099998B57',
  iban: 'NL91ABNA0417164300',
  email: 'administratie@example.nl',
  phone: '033-1234567',
  contactPerson: 'J. de Vries',
  paymentTermDays: 30,
  debtorType: 'consumer',
  smtpHost: 'smtp.example.nl',
  smtpPort: 587,
  smtpUser: 'administratie@example.nl',
};

/** The settings of a config that are still the placeholders `init --yes` wrote, one line each. */
export function placeholderProblems(config: { creditor: { name: string; iban: string; email: string | null; address: { street: string | null } }; mail?: { smtp: { host: string } } | undefined }): string[] {
  const problems: string[] = [];
  const c = config.creditor;
  const compactIban = c.iban.replace(/\s+/g, '').toUpperCase();
  if (c.name === PLACEHOLDERS.name) problems.push(`creditor.name: "${c.name}" is the placeholder of \`init --yes\`; write your company name`);
  if (c.address.street === PLACEHOLDERS.street) problems.push(`creditor.address.street: "${c.address.street}" is the placeholder; write your address`);
  if (c.email === PLACEHOLDERS.email) problems.push(`creditor.email: "${c.email}" is the placeholder; write your own address`);
  if (config.mail && config.mail.smtp.host === PLACEHOLDERS.smtpHost) problems.push(`mail.smtp.host: "${PLACEHOLDERS.smtpHost}" is the placeholder; write your mail server (or remove "mail")`);
  // The sample IBAN is a valid test number (also in the bundled example): a problem next to the others.
  if (problems.length > 0 && compactIban === PLACEHOLDERS.iban) problems.push(`creditor.iban: ${PLACEHOLDERS.iban} is the sample IBAN; write the account debtors should pay to`);
  return problems;
}

export function configFromAnswers(a: InitAnswers, schemaRef: string): Record<string, unknown> {
  return {
    $schema: schemaRef,
    creditor: {
      name: a.name,
      address: { street: a.street, postcode: a.postcode, city: a.city, country: 'NL' },
      kvk: a.kvk,
      vatNumber: a.vatNumber,
      iban: a.iban.replace(/\s+/g, '').toUpperCase(),
      email: a.email,
      phone: a.phone,
      contactPerson: a.contactPerson,
    },
    ledger: 'pre-incasso.db',
    // The safe side (issue 17): the payment term is not a fatal term unless general terms the debtor
    // accepted say so; the aanmaning is then the ingebrekestelling (6:82 BW). Its term is derived:
    // the longest that ends before the final letter. Claims for goods limit after 2 years (7:28 BW).
    defaults: { paymentTermDays: a.paymentTermDays, debtorType: a.debtorType, language: 'nl', termIsFatal: false, consumerClaims: 'goods' },
    stages: [
      { id: 'herinnering', after: 7, channels: ['email'] },
      { id: 'aanmaning', after: 14, channels: ['email'] },
      { id: 'laatste-herinnering', after: 14, channels: ['email', 'post'], final: true },
    ],
    handover: { after: 21 },
    minimumAmount: 10.0,
    maxDataAgeDays: 7,
    mail: {
      from: a.email,
      smtp: { host: a.smtpHost, port: a.smtpPort, secure: a.smtpPort === 465, user: a.smtpUser, passwordFile: 'smtp-password.txt' },
    },
  };
}

async function ask(): Promise<InitAnswers> {
  const { input, number, select } = await import('@inquirer/prompts');
  const { isValidIban } = await import('../../domain/identifiers.js');
  const req = (what: string) => (v: string) => (v.trim() ? true : `${what} is needed`);
  return {
    name: await input({ message: 'Company name (as registered at the KvK)', validate: req('The name') }),
    street: await input({ message: 'Street and house number', validate: req('The street') }),
    postcode: await input({ message: 'Postcode', validate: (v) => (/^[1-9][0-9]{3} ?[A-Za-z]{2}$/.test(v.trim()) ? true : 'Write it as 1234 AB') }),
    city: await input({ message: 'City', validate: req('The city') }),
    kvk: await input({ message: 'KvK number', validate: (v) => (/^[0-9]{8}$/.test(v.trim()) ? true : 'A KvK number has 8 digits') }),
    vatNumber: await input({ message: 'VAT number (btw-id)', default: '' }),
    iban: await input({ message: 'IBAN for payments', validate: (v) => (isValidIban(v) ? true : 'Not a valid IBAN (check digits do not match)') }),
    email: await input({ message: 'E-mail address for debtors', validate: (v) => (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v) ? true : 'Not an e-mail address') }),
    phone: await input({ message: 'Phone number', default: '' }),
    contactPerson: await input({ message: 'Contact person named in letters', default: '' }),
    paymentTermDays: (await number({ message: 'Default payment term (days)', default: 30, min: 0, max: 365 })) ?? 30,
    debtorType: await select({
      message: 'Debtors whose type the export does not give are',
      choices: [
        { name: 'consumers (safe: the veertiendagenbrief applies)', value: 'consumer' as const },
        { name: 'businesses', value: 'business' as const },
      ],
    }),
    smtpHost: await input({ message: 'SMTP server', default: 'smtp.example.nl' }),
    smtpPort: (await number({ message: 'SMTP port', default: 587, min: 1, max: 65535 })) ?? 587,
    smtpUser: await input({ message: 'SMTP user name', default: '' }),
  };
}

async function initCommand(ctx: Context, _args: string[], options: InitOptions): Promise<void> {
  const file = ctx.configFile();
  if (fs.existsSync(file) && !options.force) {
    throw new AppError('usage', `${file} exists already.`, { hint: 'Edit it, or pass --force to replace it.' });
  }
  if (!ctx.globals.yes && !ctx.interactive) {
    throw new AppError('no_tty', 'init asks questions, but there is no terminal to ask them on.', { hint: 'Run it in a terminal, or pass --yes to write a default config with placeholders.' });
  }
  const answers = ctx.globals.yes ? PLACEHOLDERS : await ask();
  const { SCHEMA_FILE, loadConfig } = await import('../../config/load.js');
  const schemaRef = path.relative(path.dirname(file), SCHEMA_FILE).split(path.sep).join('/');
  const config = configFromAnswers(answers, schemaRef);
  writeFileInDir(file, `${JSON.stringify(config, null, 2)}\n`);
  // Validate what we wrote with the same schema every command uses.
  const loaded = await loadConfig(file, ctx.env);
  const { openLedger } = await import('../../ledger/ledger.js');
  const ledgerPath = ctx.globals.ledger ? path.resolve(ctx.cwd, ctx.globals.ledger) : loaded.ledgerPath;
  openLedger(ledgerPath, { create: true, command: ctx.commandLine }).close();
  ctx.out.document({ config: file, ledger: ledgerPath, placeholders: ctx.globals.yes === true });
  ctx.out.data(`wrote ${path.relative(ctx.cwd, file) || file}`);
  ctx.out.data(`ledger ${path.relative(ctx.cwd, ledgerPath) || ledgerPath} (mode 0600)`);
  if (ctx.globals.yes) ctx.out.info('The config holds placeholders: fill in your company details, IBAN and mail server before the first run.');
  ctx.out.info('The SMTP password goes in smtp-password.txt (chmod 600) or PRE_INCASSO_SMTP_PASSWORD, never in the config.');
}
