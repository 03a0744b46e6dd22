// Presumed delivery and the 14-day term of the veertiendagenbrief (art. 6:96 lid 6 BW).
//
// The term runs "fourteen days, starting the day after the demand" was received; a letter takes
// effect when it reaches the debtor (3:37 lid 3 BW) and the term starts the day after receipt
// (HR 25-11-2016, ECLI:NL:HR:2016:2704). In default cases courts presume postal delivery on the
// second day after dispatch, not counting Sunday, Monday or an official holiday as intermediate or
// delivery day (same ruling). Whether the Algemene termijnenwet extends this term is not settled;
// applying it only delays the costs, so it is the safe choice (legal-nl.md §2, VERIFY).
//
// PostNL moved business mail to 2-day delivery in 2025 and a 48-hour norm is expected for all
// letters: the presumption may become optimistic. Do not print `termEnd` as a hard date without
// a margin.
import { addDays, weekday, type IsoDate } from './dates.js';
import { isPublicHoliday, nextWorkingDay } from './holidays.js';

export type DeliveryChannel = 'post' | 'email';

export interface FourteenDayTerm {
  sent: IsoDate;
  channel: DeliveryChannel;
  /** Presumed day of receipt. */
  delivered: IsoDate;
  /** First day of the term: the day after receipt. */
  termStart: IsoDate;
  /** Last day to pay: receipt + 14, moved to the next working day by Atw art. 1. */
  termEnd: IsoDate;
  /** First day the BIK fee may be booked if still unpaid. */
  costsFrom: IsoDate;
}

/** Days not counted as intermediate or delivery day in the HR 2016 presumption. */
function isPostalRestDay(date: IsoDate): boolean {
  const wd = weekday(date);
  return wd === 0 || wd === 1 || isPublicHoliday(date);
}

/**
 * Presumed day of receipt. Post: the second day after dispatch, Sundays, Mondays and Atw holidays
 * not counted (HR 2016:2704). Email: the day after sending; a conservative choice, since an email
 * usually arrives at once but the creditor must prove receipt and may have sent it late in the day.
 */
export function presumedDelivery(sent: IsoDate, channel: DeliveryChannel): IsoDate {
  if (channel === 'email') return addDays(sent, 1);
  if (channel !== 'post') throw new RangeError(`unknown channel '${String(channel)}'`);
  let counted = 0;
  let d = sent;
  while (counted < 2) {
    d = addDays(d, 1);
    if (!isPostalRestDay(d)) counted++;
  }
  return d;
}

/** The 14-day term of a veertiendagenbrief sent on `sent` through `channel`. */
export function fourteenDayTerm(sent: IsoDate, channel: DeliveryChannel): FourteenDayTerm {
  const delivered = presumedDelivery(sent, channel);
  const termStart = addDays(delivered, 1);
  // Days 1..14 start the day after receipt, so the nominal last day is receipt + 14.
  const termEnd = nextWorkingDay(addDays(delivered, 14));
  return { sent, channel, delivered, termStart, termEnd, costsFrom: addDays(termEnd, 1) };
}
