// Finding, reading and validating the config. Every problem is reported at once with its path
// (`stages[1].after: expected a whole number of days`), exit code 3.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../errors.js';
import { packageVersion } from '../version.js';
import type { Config } from './schema.js';
import { loadLaw, rememberTermsWith } from './law.js';
import { buildStamp, cacheDir, readKeyed, shortKey, writeKeyed } from './cache.js';
import type { Law } from '../domain/law.js';

export interface LoadedConfig {
  config: Config;
  file: string;
  dir: string;
  /** Absolute ledger path (the `ledger` setting is relative to the config file). */
  ledgerPath: string;
  /** Template directories, most specific first: the user's templatesDir, then the defaults. */
  templateDirs: string[];
  /** The law tables in force: the shipped `law/` files plus the rows of `law.ratesFile`. */
  law: Law;
}

/** The shipped templates, next to dist/ in the package. */
export const DEFAULT_TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));
/** The JSON Schema shipped in the package (`"$schema"` of a config). */
export const SCHEMA_FILE = fileURLToPath(new URL('../../examples/pre-incasso.schema.json', import.meta.url));

/**
 * Where the validated form of a config is remembered. Loading the schema library costs more
 * than the rest of `status`; a config whose bytes this version and schema build already validated
 * gives the same result, so it is read back instead. The entry holds its whole key (version,
 * schema, the config's bytes), compared when read. Invalid configs are never cached: they are
 * validated, and reported, every time.
 */
function cacheEntry(text: string, env: NodeJS.ProcessEnv): { file: string; key: string } | null {
  const dir = cacheDir(env);
  if (!dir) return null;
  const key = `${packageVersion()}\0${buildStamp(new URL('./schema.js', import.meta.url))}\0${text}`;
  return { file: path.join(dir, `config-${shortKey(key)}.json`), key };
}

/** The derived stage terms, remembered per version, law and stages (config/policy.ts asks). */
function termsMemo(env: NodeJS.ProcessEnv): Parameters<typeof rememberTermsWith>[1] | null {
  const dir = cacheDir(env);
  if (!dir) return null;
  const entry = (key: string): { file: string; key: string } => {
    const full = `${packageVersion()}\0${key}`;
    return { file: path.join(dir, `terms-${shortKey(full)}.json`), key: full };
  };
  return {
    get(key) {
      const e = entry(key);
      return readKeyed(e.file, e.key);
    },
    set(key, terms) {
      const e = entry(key);
      writeKeyed(e.file, e.key, terms);
    },
  };
}

export async function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new AppError('config_missing', `No configuration at ${file}.`, {
        hint: 'Run `pre-incasso init` to write one, or point --config / PRE_INCASSO_CONFIG at yours.',
      });
    }
    throw error;
  }
  const cache = cacheEntry(text, env);
  const remembered = cache ? readKeyed<Config>(cache.file, cache.key) : undefined;
  if (remembered) {
    try {
      return resolveConfig(remembered, file, env);
    } catch {
      // Validated now instead, and any problem reported from that.
    }
  }
  const raw = parseJson(text, file);
  const { configSchema } = await import('./schema.js');
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${formatPath(issue.path)}: ${explain(issue)}`);
    throw new AppError('config_invalid', `${path.basename(file)} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:`, {
      details: problems,
      hint: 'Fix these settings; the README lists every key. Editors check the file against its "$schema".',
      data: { problems },
    });
  }
  if (cache) writeKeyed(cache.file, cache.key, result.data);
  return resolveConfig(result.data, file, env);
}

export function resolveConfig(config: Config, file: string, env?: NodeJS.ProcessEnv): LoadedConfig {
  const dir = path.dirname(path.resolve(file));
  const templateDirs = config.templatesDir ? [path.resolve(dir, config.templatesDir), DEFAULT_TEMPLATES_DIR] : [DEFAULT_TEMPLATES_DIR];
  const law = loadLaw(config.law?.ratesFile ? path.resolve(dir, config.law.ratesFile) : null);
  const memo = env ? termsMemo(env) : null;
  if (memo) rememberTermsWith(law, memo);
  return { config, file: path.resolve(file), dir, ledgerPath: path.resolve(dir, config.ledger), templateDirs, law };
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const message = (error as Error).message;
    const pos = /position (\d+)/.exec(message);
    let where = path.basename(file);
    if (pos) {
      const before = text.slice(0, Number(pos[1]));
      const line = before.split('\n').length;
      const column = before.length - before.lastIndexOf('\n');
      where += `:${line}:${column}`;
    }
    throw new AppError('config_invalid', `${where}: not valid JSON (${message}).`, {
      hint: 'Check for a missing comma or quote, or a trailing comma before } or ].',
    });
  }
}

export function formatPath(p: readonly PropertyKey[]): string {
  let out = '';
  for (const part of p) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(top level)' : out;
}

function explain(issue: { code: string; message: string; path: readonly PropertyKey[]; keys?: string[] }): string {
  if (issue.code === 'unrecognized_keys' && issue.keys?.includes('password')) {
    return 'the SMTP password never goes in the config: put it in a file named by mail.smtp.passwordFile, or in PRE_INCASSO_SMTP_PASSWORD';
  }
  if (issue.code === 'unrecognized_keys') return `unknown setting ${issue.keys?.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) return 'missing';
  return issue.message;
}
