// Issue 11, defect 10 (doctor): a passwordFile that the group or everyone may read is flagged.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, workspace } from '../helpers/cli.js';

describe('doctor and the SMTP password file', () => {
  it.each([
    [0o644, false, 'readable by everyone'],
    [0o640, false, 'readable by the group'],
    [0o600, true, ''],
  ])('mode %o: ok %s', (mode, ok, words) => {
    const dir = workspace({
      config: (c) => ({ ...c, mail: { from: 'a@example.nl', smtp: { host: '127.0.0.1', port: 2525, secure: false, requireTLS: false, user: 'u', passwordFile: 'smtp-password.txt' } } }),
    });
    const file = path.join(dir, 'smtp-password.txt');
    fs.writeFileSync(file, 'geheim\n');
    fs.chmodSync(file, mode);
    const r = cli(dir, ['doctor', '--no-smtp', '--json']);
    const check = r.json().checks.find((c: { check: string }) => c.check === 'smtp password file mode');
    expect(check.ok).toBe(ok);
    if (!ok) {
      expect(r.code).toBe(3);
      expect(check.detail).toContain(words);
      expect(check.detail).toContain(`chmod 600 ${file}`);
    }
  });
});
