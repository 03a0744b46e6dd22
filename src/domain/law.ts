// The law as data: everything dated or likely to change (statutory rates, the Atw holiday rules,
// the postal delivery presumption) is read from the package's `law/` files, plus the user's own
// rate rows, and handed to the domain functions as one value. Nothing here reads files.
import type { HolidayRules } from './holidays.js';
import type { RateTable } from './interest-rates.js';
import type { DeliveryRow, TermLaw } from './terms.js';

export interface Law extends TermLaw {
  rates: RateTable;
  holidays: HolidayRules;
  delivery: readonly DeliveryRow[];
  /** The files the tables were read from, for `calc rates` and error messages. */
  files: { rates: string; holidays: string; delivery: string; userRates: string | null };
}
