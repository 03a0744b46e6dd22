// Checks for the identifiers printed on letters and put into payment payloads (legal-nl.md §9).
// Each check says only whether the text is well-formed; none of them proves the account, company
// or address exists.

/** Remainder mod 97 of an alphanumeric string read as digits with A=10 .. Z=35 (ISO 7064 MOD 97-10). */
export function mod97(text: string): number {
  let remainder = 0;
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    let value: number;
    if (code >= 48 && code <= 57) value = code - 48;
    else if (code >= 65 && code <= 90) value = code - 55;
    else throw new RangeError(`not alphanumeric: '${ch}'`);
    // Letters stand for two digits; fold digit by digit so the number never leaves float precision.
    remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder;
}

/** IBAN lengths of the SEPA countries (ISO 13616 registry); other countries get the generic check. */
const IBAN_LENGTHS: Readonly<Record<string, number>> = Object.freeze({
  AD: 24, AT: 20, BE: 16, BG: 22, CH: 21, CY: 28, CZ: 24, DE: 22, DK: 18, EE: 20, ES: 24, FI: 18,
  FR: 27, GB: 22, GI: 23, GR: 27, HR: 21, HU: 28, IE: 22, IS: 26, IT: 27, LI: 21, LT: 20, LU: 20,
  LV: 21, MC: 27, MT: 31, NL: 18, NO: 15, PL: 28, PT: 25, RO: 24, SE: 24, SI: 19, SK: 24, SM: 27,
  VA: 22,
});

/** Without spaces, upper case: the form stored and put into payment payloads. */
export function normaliseIban(text: string): string {
  return text.replace(/\s+/g, '').toUpperCase();
}

/**
 * ISO 13616: country, two check digits, account; moved first four characters to the end, the
 * number mod 97 must be 1. Spaces and lower case are accepted. A Dutch IBAN is
 * NL + 2 digits + 4-letter bank code + 10 digits.
 */
export function isValidIban(text: string): boolean {
  const iban = normaliseIban(text);
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const country = iban.slice(0, 2);
  const length = IBAN_LENGTHS[country];
  if (length !== undefined && iban.length !== length) return false;
  if (country === 'NL' && !/^NL[0-9]{2}[A-Z]{4}[0-9]{10}$/.test(iban)) return false;
  return mod97(iban.slice(4) + iban.slice(0, 4)) === 1;
}

/** `NL91 ABNA 0417 1643 00`: groups of four, as printed on letters. */
export function formatIban(text: string): string {
  return groupsOfFour(normaliseIban(text));
}

export function groupsOfFour(text: string): string {
  return text.replace(/(.{4})(?=.)/g, '$1 ');
}

/**
 * Dutch btw-id: NL + 9 digits + B + 2 digits. Ids issued since 1-1-2020 (sole traders) pass mod 97
 * over the whole string with N=23, L=21, B=11; legacy RSIN-based ids pass the 11-test on the nine
 * digits. Either check suffices (legal-nl.md §9). The omzetbelastingnummer must never be printed,
 * but it has the same shape, so this check cannot tell them apart.
 */
export function isValidDutchVat(text: string): boolean {
  const vat = text.replace(/[\s.]+/g, '').toUpperCase();
  if (!/^NL[0-9]{9}B[0-9]{2}$/.test(vat)) return false;
  return mod97(vat) === 1 || passesElevenTest(vat.slice(2, 11));
}

