// Reading the book for the engine and recording what it decided. One ordered query streams
// every open invoice with its debtor; no query per debtor (a million invoices stay fast).
import type { Db } from './ledger.js';
import { appendEvent } from './events.js';
import { recordBookSnapshot } from './report.js';
import type { Action, LetterAction, Plan, PlanDebtorInput } from '../domain/plan.js';
import { readAccountFacts } from './account-facts.js';
import { readHolds } from './holds.js';
import { recordCallTasks } from './arrangements.js';

/** Every debtor with money open, streamed in debtor-number order (the account's facts). */
export function readDunningSnapshot(db: Db, options: { debtor?: string } = {}): Generator<PlanDebtorInput> {
  return readAccountFacts(db, options);
}

export { readHolds };

export interface AppliedRun {
  runId: number;
  letterIds: number[];
}

/** Records the plan's letters in one transaction: letters, their invoices, stage moves, events. */
export function applyPlan(db: Db, plan: Plan, at: Date = new Date()): AppliedRun {
  const insertRun = db.prepare('INSERT INTO runs (today, at) VALUES (?, ?)');
  const insertLetter = db.prepare(
    `INSERT INTO letters (run_id, debtor_number, stage_index, stage_id, final, date, channels, amount_cents, costs_cents, reference, data)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertLine = db.prepare('INSERT INTO letter_invoices (letter_id, invoice_number, role, amount_cents, open_cents) VALUES (?, ?, ?, ?, ?)');
  const moveInvoice = db.prepare("UPDATE invoices SET stage_index = ?, stage_date = ?, stage_letter_id = ? WHERE number = ? AND status = 'open'");
  return db.transaction((): AppliedRun => {
    const runId = Number(insertRun.run(plan.today, at.toISOString()).lastInsertRowid);
    const letterIds: number[] = [];
    const letters = plan.actions.filter((a): a is LetterAction => a.kind === 'letter');
    for (const a of letters) {
      const l = a.letter;
      if (!l) throw new Error('a preview plan (without letters) cannot be applied');
      const id = Number(
        insertLetter.run(runId, a.debtor, a.stageIndex, a.stage, a.final ? 1 : 0, l.date, JSON.stringify(a.channels), a.amountCents, a.costsCents, l.paymentReference, JSON.stringify(l))
          .lastInsertRowid,
      );
      letterIds.push(id);
      for (const line of l.invoices) insertLine.run(id, line.number, line.role, line.amountCents, line.openCents);
      for (const m of a.moves) {
        const changed = moveInvoice.run(m.toStage, l.date, id, m.invoice).changes;
        if (changed !== 1) throw new Error(`invoice ${m.invoice} changed while the run was planned`);
        appendEvent(db, { kind: 'stage_changed', today: plan.today, debtor: a.debtor, invoice: m.invoice, data: { letter_id: id, stage_index: m.toStage } }, at);
      }
      appendEvent(db, {
        kind: 'letter_recorded', today: plan.today, debtor: a.debtor,
        data: { letter_id: id, run_id: runId, stage: a.stage, invoices: a.invoices, amount_cents: a.amountCents, costs_cents: a.costsCents, channels: a.channels },
      }, at);
    }
    // A phone stage's debtors go on the call list; their invoices move to that stage.
    const calls = recordCallTasks(db, plan, runId, at);
    appendEvent(db, { kind: 'run', today: plan.today, data: { run_id: runId, letters: letters.length, calls, handover_ready: countKind(plan.actions, 'handover'), skipped: countKind(plan.actions, 'skip') } }, at);
    // The book as this run left it, for the report's history (same transaction).
    recordBookSnapshot(db, plan.today, 'run', runId);
    return { runId, letterIds };
  })();
}

function countKind(actions: Action[], kind: Action['kind']): number {
  return actions.filter((a) => a.kind === kind).length;
}

/** The newest invoice import's business date, for the data-freshness check. */
export function newestImport(db: Db): { today: string; at: string } | null {
  const row = db.prepare("SELECT today, at FROM imports WHERE kind = 'invoices' AND id NOT IN (SELECT import_id FROM imports_undone) ORDER BY today DESC, id DESC LIMIT 1").get() as { today: string; at: string } | undefined;
  return row ?? null;
}
