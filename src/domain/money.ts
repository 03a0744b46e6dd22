// Money is integer euro cents everywhere inside the tool. This module is the only place that
// turns text into cents and cents into text, so rounding and notation are decided once.

export type DecimalMark = ',' | '.';

export type AmountParse =
  | { ok: true; cents: number }
  | { ok: false; reason: string };

const NBSP = /[\u00a0\u202f\s]/g;

/**
 * Which decimal marks an amount text is compatible with. `1.234,56` only fits ',';
 * `1234.56` only '.'; `1.234` fits both (thousands dot or three decimals); `1234` fits both.
 */
export function decimalMarksOf(text: string): DecimalMark[] {
  const t = stripAmountDecoration(text);
  if (t === null) return [];
  const lastDot = t.lastIndexOf('.');
  const lastComma = t.lastIndexOf(',');
  if (lastDot >= 0 && lastComma >= 0) return lastComma > lastDot ? [','] : ['.'];
  const sep = lastDot >= 0 ? '.' : lastComma >= 0 ? ',' : null;
  if (sep === null) return [',', '.'];
  const other: DecimalMark = sep === '.' ? ',' : '.';
  const parts = t.split(sep);
  // More than one of the same separator: it can only be the thousands separator.
  if (parts.length > 2) return [other];
  const after = parts[1]!;
  // Exactly three digits after a single separator is the ambiguous case (`1.234`), but only when
  // what comes before can head a thousands group (1-3 digits): `1234.567` cannot mean 1.234.567.
  if (after.length === 3 && parts[0]!.length > 0 && parts[0]!.length <= 3 && parts[0] !== '0') return [',', '.'];
  return [sep];
}

/** Is this amount text ambiguous between the two decimal marks? */
export function isAmbiguousAmount(text: string): boolean {
  const t = stripAmountDecoration(text);
  return t !== null && /[.,]/.test(t) && decimalMarksOf(text).length === 2;
}

/** Removes currency sign, spaces and sign notation; null when nothing numeric remains. */
function stripAmountDecoration(text: string): string | null {
  let t = text.replace(NBSP, '');
  t = t.replace(/^(€|EUR)/i, '').replace(/(€|EUR)$/i, '');
  if (t.startsWith('(') && t.endsWith(')')) t = t.slice(1, -1);
  t = t.replace(/^[+-]/, '').replace(/-$/, '');
  t = t.replace(/^(€|EUR)/i, '');
  if (!/^[0-9][0-9.,]*$/.test(t) && !/^[.,][0-9]+$/.test(t)) return null;
  return t;
}

/**
 * Parses an amount as written in Dutch or international notation into integer cents: the one
 * amount parser of the tool (CSV and spreadsheet imports, bank files, `calc`, `payments add`, the
 * handover's own CSV). Accepted: `1.234,56`, `1234,56`, `1234.56`, `€ 1.234,56`, `-12,50`,
 * `12,50-`, `(12,50)`, `75,` (MT940), `2500`. More than two decimals is refused unless they are
 * zeros; at most 99.999.999.999,99. The plain notations take the fast path.
 */
export function parseAmount(text: string, decimalMark: DecimalMark): AmountParse {
  const fast = parseAmountFast(text, decimalMark);
  return fast === fast ? { ok: true, cents: fast } : parseAmountGeneral(text, decimalMark);
}

/** The general reader behind `parseAmount`: every notation, and the reason when it is none. */
export function parseAmountGeneral(text: string, decimalMark: DecimalMark): AmountParse {
  const raw = text.trim();
  if (raw === '') return { ok: false, reason: 'empty amount' };
  let t = raw.replace(NBSP, '');
  let negative = false;
  if (t.startsWith('(') && t.endsWith(')')) {
    negative = true;
    t = t.slice(1, -1);
  }
  t = t.replace(/^(€|EUR)/i, '').replace(/(€|EUR)$/i, '');
  if (t.startsWith('-')) {
    negative = !negative;
    t = t.slice(1);
  } else if (t.startsWith('+')) {
    t = t.slice(1);
  } else if (t.endsWith('-')) {
    negative = !negative;
    t = t.slice(0, -1);
  }
  t = t.replace(/^(€|EUR)/i, '');
  const thousands = decimalMark === ',' ? '.' : ',';
  if (!/^[0-9.,]+$/.test(t)) return { ok: false, reason: 'not a number' };
  const decIdx = t.lastIndexOf(decimalMark);
  let intPart = decIdx >= 0 ? t.slice(0, decIdx) : t;
  let fracPart = decIdx >= 0 ? t.slice(decIdx + 1) : '';
  if (fracPart.includes(thousands) || fracPart.includes(decimalMark)) {
    return { ok: false, reason: 'separator after the decimal mark' };
  }
  if (intPart.includes(thousands)) {
    // Thousands groups must be exactly three digits: `1.234.567`, not `12.34`.
    if (!/^[0-9]{1,3}([.,][0-9]{3})+$/.test(intPart) || intPart.includes(decimalMark)) {
      return { ok: false, reason: `misplaced '${thousands}' for decimal mark '${decimalMark}'` };
    }
    intPart = intPart.split(thousands).join('');
  }
  if (intPart === '' && fracPart === '') return { ok: false, reason: 'not a number' };
  if (!/^[0-9]*$/.test(intPart) || !/^[0-9]*$/.test(fracPart)) return { ok: false, reason: 'not a number' };
  if (fracPart.length > 2) {
    if (!/^0*$/.test(fracPart.slice(2))) return { ok: false, reason: 'more than two decimals' };
    fracPart = fracPart.slice(0, 2);
  }
  const cents = Number(intPart || '0') * 100 + Number((fracPart + '00').slice(0, 2));
  if (!Number.isSafeInteger(cents) || cents > 99_999_999_999_99) return { ok: false, reason: 'amount too large' };
  return { ok: true, cents: negative && cents !== 0 ? -cents : cents };
}

