// Issue 11, defect 1: one ledger reached through two paths (a symlinked folder, `../x/`, a hard
// link, a bind mount) must still have one writer. Races `run` against `mail` through two
// different paths to one ledger, against a real SMTP server, and counts the messages per
// recipient: every e-mail letter arrives exactly once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, baseEnv, cli, cliAsync, workspace } from '../helpers/cli.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

const PASSWORD = 'race-wachtwoord';
const RACES = Number(process.env.PRE_INCASSO_RACES ?? 200);
/** Races of two freshly started CLI processes (the rest run the same commands in two long-lived processes). */
const SPAWNED_RACES = Number(process.env.PRE_INCASSO_SPAWNED_RACES ?? 6);
const TODAY = '2026-09-22';
let received: string[] = [];
let smtp: TestSmtp;
let port = 0;
let base = '';

beforeAll(async () => {
  smtp = await startSmtp({ auth: { user: 'race', pass: PASSWORD, methods: ['PLAIN'] }, onMessage: (m) => received.push(...m.to) });
  port = smtp.port;
  // On a RAM disk where there is one: the races measure locking, not the disk's fsync.
  base = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'hostile-race-'));
});

afterAll(async () => {
  await smtp.close();
  fs.rmSync(base, { recursive: true, force: true });
});

function mailWorkspace(): string {
  const dir = workspace({
    files: ['openstaande-posten-september.csv'],
    config: (c) => ({ ...c, mail: { from: 'Bakkerij <administratie@korenschoof.example>', perMinute: 10000, smtp: { host: '127.0.0.1', port, secure: false, requireTLS: false, user: 'race', passwordFile: 'smtp-password.txt' } } }),
  });
  fs.writeFileSync(path.join(dir, 'smtp-password.txt'), `${PASSWORD}\n`, { mode: 0o600 });
  return dir;
}

/** Two different spellings of the path to `real/pre-incasso.db` in `raceDir`. */
function pathsFor(raceDir: string, kind: number): [string, string] {
  const real = path.join(raceDir, 'real', 'pre-incasso.db');
  switch (kind % 3) {
    case 0: // a symlinked folder against the real path
      return [path.join(raceDir, 'link', 'pre-incasso.db'), real];
    case 1: // a hard link against `../real/` from another folder
      return [path.join(raceDir, 'hard.db'), `${raceDir}/other/../real/pre-incasso.db`];
    default: // a hard link against a symlinked folder
      return [path.join(raceDir, 'link', 'pre-incasso.db'), path.join(raceDir, 'hard.db')];
  }
}

