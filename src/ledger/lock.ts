// One writer at a time. SQLite serialises single transactions, but a run is several (record,
// render, send): a lock file next to the ledger keeps a second cron run out for the whole command.
import fs from 'node:fs';
import { AppError } from '../cli/errors.js';

export interface LockHandle {
  release(): void;
}

interface LockInfo {
  pid: number;
  command: string;
  since: string;
}

const POLL_MS = 100;

function waitMs(): number {
  const fromEnv = Number(process.env.PRE_INCASSO_LOCK_WAIT_MS);
  return Number.isFinite(fromEnv) && fromEnv >= 0 ? fromEnv : 3_000;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

export function acquireLock(ledgerPath: string, command: string): LockHandle {
  const file = `${ledgerPath}.lock`;
  const deadline = Date.now() + waitMs();
  const info: LockInfo = { pid: process.pid, command, since: new Date().toISOString() };
  for (;;) {
    try {
      const fd = fs.openSync(file, 'wx', 0o600);
      fs.writeSync(fd, JSON.stringify(info));
      fs.closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readLock(file);
      if (holder && holder.pid !== process.pid && !isAlive(holder.pid)) {
        // Left behind by a process that died (kill -9, power cut): it holds nothing any more.
        fs.rmSync(file, { force: true });
        continue;
      }
      if (holder && holder.pid === process.pid) {
        // Re-entrant within one process (a read-only open that migrates first).
        return { release() {} };
      }
      if (Date.now() >= deadline) {
        const who = holder ? `process ${holder.pid} (${holder.command}, since ${holder.since})` : 'another process';
        throw new AppError('ledger_locked', `The ledger ${ledgerPath} is in use by ${who}.`, {
          hint: `Wait for it to finish and try again. If no such process runs, remove ${file}.`,
        });
      }
      sleepSync(POLL_MS);
    }
  }
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    const holder = readLock(file);
    if (holder?.pid === process.pid) fs.rmSync(file, { force: true });
    process.removeListener('exit', release);
  };
  process.on('exit', release);
  return { release };
}
