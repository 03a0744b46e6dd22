// How the report prints its figures, per language. The browser test formats the JSON figures
// with these same functions and compares them with what the page shows.
import { formatEuro, formatEuroEn } from '../domain/money.js';
import { formatDateDmy, formatDateEn } from '../domain/dates.js';

export type Lang = 'nl' | 'en';
export type FigureFormat = 'euro' | 'count' | 'share' | 'days' | 'date' | 'text';

export function formatFigure(value: unknown, format: FigureFormat, lang: Lang): string {
  if (value === null || value === undefined) return '–';
  switch (format) {
    case 'euro':
      return lang === 'nl' ? formatEuro(value as number) : formatEuroEn(value as number);
    case 'count':
      return (value as number).toLocaleString(lang === 'nl' ? 'nl-NL' : 'en-GB');
    case 'share': {
      const pct = Math.round((value as number) * 1000) / 10;
      return lang === 'nl' ? `${String(pct).replace('.', ',')}%` : `${pct}%`;
    }
    case 'days': {
      const d = value as number;
      return lang === 'nl' ? String(d).replace('.', ',') : String(d);
    }
    case 'date':
      return lang === 'nl' ? formatDateDmy(value as string) : formatDateEn(value as string);
    default:
      return String(value);
  }
}
