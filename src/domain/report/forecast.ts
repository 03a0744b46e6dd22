// The forecast: what falls due over the next days if nothing is paid. The very planner that
// `run` uses (planDebtor) is run day by day over a copy of the facts; each planned letter moves
// its invoices in the copy as `run` would record it, a claim ready for handover leaves the copy
// as the export would take it. No second set of rules: change the policy and the forecast follows.
import { addDays, type IsoDate } from '../dates.js';
import { planDebtor, type Policy, type PlanDebtorInput } from '../plan.js';

export interface ForecastGroup {
  /** `letter`, `handover`, or any other action the planner comes to know. */
  kind: string;
  /** For a letter: its stage id. */
  stage: string | null;
  /** For a letter: its channels, e.g. `email+post`. */
  channels: string | null;
  count: number;
  cents: number;
}

export interface ForecastDay {
  date: IsoDate;
  actions: ForecastGroup[];
  cents: number;
}

function copyOf(d: PlanDebtorInput): PlanDebtorInput {
  return { debtor: d.debtor, holds: d.holds, lastLetterDate: d.lastLetterDate ?? null, invoices: d.invoices.map((i) => ({ ...i })) };
}

/** Day by day from `today` (included) for `days` days; days without actions are left out. */
export function forecast(debtors: Iterable<PlanDebtorInput>, policy: Policy, today: IsoDate, days: number): ForecastDay[] {
  const book = [...debtors].map(copyOf);
  const out: ForecastDay[] = [];
  for (let n = 0; n < days; n++) {
    const date = addDays(today, n);
    const groups = new Map<string, ForecastGroup>();
    const add = (kind: string, stage: string | null, channels: string | null, cents: number): void => {
      const key = `${kind}\u0000${stage}\u0000${channels}`;
      const g = groups.get(key) ?? { kind, stage, channels, count: 0, cents: 0 };
      g.count++;
      g.cents += cents;
      groups.set(key, g);
    };
    for (const debtor of book) {
      if (debtor.invoices.length === 0) continue;
      for (const a of planDebtor(debtor, policy, date, { letters: false, assess: false }).actions) {
        if (a.kind === 'skip') continue;
        if (a.kind === 'letter') {
          add('letter', a.stage, a.channels.join('+'), a.amountCents);
          for (const m of a.moves) {
            const inv = debtor.invoices.find((i) => i.number === m.invoice)!;
            inv.stageIndex = m.toStage;
            inv.stageDate = date;
            inv.stageChannels = a.channels;
          }
          debtor.lastLetterDate = date;
        } else if (a.kind === 'handover') {
          add('handover', null, null, a.amountCents);
          const gone = new Set(a.invoices);
          debtor.invoices = debtor.invoices.filter((i) => !gone.has(i.number));
        } else {
          const other = a as { kind: string; amountCents?: number };
          add(other.kind, null, null, other.amountCents ?? 0);
        }
      }
    }
    if (groups.size > 0) {
      const actions = [...groups.values()];
      out.push({ date, actions, cents: actions.reduce((s, g) => s + g.cents, 0) });
    }
  }
  return out;
}
