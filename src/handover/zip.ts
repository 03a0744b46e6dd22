// The handover ZIP, written as a stream and byte for byte reproducible: the same members and
// export date always give the same archive, so `export --batch <n>` rebuilds a batch from the
// ledger and checks it against the SHA-256 recorded when it was handed over.
//
// What would otherwise vary: the time stamps (fflate takes the current time unless told, and
// writes DOS time in the *local* time zone), the file order (fixed by the caller, SHA256SUMS
// last) and the attributes (fixed: Unix, regular file, 0644). The text members (handover.json,
// handover.csv, SHA256SUMS) are deflated once (zlib), when the batch is made, and kept in the
// ledger as that deflate stream: a rebuild copies it, so a newer zlib cannot change an old batch. The
// PDFs are stored (they are compressed already), read one at a time from the ledger.
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import { Zip, type ZipInputFile } from 'fflate';
import { dateParts, type IsoDate } from '../domain/dates.js';
import type { DeflateThread } from './deflate-thread.js';

export interface ZipEntry {
  /** Path inside the archive, `/`-separated, no leading slash. */
  path: string;
  data: Uint8Array;
}

/** A text member deflated once: the deflate stream as it goes into the archive. */
export interface PackedMember {
  path: string;
  /** CRC-32 and size of the plain bytes. */
  crc: number;
  size: number;
  sha256: string;
  deflated: Uint8Array;
}

export const SHA256SUMS = 'SHA256SUMS';
/** The deflate level of the text members (a different level would give other bytes). */
export const LEVEL = 6;

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The manifest in the format `sha256sum -c` checks: `<hex>  <path>` (two spaces: text mode is
 * irrelevant for SHA-256, and GNU coreutils writes two spaces), one line per file, LF.
 */
export function sha256SumsText(entries: readonly { path: string; sha256: string }[]): string {
  return entries.map((e) => `${e.sha256}  ${e.path}\n`).join('');
}

export function sha256Sums(entries: readonly ZipEntry[]): string {
  return sha256SumsText(entries.map((e) => ({ path: e.path, sha256: sha256Hex(e.data) })));
}

/**
 * The archive's time stamp: noon of the export date, built from local date parts because fflate
 * writes DOS time from the local clock fields. Noon keeps clear of daylight-saving gaps, which
 * some zones put at midnight.
 */
export function zipTimestamp(date: IsoDate): Date {
  const { year, month, day } = dateParts(date);
  return new Date(year, month - 1, day, 12, 0, 0, 0);
}

const UNIX = 3;
const REGULAR_FILE_0644 = 0o100644 << 16;

const PIECE = 1 << 20;

const plainBytes = (piece: string | Uint8Array): Buffer => (typeof piece === 'string' ? Buffer.from(piece, 'utf8') : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength));

/**
 * A text member deflated with zlib as its pieces come, about a megabyte at a time: each group
 * is deflated on its own and all but the last end on a sync flush, so the groups joined are one
 * valid deflate stream and the whole text is never in memory at once.
 *
 * `holdHead`: the text's first piece is only known at the end (handover.json's head states the
 * totals of all cases). The first group then stays plain until `finish(head)` puts the head in
 * front of it; the groups after it are deflated as they fill (each group stands alone, so the
 * order they are deflated in does not matter). Their plain bytes are gone by then, so the CRC-32
 * and SHA-256, which must run over the text in order, are computed by inflating them again.
 *
 * `deflater`: the groups are deflated on a second thread (deflate-thread.ts) while the caller
 * goes on; the same zlib call on the same group, so the same bytes.
 */
export class MemberPacker {
  /** Deflated groups, or the deflater's tickets for them. */
  private readonly out: (Buffer | number)[] = [];
  private group: Buffer[] = [];
  private groupBytes = 0;
  private readonly holdHead: boolean;
  /** With `holdHead`: the first group, plain, and whether it is also the last. */
  private held: { plain: Buffer; last: boolean } | null = null;
  private readonly hash = createHash('sha256');
  private crc = 0;
  private size = 0;
  private readonly deflater: DeflateThread | null;

  constructor(
    readonly path: string,
    options: { holdHead?: boolean; deflater?: DeflateThread } = {},
  ) {
    this.holdHead = options.holdHead === true;
    this.deflater = options.deflater ?? null;
  }

  add(piece: string | Uint8Array): void {
    const bytes = plainBytes(piece);
    this.group.push(bytes);
    this.groupBytes += bytes.length;
    if (this.groupBytes >= PIECE) this.closeGroup(false);
  }

