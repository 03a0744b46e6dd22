// The stored status shares (migration 021) are dropped for exactly the debtor whose plan facts a
// change touches: one row per kind of change, on a real ledger. The model test
// (test/model/status-check.ts) checks the same against fresh plans over random seasons.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLedger, type Ledger } from '../../src/ledger/ledger.js';

let dir: string;
let ledger: Ledger;

const SETUP = `
INSERT INTO imports (id, kind, at, today, files) VALUES (1, 'invoices', '2026-09-01T08:00:00Z', '2026-09-01', '[]');
INSERT INTO debtors (number, name, type, language) VALUES ('D1', 'Een', 'consumer', 'nl'), ('D2', 'Twee', 'business', 'nl');
INSERT INTO invoices (number, debtor_number, due_date, amount_cents, open_cents, source_file, source_line, import_id)
  VALUES ('F1', 'D1', '2026-08-01', 10000, 10000, 'x.csv', 2, 1), ('F2', 'D2', '2026-08-01', 20000, 20000, 'x.csv', 3, 1);
INSERT INTO runs (id, today, at) VALUES (1, '2026-09-01', '2026-09-01T08:00:00Z');
INSERT INTO letters (id, run_id, debtor_number, stage_index, stage_id, final, date, channels, amount_cents, reference, data)
  VALUES (1, 1, 'D1', 0, 'herinnering', 0, '2026-09-01', '["post"]', 10000, 'R1', '{}'), (2, 1, 'D2', 0, 'herinnering', 0, '2026-09-01', '["post"]', 20000, 'R2', '{}');
INSERT INTO payments (id, date, amount_cents, source) VALUES (1, '2026-09-02', 500, 'bank'), (2, '2026-09-02', 700, 'bank');
INSERT INTO allocations (payment_id, invoice_number, amount_cents, method) VALUES (1, 'F1', 500, 'reference'), (2, 'F2', 700, 'reference');
INSERT INTO arrangements (id, debtor_number, start_date, total_cents, grace_days) VALUES (1, 'D1', '2026-09-01', 10000, 7);
INSERT INTO handovers (id, today, format, file_name, content, sha256, state, created_at) VALUES (1, '2026-09-01', 'zip', 'h.zip', x'00', 'x', 'writing', 'now');
INSERT INTO handover_costs (handover_id, debtor_number, claimed_cents, basis) VALUES (1, 'D1', 4000, 'bik');
`;

function stored(): string[] {
  return ledger.db.prepare('SELECT debtor_number FROM debtor_status ORDER BY 1').pluck().all() as string[];
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stat-debtor-status-'));
  ledger = openLedger(path.join(dir, 'book.db'), { create: true, command: 'test' });
  ledger.db.exec(SETUP);
  ledger.db.exec("INSERT INTO debtor_status (debtor_number, planned_on, fingerprint, summary) VALUES ('D1', '2026-09-02', 'f', NULL), ('D2', '2026-09-02', 'f', NULL)");
});

afterEach(() => {
  ledger.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("a change to a debtor's plan facts drops that debtor's stored status share, and only that", () => {
  it.each([
    ['a new invoice', "INSERT INTO invoices (number, debtor_number, due_date, amount_cents, open_cents, source_file, source_line, import_id) VALUES ('F3', 'D1', '2026-09-01', 100, 100, 'x.csv', 4, 1)"],
    ['an invoice paid per the export', "UPDATE invoices SET open_cents = 0, status = 'paid' WHERE number = 'F1'"],
    ['an invoice moved to another debtor (both change)', "UPDATE invoices SET debtor_number = 'D1' WHERE number = 'F2'", ['D1', 'D2']],
    ['the debtor corrected', "UPDATE debtors SET email = 'een@example.nl' WHERE number = 'D1'"],
    ['a hold on the debtor', "INSERT INTO holds (debtor_number, reason, created_on) VALUES ('D1', 'x', '2026-09-02')"],
    ['a hold on an invoice', "INSERT INTO holds (invoice_number, reason, created_on) VALUES ('F1', 'x', '2026-09-02')"],
    ['a letter recorded', "INSERT INTO letters (run_id, debtor_number, stage_index, stage_id, final, date, channels, amount_cents, reference, data) VALUES (1, 'D1', 1, 'aanmaning', 0, '2026-09-02', '[\"post\"]', 1, 'R', '{}')"],
    ['a letter re-dated', "UPDATE letters SET date = '2026-08-31' WHERE id = 1"],
    ['a letter line', "INSERT INTO letter_invoices (letter_id, invoice_number, role, amount_cents, open_cents) VALUES (1, 'F1', 'due', 10000, 10000)"],
    ['a post letter posted', "INSERT INTO letter_postings (letter_id, posted_on, recorded_at) VALUES (1, '2026-09-02', 'now')"],
    ['a letter withdrawn', "INSERT INTO letter_withdrawals (letter_id, reason, at, today, stages) VALUES (1, 'x', 'now', '2026-09-02', '[]')"],
    ['an invoice term', "INSERT INTO invoice_terms (invoice_number, term_is_fatal) VALUES ('F1', 1)"],
    ['a payment allocated', "INSERT INTO allocations (payment_id, invoice_number, amount_cents, method) VALUES (2, 'F1', 100, 'manual')"],
    ['an allocation undone', "DELETE FROM allocations WHERE invoice_number = 'F1'"],
    ["a payment's date corrected", "UPDATE payments SET date = '2026-09-03' WHERE id = 1"],
    ['a handover completed', "UPDATE handovers SET state = 'done' WHERE id = 1"],
    ['an arrangement broken', "UPDATE arrangements SET status = 'broken' WHERE id = 1"],
    ['an arrangement claim', "INSERT INTO arrangement_invoices (arrangement_id, invoice_number, open_cents) VALUES (1, 'F1', 10000)"],
    ['an instalment', "INSERT INTO arrangement_instalments (arrangement_id, number, due_date, amount_cents) VALUES (1, 1, '2026-10-01', 10000)"],
    ['a promise to pay', "INSERT INTO promises (debtor_number, created_on, until, amount_cents) VALUES ('D1', '2026-09-02', '2026-09-09', 100)"],
    ['a call task', "INSERT INTO call_tasks (run_id, debtor_number, date, stage_index, stage_id, invoices, amount_cents, reason) VALUES (1, 'D1', '2026-09-02', 1, 'bellen', '[]', 1, 'x')"],
  ])('%s', (_what, sql, dropped = ['D1']) => {
    ledger.db.exec(sql);
    expect(stored()).toEqual(['D1', 'D2'].filter((d) => !dropped.includes(d)));
  });

  it("a letter's PDF or print record is no plan fact: the share stays", () => {
    ledger.db.exec("UPDATE letters SET pdf_sha256 = 'abc', rendered_at = 'now', printed_at = '2026-09-02' WHERE id = 1");
    expect(stored()).toEqual(['D1', 'D2']);
  });
});
