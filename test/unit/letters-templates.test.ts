import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppError } from '../../src/errors.js';
import type { Language } from '../../src/domain/letter.js';
import {
  DEFAULT_TEMPLATES_DIR,
  checkTemplates,
  renderLetterTexts,
  resolveTemplate,
  sampleLetterData,
  templatesInit,
  type StageRef,
} from '../../src/letters/templates.js';
import { INVOICES_MARKER, PAYMENT_MARKER } from '../../src/letters/view.js';

const STAGES: StageRef[] = [{ id: 'herinnering' }, { id: 'aanmaning' }, { id: 'laatste-herinnering', final: true }];
const LANGUAGES: Language[] = ['nl', 'en'];
const dirs: string[] = [];

function userDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pi-templates-'));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const shipped = (rel: string): string => readFileSync(path.join(DEFAULT_TEMPLATES_DIR, rel), 'utf8');

/** Runs the check and returns the template_invalid error it throws. */
function refusal(dir: string, stages: StageRef[] = STAGES, languages: Language[] = ['nl']): AppError {
  try {
    checkTemplates([dir, DEFAULT_TEMPLATES_DIR], stages, languages);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    expect(e.code).toBe('template_invalid');
    expect(e.exitCode).toBe(3);
    return e;
  }
  throw new Error('the templates were accepted');
}

type Issue = { file: string; line: number | null; message: string };
const issues = (e: AppError): Issue[] => (e.data?.issues ?? []) as Issue[];

const MINIMAL = (body: string, subject = 'Herinnering {{invoiceNumbers}}'): string =>
  `{{#*inline "subject"}}\n${subject}\n{{/inline}}\n{{#*inline "body"}}\n${body}\n{{/inline}}\n`;

describe('the shipped templates', () => {
  it('pass the check for every stage, language and debtor type', () => {
    const result = checkTemplates([DEFAULT_TEMPLATES_DIR], STAGES, LANGUAGES);
    expect(result.checked).toHaveLength(12);
    const finals = result.checked.filter((c) => c.stage === 'laatste-herinnering').map((c) => path.basename(c.file));
    expect(finals).toEqual([
      'laatste-herinnering.consumer.hbs',
      'laatste-herinnering.business.hbs',
      'laatste-herinnering.consumer.hbs',
      'laatste-herinnering.business.hbs',
    ]);
  });

  it.each(LANGUAGES)('render subject, letter body and e-mail (%s)', (language) => {
    const data = sampleLetterData({ language, final: true, debtorType: 'consumer' });
    const t = renderLetterTexts(data, [DEFAULT_TEMPLATES_DIR]);
    expect(t.subject).toBe(language === 'nl' ? 'Laatste herinnering openstaande facturen' : 'Final reminder for outstanding invoices');
    expect(t.body).toContain(INVOICES_MARKER);
    expect(t.body).toContain(PAYMENT_MARKER);
    expect(t.body).toContain(language === 'nl' ? '€ 67,50' : '€ 67.50');
    expect(t.emailText).not.toContain('\uE000');
    expect(t.emailText).toContain('RF18 5390 0754 7034');
    expect(t.emailText).toMatch(/2026-0140\*/);
    expect(t.emailHtml).toMatch(/^<!DOCTYPE html>/);
    expect(t.emailHtml).toContain(`<html lang="${language}">`);
    expect(t.emailHtml).toContain('<table');
  });

  it('say "binnen veertien dagen na de dag waarop deze brief bij u is bezorgd" and that this letter costs nothing', () => {
    const t = renderLetterTexts(sampleLetterData({ final: true, debtorType: 'consumer' }), [DEFAULT_TEMPLATES_DIR]);
    const flat = t.body.replace(/\s+/g, ' ');
    expect(flat).toContain('binnen veertien dagen na de dag waarop deze brief bij u is bezorgd');
    expect(flat).toContain('Aan deze brief zelf zijn geen kosten verbonden.');
    expect(flat).not.toMatch(/na dagtekening|na heden|na verzending/);
  });

  it('announce handelsrente and collection costs to a business without charging them', () => {
    const t = renderLetterTexts(sampleLetterData({ final: true, debtorType: 'business' }), [DEFAULT_TEMPLATES_DIR]);
    const flat = t.body.replace(/\s+/g, ' ');
    // Handelsrente runs from the day after the due date (6:119a lid 1 BW).
    expect(flat).toContain('wettelijke handelsrente vanaf de dag na de vervaldatum (artikel 6:119a BW)');
    expect(flat).toContain('ten minste € 40 per factuur (artikel 6:96 lid 4 BW)');
    // No promise the tool does not keep: no "zonder nadere aankondiging".
    expect(flat).not.toContain('zonder nadere aankondiging');
    expect(flat).toContain('geen kosten verbonden');
    expect(flat).not.toContain('€ 67,50');
  });

  it('grow firmer from the reminder to the final letter', () => {
    const text = (stageId: string, index: number, final = false): string =>
      renderLetterTexts(sampleLetterData({ stageId, stageIndex: index, final }), [DEFAULT_TEMPLATES_DIR]).body;
    expect(text('herinnering', 0)).toContain('vriendelijk');
    expect(text('aanmaning', 1)).toContain('dringend');
    expect(text('laatste-herinnering', 2, true)).toContain('laatste gelegenheid');
  });
});

