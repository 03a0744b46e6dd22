// `npm run build`, second step (after tsc): esbuild makes, from tsc's output in dist/,
// - dist/app/main.vm: the CLI (entry dist/cli/main.js), commander and better-sqlite3's JavaScript
//   as one CommonJS script,
//   written as the function src/cli/boot.ts compiles with V8's code cache. Every other package
//   stays in node_modules and is loaded when a command needs it, as before: a module's imports
//   run when it is first imported (esbuild's lazy module initialisers), not at start-up;
// - dist/app/boot.cjs: src/cli/boot.ts as CommonJS, required by bin/pre-incasso.js.
//
// Rewrites on the way in, so the bundle behaves as the modules did:
// - `import.meta.url` becomes the URL of the file's tsc twin in dist/ (relative to the bundle),
//   so the paths derived from it (law/, templates/, package.json, the schema's stamp) are the same;
// - `import(x)` of a package (not of our own files, which are bundled) becomes `__pi_import(x)`,
//   boot.ts's own dynamic import: a `vm.Script` has no loader of its own for `import()`;
// - commander's `node:child_process` is loaded when first used (see below);
// - each module records its evaluation in `globalThis.__preIncassoLoaded` when a test set it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIST = path.join(ROOT, 'dist');
const OUT = path.join(DIST, 'app');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
/**
 * Bundled: commander (every command's start needs it) and better-sqlite3's JavaScript (nearly
 * every command opens the ledger: twelve small files resolved, read and compiled one by one, about
 * 5 ms of `status`, now in the code cache with the rest). Its native addon is loaded from its
 * package folder by ledger/sqlite.ts, so `bindings`, which the package would use to find it, stays
 * out. Every other package stays external.
 */
const INLINE = new Set(['commander', 'better-sqlite3']);
const external = [...Object.keys(pkg.dependencies).filter((d) => !INLINE.has(d)), 'bindings'];

/** `import(` not followed by a relative specifier: a package or a computed name. */
const PACKAGE_IMPORT = /\bimport\((?!\s*['"]\.)/g;

/**
 * commander loads node:child_process at its start, only to spawn executable subcommands, which
 * this CLI has none of; loading it costs every command a few ms. It is loaded when first used.
 */
const COMMANDER_CHILD = 'const childProcess = require(\'node:child_process\');';
const LAZY_CHILD = 'const childProcess = { spawn: (...args) => require(\'node:child_process\').spawn(...args) };';

const rewrite = (packageImports) => ({
  name: 'pre-incasso-rewrite',
  setup(build) {
    build.onLoad({ filter: /commander[\\/]lib[\\/]command\.js$/ }, async (args) => {
      const text = await fs.promises.readFile(args.path, 'utf8');
      if (!text.includes(COMMANDER_CHILD) || /childProcess\.(?!spawn\()/.test(text)) fail(`commander's use of child_process changed (${args.path})`);
      return { contents: text.replace(COMMANDER_CHILD, LAZY_CHILD), loader: 'js' };
    });
    build.onLoad({ filter: /\.js$/ }, async (args) => {
      if (!args.path.startsWith(DIST + path.sep)) return undefined;
      let text = await fs.promises.readFile(args.path, 'utf8');
      const rel = path.relative(OUT, args.path).split(path.sep).join('/');
      text = text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, __pi_url).href`);
      // Which of our modules a command evaluated, for test/e2e/startup.test.ts (a no-op otherwise).
      text += `\nglobalThis.__preIncassoLoaded?.push(${JSON.stringify(path.relative(DIST, args.path).split(path.sep).join('/'))});\n`;
      if (packageImports) text = text.replace(PACKAGE_IMPORT, '__pi_import(');
      return { contents: text, loader: 'js' };
    });
  },
});

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external,
  legalComments: 'none',
  // Whitespace and syntax minified, names kept as written: no `keepNames`, whose `__name()` call
  // on every function made per call (the planner's and the parser's closures) cost about a tenth
  // of a dry run's and an import's CPU time, and stack traces under --verbose keep our names.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  // ES modules are strict; the whole bundle is too.
  banner: { js: "'use strict';\nconst __pi_url = require('node:url').pathToFileURL(__filename).href;" },
};

fs.rmSync(OUT, { recursive: true, force: true });
const built = await esbuild.build({ ...common, entryPoints: [path.join(DIST, 'cli', 'main.js')], outfile: path.join(OUT, 'main.cjs'), plugins: [rewrite(true)], write: false });
let made = built.outputFiles[0].text;
// esbuild escapes what lies outside ASCII except in regular expression literals (`/^(€|EUR)/`).
// Each such UTF-16 unit is written as `\uXXXX`, which means the same there and in strings: the
// file is then ASCII, boot.ts reads it as latin1 into a one-byte string, and V8 checks its code
// cache against half the bytes (measured: the cached compile 3-9 ms -> 1.4 ms).
if (/\\[^\x00-\x7f]/.test(made)) fail('a backslash before a character outside ASCII: escaping it would change its meaning');
made = made.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const left = made.match(/\bimport\(/g);
if (left) fail(`${left.length} dynamic import() left; a vm.Script cannot run them`);
if (made.includes('import.meta')) fail('import.meta left');
// Written as the function boot.ts compiles (the CommonJS wrapper plus boot's import()), so the
// source needs no copy to wrap it at start-up. It is no module: nothing imports it.
fs.mkdirSync(OUT, { recursive: true });
fs.writeFileSync(path.join(OUT, 'main.vm'), `(function (exports, require, module, __filename, __dirname, __pi_import) {${made}\n})`);
// The start (src/cli/boot.ts), required by bin/pre-incasso.js (CommonJS: no ES module loader to
// start for a `--help` read from the cache). A CommonJS file has `import()` of its own.
await esbuild.build({ ...common, entryPoints: [path.join(DIST, 'cli', 'boot.js')], outfile: path.join(OUT, 'boot.cjs'), plugins: [rewrite(false)] });

function fail(what) {
  console.error(`scripts/bundle.js: dist/app/main.vm: ${what}`);
  process.exit(1);
}
