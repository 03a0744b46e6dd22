// Every SQLite connection of the tool is opened here, with better-sqlite3's native addon loaded
// from its own package folder. Left to itself the package finds the addon through `bindings`,
// which works out the caller's package from a stack trace and tries a dozen folders: a third of
// the time `status` spent in SQLite on a small ledger, and from the bundle (scripts/bundle.js
// puts the package's JavaScript in dist/app/main.vm) it finds nothing at all. Where the file is
// not there (another build layout), the package's own search is used.
import { createRequire } from 'node:module';
import path from 'node:path';
import Database from 'better-sqlite3';

let addon: object | null | undefined;

function nativeBinding(): Database.Options {
  if (addon === undefined) {
    try {
      const require = createRequire(import.meta.url);
      addon = require(path.join(path.dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node')) as object;
    } catch {
      addon = null;
    }
  }
  // The typings name only the path form; the package takes the loaded addon as well (lib/database.js).
  return addon ? ({ nativeBinding: addon } as unknown as Database.Options) : {};
}

/** A connection to `file` (or, from a Buffer, to a copy in memory of a serialized database). */
export function openSqlite(file: string | Buffer, options: Database.Options = {}): Database.Database {
  return new Database(file, { ...options, ...nativeBinding() });
}