/**
 * The fast path: the plain notations (`1234,56`, `-12,5`, `1.234.567,89`, `2500`) read without
 * regular expressions or allocation, because a million-row import spends most of its time here
 * otherwise. Returns NaN for anything else (signs after the number, currency signs, spaces, `75,`,
 * three decimals, more than 11 digits of euros), which `parseAmountGeneral` then reads or
 * explains. Where it returns a number it is exactly what `parseAmountGeneral` returns (a
 * fast-check property in money.test.ts checks this).
 */
export function parseAmountFast(text: string, decimalMark: DecimalMark): number {
  const n = text.length;
  const mark = decimalMark === ',' ? 0x2c : 0x2e;
  const thousands = decimalMark === ',' ? 0x2e : 0x2c;
  let i = 0;
  let negative = false;
  if (n > 0 && text.charCodeAt(0) === 0x2d) {
    negative = true;
    i = 1;
  }
  let euros = 0;
  let digits = 0;
  const start = i;
  while (i < n) {
    const c = text.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) break;
    euros = euros * 10 + c;
    digits++;
    i++;
  }
  if (digits === 0) return NaN;
  if (i < n && text.charCodeAt(i) === thousands) {
    // Groups of exactly three digits after a head of one to three: `1.234.567`.
    if (i - start > 3) return NaN;
    while (i < n && text.charCodeAt(i) === thousands) {
      if (i + 4 > n) return NaN;
      for (let k = 1; k <= 3; k++) {
        const c = text.charCodeAt(i + k) - 0x30;
        if (!(c >= 0 && c <= 9)) return NaN;
        euros = euros * 10 + c;
      }
      digits += 3;
      i += 4;
    }
  }
  // 11 digits of euros keep the cents within parseAmount's limit (99.999.999.999,99).
  if (digits > 11) return NaN;
  let cents = euros * 100;
  if (i < n) {
    if (text.charCodeAt(i) !== mark) return NaN;
    const decimals = n - i - 1;
    if (decimals < 1 || decimals > 2) return NaN;
    const d1 = text.charCodeAt(i + 1) - 0x30;
    if (d1 < 0 || d1 > 9) return NaN;
    if (decimals === 2) {
      const d2 = text.charCodeAt(i + 2) - 0x30;
      if (d2 < 0 || d2 > 9) return NaN;
      cents += d1 * 10 + d2;
    } else {
      cents += d1 * 10;
    }
  }
  return negative && cents !== 0 ? -cents : cents;
}

/**
 * Parses a decimal string with a dot (XML, JSON, bank files) into cents. Decimals beyond the
 * cent are rounded half up, for bank files that carry five decimals.
 */
export function parseDotDecimal(text: string): AmountParse {
  const t = text.trim();
  const m = /^([+-]?)([0-9]+)(?:\.([0-9]*))?$/.exec(t);
  if (!m) return { ok: false, reason: 'not a decimal number' };
  const frac = (m[3] ?? '').padEnd(3, '0');
  let cents = Number(m[2]) * 100 + Number(frac.slice(0, 2));
  if (Number(frac[2]) >= 5) cents += 1;
  if (!Number.isSafeInteger(cents)) return { ok: false, reason: 'amount too large' };
  return { ok: true, cents: m[1] === '-' && cents !== 0 ? -cents : cents };
}

/** Rounds a non-negative rational `numerator / denominator` of cents half up to whole cents. */
export function roundHalfUpDiv(numerator: bigint, denominator: bigint): number {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  const q = (n * 2n + denominator) / (denominator * 2n);
  return Number(negative ? -q : q);
}

const groupThousands = (digits: string, sep: string): string =>
  digits.replace(/\B(?=(\d{3})+(?!\d))/g, sep);

/** `€ 1.234,56`, `€ -12,50` — the notation of Dutch letters and terminal output. */
export function formatEuro(cents: number): string {
  return `€ ${formatAmountNl(cents)}`;
}

/** `1.234,56` without the currency sign (CSV cells, tables). */
export function formatAmountNl(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const euros = Math.floor(abs / 100).toString();
  const rest = (abs % 100).toString().padStart(2, '0');
  return `${sign}${groupThousands(euros, '.')},${rest}`;
}

/** `€ 1,234.56` for English letters. */
export function formatEuroEn(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const euros = Math.floor(abs / 100).toString();
  const rest = (abs % 100).toString().padStart(2, '0');
  return `€ ${sign}${groupThousands(euros, ',')}.${rest}`;
}

/** `1234.56` with a dot: payment payloads (EPC QR) and JSON strings. Never locale-formatted. */
export function formatDotDecimal(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${(abs % 100).toString().padStart(2, '0')}`;
}

/** Euros as written in the config (`10.00`, a JSON number) to cents, half up. */
export function eurosToCents(euros: number): number {
  return Math.round(euros * 100 + (euros >= 0 ? 1e-9 : -1e-9));
}
