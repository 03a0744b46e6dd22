// Spawning and timing for `npm run bench`: every command runs as its own process under GNU time
// (peak RSS), asynchronously, so the bench process can serve the loopback SMTP server meanwhile.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = path.join(ROOT, 'bin', 'pre-incasso.js');
export const NODE = process.execPath;
export const ENV = { ...process.env, TZ: 'Europe/Amsterdam', NO_COLOR: '1' };
delete ENV.PRE_INCASSO_CONFIG;
delete ENV.PRE_INCASSO_SMTP_PASSWORD;

let counter = 0;

/**
 * Runs `cmd args` in `cwd` and resolves with wall seconds (spawn to exit), the child's peak RSS
 * in MB (GNU time's %M), stdout and stderr. Rejects on a non-zero exit unless `allowFail`.
 */
export function timed(cmd, args, { cwd, env = ENV, allowFail = false, scratch } = {}) {
  const rssFile = path.join(scratch ?? cwd, `.bench-rss-${process.pid}-${counter++}`);
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', '%M', '-o', rssFile, cmd, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      let rssMb = NaN;
      try {
        rssMb = Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024;
        fs.rmSync(rssFile, { force: true });
      } catch {
        // GNU time wrote nothing: the command could not be started; the exit code says so.
      }
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (code !== 0 && !allowFail) {
        reject(new Error(`${path.basename(cmd)} ${args.join(' ')} exited ${code} in ${cwd}:\n${stderr.slice(-1500)}`));
        return;
      }
      resolve({ seconds, rssMb, code, stdout, stderr });
    });
  });
}

/** The CLI as a user runs it: `node bin/pre-incasso.js …` in the work folder. */
export function cli(cwd, args, options = {}) {
  return timed(NODE, [BIN, ...args], { cwd, ...options });
}

/** A node script of the bench (a baseline) with its arguments. */
export function script(name, args, options = {}) {
  return timed(NODE, [path.join(ROOT, 'test', 'bench', name), ...args], options);
}

/** A fresh folder holding copies of `files` from `from` (the prepared ledger and its config). */
export function copyOf(from, into, files = ['pre-incasso.config.json', 'pre-incasso.db']) {
  fs.rmSync(into, { recursive: true, force: true });
  fs.mkdirSync(into, { recursive: true, mode: 0o700 });
  for (const f of files) fs.copyFileSync(path.join(from, f), path.join(into, f));
  return into;
}

/** Runs candidate and baseline back to back, the candidate first in even rounds: paired samples. */
export async function paired(round, candidate, baseline) {
  if (round % 2 === 0) {
    const c = await candidate();
    return { c, b: await baseline() };
  }
  const b = await baseline();
  return { c: await candidate(), b };
}

/** Seconds since `t0` (from `process.hrtime.bigint()`), for the preparation times. */
export function since(t0) {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export function fileMb(file) {
  return fs.statSync(file).size / 1e6;
}
