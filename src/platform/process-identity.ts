// Who a process is, well enough to tell later whether it is still running. A pid alone is not
// enough: pids are reused, so a crashed process's pid may belong to an unrelated one by now.
// The identity is host + pid + the process's start time as the kernel reports it
// (/proc/<pid>/stat field 22 on Linux, `ps -o lstart=` elsewhere).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';

export interface ProcessIdentity {
  host: string;
  pid: number;
  /** The start time as the kernel reports it; '' when it cannot be read. */
  start: string;
}

function startOf(pid: number): string | null {
  try {
    if (process.platform === 'linux') {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
      // Field 2 (the command) is in parentheses and may hold spaces: count from the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return fields[19] ?? null;
    }
    // node:child_process only here (not on Linux): loading it costs every command a few ms at start.
    const { execFileSync } = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
    const out = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return out === '' ? null : out;
  } catch {
    return null;
  }
}

let self: ProcessIdentity | undefined;

export function currentProcess(): ProcessIdentity {
  self ??= { host: os.hostname(), pid: process.pid, start: startOf(process.pid) ?? '' };
  return self;
}

export function formatIdentity(id: ProcessIdentity): string {
  return `${id.host}:${id.pid}:${id.start}`;
}

export function parseIdentity(text: string | null | undefined): ProcessIdentity | null {
  if (!text) return null;
  const m = /^(.*):(\d+):(.*)$/s.exec(text);
  return m ? { host: m[1]!, pid: Number(m[2]), start: m[3]! } : null;
}

/**
 * True only when the process is provably gone: it ran on this host and no process has its pid,
 * or the process with that pid started at another time (the pid was reused). A process on
 * another host, or one whose start time cannot be read, counts as alive.
 */
export function isGone(id: ProcessIdentity): boolean {
  if (id.host !== os.hostname()) return false;
  if (id.pid === process.pid) return id.start !== currentProcess().start && id.start !== '';
  try {
    process.kill(id.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
    // EPERM: a process with that pid exists (of another user); compare start times below.
  }
  const start = startOf(id.pid);
  if (start === null) return false;
  return id.start !== '' && start !== id.start;
}
