// Early-warning signals: a list of rules, each reading the facts it needs and returning what it
// sees. A rule whose facts the ledger does not have (arrangements before that part of the tool
// exists) is skipped, so a new kind of fact brings a new rule and nothing else changes.
import { LIMITATION_WARNING_DAYS, limitationDate } from '../limitation.js';
import { daysBetween, formatDateDmy, formatDateEn, type IsoDate } from '../dates.js';
import { formatEuro, formatEuroEn } from '../money.js';
import type { Behaviour } from './behaviour.js';

export interface DebtorPoint {
  today: IsoDate;
  debtor: string;
  openCents: number;
  overdueCents: number;
  maxDaysLate: number;
}

export interface InvoiceFact {
  invoice: string;
  debtor: string;
  name: string;
  type: 'consumer' | 'business';
  dueDate: IsoDate;
  openCents: number;
}

/** A payment arrangement, promise to pay or agreed call back, once the ledger records them. */
export interface ArrangementFact {
  debtor: string;
  name: string;
  kind: 'arrangement' | 'promise' | 'call';
  /** The day the instalment, payment or call was due. */
  dueDate: IsoDate;
  cents: number | null;
  broken: boolean;
}

export interface SignalFacts {
  today: IsoDate;
  /** Debtor names by number; looked up only for the debtors a signal names (a Map will do). */
  names: Pick<Map<string, string>, 'get'>;
  /** Per debtor with money overdue, at each of the last few imports (oldest first). */
  debtorHistory?: DebtorPoint[];
  behaviour?: Behaviour[];
  newOverdue?: InvoiceFact[];
  limitation?: InvoiceFact[];
  unmatched?: { count: number; cents: number };
  /** Below this overdue amount a debtor is not worth a signal (the config's minimumAmount). */
  minimumCents?: number;
  arrangements?: ArrangementFact[];
}

export type Severity = 'high' | 'medium' | 'low';

export interface Signal {
  kind: string;
  severity: Severity;
  debtor: string | null;
  name: string | null;
  invoice: string | null;
  cents: number | null;
  text: { nl: string; en: string };
}

export interface SignalRule {
  kind: string;
  /** The facts the rule reads; the rule is skipped when the ledger does not have them. */
  needs: Exclude<keyof SignalFacts, 'today' | 'names'>;
  detect(facts: SignalFacts): Signal[];
}

const nl = formatEuro;
const en = formatEuroEn;
const dnl = formatDateDmy;
const den = formatDateEn;

function byDebtor(points: DebtorPoint[]): Map<string, DebtorPoint[]> {
  const map = new Map<string, DebtorPoint[]>();
  for (const p of points) {
    const list = map.get(p.debtor) ?? [];
    list.push(p);
    map.set(p.debtor, list);
  }
  for (const list of map.values()) list.sort((a, b) => (a.today < b.today ? -1 : 1));
  return map;
}

/** The import days in the history, oldest first. */
function importDays(points: DebtorPoint[]): IsoDate[] {
  return [...new Set(points.map((p) => p.today))].sort();
}

/** The trend rules need at least this many imports in the history. */
export const TREND_MIN_IMPORTS = 2;

/** Each debtor present at every import of the history, with its points oldest first: the trend
 *  rules only judge a debtor seen at all of them. Nothing when under two imports. */
function fullHistories(f: SignalFacts): { debtor: string; list: DebtorPoint[]; imports: number }[] {
  const days = importDays(f.debtorHistory!);
  if (days.length < TREND_MIN_IMPORTS) return [];
  return [...byDebtor(f.debtorHistory!)].filter(([, list]) => list.length === days.length).map(([debtor, list]) => ({ debtor, list, imports: days.length }));
}

/** The debtor's name for a signal's text (its number when the ledger has no name). */
function nameOf(f: SignalFacts, debtor: string): string {
  return f.names.get(debtor) ?? debtor;
}

