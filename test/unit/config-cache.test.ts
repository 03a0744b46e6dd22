// The validated-config cache must never hand back a config validated by an older schema: a new
// key with a default (here `arrangements`) would be missing, and the command would crash on it.
import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { exampleConfig, removedAfterAll } from '../helpers/cli.js';

const dirs = removedAfterAll();

describe('config cache', () => {
  it('a cache entry written by another schema of the same version is not used', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arrangements-cfg-'));
    dirs.push(dir);
    const config = exampleConfig({ mail: false });
    const text = JSON.stringify(config);
    const file = path.join(dir, 'pre-incasso.config.json');
    fs.writeFileSync(file, text);
    const cacheHome = path.join(dir, 'cache');
    // What a build with an older schema (same package version) validated and remembered.
    const version = (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    const oldKey = createHash('sha256').update(`${version}\0${text}`).digest('hex');
    fs.mkdirSync(path.join(cacheHome, 'pre-incasso'), { recursive: true });
    const stale = { ...config, ledger: 'pre-incasso.db', stages: config.stages };
    fs.writeFileSync(path.join(cacheHome, 'pre-incasso', `config-${oldKey}.json`), JSON.stringify(stale));

    const loaded = await loadConfig(file, { XDG_CACHE_HOME: cacheHome });
    expect(loaded.config.arrangements).toEqual({ remindDaysBefore: 5, graceDays: 7, callPauseDays: 14 });
    // And the fresh entry is used the next time.
    const again = await loadConfig(file, { XDG_CACHE_HOME: cacheHome });
    expect(again.config.arrangements.graceDays).toBe(7);
  });

  it('an entry is used only when the whole key it holds is this config\'s (a file-name collision is a miss)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyed-cfg-'));
    dirs.push(dir);
    const file = path.join(dir, 'pre-incasso.config.json');
    fs.writeFileSync(file, JSON.stringify(exampleConfig({ mail: false })));
    const env = { XDG_CACHE_HOME: path.join(dir, 'cache') };
    await loadConfig(file, env);
    const cacheFolder = path.join(dir, 'cache', 'pre-incasso');
    const [entryName] = fs.readdirSync(cacheFolder).filter((f) => f.startsWith('config-'));
    const entryFile = path.join(cacheFolder, entryName!);
    const entry = JSON.parse(fs.readFileSync(entryFile, 'utf8')) as { key: string; value: { creditor: { name: string } } };
    expect(entry.key.endsWith(fs.readFileSync(file, 'utf8'))).toBe(true);
    // The same file, its value changed: used while the key is this config's ...
    entry.value.creditor.name = 'Uit de cache';
    fs.writeFileSync(entryFile, JSON.stringify(entry));
    expect((await loadConfig(file, env)).config.creditor.name).toBe('Uit de cache');
    // ... and not once the key is another config's, as a colliding name would hold.
    fs.writeFileSync(entryFile, JSON.stringify({ ...entry, key: `${entry.key} ` }));
    expect((await loadConfig(file, env)).config.creditor.name).not.toBe('Uit de cache');
  });
});

describe('cache files', () => {
  it('a link left at the temp name is not written through: the cache write is skipped, the link target untouched', async () => {
    const { writeCache } = await import('../../src/config/cache.js');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cache-link-'));
    dirs.push(dir);
    const target = path.join(dir, 'victim.txt');
    fs.writeFileSync(target, 'keep me');
    const file = path.join(dir, 'cache', 'entry.bin');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.symlinkSync(target, `${file}.${process.pid}.tmp`);
    writeCache(file, 'cached bytes');
    expect(fs.readFileSync(target, 'utf8')).toBe('keep me');
    expect(fs.existsSync(file)).toBe(false);
    // Without the link, the same call writes the entry, 0600.
    fs.unlinkSync(`${file}.${process.pid}.tmp`);
    writeCache(file, 'cached bytes');
    expect(fs.readFileSync(file, 'utf8')).toBe('cached bytes');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
});
