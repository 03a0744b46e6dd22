// Presumed delivery and the terms of the letters: the 14-day term of the veertiendagenbrief
// (art. 6:96 lid 6 BW) and the term of an ingebrekestelling (6:82 BW).
//
// The term runs "fourteen days, starting the day after the demand" was received; a letter takes
// effect when it reaches the debtor (3:37 lid 3 BW) and the term starts the day after receipt
// (HR 25-11-2016, ECLI:NL:HR:2016:2704). In default cases courts presume postal delivery on the
// second day after dispatch, not counting Sunday, Monday or an official holiday as intermediate or
// delivery day (same ruling). Whether the Algemene termijnenwet extends this term is not settled;
// applying it only delays the costs, so it is the safe choice (legal-nl.md §2, VERIFY).
//
// The presumption is dated data (`law/delivery.json`): the Dutch postal norm becomes two days on
// 1 July 2026 and three days on 1 July 2027 (Rijksoverheid, 19-12-2025), so later rows presume a
// later delivery. The row in force on the posting date applies. Do not print `termEnd` as a hard
// date without a margin.
import { addDays, isIsoDate, weekday, type IsoDate } from './dates.js';
import { isPublicHoliday, nextWorkingDay, type HolidayRules } from './holidays.js';
import type { Channel } from './letter.js';

export type DeliveryChannel = 'post' | 'email';
export type RestDay = 'sunday' | 'monday' | 'saturday' | 'holiday';

export interface DeliveryRow {
  from: IsoDate;
  channel: DeliveryChannel;
  /** Delivered on the n-th counted day after posting. */
  days: number;
  /** Days not counted as intermediate or delivery day. */
  notCounted: readonly RestDay[];
  source: string;
  verify: boolean;
}

/** What the term arithmetic needs: the holiday rules and the dated delivery presumption. */
export interface TermLaw {
  holidays: HolidayRules;
  delivery: readonly DeliveryRow[];
}

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

/** Validates the JSON of `law/delivery.json`. */
export function parseDeliveryRows(raw: unknown): { rows: DeliveryRow[]; problems: { row: number; message: string }[] } {
  const problems: { row: number; message: string }[] = [];
  const rows: DeliveryRow[] = [];
  const list = raw !== null && typeof raw === 'object' ? (raw as { rows?: unknown }).rows : undefined;
  if (!Array.isArray(list)) return { rows, problems: [{ row: 0, message: 'expected an object with a "rows" array' }] };
  list.forEach((entry: unknown, i: number) => {
    const r = (entry ?? {}) as Record<string, unknown>;
    const ok =
      typeof r.from === 'string' && isIsoDate(r.from) &&
      (r.channel === 'post' || r.channel === 'email') &&
      Number.isInteger(r.days) && (r.days as number) >= 0 && (r.days as number) <= 30 &&
      Array.isArray(r.notCounted) && r.notCounted.every((d) => ['sunday', 'monday', 'saturday', 'holiday'].includes(d as string)) &&
      typeof r.source === 'string' && r.source.trim() !== '' && typeof r.verify === 'boolean';
    if (!ok) problems.push({ row: i + 1, message: 'expected {from, channel: post|email, days, notCounted: [sunday|monday|saturday|holiday], source, verify}' });
    else rows.push({ from: r.from as string, channel: r.channel as DeliveryChannel, days: r.days as number, notCounted: r.notCounted as RestDay[], source: r.source as string, verify: r.verify as boolean });
  });
  rows.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  for (const channel of ['post', 'email'] as const) {
    if (!rows.some((r) => r.channel === channel)) problems.push({ row: 0, message: `no row for channel "${channel}"` });
  }
  return { rows, problems };
}

/** The presumption in force for a letter posted on `sent` (the earliest row when `sent` precedes them all). */
export function deliveryRowOn(sent: IsoDate, channel: DeliveryChannel, law: TermLaw): DeliveryRow {
  const rows = law.delivery.filter((r) => r.channel === channel);
  if (rows.length === 0) throw new RangeError(`no delivery presumption for channel '${String(channel)}'`);
  let found = rows[0]!;
  for (const r of rows) if (r.from <= sent) found = r;
  return found;
}

function isRestDay(date: IsoDate, notCounted: readonly RestDay[], law: TermLaw): boolean {
  const wd = weekday(date);
  return (
    (wd === 0 && notCounted.includes('sunday')) ||
    (wd === 1 && notCounted.includes('monday')) ||
    (wd === 6 && notCounted.includes('saturday')) ||
    (notCounted.includes('holiday') && isPublicHoliday(date, law.holidays))
  );
}

/**
 * Presumed day of receipt of a letter sent on `sent`: by the dated row in force (post: HR 2016:2704
 * until 30-06-2026, then the later postal norms). Email: the day after sending; a conservative
 * choice, since an email usually arrives at once but the creditor must prove receipt.
 */
export function presumedDelivery(sent: IsoDate, channel: DeliveryChannel, law: TermLaw): IsoDate {
  if (channel !== 'post' && channel !== 'email') throw new RangeError(`unknown channel '${String(channel)}'`);
  const row = deliveryRowOn(sent, channel, law);
  let counted = 0;
  let d = sent;
  while (counted < row.days) {
    d = addDays(d, 1);
    if (!isRestDay(d, row.notCounted, law)) counted++;
  }
  return d;
}

/** A term of `termDays` days that starts the day after presumed delivery; its end moved by Atw art. 1. */
// A run over a million invoices asks for the same few hundred terms again and again.
const termCache = new WeakMap<TermLaw, Map<string, FourteenDayTerm>>();