describe('template checks', () => {
  it('refuses an unknown variable with the file and the line, and suggests the right name', () => {
    const dir = userDir({ 'nl/herinnering.hbs': MINIMAL('{{salutation}}\n\n{{> invoices}}\n\nBeste {{debtor.nam}},\n\n{{> payment}}') });
    const e = refusal(dir);
    const issue = issues(e).find((i) => i.message.includes('debtor.nam'))!;
    expect(issue.file).toBe(path.join(dir, 'nl', 'herinnering.hbs'));
    expect(issue.line).toBe(9);
    expect(issue.message).toContain('did you mean "debtor.name"');
    expect(e.message).toContain('herinnering.hbs:9');
  });

  it('finds an unknown variable in a branch the sample letters never take', () => {
    const dir = userDir({
      'nl/herinnering.hbs': MINIMAL('{{> invoices}}\n{{> payment}}\n{{#if debtor.business}}\n{{#each invoices}}{{numbr}}{{/each}}\n{{/if}}'),
    });
    const issue = issues(refusal(dir)).find((i) => i.message.includes('numbr'))!;
    expect(issue.line).toBe(8);
  });

  it('reports a syntax error with its line', () => {
    const dir = userDir({ 'nl/aanmaning.hbs': MINIMAL('{{> invoices}}\n{{> payment}}\n{{#if singleInvoice}}\nx') });
    const e = refusal(dir);
    expect(issues(e)[0]!.file).toContain('aanmaning.hbs');
    expect(issues(e)[0]!.line).toBe(7); // the {{#if}} left open
  });

  it('lists every problem of every file at once', () => {
    const dir = userDir({
      'nl/herinnering.hbs': MINIMAL('{{> invoices}}\n{{> payment}}\n{{foo}}'),
      'nl/aanmaning.hbs': MINIMAL('{{> invoices}}\n{{> payment}}\n{{{debtor.name}}}\n{{bar}}'),
    });
    const e = refusal(dir);
    const messages = issues(e).map((i) => `${path.basename(i.file)} ${i.message}`);
    expect(messages.some((m) => m.startsWith('herinnering.hbs unknown variable "foo"'))).toBe(true);
    expect(messages.some((m) => m.startsWith('aanmaning.hbs unknown variable "bar"'))).toBe(true);
    expect(messages.some((m) => m.includes('triple braces'))).toBe(true);
    expect(e.details.length).toBe(issues(e).length);
  });

  it('refuses a missing section, text outside the sections, an unknown helper and a body without the table', () => {
    const dir = userDir({
      'nl/herinnering.hbs': 'Los tekstje\n{{#*inline "body"}}\n{{uppercase debtor.name}}\n{{/inline}}\n',
    });
    const messages = issues(refusal(dir)).map((i) => i.message);
    expect(messages.some((m) => m.includes('{{#*inline "subject"}} is missing'))).toBe(true);
    expect(messages.some((m) => m.startsWith('text outside a section'))).toBe(true);
    expect(messages.some((m) => m.includes('unknown helper "uppercase"'))).toBe(true);
    expect(messages.some((m) => m.includes('{{> invoices}}'))).toBe(true);
    expect(messages.some((m) => m.includes('{{> payment}}'))).toBe(true);
  });

  it('refuses a section that takes the name of a built-in block', () => {
    const dir = userDir({ 'nl/herinnering.hbs': `${MINIMAL('{{> invoices}}\n{{> payment}}')}{{#*inline "invoices"}}geen tabel{{/inline}}\n` });
    expect(issues(refusal(dir))[0]!.message).toContain('built-in {{> invoices}}');
  });

  it('refuses printing a group of values', () => {
    const dir = userDir({ 'nl/herinnering.hbs': MINIMAL('{{> invoices}}\n{{> payment}}\n{{debtor}}') });
    expect(issues(refusal(dir))[0]!.message).toContain('is a group of values');
  });

  it('accepts #each with @index, block params, #with and ../', () => {
    const dir = userDir({
      'nl/herinnering.hbs': MINIMAL(
        '{{> invoices}}\n{{> payment}}\n{{#each invoices as |inv i|}}{{@index}} {{inv.number}} {{number}} {{../debtor.name}} {{@root.due}}{{/each}}\n{{#with creditor}}{{name}}{{/with}}\n{{#each debtor.addressLines}}{{this}}{{/each}}',
      ),
    });
    const { checked } = checkTemplates([dir, DEFAULT_TEMPLATES_DIR], [{ id: 'herinnering' }], ['nl']);
    expect(checked.map((c) => [c.debtorType, c.file])).toEqual([['consumer', path.join(dir, 'nl', 'herinnering.hbs')], ['business', path.join(dir, 'nl', 'herinnering.hbs')]]);
  });

  it('reports a stage without a template', () => {
    const e = refusal(userDir({}), [{ id: 'sommatie' }]);
    expect(issues(e)[0]!.message).toContain('no nl template for stage "sommatie"');
  });
});

