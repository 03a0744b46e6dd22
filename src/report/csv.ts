// `report --csv <dir>`: the report's tables as CSV files for Dutch Excel (semicolons, decimal
// comma, BOM), every text cell made inert so no debtor name becomes a formula.
import type { ReportDocument } from './document.js';
import { csvAmount, inertText, quoteCell } from '../handover/csv.js';

type Cell = string | number | null | { cents: number | null } | { share: number | null };

function cell(c: Cell): string {
  if (c === null) return '';
  if (typeof c === 'number') return String(c).replace('.', ',');
  if (typeof c === 'string') return quoteCell(inertText(c));
  if ('cents' in c) return c.cents === null ? '' : csvAmount(c.cents);
  return c.share === null ? '' : String(Math.round(c.share * 10000) / 100).replace('.', ',');
}

const eur = (cents: number | null): Cell => ({ cents });
const pct = (share: number | null): Cell => ({ share });

function file(headers: string[], rows: Cell[][]): string {
  return `\uFEFF${[headers.map((h) => quoteCell(h)).join(';'), ...rows.map((r) => r.map(cell).join(';'))].join('\r\n')}\r\n`;
}

/** File name → content; the same figures as `report --json`. */
export function reportCsvFiles(doc: ReportDocument): Record<string, string> {
  const b = doc.book;
  return {
    'aging.csv': file(['bucket', 'invoices', 'open_eur'], Object.entries(b.aging).map(([k, v]) => [k, v.invoices, eur(v.cents)])),
    'by-stage.csv': file(['stage', 'invoices', 'open_eur'], b.by_stage.map((s) => [s.stage ?? '(none)', s.invoices, eur(s.cents)])),
    'book.csv': file(['figure', 'count', 'eur'], [
      ['open', b.open.invoices, eur(b.open.cents)], ['overdue', b.overdue.invoices, eur(b.overdue.cents)], ['on_hold', b.on_hold.invoices, eur(b.on_hold.cents)],
      ['disputed', b.disputed.invoices, eur(b.disputed.cents)], ['handed_over', b.handed_over.invoices, eur(b.handed_over.cents)],
      ['unmatched_payments', b.unmatched_payments.count, eur(b.unmatched_payments.cents)],
    ]),
    'history.csv': file(['period', 'date', 'open_invoices', 'open_eur', 'overdue_invoices', 'overdue_eur', 'handed_over_eur'], doc.history.points.map((p) => [p.period, p.date, p.open_invoices, eur(p.open_cents), p.overdue_invoices, eur(p.overdue_cents), eur(p.handed_over_cents)])),
    'effectiveness.csv': file(
      ['stage', 'letters', 'invoices', 'demanded_eur', 'paid_7_eur', 'paid_7_pct', 'paid_14_eur', 'paid_14_pct', 'paid_30_eur', 'paid_30_pct', 'paid_in_full', 'median_days_to_payment', 'handed_over_invoices', 'handed_over_eur'],
      doc.effectiveness.stages.map((s) => [s.stage, s.letters, s.invoices, eur(s.amount_cents), eur(s.paid_7_cents), pct(s.paid_7_share), eur(s.paid_14_cents), pct(s.paid_14_share), eur(s.paid_30_cents), pct(s.paid_30_share), s.paid_in_full, s.median_days_to_payment, s.handed_over_invoices, eur(s.handed_over_cents)]),
    ),
    'funnel.csv': file(['step', 'invoices', 'eur'], doc.effectiveness.funnel.map((f) => [f.step, f.invoices, eur(f.cents)])),
    'signals.csv': file(['kind', 'severity', 'debtor', 'name', 'invoice', 'eur', 'text'], doc.signals.items.map((s) => [s.kind, s.severity, s.debtor, s.name, s.invoice, eur(s.cents), s.text])),
    'behaviour.csv': file(['debtor', 'name', 'payments', 'average_days_late', 'trend', 'days_late'], doc.behaviour.slowest.map((x) => [x.debtor, x.name, x.payments, x.average_days_late, x.trend, x.days_late.join(' ')])),
    'top-debtors.csv': file(['debtor', 'name', 'invoices', 'open_eur', 'oldest_due', 'days_late', 'stage'], doc.top_debtors.map((x) => [x.debtor, x.name, x.invoices, eur(x.open_cents), x.oldest_due, x.days_late, x.stage])),
    'holds.csv': file(['kind', 'debtor', 'name', 'invoice', 'reason', 'since', 'age_days', 'until', 'open_eur'], doc.holds.items.map((x) => [x.dispute ? 'dispute' : 'hold', x.debtor, x.name, x.invoice, x.reason, x.since, x.age_days, x.until, eur(x.open_cents)])),
    'handovers.csv': file(['batch', 'date', 'file', 'invoices', 'handed_over_eur', 'paid_after_eur', 'payments_after', 'open_now_eur'], doc.handovers.batches.map((x) => [x.batch, x.date, x.file, x.invoices, eur(x.handed_over_cents), eur(x.paid_after_cents), x.payments_after, eur(x.open_now_cents)])),
    'runs.csv': file(['run', 'date', ...doc.stages, 'letters', 'letters_eur', 'mail_sent', 'mail_failed', 'handover_ready', 'skipped'], doc.runs.items.map((r) => [r.run, r.date, ...doc.stages.map((s) => r.letters_by_stage[s] ?? 0), r.letters, eur(r.letters_cents), r.mail.sent ?? 0, r.mail_failed, r.handover_ready, r.skipped])),
  };
}
