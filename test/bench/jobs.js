// The jobs of `npm run bench`, one per row group of issue 16's table. Each prepares its data
// once (untimed, the preparation time printed), then measures `ctx.rounds` rounds, each on a
// fresh copy of the prepared ledger when the job writes, and returns its rows for format.js.
// Only the CLI is used, as a user runs it (bin/pre-incasso.js with --today, NO_COLOR, TZ).
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SMTP_USER, bookCsv, ladderCsv, writeConfig } from './data.js';
import { median } from './format.js';
import { NODE, ROOT, cli, copyOf, fileMb, paired, script, since, timed } from './measure.js';
import { startSmtp, SMTP_PASSWORD } from './smtp.js';

const BOOK_TODAY = '2026-11-23';
const LADDER = ['2026-09-22', '2026-10-06', '2026-10-20'];
const HANDOVER_DAY = '2026-11-10';
const fmt = (n) => n.toLocaleString('en');
const s = (seconds) => `${seconds.toFixed(2)} s`;
const mb = (rss) => `${Math.round(rss)} MB`;

/** The ledger of `ctx.sizes.rows` invoices: the import job's, or imported once here (untimed). */
async function book(ctx) {
  if (ctx.state.bookDir) return ctx.state.bookDir;
  const dir = path.join(ctx.tmp, 'book');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeConfig(dir);
  const t0 = process.hrtime.bigint();
  const csv = bookCsvOnce(ctx);
  await cli(dir, ['import', csv, '--today', BOOK_TODAY, '--quiet']);
  ctx.log(`  prepared the ${fmt(ctx.sizes.rows)}-invoice ledger in ${s(since(t0))}`);
  ctx.state.bookDir = dir;
  return dir;
}

function bookCsvOnce(ctx) {
  if (ctx.state.bookCsv) return ctx.state.bookCsv;
  const file = path.join(ctx.tmp, 'export.csv');
  const t0 = process.hrtime.bigint();
  const debtors = bookCsv(file, ctx.sizes.rows);
  ctx.log(`  generated ${fmt(ctx.sizes.rows)} rows of ${fmt(debtors)} debtors (${fileMb(file).toFixed(1)} MB) in ${s(since(t0))}`);
  ctx.state.bookCsv = file;
  return file;
}

export async function importJob(ctx) {
  const csv = bookCsvOnce(ctx);
  const first = { label: `import ${fmt(ctx.sizes.rows)} rows into an empty ledger / sqlite3 .import`, target: { op: '<=', value: 3, unit: '×' }, pairs: [] };
  const rss = { label: 'import: peak RSS', target: { op: '<=', value: 300, unit: 'MB' }, values: [] };
  const again = { label: 're-import of the same file / first import', target: { op: '<', value: 1, unit: '×' }, pairs: [] };
  const rssAgain = { label: 're-import: peak RSS', target: { op: '<=', value: 300, unit: 'MB' }, values: [] };
  for (let r = 0; r < ctx.rounds; r++) {
    const dir = path.join(ctx.tmp, `import-${r}`);
    fs.mkdirSync(dir, { mode: 0o700 });
    writeConfig(dir);
    const plain = path.join(dir, 'plain.db');
    const { c, b } = await paired(
      r,
      () => cli(dir, ['import', csv, '--today', BOOK_TODAY, '--quiet']),
      () => timed('sqlite3', [plain, '.mode csv', '.separator ;', `.import ${csv} plain`], { cwd: dir }),
    );
    fs.rmSync(plain, { force: true });
    const re = await cli(dir, ['import', csv, '--today', BOOK_TODAY, '--quiet']);
    first.pairs.push({ figure: c.seconds, baseline: b.seconds });
    rss.values.push(c.rssMb);
    again.pairs.push({ figure: re.seconds, baseline: c.seconds });
    rssAgain.values.push(re.rssMb);
    ctx.log(`  round ${r + 1}: sqlite3 .import ${s(b.seconds)} · import ${s(c.seconds)} (${mb(c.rssMb)}) · re-import ${s(re.seconds)} (${mb(re.rssMb)})`);
    // The last round's ledger is the book the read-only jobs measure; the others go.
    if (ctx.state.bookDir) fs.rmSync(ctx.state.bookDir, { recursive: true, force: true });
    ctx.state.bookDir = dir;
  }
  return [first, rss, again, rssAgain];
}

