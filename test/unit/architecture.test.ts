// STYLE.md: `src/domain/` imports nothing with side effects. This test is the lint rule.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const domainDir = path.join(ROOT, 'src', 'domain');
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