describe('the veertiendagenbrief check (art. 6:96 lid 6 BW, HR 2016:2704)', () => {
  const consumerNl = (): string => shipped('nl/laatste-herinnering.consumer.hbs');
  const consumerEn = (): string => shipped('en/laatste-herinnering.consumer.hbs');

  it('refuses a consumer final letter without the cost amount', () => {
    const dir = userDir({ 'nl/laatste-herinnering.consumer.hbs': consumerNl().replace('van {{costs}}', 'volgens de wet') });
    const e = refusal(dir);
    expect(issues(e).some((i) => i.message.includes('exact collection costs') && i.file.endsWith('laatste-herinnering.consumer.hbs'))).toBe(true);
  });

  it.each([
    ['na dagtekening', 'binnen veertien dagen na dagtekening'],
    ['na heden', 'binnen veertien dagen na heden, nadat deze brief bij u is bezorgd'],
    ['na verzending', 'binnen 14 dagen na verzending van deze brief, die u heeft ontvangen'],
  ])('refuses the rejected wording "%s"', (phrase, wording) => {
    const text = consumerNl().replace('binnen veertien dagen na de dag waarop deze brief bij u is bezorgd', wording);
    const dir = userDir({ 'nl/laatste-herinnering.consumer.hbs': text });
    const e = refusal(dir);
    const issue = issues(e).find((i) => i.message.includes(`"${phrase}"`))!;
    expect(issue.message).toContain('ECLI:NL:HR:2016:2704');
    expect(issue.line).toBe(text.split('\n').findIndex((l) => l.includes(wording)) + 1);
  });

  const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
  const TERM_NL = 'binnen veertien dagen na de dag waarop deze brief bij u is bezorgd';

  // Issue 17: each rule fed a bad template, refused with file and line.
  it.each([
    ['a printed end date {{payBefore}} (HR 2016:2704)', (t: string) => t.replace(TERM_NL, `${TERM_NL}, dus uiterlijk op {{payBefore}}`), '{{payBefore}}', 'prints an end date'],
    ['the letter date as deadline: uiterlijk {{dateShort}}', (t: string) => t.replace(TERM_NL, `${TERM_NL}, uiterlijk {{dateShort}}`), '{{dateShort}}', 'prints an end date'],
    ['a literal date', (t: string) => t.replace(TERM_NL, `${TERM_NL}, dus vóór 7 december 2026`), '7 december 2026', 'date written into'],
    ['"briefdatum" (term from the letter date)', (t: string) => t.replace(TERM_NL, `${TERM_NL} (14 dagen na de briefdatum)`), 'briefdatum', '"briefdatum"'],
    ['"dagtekening" in any form', (t: string) => t.replace(TERM_NL, `${TERM_NL}, gerekend vanaf de dagtekening`), 'dagtekening', '"dagtekening"'],
    ['"€ 15,00 administratiekosten"', (t: string) => t.replace(TERM_NL, `${TERM_NL}. Wij rekenen € 15,00 administratiekosten`), 'administratiekosten', '"€ 1'],
  ])('refuses in the consumer final letter: %s', (_name, change, needle, message) => {
    const text = change(consumerNl());
    expect(text).not.toBe(consumerNl());
    const file = path.join(userDir({ 'nl/laatste-herinnering.consumer.hbs': text }), 'nl', 'laatste-herinnering.consumer.hbs');
    const issue = issues(refusal(path.dirname(path.dirname(file)))).find((i) => i.message.includes(message));
    expect(issue, `no issue with "${message}"`).toBeDefined();
    expect(issue!.file).toBe(file);
    expect(issue!.line).toBe(lineOf(text, needle));
  });

  it('refuses a cost amount in every consumer letter, also a reminder (6:96 lid 5-6 BW)', () => {
    const text = shipped('nl/herinnering.hbs').replace('onder vermelding van het betalingskenmerk.', 'onder vermelding van het betalingskenmerk. Wij brengen u € 7,50 herinneringskosten in rekening.');
    const dir = userDir({ 'nl/herinnering.hbs': text });
    const issue = issues(refusal(dir)).find((i) => i.message.includes('in a letter to a consumer'))!;
    expect(issue.file).toBe(path.join(dir, 'nl', 'herinnering.hbs'));
    expect(issue.line).toBe(lineOf(text, 'herinneringskosten'));
  });

  it.each([
    ['binnen veertien dagen na ontvangst van deze brief'],
    ['binnen veertien dagen na de dag waarop deze brief bij u is bezorgd'],
    ['binnen 14 dagen, ingaande 1 dag nadat deze brief bij u is bezorgd'],
  ])('accepts the wording courts accept: "%s"', (wording) => {
    const dir = userDir({ 'nl/laatste-herinnering.consumer.hbs': consumerNl().replace(TERM_NL, wording) });
    const { checked } = checkTemplates([dir, DEFAULT_TEMPLATES_DIR], STAGES, ['nl']);
    expect(checked.find((c) => c.stage === 'laatste-herinnering' && c.debtorType === 'consumer')!.file).toBe(path.join(dir, 'nl', 'laatste-herinnering.consumer.hbs'));
  });

  it('refuses rejected wording hidden in a branch the samples do not take', () => {
    const text = consumerNl().replace('{{> payment}}\n\nKunt u', '{{#if stage.first}}Betaal binnen 14 dagen na dagtekening.{{/if}}\n\n{{> payment}}\n\nKunt u');
    expect(text).toContain('na dagtekening.{{/if}}');
    expect(issues(refusal(userDir({ 'nl/laatste-herinnering.consumer.hbs': text }))).some((i) => i.message.includes('"na dagtekening"'))).toBe(true);
  });

  it('refuses a consumer final letter without the fourteen days after delivery', () => {
    const text = consumerNl().replace('binnen veertien dagen na de dag waarop deze brief bij u is bezorgd', 'zo snel mogelijk');
    expect(issues(refusal(userDir({ 'nl/laatste-herinnering.consumer.hbs': text }))).some((i) => i.message.includes('fourteen days'))).toBe(true);
  });

  it('refuses "after the date of this letter" in English', () => {
    const text = consumerEn().replace('within fourteen days, starting on the day after this letter is delivered to you', 'within fourteen days after the date of this letter');
    const e = refusal(userDir({ 'en/laatste-herinnering.consumer.hbs': text }), STAGES, ['en']);
    expect(issues(e).some((i) => i.message.includes('"after the date of this letter"'))).toBe(true);
  });

  it('checks the e-mail as well as the letter', () => {
    const text = consumerNl().replace('{{#*inline "email"}}\n{{> body}}\n{{/inline}}', '{{#*inline "email"}}\nZie de bijlage.\n{{/inline}}');
    const messages = issues(refusal(userDir({ 'nl/laatste-herinnering.consumer.hbs': text }))).map((i) => i.message);
    expect(messages.some((m) => m.includes('in the e-mail'))).toBe(true);
  });

  it('checks a generic user template for consumers too: it wins over the shipped variant', () => {
    const generic = MINIMAL('{{> invoices}}\n{{> payment}}\nBetaal binnen {{termDays}} dagen.');
    const dir = userDir({ 'nl/laatste-herinnering.hbs': generic });
    expect(resolveTemplate([dir, DEFAULT_TEMPLATES_DIR], 'laatste-herinnering', 'nl', 'consumer')).toBe(path.join(dir, 'nl', 'laatste-herinnering.hbs'));
    const e = refusal(dir);
    expect(issues(e).every((i) => i.file === path.join(dir, 'nl', 'laatste-herinnering.hbs'))).toBe(true);
  });

  it('refuses at render time too, on the real letter', () => {
    const data = sampleLetterData({ final: true, debtorType: 'consumer' });
    const dir = userDir({ 'nl/laatste-herinnering.consumer.hbs': consumerNl().replace('van {{costs}}', 'van {{#if hasAlsoOpen}}{{costs}}{{/if}}') });
    data.invoices = data.invoices.filter((i) => i.role === 'due');
    expect(() => renderLetterTexts(data, [dir, DEFAULT_TEMPLATES_DIR])).toThrow(/exact collection costs/);
  });
});

