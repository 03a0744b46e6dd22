// Baseline of `run --dry-run` in `npm run bench`: one bare SELECT of the open invoices with their
// debtors into JavaScript, the rows the plan has to read, and nothing else.
//   node test/bench/select-baseline.js <ledger>
import Database from 'better-sqlite3';

const db = new Database(process.argv[2], { readonly: true, fileMustExist: true });
let n = 0;
const rows = db
  .prepare(
    `SELECT d.number, d.name, d.type, d.contact_person, d.email, d.phone, d.street, d.postcode, d.city, d.country, d.language,
            i.number, i.issue_date, i.due_date, i.amount_cents, i.open_cents, i.reference, i.stage_index, i.stage_date
       FROM invoices i JOIN debtors d ON d.number = i.debtor_number
      WHERE i.status = 'open' AND i.open_cents <> 0
      ORDER BY i.debtor_number`,
  )
  .raw();
for (const _ of rows.iterate()) n++;
db.close();
console.log(n);
