// MT940 bank statements as Dutch banks write them (domain/formats.md §4.2). Pure: text in,
// entries and issues out. The format is SWIFT's, but every bank has its own dialect:
//
// - Envelopes differ: SWIFT blocks `{1:…}{2:…}{4:` … `-}` (ING, Knab, ASN/SNS with a `{5:}`
//   trailer), header lines "ABNANL2A / 940 / ABNANL2A" (ABN AMRO, bunq), "0000 01INGBNL2AXXXX00001 /
//   940 00" with a "-XXX" end (ING InsideBusiness), a bare `:940:` first line (Rabobank, whose
//   statements follow each other without any terminator), or nothing (Triodos). Text between
//   messages is skipped: ABN AMRO's own example document has Dutch headings there.
// - `:86:` lines wrap at 65 characters inside values and even inside tag names ("//RE" +
//   "MI/USTD//", Triodos), so continuation lines are joined as they are, without a space, before
//   the field is split. ASN/SNS pad their lines with spaces to 65, which keeps words apart.
// - The `:61:` continuation line means different things: the counterparty account (Rabobank),
//   the counterparty name (ASN/SNS), a transaction code /TRCD/ (ING).
// - Amounts use a decimal comma and may lack decimals (`75,`, bunq) or be zero-padded
//   (`000000000127,50`, Rabobank); marks are C, D, RC, RD (ABN AMRO's example even writes `d`).
import { createHash } from 'node:crypto';
import { decodeBytes } from './decode.js';
import { parseAmount } from '../domain/money.js';
import { isIsoDate, isoFromParts } from '../domain/dates.js';
import type { BankEntry, BankIssue, BankParseResult, TextDetails } from '../domain/bank-entry.js';
import { collapseSpaces, detailsFromSlashTags, detailsFromText, EMPTY_DETAILS, ibanOrNull, isIbanShaped, referenceFromText, splitSlashTags } from './bank-entry.js';

export type Mt940Dialect = 'ing' | 'rabobank' | 'abnamro' | 'triodos' | 'knab' | 'bunq' | 'volksbank' | 'generic';

const KNOWN_TAGS = new Set(['13', '13D', '20', '21', '25', '25P', '28', '28C', '34F', '60F', '60M', '61', '62F', '62M', '64', '65', '86', '90C', '90D', 'NS']);
/** Fields whose value may continue on the next lines. */
const MULTILINE = new Set(['61', '86', 'NS']);

interface Field {
  tag: string;
  lines: string[];
  line: number;
}

interface Message {
  fields: Field[];
  line: number;
  /** The bank's BIC from the envelope or header lines, when there was one. */
  bic: string | null;
  /** The closing balance was seen: only :64:, :65: and a statement-level :86: may follow. */
  closed: boolean;
  /** The message came in a SWIFT envelope (`{4:`): then it must end with `-}`. */
  enveloped: boolean;
  /** The end of the message (`-}`, `-`, `-XXX`) was seen. */
  ended: boolean;
}

export function parse(input: Uint8Array | string, displayName: string): BankParseResult {
  const text = (typeof input === 'string' ? input : decodeBytes(input).text).replace(/^\uFEFF/, '');
  const issues: BankIssue[] = [];
  const error = (line: number, code: string, message: string, hint: string): void => {
    issues.push({ file: displayName, line, path: null, code, message: `${displayName}:${line}: ${message}`, hint, severity: 'error' });
  };
  const messages = splitMessages(text, error);
  const entries: BankEntry[] = [];
  for (const message of messages) entries.push(...readMessage(message, displayName, error));
  if (messages.length === 0 && !issues.some((i) => i.severity === 'error')) {
    error(1, 'no_statement', 'no MT940 statement found (no :20: tag)', 'Download the statement again as MT940 (or better: CAMT.053) from the bank.');
  }
  return { format: 'mt940', entries, issues, notBooked: 0, statements: messages.length };
}