describe('debtor data is never template code', () => {
  it('escapes <script> in a debtor name in the HTML e-mail and keeps it plain in the text', () => {
    const data = sampleLetterData({ final: true, debtorType: 'business' });
    data.debtor.contactPerson = '<script>alert("x")</script>';
    const t = renderLetterTexts(data, [DEFAULT_TEMPLATES_DIR]);
    expect(t.emailHtml).not.toContain('<script>');
    expect(t.emailHtml).toContain('Geachte &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;,');
    expect(t.emailText).toContain('Geachte <script>alert("x")</script>,');
  });

  it('prints a debtor called {{creditor.iban}} literally', () => {
    const data = sampleLetterData({ debtorType: 'consumer' });
    data.debtor.name = '{{creditor.iban}}';
    const t = renderLetterTexts(data, [DEFAULT_TEMPLATES_DIR]);
    expect(t.body).toContain('Geachte {{creditor.iban}},');
    expect(t.emailText).toContain('Geachte {{creditor.iban}},');
    expect(t.emailHtml).toContain('Geachte {{creditor.iban}},');
    expect(t.body).not.toContain('Geachte NL91');
  });

  it('escapes the template text itself in the HTML e-mail', () => {
    const dir = userDir({ 'nl/herinnering.hbs': MINIMAL('Prijs < 5 & "meer"\n\n{{> invoices}}\n\n{{> payment}}') });
    const t = renderLetterTexts(sampleLetterData(), [dir, DEFAULT_TEMPLATES_DIR]);
    expect(t.emailHtml).toContain('Prijs &#60; 5 &#38; &#34;meer&#34;');
    expect(t.emailText).toContain('Prijs < 5 & "meer"');
  });
});

