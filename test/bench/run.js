// `npm run bench`: the table of issue 16, measured through the CLI as a user runs it. Each row
// prints `figure / baseline = ratio (target)` with the min and median over the rounds; the exit
// code is 1 when a median misses its target (or a job fails), 0 when every row meets it, 2 on a
// bad setting. Not a test (`npm test` never runs it). Settings, all optional:
//   BENCH_ROUNDS   rounds per row (default 3)
//   BENCH_ROWS     invoices of the import, dry-run, status and report book (default 1,000,000)
//   BENCH_LETTERS  letters of `run --no-mail` (default 1,000)
//   BENCH_MAIL     e-mails of `mail` (default 1,000)
//   BENCH_CASES    cases of `export`, 3 letters each (default 10,000)
//   BENCH_ONLY     a comma-separated subset of: import,dryrun,letters,mail,export,status,report,help
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { exitCode, rowLine, summaryTable } from './format.js';
import { JOBS } from './jobs.js';
import { since } from './measure.js';

function setting(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw.replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < 1) {
    console.error(`error: ${name}=${raw}: expected a whole number of at least 1, e.g. ${name}=${fallback}.`);
    process.exit(2);
  }
  return n;
}

const only = (process.env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const unknown = only.filter((j) => !(j in JOBS));
if (unknown.length > 0) {
  console.error(`error: BENCH_ONLY=${process.env.BENCH_ONLY}: unknown job ${unknown.join(', ')}; the jobs are ${Object.keys(JOBS).join(',')}.`);
  process.exit(2);
}
if (spawnSync('/usr/bin/time', ['-f', '%M', 'true']).status !== 0) {
  console.error('error: /usr/bin/time (GNU time) is needed for the peak RSS; install it with `apt-get install time`.');
  process.exit(2);
}

const ctx = {
  rounds: setting('BENCH_ROUNDS', 3),
  sizes: {
    rows: setting('BENCH_ROWS', 1_000_000),
    letters: setting('BENCH_LETTERS', 1_000),
    mail: setting('BENCH_MAIL', 1_000),
    cases: setting('BENCH_CASES', 10_000),
  },
  tmp: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pre-incasso-')),
  state: {},
  log: (line) => console.log(line),
};
const cleanup = () => fs.rmSync(ctx.tmp, { recursive: true, force: true });
process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});

const jobs = Object.keys(JOBS).filter((j) => only.length === 0 || only.includes(j));
const fmt = (n) => n.toLocaleString('en');
console.log(
  `pre-incasso bench: ${ctx.rounds} round${ctx.rounds === 1 ? '' : 's'}; ${fmt(ctx.sizes.rows)} invoices, ${fmt(ctx.sizes.letters)} letters, ${fmt(ctx.sizes.mail)} e-mails, ${fmt(ctx.sizes.cases)} export cases; ` +
    `node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}; in ${ctx.tmp}`,
);
console.log('Ratios are paired (candidate and baseline back to back in each round, alternating which goes first); the verdict is on the median.\n');

const rows = [];
const started = process.hrtime.bigint();
try {
  for (const id of jobs) {
    console.log(`${JOBS[id].title}`);
    const t0 = process.hrtime.bigint();
    try {
      const jobRows = await JOBS[id].run(ctx);
      for (const row of jobRows) console.log(`  ${rowLine(row)}`);
      rows.push(...jobRows);
    } catch (error) {
      const message = String(error instanceof Error ? error.message : error);
      console.log(`  ERROR: ${message}`);
      rows.push({ label: `${JOBS[id].title}: the job failed`, error: message.split('\n')[0] });
    }
    console.log(`  (${(since(t0)).toFixed(1)} s)\n`);
  }
} finally {
  cleanup();
}

console.log(`summary (${ctx.rounds} round${ctx.rounds === 1 ? '' : 's'}, ${since(started).toFixed(0)} s)\n`);
console.log(summaryTable(rows));
process.exitCode = exitCode(rows);
