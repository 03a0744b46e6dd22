// Throughput check of the CSV parse layer (not a test). Build first, then run:
//   npx tsc -p tsconfig.json && node test/bench/csv-parse.js [rows]
// It writes a generated invoice export (Dutch headers, `;`, decimal comma, names with ł/ő/ş/ž)
// to a temp directory and reports rows/s for readInvoiceCsv (row by row and in batches) and
// records/s for the tokenizer alone. With the sqlite3 shell on the PATH it also times
// `.import` of the same file: the whole import must stay within 3x of that (SPEC benchmark).
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvoiceCsvReader } from '../../dist/importers/invoice-csv.js';
import { CsvTokenizer } from '../../dist/importers/csv-tokenizer.js';

const ROWS = Number(process.argv[2] ?? 200_000);
const NAMES = ['Paweł Łukasiewicz', 'Győző Kovács', 'Ayşe Yılmaz', 'Žofie Nováková', 'Jan de Vries', 'Bakkerij De Korenschoof B.V.'];

function generate(file, rows) {
  const parts = ['Factuurnummer;Debiteurnummer;Naam;Soort;E-mail;Adres;Postcode;Plaats;Factuurdatum;Vervaldatum;Bedrag;Openstaand;Kenmerk\n'];
  for (let i = 1; i <= rows; i++) {
    const debtor = i % 40_000;
    const cents = ((i * 7919) % 500_000) + 100;
    const euros = Math.floor(cents / 100);
    const amount = `${euros >= 1000 ? `${Math.floor(euros / 1000)}.${String(euros % 1000).padStart(3, '0')}` : euros},${String(cents % 100).padStart(2, '0')}`;
    const day = String((i % 28) + 1).padStart(2, '0');
    parts.push(
      `F${String(i).padStart(8, '0')};D${debtor};${NAMES[debtor % NAMES.length]} ${debtor};${i % 3 === 0 ? 'zakelijk' : 'particulier'};` +
        `d${debtor}@example.nl;Dorpsstraat ${i % 200};1234 AB;Amersfoort;${day}-09-2024;${day}-10-2024;${amount};${amount};${1_000_000_000_000_000 + i}\n`,
    );
  }
  writeFileSync(file, parts.join(''));
}

const options = { paymentTermDays: 30, defaultDebtorType: 'consumer', defaultLanguage: 'nl' };

async function timeRows(file) {
  const t0 = performance.now();
  const reader = new InvoiceCsvReader(file, options);
  let n = 0;
  for await (const row of reader.rows()) if (row.amountCents !== 0) n++;
  return { n, ms: performance.now() - t0, result: reader.result };
}

async function timeBatches(file) {
  const t0 = performance.now();
  const reader = new InvoiceCsvReader(file, options);
  let n = 0;
  for await (const batch of reader.batches()) n += batch.length;
  return { n, ms: performance.now() - t0, result: reader.result };
}

async function timeTokenizer(file) {
  const t0 = performance.now();
  const tokenizer = new CsvTokenizer({ delimiter: ';' });
  const decoder = new TextDecoder();
  let n = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 16 })) n += tokenizer.push(decoder.decode(chunk, { stream: true })).length;
  n += tokenizer.end().length;
  return { n, ms: performance.now() - t0 };
}

function timeSqlite(file) {
  const db = join(tmpdir(), `pre-incasso-bench-${process.pid}.db`);
  const t0 = performance.now();
  const r = spawnSync('sqlite3', [db, '-cmd', '.mode csv', '-cmd', '.separator ;', `.import ${file} inv`], { stdio: 'ignore' });
  const ms = performance.now() - t0;
  rmSync(db, { force: true });
  return r.error || r.status !== 0 ? null : ms;
}

const perSecond = (n, ms) => Math.round((n / ms) * 1000).toLocaleString('en');

const dir = mkdtempSync(join(tmpdir(), 'pre-incasso-bench-'));
try {
  const file = join(dir, 'openstaande-posten.csv');
  generate(file, ROWS);
  const mb = statSync(file).size / 1e6;
  console.log(`${ROWS.toLocaleString('en')} rows, ${mb.toFixed(1)} MB, Node ${process.version}`);
  await timeBatches(file); // warm-up
  const tok = await timeTokenizer(file);
  console.log(`tokenizer alone:          ${perSecond(tok.n, tok.ms)} records/s (${tok.ms.toFixed(0)} ms)`);
  const rows = await timeRows(file);
  if (rows.n !== ROWS || rows.result.errorCount !== 0) throw new Error(`expected ${ROWS} clean rows, got ${rows.n} and ${rows.result.errorCount} errors`);
  console.log(`readInvoiceCsv, per row:  ${perSecond(rows.n, rows.ms)} rows/s (${rows.ms.toFixed(0)} ms, ${(mb / rows.ms * 1000).toFixed(0)} MB/s)`);
  const batches = await timeBatches(file);
  console.log(`readInvoiceCsv, batches:  ${perSecond(batches.n, batches.ms)} rows/s (${batches.ms.toFixed(0)} ms)`);
  const sqlite = timeSqlite(file);
  if (sqlite !== null) console.log(`sqlite3 .import:          ${perSecond(ROWS, sqlite)} rows/s (${sqlite.toFixed(0)} ms) — parse layer takes ${(rows.ms / sqlite).toFixed(2)}x of it`);
  console.log(`peak RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