/** Cuts the text into messages (one statement each) and their fields, with line numbers. */
function splitMessages(text: string, error: (line: number, code: string, message: string, hint: string) => void): Message[] {
  const lines = text.split(/\r\n|\n|\r/);
  const messages: Message[] = [];
  let msg: Message | null = null;
  let bic: string | null = null;
  let enveloped = false;
  const finish = (ended = false): void => {
    if (msg) messages.push({ ...msg, ended });
    msg = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i]!;
    // SWIFT envelope: {1:F01INGBNL2ABXXX…}{2:…}{3:…}{4: — the statement follows {4:.
    if (/^\{[1-5]:/.test(line)) {
      const sender = /\{1:F\d\d([A-Z]{6}[A-Z0-9]{2})/.exec(line);
      if (sender) bic = sender[1]!;
      const body = line.indexOf('{4:');
      if (body < 0) continue;
      finish();
      enveloped = true;
      line = line.slice(body + 3);
      if (line.trim() === '') continue;
    }
    // Message end: "-", "-}", "-}{5:}" and ING InsideBusiness' "-XXX" (with the next header behind it).
    if (/^-(\}.*|XXX.*)?\s*$/.test(line)) {
      finish(true);
      enveloped = false;
      const next = /([A-Z]{4}NL[A-Z0-9]{2})/.exec(line.slice(1));
      if (next && line.startsWith('-XXX')) bic = next[1]!;
      continue;
    }
    const tag = /^:([0-9A-Za-z]{1,4}):(.*)$/.exec(line);
    if (tag) {
      const name = tag[1]!.toUpperCase();
      if (name === '940') continue; // Rabobank's first line
      if (name === '20') {
        // A new statement: the one before it ended (whether it was complete, its closing
        // balance tells).
        finish(true);
        msg = { fields: [], line: lineNo, bic, closed: false, enveloped, ended: false };
      }
      if (!msg) {
        error(lineNo, 'tag_outside_statement', `tag :${tag[1]}: outside a statement (no :20: before it)`, 'The file is cut off or not an MT940 statement; download it again.');
        continue;
      }
      const current: Message = msg;
      if (!KNOWN_TAGS.has(name)) {
        error(lineNo, 'unknown_tag', `unknown tag ":${tag[1]}:" (MT940 statements use :20:, :25:, :28C:, :60F:, :61:, :86:, :62F:, …)`, 'The file is damaged; download the statement again.');
        continue;
      }
      if (current.closed && !['64', '65', '86'].includes(name)) {
        error(lineNo, 'after_closing', `tag :${tag[1]}: after the closing balance (:62F:) of the statement that starts on line ${current.line}`, 'The file is damaged; download the statement again.');
        continue;
      }
      current.fields.push({ tag: name, lines: [tag[2]!], line: lineNo });
      if (name === '62F' || name === '62M') current.closed = true;
      continue;
    }
    if (!msg) {
      // Header lines and text between messages (ABN AMRO's example document has headings there).
      const header = /^(?:0000 01)?([A-Z]{4}NL[A-Z0-9]{2})(?:[A-Z0-9]{3,})?\s*$/.exec(line.trim());
      if (header) bic = header[1]!;
      continue;
    }
    const current: Message = msg;
    const last = current.fields[current.fields.length - 1];
    if (line.trim() === '') continue;
    if (last && MULTILINE.has(last.tag)) {
      last.lines.push(line);
      continue;
    }
    if (current.closed) {
      // The statement is over; what follows is not ours (a heading, a footer).
      finish(true);
      continue;
    }
    error(lineNo, 'unexpected_text', `unexpected text "${line.trim().slice(0, 40)}" after :${last?.tag ?? '20'}: (not a tag, and that field has one line)`, 'The file is damaged; download the statement again.');
  }
  finish();
  return messages;
}

/** Which bank wrote the statement: from the envelope BIC, else from the account. */
function dialectOf(bic: string | null, account: string, ref20: string): Mt940Dialect {
  const bank = (bic?.slice(0, 4) ?? (isIbanShaped(account) ? account.slice(4, 8) : '')).toUpperCase();
  if (/^TRIODOS/i.test(account)) return 'triodos';
  if (/^ABN AMRO/i.test(ref20)) return 'abnamro';
  switch (bank) {
    case 'INGB': return 'ing';
    case 'RABO': return 'rabobank';
    case 'ABNA': return 'abnamro';
    case 'TRIO': return 'triodos';
    case 'KNAB': return 'knab';
    case 'BUNQ': return 'bunq';
    case 'ASNB': case 'SNSB': case 'RBRB': return 'volksbank';
    default: return 'generic';
  }
}

