// Cost stacking for recurring consumer claims (BIK as amended by the Besluit kwaliteit
// incassodienstverlening, in force 1 October 2024; legal-nl.md §8). Secondary sources
// (njb.nl, kantoorabri.nl) report a cap on the combined collection costs for small periodic
// claims with a six-month look-back; the text of the amended Besluit was not found in the
// research corpus, so the tool does not compute a cap. It warns instead when a consumer gets a
// second veertiendagenbrief within six months of an earlier one: the costs stated in it may be
// capped, and a human must check them before handover.
import { addMonths, type IsoDate } from './dates.js';

/** The look-back period reported for the stacking rule. */
export const STACKING_LOOKBACK_MONTHS = 6;

/** A warning when an earlier final letter to this consumer lies within six months before `today`. */
export function stackingWarning(earlierFinalLetters: readonly IsoDate[], today: IsoDate): string | null {
  const since = addMonths(today, -STACKING_LOOKBACK_MONTHS);
  const recent = earlierFinalLetters.filter((d) => d >= since && d <= today).sort();
  if (recent.length === 0) return null;
  return (
    `This consumer already got a veertiendagenbrief on ${recent[recent.length - 1]} (within ${STACKING_LOOKBACK_MONTHS} months): ` +
    'for recurring claims the BIK as amended on 1-10-2024 limits stacked collection costs; check the costs in this letter before handover (not computed by pre-incasso).'
  );
}
