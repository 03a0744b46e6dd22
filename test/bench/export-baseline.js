// Baseline of `export` in `npm run bench`: read every letter PDF of the prepared ledger and write
// them into one stored (uncompressed) ZIP with fflate's streaming API, then fsync it, as a
// handover file must be durable before the ledger marks the claims handed over.
//   node test/bench/export-baseline.js <ledger> <out.zip>
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { Zip, ZipPassThrough } from 'fflate';

const [ledger, out] = process.argv.slice(2);
const db = new Database(ledger, { readonly: true, fileMustExist: true });
const fd = fs.openSync(out, 'w', 0o600);
let done = false;
const zip = new Zip((err, chunk, final) => {
  if (err) throw err;
  fs.writeSync(fd, chunk);
  if (final) done = true;
});
let n = 0;
for (const r of db.prepare('SELECT debtor_number, date, stage_id, pdf FROM letters WHERE pdf IS NOT NULL ORDER BY debtor_number, date').iterate()) {
  const file = new ZipPassThrough(`letters/${r.debtor_number}/${r.date}_${r.stage_id}.pdf`);
  zip.add(file);
  file.push(r.pdf, true);
  n++;
}
zip.end();
db.close();
if (!done) throw new Error('the ZIP did not end');
fs.fsyncSync(fd);
fs.closeSync(fd);
console.log(n);
