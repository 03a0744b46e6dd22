// The configuration contract (SPEC §5) as one zod schema: it validates every command's config,
// and the JSON Schema that editors use is generated from it, so the two cannot drift apart.
import { z } from 'zod';
import { isEmailAddress, isValidIban } from '../domain/identifiers.js';

/** An e-mail address by the one rule the import, the plan and the mail use (domain/identifiers.ts). */
function emailAddress(error = 'expected an e-mail address') {
  return z.string().refine((v) => isEmailAddress(v), { error });
}

const days = (what: string) =>
  z
    .number({ error: `expected a whole number of days (${what})` })
    .int({ error: `expected a whole number of days (${what})` });

const nonEmpty = (what: string) => z.string({ error: `expected text (${what})` }).trim().min(1, { error: `${what} may not be empty` });

const address = z
  .object({
    street: nonEmpty('street and house number'),
    postcode: nonEmpty('postcode'),
    city: nonEmpty('city'),
    country: z.string().length(2, { error: 'expected a two-letter country code such as "NL"' }).default('NL'),
  })
  .strict();

const stage = z
  .object({
    id: z
      .string({ error: 'expected a stage id' })
      .regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'a stage id uses lower-case letters, digits and hyphens (it names the template file)' }),
    after: days('stages[0]: after the due date; later stages: after the previous letter').min(1, {
      error: 'expected a whole number of days of at least 1',
    }),
    channels: z
      .array(z.enum(['email', 'post', 'phone'], { error: 'a channel is "email", "post" or "phone"' }))
      .min(1, { error: 'a stage needs at least one channel' })
      .describe('"phone": the run puts the debtor on the call list (`pre-incasso calls`) instead of sending a letter'),
    final: z.boolean().optional(),
    termDays: days('the term this letter gives the debtor')
      .min(1, { error: 'a term is at least 1 day' })
      .optional()
      .describe('Days the letter gives to pay, counted from the day after presumed delivery; default: the longest term that ends before the next stage (14 in the final letter)'),
    template: z.string().optional().describe('Template file name instead of <stage id>.hbs'),
  })
  .strict();

