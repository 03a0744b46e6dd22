// `run --dry-run --save-plan plan.json` and `run --plan plan.json`: what the bookkeeper reviewed
// is exactly what is applied. The file holds the plan's actions and a digest of every fact it
// rests on; applying refuses (exit 4, nothing recorded) when any fact changed in between.
import fs from 'node:fs';
import { AppError } from '../errors.js';
import type { Db } from '../ledger/ledger.js';
import { planRun, type Plan, type PlanDebtorInput, type Policy } from '../domain/plan.js';
import { createHash } from 'node:crypto';
import { canonicalJson, compareFacts, debtorFacts } from '../domain/plan-digest.js';
import { readDunningSnapshot } from '../ledger/dunning.js';
import { writePrivateFile } from './private-file.js';

export const PLAN_FORMAT = 'pre-incasso-plan';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const debtorFactDigest = (input: PlanDebtorInput): string => sha256(debtorFacts(input));
const policyDigest = (policy: Policy): string => sha256(canonicalJson(policy));

export interface SavedPlan {
  format: typeof PLAN_FORMAT;
  version: 1;
  today: string;
  created_at: string;
  policy_digest: string;
  /** Debtor number to the digest of the facts its actions rest on. */
  facts: Record<string, string>;
  actions: Record<string, unknown>[];
  /** SHA-256 over everything above: the file was not edited. */
  digest: string;
}

/** Collects the facts while a dry run streams the snapshot. */
export class PlanRecorder {
  readonly facts: Record<string, string> = {};
  readonly actions: Record<string, unknown>[] = [];

  /** Wraps the snapshot so each debtor's facts are digested as it passes. */
  *watch(snapshot: Iterable<PlanDebtorInput>): Generator<PlanDebtorInput> {
    for (const input of snapshot) {
      this.facts[input.debtor.number] = debtorFactDigest(input);
      yield input;
    }
  }

  save(file: string, today: string, policy: Policy): SavedPlan {
    const body = { format: PLAN_FORMAT as typeof PLAN_FORMAT, version: 1 as const, today, created_at: new Date().toISOString(), policy_digest: policyDigest(policy), facts: this.facts, actions: this.actions };
    const saved: SavedPlan = { ...body, digest: sha256(canonicalJson(body)) };
    writePrivateFile(file, `${JSON.stringify(saved, null, 2)}\n`);
    return saved;
  }
}

export function readSavedPlan(file: string, display: string): SavedPlan {
  let doc: SavedPlan;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8')) as SavedPlan;
  } catch (error) {
    throw new AppError('input_invalid', `${display}: not a readable plan file (${(error as Error).message}).`, { hint: 'Save one with `pre-incasso run --dry-run --save-plan plan.json`.' });
  }
  if (doc?.format !== PLAN_FORMAT || doc.version !== 1 || typeof doc.facts !== 'object' || !Array.isArray(doc.actions)) {
    throw new AppError('input_invalid', `${display}: not a pre-incasso plan (format ${JSON.stringify(doc?.format)}).`, { hint: 'Save one with `pre-incasso run --dry-run --save-plan plan.json`.' });
  }
  const { digest, ...body } = doc;
  if (sha256(canonicalJson(body)) !== digest) {
    throw new AppError('input_invalid', `${display}: the plan was changed after it was saved (its digest does not match).`, { hint: 'Save the plan again with `run --dry-run --save-plan` and review that file; do not edit it.' });
  }
  return doc;
}

/**
 * The plan to apply: the engine's plan on today's facts, after checking the facts, the policy and
 * the resulting actions are the saved ones. Throws (exit 4) on any difference.
 */
export function checkSavedPlan(db: Db, saved: SavedPlan, policy: Policy, today: string, actionJson: (a: Plan['actions'][number]) => Record<string, unknown>, display: string): Plan {
  const refuse = (why: string, details: string[] = []): never => {
    throw new AppError('input_invalid', `${display} was not applied: ${why}. Nothing was recorded.`, {
      details,
      hint: 'Review a fresh plan: `pre-incasso run --dry-run --save-plan plan.json`, then `run --plan plan.json`.',
    });
  };
  if (saved.today !== today) refuse(`it was made for ${saved.today}, today is ${today}`);
  if (policyDigest(policy) !== saved.policy_digest) refuse('the configuration (stages, handover, minimum, creditor) changed');
  const snapshot = [...readDunningSnapshot(db)];
  const now = Object.fromEntries(snapshot.map((s) => [s.debtor.number, debtorFactDigest(s)]));
  const diff = compareFacts(saved.facts, now);
  if (diff.length) {
    refuse(
      `the book changed for ${diff.length} debtor${diff.length === 1 ? '' : 's'} since the plan was saved`,
      diff.slice(0, 50).map((d) => `debtor ${d.debtor}: ${d.change === 'new' ? 'has open invoices now' : d.change === 'gone' ? 'has no open invoices any more' : 'invoices, payments, holds or details changed'}`),
    );
  }
  const plan = planRun(snapshot, policy, today);
  if (canonicalJson(plan.actions.map(actionJson)) !== canonicalJson(saved.actions)) refuse('the engine now plans different actions on the same facts (a different pre-incasso version?)');
  return plan;
}
