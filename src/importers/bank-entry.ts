// The text helpers the bank readers (CAMT, MT940, bank CSV) share: the `/TAG/value/` notation
// that Dutch banks use in MT940 :86: fields and that ABN AMRO repeats in CAMT AddtlNtryInf
// (domain/formats.md §4.1-4.2), ABN AMRO's labelled columns, and the references that banks put
// into free text. The entry they produce is src/domain/bank-entry.ts.
import { normaliseIban } from '../domain/identifiers.js';
import { isValidRfReference, normaliseReference } from '../domain/payment-reference.js';
import type { TextDetails } from '../domain/bank-entry.js';

/** Which reader a file needs, from its first bytes: XML is CAMT, `:20:`-style tags are MT940. */
export function sniffBankFormat(head: string): 'camt' | 'mt940' | null {
  const t = head.replace(/^\uFEFF/, '').trimStart();
  if (t.startsWith('<')) return 'camt';
  // MT940 may start with a SWIFT block, header lines or (ABN AMRO's example document) prose.
  if (/(^|[\r\n])(:20:|:940:|\{1:)/.test(t)) return 'mt940';
  return null;
}

export function collapseSpaces(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  const t = text.replace(/\s+/g, ' ').trim();
  return t === '' ? null : t;
}

/** The end-to-end id, or null for SEPA's placeholder NOTPROVIDED (the payer gave none). */
export function cleanEndToEndId(text: string | null | undefined): string | null {
  const t = collapseSpaces(text);
  if (t === null || /^NOT\s*PROVIDED$/i.test(t) || /^NONREF$/i.test(t)) return null;
  return t;
}

/**
 * An IBAN in storage form, or null when the text is not shaped like one (old account numbers,
 * names). Only the shape is checked, not the check digits: the bank's file is the authority on
 * its own accounts, and anonymised exports (the published samples) carry made-up numbers.
 */
export function ibanOrNull(text: string | null | undefined): string | null {
  if (!text) return null;
  const t = normaliseIban(text);
  return isIbanShaped(t) ? t : null;
}

export function isIbanShaped(text: string): boolean {
  if (text.startsWith('NL')) return /^NL[0-9]{2}[A-Z]{4}[0-9]{10}$/.test(text);
  return /^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/.test(text);
}

// Tags seen in the :86: field of Dutch MT940 dialects (ING, Rabobank, ABN AMRO, Triodos, Knab,
// bunq) and in ABN AMRO's CAMT AddtlNtryInf. Only these split the text: a slash inside a value
// (a name, "t/m", "2015/123") does not. ID and CD are left out on purpose: as sub-tags of ORDP
// and CDTRREFTP they would otherwise cut words like "/ID/" out of remittance text.
const SLASH_TAGS = [
  'ADDR', 'BENM', 'BIC', 'BUSP', 'CDTRREF', 'CDTRREFTP', 'CHGS', 'CNTP', 'CSID', 'EREF', 'EXCH', 'IBAN', 'ISDT', 'MARF',
  'NAME', 'NRTX', 'ORDP', 'PIND', 'PREF', 'PURP', 'REMI', 'RTRN', 'RTYP', 'SUM', 'SVCL', 'TRCD', 'TRTP', 'ULTB', 'ULTC', 'ULTD',
];
const SLASH_TAG_RE = new RegExp(`/(${SLASH_TAGS.join('|')})(?=/)`, 'g');

/** Does the text use the `/TAG/value` notation (it starts with a known tag)? */
export function isSlashTagged(text: string): boolean {
  const t = text.trimStart();
  SLASH_TAG_RE.lastIndex = 0;
  const m = SLASH_TAG_RE.exec(t);
  return m !== null && m.index === 0;
}

/**
 * Splits `/EREF/x//CNTP/a/b/c/d//REMI/USTD//text/` (ING, Triodos) and
 * `/TRTP/x/IBAN/y/NAME/z/REMI/text/EREF/e` (ABN AMRO, Knab, bunq, Rabobank) into [tag, value]
 * pairs. The `/` that ends a value and the `/` that starts the next tag may be one character
 * (ABN AMRO) or two (ING): one trailing `/` is taken off each value.
 */
export function splitSlashTags(text: string): [string, string][] {
  const out: [string, string][] = [];
  const marks: { tag: string; start: number; end: number }[] = [];
  SLASH_TAG_RE.lastIndex = 0;
  for (let m = SLASH_TAG_RE.exec(text); m !== null; m = SLASH_TAG_RE.exec(text)) {
    // The look-ahead leaves the closing '/' unconsumed, so `/BENM//NAME/` yields both tags.
    marks.push({ tag: m[1]!, start: m.index, end: m.index + m[0].length + 1 });
  }
  for (let i = 0; i < marks.length; i++) {
    const from = marks[i]!.end;
    const to = i + 1 < marks.length ? marks[i + 1]!.start : text.length;
    let value = from <= to ? text.slice(from, to) : '';
    if (value.endsWith('/')) value = value.slice(0, -1);
    out.push([marks[i]!.tag, value]);
  }
  return out;
}

/**
 * What a bank's description text says, whichever way it is written: `/TAG/value` pairs, ABN
 * AMRO's labelled columns, or plain remittance text (with any reference found in it).
 */
export function detailsFromText(text: string): TextDetails {
  if (isSlashTagged(text)) return detailsFromSlashTags(splitSlashTags(text.trimStart()));
  if (looksLikeAbnColumns(text)) return detailsFromAbnColumns(text);
  return withTextReference({ ...EMPTY_DETAILS, remittance: collapseSpaces(text) });
}

export const EMPTY_DETAILS: TextDetails = {
  counterpartyName: null, counterpartyIban: null, endToEndId: null, structuredRef: null, structuredRefIssuer: null, remittance: null, returnReason: null,
};

/** Reads the [tag, value] pairs of a `/TAG/` text into entry details. */
export function detailsFromSlashTags(pairs: [string, string][]): TextDetails {
  const d: TextDetails = { ...EMPTY_DETAILS };
  const first = (tag: string): string | undefined => pairs.find(([t]) => t === tag)?.[1];
  // Counterparty: ING and Triodos give /CNTP/iban/bic/name/city; ING InsideBusiness /BENM/ in the
  // same layout; Rabobank /ORDP//NAME/ (credits) and /BENM//NAME/ (debits); ABN AMRO, Knab and
  // bunq plain /IBAN/ and /NAME/.
  for (const tag of ['CNTP', 'BENM', 'ORDP']) {
    const value = first(tag);
    if (value === undefined || value.startsWith('/')) continue;
    const [account, , name] = value.split('/');
    d.counterpartyIban ??= ibanOrNull(account);
    d.counterpartyName ??= collapseSpaces(name);
  }
  d.counterpartyName = collapseSpaces(first('NAME')) ?? d.counterpartyName;
  d.counterpartyIban = ibanOrNull(first('IBAN')) ?? d.counterpartyIban;
  d.endToEndId = cleanEndToEndId(first('EREF'));
  const remi = first('REMI');
  if (remi !== undefined) {
    // ING and Triodos: USTD//text or STRD/<issuer>/<reference>; ING InsideBusiness leaves the
    // type empty (//text); the other banks put the text straight after /REMI/.
    let m: RegExpExecArray | null;
    if ((m = /^STRD\/([A-Z]*)\/(.*)$/s.exec(remi))) {
      d.structuredRefIssuer = m[1] || null;
      d.structuredRef = collapseSpaces(m[2]!.replace(/\/+$/, ''));
    } else if ((m = /^(?:USTD)?\/\/(.*)$/s.exec(remi))) {
      d.remittance = collapseSpaces(m[1]);
    } else {
      d.remittance = collapseSpaces(remi);
    }
  }
  // Rabobank structured creditor reference: /CDTRREFTP//CD/SCOR/ISSR/CUR/CDTRREF/<reference>/.
  const cdtrRef = collapseSpaces(first('CDTRREF'));
  if (cdtrRef && !d.structuredRef) {
    d.structuredRef = cdtrRef;
    d.structuredRefIssuer = /\/ISSR\/([A-Z]+)/.exec(first('CDTRREFTP') ?? '')?.[1] ?? null;
  }
  const rtrn = collapseSpaces(first('RTRN'));
  d.returnReason = rtrn ? rtrn.replace(/\/.*$/, '') || rtrn : null;
  return withTextReference(d);
}

// ABN AMRO's older MT940 layout: fixed 32-character columns with labels ("SEPA IDEAL  IBAN: …
// BIC: … NAAM: … OMSCHRIJVING: … KENMERK: …", acceptgiro "BETALINGSKENM.: …"). Once the lines
// are joined, a label can touch the previous value ("…IDEAOMSCHRIJVING:"), so no word boundary.
const ABN_LABELS = ['BETALINGSKENM.', 'OMSCHRIJVING', 'ID DEBITEUR', 'MACHTIGING', 'INCASSANT', 'KENMERK', 'IBAN', 'NAAM', 'BIC'];
const ABN_LABEL_RE = new RegExp(`(${ABN_LABELS.map((l) => l.replace('.', '\\.')).join('|')}):`, 'g');

export function looksLikeAbnColumns(text: string): boolean {
  return /(IBAN|NAAM|BETALINGSKENM\.): /.test(text);
}

export function detailsFromAbnColumns(text: string): TextDetails {
  const d: TextDetails = { ...EMPTY_DETAILS };
  const marks = [...text.matchAll(ABN_LABEL_RE)];
  const value = (label: string): string | null => {
    const i = marks.findIndex((m) => m[1] === label);
    if (i < 0) return null;
    const from = marks[i]!.index + marks[i]![0].length;
    const to = i + 1 < marks.length ? marks[i + 1]!.index : text.length;
    return collapseSpaces(text.slice(from, to));
  };
  d.counterpartyIban = ibanOrNull(value('IBAN'));
  d.counterpartyName = value('NAAM');
  d.remittance = value('OMSCHRIJVING');
  d.endToEndId = cleanEndToEndId(value('KENMERK'));
  const kenmerk = value('BETALINGSKENM.');
  if (kenmerk) {
    d.structuredRef = kenmerk.split(' ')[0] ?? kenmerk;
    d.structuredRefIssuer = 'CUR';
  }
  if (!d.remittance && !d.structuredRef) d.remittance = collapseSpaces(text);
  return withTextReference(d);
}

/**
 * References that banks put into free text: ABN AMRO writes an acceptgiro reference as
 * "Issuer: CUR Ref: 1234567812345678" in /REMI/; an RF creditor reference (ISO 11649) carries its
 * own check digits, so one found in the text is as good as a structured one.
 */
export function referenceFromText(text: string | null): { ref: string; issuer: string } | null {
  if (!text) return null;
  const cur = /Issuer:\s*([A-Z]+)\s*Ref:\s*([A-Za-z0-9]+)/i.exec(text);
  if (cur) return { ref: cur[2]!, issuer: cur[1]!.toUpperCase() };
  // Written whole ("RF18539007547034") or in groups of four ("RF18 5390 0754 7034"): try the
  // word and the short groups after it, longest valid reading first.
  const words = text.split(/\s+/);
  for (let i = 0; i < words.length; i++) {
    if (!/^RF[0-9]{2}[A-Z0-9]*$/i.test(words[i]!)) continue;
    let end = i + 1;
    while (end < words.length && end - i < 6 && /^[A-Z0-9]{1,4}$/i.test(words[end]!)) end++;
    for (let j = end; j > i; j--) {
      const candidate = words.slice(i, j).join('');
      if (isValidRfReference(candidate)) return { ref: normaliseReference(candidate), issuer: 'ISO' };
    }
  }
  return null;
}

function withTextReference(d: TextDetails): TextDetails {
  if (d.structuredRef) return d;
  const found = referenceFromText(d.remittance);
  if (found) {
    d.structuredRef = found.ref;
    d.structuredRefIssuer = found.issuer;
  }
  return d;
}