/** `NL20INGB0001234567EUR` (ING) and `NL10BUNQ2290325473 EUR` (bunq): the IBAN without the currency. */
function accountOf(value: string): string {
  const t = value.trim();
  const spaced = /^(\S+)\s+[A-Z]{3}$/.exec(t);
  if (spaced && isIbanShaped(spaced[1]!)) return spaced[1]!;
  const glued = /^(NL[0-9]{2}[A-Z]{4}[0-9]{10})([A-Z]{3})$/.exec(t);
  if (glued) return glued[1]!;
  return t;
}

/** yymmdd → YYYY-MM-DD (00-79 is 20xx, SWIFT's own rule for two-digit years in practice). */
function dateOf(yymmdd: string): string | null {
  const yy = Number(yymmdd.slice(0, 2));
  const iso = isoFromParts(yy < 80 ? 2000 + yy : 1900 + yy, Number(yymmdd.slice(2, 4)), Number(yymmdd.slice(4, 6)));
  return isIsoDate(iso) ? iso : null;
}

// :61: value date, [entry date mmdd], mark, [funds code], amount, N + 3-character type (Triodos
// and ING write "NET " and "NIC " with a space), customer reference, [//bank reference].
const LINE61 = /^(\d{6})(\d{4})?(R?[CD])([A-Z])?(\d{1,15},\d{0,2})([NSF][A-Z0-9 ]{3})(.*)$/i;
const BALANCE = /^([CD])(\d{6})([A-Z]{3})(\d{1,15},\d{0,2})$/;

