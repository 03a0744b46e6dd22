// STYLE.md: `src/domain/` imports nothing with side effects, and every folder of src/ imports only
// the folders below it. This test is the lint rule for both.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const SRC = path.join(ROOT, 'src');
const domainDir = path.join(SRC, 'domain');
const files = fs.readdirSync(domainDir).filter((f) => f.endsWith('.ts'));

describe('the domain is pure', () => {
  it.each(files)('%s has no I/O, clock or environment', (file) => {
    const text = fs.readFileSync(path.join(domainDir, file), 'utf8');
    const imports = [...text.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]!);
    for (const spec of imports) expect(spec.startsWith('./'), `${file} imports ${spec}`).toBe(true);
    expect(text).not.toMatch(/\bprocess\.(env|argv|cwd)|new Date\(\)|Date\.now\(\)|require\(/);
  });

  it('commands never call process.exit', () => {
    const dir = path.join(ROOT, 'src', 'cli', 'commands');
    for (const file of fs.readdirSync(dir)) expect(fs.readFileSync(path.join(dir, file), 'utf8')).not.toMatch(/process\.exit\(/);
  });
});

// The direction of the data flow, top to bottom (README, "Development"):
//   cli → workflows → {report, handover, mail, letters, ledger, importers, platform} → {config, domain}
// `ground` is src/errors.ts (the error type and the exit codes), which every folder but the domain
// may use. Where two middle folders use each other, only the direction written here is allowed.
const GROUND = ['ground', 'config', 'domain'];
const ALLOWED: Record<string, readonly string[]> = {
  cli: ['workflows', 'report', 'handover', 'mail', 'letters', 'ledger', 'importers', 'platform', ...GROUND],
  workflows: ['report', 'handover', 'mail', 'letters', 'ledger', 'importers', 'platform', ...GROUND],
  // the report's CSV quotes its cells the way the handover's CSV does
  report: ['handover', 'ledger', 'platform', ...GROUND],
  // the handover reads the claims from the ledger
  handover: ['ledger', 'platform', ...GROUND],
  // message building and SMTP only: the outbox's SQL is the ledger's, the workflow calls both
  mail: ['platform', ...GROUND],
  letters: ['platform', ...GROUND],
  // the ledger stores what the importers parsed through row types in domain/, never their code
  ledger: ['platform', ...GROUND],
  importers: ['platform', ...GROUND],
  platform: [...GROUND],
  config: ['ground', 'domain'],
  domain: [],
  ground: [],
};

/** The folder of src/ a file belongs to; `ground` for a file directly in src/. */
function folderOf(file: string): string {
  const parts = path.relative(SRC, file).split(path.sep);
  return parts.length === 1 ? 'ground' : parts[0]!;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** Every relative import of a file: `import … from`, `export … from`, `import '…'` and `import('…')`. */
function relativeImports(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
}

/** The imports of src/ that go against the direction above, as `file → spec (from → to)`. */
function wrongImports(): string[] {
  const wrong: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const from = folderOf(file);
    for (const spec of relativeImports(fs.readFileSync(file, 'utf8'))) {
      const to = folderOf(path.resolve(path.dirname(file), spec));
      if (to === from) continue;
      if (!(ALLOWED[from] ?? []).includes(to)) wrong.push(`${path.relative(ROOT, file)} → ${spec} (${from} → ${to})`);
    }
  }
  return wrong;
}

describe('imports follow the data flow', () => {
  it('every folder of src/ has a place in the table', () => {
    const folders = fs.readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    for (const f of folders) expect(ALLOWED, `src/${f}/ is not in the architecture table`).toHaveProperty(f);
  });

  it('the table allows no cycle: two folders never use each other, not even through a third', () => {
    const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
      (ALLOWED[from] ?? []).some((n) => n === to || (!seen.has(n) && (seen.add(n), reaches(n, to, seen))));
    for (const f of Object.keys(ALLOWED)) expect(reaches(f, f), `${f} can reach itself`).toBe(false);
  });

  it('no file imports a folder above its own', () => {
    expect(wrongImports()).toEqual([]);
  });

  it('the check sees every form of import', () => {
    expect(relativeImports(`import { a } from '../cli/x.js';\nexport { b } from './y.js';\nimport '../z.js';\nconst c = await import('../../w.js');\nimport fs from 'node:fs';`))
      .toEqual(['../cli/x.js', './y.js', '../z.js', '../../w.js']);
  });
});

describe('SQLite connections', () => {
  it('are all opened through ledger/sqlite.ts, which loads the native addon itself (from the bundle the package cannot find it)', () => {
    const direct: string[] = [];
    for (const file of sourceFiles(SRC)) {
      if (file === path.join(SRC, 'ledger', 'sqlite.ts')) continue;
      const text = fs.readFileSync(file, 'utf8');
      if (/^import (?!type\b)[^;]*from 'better-sqlite3'/m.test(text) || /\bnew Database\(/.test(text)) direct.push(path.relative(ROOT, file));
    }
    expect(direct).toEqual([]);
  });
});
