// Checking a correction of a debtor's details, field by field, with the same rules as the import
// (e-mail plausible, Dutch postcode, IBAN check digits). Pure: text in, column values out.
import { isValidIban, parseEmailList, normaliseIban, normalisePostcode } from './identifiers.js';

export interface CorrectionInput {
  email?: string | undefined;
  channel?: string | undefined;
  language?: string | undefined;
  type?: string | undefined;
  address?: string | undefined;
  iban?: string | undefined;
  note?: string | undefined;
  name?: string | undefined;
  phone?: string | undefined;
}

/** Column name to new value (null clears). */
export type CorrectionValues = Record<string, string | null>;

export type CorrectionCheck = { ok: true; values: CorrectionValues; warnings: string[] } | { ok: false; problems: string[] };

// Control characters never reach a letter, a mail header or a terminal.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function checkCorrection(input: CorrectionInput, country = 'NL'): CorrectionCheck {
  const values: CorrectionValues = {};
  const problems: string[] = [];
  const warnings: string[] = [];
  const text = (flag: string, v: string, max: number): string | null => {
    const t = v.trim();
    if (CONTROL.test(t)) problems.push(`${flag}: control characters are not allowed`);
    else if (t.length > max) problems.push(`${flag}: longer than ${max} characters`);
    return t === '' ? null : t;
  };
  if (input.email !== undefined) {
    const t = text('--email', input.email, 254);
    const list = t === null ? undefined : parseEmailList(t);
    if (t !== null && !list) problems.push(`--email "${input.email}" is not an e-mail address (like name@example.nl, or several separated by ";")`);
    values.email = list ? list.join(', ') : null;
  }
  if (input.channel !== undefined) {
    if (!['post', 'email', 'both'].includes(input.channel)) problems.push(`--channel "${input.channel}" is not post, email or both`);
    else values.channel = input.channel;
  }
  if (input.language !== undefined) {
    const l = input.language.toLowerCase();
    if (l !== 'nl' && l !== 'en') problems.push(`--language "${input.language}" is not nl or en`);
    else values.language = l;
  }
  if (input.type !== undefined) {
    const t = input.type.toLowerCase();
    if (t !== 'consumer' && t !== 'business') problems.push(`--type "${input.type}" is not consumer or business`);
    else values.type = t;
  }
  if (input.address !== undefined) {
    const t = text('--address', input.address, 200);
    if (t !== null) {
      const comma = t.lastIndexOf(',');
      const street = comma > 0 ? t.slice(0, comma).trim() : '';
      const rest = comma > 0 ? t.slice(comma + 1).trim() : t;
      const m = /^([1-9][0-9]{3}\s*[A-Za-z]{2})\s+(.+)$/.exec(rest);
      if (!street || (country === 'NL' && !m)) {
        problems.push(`--address "${input.address}" is not "street and number, postcode city" with a Dutch postcode (1234 AB)`);
      } else if (m) {
        const pc = normalisePostcode(m[1]!);
        if (!pc) problems.push(`--address: postcode "${m[1]}" is not a Dutch postcode (1234 AB)`);
        else {
          if (pc.warning) warnings.push(pc.warning);
          Object.assign(values, { street, postcode: pc.postcode, city: m[2]!.trim() });
        }
      } else {
        Object.assign(values, { street, postcode: null, city: rest });
      }
    }
  }
  if (input.iban !== undefined) {
    const t = input.iban.trim();
    if (t === '') values.iban = null;
    else if (!isValidIban(t)) problems.push(`--iban "${input.iban}" fails the IBAN check digits`);
    else values.iban = normaliseIban(t);
  }
  if (input.note !== undefined) values.note = text('--note', input.note, 1000);
  if (input.name !== undefined) {
    const t = text('--name', input.name, 200);
    if (t === null) problems.push('--name may not be empty');
    else values.name = t;
  }
  if (input.phone !== undefined) values.phone = text('--phone', input.phone, 40);
  if (values.channel && values.channel !== 'post' && input.email !== undefined && values.email === null) problems.push(`--channel ${values.channel} needs an e-mail address`);
  return problems.length ? { ok: false, problems } : { ok: true, values, warnings };
}

/** The columns an import may fill; a correction of one of these survives the next import. */
export const IMPORTED_FIELDS = ['name', 'type', 'email', 'phone', 'street', 'postcode', 'city', 'language'] as const;
