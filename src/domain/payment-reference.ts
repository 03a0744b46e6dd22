// Structured payment references (legal-nl.md §9): the Dutch betalingskenmerk, which outlived the
// acceptgiro (ended 1 June 2023), and the ISO 11649 RF creditor reference used in SEPA and in the
// EPC QR code. A reference that validates lets the bank import match a payment to its letter.
import { groupsOfFour, mod97 } from './identifiers.js';

// Betaalvereniging "Specificaties betalingskenmerk": weights from the rightmost digit leftwards.
const WEIGHTS = [2, 4, 8, 5, 10, 9, 7, 3, 6, 1] as const;

/**
 * The betalingskenmerk check digit C over `digits` (for the 9-14 form: L and N together).
 * C = 11 - (weighted sum mod 11), where 10 becomes 1 and 11 becomes 0.
 */
export function betalingskenmerkCheckDigit(digits: string): number {
  if (!/^[0-9]+$/.test(digits)) throw new RangeError(`not digits: '${digits}'`);
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    sum += Number(digits[digits.length - 1 - i]) * WEIGHTS[i % WEIGHTS.length]!;
  }
  const c = 11 - (sum % 11);
  return c === 11 ? 0 : c === 10 ? 1 : c;
}

const stripSpaces = (text: string): string => text.replace(/\s+/g, '');

/**
 * The 16-digit betalingskenmerk: C followed by 15 digits. A shorter base is left-padded with
 * zeros to 15 digits (ref 1 → 9000 0000 0000 0001), which keeps it unambiguous.
 */
export function betalingskenmerk16(base15digits: string): string {
  const base = stripSpaces(base15digits);
  if (!/^[0-9]{1,15}$/.test(base)) throw new RangeError(`a 16-digit betalingskenmerk needs 1 to 15 digits, got '${base15digits}'`);
  const padded = base.padStart(15, '0');
  return `${betalingskenmerkCheckDigit(padded)}${padded}`;
}

/**
 * The 9-14 digit betalingskenmerk: C + L + N, where N has 7-12 digits and L is the count of N
 * (7, 8, 9 → 7, 8, 9; 10, 11, 12 → 0, 1, 2). The check digit covers L as well.
 */
export function betalingskenmerkWithLength(digits: string): string {
  const n = stripSpaces(digits);
  if (!/^[0-9]{7,12}$/.test(n)) throw new RangeError(`the 9-14 digit betalingskenmerk needs 7 to 12 digits, got '${digits}'`);
  const ln = `${n.length % 10}${n}`;
  return `${betalingskenmerkCheckDigit(ln)}${ln}`;
}

/**
 * Valid betalingskenmerk: 7 digits (no check digit exists), 9-14 digits with a matching length
 * digit and check digit, or 16 digits with a check digit. Spaces are ignored.
 */
export function isValidBetalingskenmerk(text: string): boolean {
  const t = stripSpaces(text);
  if (!/^[0-9]+$/.test(t)) return false;
  if (t.length === 7) return true;
  if (t.length === 16) return betalingskenmerkCheckDigit(t.slice(1)) === Number(t[0]);
  if (t.length >= 9 && t.length <= 14) {
    const lengthDigit = Number(t[1]);
    if (lengthDigit !== (t.length - 2) % 10) return false;
    return betalingskenmerkCheckDigit(t.slice(1)) === Number(t[0]);
  }
  return false;
}

/** Upper case without spaces: how RF references are stored and put into payloads. */
export function normaliseReference(text: string): string {
  return stripSpaces(text).toUpperCase();
}

/**
 * ISO 11649 creditor reference: "RF", two check digits, then the 1-21 alphanumeric base. The check
 * digits make (base + "RF" + check) mod 97 equal 1, letters counting A=10 .. Z=35.
 */
export function rfReference(base: string): string {
  const b = normaliseReference(base);
  if (!/^[A-Z0-9]{1,21}$/.test(b)) {
    throw new RangeError(`an RF reference base must be 1 to 21 letters or digits, got '${base}'`);
  }
  const check = 98 - mod97(`${b}RF00`);
  return `RF${String(check).padStart(2, '0')}${b}`;
}

/** Valid ISO 11649 reference; spaces and lower case are accepted. */
export function isValidRfReference(text: string): boolean {
  const t = normaliseReference(text);
  const m = /^RF([0-9]{2})([A-Z0-9]{1,21})$/.exec(t);
  if (!m) return false;
  // 98 - (x mod 97) is always 02..98; 00, 01 and 99 would only pass mod 97 by aliasing.
  const check = Number(m[1]);
  if (check < 2 || check > 98) return false;
  return mod97(`${m[2]}RF${m[1]}`) === 1;
}

/** Groups of four for print: `RF18 5390 0754 7034`, `5000 0567 8901 2345`. */
export function formatReference(text: string): string {
  return groupsOfFour(normaliseReference(text));
}

const LETTER_SEPARATOR = 'X';

/**
 * The RF reference quoted on a letter: the debtor number's letters and digits (upper case), the
 * separator X and the letter id, at most 25 characters in all. The X keeps debtor 12 / letter 34
 * apart from debtor 123 / letter 4 (the letter id is digits only, so the last X always splits).
 * When too long, the debtor part keeps its last characters: sequential debtor numbers differ at
 * the end. Without any letter or digit in the debtor number the base is the letter id alone.
 */
export function letterReference(debtorNumber: string, letterId: number): string {
  if (!Number.isSafeInteger(letterId) || letterId < 0) {
    throw new RangeError(`letter id must be a non-negative whole number, got ${letterId}`);
  }
  const id = String(letterId);
  const debtor = debtorNumber.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (debtor === '') return rfReference(id);
  const room = 21 - id.length - LETTER_SEPARATOR.length;
  return rfReference(`${debtor.slice(Math.max(0, debtor.length - room))}${LETTER_SEPARATOR}${id}`);
}
