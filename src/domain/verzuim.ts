// Verzuim and the term each letter states (6:81-6:83, 6:96 lid 6 BW; legal-nl.md §2, §5).
//
// - A payment term is a fatal term only when it was agreed (general terms accepted by the debtor):
//   then verzuim starts the day after the due date (6:83 sub a). A term stated only on the invoice
//   is in principle not fatal (Rb. Noord-Holland, ECLI:NL:RBNHO:2023:6558): verzuim then needs a
//   written ingebrekestelling with a reasonable term (6:82 lid 1) and starts when that term has
//   passed. Default: not fatal for consumers (the safe side), fatal for businesses (6:119a BW lets
//   handelsrente run from the day after the agreed or statutory payment day anyway).
// - The 14-day letter (6:96 lid 6) must come after verzuim. So when the term is not fatal, the
//   stage before the final letter is the ingebrekestelling, and the final letter goes out only
//   after its term has passed (presumed delivery + term, Atw applied).
// - Every letter states a term; it must end before the next letter goes out, or the next letter
//   contradicts the one before. A configured term that cannot end before the next stage is a
//   config error; without one, the longest term that always ends before the next stage is used.
import { addDays, daysBetween, type IsoDate } from './dates.js';
import { termAfterDelivery, type DeliveryChannel, type TermLaw } from './terms.js';

export interface StageTermInput {
  id: string;
  /** Days after the previous letter (or, for the first stage, after the due date). */
  after: number;
  /** A phone stage (issue 13) sends nothing written: it states no term of its own. */
  channels: readonly (DeliveryChannel | 'phone')[];
  final: boolean;
  termDays?: number | undefined;
}

export interface StageTerm {
  id: string;
  termDays: number;
  /** Configured (true) or derived from the spacing (false). */
  configured: boolean;
  /** This letter is the ingebrekestelling that starts verzuim (term not fatal, stage before the final one). */
  ingebrekestelling: boolean;
}

export interface StageTermProblem {
  stage: number;
  message: string;
}

/** The final letter's term: fourteen days from the day after delivery (6:96 lid 6 BW). */
export const FINAL_TERM_DAYS = 14;
/** How far ahead the worst case of delivery and Atw extension is searched (covers every weekday/holiday pattern). */
const WINDOW_DAYS = 2 * 366;

/**
 * The most calendar days from sending to the last day of a `termDays` term, over every sending
 * day in the window from `today`: delivery presumption, rest days and Atw extension included.
 */
const spanCache = new WeakMap<TermLaw, Map<string, number>>();

export function worstTermSpan(termDays: number, channels: readonly DeliveryChannel[], law: TermLaw, today: IsoDate): number {
  // The window starts on the first of today's month, so a daily run reuses the month's answer.
  const from = `${today.slice(0, 7)}-01`;
  const key = `${from}|${termDays}|${[...channels].sort().join('+')}`;
  let cache = spanCache.get(law);
  if (!cache) {
    cache = new Map();
    spanCache.set(law, cache);
  }
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let worst = 0;
  for (let i = 0; i < WINDOW_DAYS; i++) {
    const sent = addDays(from, i);
    for (const channel of channels) {
      const span = daysBetween(sent, termAfterDelivery(sent, channel, termDays, law).termEnd);
      if (span > worst) worst = span;
    }
  }
  cache.set(key, worst);
  return worst;
}

/** Does a `termDays` term, sent by `channels`, always end before a letter `spacing` days later? */
export function termFits(termDays: number, spacing: number, channels: readonly DeliveryChannel[], law: TermLaw, today: IsoDate): boolean {
  return worstTermSpan(termDays, channels, law, today) < spacing;
}

/**
 * Each stage's stated term, checked against the spacing to the next stage. `termIsFatal` decides
 * whether the stage before the final letter is an ingebrekestelling (6:82 BW).
 */
