import { describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import fc from 'fast-check';
import MailComposer from 'nodemailer/lib/mail-composer';
import { bareAddress, composeMessage, crlf, envelopeAddress, letterFileName, safeFileComponent, type ComposeInput } from '../../src/mail/message.js';
import { isEmailAddress, parseEmailList } from '../../src/domain/identifiers.js';
import { samplePdf } from '../helpers/mail.js';

const pdf = samplePdf();

function input(overrides: Partial<ComposeInput> = {}): ComposeInput {
  return {
    from: '"Bakkerij De Korenschoof B.V." <administratie@korenschoof.nl>',
    to: 'jan.jansen@example.nl',
    replyTo: 'debiteuren@korenschoof.nl',
    bcc: 'archief@korenschoof.nl',
    subject: 'Herinnering — factuur F2026-100 (€ 121,00)',
    text: 'Geachte heer Jansen,\n\nFactuur F2026-100 staat nog open.\n.\nMet vriendelijke groet\n',
    html: '<p>Geachte heer Jansen,</p><p>Factuur F2026-100 staat nog open.</p>',
    attachment: { filename: '2026-11-23_D 001_herinnering.pdf', content: pdf },
    messageIdDomain: 'korenschoof.nl',
    letterId: 17,
    date: new Date('2026-11-23T09:30:00Z'),
    ...overrides,
  };
}

describe('composeMessage', () => {
  it('builds a message with the right headers and the PDF byte for byte', async () => {
    const message = await composeMessage(input());
    const parsed = await simpleParser(message.eml);
    expect(parsed.from?.value).toEqual([{ name: 'Bakkerij De Korenschoof B.V.', address: 'administratie@korenschoof.nl' }]);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value.map((a) => a.address) : []).toEqual(['jan.jansen@example.nl']);
    expect(parsed.replyTo?.value[0]?.address).toBe('debiteuren@korenschoof.nl');
    expect(parsed.subject).toBe('Herinnering — factuur F2026-100 (€ 121,00)');
    expect(parsed.messageId).toBe(message.messageId);
    expect(message.messageId).toMatch(/^<pre-incasso\.letter-17\.[0-9a-f]{16}@korenschoof\.nl>$/);
    expect(parsed.date?.toISOString()).toBe('2026-11-23T09:30:00.000Z');
    expect(parsed.text).toContain('Factuur F2026-100 staat nog open.');
    expect(parsed.attachments).toHaveLength(1);
    const attachment = parsed.attachments[0]!;
    expect(attachment.contentType).toBe('application/pdf');
    expect(attachment.filename).toBe('2026-11-23_D_001_herinnering.pdf');
    expect(Buffer.compare(attachment.content, pdf)).toBe(0);
  });

  it('keeps the bcc out of the headers and puts it on the envelope only', async () => {
    const message = await composeMessage(input());
    expect(message.eml.toString('latin1')).not.toMatch(/^bcc:/im);
    expect(message.eml.toString('latin1')).not.toContain('archief@korenschoof.nl');
    expect(message.envelope).toEqual({ from: 'administratie@korenschoof.nl', to: ['jan.jansen@example.nl', 'archief@korenschoof.nl'] });
  });

  it('writes CRLF line ends only, so the bytes on the wire equal the stored bytes', async () => {
    const { eml } = await composeMessage(input());
    const text = eml.toString('latin1');
    expect(text).not.toMatch(/[^\r]\n/);
    expect(text).not.toMatch(/\r[^\n]/);
  });

  it('is deterministic: the same letter gives the same bytes, a changed one a new Message-ID', async () => {
    const a = await composeMessage(input());
    const b = await composeMessage(input());
    expect(Buffer.compare(a.eml, b.eml)).toBe(0);
    expect(a.sha256).toBe(b.sha256);
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    const c = await composeMessage(input({ text: 'Andere tekst' }));
    expect(c.messageId).not.toBe(a.messageId);
  });

  it('adds no tracking, no remote content and no generated headers beyond the standard ones', async () => {
    const { eml } = await composeMessage(input());
    const headers = eml.toString('latin1').split('\r\n\r\n')[0]!;
    const names = headers.split('\r\n').filter((line) => /^[A-Za-z-]+:/.test(line)).map((line) => line.split(':')[0]!.toLowerCase());
    expect(names.sort()).toEqual(['content-type', 'date', 'from', 'message-id', 'mime-version', 'reply-to', 'subject', 'to']);
    expect(eml.toString('latin1')).not.toMatch(/<img/i);
  });

  it('refuses an unusable recipient or sender', async () => {
    await expect(composeMessage(input({ to: 'geen adres' }))).rejects.toThrow(RangeError);
    await expect(composeMessage(input({ from: 'nobody' }))).rejects.toThrow(RangeError);
    await expect(composeMessage(input({ to: 'a@example.nl\r\nBcc: x@evil.example' }))).rejects.toThrow(RangeError);
  });
});

