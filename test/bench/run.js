// `npm run bench`: speed and memory against the targets of the issues. Not a test: it prints
// figures. Generates a 1,000,000-row Dutch export (100,000 debtors), imports it into an empty
// ledger, compares with the sqlite3 shell's .import, re-imports it, plans a run over it, and
// times start-up. Set BENCH_ROWS to try a smaller size.
import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'pre-incasso.js');
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const DEBTORS = Math.max(1, Math.round(ROWS / 10));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pre-incasso-bench-'));
const env = { ...process.env, TZ: 'Europe/Amsterdam', NO_COLOR: '1' };
const results = [];

function report(name, value, target) {
  results.push({ name, value, target });
  console.log(`${name.padEnd(52)} ${String(value).padStart(14)}   ${target ?? ''}`);
}

/** Runs a command and returns wall seconds and peak RSS (MB) of the child, via GNU time. */
function measure(args, options = {}) {
  const started = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', ...args], { cwd: options.cwd ?? dir, env, encoding: 'utf8', maxBuffer: 1 << 28, input: options.input });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0 && !options.allowFail) throw new Error(`${args.join(' ')} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  const lines = r.stderr.trim().split('\n');
  const rssMb = Number(lines[lines.length - 1]) / 1024;
  return { seconds, rssMb, stdout: r.stdout, stderr: r.stderr };
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function generateCsv(file) {
  const fd = fs.openSync(file, 'w');
  const header = 'Factuurnummer;Debiteurnummer;Naam;Soort;E-mail;Adres;Postcode;Plaats;Land;Taal;Factuurdatum;Vervaldatum;Bedrag;Openstaand;Kenmerk\n';
  fs.writeSync(fd, header);
  const streets = ['Dorpsstraat', 'Kerkstraat', 'Stationsweg', 'Molenweg', 'Schoolstraat', 'Julianalaan'];
  const cities = ['Amersfoort', 'Utrecht', 'Zwolle', 'Groningen', 'Den Haag', 'Eindhoven'];
  let chunk = '';
  for (let i = 0; i < ROWS; i++) {
    const d = i % DEBTORS;
    const consumer = d % 3 !== 0;
    const day = 1 + (i % 28);
    const month = 6 + (i % 5);
    const cents = 1000 + ((i * 7919) % 500000);
    const amount = `${Math.floor(cents / 100).toLocaleString('de-DE')},${String(cents % 100).padStart(2, '0')}`;
    const dd = String(day).padStart(2, '0');
    const mm = String(month).padStart(2, '0');
    const mm2 = String(month + 1).padStart(2, '0');
    chunk += `2026-${String(i).padStart(7, '0')};D${String(d).padStart(6, '0')};${consumer ? 'Familie' : 'Bedrijf'} ${d} ${consumer ? 'de Vries' : 'B.V.'};${consumer ? 'particulier' : 'zakelijk'};klant${d}@example.nl;${streets[d % 6]} ${1 + (d % 200)};${1000 + (d % 8999)} AB;${cities[d % 6]};NL;nl;${dd}-${mm}-2026;${dd}-${mm2}-2026;${amount};${amount};\n`;
    if (chunk.length > 1 << 20) {
      fs.writeSync(fd, chunk);
      chunk = '';
    }
  }
  fs.writeSync(fd, chunk);
  fs.closeSync(fd);
}

function writeConfig() {
  const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', 'pre-incasso.config.json'), 'utf8'));
  delete config.$schema;
  delete config.mail;
  fs.writeFileSync(path.join(dir, 'pre-incasso.config.json'), JSON.stringify(config, null, 2));
}

console.log(`pre-incasso benchmark: ${ROWS.toLocaleString('en')} rows, ${DEBTORS.toLocaleString('en')} debtors, in ${dir}\n`);
writeConfig();
const csv = path.join(dir, 'export.csv');
generateCsv(csv);
report('export size (MB)', (fs.statSync(csv).size / 1e6).toFixed(1));

// --- import
const hasSqlite = spawnSync('sqlite3', ['-version']).status === 0;
let sqliteSeconds = null;
if (hasSqlite) {
  const plain = path.join(dir, 'plain.db');
  const r = measure(['sqlite3', plain, '.mode csv', '.separator ;', '.import export.csv plain']);
  sqliteSeconds = r.seconds;
  report('sqlite3 .import (s)', r.seconds.toFixed(2));
}
const first = measure(['node', BIN, 'import', 'export.csv', '--today', '2026-11-23', '--quiet']);
report('import into an empty ledger (s)', first.seconds.toFixed(2));
report('import rows/s', Math.round(ROWS / first.seconds).toLocaleString('en'));
report('import peak RSS (MB)', first.rssMb.toFixed(0), 'target <= 300');
if (sqliteSeconds) report('import / sqlite3 .import', (first.seconds / sqliteSeconds).toFixed(2), 'target <= 3');
const second = measure(['node', BIN, 'import', 'export.csv', '--today', '2026-11-23', '--quiet']);
report('re-import of the same file (s)', second.seconds.toFixed(2), `target <= first (${first.seconds.toFixed(2)})`);
report('re-import peak RSS (MB)', second.rssMb.toFixed(0), 'target <= 300');

// --- run --dry-run over the whole book
const bare = measure([
  'node', '-e',
  `const D=require(${JSON.stringify(path.join(ROOT, 'node_modules', 'better-sqlite3'))});const db=new D('pre-incasso.db',{readonly:true});let n=0;for(const r of db.prepare("SELECT d.number,d.name,d.type,d.contact_person,d.email,d.phone,d.street,d.postcode,d.city,d.country,d.language,i.number,i.issue_date,i.due_date,i.amount_cents,i.open_cents,i.reference,i.stage_index,i.stage_date FROM invoices i JOIN debtors d ON d.number=i.debtor_number WHERE i.status='open' AND i.open_cents<>0 ORDER BY i.debtor_number").raw().iterate())n++;console.log(n)`,
]);
report('bare SELECT of the open invoices into JS (s)', bare.seconds.toFixed(2));
const dry = measure(['node', BIN, 'run', '--dry-run', '--json', '--today', '2026-11-23']);
report('run --dry-run (s)', dry.seconds.toFixed(2));
report('run --dry-run peak RSS (MB)', dry.rssMb.toFixed(0), 'target <= 500');
report('run --dry-run / bare SELECT', (dry.seconds / bare.seconds).toFixed(2), 'target <= 3');
report('letters planned', JSON.parse(dry.stdout).actions.filter((a) => a.kind === 'letter').length.toLocaleString('en'));

// --- report over the whole book, against status on it (issue: report < 2x status)
const statusBig = measure(['node', BIN, 'status', '--json', '--today', '2026-11-23']);
const reportBig = measure(['node', BIN, 'report', '--out', 'report.html', '--today', '2026-11-23', '--quiet']);
report('status over the whole book (s)', statusBig.seconds.toFixed(2));
report('report over the whole book (s)', reportBig.seconds.toFixed(2));
report('report / status', (reportBig.seconds / statusBig.seconds).toFixed(2), 'target < 2');
report('report HTML (KB)', (fs.statSync(path.join(dir, 'report.html')).size / 1024).toFixed(0), 'target < 2048');

// --- start-up
const small = fs.mkdtempSync(path.join(os.tmpdir(), 'pre-incasso-bench-small-'));
fs.copyFileSync(path.join(dir, 'pre-incasso.config.json'), path.join(small, 'pre-incasso.config.json'));
fs.copyFileSync(path.join(ROOT, 'examples', 'openstaande-posten-september.csv'), path.join(small, 'posten.csv'));
execFileSync('node', [BIN, 'import', 'posten.csv', '--today', '2026-09-22', '--quiet'], { cwd: small, env });
const time = (args, cwd) => median(Array.from({ length: 11 }, () => measure(args, { cwd, allowFail: true }).seconds));
const nodeBare = time(['node', '-e', '0'], small);
const help = time(['node', BIN, '--help'], small);
const status = time(['node', BIN, 'status', '--today', '2026-09-22'], small);
report('node -e 0 (ms, median of 11)', (nodeBare * 1000).toFixed(0));
report('pre-incasso --help (ms)', (help * 1000).toFixed(0), `target <= ${(2 * nodeBare * 1000).toFixed(0)}`);
report('pre-incasso status, small ledger (ms)', (status * 1000).toFixed(0), `target <= ${(2 * nodeBare * 1000).toFixed(0)}`);
report('--help / node -e 0', (help / nodeBare).toFixed(2), 'target <= 2');
report('status / node -e 0', (status / nodeBare).toFixed(2), 'target <= 2');

// --- letters (issue: 1,000 one-page letters)
const lettersBench = path.join(ROOT, 'test', 'bench', 'letters.js');
if (fs.existsSync(lettersBench)) {
  const r = spawnSync('node', [lettersBench], { env, encoding: 'utf8' });
  process.stdout.write(r.stdout);
  if (r.status !== 0) process.stderr.write(r.stderr);
}

fs.rmSync(dir, { recursive: true, force: true });
fs.rmSync(small, { recursive: true, force: true });
