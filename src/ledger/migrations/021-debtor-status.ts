// What `status` needs of each debtor's plan, stored by the planner when `run` plans the book, so
// `status` on a large ledger plans only the debtors whose facts changed since. A row is valid for
// the day it was planned on (`planned_on`) with the policy it was planned with (`fingerprint`:
// the digest of config and law). Every change to a fact the planner reads about a debtor deletes
// that debtor's row (the triggers below), so a stored row is never older than its facts.
export const version = 21;
export const name = 'debtor-status';

/** The debtor a row of each table concerns, as an SQL expression over NEW or OLD. */
const debtorOf: Record<string, (r: string) => string> = {
  invoices: (r) => `${r}.debtor_number`,
  debtors: (r) => `${r}.number`,
  holds: (r) => `coalesce(${r}.debtor_number, (SELECT debtor_number FROM invoices WHERE number = ${r}.invoice_number))`,
  letters: (r) => `${r}.debtor_number`,
  letter_invoices: (r) => `(SELECT debtor_number FROM invoices WHERE number = ${r}.invoice_number)`,
  letter_postings: (r) => `(SELECT debtor_number FROM letters WHERE id = ${r}.letter_id)`,
  letter_withdrawals: (r) => `(SELECT debtor_number FROM letters WHERE id = ${r}.letter_id)`,
  invoice_terms: (r) => `(SELECT debtor_number FROM invoices WHERE number = ${r}.invoice_number)`,
  allocations: (r) => `(SELECT debtor_number FROM invoices WHERE number = ${r}.invoice_number)`,
  handover_costs: (r) => `${r}.debtor_number`,
  arrangements: (r) => `${r}.debtor_number`,
  arrangement_invoices: (r) => `(SELECT debtor_number FROM invoices WHERE number = ${r}.invoice_number)`,
  arrangement_instalments: (r) => `(SELECT debtor_number FROM arrangements WHERE id = ${r}.arrangement_id)`,
  promises: (r) => `${r}.debtor_number`,
  call_tasks: (r) => `${r}.debtor_number`,
};

function triggers(): string {
  const out: string[] = [];
  for (const [table, of] of Object.entries(debtorOf)) {
    out.push(`CREATE TRIGGER debtor_status_${table}_insert AFTER INSERT ON ${table} BEGIN
  DELETE FROM debtor_status WHERE debtor_number = ${of('NEW')};
END;`);
    // A letter's PDF, print and send records are no plan facts: only these columns are.
    const columns = table === 'letters' ? ' OF debtor_number, date, final, costs_cents, channels' : '';
    out.push(`CREATE TRIGGER debtor_status_${table}_update AFTER UPDATE${columns} ON ${table} BEGIN
  DELETE FROM debtor_status WHERE debtor_number IN (${of('OLD')}, ${of('NEW')});
END;`);
    out.push(`CREATE TRIGGER debtor_status_${table}_delete AFTER DELETE ON ${table} BEGIN
  DELETE FROM debtor_status WHERE debtor_number = ${of('OLD')};
END;`);
  }
  // A payment's date or a handover's state concern every debtor they touch: both change rarely.
  for (const [table, when] of [['payments', 'UPDATE'], ['payments', 'DELETE'], ['handovers', 'UPDATE'], ['handovers', 'DELETE']] as const) {
    const r = when === 'DELETE' ? 'OLD' : 'NEW';
    const whom = table === 'payments'
      ? `SELECT i.debtor_number FROM allocations a JOIN invoices i ON i.number = a.invoice_number WHERE a.payment_id = ${r}.id`
      : `SELECT debtor_number FROM handover_costs WHERE handover_id = ${r}.id UNION SELECT i.debtor_number FROM handover_invoices hi JOIN invoices i ON i.number = hi.invoice_number WHERE hi.handover_id = ${r}.id`;
    out.push(`CREATE TRIGGER debtor_status_${table}_${when.toLowerCase()} AFTER ${when} ON ${table} BEGIN
  DELETE FROM debtor_status WHERE debtor_number IN (${whom});
END;`);
  }
  return out.join('\n');
}

export const sql = `
CREATE TABLE debtor_status (
  debtor_number  TEXT PRIMARY KEY,
  planned_on     TEXT NOT NULL,
  fingerprint    TEXT NOT NULL,
  -- The debtor's share of the status figures as JSON; NULL: nothing open that day.
  summary        TEXT
) WITHOUT ROWID;
-- status counts the handed-over invoices; an import of open invoices never touches this index.
CREATE INDEX invoices_handed_over ON invoices(status) WHERE status = 'handed_over';
${triggers()}
`;