export function stageTerms(
  stages: readonly StageTermInput[],
  options: { termIsFatal: boolean; law: TermLaw; today: IsoDate },
): { terms: StageTerm[]; problems: StageTermProblem[] } {
  const problems: StageTermProblem[] = [];
  // The ingebrekestelling is the last written stage before the final letter; a phone stage
  // (no written channel) states no term and cannot be one (6:82 BW asks for a written demand).
  const finalIndex = stages.findIndex((s) => s.final);
  let lastWritten = -1;
  for (let i = 0; i < (finalIndex < 0 ? stages.length : finalIndex); i++) if (stages[i]!.channels.some((c) => c !== 'phone')) lastWritten = i;
  const terms: StageTerm[] = stages.map((input, i) => {
    const stage = { ...input, channels: input.channels.filter((c): c is DeliveryChannel => c !== 'phone') };
    const ingebrekestelling = !options.termIsFatal && !stage.final && i === lastWritten && (finalIndex < 0 ? i === stages.length - 2 : true);
    if (!stage.final && stage.channels.length === 0) return { id: stage.id, termDays: 0, configured: false, ingebrekestelling: false };
    if (stage.final) {
      const t = stage.termDays ?? FINAL_TERM_DAYS;
      if (t < FINAL_TERM_DAYS) {
        problems.push({ stage: i, message: `stages[${i}].termDays is ${t}: the final letter must give at least ${FINAL_TERM_DAYS} days from the day after delivery (art. 6:96 lid 6 BW)` });
      }
      return { id: stage.id, termDays: t, configured: stage.termDays !== undefined, ingebrekestelling: false };
    }
    const next = stages[i + 1]!;
    if (stage.termDays !== undefined) {
      if (!termFits(stage.termDays, next.after, stage.channels, options.law, options.today)) {
        const span = worstTermSpan(stage.termDays, stage.channels, options.law, options.today);
        problems.push({
          stage: i,
          message:
            `stages[${i}].termDays is ${stage.termDays}, but by ${stage.channels.join('/')} such a term can end up to ${span} days after the letter ` +
            `(presumed delivery, weekends and holidays), and stages[${i + 1}] ("${next.id}") follows after ${next.after} days: ` +
            `raise stages[${i + 1}].after to at least ${span + 1}, or lower termDays`,
        });
      }
      return { id: stage.id, termDays: stage.termDays, configured: true, ingebrekestelling };
    }
    // The longest term that still fits. A longer term never ends earlier, so whether it fits
    // only turns from yes to no once: a binary search asks the window a handful of times instead
    // of once per day of the term (every command that reads the config derives these terms).
    let t = 0;
    let tooLong = next.after + 1;
    while (tooLong - t > 1) {
      const mid = (t + tooLong) >> 1;
      if (termFits(mid, next.after, stage.channels, options.law, options.today)) t = mid;
      else tooLong = mid;
    }
    if (t < 1) {
      problems.push({
        stage: i,
        message: `stages[${i + 1}] ("${next.id}") follows stages[${i}] ("${stage.id}") after ${next.after} days: too soon for any term to end before it (delivery by ${stage.channels.join('/')} alone takes up to ${worstTermSpan(1, stage.channels, options.law, options.today) - 1} days); raise stages[${i + 1}].after`,
      });
      t = 1;
    }
    return { id: stage.id, termDays: t, configured: false, ingebrekestelling };
  });
  return { terms, problems };
}

/**
 * The first day of verzuim of an invoice: the day after the due date when the term is fatal, else
 * the day after the ingebrekestelling's term ended (null while none has been sent: no verzuim yet).
 */
export function verzuimStart(
  dueDate: IsoDate,
  termIsFatal: boolean,
  ingebrekestelling: { sent: IsoDate; channel: DeliveryChannel; termDays: number } | null,
  law: TermLaw,
): IsoDate | null {
  if (termIsFatal) return addDays(dueDate, 1);
  if (!ingebrekestelling) return null;
  const term = termAfterDelivery(ingebrekestelling.sent, ingebrekestelling.channel, ingebrekestelling.termDays, law);
  const start = term.costsFrom;
  return start > addDays(dueDate, 1) ? start : addDays(dueDate, 1);
}