function readMessage(msg: Message, file: string, error: (line: number, code: string, message: string, hint: string) => void): BankEntry[] {
  const field = (...tags: string[]): Field | undefined => msg.fields.find((f) => tags.includes(f.tag));
  const ref20 = field('20')?.lines[0]?.trim() ?? '';
  const accountField = field('25');
  const opening = field('60F', '60M');
  if (!accountField) {
    error(msg.line, 'missing_account', 'statement without account (:25:)', 'The file is damaged; download the statement again.');
    return [];
  }
  if (!opening) {
    error(msg.line, 'missing_opening_balance', 'statement without opening balance (:60F:)', 'The file is damaged; download the statement again.');
    return [];
  }
  const balance = BALANCE.exec(opening.lines[0]!.trim());
  if (!balance || dateOf(balance[2]!) === null) {
    error(opening.line, 'bad_balance', `opening balance "${opening.lines[0]!.trim()}" is not C/D + yymmdd + currency + amount`, 'The file is damaged; download the statement again.');
    return [];
  }
  const closing = field('62F', '62M');
  if (!closing) {
    error(msg.line, 'cut_off', 'the statement has no closing balance (:62F:): the file is cut off or damaged', 'Download the whole statement again from the bank. Nothing was imported.');
    return [];
  }
  if (msg.enveloped && !msg.ended) {
    error(msg.line, 'cut_off', 'the statement in a SWIFT envelope ({4:) has no end of message ("-}"): the file is cut off', 'Download the whole statement again from the bank. Nothing was imported.');
    return [];
  }
  const closingBalance = BALANCE.exec(closing.lines[0]!.trim());
  if (!closingBalance) {
    error(closing.line, 'bad_balance', `closing balance "${closing.lines[0]!.trim()}" is not C/D + yymmdd + currency + amount`, 'The file is damaged; download the statement again.');
    return [];
  }
  const account = accountOf(accountField.lines[0]!);
  const currency = balance[3]!;
  const statementNo = field('28C', '28')?.lines[0]?.trim() || ref20;
  const statementId = `${statementNo}@${dateOf(balance[2]!)}`;
  const dialect = dialectOf(msg.bic, account, ref20);

  const entries: BankEntry[] = [];
  const seenRefs = new Set<string>();
  let index = 0;
  let entrySum = 0;
  let broken = false;
  // The statement's identity: account, :20:, :28C: and the opening balance (date and amount).
  const statementKey = createHash('sha1').update([account, ref20, field('28C', '28')?.lines[0]?.trim() ?? '', opening.lines[0]!.trim()].join('|')).digest('hex').slice(0, 12);
  for (let i = 0; i < msg.fields.length; i++) {
    const f = msg.fields[i]!;
    if (f.tag !== '61') continue;
    index++;
    const info: Field[] = [];
    for (let j = i + 1; j < msg.fields.length && msg.fields[j]!.tag === '86'; j++) info.push(msg.fields[j]!);
    const m = LINE61.exec(f.lines[0]!.trim());
    if (!m) {
      error(f.line, 'bad_line61', `:61: "${f.lines[0]!.trim()}" is not value date + mark (C, D, RC, RD) + amount + type`, 'The file is damaged; download the statement again.');
      broken = true;
      continue;
    }
    const [, valueYmd, entryMd, markRaw, , amountText, , rest] = m;
    const valueDate = dateOf(valueYmd!);
    const amount = parseAmount(amountText!, ',');
    if (!valueDate || !amount.ok) {
      error(f.line, valueDate ? 'bad_amount' : 'bad_date', valueDate ? `amount "${amountText}" is not readable (${amount.ok ? '' : amount.reason})` : `value date "${valueYmd}" is not a date`, 'The file is damaged; download the statement again.');
      broken = true;
      continue;
    }
    const bookingDate = entryMd ? entryDate(valueYmd!, entryMd) ?? valueDate : valueDate;
    const mark = markRaw!.toUpperCase();
    // RD reverses a debit (money comes back in), RC reverses a credit (money goes out).
    const sign = mark === 'C' || mark === 'RD' ? 1 : -1;
    entrySum += sign * amount.cents;
    const [customerRefRaw, bankRefRaw] = splitOnce(rest!, '//');
    const customerRef = collapseSpaces(customerRefRaw);
    const bankRef = collapseSpaces(bankRefRaw);
    const supplement = collapseSpaces(f.lines.slice(1).join(''));
    const details = readInfo(info.flatMap((x) => x.lines), dialect);
    // Rabobank puts the counterparty account on the :61: continuation line; ASN/SNS put the
    // counterparty IBAN where the customer reference goes and the name on the continuation line.
    if (dialect === 'rabobank' && supplement) details.counterpartyIban ??= ibanOrNull(supplement);
    if (dialect === 'volksbank') {
      details.counterpartyIban ??= ibanOrNull(customerRef);
      details.counterpartyName ??= supplement;
    }
    const hash = createHash('sha1').update([f.lines.join('\n'), ...info.map((x) => x.lines.join('\n'))].join('\n')).digest('hex').slice(0, 10);
    // Bank references such as ING's //00000000000001 only count within the statement; the hash of
    // the entry's text keeps apart statements that reuse a statement number (ABN AMRO's example
    // document) and identical entries get their position.
    const slot = bankRef && !seenRefs.has(bankRef) ? bankRef : `#${index}`;
    if (bankRef) seenRefs.add(bankRef);
    entries.push({
      // Statement identity + position + the entry's whole text (see camt.ts); the key before
      // issue 11 is kept to recognise entries imported by an older version.
      sourceKey: `mt940:${account}:${statementKey}:${index}:${hash}`,
      legacyKey: `mt940:${account}:${statementId}:${slot}:${hash}`,
      bankRefKey: null,
      format: 'mt940',
      variant: dialect,
      account,
      statementId,
      bookingDate,
      valueDate,
      amountCents: sign * amount.cents,
      currency,
      ...details,
      reversal: mark.startsWith('R'),
      bankReference: bankRef,
      file,
      line: f.line,
      path: null,
    });
  }
  // Opening balance + entries must give the closing balance (same currency).
  const openingCents = signedBalance(balance);
  const closingCents = signedBalance(closingBalance);
  if (!broken && openingCents !== null && closingCents !== null && closingBalance[3] === currency && openingCents + entrySum !== closingCents) {
    error(
      closing.line,
      'balance_mismatch',
      `the statement does not add up: opening balance ${cents(openingCents)} + entries ${cents(entrySum)} = ${cents(openingCents + entrySum)}, but the closing balance (:${closing.tag}:) is ${cents(closingCents)} ${currency}`,
      'The file is damaged or incomplete; download the statement again from the bank. Nothing was imported.',
    );
  }
  return entries;
}

function signedBalance(m: RegExpExecArray): number | null {
  const amount = parseAmount(m[4]!, ',');
  if (!amount.ok) return null;
  return (m[1] === 'C' ? 1 : -1) * amount.cents;
}

