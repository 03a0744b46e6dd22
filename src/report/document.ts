// The report as one document: the ledger's facts (src/ledger/report.ts) turned into the figures
// (src/domain/report). The HTML, JSON and CSV are all drawn from this one document, so they cannot
// disagree; it lives beside its renderers so they need nothing from the workflows above them.
import type { Db } from '../ledger/ledger.js';
import type { Config } from '../config/schema.js';
import { addDays, addYears, daysBetween, type IsoDate } from '../domain/dates.js';
import { LIMITATION_WARNING_DAYS } from '../domain/limitation.js';
import { historyOf } from '../domain/report/history.js';
import { effectivenessOf, funnelOf } from '../domain/report/effectiveness.js';
import { behaviourOf } from '../domain/report/behaviour.js';
import { signalsOf, TREND_MIN_IMPORTS, type SignalFacts } from '../domain/report/signals.js';
import * as q from '../ledger/report.js';
import { readBookNow } from './book-now.js';

/** Caps that keep the HTML small (under 2 MB) on a ledger of a million invoices. */
export const LIMITS = { topDebtors: 20, behaviour: 50, holds: 100, signals: 100, runs: 50, unmatched: 20, limitation: 500, newOverdue: 50 } as const;
/** A newly overdue invoice of at least this much is a signal. */
export const LARGE_OVERDUE_CENTS = 100_000;
/** The per-debtor history the rising-balance signals look at: the last imports. */
export const SIGNAL_IMPORTS = 3;

export type ReportDocument = ReturnType<typeof assembleReport>;

