// `init` on a real terminal: a pseudo-terminal from Python's pty module answers the prompts.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, baseEnv } from '../helpers/cli.js';

const DRIVER = `
import os, pty, select, sys, time, json
bin, steps = sys.argv[1], json.loads(sys.argv[2])
pid, fd = pty.fork()
if pid == 0:
    os.execvp('node', ['node', bin, 'init'])
out = b''
def wait_for(text, timeout=20):
    global out
    end = time.time() + timeout
    while time.time() < end:
        if text.encode() in out:
            return True
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                out += os.read(fd, 65536)
            except OSError:
                return False
    return False
for prompt, answer in steps:
    if not wait_for(prompt):
        sys.stdout.buffer.write(out); sys.exit(3)
    out_len = len(out)
    time.sleep(0.1)
    os.write(fd, answer.encode() + b'\\r')
wait_for('ledger ')
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(status))
`;

describe('init on a terminal', () => {
  it('asks for the company details, rejects a bad IBAN, and writes a valid config', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pre-incasso-tty-'));
    const steps = [
      ['Company name', 'Bakkerij Test B.V.'],
      ['Street and house number', 'Dorpsstraat 1'],
      ['Postcode', '3811 AB'],
      ['City', 'Amersfoort'],
      ['KvK number', '12345678'],
      ['VAT number', ''],
      ['IBAN for payments', 'NL91ABNA0417164301'],
      ['Not a valid IBAN', '\u007f'.repeat(18) + 'NL91ABNA0417164300'],
      ['E-mail address for debtors', 'info@bakkerij-test.nl'],
      ['Phone number', '033-7654321'],
      ['Contact person', 'J. Tester'],
      ['Default payment term', ''],
      ['Debtors whose type', ''],
      ['SMTP server', 'smtp.bakkerij-test.nl'],
      ['SMTP port', ''],
      ['SMTP user name', 'info@bakkerij-test.nl'],
    ];
    const env = baseEnv();
    delete env.CI;
    const r = spawnSync('python3', ['-c', DRIVER, BIN, JSON.stringify(steps)], { cwd: dir, env, encoding: 'utf8', timeout: 90_000 });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'pre-incasso.config.json'), 'utf8'));
    expect(config.creditor).toMatchObject({ name: 'Bakkerij Test B.V.', kvk: '12345678', iban: 'NL91ABNA0417164300', email: 'info@bakkerij-test.nl' });
    expect(config.defaults).toMatchObject({ paymentTermDays: 30, debtorType: 'consumer' });
    expect(config.mail.smtp).toMatchObject({ host: 'smtp.bakkerij-test.nl', port: 587, user: 'info@bakkerij-test.nl' });
    expect(JSON.stringify(config)).not.toMatch(/password"/);
    expect(fs.statSync(path.join(dir, 'pre-incasso.db')).mode & 0o777).toBe(0o600);
  });
});
