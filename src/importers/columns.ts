// Column presets and header matching for invoice CSV files.
//
// A preset is data (hledger keeps its bank mappings in `.rules` files the same way): for every
// field of an invoice row, the header names that mean it, in order of preference. The generic
// preset holds the English and Dutch aliases of SPEC §7.1; the package presets hold layouts seen
// in the wild (domain/formats.md §2). Users can write their own preset as a JSON file.

import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { AppError } from '../errors.js';
import type { DecimalMark } from '../domain/money.js';
import { delimiterFromName, type Delimiter } from './csv-tokenizer.js';
import { encodingFromName, type TextEncodingName } from './decode.js';
// Imported as JSON modules so that `tsc` copies them to dist/importers/presets/ and no path has
// to be resolved at run time (Node 20.19+ loads JSON modules without a warning).
import genericJson from './presets/generic.json' with { type: 'json' };
import eboekhoudenJson from './presets/eboekhouden.json' with { type: 'json' };
import afasJson from './presets/afas.json' with { type: 'json' };
import exactJson from './presets/exact.json' with { type: 'json' };
import moneybirdJson from './presets/moneybird.json' with { type: 'json' };
import snelstartJson from './presets/snelstart.json' with { type: 'json' };
import twinfieldJson from './presets/twinfield.json' with { type: 'json' };
import yukiJson from './presets/yuki.json' with { type: 'json' };

export const INVOICE_FIELDS = [
  'invoice_number',
  'debtor_number',
  'debtor_name',
  'debtor_type',
  'contact_person',
  'email',
  'phone',
  'street',
  'postcode',
  'city',
  'country',
  'language',
  'kvk',
  'vat_number',
  'issue_date',
  'due_date',
  'amount',
  'open_amount',
  'currency',
  'reference',
  'term_is_fatal',
  'consumer_claim',
] as const;

export type InvoiceField = (typeof INVOICE_FIELDS)[number];