export function assembleReport(db: Db, config: Config, today: IsoDate) {
  const stageIds = config.stages.map((s) => s.id);
  const language = config.defaults.language;

  // The book now, as the debtors' accounts have it (the same figures as `status` and `export`).
  const corrections = q.readAccountCorrections(db, today);
  const now = readBookNow(db, today, stageIds, LIMITS.topDebtors, corrections);
  const { aging, byStage } = now;
  const open = byStage.reduce((s, r) => ({ invoices: s.invoices + r.invoices, cents: s.cents + r.cents }), { invoices: 0, cents: 0 });
  const overdue = (['1_30', '31_60', '61_90', 'over_90'] as const).reduce((s, b) => ({ invoices: s.invoices + aging[b].invoices, cents: s.cents + aging[b].cents }), { invoices: 0, cents: 0 });
  const held = q.readHeld(db, today);
  // Handed over: counted with what is still open on them (status 'handed_over', as `status`).
  const handedOver = now.handedOver;
  const unmatched = q.readUnmatched(db, LIMITS.unmatched);

  // Over time.
  // The book as it stands now closes the series (an export or a hold since the last import
  // changed it); it replaces the last snapshot of the same period.
  const history = historyOf([
    ...q.readSnapshots(db, today),
    { today, openCents: open.cents, overdueCents: overdue.cents, openInvoices: open.invoices, overdueInvoices: overdue.invoices, handedOverCents: handedOver.cents },
  ]);

  // Effectiveness.
  const facts = q.readLetterInvoices(db, today);
  const handovers = q.readHandoverBatches(db, today);
  // A handed-over claim keeps the credit set off against it: the batch went out for that much.
  const credited = corrections.filter((c) => c.status === 'handed_over' && c.accountCents !== c.ledgerCents);
  const batchOf = q.readHandoverBatchOf(db, credited.map((c) => c.invoice));
  for (const c of credited) {
    const batch = handovers.find((h) => h.id === batchOf.get(c.invoice));
    if (!batch) continue;
    batch.handedOverCents += c.accountCents - c.ledgerCents;
    batch.openNowCents += c.accountCents - c.ledgerCents;
  }
  const handoverTotal = handovers.reduce((s, h) => ({ invoices: s.invoices + h.invoices, cents: s.cents + h.handedOverCents }), { invoices: 0, cents: 0 });
  const stages = effectivenessOf(stageIds, facts, q.readLetterCounts(db, today));
  const funnel = funnelOf(stageIds, facts);

  // Behaviour and signals.
  const behaviour = behaviourOf(q.readSettled(db, today));
  const debtorHistory = q.readDebtorSnapshots(db, today, SIGNAL_IMPORTS, TREND_MIN_IMPORTS);
  const importDays = q.readImportDays(db, today, 2);
  const since = importDays.find((d) => d < today) ?? addDays(today, -14);
  const newOverdue = q.readNewOverdue(db, since, today, LARGE_OVERDUE_CENTS, LIMITS.newOverdue);
  const limitation = q.readLimitationCandidates(db, addDays(addYears(today, -2), LIMITATION_WARNING_DAYS), LIMITS.limitation);
  const topDebtors = now.topDebtors;
  const holds = q.readActiveHolds(db, today, LIMITS.holds, corrections);
  const runs = q.readRuns(db, today, LIMITS.runs);
  const names = q.debtorNameLookup(db);
  const signalFacts: SignalFacts = {
    today,
    names,
    debtorHistory,
    behaviour,
    newOverdue,
    limitation,
    unmatched: { count: unmatched.count, cents: unmatched.cents },
    minimumCents: Math.round(config.minimumAmount * 100),
    // arrangements: read here once the ledger records payment arrangements, promises and calls.
  };
  const signals = signalsOf(signalFacts);
  const slowest = [...behaviour].sort((a, b) => b.averageDaysLate - a.averageDaysLate || (b.trend ?? 0) - (a.trend ?? 0) || (a.debtor < b.debtor ? -1 : 1)).slice(0, LIMITS.behaviour);
  const stageName = (i: number | null): string | null => (i === null ? null : stageIds[Math.min(i, stageIds.length - 1)] ?? null);

  return {
    today,
    language,
    creditor: config.creditor.name,
    stages: stageIds,
    book: {
      open,
      overdue,
      aging,
      by_stage: byStage,
      on_hold: { invoices: held.held.invoices, cents: held.held.cents },
      disputed: { invoices: held.disputed.invoices, cents: held.disputed.cents },
      handed_over: handedOver,
      unmatched_payments: {
        count: unmatched.count,
        cents: unmatched.cents,
        largest: unmatched.top.map((p) => ({ id: p.id, date: p.date, amount_cents: p.amountCents, unallocated_cents: p.unallocatedCents, counterparty: p.counterparty, reference: p.reference })),
      },
    },
    history: {
      unit: history.unit,
      points: history.points.map((p) => ({
        period: p.period, date: p.today, open_invoices: p.openInvoices, open_cents: p.openCents, overdue_invoices: p.overdueInvoices, overdue_cents: p.overdueCents, handed_over_cents: p.handedOverCents,
      })),
    },
    effectiveness: {
      stages: stages.map((s) => ({
        stage: s.stage, letters: s.letters, invoices: s.invoices, amount_cents: s.amountCents,
        paid_7_cents: s.paidCents[7], paid_14_cents: s.paidCents[14], paid_30_cents: s.paidCents[30],
        paid_7_share: s.paidShare[7], paid_14_share: s.paidShare[14], paid_30_share: s.paidShare[30],
        paid_in_full: s.paidInFull, median_days_to_payment: s.medianDaysToPayment,
        handed_over_invoices: s.handedOverInvoices, handed_over_cents: s.handedOverCents,
      })),
      funnel,
    },
    signals: {
      count: signals.length,
      items: signals.slice(0, LIMITS.signals).map((s) => ({ kind: s.kind, severity: s.severity, debtor: s.debtor, name: s.name, invoice: s.invoice, cents: s.cents, text: s.text[language] })),
    },
    behaviour: {
      debtors: behaviour.length,
      slowest: slowest.map((b) => ({
        debtor: b.debtor, name: names.get(b.debtor) ?? b.debtor, payments: b.payments, average_days_late: b.averageDaysLate, trend: b.trend, days_late: b.daysLate.slice(-10),
      })),
    },
    top_debtors: topDebtors.map((d) => ({ debtor: d.debtor, name: d.name, invoices: d.invoices, open_cents: d.openCents, oldest_due: d.oldestDue, days_late: Math.max(0, daysBetween(d.oldestDue, today)), stage: stageName(d.stageIndex) })),
    holds: {
      count: holds.count,
      items: holds.rows.map((h) => ({
        debtor: h.debtor, name: h.name, invoice: h.invoice, dispute: h.dispute, reason: h.reason, since: h.since, age_days: daysBetween(h.since, today), until: h.until, open_cents: h.openCents,
      })),
    },
    handovers: {
      invoices: handoverTotal.invoices,
      cents: handoverTotal.cents,
      paid_after_cents: handovers.reduce((s, h) => s + h.paidAfterCents, 0),
      batches: handovers.map((h) => ({
        batch: h.id, date: h.today, file: h.fileName, invoices: h.invoices, handed_over_cents: h.handedOverCents, paid_after_cents: h.paidAfterCents, payments_after: h.paymentsAfter, open_now_cents: h.openNowCents,
      })),
    },
    runs: {
      count: runs.count,
      items: runs.rows.map((r) => ({
        run: r.id, date: r.today, at: r.at,
        letters: r.lettersByStage.reduce((s, l) => s + l.letters, 0),
        letters_by_stage: Object.fromEntries(r.lettersByStage.map((l) => [stageName(l.stageIndex) ?? String(l.stageIndex), l.letters])),
        letters_cents: r.lettersByStage.reduce((s, l) => s + l.cents, 0),
        mail: r.mail,
        mail_failed: (r.mail.failed ?? 0) + (r.mail.unknown ?? 0),
        handover_ready: r.handoverReady,
        skipped: r.skipped,
      })),
    },
  };
}