function cents(n: number): string {
  const abs = Math.abs(n);
  return `${n < 0 ? '-' : ''}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

/** The entry date (mmdd) in the year that puts it nearest the value date (a statement over New Year). */
function entryDate(valueYymmdd: string, mmdd: string): string | null {
  const valueYear = Number(valueYymmdd.slice(0, 2)) < 80 ? 2000 + Number(valueYymmdd.slice(0, 2)) : 1900 + Number(valueYymmdd.slice(0, 2));
  const valueMonth = Number(valueYymmdd.slice(2, 4));
  const month = Number(mmdd.slice(0, 2));
  const year = month - valueMonth > 6 ? valueYear - 1 : valueMonth - month > 6 ? valueYear + 1 : valueYear;
  const iso = isoFromParts(year, month, Number(mmdd.slice(2, 4)));
  return isIsoDate(iso) ? iso : null;
}

function splitOnce(text: string, separator: string): [string, string | null] {
  const i = text.indexOf(separator);
  return i < 0 ? [text, null] : [text.slice(0, i), text.slice(i + separator.length)];
}

/** The :86: field(s) of one entry, lines joined as they are (see the top of this module). */
function readInfo(lines: string[], dialect: Mt940Dialect): TextDetails {
  if (lines.length === 0) return { ...EMPTY_DETAILS };
  if (dialect === 'volksbank') return readVolksbank(lines);
  const joined = lines.join('');
  // Triodos numbers its subfields (`000>…`): such text never starts with a `/TAG/`.
  if (/^\s*\d{3}>/.test(joined)) return readTriodosSubfields(joined);
  return detailsFromText(joined);
}

/**
 * ASN, SNS and RegioBank (de Volksbank): the first :86: line is "IBAN name", padded to 65
 * characters; the rest is the description, which may itself hold /TRTP/…/REMI/… tags.
 */
function readVolksbank(lines: string[]): TextDetails {
  const [first = '', ...rest] = lines;
  const head = /^\s*([A-Z]{2}[0-9]{2}[A-Z0-9]{10,30})?\s*(.*)$/.exec(first)!;
  const body = rest.join('');
  const tagAt = body.search(/\/(TRTP|REMI|EREF|IBAN|NAME)\//);
  const tagged = tagAt >= 0 ? detailsFromSlashTags(splitSlashTags(body.slice(tagAt))) : null;
  const prefix = collapseSpaces(tagAt >= 0 ? body.slice(0, tagAt) : body);
  const remittance = tagged ? collapseSpaces([prefix, tagged.remittance].filter(Boolean).join(' ')) : prefix;
  const found = tagged?.structuredRef ? null : referenceFromText(remittance);
  return {
    counterpartyName: tagged?.counterpartyName ?? collapseSpaces(head[2]),
    counterpartyIban: tagged?.counterpartyIban ?? ibanOrNull(head[1]),
    endToEndId: tagged?.endToEndId ?? null,
    structuredRef: tagged?.structuredRef ?? found?.ref ?? null,
    structuredRefIssuer: tagged?.structuredRefIssuer ?? found?.issuer ?? null,
    remittance,
    returnReason: tagged?.returnReason ?? null,
  };
}

/**
 * Triodos' older layout: "000>10…>20…>21…>31…", numbered sub-fields. >20 to >29 hold the
 * description (names and text run together, cut at 28 characters); >31 an account number.
 */
function readTriodosSubfields(text: string): TextDetails {
  const parts = [...text.matchAll(/>(\d\d)((?:(?!>\d\d).)*)/gs)].map((p) => ({ code: p[1]!, value: p[2]! }));
  let iban: string | null = null;
  for (const p of parts) iban ??= ibanOrNull(p.value.trim());
  // SEPA entries start the description with the counterparty's BIC and IBAN (>20, >21).
  const isAccount = (v: string): boolean => ibanOrNull(v.trim()) !== null || /^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(v.trim());
  const description = parts.filter((p) => p.code.startsWith('2') && !isAccount(p.value)).map((p) => p.value).join('');
  return { ...EMPTY_DETAILS, remittance: collapseSpaces(description), counterpartyIban: iban };
}
