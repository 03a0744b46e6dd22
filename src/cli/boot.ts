// The start of every command: bin/pre-incasso.js requires dist/app/boot.cjs, this module as the
// build makes it (CommonJS, so a remembered `--help` starts no ES module loader at all).
//
// The CLI itself is one CommonJS file made by scripts/bundle.js at build time, dist/app/main.vm:
// our code and commander (the other packages stay in node_modules and load when a command needs
// them). It is compiled here through `vm.Script` with V8's code cache of the same command's last
// start, kept in the user's cache folder (config/cache.ts), so the functions a command ran before
// are not parsed and compiled again; the text of a plain `--help` is remembered there too. Both
// are keyed by the bundle (path, size, time, inode) and Node's version, so a new build or another
// Node makes them again (V8 also refuses a code cache of other source or flags). Without a cache
// folder (PRE_INCASSO_CONFIG_CACHE=0) everything is simply compiled. Without the bundle, or with
// one older than dist/cli/main.js (`tsc` run alone), the modules in dist/ run as they are.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { cacheDir, readKeyedBytes, shortKey, writeKeyedBytes } from '../config/cache.js';
import type { CliHooks } from './main.js';
import { stdout } from './stdio.js';

export const BUNDLE = fileURLToPath(new URL('../app/main.vm', import.meta.url));

interface Entry {
  runCli(argv: string[], hooks: CliHooks): Promise<void>;
}

/** What the cached files must carry to be used: the bundle as built and the Node that runs it. */
function bundleKey(st: fs.Stats): string {
  return `${process.version} ${process.arch} ${st.size} ${st.mtimeMs} ${st.ino}`;
}

/** The code cache's name for the command on the line: one per command word, so each keeps its own functions. */
export function cacheWord(argv: readonly string[]): string {
  const word = argv.find((a) => !a.startsWith('-'));
  return word !== undefined && /^[a-z][a-z-]{0,30}$/.test(word) ? word : '-';
}

/** tsc's output of main.ts, which the bundle is made from. */
const MODULES = new URL('./main.js', import.meta.url);

export async function boot(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const st = fs.statSync(BUNDLE, { throwIfNoEntry: false });
  const modules = fs.statSync(MODULES, { throwIfNoEntry: false });
  if (!st || (modules && modules.mtimeMs > st.mtimeMs)) {
    // No bundle, or one older than tsc's output (`tsc` was run without `npm run build`): the
    // modules in dist/ are what was built last, so they run, as they are, without caches.
    const { runCli } = (await import(MODULES.href)) as Entry;
    return runCli(argv, {});
  }
  const dir = cacheDir(env);
  const key = bundleKey(st);
  const base = dir === null ? null : path.join(dir, `app-${shortKey(BUNDLE)}`);
  const helpFile = base && `${base}-help.txt`;
  // The help is laid out for the terminal's width; asked only for a help (a terminal's stream is made to know it).
  const helpKey = (): string => `${key} ${stdout.columns ?? 'pipe'}`;
  if (helpFile && argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) {
    const text = readKeyedBytes(helpFile, helpKey());
    if (text !== null) {
      stdout.write(text.toString('utf8'));
      return;
    }
  }
  const codeFile = base && `${base}-${cacheWord(argv)}.v8`;
  const cachedData = codeFile ? readKeyedBytes(codeFile, key) ?? undefined : undefined;
  // ASCII only (scripts/bundle.js makes it so): latin1 gives the one-byte string without decoding.
  const script = new vm.Script(fs.readFileSync(BUNDLE, 'latin1'), {
    filename: BUNDLE,
    ...(cachedData ? { cachedData } : {}),
  });
  // Set when this run loaded every command module (the first after a build describes them all).
  let loadedAll = false;
  if (codeFile && (!cachedData || script.cachedDataRejected)) {
    // Made when the command has run (the cache then holds every function it compiled), and
    // only when it succeeded: a mistyped command word makes no cache file of its own. Not after
    // a run that loaded every command: that cache would hold them all, about 15% larger, and each
    // start of the command would read it (the next run makes it).
    process.once('exit', (code) => {
      if (code === 0 && !loadedAll) writeKeyedBytes(codeFile, key, script.createCachedData());
    });
  }
  const module = { exports: {} as Entry };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  // The bundle's `import()` of a package (chalk, @inquirer/prompts, …) is this module's.
  wrapper.call(module.exports, module.exports, createRequire(BUNDLE), module, BUNDLE, path.dirname(BUNDLE), (specifier: string) => import(specifier));
  return module.exports.runCli(argv, {
    buildKey: key,
    onLoadedAll: () => (loadedAll = true),
    ...(helpFile ? { onHelp: (text: string) => writeKeyedBytes(helpFile, helpKey(), text) } : {}),
  });
}
