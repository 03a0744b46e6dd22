// The handover ZIP: the same files and date give the same bytes, and SHA256SUMS verifies.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { unzipSync } from 'fflate';
import { deterministicZip, sha256Hex, sha256Sums, SHA256SUMS, zipTimestamp, type ZipEntry } from '../../src/handover/zip.js';

const entries = (): ZipEntry[] => [
  { path: 'handover.json', data: Buffer.from('{"schema_version":1}\n') },
  { path: 'handover.csv', data: Buffer.from('\uFEFFa;b\r\n1;2\r\n') },
  { path: 'letters/10001/2026-10-20_laatste-herinnering.pdf', data: Buffer.from('%PDF-1.7 fake\n') },
];

const originalTz = process.env.TZ;
afterEach(() => {
  process.env.TZ = originalTz;
});

describe('deterministicZip', () => {
  it('gives byte-identical archives for the same input, whatever the clock and time zone', async () => {
    const a = deterministicZip(entries(), '2026-11-10');
    await new Promise((r) => setTimeout(r, 1100));
    process.env.TZ = 'America/New_York';
    const b = deterministicZip(entries(), '2026-11-10');
    process.env.TZ = 'Asia/Tokyo';
    const c = deterministicZip(entries(), '2026-11-10');
    expect(sha256Hex(b)).toBe(sha256Hex(a));
    expect(sha256Hex(c)).toBe(sha256Hex(a));
  });

  it('differs when the export date differs (the date is in the archive)', () => {
    expect(sha256Hex(deterministicZip(entries(), '2026-11-11'))).not.toBe(sha256Hex(deterministicZip(entries(), '2026-11-10')));
  });

  it('keeps the given order, SHA256SUMS last, and the files intact', () => {
    const files = unzipSync(deterministicZip(entries(), '2026-11-10'));
    expect(Object.keys(files)).toEqual(['handover.json', 'handover.csv', 'letters/10001/2026-10-20_laatste-herinnering.pdf', SHA256SUMS]);
    expect(Buffer.from(files['handover.csv']!).toString('utf8')).toBe('\uFEFFa;b\r\n1;2\r\n');
    expect(Buffer.from(files[SHA256SUMS]!).toString('utf8')).toBe(sha256Sums(entries()));
  });

  it('stamps every entry with the export date (DOS date in the local header)', () => {
    const zip = deterministicZip(entries(), '2026-11-10');
    const dosDate = zip[12]! | (zip[13]! << 8);
    expect([(dosDate >> 9) + 1980, (dosDate >> 5) & 0xf, dosDate & 0x1f]).toEqual([2026, 11, 10]);
    expect(zipTimestamp('2026-03-29').getHours()).toBe(12);
  });

  it('refuses unsafe or duplicate paths', () => {
    expect(() => deterministicZip([{ path: '../x', data: Buffer.from('') }], '2026-11-10')).toThrow(/unsafe/);
    expect(() => deterministicZip([{ path: '/etc/x', data: Buffer.from('') }], '2026-11-10')).toThrow(/unsafe/);
    expect(() => deterministicZip([{ path: 'a', data: Buffer.from('') }, { path: 'a', data: Buffer.from('') }], '2026-11-10')).toThrow(/duplicate/);
    expect(() => deterministicZip([{ path: SHA256SUMS, data: Buffer.from('') }], '2026-11-10')).toThrow(/duplicate/);
  });
});

describe('SHA256SUMS', () => {
  it('has the `<hex>  <path>` lines that sha256sum -c reads', () => {
    const sums = sha256Sums(entries());
    expect(sums.split('\n')).toHaveLength(4);
    expect(sums).toMatch(/^([0-9a-f]{64} {2}\S+\n)+$/);
  });

  it('verifies with unzip and sha256sum -c', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handover-zip-'));
    fs.writeFileSync(path.join(dir, 'h.zip'), deterministicZip(entries(), '2026-11-10'));
    const unzip = spawnSync('unzip', ['-q', 'h.zip', '-d', 'x'], { cwd: dir, encoding: 'utf8' });
    expect(unzip.status, unzip.stderr).toBe(0);
    const check = spawnSync('sha256sum', ['-c', SHA256SUMS], { cwd: path.join(dir, 'x'), encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(check.stdout.trim().split('\n')).toHaveLength(3);
    // And a tampered file fails the check: the manifest is not decoration.
    fs.appendFileSync(path.join(dir, 'x', 'handover.csv'), 'x');
    expect(spawnSync('sha256sum', ['-c', '--quiet', SHA256SUMS], { cwd: path.join(dir, 'x') }).status).not.toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
