// Spawning the built CLI in a fresh temp dir, as a user (or cron) would run it.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = path.join(ROOT, 'bin', 'pre-incasso.js');
export const EXAMPLES = path.join(ROOT, 'examples');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json<T = any>(): T;
}

export function baseEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TZ: 'Europe/Amsterdam', NO_COLOR: '1', PRE_INCASSO_LOCK_WAIT_MS: '500', ...extra };
  delete env.PRE_INCASSO_CONFIG;
  delete env.PRE_INCASSO_SMTP_PASSWORD;
  return { ...env, ...extra };
}

function result(code: number | null, stdout: string, stderr: string): CliResult {
  return {
    code: code ?? -1,
    stdout,
    stderr,
    json() {
      try {
        return JSON.parse(stdout);
      } catch (error) {
        throw new Error(`stdout is not JSON: ${String(error)}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`);
      }
    },
  };
}

export function cli(cwd: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env: baseEnv(options.env), encoding: 'utf8', input: options.input ?? '', timeout: 120_000 });
  return result(r.status, r.stdout, r.stderr);
}

export function cliAsync(cwd: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> & { pid: () => number | undefined; kill: (signal: NodeJS.Signals) => void } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: baseEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const promise = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve(result(code ?? (signal ? 128 : -1), stdout, stderr)))) as Promise<CliResult> & {
    pid: () => number | undefined;
    kill: (signal: NodeJS.Signals) => void;
  };
  promise.pid = () => child.pid;
  promise.kill = (signal) => child.kill(signal);
  return promise;
}

/**
 * The CLI with its stdout a pipe whose reader is gone before the first line (`| head` at its
 * quickest): its exit code and what it said on stderr.
 */
export async function cliIntoClosedPipe(cwd: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: baseEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stderr };
}

/** A test file's list of folders: each one pushed onto it is removed after the file's last test. */
export function removedAfterAll(): string[] {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
  return dirs;
}

/** The shipped example config (examples/pre-incasso.config.json) as JSON without `$schema`, a fresh copy each call; `mail: false` drops its mail section. */
export function exampleConfig(options: { mail?: boolean } = {}): any {
  const config = JSON.parse(fs.readFileSync(path.join(EXAMPLES, 'pre-incasso.config.json'), 'utf8'));
  delete config.$schema;
  if (options.mail === false) delete config.mail;
  return config;
}

/** A temp work folder with the example config (and optionally other files) copied in. */
export function workspace(options: { config?: (c: any) => any; files?: string[] } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pre-incasso-'));
  const config = exampleConfig();
  fs.writeFileSync(path.join(dir, 'pre-incasso.config.json'), JSON.stringify(options.config ? options.config(config) : config, null, 2));
  for (const f of options.files ?? []) fs.copyFileSync(path.isAbsolute(f) ? f : path.join(EXAMPLES, f), path.join(dir, path.basename(f)));
  return dir;
}

export function writeCsv(dir: string, name: string, lines: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

export const CSV_HEADER = 'Factuurnummer;Debiteurnummer;Naam;Soort;E-mail;Adres;Postcode;Plaats;Factuurdatum;Vervaldatum;Bedrag;Openstaand';

/** The result of a command that must succeed; otherwise the test fails with its exit code and output. */
export function ok(r: CliResult, what = 'command'): CliResult {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}\n--- stderr\n${r.stderr}\n--- stdout\n${r.stdout}`);
  return r;
}
