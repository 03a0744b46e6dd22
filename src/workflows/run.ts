// `run`: decide which letters are due today, record them in one transaction, render them, and hand
// them to delivery. The dry run plans the very same way and records nothing. This workflow owns the
// ledger it opens; the command only parses options and prints what it is told.
import path from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { creditorSnapshot, policyFromConfig } from '../config/policy.js';
import { openLedger } from '../ledger/ledger.js';
import { applyPlan, readDunningSnapshot } from '../ledger/dunning.js';
import { planDebtor, type Action, type Plan } from '../domain/plan.js';
import { planBook, refreshStoredStatus } from './status.js';
import type { IsoDate } from '../domain/dates.js';
import { ARRANGEMENT_TEMPLATES, checkTemplates, type StageRef } from '../letters/templates.js';
import { checkTemplatesRemembered } from '../letters/template-check-memo.js';
import { watchAgreements, type AgreementEvent } from './arrangements.js';
import { requireFreshData } from './freshness.js';
import { deliverLetters, type DeliveryContext } from './deliver.js';

export interface RunRequest {
  ledgerPath: string;
  loaded: LoadedConfig;
  today: IsoDate;
  commandLine: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  dryRun: boolean;
  /** Send the e-mails now (false: `--no-mail`, they wait in the outbox). */
  mail: boolean;
  allowStale: boolean;
  includeTimeBarred: boolean;
  /** With dryRun: save the plan and its facts here (as given, relative to cwd). */
  savePlan?: string | undefined;
  /** Apply exactly this saved plan (as given, relative to cwd). */
  plan?: string | undefined;
  /** Progress, notes and warnings; the CLI's output fits it. */
  out: DeliveryContext['out'];
  /** The arrangement and promise events, before the plan (printed by the command). */
  onAgreements?: ((events: AgreementEvent[]) => void) | undefined;
  /** Each action of the plan, as it is decided (a dry run streams them; nothing is kept). */
  onAction?: ((action: Action) => void) | undefined;
  /** The plan a real run is about to record, once. */
  onPlan?: ((plan: Plan) => void) | undefined;
  /** The plan once its transaction committed, before its letters are rendered. */
  onRecorded?: ((plan: Plan, runId: number) => void) | undefined;
}

export interface RunOutcome {
  /** The run's number; null for a dry run. */
  runId: number | null;
  agreements: AgreementEvent[];
  /** The recorded plan (a real run only; a dry run streams its actions through onAction). */
  plan: Plan | null;
  /** The delivery part of the JSON document: letters rendered, mail sent or queued. */
  delivery: Record<string, unknown>;
  /** Throws the delivery error (exit 6) when an e-mail was not delivered. */
  finish(): void;
}

/** One action as it appears in `--json` and in a saved plan (SPEC §7.2). */
export function actionJson(a: Action): Record<string, unknown> {
  if (a.kind === 'letter') {
    const doc: Record<string, unknown> = {
      kind: a.kind, debtor: a.debtor, name: a.name, stage: a.stage, final: a.final, invoices: a.invoices, also_open: a.alsoOpen,
      amount_cents: a.amountCents, channels: a.channels, reason: a.reason,
    };
    if (a.costsCents !== null) doc.costs_cents = a.costsCents;
    if (a.warnings) doc.warnings = a.warnings;
    return doc;
  }
  if (a.kind === 'handover') return { kind: a.kind, debtor: a.debtor, name: a.name, invoices: a.invoices, amount_cents: a.amountCents, reason: a.reason };
  if (a.kind === 'call') return { kind: a.kind, debtor: a.debtor, name: a.name, stage: a.stage, invoices: a.invoices, amount_cents: a.amountCents, phone: a.phone, reason: a.reason };
  return { kind: a.kind, debtor: a.debtor, name: a.name, invoice: a.invoice, code: a.code, reason: a.reason };
}

export function planJson(plan: Plan): Record<string, unknown>[] {
  return plan.actions.map(actionJson);
}