export function termAfterDelivery(sent: IsoDate, channel: DeliveryChannel, termDays: number, law: TermLaw): FourteenDayTerm {
  if (!Number.isInteger(termDays) || termDays < 1) throw new RangeError(`a term is a whole number of days of at least 1, got ${termDays}`);
  let cache = termCache.get(law);
  if (!cache) {
    cache = new Map();
    termCache.set(law, cache);
  }
  const key = `${sent}|${channel}|${termDays}`;
  const hit = cache.get(key);
  if (hit) return { ...hit };
  if (cache.size > 100_000) cache.clear();
  const term = computeTerm(sent, channel, termDays, law);
  cache.set(key, term);
  return { ...term };
}

function computeTerm(sent: IsoDate, channel: DeliveryChannel, termDays: number, law: TermLaw): FourteenDayTerm {
  const delivered = presumedDelivery(sent, channel, law);
  const termStart = addDays(delivered, 1);
  // Days 1..n start the day after receipt, so the nominal last day is receipt + n.
  const termEnd = nextWorkingDay(addDays(delivered, termDays), law.holidays);
  return { sent, channel, delivered, termStart, termEnd, costsFrom: addDays(termEnd, 1) };
}

/**
 * The day a letter counts as sent: the later of its date and the day it was handed to the post,
 * when that was recorded (`letters --posted`). Without a recorded posting the letter date is presumed.
 */
export function dispatchDate(letterDate: IsoDate, postedOn: IsoDate | null | undefined): IsoDate {
  return postedOn && postedOn > letterDate ? postedOn : letterDate;
}

/** The 14-day term of a veertiendagenbrief sent on `sent` through `channel`. */
export function fourteenDayTerm(sent: IsoDate, channel: DeliveryChannel, law: TermLaw): FourteenDayTerm {
  return termAfterDelivery(sent, channel, 14, law);
}

/** The channel a letter's delivery is presumed on: post is slower, so it decides when both went. */
export function deliveryChannel(channels: readonly Channel[] | null): DeliveryChannel {
  return channels?.includes('post') ? 'post' : 'email';
}

/** What the ledger knows of how a letter left. */
export interface LetterDispatchFacts {
  date: IsoDate;
  channels: readonly Channel[] | null;
  /** Day the printed letter was handed to the post (`letters --posted`). */
  postedOn?: IsoDate | null;
  /** Calendar day the e-mail left, when the outbox says it was sent. */
  emailSentDate?: IsoDate | null;
}

export interface LetterDispatch {
  channel: DeliveryChannel;
  /** The day its terms count from. */
  dispatched: IsoDate;
  /** How `dispatched` is known: the e-mail's sending day, a recorded posting, or the letter date presumed. */
  basis: 'email_sent' | 'posting_recorded' | 'letter_date_presumed';
}

/**
 * The day a letter counts as sent on its delivery channel: by post the later of the letter date
 * and the recorded posting; by e-mail the later of the letter date and the day it left (a retry
 * that left later starts the term later).
 */
export function letterDispatch(letter: LetterDispatchFacts): LetterDispatch {
  const channel = deliveryChannel(letter.channels);
  if (channel === 'post') return { channel, dispatched: dispatchDate(letter.date, letter.postedOn), basis: letter.postedOn ? 'posting_recorded' : 'letter_date_presumed' };
  const sent = letter.emailSentDate ?? null;
  return { channel, dispatched: sent !== null && sent > letter.date ? sent : letter.date, basis: 'email_sent' };
}

/** A final letter as the ledger recorded it, for the veertiendagenbrief check. */
export interface FinalLetterFacts extends LetterDispatchFacts {
  stageId: string;
  final: boolean;
  /** The collection costs it stated; null when none. */
  costsCents: number | null;
  /** The outbox state of its e-mail; null when it had none. */
  emailState: string | null;
}

export type VeertiendagenbriefCheck =
  | { ok: true; dispatch: LetterDispatch; term: FourteenDayTerm }
  | { ok: false; reason: string };

/**
 * Is this letter a veertiendagenbrief whose term has run out on `today` (6:96 lid 6 BW)? It must
 * be the final letter, state the costs, have left (an e-mail-only letter must be in the outbox
 * as sent), and the fourteen days after presumed delivery (Atw applied) must be over.
 */
export function checkVeertiendagenbrief(letter: FinalLetterFacts | null, today: IsoDate, law: TermLaw): VeertiendagenbriefCheck {
  if (!letter) return { ok: false, reason: 'no final letter was recorded for it' };
  if (!letter.final) return { ok: false, reason: `its last letter (${letter.stageId}, ${letter.date}) is not the final letter` };
  if (letter.costsCents === null) {
    return { ok: false, reason: `the final letter of ${letter.date} states no collection costs, so it is no veertiendagenbrief` };
  }
  const dispatch = letterDispatch(letter);
  if (dispatch.channel === 'email' && letter.emailState !== 'sent') {
    return { ok: false, reason: `the final letter of ${letter.date} went by e-mail only and was not delivered (e-mail ${letter.emailState ?? 'never queued'})` };
  }
  const term = fourteenDayTerm(dispatch.dispatched, dispatch.channel, law);
  if (term.costsFrom > today) return { ok: false, reason: `the fourteen-day term of the veertiendagenbrief of ${letter.date} ends on ${term.termEnd}` };
  return { ok: true, dispatch, term };
}
