// The package's own version, read once from package.json (the handover, the PDF producer, the
// validated-config cache and `--version` all state it).
import { readFileSync } from 'node:fs';

let version: string | null = null;

/** The `version` of pre-incasso's package.json. */
export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}