export async function runDunning(req: RunRequest): Promise<RunOutcome> {
  const { loaded, today, dryRun } = req;
  // Template problems are config problems (exit 3), found before anything is recorded. A dry run
  // renders nothing: a check that passed for exactly these templates and this build is remembered.
  const check = dryRun ? (stages: StageRef[]) => checkTemplatesRemembered(loaded.templateDirs, stages, ['nl', 'en'], req.env) : (stages: StageRef[]) => checkTemplates(loaded.templateDirs, stages, ['nl', 'en']);
  check(loaded.config.stages);
  check([...ARRANGEMENT_TEMPLATES]);
  const watchSettings = { creditor: creditorSnapshot(loaded.config), stageCount: loaded.config.stages.length, remindDaysBefore: loaded.config.arrangements.remindDaysBefore };
  // Stage terms against the spacing: a config problem (exit 3), found before the ledger is opened.
  const policy = { ...policyFromConfig(loaded.config, loaded.law, today), includeTimeBarred: req.includeTimeBarred };
  const ledger = openLedger(req.ledgerPath, { command: req.commandLine, readonly: dryRun });
  try {
    const db = ledger.db;
    requireFreshData(db, today, loaded.config.maxDataAgeDays, {
      allowStale: req.allowStale,
      why: 'Dunning on old data sends reminders for invoices that were paid meanwhile.',
    });
    // Instalments and promises first: a broken arrangement or promise resumes dunning in this
    // very run, and an instalment letter takes the debtor's one letter of the day.
    const watched = watchAgreements(db, watchSettings, today, { dryRun });
    req.onAgreements?.(watched.events);
    if (req.includeTimeBarred) req.out.warn('--include-time-barred: consumer claims past limitation get a letter with costs; the debtor may invoke limitation (art. 3:322 BW).');
    if (dryRun) {
      // Streamed: each debtor's actions are handed on and then forgotten, so previewing a million
      // invoices takes little memory. The same planDebtor as the real run.
      const { PlanRecorder } = await import('./saved-plan.js');
      const recorder = req.savePlan !== undefined ? new PlanRecorder() : null;
      for (const debtor of recorder ? recorder.watch(readDunningSnapshot(db)) : readDunningSnapshot(db)) {
        for (const a of planDebtor(debtor, policy, today, { letters: false, assess: false }).actions) {
          recorder?.actions.push(actionJson(a));
          req.onAction?.(a);
        }
      }
      if (recorder && req.savePlan !== undefined) {
        const saved = recorder.save(path.resolve(req.cwd, req.savePlan), today, policy);
        req.out.info(`plan saved to ${req.savePlan} (${saved.actions.length} actions, ${Object.keys(saved.facts).length} debtors' facts, digest ${saved.digest.slice(0, 12)}); apply it with \`run --plan ${req.savePlan}\``);
      }
      return { runId: null, agreements: watched.events, plan: null, delivery: {}, finish() {} };
    }
    let plan: Plan;
    if (req.plan !== undefined) {
      const { readSavedPlan, checkSavedPlan } = await import('./saved-plan.js');
      const saved = readSavedPlan(path.resolve(req.cwd, req.plan), req.plan);
      plan = checkSavedPlan(db, saved, policy, today, actionJson, req.plan);
    } else {
      // The same plan, each debtor's share of the `status` figures stored as it passes.
      plan = planBook(db, policy, today);
    }
    // Every letter of the run in one transaction; then rendered batch by batch and handed over.
    req.onPlan?.(plan);
    const applied = applyPlan(db, plan);
    req.onRecorded?.(plan, applied.runId);
    for (const a of plan.actions) if (a.kind === 'letter') for (const w of a.warnings ?? []) req.out.warn(`${a.debtor}: ${w}`);
    const delivery = await deliverLetters({ today, env: req.env, out: req.out }, ledger, loaded, { mail: req.mail });
    // The debtors this run wrote to (their facts changed) are planned again for `status`.
    refreshStoredStatus(db, policy, today);
    return { runId: applied.runId, agreements: watched.events, plan, delivery: delivery.json, finish: delivery.finish };
  } finally {
    ledger.close();
  }
}