describe('one writer per ledger file, however it is reached', () => {
  function prepareTemplate(): { dir: string; template: string; config: string } {
    const dir = mailWorkspace();
    // Two e-mail letters per race (J. Jansen and Bouwbedrijf Van Dijk): enough to interleave.
    const csv = fs.readFileSync(path.join(dir, 'openstaande-posten-september.csv'), 'utf8').split('\n');
    fs.writeFileSync(path.join(dir, 'two.csv'), csv.filter((l, i) => i === 0 || /;1000[12];/.test(l)).join('\n'));
    expect(cli(dir, ['import', 'two.csv', '--today', TODAY]).code).toBe(0);
    const prepared = cli(dir, ['run', '--no-mail', '--today', TODAY]);
    expect(prepared.code, prepared.stderr).toBe(0);
    return { dir, template: path.join(dir, 'pre-incasso.db'), config: path.join(dir, 'pre-incasso.config.json') };
  }

  type Runner = (args: string[]) => Promise<{ code: number; stderr: string }>;

  async function race(n: number, offset: number, runA: Runner, runB: Runner, t: { template: string; config: string }) {
    const duplicates: string[] = [];
    const totals: number[] = [];
    const failures: string[] = [];
    for (let k = 0; k < n; k++) {
      const i = offset + k;
      const raceDir = path.join(base, `r${i}`);
      fs.mkdirSync(path.join(raceDir, 'real'), { recursive: true });
      fs.mkdirSync(path.join(raceDir, 'other'));
      fs.copyFileSync(t.template, path.join(raceDir, 'real', 'pre-incasso.db'));
      fs.symlinkSync(path.join(raceDir, 'real'), path.join(raceDir, 'link'));
      fs.linkSync(path.join(raceDir, 'real', 'pre-incasso.db'), path.join(raceDir, 'hard.db'));
      const [a, b] = pathsFor(raceDir, i);
      received = [];
      const first = i % 2 === 0 ? ['mail', '--ledger', a] : ['run', '--ledger', a];
      const second = i % 2 === 0 ? ['run', '--ledger', b] : ['mail', '--ledger', b];
      const t0 = Date.now();
      const [r1, r2] = await Promise.all([runA([...first, '--config', t.config, '--today', TODAY]), runB([...second, '--config', t.config, '--today', TODAY])]);
      if (process.env.RACE_DEBUG) console.log(`race ${i}: ${Date.now() - t0} ms`);
      for (const r of [r1, r2]) if (r.code !== 0) failures.push(`race ${i}: exit ${r.code}: ${r.stderr.trim()}`);
      const counts = new Map<string, number>();
      for (const to of received) counts.set(to, (counts.get(to) ?? 0) + 1);
      for (const [to, c] of counts) if (c > 1) duplicates.push(`race ${i}: ${to} got ${c} messages`);
      totals.push(received.length);
      fs.rmSync(raceDir, { recursive: true, force: true });
    }
    expect(duplicates).toEqual([]);
    expect(failures).toEqual([]);
    // Every race delivered the two e-mail letters, once each.
    expect(totals.filter((c) => c !== 2)).toEqual([]);
  }

  // Long lock wait: the loser waits for the winner instead of giving up, so both really run.
  const RACE_ENV = { PRE_INCASSO_LOCK_WAIT_MS: '20000' };

  it(`${SPAWNED_RACES} races of two fresh CLI processes, run against mail through two paths, deliver every e-mail exactly once`, async () => {
    const t = prepareTemplate();
    const spawned: Runner = (args) => cliAsync(t.dir, args, { env: RACE_ENV });
    await race(SPAWNED_RACES, 0, spawned, spawned, t);
  }, 300_000);

  it(`${RACES} races of two processes, run against mail through two paths, deliver every e-mail exactly once`, async () => {
    const t = prepareTemplate();
    const racers: ChildProcess[] = [];
    try {
      const runners: Runner[] = [];
      for (let r = 0; r < 2; r++) {
        const child = fork(path.join(ROOT, 'test', 'helpers', 'racer.mjs'), [], { cwd: t.dir, env: { ...baseEnv(RACE_ENV) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        racers.push(child);
        await new Promise<void>((resolve) => child.once('message', () => resolve()));
        let next = 0;
        runners.push((args) => {
          const id = next++;
          return new Promise((resolve) => {
            const onMessage = (m: { id: number; code: number; stderr: string }) => {
              if (m.id !== id) return;
              child.off('message', onMessage);
              resolve(m);
            };
            child.on('message', onMessage);
            child.send({ id, args });
          });
        });
      }
      await race(RACES, 10_000, runners[0]!, runners[1]!, t);
    } finally {
      for (const c of racers) c.kill();
    }
  }, 600_000);

  it('a second writer through a hard link or a bind mount is refused while the first holds the ledger', async () => {
    const dir = workspace({ files: ['openstaande-posten-september.csv'] });
    expect(cli(dir, ['import', 'openstaande-posten-september.csv', '--today', TODAY]).code).toBe(0);
    const ledger = path.join(dir, 'pre-incasso.db');
    fs.mkdirSync(path.join(dir, 'elsewhere'));
    const hard = path.join(dir, 'elsewhere', 'same.db');
    fs.linkSync(ledger, hard);
    const mount = path.join(dir, 'mnt');
    fs.mkdirSync(mount);
    const bound = spawnSync('mount', ['--bind', dir, mount]).status === 0;
    try {
      // The holder: this test process opens the ledger for writing through its real path.
      const { openLedger } = (await import(path.join(ROOT, 'dist', 'ledger', 'ledger.js'))) as typeof import('../../src/ledger/ledger.js');
      const held = openLedger(ledger, { command: 'test holder' });
      try {
        const viaHard = cli(dir, ['hold', '10001', '--reason', 'test', '--ledger', hard, '--today', TODAY], { env: { PRE_INCASSO_LOCK_WAIT_MS: '0' } });
        expect(viaHard.code, viaHard.stderr).toBe(5);
        expect(viaHard.stderr).toContain(`in use by process ${process.pid}`);
        if (bound) {
          const viaMount = cli(dir, ['hold', '10001', '--reason', 'test', '--ledger', path.join(mount, 'pre-incasso.db'), '--today', TODAY], { env: { PRE_INCASSO_LOCK_WAIT_MS: '0' } });
          expect(viaMount.code, viaMount.stderr).toBe(5);
          expect(viaMount.stderr).toContain(`in use by process ${process.pid}`);
        } else {
          console.warn('bind mount not possible here: the bind-mount case is skipped');
        }
      } finally {
        held.close();
      }
      // Released: the hard link path works again.
      const after = cli(dir, ['hold', '10001', '--reason', 'test', '--ledger', hard, '--today', TODAY]);
      expect(after.code, after.stderr).toBe(0);
    } finally {
      if (bound) spawnSync('umount', [mount]);
    }
  }, 120_000);
});
