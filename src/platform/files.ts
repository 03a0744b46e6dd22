// Writing output files safely, in one place. Every file the tool writes (letters, e-mail previews,
// the print manifest, the handover file) holds debtors' personal data (AVG art. 32), and the
// folders it writes into may be shared with other users. So:
//
// - a file is written to a temp file created new in the target's folder (O_CREAT|O_EXCL|
//   O_NOFOLLOW, mode 0600), fsynced, and renamed over the target. rename(2) replaces whatever
//   is at the target name, a planted symlink included, and never writes through it; the new
//   file has mode 0600 also when it replaces a 0666 one;
// - the folder is fsynced after the rename, so the file is there whole or not at all;
// - folders the tool creates are 0700.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const FILE_MODE = 0o600;

/** 12 random hex digits for a temp name; node:crypto is loaded here, not by every command that opens the ledger. */
function randomHex(): string {
  const { randomBytes } = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return randomBytes(6).toString('hex');
}
const DIR_MODE = 0o700;

/** Creates `dir` (and missing parents) with mode 0700; an existing folder is left as it is. */
export function ensureDir(dir: string): string {
  const full = path.resolve(dir);
  let created: string | undefined;
  try {
    created = fs.mkdirSync(full, { recursive: true, mode: DIR_MODE });
  } catch (error) {
    // mkdir -p over an existing file says EEXIST: what it means is "a file where a folder should be".
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw Object.assign(new Error(`not a directory: ${full}`), { code: 'ENOTDIR', path: full });
    // Node's mkdir -p reports ENOENT for a read-only or forbidden parent: make the first
    // missing folder by hand, which fails with the real reason (EROFS, EACCES).
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      let missing = full;
      while (!fs.existsSync(path.dirname(missing)) && path.dirname(missing) !== missing) missing = path.dirname(missing);
      fs.mkdirSync(missing, { mode: DIR_MODE });
    }
    throw error;
  }
  if (created !== undefined) {
    // mkdir applies the umask; make sure every folder we created is 0700 whatever it was.
    for (let d = full; d.length >= created.length; d = path.dirname(d)) {
      fs.chmodSync(d, DIR_MODE);
      if (d === created || d === path.dirname(d)) break;
    }
  }
  if (!fs.statSync(full).isDirectory()) throw Object.assign(new Error(`not a directory: ${full}`), { code: 'ENOTDIR', path: full });
  return full;
}

/**
 * Writes `content` to a new temp file next to `target` and fsyncs it; returns the temp path.
 * The temp name starts with `.<name>.` and ends with `.tmp`, so a crashed writer's leftovers can
 * be found. Use `commitTemp` to put it in place.
 */
export function writeTemp(target: string, content: Uint8Array | string): string {
  return writeTempStream(target, (write) => write(typeof content === 'string' ? Buffer.from(content, 'utf8') : content));
}

/** How a streamed temp file is written: `write` buffers, the bytes reach the disk in large writes. */
export type ChunkWriter = (chunk: Uint8Array) => void;

const STREAM_BUFFER = 1 << 20;

/**
 * Like `writeTemp`, for a file too large to hold in memory: `produce` is handed a writer and
 * calls it with each chunk as it is made; the writes are synchronous, so a producer never runs
 * ahead of the disk. On any error the temp file is removed and the error rethrown.
 */
export function writeTempStream(target: string, produce: (write: ChunkWriter) => void): string {
  const dir = path.dirname(path.resolve(target));
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomHex()}.tmp`);
  const flags = fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY | (fs.constants.O_NOFOLLOW ?? 0);
  const fd = fs.openSync(tmp, flags, FILE_MODE);
  const buffer = Buffer.allocUnsafe(STREAM_BUFFER);
  let used = 0;
  const flush = (): void => {
    let offset = 0;
    while (offset < used) offset += fs.writeSync(fd, buffer, offset, used - offset);
    used = 0;
  };
  const writeAll = (bytes: Uint8Array): void => {
    let offset = 0;
    while (offset < bytes.length) offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
  };
  try {
    produce((chunk) => {
      if (used + chunk.length > STREAM_BUFFER) flush();
      if (chunk.length >= STREAM_BUFFER) writeAll(chunk);
      else {
        buffer.set(chunk, used);
        used += chunk.length;
      }
    });
    flush();
    fs.fchmodSync(fd, FILE_MODE);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  } catch (error) {
    try {
      fs.closeSync(fd);
    } catch {
      /* already closed */
    }
    fs.rmSync(tmp, { force: true });
    throw error;
  }
  return tmp;
}

/** Renames a temp file from `writeTemp` over `target` (never through a symlink there) and fsyncs the folder. */
export function commitTemp(tmp: string, target: string): string {
  const full = path.resolve(target);
  try {
    const st = fs.lstatSync(full, { throwIfNoEntry: false });
    if (st?.isDirectory()) throw Object.assign(new Error(`is a directory: ${full}`), { code: 'EISDIR', path: full, syscall: 'rename' });
    fs.renameSync(tmp, full);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
  fsyncDir(path.dirname(full));
  return full;
}

/** Writes a whole file safely (see the top of this module). The folder must exist; see `ensureDir`. */
export function writeFileSafe(target: string, content: Uint8Array | string): string {
  return commitTemp(writeTemp(target, content), target);
}

/** Creates the folder (0700) when missing, then writes the file safely. */
export function writeFileInDir(target: string, content: Uint8Array | string): string {
  ensureDir(path.dirname(path.resolve(target)));
  return writeFileSafe(target, content);
}

export function fsyncDir(dir: string): void {
  // Makes the rename durable. Not every platform can open a directory for fsync; there the
  // rename is as durable as the file system makes it.
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    /* best effort */
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