describe('templates init', () => {
  it('copies the defaults and never overwrites', () => {
    const dir = userDir({});
    const target = path.join(dir, 'mijn-brieven');
    const first = templatesInit(target);
    expect(first.skipped).toEqual([]);
    expect(first.copied.map((f) => path.relative(target, f)).sort()).toEqual(
      [
        'README.md',
        'en/aanmaning.hbs',
        'en/betalingsregeling.hbs',
        'en/herinnering.hbs',
        'en/laatste-herinnering.business.hbs',
        'en/laatste-herinnering.consumer.hbs',
        'en/termijn-gemist.hbs',
        'en/termijn-herinnering.hbs',
        'nl/aanmaning.hbs',
        'nl/betalingsregeling.hbs',
        'nl/herinnering.hbs',
        'nl/laatste-herinnering.business.hbs',
        'nl/laatste-herinnering.consumer.hbs',
        'nl/termijn-gemist.hbs',
        'nl/termijn-herinnering.hbs',
      ].map((p) => path.normalize(p)),
    );
    writeFileSync(path.join(target, 'nl', 'herinnering.hbs'), 'mine');
    const second = templatesInit(target);
    expect(second.copied).toEqual([]);
    expect(second.skipped).toHaveLength(15);
    expect(readFileSync(path.join(target, 'nl', 'herinnering.hbs'), 'utf8')).toBe('mine');
  });

  it('gives copies that pass the check', () => {
    const target = path.join(userDir({}), 't');
    templatesInit(target);
    expect(checkTemplates([target], STAGES, LANGUAGES).checked.map((c) => `${c.stage} ${c.language} ${c.debtorType}: ${path.relative(target, c.file)}`)).toEqual([
      'herinnering nl consumer: nl/herinnering.hbs', 'herinnering nl business: nl/herinnering.hbs', 'herinnering en consumer: en/herinnering.hbs', 'herinnering en business: en/herinnering.hbs',
      'aanmaning nl consumer: nl/aanmaning.hbs', 'aanmaning nl business: nl/aanmaning.hbs', 'aanmaning en consumer: en/aanmaning.hbs', 'aanmaning en business: en/aanmaning.hbs',
      'laatste-herinnering nl consumer: nl/laatste-herinnering.consumer.hbs', 'laatste-herinnering nl business: nl/laatste-herinnering.business.hbs',
      'laatste-herinnering en consumer: en/laatste-herinnering.consumer.hbs', 'laatste-herinnering en business: en/laatste-herinnering.business.hbs',
    ]);
  });
});
