// The shipped template files: where they are, and `templates init`, which copies them.
import { constants, copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shipped templates (`templates/` next to `src/` and `dist/`). */
export const DEFAULT_TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

/**
 * Copies the shipped templates (and their README) into `targetDir` for `pre-incasso templates
 * init`. Never overwrites: files that already exist are left alone and listed as skipped.
 */
export function templatesInit(targetDir: string, sourceDir: string = DEFAULT_TEMPLATES_DIR): { copied: string[]; skipped: string[] } {
  const copied: string[] = [];
  const skipped: string[] = [];
  const files: string[] = [];
  if (existsSync(path.join(sourceDir, 'README.md'))) files.push('README.md');
  for (const entry of readdirSync(sourceDir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory()) continue;
    for (const f of readdirSync(path.join(sourceDir, entry.name)).sort()) {
      if (f.endsWith('.hbs')) files.push(path.join(entry.name, f));
    }
  }
  for (const rel of files) {
    const target = path.resolve(targetDir, rel);
    mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    try {
      // COPYFILE_EXCL: fails instead of overwriting, also when the file appears meanwhile.
      copyFileSync(path.join(sourceDir, rel), target, constants.COPYFILE_EXCL);
      copied.push(target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') skipped.push(target);
      else throw err;
    }
  }
  return { copied, skipped };
}