const EMAIL = /^[^@\s<>"]+@[^@\s<>"]+\.[^@\s<>"]+$/;
/** `name@example.nl` or `Name <name@example.nl>`. */
const sender = z.string().refine((v) => EMAIL.test(v.trim()) || /^[^<>]*<([^<>]+)>$/.exec(v.trim())?.[1]?.match(EMAIL) != null, {
  error: 'expected an e-mail address, "name@example.nl" or "Name <name@example.nl>"',
});

const mail = z
  .object({
    from: sender,
    replyTo: emailAddress().optional(),
    bcc: emailAddress().optional().describe('An archive address that receives a blind copy of every letter'),
    perMinute: z.number().int().min(1).max(10_000).default(30).describe('Rate limit: messages per minute'),
    smtp: z
      .object({
        host: nonEmpty('SMTP host'),
        port: z.number().int().min(1).max(65_535).default(587),
        secure: z.boolean().default(false).describe('Implicit TLS (port 465)'),
        requireTLS: z.boolean().default(true).describe('Require STARTTLS; false only for a local relay'),
        user: z.string().optional(),
        passwordFile: z
          .string()
          .optional()
          .describe('File holding the SMTP password; or set PRE_INCASSO_SMTP_PASSWORD. Never put the password in this config.'),
      })
      .strict(),
    dkim: z
      .object({ domainName: z.string(), keySelector: z.string(), privateKeyFile: z.string() })
      .strict()
      .optional(),
  })
  .strict();

/** Letters of payment arrangements: their templates share the stage templates' folder. */
export const RESERVED_STAGE_IDS: readonly string[] = ['betalingsregeling', 'termijn-herinnering', 'termijn-gemist'];

export const configSchema = z
  .object({
    $schema: z.string().optional(),
    creditor: z
      .object({
        name: nonEmpty('creditor name'),
        address,
        kvk: z.string().regex(/^[0-9]{8}$/, { error: 'a KvK number has 8 digits' }),
        vatNumber: z.string().optional(),
        iban: z.string().refine((v) => isValidIban(v), { error: 'not a valid IBAN (check digits do not match)' }),
        bic: z.string().optional(),
        email: emailAddress(),
        phone: z.string().optional(),
        contactPerson: z.string().optional(),
        canDeductVat: z
          .boolean()
          .default(true)
          .describe('false when you cannot deduct VAT (KOR, exempt care or education, private landlord): the consumer final letter then states the costs with 21% VAT and the BIK art. 2 lid 3 declaration'),
      })
      .strict(),
    ledger: z.string().default('pre-incasso.db').describe('The SQLite ledger, relative to this file'),
    templatesDir: z.string().optional().describe('Your own templates; files here override the defaults'),
    defaults: z
      .object({
        paymentTermDays: days('payment term').min(0).default(30),
        debtorType: z.enum(['consumer', 'business']).default('consumer'),
        language: z.enum(['nl', 'en']).default('nl'),
        termIsFatal: z
          .boolean()
          .optional()
          .describe('Is the invoice payment term a fatal term (agreed in accepted general terms, art. 6:83 sub a BW)? Default: not for consumers (the letter before the final one is then an ingebrekestelling, art. 6:82 BW), yes for businesses (6:119a BW)'),
        consumerClaims: z
          .enum(['goods', 'services'])
          .default('goods')
          .describe('What you sell to consumers: goods (limitation 2 years, art. 7:28 BW) or services (5 years, art. 3:307 BW)'),
      })
      .strict()
      .default({ paymentTermDays: 30, debtorType: 'consumer', language: 'nl', consumerClaims: 'goods' }),
    stages: z.array(stage).min(1, { error: 'at least one stage is needed: the final letter' }),
    handover: z
      .object({
        after: days('after the final letter').min(15, {
          error: 'handover.after must be at least 15 days: a consumer has fourteen days from the day after delivery (6:96 lid 6 BW)',
        }),
      })
      .strict(),
    minimumAmount: z.number({ error: 'expected an amount in euros, e.g. 10.00' }).min(0).default(0),
    maxDataAgeDays: days('maximum age of the newest import').min(1).default(7),
    interest: z
      .object({ dayCount: z.enum(['act/365', 'act/act']).default('act/365') })
      .strict()
      .default({ dayCount: 'act/365' }),
    letters: z
      .object({
        place: z.string().optional().describe('Place on the date line; default the creditor city'),
        logo: z.string().optional().describe('PNG or JPG file for the letterhead'),
        window: z
          .object({
            leftMm: z.number().min(0).max(120).default(20),
            topMm: z.number().min(0).max(150).default(45),
            widthMm: z.number().min(40).max(120).default(85),
            heightMm: z.number().min(20).max(80).default(45),
          })
          .strict()
          .default({ leftMm: 20, topMm: 45, widthMm: 85, heightMm: 45 })
          .describe('Address window of the envelope (DIN 5008 type B by default)'),
      })
      .strict()
      .default({ window: { leftMm: 20, topMm: 45, widthMm: 85, heightMm: 45 } }),
    mail: mail.optional(),
    payments: z
      .object({
        otherAccounts: z
          .enum(['warn', 'refuse'])
          .default('warn')
          .describe('A bank statement of another account than creditor.iban: import it with a warning, or refuse the file'),
      })
      .strict()
      .default({ otherAccounts: 'warn' }),
    notify: z
      .object({
        email: emailAddress('expected an e-mail address, e.g. eigenaar@example.nl').describe('Who gets the morning summary of `run --notify` (default: creditor.email)'),
      })
      .strict()
      .optional()
      .describe('The morning summary after a (cron) run'),
    arrangements: z
      .object({
        remindDaysBefore: days('reminder before an instalment is due').min(0).default(5).describe('Days before an instalment falls due that the reminder goes out; 0: none'),
        graceDays: days('grace after a missed instalment').min(0).default(7).describe('Days after a missed instalment before the arrangement counts as broken and dunning resumes'),
        callPauseDays: days('pause after a call').min(1).default(14).describe('Days a call outcome "promise" (without a date) or "arrangement" pauses dunning'),
      })
      .strict()
      .default({ remindDaysBefore: 5, graceDays: 7, callPauseDays: 14 })
      .describe('Payment arrangements (betalingsregelingen), promises to pay and phone follow-up'),
    law: z
      .object({
        ratesFile: z
          .string()
          .optional()
          .describe('Your own statutory-rate rows (JSON, relative to this file), added to or replacing the shipped ones by date'),
      })
      .strict()
      .default({}),
    retention: z
      .object({
        years: z.number().int().min(1).max(30).default(7).describe('Years after a dossier is closed before `purge` may remove its personal data (AWR art. 52: 7)'),
      })
      .strict()
      .default({ years: 7 }),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.stages.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: ['stages', i, 'id'], message: `stage id "${s.id}" is used twice` });
      seen.add(s.id);
      const last = i === config.stages.length - 1;
      if (s.final && !last) {
        ctx.addIssue({ code: 'custom', path: ['stages', i, 'final'], message: 'only the last stage can be final' });
      }
      if (s.channels.includes('phone') && s.channels.length > 1) {
        ctx.addIssue({ code: 'custom', path: ['stages', i, 'channels'], message: 'a phone stage has only the channel "phone" (a call, not a letter)' });
      }
      if (s.channels.includes('phone') && (last || s.final)) {
        ctx.addIssue({ code: 'custom', path: ['stages', i, 'channels'], message: 'the final stage is a letter (the veertiendagenbrief), not a call' });
      }
      if (RESERVED_STAGE_IDS.includes(s.id)) {
        ctx.addIssue({ code: 'custom', path: ['stages', i, 'id'], message: `"${s.id}" is the name of an arrangement letter; choose another stage id` });
      }
      if (last && !s.final) {
        ctx.addIssue({ code: 'custom', path: ['stages', i, 'final'], message: 'the last stage must be "final": true (the pre-incasso letter)' });
      }
    });
  });

export type Config = z.infer<typeof configSchema>;
export type StageConfig = Config['stages'][number];
export type MailConfig = NonNullable<Config['mail']>;

/** The JSON Schema editors use (`"$schema"` in the config file). */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://pre-incasso.invalid/pre-incasso.schema.json',
    title: 'pre-incasso configuration',
  };
}
