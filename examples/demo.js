// `npm run demo`: the main job on the bundled examples, in a temporary work folder, over a few
// months of cron runs (--today). E-mail goes to .eml files (mail --dry-run), so no server is
// needed. Prints every command and its output.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.join(here, '..', 'bin', 'pre-incasso.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pre-incasso-demo-'));
const config = JSON.parse(fs.readFileSync(path.join(here, 'pre-incasso.config.json'), 'utf8'));
config.$schema = path.relative(work, path.join(here, 'pre-incasso.schema.json'));
fs.writeFileSync(path.join(work, 'pre-incasso.config.json'), `${JSON.stringify(config, null, 2)}\n`);
for (const f of ['openstaande-posten-september.csv', 'openstaande-posten-oktober.csv']) fs.copyFileSync(path.join(here, f), path.join(work, f));

const env = { ...process.env, TZ: 'Europe/Amsterdam' };
delete env.PRE_INCASSO_CONFIG;

function step(args) {
  process.stdout.write(`\n$ pre-incasso ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: work, env, encoding: 'utf8' });
  process.stdout.write(r.stdout);
  process.stdout.write(r.stderr.split('\n').filter(Boolean).map((l) => `  ${l}\n`).join(''));
  if (r.status !== 0) {
    process.stdout.write(`  (exit ${r.status})\n`);
    process.exitCode = r.status ?? 1;
    throw new Error(`demo step failed: pre-incasso ${args.join(' ')}`);
  }
}

console.log(`Demo work folder: ${work}`);
// 22 September: the first cron run after the September export.
step(['import', 'openstaande-posten-september.csv', '--today', '2026-09-22']);
step(['status', '--today', '2026-09-22']);
step(['run', '--dry-run', '--today', '2026-09-22']);
step(['run', '--no-mail', '--today', '2026-09-22']);
step(['mail', '--dry-run', '--out', 'mail', '--today', '2026-09-22']);
// 6 October: the October export lists all open items; Yılmaz paid, Jansen paid part.
step(['import', 'openstaande-posten-oktober.csv', '--snapshot', '--today', '2026-10-06']);
step(['hold', '10005', '--dispute', '--reason', 'Klant betwist de levering (mail 3 oktober)', '--today', '2026-10-06']);
step(['run', '--no-mail', '--today', '2026-10-06']);
// 20 October: the final letters, the consumer's one a veertiendagenbrief.
step(['import', 'openstaande-posten-oktober.csv', '--snapshot', '--today', '2026-10-20']);
step(['run', '--no-mail', '--today', '2026-10-20']);
step(['explain', '10001', '--today', '2026-10-20']);
step(['letters', '--out', 'pdf', '--channel', 'post', '--combined', 'print/post-2026-10-20.pdf', '--since', '2026-10-20', '--today', '2026-10-20']);
step(['mail', '--dry-run', '--out', 'mail', '--today', '2026-10-20']);
// 10 November: the terms have run out; hand the claims to the incassobureau.
step(['import', 'openstaande-posten-oktober.csv', '--snapshot', '--today', '2026-11-10']);
step(['run', '--dry-run', '--today', '2026-11-10']);
step(['export', '--out', 'overdracht', '--today', '2026-11-10']);
step(['status', '--today', '2026-11-10']);
// What lies ahead if nothing is paid, and the season in one report for the business owner.
step(['forecast', '--days', '45', '--today', '2026-11-10']);
step(['report', '--out', 'rapport.html', '--today', '2026-11-10']);
console.log(`\nEverything the demo wrote is in ${work}: pdf/, print/, mail/, overdracht/ and the ledger pre-incasso.db.`);
console.log(`The report of the season: ${path.join(work, 'rapport.html')}`);
