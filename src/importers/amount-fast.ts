import type { DecimalMark } from '../domain/money.js';

/**
 * The plain notations (`1234,56`, `-12,5`, `1.234.567,89`, `2500`) read without regular
 * expressions, because a million-row import spends most of its time here otherwise. Returns NaN
 * for anything else (signs after the number, currency signs, spaces, `75,`, three decimals, too
 * many digits), which then goes to `parseAmount`. Where it returns a number it is exactly what
 * `parseAmount(text, decimalMark)` returns (a property test checks this).
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