/** The 11-test for 9-digit numbers (RSIN, BSN): weights 9..2 and -1 for the last digit. */
export function passesElevenTest(nineDigits: string): boolean {
  if (!/^[0-9]{9}$/.test(nineDigits)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(nineDigits[i]) * (9 - i);
  sum -= Number(nineDigits[8]);
  // All zeros passes arithmetically but is no number anyone was issued.
  return sum % 11 === 0 && nineDigits !== '000000000';
}

/**
 * KvK number: exactly 8 digits, a plain sequence number without check digit. The 12-digit
 * vestigingsnummer (branch number) is a different identifier and is refused here.
 */
export function isValidKvk(text: string): boolean {
  return /^[0-9]{8}$/.test(text.replace(/\s+/g, ''));
}

export interface PostcodeResult {
  postcode: string;
  warning?: string;
}

/**
 * Dutch postcode `1234 AB`: first digit 1-9, one space, two capitals. The letter pairs SA, SD and
 * SS are not issued, but no PostNL primary source confirms it, so they get a warning, not a
 * refusal. Null when the text is not a Dutch postcode.
 */
export function normalisePostcode(text: string): PostcodeResult | null {
  const m = /^([1-9][0-9]{3})\s*([A-Z]{2})$/.exec(text.trim().toUpperCase());
  if (!m) return null;
  const postcode = `${m[1]} ${m[2]}`;
  if (m[2] === 'SA' || m[2] === 'SD' || m[2] === 'SS') {
    return { postcode, warning: `postcode ${postcode}: the letters ${m[2]} are not issued in Dutch postcodes; check the address` };
  }
  return { postcode };
}

// E-mail addresses: the one rule, used by the import, `debtor set`, the plan, `doctor` and the
// mail. A pragmatic check, not RFC 5322 in full: a dot-atom local part of at most 64 characters,
// a domain of at least two labels whose last one is not numeric (that would be an IP address
// without brackets, which no bookkeeping export means), at most 254 characters in all, nothing
// that could smuggle a second header or address (no spaces, quotes, angle brackets, control
// characters). Letters and digits of any script are accepted on both sides of the @ (RFC 6531
// SMTPUTF8, IDN domains): nodemailer writes an internationalised domain as punycode in the
// headers, the envelope gets the punycode domain too (see `mail/transport.ts`), and only a
// non-ASCII local part needs a server that offers SMTPUTF8; one that does not refuses it, and the
// letter then goes by post like any refused message.
//
// The rule has two spellings. An address in ASCII (nearly every one) is checked with [A-Za-z] and
// [0-9], which are \p{L} and \p{N} there; the Unicode spelling is built only for an address
// outside ASCII, the first time one is checked: its character tables cost a couple of
// milliseconds, which every command that reads a debtor would pay at its start. A test holds the
// two spellings to the same verdict on ASCII text.
interface EmailRules {
  local: RegExp;
  label: RegExp;
}

const ASCII_EMAIL: EmailRules = {
  local: /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/,
  label: /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/,
};
let unicodeEmail: EmailRules | undefined;

function unicodeRules(): EmailRules {
  return (unicodeEmail ??= {
    local: /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u,
    label: /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u,
  });
}

/** One address, exactly as given (no spaces around it, no display name). */
export function isEmailAddress(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return emailChecked(text, /^[\x00-\x7f]*$/.test(text) ? ASCII_EMAIL : unicodeRules());
}

/** The Unicode spelling alone, on any text: what the test holds the ASCII spelling to. */
export function isEmailAddressByUnicodeRule(text: string): boolean {
  return emailChecked(text, unicodeRules());
}

function emailChecked(text: string, rules: EmailRules): boolean {
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1 || text.length > 254) return false;
  const local = text.slice(0, at);
  const labels = text.slice(at + 1).split('.');
  if (local.length > 64 || !rules.local.test(local)) return false;
  if (labels.length < 2 || !labels.every((label) => rules.label.test(label))) return false;
  const top = labels[labels.length - 1]!;
  return top.length >= 2 && !/^\d+$/.test(top);
}

/**
 * The addresses of an e-mail field (a debtor's, or the config's bcc): one address, or several
 * separated by `;` or `,` (as bookkeeping exports write them), trimmed and deduplicated without
 * regard to case. Undefined when the field is empty or any part is not an address: such a debtor
 * gets the letter by post, not a half-right e-mail.
 */
export function parseEmailList(text: string | null | undefined): string[] | undefined {
  if (!text) return undefined;
  const parts = text.split(/[;,]/).map((part) => part.trim()).filter((part) => part.length > 0);
  if (parts.length === 0 || !parts.every(isEmailAddress)) return undefined;
  const seen = new Set<string>();
  const result: string[] = [];
  for (const part of parts) {
    const key = part.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(part);
  }
  return result;
}

/** True when an e-mail field holds at least one address and nothing else: letters may go by e-mail. */
export function hasEmailAddress(text: string | null | undefined): boolean {
  return parseEmailList(text) !== undefined;
}

/**
 * BIC (ISO 9362): 4-letter institution code, 2-letter country, 2 alphanumerics location, and an
 * optional 3-character branch code: 8 or 11 characters. Case is ignored; store it upper case.
 */
export function isValidBic(text: string): boolean {
  return /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/.test(text.trim().toUpperCase());
}
