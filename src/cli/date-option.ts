// Every date given on the command line goes through here: one parser (domain/dates.ts
// parseDateOption), one message, exit 2.
import { parseDateOption, type IsoDate } from '../domain/dates.js';
import { AppError } from '../errors.js';

export function dateOption(flag: string, text: string): IsoDate {
  const parsed = parseDateOption(flag, text);
  if (!parsed.ok) throw new AppError('usage', parsed.message, { hint: parsed.hint });
  return parsed.date;
}
