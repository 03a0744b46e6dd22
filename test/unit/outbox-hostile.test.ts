// Issue 11, defect 1 (outbox half): `unknown` is only ever sent again with resendUnknown, and
// crash recovery only touches `sending` rows of a sender that is provably gone.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { deliverOutbox } from '../../src/workflows/deliver-outbox.js';
import { queueLetters } from '../../src/ledger/outbox.js';
import type { SendFunction } from '../../src/mail/transport.js';
import { currentProcess, formatIdentity, isGone } from '../../src/platform/process-identity.js';
import { ledgerMaker, NOW, settings, TODAY, type TestLedger } from '../helpers/mail.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

const ledgerWith = ledgerMaker(cleanups);

const states = (t: TestLedger): string[] => (t.ledger.db.prepare('SELECT state FROM outbox ORDER BY id').pluck().all() as string[]);

describe('the outbox under two processes', () => {
  it('never sends a message that turned `unknown` while it waited, without resendUnknown', async () => {
    const t = ledgerWith([
      { debtor: 'D1', email: 'jan@example.nl' },
      { debtor: 'D2', email: 'piet@example.nl' },
    ]);
    queueLetters(t.ledger.db, { now: NOW, today: TODAY });
    const sent: string[] = [];
    const send: SendFunction = async (_eml, envelope) => {
      // Meanwhile another process (through another path) left the second message `unknown`.
      t.ledger.db.prepare("UPDATE outbox SET state = 'unknown' WHERE id = 2").run();
      sent.push(envelope.to[0]!);
      return { response: '250 ok', accepted: true };
    };
    const summary = await deliverOutbox(t.ledger.db, send, { today: TODAY, now: () => NOW, message: settings(), retryPauseMs: 0 });
    expect(sent).toEqual(['jan@example.nl']);
    expect(states(t)).toEqual(['sent', 'unknown']);
    expect(summary.sent).toBe(1);
  });

  it('leaves a live process its `sending` row, and marks a dead one’s `unknown`', async () => {
    const t = ledgerWith([
      { debtor: 'D1', email: 'jan@example.nl' },
      { debtor: 'D2', email: 'piet@example.nl' },
    ]);
    queueLetters(t.ledger.db, { now: NOW, today: TODAY });
    // A live sender: a child process that runs for the length of the test.
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    cleanups.push(() => child.kill());
    await new Promise((r) => setTimeout(r, 100));
    const live = formatIdentity({ ...currentProcess(), pid: child.pid!, start: readStart(child.pid!) });
    // A dead sender: a pid that ran and ended.
    const gone = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    const deadPid = gone.pid!;
    await new Promise((r) => gone.on('exit', r));
    const dead = formatIdentity({ ...currentProcess(), pid: deadPid, start: '12345' });
    expect(isGone({ ...currentProcess(), pid: deadPid, start: '12345' })).toBe(true);
    const db = t.ledger.db;
    db.prepare("UPDATE outbox SET state = 'sending', attempts = 1").run();
    db.prepare('INSERT INTO mail_attempts (outbox_id, started_at, process) VALUES (1, ?, ?), (2, ?, ?)').run(NOW.toISOString(), live, NOW.toISOString(), dead);

    const sent: string[] = [];
    const send: SendFunction = async (_eml, envelope) => {
      sent.push(envelope.to[0]!);
      return { response: '250 ok', accepted: true };
    };
    const summary = await deliverOutbox(db, send, { today: TODAY, now: () => NOW, message: settings(), retryPauseMs: 0 });
    expect(states(t)).toEqual(['sending', 'unknown']);
    expect(sent).toEqual([]);
    expect(summary.unknown).toBe(1);
  });
});

function readStart(pid: number): string {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
}