export const SIGNAL_RULES: SignalRule[] = [
  {
    kind: 'rising_balance',
    needs: 'debtorHistory',
    detect(f) {
      const out: Signal[] = [];
      for (const { debtor, list, imports } of fullHistories(f)) {
        // Present at every one of the last imports, never falling, and higher at the end.
        const rising = list.every((p, i) => i === 0 || p.overdueCents >= list[i - 1]!.overdueCents) && list.at(-1)!.overdueCents > list[0]!.overdueCents;
        if (!rising) continue;
        const name = nameOf(f, debtor);
        const from = list[0]!.overdueCents;
        const to = list.at(-1)!.overdueCents;
        out.push({
          kind: 'rising_balance', severity: to >= 2 * from ? 'high' : 'medium', debtor, name, invoice: null, cents: to,
          text: {
            nl: `Achterstand van ${name} steeg over de laatste ${imports} imports van ${nl(from)} naar ${nl(to)}.`,
            en: `${name}'s overdue balance rose over the last ${imports} imports from ${en(from)} to ${en(to)}.`,
          },
        });
      }
      return out;
    },
  },
  {
    kind: 'rising_days_late',
    needs: 'debtorHistory',
    detect(f) {
      const out: Signal[] = [];
      for (const { debtor, list } of fullHistories(f)) {
        // The oldest overdue invoice keeps ageing and nothing of the arrears was paid meanwhile.
        const ageing = list.every((p, i) => i === 0 || (p.maxDaysLate > list[i - 1]!.maxDaysLate && p.overdueCents >= list[i - 1]!.overdueCents));
        const last = list.at(-1)!;
        if (!ageing || last.maxDaysLate < 30 || last.overdueCents < (f.minimumCents ?? 0)) continue;
        const name = nameOf(f, debtor);
        out.push({
          kind: 'rising_days_late', severity: last.maxDaysLate > 60 ? 'high' : 'medium', debtor, name, invoice: null, cents: last.overdueCents,
          text: {
            nl: `${name} betaalde niets van de achterstand sinds ${dnl(list[0]!.today)}; bij de laatste import was de oudste post ${last.maxDaysLate} dagen te laat.`,
            en: `${name} paid nothing of the arrears since ${den(list[0]!.today)}; at the last import the oldest item was ${last.maxDaysLate} days late.`,
          },
        });
      }
      return out;
    },
  },
  {
    kind: 'paying_later',
    needs: 'behaviour',
    detect(f) {
      return f.behaviour!.filter((b) => b.payingLater).map((b) => {
        const name = nameOf(f, b.debtor);
        const last3 = b.daysLate.slice(-3).join(', ');
        return {
          kind: 'paying_later', severity: 'medium' as const, debtor: b.debtor, name, invoice: null, cents: null,
          text: {
            nl: `${name} betaalt steeds later: de laatste betalingen ${last3} dagen na de vervaldatum.`,
            en: `${name} pays later each time: the last payments ${last3} days after the due date.`,
          },
        };
      });
    },
  },
  {
    kind: 'new_large_overdue',
    needs: 'newOverdue',
    detect(f) {
      return f.newOverdue!.map((i) => ({
        kind: 'new_large_overdue', severity: 'medium' as const, debtor: i.debtor, name: i.name, invoice: i.invoice, cents: i.openCents,
        text: {
          nl: `Nieuw achterstallig: factuur ${i.invoice} van ${i.name}, ${nl(i.openCents)}, vervallen op ${dnl(i.dueDate)}.`,
          en: `Newly overdue: invoice ${i.invoice} of ${i.name}, ${en(i.openCents)}, due on ${den(i.dueDate)}.`,
        },
      }));
    },
  },
  {
    kind: 'near_limitation',
    needs: 'limitation',
    detect(f) {
      const out: Signal[] = [];
      for (const i of f.limitation!) {
        // The dates the tool warns about at import: 5 years (3:307 BW), 2 for a consumer sale (7:28 BW).
        const general = limitationDate(i.dueDate, 'general');
        const sale = i.type === 'consumer' ? limitationDate(i.dueDate, 'consumer-sale') : null;
        const end = [general, sale].filter((d): d is IsoDate => d !== null && daysBetween(f.today, d) <= LIMITATION_WARNING_DAYS).sort()[0];
        if (!end) continue;
        const left = daysBetween(f.today, end);
        const which = end === general ? '3:307 BW' : '7:28 BW';
        out.push({
          kind: 'near_limitation', severity: left < 30 ? 'high' : 'medium', debtor: i.debtor, name: i.name, invoice: i.invoice, cents: i.openCents,
          text: left < 0
            ? { nl: `Factuur ${i.invoice} van ${i.name} (${nl(i.openCents)}) is mogelijk verjaard sinds ${dnl(end)} (art. ${which}).`, en: `Invoice ${i.invoice} of ${i.name} (${en(i.openCents)}) may be time-barred since ${den(end)} (art. ${which}).` }
            : { nl: `Factuur ${i.invoice} van ${i.name} (${nl(i.openCents)}) verjaart op ${dnl(end)} (${left} dagen, art. ${which}): stuur een stuitingsbrief.`, en: `Invoice ${i.invoice} of ${i.name} (${en(i.openCents)}) becomes time-barred on ${den(end)} (${left} days, art. ${which}): interrupt it in writing.` },
        });
      }
      return out;
    },
  },
  {
    kind: 'unmatched_money',
    needs: 'unmatched',
    detect(f) {
      const u = f.unmatched!;
      if (u.count === 0) return [];
      return [{
        kind: 'unmatched_money', severity: 'medium', debtor: null, name: null, invoice: null, cents: u.cents,
        text: {
          nl: `${u.count} bankbetaling${u.count === 1 ? '' : 'en'} (${nl(u.cents)}) nog niet aan een factuur gekoppeld: zie \`payments list --unmatched\`.`,
          en: `${u.count} bank payment${u.count === 1 ? '' : 's'} (${en(u.cents)}) not yet matched to an invoice: see \`payments list --unmatched\`.`,
        },
      }];
    },
  },
  {
    kind: 'broken_arrangement',
    needs: 'arrangements',
    detect(f) {
      const what = { arrangement: ['betalingsregeling', 'payment arrangement'], promise: ['betaalbelofte', 'promise to pay'], call: ['afgesproken belafspraak', 'agreed call'] } as const;
      return f.arrangements!.filter((a) => a.broken).map((a) => ({
        kind: 'broken_arrangement', severity: 'high' as const, debtor: a.debtor, name: a.name, invoice: null, cents: a.cents,
        text: {
          nl: `${a.name}: ${what[a.kind][0]} van ${dnl(a.dueDate)} niet nagekomen${a.cents !== null ? ` (${nl(a.cents)})` : ''}.`,
          en: `${a.name}: ${what[a.kind][1]} of ${den(a.dueDate)} broken${a.cents !== null ? ` (${en(a.cents)})` : ''}.`,
        },
      }));
    },
  },
];

const SEVERITY_ORDER: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

/** Every signal the facts show, the most severe and largest first. */
export function signalsOf(facts: SignalFacts, rules: SignalRule[] = SIGNAL_RULES): Signal[] {
  return rules
    .filter((r) => facts[r.needs] !== undefined)
    .flatMap((r) => r.detect(facts))
    .sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || (b.cents ?? 0) - (a.cents ?? 0));
}
