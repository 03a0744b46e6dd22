// Verjaring (limitation) of the claim for payment.
//
// - General: 5 years from the day after the claim became payable (3:307 lid 1 BW); interest and
//   periodic payments likewise 5 years (3:308).
// - Consumer sale of movable goods: the seller's claim for the price lapses after 2 years (7:28 BW);
//   energy supply to consumers counts (Hof 's-Hertogenbosch, ECLI:NL:GHSHE:2018:3026).
// - A written aanmaning or reservation of rights (3:317 lid 1) or an acknowledgment (3:318)
//   interrupts; a new term of the same length, at most 5 years, starts the next day (3:319).
// - The court does not apply limitation of its own motion (3:322): the debtor must invoke it, so
//   the tool warns, it does not refuse.
//
// The due date is treated as the day the claim became payable. Strictly a payment term only keeps
// the creditor from demanding payment until it has lapsed (6:39), which could start the period a
// day later; counting from the due date warns a day early, never late.
import { addDays, addYears, daysBetween, type IsoDate } from './dates.js';

export type LimitationKind = 'general' | 'consumer-sale';
/** What a creditor sells to consumers (config defaults.consumerClaims, per invoice overridable). */
export type ConsumerClaims = 'goods' | 'services';

/**
 * Which period applies: a consumer's claim for the price of goods bought (consumentenkoop, 7:5)
 * lapses after 2 years (7:28 BW); services to consumers and every business claim after 5 (3:307).
 */
export function limitationKindOf(debtorType: 'consumer' | 'business', claims: ConsumerClaims): LimitationKind {
  return debtorType === 'consumer' && claims === 'goods' ? 'consumer-sale' : 'general';
}

const YEARS: Record<LimitationKind, number> = { general: 5, 'consumer-sale': 2 };

/** How close to the end of the period the tool starts warning (legal-nl.md §6: "~90 days"). */
export const LIMITATION_WARNING_DAYS = 90;

/**
 * The last day of the limitation period: the period starts the day after `dueDate` (3:307) and
 * lasts 5 years (2 for a consumer sale, 7:28). From the next day on the debtor may invoke it.
 * `interruptions`: days on which a written aanmaning, reservation of rights or acknowledgment
 * reached the debtor; each one inside the running period starts a new one of the same length
 * from the next day (3:317-3:319). One after the period has ended revives nothing.
 */
export function limitationDate(dueDate: IsoDate, kind: LimitationKind, interruptions: IsoDate[] = []): IsoDate {
  const years = YEARS[kind];
  if (years === undefined) throw new RangeError(`unknown limitation kind '${String(kind)}'`);
  // The period starts the day after the event and ends with the day that bears the event's date
  // `years` later (28 February when that date is 29 February). Around 29 February the other
  // reading (the day before the start's anniversary) can be a day later; this one never warns late.
  const periodEnd = (event: IsoDate): IsoDate => addYears(event, years);
  let end = periodEnd(dueDate);
  for (const date of [...interruptions].sort()) {
    if (date > dueDate && date <= end) {
      const renewed = periodEnd(date);
      if (renewed > end) end = renewed;
    }
  }
  return end;
}

/**
 * A warning when the claim is time-barred or will be within LIMITATION_WARNING_DAYS, else null.
 * For a consumer the tool cannot know whether the claim is the price of goods (7:28), so the
 * 2-year date is reported as "may be time-barred"; the 5-year date applies to everyone.
 */
export function limitationWarning(
  dueDate: IsoDate,
  today: IsoDate,
  debtorType: 'consumer' | 'business',
  interruptions: IsoDate[] = [],
): string | null {
  const general = limitationDate(dueDate, 'general', interruptions);
  if (today > general) {
    return `The 5-year limitation period (art. 3:307 BW) ended on ${general}: the claim is time-barred if the debtor invokes it, unless it was interrupted in a way the ledger does not show.`;
  }
  const messages: string[] = [];
  const left = daysBetween(today, general);
  if (left <= LIMITATION_WARNING_DAYS) {
    messages.push(
      `The 5-year limitation period (art. 3:307 BW) ends on ${general} (${left} days left): interrupt it with a written demand (art. 3:317 BW) that the debtor provably receives.`,
    );
  }
  if (debtorType === 'consumer') {
    const sale = limitationDate(dueDate, 'consumer-sale', interruptions);
    if (today > sale) {
      messages.push(
        `The claim may be time-barred since ${addDays(sale, 1)} if this was a consumer sale of goods (2 years, art. 7:28 BW).`,
      );
    } else if (daysBetween(today, sale) <= LIMITATION_WARNING_DAYS) {
      messages.push(
        `If this was a consumer sale of goods, the 2-year limitation period (art. 7:28 BW) ends on ${sale} (${daysBetween(today, sale)} days left).`,
      );
    }
  }
  return messages.length > 0 ? messages.join(' ') : null;
}