  private closeGroup(last: boolean): void {
    const plain = this.group.length === 1 ? this.group[0]! : Buffer.concat(this.group);
    this.group = [];
    this.groupBytes = 0;
    this.size += plain.length;
    if (this.holdHead && this.held === null) {
      this.held = { plain, last };
      return;
    }
    if (!this.holdHead) this.take(plain);
    this.out.push(this.deflater ? this.deflater.deflate(plain, last) : deflateGroup(plain, last));
  }

  private take(plain: Buffer): void {
    this.hash.update(plain);
    this.crc = zlib.crc32(plain, this.crc);
  }

  /** The member; `head` (with `holdHead`) goes in front of the text. */
  finish(head = ''): PackedMember {
    this.closeGroup(true);
    let deflated = this.out.map((g) => (typeof g === 'number' ? this.deflater!.result(g) : g));
    if (this.holdHead) {
      const first = Buffer.concat([Buffer.from(head, 'utf8'), this.held!.plain]);
      this.size += first.length - this.held!.plain.length;
      this.take(first);
      for (const g of deflated) this.take(zlib.inflateRawSync(g, { finishFlush: zlib.constants.Z_SYNC_FLUSH }));
      deflated = [deflateGroup(first, this.held!.last), ...deflated];
    }
    return { path: this.path, crc: this.crc >>> 0, size: this.size, sha256: this.hash.digest('hex'), deflated: Buffer.concat(deflated) };
  }
}

function deflateGroup(plain: Buffer, last: boolean): Buffer {
  return zlib.deflateRawSync(plain, { level: LEVEL, finishFlush: last ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH });
}

/** A text member deflated from its pieces at once (see MemberPacker). */
export function packMember(path: string, pieces: Iterable<string | Uint8Array>): PackedMember {
  const packer = new MemberPacker(path);
  for (const piece of pieces) packer.add(piece);
  return packer.finish();
}

function checkPath(path: string, seen: Set<string>): void {
  if (!/^[^/\\][^\\]*$/.test(path) || path.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new Error(`unsafe path in the handover archive: ${path}`);
  }
  if (seen.has(path)) throw new Error(`duplicate path in the handover archive: ${path}`);
  seen.add(path);
}

/**
 * A ZIP written to `sink` as it is made: each member's bytes go out when it is added, so the
 * archive is never whole in memory. `sink` is called synchronously (a file write): that is the
 * back-pressure. Members in the order added; `end()` writes the central directory.
 */
export class ZipStream {
  private readonly zip: Zip;
  private readonly mtime: Date;
  private readonly seen = new Set<string>();

  constructor(date: IsoDate, sink: (chunk: Uint8Array) => void) {
    this.mtime = zipTimestamp(date);
    this.zip = new Zip((error, chunk) => {
      if (error) throw error;
      sink(chunk);
    });
  }

  /** A text member deflated beforehand (`packMember`): its deflate stream is copied as it is. */
  addPacked(member: PackedMember): void {
    checkPath(member.path, this.seen);
    const file: ZipInputFile = { filename: member.path, size: member.size, crc: member.crc, compression: 8, flag: 0, mtime: this.mtime, os: UNIX, attrs: REGULAR_FILE_0644 };
    this.zip.add(file);
    file.ondata!(null, member.deflated as Uint8Array<ArrayBuffer>, true);
  }

  /** A member stored as it is (the PDFs); its CRC computed natively. */
  addStored(path: string, data: Uint8Array): void {
    checkPath(path, this.seen);
    const file: ZipInputFile = { filename: path, size: data.length, crc: zlib.crc32(data) >>> 0, compression: 0, mtime: this.mtime, os: UNIX, attrs: REGULAR_FILE_0644 };
    this.zip.add(file);
    file.ondata!(null, data as Uint8Array<ArrayBuffer>, true);
  }

  end(): void {
    this.zip.end();
  }
}

/** The whole archive in memory, with SHA256SUMS last (small archives and tests). */
export function deterministicZip(entries: readonly ZipEntry[], date: IsoDate): Uint8Array {
  if (entries.some((e) => e.path === SHA256SUMS)) throw new Error(`duplicate path in the handover archive: ${SHA256SUMS}`);
  const chunks: Uint8Array[] = [];
  const zip = new ZipStream(date, (c) => chunks.push(c));
  for (const e of entries) {
    // PDFs are compressed already: store them, deflate the text files.
    if (e.path.toLowerCase().endsWith('.pdf')) zip.addStored(e.path, e.data);
    else zip.addPacked(packMember(e.path, [e.data]));
  }
  zip.addPacked(packMember(SHA256SUMS, [sha256Sums(entries)]));
  zip.end();
  return Buffer.concat(chunks);
}
