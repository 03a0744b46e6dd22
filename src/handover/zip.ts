// The handover ZIP, byte for byte reproducible: the same files and export date always give the
// same archive, so `export --batch <n>` and a rebuilt batch can be compared by SHA-256.
//
// What would otherwise vary: the time stamps (fflate takes the current time unless told, and
// writes DOS time in the *local* time zone), the file order (fixed by the caller, SHA256SUMS
// last) and the attributes (fixed: Unix, regular file, 0644). Compression is fflate's deflate at
// a fixed level, which is deterministic for one fflate version; an old batch is never rebuilt
// but written again from the bytes stored in the ledger, so a library update cannot change it.
import { createHash } from 'node:crypto';
import { zipSync, type Zippable } from 'fflate';
import { dateParts, type IsoDate } from '../domain/dates.js';

export interface ZipEntry {
  /** Path inside the archive, `/`-separated, no leading slash. */
  path: string;
  data: Uint8Array;
}

export const SHA256SUMS = 'SHA256SUMS';

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The manifest in the format `sha256sum -c` checks: `<hex>  <path>` (two spaces: text mode is
 * irrelevant for SHA-256, and GNU coreutils writes two spaces), one line per file, LF.
 */
export function sha256Sums(entries: readonly ZipEntry[]): string {
  return entries.map((e) => `${sha256Hex(e.data)}  ${e.path}\n`).join('');
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

/** Builds the ZIP with the entries in the given order, followed by SHA256SUMS over all of them. */
export function deterministicZip(entries: readonly ZipEntry[], date: IsoDate): Uint8Array {
  const seen = new Set<string>();
  for (const e of entries) {
    if (!/^[^/\\][^\\]*$/.test(e.path) || e.path.split('/').some((s) => s === '' || s === '.' || s === '..')) {
      throw new Error(`unsafe path in the handover archive: ${e.path}`);
    }
    if (seen.has(e.path) || e.path === SHA256SUMS) throw new Error(`duplicate path in the handover archive: ${e.path}`);
    seen.add(e.path);
  }
  const mtime = zipTimestamp(date);
  const files: Zippable = {};
  const all = [...entries, { path: SHA256SUMS, data: Buffer.from(sha256Sums(entries), 'utf8') }];
  for (const e of all) {
    // PDFs are compressed already: store them, deflate the text files.
    const level = e.path.toLowerCase().endsWith('.pdf') ? 0 : 6;
    files[e.path] = [e.data, { level, mtime, os: UNIX, attrs: REGULAR_FILE_0644 }];
  }
  return zipSync(files, { mtime, os: UNIX, attrs: REGULAR_FILE_0644 });
}
