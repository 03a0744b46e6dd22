// cli/stdio.ts: text into a file, pipe or socket goes straight to the descriptor; a terminal (a
// character device) gets Node's stream; a non-blocking descriptor that is full hands the rest to
// Node's stream, in order.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FdSink } from '../../src/cli/stdio.js';

let tmp: string;
const fds: number[] = [];
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stdio-'));
});
afterEach(() => {
  for (const fd of fds.splice(0)) fs.closeSync(fd);
  fs.rmSync(tmp, { recursive: true, force: true });
});
const open = (file: string, flags: number): number => {
  const fd = fs.openSync(file, flags);
  fds.push(fd);
  return fd;
};

/** A stand-in for Node's stream that keeps what it is given. */
function recorder(isTTY = false) {
  const chunks: Buffer[] = [];
  let made = 0;
  const stream = { isTTY, columns: isTTY ? 99 : undefined, write: (c: string | Uint8Array) => chunks.push(Buffer.from(c)) };
  return { chunks, made: () => made, get: () => (made++, stream as unknown as NodeJS.WritableStream & { isTTY?: boolean; columns?: number }) };
}

describe('cli/stdio.ts', () => {
  it('a file is written directly, in order, without making Node\'s stream', () => {
    const file = path.join(tmp, 'out.txt');
    const fd = open(file, fs.constants.O_WRONLY | fs.constants.O_CREAT);
    const node = recorder();
    const sink = new FdSink(fd, node.get);
    expect(sink.isTTY).toBe(false);
    expect(sink.columns).toBeUndefined();
    sink.write('één\n');
    sink.write('twee € 3\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('één\ntwee € 3\n');
    expect(node.made()).toBe(0);
  });

  it('a character device (a terminal, /dev/null) gets Node\'s stream and its width', () => {
    const fd = open('/dev/null', fs.constants.O_WRONLY);
    const node = recorder(true);
    const sink = new FdSink(fd, node.get);
    expect(sink.isTTY).toBe(true);
    expect(sink.columns).toBe(99);
    sink.write('x\n');
    expect(Buffer.concat(node.chunks).toString('utf8')).toBe('x\n');
  });

  it('a full non-blocking pipe: what did not fit goes to Node\'s stream, and so does the rest, in order', () => {
    const fifo = path.join(tmp, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = open(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const writer = open(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    const node = recorder();
    const sink = new FdSink(writer, node.get);
    const big = Array.from({ length: 20_000 }, (_, i) => `regel ${i} €\n`).join(''); // far more than a pipe holds
    sink.write(big);
    sink.write('slot\n');
    const got: Buffer[] = [];
    const buf = Buffer.alloc(1 << 16);
    for (;;) {
      let n = 0;
      try {
        n = fs.readSync(reader, buf);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') break;
        throw error;
      }
      if (n === 0) break;
      got.push(Buffer.from(buf.subarray(0, n)));
    }
    const direct = Buffer.concat(got).toString('utf8');
    expect(direct.length).toBeGreaterThan(0);
    expect(node.chunks.length).toBe(2);
    expect(Buffer.concat([...got, ...node.chunks]).toString('utf8')).toBe(`${big}slot\n`);
  });
});
