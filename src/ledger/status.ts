// The counts `status` reads straight from the tables (all from small tables or indexed columns):
// invoices by status, mail by state, agreements, payments after a handover.
import type { Db } from './ledger.js';

export interface LedgerCounts {
  handedOver: number;
  mail: Record<string, number>;
  paymentsAfterHandover: { invoice: string; date: string; amount_cents: number }[];
  arrangements: { running: number; runningCents: number; broken: number };
  promisesOpen: number;
  callsOpen: number;
  disputesOpen: number;
}

export function readLedgerCounts(db: Db, today: string): LedgerCounts {
  const mail: Record<string, number> = { queued: 0, sending: 0, sent: 0, failed: 0, retry: 0, unknown: 0, withdrawn: 0 };
  const mailStates = db.prepare(
    `SELECT CASE WHEN w.outbox_id IS NULL THEN o.state ELSE 'withdrawn' END AS state, count(*) AS n
     FROM outbox o LEFT JOIN outbox_withdrawn w ON w.outbox_id = o.id GROUP BY 1`,
  );
  for (const r of mailStates.all() as { state: string; n: number }[]) mail[r.state] = r.n;
  const paymentsAfterHandover = db
    .prepare(
      `SELECT a.invoice_number AS invoice, p.date, a.amount_cents
       FROM allocations a JOIN payments p ON p.id = a.payment_id
       JOIN handover_invoices hi ON hi.invoice_number = a.invoice_number
       JOIN handovers h ON h.id = hi.handover_id AND h.state = 'done'
       WHERE p.date >= h.today ORDER BY p.date`,
    )
    .all() as LedgerCounts['paymentsAfterHandover'];
  const running = db.prepare("SELECT count(*) AS n, coalesce(sum(total_cents), 0) AS cents FROM arrangements WHERE status = 'running'").get() as { n: number; cents: number };
  const count = (sql: string, ...params: unknown[]): number => db.prepare(sql).pluck().get(...params) as number;
  return {
    handedOver: count("SELECT count(*) FROM invoices WHERE status = 'handed_over'"),
    mail,
    paymentsAfterHandover,
    arrangements: { running: running.n, runningCents: running.cents, broken: count("SELECT count(*) FROM arrangements WHERE status = 'broken'") },
    promisesOpen: count("SELECT count(*) FROM promises WHERE status = 'open'"),
    callsOpen: count('SELECT count(*) FROM call_tasks WHERE outcome IS NULL AND date <= ?', today),
    disputesOpen: count('SELECT count(*) FROM disputes WHERE resolved_on IS NULL'),
  };
}
