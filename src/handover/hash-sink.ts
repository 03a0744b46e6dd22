// The SHA-256 work of writing a handover file, on a second thread: the hash of the whole file
// (recorded with the batch) and the check of every PDF against the SHA-256 recorded when it was
// rendered. Both run over every byte of the archive, so on the main thread they cost about as
// much as reading and writing it; on a worker they overlap with the reading and writing.
//
// The main thread stays synchronous (the export is one synchronous job under the ledger lock):
// it copies the bytes into a ring of a few one-megabyte slots of shared memory, tells the worker
// which slot is full, waits with Atomics.wait when every slot is still being hashed (so memory
// stays fixed whatever the size of the file), and takes the result with receiveMessageOnPort. The worker is plain JavaScript given as a string,
// so it runs the same from dist/ and from the TypeScript sources under test.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

const BLOCK = 1 << 20;
/** Slots of the ring: how far the worker may lag behind. */
const SLOTS = 8;
/** A worker that makes no progress for this long is taken as dead. */
const STALL_MS = 120_000;

// counters: [0] blocks hashed, [1] 1 when the result is posted, [2] 1 when the worker failed.
// A check is [start, length, index, expected SHA-256, last]: a piece larger than a slot is
// checked over several slots, its hash carried from one to the next until `last`.
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const counters = new Int32Array(workerData.control);
const ring = new Uint8Array(workerData.ring);
const port = workerData.port;
const whole = createHash('sha256');
let piece = null;
let mismatch = -1;
function done(message, failed) {
  port.postMessage(message);
  if (failed) Atomics.store(counters, 2, 1);
  Atomics.store(counters, 1, 1);
  Atomics.notify(counters, 1);
  Atomics.notify(counters, 0);
}
parentPort.on('message', (m) => {
  try {
    if (m.end) {
      done({ sha256: whole.digest('hex'), mismatch }, false);
      return;
    }
    const block = ring.subarray(m.slot * ${BLOCK}, m.slot * ${BLOCK} + m.length);
    whole.update(block);
    for (const [start, length, index, expected, last] of m.checks) {
      piece ??= createHash('sha256');
      piece.update(block.subarray(start, start + length));
      if (!last) continue;
      if (mismatch < 0 && piece.digest('hex') !== expected) mismatch = index;
      piece = null;
    }
    Atomics.add(counters, 0, 1);
    Atomics.notify(counters, 0);
  } catch (error) {
    done({ error: String((error && error.stack) || error) }, true);
  }
});
`;

export interface HashResult {
  /** SHA-256 of every byte written, in order. */
  sha256: string;
  /** The first checked piece whose SHA-256 differed from the expected one (its `index`), or null. */
  mismatch: number | null;
}

/**
 * Bytes in, in order: `write` for bytes that are only hashed with the rest, `writeChecked` for a
 * piece that must also have a given SHA-256 (a PDF). `finish` waits for the worker and returns
 * the whole hash and the first mismatch; `close` ends the worker early (an error on the way).
 */
export class HashSink {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly counters: Int32Array;
  private readonly ring: Uint8Array;
  private used = 0;
  private checks: [number, number, number, string, boolean][] = [];
  private sent = 0;
  private closed = false;

  /**
   * `out`: where the bytes go once hashed with the rest, a full slot at a time (the file): each
   * slot is written while the worker hashes it, so the file is exactly the bytes hashed, copied
   * once on their way and written in large pieces.
   */
  constructor(private readonly out: (bytes: Uint8Array) => void = () => {}) {
    const control = new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT);
    const ring = new SharedArrayBuffer(SLOTS * BLOCK);
    this.counters = new Int32Array(control);
    this.ring = new Uint8Array(ring);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    // A small heap: the worker keeps nothing but two hash states.
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: { control, ring, port: port2 },
      transferList: [port2],
      resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 32 },
    });
    // The worker must never keep the process alive, nor an error of it go unhandled.
    this.worker.unref();
    this.worker.on('error', () => Atomics.store(this.counters, 2, 1));
  }

  /** Bytes hashed with the rest. */
  write(bytes: Uint8Array): void {
    this.put(bytes, null);
  }

  /** Bytes hashed with the rest that must also have this SHA-256 on their own; `index` names them in the result. */
  writeChecked(bytes: Uint8Array, index: number, sha256: string): void {
    this.put(bytes, { index, sha256 });
  }

  private put(bytes: Uint8Array, check: { index: number; sha256: string } | null): void {
    let offset = 0;
    do {
      if (this.used === BLOCK) this.flush();
      const n = Math.min(BLOCK - this.used, bytes.length - offset);
      this.ring.set(bytes.subarray(offset, offset + n), this.slot() * BLOCK + this.used);
      if (check) this.checks.push([this.used, n, check.index, check.sha256, offset + n === bytes.length]);
      this.used += n;
      offset += n;
    } while (offset < bytes.length);
  }

  private slot(): number {
    return this.sent % SLOTS;
  }

  private flush(): void {
    if (this.used === 0) return;
    const start = this.slot() * BLOCK;
    const length = this.used;
    this.worker.postMessage({ slot: this.slot(), length, checks: this.checks });
    this.sent++;
    this.used = 0;
    this.checks = [];
    // Written while the worker hashes it; the slot is filled again only after both.
    this.out(this.ring.subarray(start, start + length));
    // The next slot must be free (hashed) before it is filled: at most SLOTS - 1 wait.
    this.waitFor(() => this.sent - Atomics.load(this.counters, 0) < SLOTS, 0);
  }

  private waitFor(ready: () => boolean, slot: number): void {
    let waited = 0;
    while (!ready()) {
      if (Atomics.load(this.counters, 2) === 1) throw this.failure();
      const seen = Atomics.load(this.counters, slot);
      if (ready()) break;
      if (Atomics.wait(this.counters, slot, seen, 100) === 'timed-out') {
        waited += 100;
        if (waited >= STALL_MS) throw new Error('the hashing thread of the handover stopped responding');
      } else waited = 0;
    }
  }

  private failure(): Error {
    const message = receiveMessageOnPort(this.port)?.message as { error?: string } | undefined;
    this.close();
    return new Error(`the hashing thread of the handover failed: ${message?.error ?? 'it exited'}`);
  }

  finish(): HashResult {
    this.flush();
    this.worker.postMessage({ end: true });
    this.waitFor(() => Atomics.load(this.counters, 1) === 1, 1);
    if (Atomics.load(this.counters, 2) === 1) throw this.failure();
    const result = receiveMessageOnPort(this.port)?.message as { sha256: string; mismatch: number };
    this.close();
    return { sha256: result.sha256, mismatch: result.mismatch < 0 ? null : result.mismatch };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.port.close();
    void this.worker.terminate();
  }
}
