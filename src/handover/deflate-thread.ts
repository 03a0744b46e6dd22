// The deflating of the text members (handover.json, handover.csv) on a second thread while the
// main thread builds the case records. Each group of about a megabyte (zip.ts, MemberPacker) is
// deflated on its own with the same zlib call and options as on the main thread, so the stream
// is byte for byte the same; only where it runs changes.
//
// The main thread stays synchronous (the export is one synchronous job under the ledger lock): it
// posts a copy of each group and gets a ticket; the results come back in order on a port it
// reads with receiveMessageOnPort, waiting with Atomics.wait when it needs one that is not done.
// At most a few groups are on their way, so memory stays fixed whatever the size of the batch.
// The worker is plain JavaScript given as a string, so it runs the same from dist/ and from the
// TypeScript sources under test.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/** Groups posted and not yet deflated: how far the worker may lag behind. */
const IN_FLIGHT = 4;
/** A worker that makes no progress for this long is taken as dead. */
const STALL_MS = 120_000;

// counters: [0] groups deflated, [1] 1 when the worker failed.
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const zlib = require('node:zlib');
const counters = new Int32Array(workerData.control);
const port = workerData.port;
parentPort.on('message', (m) => {
  try {
    const out = zlib.deflateRawSync(m.plain, { level: m.level, finishFlush: m.last ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH });
    port.postMessage(out);
    Atomics.add(counters, 0, 1);
  } catch (error) {
    port.postMessage({ error: String((error && error.stack) || error) });
    Atomics.store(counters, 1, 1);
  }
  Atomics.notify(counters, 0);
});
`;

export class DeflateThread {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly counters: Int32Array;
  private readonly done = new Map<number, Buffer>();
  private sent = 0;
  private received = 0;
  private closed = false;

  constructor(private readonly level: number) {
    const control = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
    this.counters = new Int32Array(control);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: { control, port: port2 },
      transferList: [port2],
      resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 },
    });
    // The worker must never keep the process alive, nor an error of it go unhandled.
    this.worker.unref();
    this.worker.on('error', () => {
      Atomics.store(this.counters, 1, 1);
      Atomics.notify(this.counters, 0);
    });
  }

  /** Posts a group to deflate (the last of its member ends the stream); returns its ticket for `result`. */
  deflate(plain: Uint8Array, last: boolean): number {
    this.waitUntil(this.sent - IN_FLIGHT + 1);
    // A copy of exactly its bytes, handed over: a view may share a larger buffer.
    const copy = new Uint8Array(plain);
    this.worker.postMessage({ plain: copy, level: this.level, last }, [copy.buffer]);
    return this.sent++;
  }

  /** The deflated group of a ticket (each taken once). */
  result(ticket: number): Buffer {
    this.waitUntil(ticket + 1);
    const out = this.done.get(ticket)!;
    this.done.delete(ticket);
    return out;
  }

  /** Takes the results that came back; waits until `count` have. */
  private waitUntil(count: number): void {
    let waited = 0;
    for (;;) {
      const seen = Atomics.load(this.counters, 0);
      for (let m; (m = receiveMessageOnPort(this.port)); ) {
        const message = m.message as Uint8Array | { error: string };
        if (!(message instanceof Uint8Array)) throw this.failure(message.error);
        this.done.set(this.received++, Buffer.from(message.buffer, message.byteOffset, message.byteLength));
      }
      if (this.received >= count) return;
      if (Atomics.load(this.counters, 1) === 1) throw this.failure();
      if (Atomics.wait(this.counters, 0, seen, 100) === 'timed-out') {
        waited += 100;
        if (waited >= STALL_MS) throw this.failure('it stopped responding');
      } else waited = 0;
    }
  }

  private failure(reason?: string): Error {
    const message = reason ?? (receiveMessageOnPort(this.port)?.message as { error?: string } | undefined)?.error;
    this.close();
    return new Error(`the deflating thread of the handover failed: ${message ?? 'it exited'}`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.port.close();
    void this.worker.terminate();
  }
}
