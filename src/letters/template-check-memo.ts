// The template check of a dry run, remembered. Checking compiles and renders every stage's
// template with sample letters (about 0.2 s) before the first line of output; a dry run over a
// big book is run again and again with the same templates. A check that passed is stored in the
// user's cache folder (config/cache.ts) under its whole key: this build (version and the check's
// compiled code), the template folders, stages and languages, and every file the check could read
// (each candidate path with its bytes, or that it is absent or unreadable). Any change to one of
// them checks again. A failing check is never stored: its errors are found and reported every time.
import fs from 'node:fs';
import path from 'node:path';
import { buildStamp, cacheDir, readKeyed, shortKey, writeKeyed } from '../config/cache.js';
import { packageVersion } from '../version.js';
import type { Language } from '../domain/letter.js';
import { DEBTOR_TYPES, checkTemplates, templateName, type StageRef } from './templates.js';

/** Every path resolveTemplate may look at for these stages, each with its bytes or why there are none. */
function candidateFiles(dirs: string[], stages: StageRef[], languages: Language[]): [string, string][] {
  const files: [string, string][] = [];
  for (const stage of stages) {
    const name = templateName(stage.id, stage.template);
    for (const dir of dirs) {
      for (const language of languages) {
        for (const file of [...DEBTOR_TYPES.map((t) => `${name}.${t}.hbs`), `${name}.hbs`]) {
          const candidate = path.resolve(dir, language, file);
          let content: string;
          try {
            content = `+${fs.readFileSync(candidate, 'utf8')}`;
          } catch (err) {
            content = `-${(err as NodeJS.ErrnoException).code ?? 'error'}`;
          }
          files.push([candidate, content]);
        }
      }
    }
  }
  return files;
}

/** checkTemplates (same errors, thrown the same way), skipped when exactly this check passed before. */
export function checkTemplatesRemembered(dirs: string[], stages: StageRef[], languages: Language[], env: NodeJS.ProcessEnv): void {
  const dir = cacheDir(env);
  if (!dir) {
    checkTemplates(dirs, stages, languages);
    return;
  }
  const key = JSON.stringify([packageVersion(), buildStamp(new URL('./templates.js', import.meta.url)), dirs, stages, languages, candidateFiles(dirs, stages, languages)]);
  const file = path.join(dir, `templates-${shortKey(key)}.json`);
  if (readKeyed<boolean>(file, key) === true) return;
  checkTemplates(dirs, stages, languages);
  writeKeyed(file, key, true);
}