export async function dryrunJob(ctx) {
  const dir = await book(ctx);
  const row = { label: `run --dry-run over ${fmt(ctx.sizes.rows)} invoices / bare SELECT`, target: { op: '<=', value: 1.5, unit: '×' }, pairs: [] };
  for (let r = 0; r < ctx.rounds; r++) {
    const { c, b } = await paired(
      r,
      () => cli(dir, ['run', '--dry-run', '--json', '--today', BOOK_TODAY]),
      () => script('select-baseline.js', ['pre-incasso.db'], { cwd: dir }),
    );
    const planned = JSON.parse(c.stdout).actions.filter((a) => a.kind === 'letter').length;
    row.pairs.push({ figure: c.seconds, baseline: b.seconds });
    ctx.log(`  round ${r + 1}: bare SELECT ${s(b.seconds)} (${fmt(Number(b.stdout))} rows) · run --dry-run ${s(c.seconds)} (${mb(c.rssMb)}, ${fmt(planned)} letters planned)`);
  }
  return [row];
}

/** One number from the ledger in `dir` (read-only). */
function ledgerCount(dir, sql) {
  const db = new Database(path.join(dir, 'pre-incasso.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).pluck().get();
  } finally {
    db.close();
  }
}

/** A folder with `count` debtors, each with one invoice due its first letter on LADDER[0]. */
async function ladder(ctx, name, count) {
  const dir = path.join(ctx.tmp, name);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeConfig(dir, ctx.state.smtpPort);
  ladderCsv(path.join(dir, 'open.csv'), count);
  await cli(dir, ['import', 'open.csv', '--today', LADDER[0], '--quiet']);
  return dir;
}

export async function lettersJob(ctx) {
  const t0 = process.hrtime.bigint();
  const prep = await ladder(ctx, 'letters', ctx.sizes.letters);
  ctx.log(`  prepared ${fmt(ctx.sizes.letters)} debtors due a first letter in ${s(since(t0))}`);
  const row = { label: `letters end to end (run --no-mail, ${fmt(ctx.sizes.letters)} letters)`, target: { op: '>=', value: 150, unit: '/s' }, values: [] };
  for (let r = 0; r < ctx.rounds; r++) {
    const dir = copyOf(prep, path.join(ctx.tmp, `letters-${r}`));
    const c = await cli(dir, ['run', '--no-mail', '--json', '--today', LADDER[0]]);
    const written = JSON.parse(c.stdout).letters?.length ?? ledgerCount(dir, 'SELECT count(*) FROM letters');
    if (written !== ctx.sizes.letters) throw new Error(`run --no-mail wrote ${written} letters, expected ${ctx.sizes.letters}`);
    row.values.push(written / c.seconds);
    ctx.log(`  round ${r + 1}: ${fmt(written)} letters in ${s(c.seconds)} (${mb(c.rssMb)}) = ${(written / c.seconds).toFixed(1)}/s`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return [row];
}

export async function mailJob(ctx) {
  const smtp = await startSmtp();
  ctx.state.smtpPort = smtp.port;
  try {
    const t0 = process.hrtime.bigint();
    const prep = await ladder(ctx, 'mail', ctx.sizes.mail);
    await cli(prep, ['run', '--no-mail', '--today', LADDER[0], '--quiet']);
    ctx.log(`  prepared ${fmt(ctx.sizes.mail)} queued e-mails (run --no-mail) in ${s(since(t0))}; SMTP server on 127.0.0.1:${smtp.port}`);
    const env = { ...process.env, TZ: 'Europe/Amsterdam', NO_COLOR: '1', PRE_INCASSO_SMTP_PASSWORD: SMTP_PASSWORD };
    const row = { label: `mail, ${fmt(ctx.sizes.mail)} messages / bare pooled nodemailer`, target: { op: '<=', value: 1.5, unit: '×' }, pairs: [] };
    for (let r = 0; r < ctx.rounds; r++) {
      const dir = copyOf(prep, path.join(ctx.tmp, `mail-${r}`));
      let got = {};
      const { c, b } = await paired(
        r,
        async () => {
          const before = smtp.received;
          const run = await cli(dir, ['mail', '--json', '--today', LADDER[0]], { env });
          got.c = smtp.received - before;
          return run;
        },
        async () => {
          const before = smtp.received;
          const run = await script('mail-baseline.js', [path.join(prep, 'pre-incasso.db'), String(smtp.port), SMTP_USER], { cwd: dir, env });
          got.b = smtp.received - before;
          return run;
        },
      );
      const sent = JSON.parse(c.stdout).mail?.sent ?? got.c;
      if (sent !== ctx.sizes.mail || got.c !== ctx.sizes.mail || got.b !== ctx.sizes.mail) {
        throw new Error(`expected ${ctx.sizes.mail} messages each: mail reported ${sent} sent, the server got ${got.c} from mail and ${got.b} from the baseline`);
      }
      row.pairs.push({ figure: c.seconds, baseline: b.seconds });
      ctx.log(`  round ${r + 1}: nodemailer ${s(b.seconds)} · mail ${s(c.seconds)} (${mb(c.rssMb)})`);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return [row];
  } finally {
    await smtp.close();
  }
}

export async function exportJob(ctx) {
  const t0 = process.hrtime.bigint();
  const prep = await ladder(ctx, 'export', ctx.sizes.cases);
  for (const day of LADDER) await cli(prep, ['run', '--no-mail', '--allow-stale', '--today', day, '--quiet']);
  ctx.log(`  prepared ${fmt(ctx.sizes.cases)} cases ready for handover (import, 3 runs, ${fmt(3 * ctx.sizes.cases)} letters) in ${s(since(t0))}`);
  const ratio = { label: `export, ${fmt(ctx.sizes.cases)} cases / read PDFs + stored fflate ZIP`, target: { op: '<=', value: 2, unit: '×' }, pairs: [] };
  const rss = { label: 'export: peak RSS', target: { op: '<=', value: 300, unit: 'MB' }, values: [] };
  const growth = { label: 'export: ledger growth / ZIP size', unit: 'MB', target: { op: '<=', value: 1, unit: '×' }, pairs: [] };
  for (let r = 0; r < ctx.rounds; r++) {
    const dir = copyOf(prep, path.join(ctx.tmp, `export-${r}`));
    const db = path.join(dir, 'pre-incasso.db');
    const before = fs.statSync(db).size;
    const { c, b } = await paired(
      r,
      () => cli(dir, ['export', '--out', 'overdracht', '--json', '--allow-stale', '--today', HANDOVER_DAY]),
      () => script('export-baseline.js', [path.join(prep, 'pre-incasso.db'), path.join(dir, 'baseline.zip')], { cwd: dir }),
    );
    const out = JSON.parse(c.stdout);
    if (out.cases?.length !== ctx.sizes.cases) throw new Error(`export handed over ${out.cases?.length} cases, expected ${ctx.sizes.cases}`);
    const zips = fs.readdirSync(path.join(dir, 'overdracht')).filter((f) => f.endsWith('.zip'));
    if (zips.length !== 1) throw new Error(`export wrote ${zips.length} ZIP files, expected 1: ${zips.join(', ')}`);
    const zip = fs.statSync(path.join(dir, 'overdracht', zips[0])).size;
    const grown = fs.statSync(db).size - before;
    ratio.pairs.push({ figure: c.seconds, baseline: b.seconds });
    rss.values.push(c.rssMb);
    growth.pairs.push({ figure: grown / 1e6, baseline: zip / 1e6 });
    ctx.log(`  round ${r + 1}: baseline ${s(b.seconds)} (${fmt(Number(b.stdout))} PDFs) · export ${s(c.seconds)} (${mb(c.rssMb)}) · ZIP ${(zip / 1e6).toFixed(1)} MB, ledger +${(grown / 1e6).toFixed(1)} MB`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return [ratio, rss, growth];
}

/** Per round, the medians of `times` alternating runs of a short command and `node -e 0`. */
async function startup(ctx, dir, args, label, target) {
  const row = { label, target, pairs: [] };
  const times = 5;
  // The first run after a build compiles the whole CLI and leaves V8's code cache (and the text
  // of a plain --help) in the cache folder; the rounds measure the runs after it, as a user meets them.
  const first = await cli(dir, args);
  ctx.log(`  first run (makes the caches after a build): ${args[0]} ${s(first.seconds)}`);
  await timed(NODE, ['-e', '0'], { cwd: dir });
  for (let r = 0; r < ctx.rounds; r++) {
    const cs = [];
    const bs = [];
    for (let k = 0; k < times; k++) {
      const { c, b } = await paired(k + r, () => cli(dir, args), () => timed(NODE, ['-e', '0'], { cwd: dir }));
      cs.push(c.seconds);
      bs.push(b.seconds);
    }
    row.pairs.push({ figure: median(cs), baseline: median(bs) });
    ctx.log(`  round ${r + 1}: node -e 0 ${s(median(bs))} · ${args[0]} ${s(median(cs))} (medians of ${times})`);
  }
  return row;
}

export async function statusJob(ctx) {
  const small = path.join(ctx.tmp, 'small');
  fs.mkdirSync(small, { mode: 0o700 });
  writeConfig(small);
  fs.copyFileSync(path.join(ROOT, 'examples', 'openstaande-posten-september.csv'), path.join(small, 'posten.csv'));
  await cli(small, ['import', 'posten.csv', '--today', LADDER[0], '--quiet']);
  const smallRow = await startup(ctx, small, ['status', '--today', LADDER[0]], 'status, small ledger / node -e 0', { op: '<=', value: 1.5, unit: '×' });

  const dir = await book(ctx);
  const big = { label: `status, ${fmt(ctx.sizes.rows)}-invoice ledger`, target: { op: '<=', value: 2, unit: 's' }, values: [] };
  for (let r = 0; r < ctx.rounds; r++) {
    const c = await cli(dir, ['status', '--json', '--today', BOOK_TODAY]);
    big.values.push(c.seconds);
    ctx.log(`  round ${r + 1}: status on the book ${s(c.seconds)} (${mb(c.rssMb)})`);
  }
  return [smallRow, big];
}

export async function reportJob(ctx) {
  const dir = await book(ctx);
  // The report reads the open book from the status shares stored for the day, as `status` does;
  // they are there after the day's `run` or `status`. Without them (right after an import) it
  // groups the invoices instead: timed once here, for the log, before the `status` that stores them.
  const sharesBefore = ledgerCount(dir, `SELECT count(*) FROM debtor_status WHERE planned_on = '${BOOK_TODAY}'`);
  const cold = await cli(dir, ['report', '--out', 'report.html', '--today', BOOK_TODAY, '--quiet']);
  const stored = await cli(dir, ['status', '--json', '--today', BOOK_TODAY]);
  ctx.log(`  report with ${fmt(sharesBefore)} shares stored ${s(cold.seconds)} (${mb(cold.rssMb)}); the status that stores them ${s(stored.seconds)}`);
  const row = { label: `report / status, ${fmt(ctx.sizes.rows)}-invoice ledger`, target: { op: '<', value: 2, unit: '×' }, pairs: [] };
  for (let r = 0; r < ctx.rounds; r++) {
    const { c, b } = await paired(
      r,
      () => cli(dir, ['report', '--out', 'report.html', '--today', BOOK_TODAY, '--quiet']),
      () => cli(dir, ['status', '--json', '--today', BOOK_TODAY]),
    );
    row.pairs.push({ figure: c.seconds, baseline: b.seconds });
    ctx.log(`  round ${r + 1}: status ${s(b.seconds)} · report ${s(c.seconds)} (${mb(c.rssMb)}, ${(fileMb(path.join(dir, 'report.html')) * 1000).toFixed(0)} KB HTML)`);
  }
  return [row];
}

export async function helpJob(ctx) {
  const dir = path.join(ctx.tmp, 'help');
  fs.mkdirSync(dir, { mode: 0o700 });
  return [await startup(ctx, dir, ['--help'], '--help / node -e 0', { op: '<=', value: 1.3, unit: '×' })];
}

export const JOBS = {
  import: { title: 'import', run: importJob },
  dryrun: { title: 'run --dry-run', run: dryrunJob },
  letters: { title: 'letters', run: lettersJob },
  mail: { title: 'mail', run: mailJob },
  export: { title: 'export', run: exportJob },
  status: { title: 'status', run: statusJob },
  report: { title: 'report', run: reportJob },
  help: { title: '--help', run: helpJob },
};