describe('addresses', () => {
  it.each([
    ['jan@example.nl', ['jan@example.nl']],
    ['  jan@example.nl ', ['jan@example.nl']],
    ['jan@example.nl; piet@example.nl', ['jan@example.nl', 'piet@example.nl']],
    ['jan@example.nl,JAN@example.nl', ['jan@example.nl']],
    ['jürgen@müller.de', ['jürgen@müller.de']],
    ['', undefined],
    [null, undefined],
    ['jan', undefined],
    ['jan@example', undefined],
    ['jan@@example.nl', undefined],
    ['jan@example.nl; geen', undefined],
    ['Jan <jan@example.nl>', undefined],
    ['jan..x@example.nl', undefined],
    ['jan@-example.nl', undefined],
    ['jan@1.2.3.4', undefined],
  ])('parseEmailList(%j)', (text, expected) => {
    expect(parseEmailList(text)).toEqual(expected);
  });

  it('isEmailAddress rejects header injection', () => {
    expect(isEmailAddress('a@example.nl\nBcc: b@example.nl')).toBe(false);
  });

  it.each([
    ['jan@example.nl', 'jan@example.nl'],
    ['info@bäckerei.de', 'info@xn--bckerei-5wa.de'],
    ['jürgen@müller.de', 'jürgen@müller.de'],
  ])('envelopeAddress(%j) = %j: with an ASCII local part, an IDN domain goes on the envelope as punycode', (address, expected) => {
    expect(envelopeAddress(address)).toBe(expected);
  });

  it('bareAddress reads the address out of a named From', () => {
    expect(bareAddress('"De Korenschoof" <administratie@korenschoof.nl>')).toBe('administratie@korenschoof.nl');
    expect(bareAddress('administratie@korenschoof.nl')).toBe('administratie@korenschoof.nl');
    expect(bareAddress('a@x.nl, b@x.nl')).toBeUndefined();
  });
});

describe('file names', () => {
  it.each([
    ['D001', 'D001'],
    ['../../etc/passwd', 'etc_passwd'],
    ['Jansen & Zn', 'Jansen_Zn'],
    ['Łódź/ő', 'odz_o'],
    ['CON', 'fallback'],
    ['...', 'fallback'],
    ['', 'fallback'],
    ['a\\b:c*?', 'a_b_c'],
  ])('safeFileComponent(%j) = %j', (text, expected) => {
    expect(safeFileComponent(text, 'fallback')).toBe(expected);
  });

  it('letterFileName is <date>_<debtor number>_<stage id>, one path segment', () => {
    expect(letterFileName({ id: 3, date: '2026-11-23', debtorNumber: '../D 7', stageId: 'laatste-herinnering' }, 'eml')).toBe('2026-11-23_D_7_laatste-herinnering.eml');
    expect(letterFileName({ id: 3, date: '2026-11-23', debtorNumber: '///', stageId: 'herinnering' }, 'pdf')).toBe('2026-11-23_debtor-3_herinnering.pdf');
  });
});

describe('crlf', () => {
  it('gives the bytes nodemailer\'s newline "win" gave, for texts with any mix of CR and LF', async () => {
    const text = fc.array(fc.constantFrom('\n', '\r', '\r\n', 'a', ' ', '.', 'é', '€'), { maxLength: 40 }).map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(text, text, async (plain, html) => {
        const options = { from: 'a@example.nl', to: 'b@example.nl', subject: 'Herinnering', messageId: '<x@example.nl>', date: new Date(0), text: plain, html, baseBoundary: 'b', attachments: [{ filename: 'a.pdf', content: samplePdf(), contentType: 'application/pdf' }] };
        const win = await new MailComposer({ ...options, newline: 'win' }).compile().build();
        expect(crlf(await new MailComposer(options).compile().build()).equals(win)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['a\nb', 'a\r\nb'],
    ['\n', '\r\n'],
    ['a\r\nb', 'a\r\nb'],
    ['a\r\n\nb\r', 'a\r\n\r\nb\r'],
  ])('crlf(%j) = %j', (text, expected) => {
    expect(crlf(Buffer.from(text)).toString()).toBe(expected);
  });
});
