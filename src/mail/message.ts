// Building the exact bytes of a dunning e-mail. The bytes made here are stored in the ledger and
// are the bytes that leave over SMTP (SPEC §2.5): the evidence is what was sent, not a re-render.
import { createHash } from 'node:crypto';
import { domainToASCII } from 'node:url';
import MailComposer from 'nodemailer/lib/mail-composer';
import addressparser from 'nodemailer/lib/addressparser';
import { isEmailAddress, parseEmailList } from '../domain/identifiers.js';

export interface ComposeInput {
  /** The From header: a bare address or `Name <address>`. */
  from: string;
  /** One address, or several separated by `,` (the debtor's mailbox or mailboxes). */
  to: string;
  replyTo?: string;
  /** Never written as a header: it only joins the SMTP envelope (see `envelope`). */
  bcc?: string;
  subject: string;
  text: string;
  html: string;
  attachment: { filename: string; content: Uint8Array };
  /** The domain of the From address; the Message-ID is made on it. */
  messageIdDomain: string;
  letterId: number;
  date: Date;
}

export interface ComposedMessage {
  eml: Buffer;
  /** With angle brackets, as in the header. */
  messageId: string;
  /** SHA-256 of `eml`, lower-case hex. */
  sha256: string;
  /** The SMTP envelope: the bare From address, and the To addresses plus the bcc. */
  envelope: { from: string; to: string[] };
}

export async function composeMessage(input: ComposeInput): Promise<ComposedMessage> {
  const to = parseEmailList(input.to);
  if (!to) throw new RangeError('composeMessage: not a valid recipient address list');
  const fromAddress = bareAddress(input.from);
  if (!fromAddress) throw new RangeError('composeMessage: not a valid From address');
  const bcc = input.bcc ? parseEmailList(input.bcc) : [];
  if (!bcc) throw new RangeError('composeMessage: not a valid bcc address');

  const content = Buffer.from(input.attachment.content.buffer, input.attachment.content.byteOffset, input.attachment.content.byteLength);
  // The Message-ID and the MIME boundaries come from a digest of what the message says, so the
  // same letter composed twice (a `mail --dry-run` preview, then the real send) gives the same
  // bytes, and a changed text or PDF can never reuse an old Message-ID.
  const digest = createHash('sha256');
  for (const part of [String(input.letterId), to.join(','), input.subject, input.text, input.html, input.attachment.filename]) {
    digest.update(part, 'utf8').update('\0');
  }
  digest.update(content);
  const hash = digest.digest('hex');
  // A header is ASCII: an internationalised domain goes in its punycode (A-label) form.
  const domain = domainToASCII(input.messageIdDomain.trim());
  if (domain === '' || !/^[a-z0-9.-]+$/.test(domain)) {
    throw new RangeError('composeMessage: messageIdDomain is not a domain name');
  }
  const messageId = `<pre-incasso.letter-${input.letterId}.${hash.slice(0, 16)}@${domain}>`;

  const composer = new MailComposer({
    from: input.from,
    to: to.join(', '),
    ...(input.replyTo ? { replyTo: input.replyTo } : {}),
    subject: input.subject,
    messageId,
    date: input.date,
    text: input.text,
    html: input.html,
    attachments: [
      {
        filename: cleanAttachmentName(input.attachment.filename),
        content,
        contentType: 'application/pdf',
        contentDisposition: 'attachment',
      },
    ],
    baseBoundary: hash.slice(16, 32),
    // Nothing in a letter's text may make the composer read a file or fetch a URL (no remote
    // images, no tracking pixels, no path tricks from a template).
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  // CRLF throughout: SMTP turns bare LFs into CRLF on the wire, so an LF message would arrive
  // as different bytes than the ones stored as evidence.
  const eml = crlf(await composer.compile().build());
  return {
    eml,
    messageId,
    sha256: createHash('sha256').update(eml).digest('hex'),
    envelope: { from: fromAddress, to: [...to, ...bcc] },
  };
}

/** The address of a From value that may carry a display name (`Name <a@b.nl>`). */
export function bareAddress(from: string): string | undefined {
  const parsed = addressparser(from, { flatten: true });
  const address = parsed.length === 1 ? parsed[0]!.address : undefined;
  return address && isEmailAddress(address) ? address : undefined;
}

/** True when the From value already names the sender (`Name <a@b.nl>`). */
export function hasDisplayName(from: string): boolean {
  const parsed = addressparser(from, { flatten: true });
  return parsed.length === 1 && parsed[0]!.name.trim().length > 0;
}

export function addressDomain(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/**
 * An address as it goes on the SMTP envelope: with an ASCII local part, an internationalised
 * domain in its punycode (A-label) form, so the address reaches every server, with or without
 * SMTPUTF8 (the To header gets the same form from nodemailer). An address with a non-ASCII local
 * part is kept as it is, as nodemailer does: only a server that offers SMTPUTF8 takes it.
 */
export function envelopeAddress(address: string): string {
  const at = address.lastIndexOf('@');
  const domain = address.slice(at + 1);
  if (!/[^\x00-\x7f]/.test(domain) || /[^\x00-\x7f]/.test(address.slice(0, at))) return address;
  const ascii = domainToASCII(domain);
  return ascii === '' ? address : `${address.slice(0, at)}@${ascii}`;
}

const CRLF = Buffer.from('\r\n');

/**
 * `eml` with every bare LF turned into CRLF: the bytes nodemailer's `newline: 'win'` gives, found
 * with the native byte search instead of a stream that looks at every byte in JavaScript (a
 * quarter of the composing time for a letter with its PDF).
 */
export function crlf(eml: Buffer): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  for (let i = eml.indexOf(10); i !== -1; i = eml.indexOf(10, i + 1)) {
    if (i > 0 && eml[i - 1] === 13) continue;
    parts.push(eml.subarray(from, i), CRLF);
    from = i + 1;
  }
  if (parts.length === 0) return eml;
  parts.push(eml.subarray(from));
  return Buffer.concat(parts);
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/**
 * A file-name part made only of `A-Z a-z 0-9 . _ -`. Used for debtor numbers and stage ids; a
 * debtor NAME never becomes a path. Empty input, dot names and reserved Windows names get the
 * fallback, so the result is always one harmless path segment.
 */
export function safeFileComponent(text: string, fallback: string): string {
  const cleaned = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^[._-]+|[._-]+$/g, '')
    .slice(0, 64);
  if (cleaned.length === 0 || WINDOWS_RESERVED.test(cleaned.split('.')[0]!)) return fallback;
  return cleaned;
}

/** `<date>_<debtor number>_<stage id>.<ext>`, each part sanitised. */
export function letterFileName(letter: { id: number; date: string; debtorNumber: string; stageId: string }, ext: 'pdf' | 'eml'): string {
  const date = safeFileComponent(letter.date, 'letter');
  const debtor = safeFileComponent(letter.debtorNumber, `debtor-${letter.id}`);
  const stage = safeFileComponent(letter.stageId, 'stage');
  return `${date}_${debtor}_${stage}.${ext}`;
}

function cleanAttachmentName(name: string): string {
  const stem = safeFileComponent(name.replace(/\.pdf$/i, ''), 'letter');
  return `${stem}.pdf`;
}