/** The notations `parseDateText` reads; a preset may pin one (a column that mixes them is an error). */
export const DATE_FORMATS = ['YYYY-MM-DD', 'YYYYMMDD', 'DD-MM-YYYY', 'D-M-YYYY', 'DD/MM/YYYY', 'DD.MM.YYYY'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

export interface Preset {
  name: string;
  description: string;
  /** For each field, the accepted header names, most preferred first. */
  columns: Partial<Record<InvoiceField, string[]>>;
  delimiter?: Delimiter;
  /** Forces the decimal mark like `--decimal` does. */
  decimal?: DecimalMark;
  encoding?: TextEncodingName;
  dateFormat?: DateFormat;
  /**
   * Headers that together identify the package's export: when every one is in a file's header
   * and `--preset` is not given, `import` picks this preset (and says so).
   */
  signature?: string[];
}

/** Required fields; an entry with two fields needs one of them. */
export const REQUIRED_FIELDS: readonly (readonly InvoiceField[])[] = [
  ['invoice_number'],
  ['debtor_number', 'debtor_name'],
  ['amount'],
  ['due_date', 'issue_date'],
];

/**
 * The form in which headers and aliases are compared: case-insensitive, trimmed, without
 * surrounding quotes, dots, spaces, '-' and '_' ("Factuurnr." = "factuurnr", "E-mail" = "email",
 * "Invoice Number" = "invoice_number"). A leading '*' is dropped too: Xero's templates mark
 * required columns that way ("*InvoiceNumber").
 */
export function normalizeHeader(text: string): string {
  let t = text.normalize('NFC').trim();
  while (t.length >= 2 && ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'")))) {
    t = t.slice(1, -1).trim();
  }
  if (t.startsWith('*')) t = t.slice(1);
  return t.toLowerCase().replace(/[.\s_-]+/g, '');
}

const PRESET_KEYS = new Set(['$schema', 'name', 'description', 'columns', 'delimiter', 'decimal', 'encoding', 'dateFormat', 'signature']);

/**
 * Checks a preset read from JSON and returns it typed; every problem is listed in one error
 * (`config_invalid`, exit 3) with the path of the bad key.
 */
export function validatePreset(data: unknown, source: string): Preset {
  const problems: string[] = [];
  const fieldList = INVOICE_FIELDS.join(', ');
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new AppError('config_invalid', `${source}: a preset must be a JSON object`, {
      hint: 'Write { "name": ..., "columns": { "invoice_number": ["Factuurnummer"], ... } }.',
    });
  }
  const obj = data as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!PRESET_KEYS.has(key)) problems.push(`${key}: unknown key (known: ${[...PRESET_KEYS].filter((k) => k !== '$schema').join(', ')})`);
  }
  const name = obj['name'] ?? basename(source).replace(/\.json$/i, '');
  if (typeof name !== 'string' || name.trim() === '') problems.push('name: expected a non-empty string');
  const description = obj['description'] ?? '';
  if (typeof description !== 'string') problems.push('description: expected a string');

  const columns: Partial<Record<InvoiceField, string[]>> = {};
  const rawColumns = obj['columns'];
  if (typeof rawColumns !== 'object' || rawColumns === null || Array.isArray(rawColumns)) {
    problems.push('columns: expected an object mapping fields to lists of header names');
  } else {
    for (const [field, aliases] of Object.entries(rawColumns as Record<string, unknown>)) {
      if (!(INVOICE_FIELDS as readonly string[]).includes(field)) {
        problems.push(`columns.${field}: unknown field (known: ${fieldList})`);
        continue;
      }
      const list = typeof aliases === 'string' ? [aliases] : aliases;
      if (!Array.isArray(list) || list.length === 0 || !list.every((a) => typeof a === 'string' && normalizeHeader(a) !== '')) {
        problems.push(`columns.${field}: expected a non-empty list of header names`);
        continue;
      }
      columns[field as InvoiceField] = list as string[];
    }
    for (const need of REQUIRED_FIELDS) {
      if (!need.some((f) => columns[f] !== undefined)) {
        problems.push(`columns: ${need.join(' or ')} is required`);
      }
    }
  }

  const preset: Preset = {
    name: typeof name === 'string' ? name : '',
    description: typeof description === 'string' ? description : '',
    columns,
  };
  if (obj['delimiter'] !== undefined) {
    const d = typeof obj['delimiter'] === 'string' ? delimiterFromName(obj['delimiter']) : null;
    if (d === null) problems.push(`delimiter: expected ";", "," or "\\t"`);
    else preset.delimiter = d;
  }
  if (obj['decimal'] !== undefined) {
    if (obj['decimal'] !== ',' && obj['decimal'] !== '.') problems.push('decimal: expected "," or "."');
    else preset.decimal = obj['decimal'];
  }
  if (obj['encoding'] !== undefined) {
    const e = typeof obj['encoding'] === 'string' ? encodingFromName(obj['encoding']) : null;
    if (e === null) problems.push('encoding: expected "utf-8" or "windows-1252"');
    else preset.encoding = e;
  }
  if (obj['signature'] !== undefined) {
    const sig = obj['signature'];
    if (!Array.isArray(sig) || sig.length === 0 || !sig.every((h) => typeof h === 'string' && normalizeHeader(h) !== '')) problems.push('signature: expected a non-empty list of header names');
    else preset.signature = sig as string[];
  }
  if (obj['dateFormat'] !== undefined) {
    const f = obj['dateFormat'];
    if (typeof f !== 'string' || !(DATE_FORMATS as readonly string[]).includes(f)) {
      problems.push(`dateFormat: expected one of ${DATE_FORMATS.join(', ')}`);
    } else preset.dateFormat = f as DateFormat;
  }
  if (problems.length > 0) {
    throw new AppError('config_invalid', `${source}: invalid preset (${problems.length} problem${problems.length === 1 ? '' : 's'})`, {
      hint: `Fix the preset file; fields are: ${fieldList}.`,
      details: problems,
    });
  }
  return preset;
}

/**
 * The bundled preset whose signature headers are all in `header`, the most specific (longest
 * signature) first; null when none fits (the generic preset then reads the file).
 */
export function presetForHeader(header: readonly string[]): Preset | null {
  const have = new Set(header.map(normalizeHeader));
  let best: Preset | null = null;
  for (const preset of Object.values(BUNDLED_PRESETS)) {
    const sig = preset.signature;
    if (sig === undefined || !sig.every((h) => have.has(normalizeHeader(h)))) continue;
    if (best === null || sig.length > best.signature!.length) best = preset;
  }
  return best;
}

/** The presets that ship with the tool, by name. */
export const BUNDLED_PRESETS: Readonly<Record<string, Preset>> = Object.freeze(
  Object.fromEntries(
    [genericJson, eboekhoudenJson, afasJson, exactJson, moneybirdJson, snelstartJson, twinfieldJson, yukiJson].map((json) => {
      const preset = validatePreset(json, `presets/${json.name}.json`);
      return [preset.name, preset];
    }),
  ),
);

