// The shipped law tables (law/*.json), loaded once for the unit tests: domain functions take them as a value.
import { loadLaw } from '../../src/config/law.js';

export const LAW = loadLaw(null);
export const RATES = LAW.rates;
export const HOLIDAYS = LAW.holidays;

import { stageTerms } from '../../src/domain/verzuim.js';
import type { Policy, StagePolicy } from '../../src/domain/plan.js';
import type { HandoverLegal } from '../../src/handover/case.js';

/** The issue-17 fields of a Policy for hand-made stages: derived terms, no ingebrekestelling, VAT deductible, goods. */
export function legalPolicy(stages: StagePolicy[], today = '2026-09-01', termIsFatal = true): Pick<Policy, 'law' | 'terms' | 'canDeductVat' | 'consumerClaims'> {
  const { terms } = stageTerms(stages, { termIsFatal, law: LAW, today });
  return { law: LAW, terms, canDeductVat: true, consumerClaims: 'goods' };
}

/** Handover legal settings as before issue 17: interest from the due date, no VAT uplift. */
export const LEGACY_LEGAL: HandoverLegal = {
  law: LAW, consumerClaims: 'goods', canDeductVat: true, ingebrekestellingStage: null, ingebrekestellingTermDays: 0, termIsFatal: true, includeTimeBarred: false,
};
