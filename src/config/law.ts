// Reads the law tables shipped in the package's `law/` folder and the user's rate file
// (`law.ratesFile`), validates every row and merges them. A bad row stops the command with exit
// code 3 naming the file and the row: an interest figure from a wrong table is worse than none.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../errors.js';
import { parseHolidayRules } from '../domain/holidays.js';
import { mergeRateTables, parseRateRows, type RowProblem } from '../domain/interest-rates.js';
import { parseDeliveryRows } from '../domain/terms.js';
import type { Law } from '../domain/law.js';
import type { StageTerm } from '../domain/verzuim.js';

export const LAW_DIR = fileURLToPath(new URL('../../law/', import.meta.url));

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new AppError('config_invalid', `${what} ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, {
      hint: 'Check the path of law.ratesFile in the config (relative to the config file).',
    });
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new AppError('config_invalid', `${file}: not valid JSON (${(error as Error).message}).`, { hint: 'Check for a missing comma or quote.' });
  }
}

function rowError(file: string, problems: (RowProblem | { row: number; message: string; field?: string | null })[]): AppError {
  const lines = problems.map((p) => `${file}: ${p.row === 0 ? 'file' : `row ${p.row}`}${'field' in p && p.field ? ` ("${p.field}")` : ''}: ${p.message}`);
  return new AppError('config_invalid', `${lines[0]}${lines.length > 1 ? ` (and ${lines.length - 1} more)` : ''}`, {
    details: lines.slice(1),
    hint: 'Each row is {"from": "YYYY-MM-DD", "consumer": "4", "business": "10.40", "source": "where it is published", "verify": false}; README "Rates as data" shows an example.',
    data: { file, problems },
  });
}

const cache = new Map<string, Law>();

/** The shipped tables, with the rows of `userRatesFile` (absolute path) added when given. */
export function loadLaw(userRatesFile: string | null = null, lawDir: string = LAW_DIR): Law {
  const key = `${lawDir}\0${userRatesFile ?? ''}`;
  const cached = cache.get(key);
  // The user's file is read again on every call with a new path; a cached entry is per process.
  if (cached) return cached;
  const ratesFile = path.join(lawDir, 'rates.json');
  const holidaysFile = path.join(lawDir, 'holidays.json');
  const deliveryFile = path.join(lawDir, 'delivery.json');
  const shipped = parseRateRows(readJson(ratesFile, 'The rate table'), 'shipped');
  if (shipped.problems.length > 0) throw rowError(ratesFile, shipped.problems);
  let rates = mergeRateTables([], shipped.rows);
  if (userRatesFile !== null) {
    const user = parseRateRows(readJson(userRatesFile, 'The rates file'), userRatesFile);
    if (user.problems.length > 0) throw rowError(userRatesFile, user.problems);
    rates = mergeRateTables(rates, user.rows);
  }
  const holidays = parseHolidayRules(readJson(holidaysFile, 'The holiday rules'));
  if (!holidays.rules) throw rowError(holidaysFile, holidays.problems);
  const delivery = parseDeliveryRows(readJson(deliveryFile, 'The delivery presumption'));
  if (delivery.problems.length > 0) throw rowError(deliveryFile, delivery.problems);
  const law: Law = {
    rates,
    holidays: holidays.rules,
    delivery: delivery.rows,
    files: { rates: ratesFile, holidays: holidaysFile, delivery: deliveryFile, userRates: userRatesFile },
  };
  cache.set(key, law);
  return law;
}

/**
 * Where the stage terms derived under a law are remembered between commands (config/load.ts
 * keeps them next to the validated config): deriving them walks two years of days per stage,
 * which costs more than the rest of `status` on a small ledger.
 */
export interface TermsMemo {
  get(key: string): StageTerm[] | undefined;
  set(key: string, terms: StageTerm[]): void;
}

const memos = new WeakMap<Law, TermsMemo>();

export function rememberTermsWith(law: Law, memo: TermsMemo): void {
  memos.set(law, memo);
}

export function termsMemoOf(law: Law): TermsMemo | undefined {
  return memos.get(law);
}