export const GENERIC_PRESET: Preset = BUNDLED_PRESETS['generic']!;

/**
 * A bundled preset by name (`generic`, `eboekhouden`, `afas`), or a user's preset from a JSON
 * file: anything with a path separator or ending in `.json` is read as a file, relative to `cwd`
 * (default: the process's working directory). Synchronous: it is one small file read at start.
 */
export function loadPreset(nameOrPath: string, cwd?: string): Preset {
  const looksLikePath = /[\\/]/.test(nameOrPath) || /\.json$/i.test(nameOrPath);
  if (!looksLikePath) {
    const preset = BUNDLED_PRESETS[nameOrPath.trim().toLowerCase()];
    if (preset === undefined) {
      throw new AppError('usage', `unknown preset "${nameOrPath}"`, {
        hint: `Use one of ${Object.keys(BUNDLED_PRESETS).join(', ')}, or the path of your own preset .json file.`,
      });
    }
    return preset;
  }
  const file = cwd === undefined ? nameOrPath : resolve(cwd, nameOrPath);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new AppError('config_invalid', `cannot read preset file ${nameOrPath}: ${(cause as Error).message}`, {
      hint: 'Check the path given to --preset.',
      cause,
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (cause) {
    throw new AppError('config_invalid', `${nameOrPath}: not valid JSON: ${(cause as Error).message}`, {
      hint: 'A preset is a JSON object; check commas and quotes.',
      cause,
    });
  }
  return validatePreset(data, nameOrPath);
}

export interface ColumnMatch {
  field: InvoiceField;
  /** 0-based index in the record; the user's column number is index + 1. */
  index: number;
  /** The header as written in the file. */
  header: string;
}

export interface IgnoredColumn {
  index: number;
  header: string;
  /** Set when the header names a field that an earlier or more preferred column already fills. */
  duplicateOf?: InvoiceField;
}

export interface MissingColumn {
  /** One of these fields is needed. */
  fields: InvoiceField[];
  /** Every header name that would have been accepted, as written in the preset. */
  accepted: string[];
}

export interface HeaderMatch {
  /** Field -> 0-based column index, for the fields found. */
  indexOf: Partial<Record<InvoiceField, number>>;
  matched: ColumnMatch[];
  ignored: IgnoredColumn[];
  missing: MissingColumn[];
}

/**
 * Maps the header cells of a file to fields. For each field the preset's aliases are tried in
 * order, so "Factuurdatum" wins over "Datum" when a file has both. A column serves one field.
 */
export function matchHeader(header: readonly string[], preset: Preset): HeaderMatch {
  const normalized = header.map(normalizeHeader);
  const firstIndex = new Map<string, number>();
  normalized.forEach((h, i) => {
    if (h !== '' && !firstIndex.has(h)) firstIndex.set(h, i);
  });
  const taken = new Map<number, InvoiceField>();
  const indexOf: Partial<Record<InvoiceField, number>> = {};
  const matched: ColumnMatch[] = [];
  for (const field of INVOICE_FIELDS) {
    const aliases = preset.columns[field];
    if (aliases === undefined) continue;
    for (const alias of aliases) {
      const i = firstIndex.get(normalizeHeader(alias));
      if (i !== undefined && !taken.has(i)) {
        taken.set(i, field);
        indexOf[field] = i;
        matched.push({ field, index: i, header: header[i]! });
        break;
      }
    }
  }
  // What each leftover column would have meant, to explain why it is not used.
  const aliasField = new Map<string, InvoiceField>();
  for (const field of INVOICE_FIELDS) {
    for (const alias of preset.columns[field] ?? []) {
      const a = normalizeHeader(alias);
      if (!aliasField.has(a)) aliasField.set(a, field);
    }
  }
  const ignored: IgnoredColumn[] = [];
  header.forEach((h, i) => {
    if (taken.has(i)) return;
    const field = aliasField.get(normalized[i]!);
    ignored.push(field !== undefined && indexOf[field] !== undefined ? { index: i, header: h, duplicateOf: field } : { index: i, header: h });
  });
  const missing: MissingColumn[] = [];
  for (const need of REQUIRED_FIELDS) {
    if (need.some((f) => indexOf[f] !== undefined)) continue;
    missing.push({ fields: [...need], accepted: need.flatMap((f) => preset.columns[f] ?? []) });
  }
  matched.sort((a, b) => a.index - b.index);
  return { indexOf, matched, ignored, missing };
}
