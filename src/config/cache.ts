// The user's cache folder for what pre-incasso derives and may derive again (the validated
// config, the stage terms, the command list for `--help`, the code cache of the CLI): $XDG_CACHE_HOME/pre-incasso or
// ~/.cache/pre-incasso; none with PRE_INCASSO_CONFIG_CACHE=0. A lost or unwritable cache only
// costs time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function cacheDir(env: NodeJS.ProcessEnv): string | null {
  if (env.PRE_INCASSO_CONFIG_CACHE === '0') return null;
  const home = os.homedir();
  const base = env.XDG_CACHE_HOME || (home ? path.join(home, '.cache') : '');
  return base ? path.join(base, 'pre-incasso') : null;
}

/** Writes a cache file whole (temp file, then rename), 0600 in a 0700 folder; a failure only costs time. */
export function writeCache(file: string, text: string | Uint8Array): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    // `wx`: never through a link or over a file someone left at the temp name.
    fs.writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
    fs.renameSync(tmp, file);
  } catch {
    // A read-only home is fine: the value is simply derived again next time.
  }
}

/**
 * A short file name for a cache key (FNV-1a, 32 bits). Not a hash to trust: the files named by it
 * hold their whole key, compared on reading (readKeyed), so a collision only costs a miss. Cheaper
 * than a SHA-256 (node:crypto alone costs a command more than everything it caches).
 */
export function shortKey(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h.toString(16);
}

/** The value of a JSON cache file written by writeKeyed with exactly this `key`, else undefined. */
export function readKeyed<T>(file: string, key: string): T | undefined {
  try {
    const entry = JSON.parse(fs.readFileSync(file, 'utf8')) as { key?: unknown; value?: T };
    return entry.key === key ? entry.value : undefined;
  } catch {
    return undefined;
  }
}

export function writeKeyed(file: string, key: string, value: unknown): void {
  writeCache(file, JSON.stringify({ key, value }));
}

/**
 * A built file's stamp for a cache key: its size and time (every build writes it again), not a
 * digest of its bytes; '' when it cannot be read. A cache keyed by it is made again after a build.
 */
export function buildStamp(file: URL): string {
  try {
    const st = fs.statSync(file);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return '';
  }
}

/** A binary cache file is `key\n` then the data: the data when its key is `key`, else null. */
export function readKeyedBytes(file: string, key: string): Buffer | null {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return null;
  }
  const nl = bytes.indexOf(10);
  if (nl < 0 || bytes.subarray(0, nl).toString('utf8') !== key) return null;
  return bytes.subarray(nl + 1);
}

export function writeKeyedBytes(file: string, key: string, data: Uint8Array | string): void {
  writeCache(file, Buffer.concat([Buffer.from(`${key}\n`, 'utf8'), typeof data === 'string' ? Buffer.from(data, 'utf8') : data]));
}
