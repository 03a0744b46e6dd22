// Every command, registered on the program. Only the modules of the command being run are
// loaded: the others are listed from a remembered description of their commands (name,
// arguments, description), so `--help` and `status` do not load twenty command modules and
// what they import. The description is made by loading every module once, and made again
// whenever a command file changes (its key holds the files' sizes and times) or the version does.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import type { Act } from '../program.js';
import { cacheDir, shortKey, writeCache } from '../../config/cache.js';
import { packageVersion } from '../../version.js';

interface CommandModule {
  register(program: Command, act: Act): void;
}

/** In the order of `--help`. */
const MODULES: readonly [string, () => Promise<CommandModule>][] = [
  ['init', () => import('./init.js')],
  ['import', () => import('./import.js')],
  ['payments', () => import('./payments.js')],
  ['run', () => import('./run.js')],
  ['explain', () => import('./explain.js')],
  ['hold', () => import('./hold.js')],
  ['letters', () => import('./letters.js')],
  ['mail', () => import('./mail.js')],
  ['export', () => import('./export.js')],
  ['status', () => import('./status.js')],
  ['book', () => import('./book.js')],
  ['report', () => import('./report.js')],
  ['forecast', () => import('./forecast.js')],
  ['calc', () => import('./calc.js')],
  ['templates', () => import('./templates.js')],
  ['doctor', () => import('./doctor.js')],
  ['arrangements', () => import('./arrangements.js')],
  ['privacy', () => import('./privacy.js')],
];

interface Listed {
  name: string;
  description: string;
  aliases: string[];
  args: { name: string; required: boolean; variadic: boolean }[];
  options: boolean;
  hidden: boolean;
}

/** Per module: the top-level commands it creates (as `--help` lists them) and those it adds to. */
interface Manifest {
  /** The version and the command files' sizes and times it was made from. */
  key: string;
  modules: { key: string; creates: Listed[]; touches: string[] }[];
}

/** Global options that take a value: the word after them is not the command. */
const VALUED = new Set(['--config', '--ledger', '--today']);

/** The command the user asked for (`help <command>` asks for that command too), or null. */
export function requestedCommand(argv: readonly string[]): string | null {
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a.startsWith('-')) {
      if (VALUED.has(a)) i++;
      continue;
    }
    words.push(a);
  }
  return words[0] === 'help' ? words[1] ?? null : words[0] ?? null;
}

/**
 * Where the description is kept (one file per installation folder) and the key it must carry.
 * Run from the bundle, whose own key (boot.ts: its size, time and inode) stands for every command
 * module in it, that key is used; the modules in dist/ are listed with their sizes and times.
 */
function manifestPlace(env: NodeJS.ProcessEnv, buildKey: string | undefined): { file: string; key: string } | null {
  const dir = cacheDir(env);
  if (!dir) return null;
  const here = path.dirname(fileURLToPath(import.meta.url));
  let key = `${packageVersion()}\0${here}`;
  const file = path.join(dir, `commands-${shortKey(here)}.json`);
  if (buildKey !== undefined) return { file, key: `${key}\0bundle ${buildKey}` };
  try {
    // `here` is absolute and normalised: the file's path by concatenation (path.join normalises every one again).
    for (const f of fs.readdirSync(here).sort()) {
      const st = fs.statSync(`${here}${path.sep}${f}`);
      key += `\0${f}\0${st.size}\0${st.mtimeMs}`;
    }
  } catch {
    return null;
  }
  return { file, key };
}

function listed(c: Command): Listed {
  return {
    name: c.name(),
    description: c.description(),
    aliases: c.aliases(),
    args: c.registeredArguments.map((a) => ({ name: a.name(), required: a.required, variadic: a.variadic })),
    options: c.options.length > 0,
    hidden: (c as unknown as { _hidden?: boolean })._hidden === true,
  };
}

/** Loads every module and notes what each registers. */
async function registerAll(program: Command, act: Act, key: string): Promise<Manifest> {
  const modules: Manifest['modules'] = [];
  for (const [key, load] of MODULES) {
    const before = new Map(program.commands.map((c) => [c, c.commands.length]));
    (await load()).register(program, act);
    const creates = program.commands.filter((c) => !before.has(c));
    const touches = program.commands.filter((c) => !before.has(c) || before.get(c) !== c.commands.length).map((c) => c.name());
    modules.push({ key, creates: creates.map(listed), touches });
  }
  return { key, modules };
}

/** A command as `--help` lists it; it is never run (its module is loaded when it is asked for). */
function stub(program: Command, l: Listed): void {
  const c = program.command(l.name, { hidden: l.hidden }).description(l.description);
  for (const a of l.aliases) c.alias(a);
  for (const a of l.args) c.argument(a.required ? `<${a.name}${a.variadic ? '...' : ''}>` : `[${a.name}${a.variadic ? '...' : ''}]`);
  if (l.options) c.addOption(new Option('--listed-only').hideHelp());
  // Never reached: the asked-for command is always the real one. Should it be, it is a bug, said loudly.
  c.action(() => {
    throw new Error(`command "${l.name}" was listed but not loaded`);
  });
}

export async function registerCommands(
  program: Command,
  act: Act,
  argv: readonly string[] | null,
  env: NodeJS.ProcessEnv,
  hooks: { buildKey?: string; onLoadedAll?(): void } = {},
): Promise<void> {
  const place = argv === null ? null : manifestPlace(env, hooks.buildKey);
  let manifest: Manifest | null = null;
  if (place) {
    try {
      manifest = JSON.parse(fs.readFileSync(place.file, 'utf8')) as Manifest;
    } catch {
      manifest = null;
    }
  }
  if (argv === null || !place || manifest?.key !== place.key) {
    const made = await registerAll(program, act, place?.key ?? '');
    hooks.onLoadedAll?.();
    if (place) writeCache(place.file, JSON.stringify(made));
    return;
  }
  const wanted = requestedCommand(argv!);
  for (const [key, load] of MODULES) {
    const m = manifest.modules.find((x) => x.key === key);
    if (!m || (wanted !== null && (m.touches.includes(wanted) || m.creates.some((c) => c.aliases.includes(wanted))))) {
      (await load()).register(program, act);
    } else {
      for (const l of m.creates) if (!program.commands.some((c) => c.name() === l.name)) stub(program, l);
    }
  }
}
