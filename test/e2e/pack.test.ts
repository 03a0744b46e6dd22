// `npm pack` gives a tarball that installs with `npm install -g <file>` and puts `pre-incasso`
// on the PATH (issue 12, item 9). The install fetches the dependencies from the npm registry
// (or the npm cache); when neither can be reached the test is skipped with a message.
//
// better-sqlite3 is native: its install script downloads a prebuilt binary or compiles one,
// which takes minutes. The test serves the binary this checkout already built (the same version,
// packed the way prebuild-install expects) from a local HTTP server as the binary host, so the
// install runs the package's real install script in seconds. Needs `npm run build` first.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'workbench-pack-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function run(cmd: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs ?? 240_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

const OFFLINE = /ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET|ENOTCACHED|network|request to .* failed/i;

describe('the npm tarball', () => {
  it('installs globally from the file and runs from another folder', async (ctx) => {
    const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: ROOT, encoding: 'utf8' });
    expect(pack.status, pack.stderr).toBe(0);
    const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    const files = info!.files.map((f) => f.path);
    expect(files).toContain('bin/pre-incasso.js');
    expect(files).toContain('dist/cli/main.js');
    expect(files).toContain('templates/nl/herinnering.hbs');
    expect(files.some((f) => f.startsWith('src/') || f.startsWith('test/'))).toBe(false);
    expect(fs.readFileSync(path.join(ROOT, 'bin', 'pre-incasso.js'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);

    // The prebuilt binary of better-sqlite3 from this checkout, served as its binary host.
    const sqlite = path.join(ROOT, 'node_modules', 'better-sqlite3');
    const version = (JSON.parse(fs.readFileSync(path.join(sqlite, 'package.json'), 'utf8')) as { version: string }).version;
    const prebuilt = path.join(tmp, 'prebuilt.tar.gz');
    const tar = spawnSync('tar', ['czf', prebuilt, '-C', sqlite, 'build/Release/better_sqlite3.node']);
    expect(tar.status).toBe(0);
    const requested: string[] = [];
    const server = http.createServer((req, res) => {
      requested.push(req.url ?? '');
      if (req.url === `/v${version}/better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`) {
        res.writeHead(200, { 'content-type': 'application/gzip' });
        fs.createReadStream(prebuilt).pipe(res);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const prefix = path.join(tmp, 'prefix');
      const env = { ...process.env, npm_config_better_sqlite3_binary_host: `http://127.0.0.1:${port}`, npm_config_update_notifier: 'false' };
      const install = await run('npm', ['install', '-g', path.join(tmp, info!.filename), '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund'], { cwd: tmp, env });
      if (install.code !== 0 && OFFLINE.test(install.stderr)) {
        ctx.skip(`the npm registry cannot be reached and the npm cache lacks a dependency: ${install.stderr.split('\n').find((l) => OFFLINE.test(l))}`);
      }
      expect(install.code, install.stderr).toBe(0);
      expect(requested).toHaveLength(1);

      // From a folder that is not the clone, with only the prefix's bin on the PATH.
      const other = path.join(tmp, 'mijn-boekhouding');
      fs.mkdirSync(other);
      const pathEnv: NodeJS.ProcessEnv = { ...process.env, PATH: `${path.join(prefix, 'bin')}${path.delimiter}${path.dirname(process.execPath)}${path.delimiter}/usr/bin:/bin`, NO_COLOR: '1' };
      delete pathEnv.PRE_INCASSO_CONFIG;
      const v = await run('pre-incasso', ['--version'], { cwd: other, env: pathEnv, timeoutMs: 30_000 });
      expect(v.stdout.trim()).toBe((JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
      const init = await run('pre-incasso', ['init', '--yes'], { cwd: other, env: pathEnv, timeoutMs: 30_000 });
      expect(init.code, init.stderr).toBe(0);
      expect(fs.existsSync(path.join(other, 'pre-incasso.config.json'))).toBe(true);
      expect(fs.statSync(path.join(other, 'pre-incasso.db')).mode & 0o777).toBe(0o600);
      const status = await run('pre-incasso', ['status', '--json', '--today', '2026-11-20'], { cwd: other, env: pathEnv, timeoutMs: 30_000 });
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout).open_invoices).toBe(0);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 300_000);
});
