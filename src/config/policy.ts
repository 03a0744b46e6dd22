// From the validated config to the engine's policy and the creditor block of every letter.
import { eurosToCents } from '../domain/money.js';
import { normaliseIban } from '../domain/identifiers.js';
import type { Policy } from '../domain/plan.js';
import type { CreditorSnapshot } from '../domain/letter.js';
import type { Config } from './schema.js';
import { AppError } from '../errors.js';
import type { Law } from '../domain/law.js';
import type { IsoDate } from '../domain/dates.js';
import { stageTerms, type StageTerm } from '../domain/verzuim.js';
import { termsMemoOf } from './law.js';

export function creditorSnapshot(config: Config): CreditorSnapshot {
  const c = config.creditor;
  return {
    name: c.name,
    address: { street: c.address.street, postcode: c.address.postcode, city: c.address.city, country: c.address.country },
    kvk: c.kvk,
    vatNumber: c.vatNumber ?? null,
    iban: normaliseIban(c.iban),
    bic: c.bic ?? null,
    email: c.email,
    phone: c.phone ?? null,
    contactPerson: c.contactPerson ?? null,
  };
}

/**
 * The engine's policy. Each stage's stated term is derived (or checked) against the spacing to the
 * next stage with the delivery presumption in force on `today`: a configured term that cannot end
 * before the next letter is a config error (exit 3).
 */
export function policyFromConfig(config: Config, law: Law, today: IsoDate): Policy {
  const stages = config.stages.map((s) => ({ id: s.id, after: s.after, channels: s.channels, final: s.final === true, termDays: s.termDays }));
  // The stage before the final letter is the ingebrekestelling wherever a consumer's term is not
  // fatal: by default (defaults.termIsFatal) or per invoice (import column term_is_fatal).
  const { terms, problems } = derivedTerms(stages, law, today);
  if (problems.length > 0) {
    throw new AppError('config_invalid', `The stage terms contradict the stage spacing: ${problems[0]!.message}.`, {
      details: problems.slice(1).map((p) => p.message),
      hint: 'Each letter must give its term in full before the next letter goes out (and, without a fatal payment term, the final letter must follow the ingebrekestelling\'s term, art. 6:82 BW). Leave termDays out to get the longest term that fits.',
      data: { problems },
    });
  }
  return {
    stages: stages.map(({ termDays: _t, ...s }) => s),
    handoverAfter: config.handover.after,
    minimumCents: eurosToCents(config.minimumAmount),
    creditor: creditorSnapshot(config),
    law,
    terms,
    canDeductVat: config.creditor.canDeductVat !== false,
    consumerClaims: config.defaults.consumerClaims ?? 'goods',
    termIsFatal: config.defaults.termIsFatal ?? false,
  };
}

/** The stage terms, from the memo of earlier commands when it has them for this month and law. */
function derivedTerms(stages: Parameters<typeof stageTerms>[0], law: Law, today: IsoDate): { terms: StageTerm[]; problems: ReturnType<typeof stageTerms>['problems'] } {
  const memo = termsMemoOf(law);
  // The terms depend on the stages, the delivery presumption and the holidays in the two years
  // from the first of today's month (verzuim.ts: worstTermSpan), nothing else.
  const key = memo ? JSON.stringify({ stages, month: today.slice(0, 7), holidays: law.holidays, delivery: law.delivery }) : '';
  const hit = memo?.get(key);
  if (hit) return { terms: hit, problems: [] };
  const derived = stageTerms(stages, { termIsFatal: false, law, today });
  // Problems are never remembered: they are reported, every time.
  if (memo && derived.problems.length === 0) memo.set(key, derived.terms);
  return derived;
}
