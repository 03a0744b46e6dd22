// A dry run remembers a template check that passed (src/letters/template-check-memo.ts). The
// remembered result may never hide a problem: any change to a template file the check reads
// (its bytes, a new debtor-type variant, a removed file) checks again, with the same errors.
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkTemplatesRemembered } from '../../src/letters/template-check-memo.js';
import { checkTemplates, type StageRef } from '../../src/letters/templates.js';
import { removedAfterAll } from '../helpers/cli.js';

const dirs = removedAfterAll();
const SHIPPED = path.resolve('templates');
const STAGES: StageRef[] = [{ id: 'herinnering' }, { id: 'aanmaning' }, { id: 'laatste-herinnering', final: true }];
const LANGUAGES = ['nl', 'en'] as const;

function setUp(): { own: string; env: NodeJS.ProcessEnv; cache: string; templateDirs: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dryrun2-memo-'));
  dirs.push(dir);
  const own = path.join(dir, 'templates');
  for (const l of LANGUAGES) fs.mkdirSync(path.join(own, l), { recursive: true });
  fs.copyFileSync(path.join(SHIPPED, 'nl', 'herinnering.hbs'), path.join(own, 'nl', 'herinnering.hbs'));
  const cache = path.join(dir, 'cache');
  return { own, env: { XDG_CACHE_HOME: cache }, cache: path.join(cache, 'pre-incasso'), templateDirs: [own, SHIPPED] };
}

/** The error checkTemplates itself throws (message, code) for the templates as they are now. */
function directError(templateDirs: string[]): unknown {
  try {
    checkTemplates(templateDirs, STAGES, [...LANGUAGES]);
  } catch (err) {
    return err;
  }
  return null;
}

function rememberedError(templateDirs: string[], env: NodeJS.ProcessEnv): unknown {
  try {
    checkTemplatesRemembered(templateDirs, STAGES, [...LANGUAGES], env);
  } catch (err) {
    return err;
  }
  return null;
}

const entries = (cache: string): string[] => (fs.existsSync(cache) ? fs.readdirSync(cache).filter((f) => f.startsWith('templates-')) : []);

describe('remembered template check', () => {
  it.each([
    ['a template edited with a syntax error', (own: string) => fs.appendFileSync(path.join(own, 'nl', 'herinnering.hbs'), '\n{{#if x}}unclosed\n')],
    ['a new debtor-type variant with an unknown field', (own: string) => fs.writeFileSync(path.join(own, 'en', 'aanmaning.consumer.hbs'), '{{#*inline "subject"}}x{{/inline}}{{#*inline "body"}}{{nonsense.field}}{{/inline}}')],
    ['the user\'s own file removed after a variant that is broken took over', (own: string) => {
      fs.writeFileSync(path.join(own, 'nl', 'herinnering.consumer.hbs'), '{{#if}}');
      fs.rmSync(path.join(own, 'nl', 'herinnering.hbs'));
    }],
  ])('passes and is remembered; then %s: the same error as an unremembered check, nothing remembered for it', (_name, change) => {
    const { own, env, cache, templateDirs } = setUp();
    expect(rememberedError(templateDirs, env)).toBeNull();
    expect(entries(cache)).toHaveLength(1);
    expect(fs.statSync(path.join(cache, entries(cache)[0]!)).mode & 0o777).toBe(0o600);
    // Remembered: the same check passes again without a new entry.
    expect(rememberedError(templateDirs, env)).toBeNull();
    expect(entries(cache)).toHaveLength(1);

    change(own);
    const direct = directError(templateDirs);
    expect(direct).not.toBeNull();
    const remembered = rememberedError(templateDirs, env);
    expect(remembered).toEqual(direct);
    expect((remembered as Error).message).toBe((direct as Error).message);
    expect(entries(cache)).toHaveLength(1);
  });

  it('checks every time without a cache folder (PRE_INCASSO_CONFIG_CACHE=0)', () => {
    const { own, templateDirs } = setUp();
    const env = { PRE_INCASSO_CONFIG_CACHE: '0' };
    expect(rememberedError(templateDirs, env)).toBeNull();
    fs.appendFileSync(path.join(own, 'nl', 'herinnering.hbs'), '\n{{#each}}\n');
    expect((rememberedError(templateDirs, env) as Error).message).toBe((directError(templateDirs) as Error).message);
  });
});
