// Reading the book for the engine and recording what it decided. One ordered query streams
// every open invoice with its debtor; no query per debtor (a million invoices stay fast).
import type { Db } from './ledger.js';
import { appendEvent } from './events.js';
import type { Channel, DebtorSnapshot, Language, DebtorType } from '../domain/letter.js';
import type { Action, LetterAction, Plan, PlanDebtorInput, PlanHold, PlanInvoice } from '../domain/plan.js';

type Row = [
  string, string, DebtorType, string | null, string | null, string | null, string | null, string | null, string | null, string, Language,
  string, string | null, string, number, number, string | null, number | null, string | null, string | null, string | null,
  number | null, 'goods' | 'services' | null,
];

const SNAPSHOT_SQL = `
SELECT d.number, d.name, d.type, d.contact_person, d.email, d.phone, d.street, d.postcode, d.city, d.country, d.language,
       i.number, i.issue_date, i.due_date, i.amount_cents, i.open_cents, i.reference, i.stage_index, i.stage_date, l.channels, p.posted_on, t.term_is_fatal, t.consumer_claim
FROM invoices i
JOIN debtors d ON d.number = i.debtor_number
LEFT JOIN letters l ON l.id = i.stage_letter_id
LEFT JOIN letter_postings p ON p.letter_id = i.stage_letter_id
LEFT JOIN invoice_terms t ON t.invoice_number = i.number
WHERE i.status = 'open' AND i.open_cents <> 0 %FILTER%
ORDER BY i.debtor_number`;

/** Active (unreleased) holds per debtor; expiry by date is decided by the planner. */
export function readHolds(db: Db, debtor?: string): Map<string, PlanHold[]> {
  const rows = db
    .prepare(
      `SELECT coalesce(h.debtor_number, i.debtor_number) AS debtor, h.invoice_number, h.reason, h.dispute, h.until
       FROM holds h LEFT JOIN invoices i ON i.number = h.invoice_number
       WHERE h.released_on IS NULL ${debtor ? 'AND coalesce(h.debtor_number, i.debtor_number) = ?' : ''}
       ORDER BY h.id`,
    )
    .raw()
    .all(...(debtor ? [debtor] : [])) as [string, string | null, string, number, string | null][];
  const map = new Map<string, PlanHold[]>();
  for (const [d, invoice, reason, dispute, until] of rows) {
    const list = map.get(d) ?? [];
    list.push({ invoiceNumber: invoice, reason, dispute: dispute === 1, until });
    map.set(d, list);
  }
  return map;
}

/** The date of each debtor's newest letter (one letter per debtor per day). */
function readLastLetterDates(db: Db, debtor?: string): Map<string, string> {
  const rows = db
    .prepare(`SELECT debtor_number, max(date) FROM letters ${debtor ? 'WHERE debtor_number = ?' : ''} GROUP BY debtor_number`)
    .raw()
    .all(...(debtor ? [debtor] : [])) as [string, string][];
  return new Map(rows);
}

/** The dates of each consumer's veertiendagenbrieven (final letters stating costs), for the stacking warning. */
function readFinalLetterDates(db: Db, debtor?: string): Map<string, string[]> {
  const rows = db
    .prepare(`SELECT debtor_number, date FROM letters WHERE final = 1 AND costs_cents IS NOT NULL ${debtor ? 'AND debtor_number = ?' : ''} ORDER BY date`)
    .raw()
    .all(...(debtor ? [debtor] : [])) as [string, string][];
  const map = new Map<string, string[]>();
  for (const [d, date] of rows) map.set(d, [...(map.get(d) ?? []), date]);
  return map;
}

/** Every debtor with open invoices, streamed in debtor-number order. */
export function* readDunningSnapshot(db: Db, options: { debtor?: string } = {}): Generator<PlanDebtorInput> {
  const holds = readHolds(db, options.debtor);
  const lastLetters = readLastLetterDates(db, options.debtor);
  const finalLetters = readFinalLetterDates(db, options.debtor);
  const sql = SNAPSHOT_SQL.replace('%FILTER%', options.debtor ? 'AND i.debtor_number = ?' : '');
  const iter = db.prepare(sql).raw().iterate(...(options.debtor ? [options.debtor] : [])) as IterableIterator<Row>;
  let current: PlanDebtorInput | null = null;
  for (const r of iter) {
    if (!current || current.debtor.number !== r[0]) {
      if (current) yield current;
      const debtor: DebtorSnapshot = {
        number: r[0], name: r[1], type: r[2], contactPerson: r[3], email: r[4], phone: r[5],
        address: { street: r[6], postcode: r[7], city: r[8], country: r[9] }, language: r[10],
      };
      current = { debtor, invoices: [], holds: holds.get(r[0]) ?? [], lastLetterDate: lastLetters.get(r[0]) ?? null, finalLetterDates: finalLetters.get(r[0]) ?? [] };
    }
    const invoice: PlanInvoice = {
      number: r[11], issueDate: r[12], dueDate: r[13], amountCents: r[14], openCents: r[15], reference: r[16],
      stageIndex: r[17], stageDate: r[18], stageChannels: r[19] ? (JSON.parse(r[19]) as Channel[]) : null, stagePostedOn: r[20], termIsFatal: r[21] === null ? null : r[21] === 1, consumerClaims: r[22],
    };
    current.invoices.push(invoice);
  }
  if (current) yield current;
}

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
    appendEvent(db, { kind: 'run', today: plan.today, data: { run_id: runId, letters: letters.length, handover_ready: countKind(plan.actions, 'handover'), skipped: countKind(plan.actions, 'skip') } }, at);
    return { runId, letterIds };
  })();
}

function countKind(actions: Action[], kind: Action['kind']): number {
  return actions.filter((a) => a.kind === kind).length;
}

/** The newest invoice import's business date, for the data-freshness check. */
export function newestImport(db: Db): { today: string; at: string } | null {
  const row = db.prepare("SELECT today, at FROM imports WHERE kind = 'invoices' ORDER BY today DESC, id DESC LIMIT 1").get() as { today: string; at: string } | undefined;
  return row ?? null;
}
