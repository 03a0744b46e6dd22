// Excel workbooks (.xlsx) for `import` (issue 18 item 1): one sheet becomes the same records the
// CSV tokenizer makes, so header matching, presets and every row check are shared.
//
// Library: read-excel-file (see README "Development notes" for the comparison with exceljs).
// Its `parseNumber` hook hands over the number exactly as stored in the sheet's XML, so no amount
// ever passes through a float we did not choose; date cells (numbers with a date format, in the
// 1900 or 1904 system) come out as dates.
//
// Cell to text:
// - date cell  -> `YYYY-MM-DD` (its calendar day; a time of day is dropped)
// - number     -> its shortest decimal form (`1234.5599999999999` is the double of `1234.56`,
//                 so it reads as 1234,56; `0.30000000000000004` is not and is refused as
//                 sub-cent by the amount check), written with the file's decimal mark
// - text       -> as is (amounts in text cells follow the same notation rules as CSV)
// - boolean    -> TRUE / FALSE; error cells (#N/A) -> their code, which no field accepts
//
// Limits: files over MAX_XLSX_BYTES are refused before unpacking (the library reads a sheet into
// memory; an export of open invoices is far smaller).

import fs from 'node:fs';
import { AppError } from '../errors.js';
import type { CsvRecord } from './csv-tokenizer.js';
import { isoFromParts } from '../domain/dates.js';

export const MAX_XLSX_BYTES = 50 * 1024 * 1024;

interface RawNumber {
  raw: string;
}

export interface OpenSheet {
  /** The sheet's name, used in locations: `file.xlsx:Openstaand!C7`. */
  name: string;
  /** The first non-empty row's cells (the header). */
  header: string[];
  batches(): AsyncIterable<CsvRecord[]>;
}

/** `A`, `B`, … `Z`, `AA`, … for a 1-based column number. */
export function columnLetters(column: number): string {
  let n = column;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** The shortest decimal form of a stored number, with `mark` as the decimal mark; null for exponents. */
export function numberCellText(raw: string, mark: ',' | '.'): string {
  const n = Number(raw);
  if (!Number.isFinite(n)) return raw.trim();
  const shortest = String(n);
  if (/e/i.test(shortest)) return shortest; // 1e-7, 1e+21: refused by the amount check
  return mark === ',' ? shortest.replace('.', ',') : shortest;
}

function cellText(value: unknown, mark: ',' | '.'): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (value instanceof Date) return isoFromParts(value.getUTCFullYear(), value.getUTCMonth() + 1, value.getUTCDate());
  if (typeof value === 'object' && 'raw' in (value as RawNumber)) return numberCellText((value as RawNumber).raw, mark);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return numberCellText(String(value), mark);
  return String(value);
}

export async function openSheet(file: string, options: { sheet?: string | undefined; decimal: ',' | '.' }): Promise<OpenSheet> {
  const size = fs.statSync(file).size;
  const display = file.split(/[\\/]/).pop();
  if (size > MAX_XLSX_BYTES) {
    throw new AppError('input_invalid', `${display}: the workbook is ${Math.round(size / 1024 / 1024)} MB; at most ${MAX_XLSX_BYTES / 1024 / 1024} MB is read. Save the sheet of open invoices as CSV and import that.`);
  }
  const { default: readExcel } = await import('read-excel-file/node');
  let sheets: { sheet: string; data: unknown[][] }[];
  try {
    sheets = (await readExcel(file, { parseNumber: (raw: string): RawNumber => ({ raw }), trim: false } as never)) as unknown as typeof sheets;
  } catch (error) {
    throw new AppError('input_invalid', `${display}: not a readable Excel workbook (${(error as Error).message.split('\n')[0]}). Open it in Excel or LibreOffice and save it again as .xlsx, or as CSV.`);
  }
  if (sheets.length === 0) throw new AppError('input_invalid', `${display}: the workbook has no sheets.`);
  let chosen = sheets[0]!;
  if (options.sheet !== undefined) {
    const wanted = options.sheet.trim();
    const byName = sheets.find((s) => s.sheet === wanted) ?? sheets.find((s) => s.sheet.toLowerCase() === wanted.toLowerCase());
    const byNumber = /^[0-9]+$/.test(wanted) ? sheets[Number(wanted) - 1] : undefined;
    const found = byName ?? byNumber;
    if (!found) {
      throw new AppError('usage', `--sheet "${wanted}": ${display} has no such sheet; its sheets are ${sheets.map((s) => `"${s.sheet}"`).join(', ')}.`, {
        hint: 'Give the sheet name or its number (1 = the first).',
      });
    }
    chosen = found;
  }
  const mark = options.decimal;
  const rows = chosen.data;
  const records: CsvRecord[] = [];
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const fields = row.map((v) => cellText(v, mark));
    records.push({ line: r + 1, fields });
  }
  // Drop leading empty rows and the empty columns left of the table, keeping cell positions
  // (line = sheet row; a column offset is kept so C7 stays C7).
  const firstRow = records.findIndex((rec) => rec.fields.some((f) => f.trim() !== ''));
  const body = firstRow < 0 ? [] : records.slice(firstRow);
  const header = body[0]?.fields.map((f) => f.trim()) ?? [];
  return {
    name: chosen.sheet,
    header,
    async *batches() {
      for (let i = 0; i < body.length; i += 5000) yield body.slice(i, i + 5000);
    },
  };
}
