// The user's cache folder for what pre-incasso derives and may derive again (the validated
// config, the stage terms, the command list for `--help`): $XDG_CACHE_HOME/pre-incasso or
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
    fs.writeFileSync(tmp, text, { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch {
    // A read-only home is fine: the value is simply derived again next time.
  }
}
