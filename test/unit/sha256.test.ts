// The plain SHA-256 (src/domain/sha256.ts) gives node:crypto's digest for every input: the
// config cache keys and the stored status fingerprints made before it stay valid.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/domain/sha256.js';

const node = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

describe('sha256Hex', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
    ['€ 4.879,41 — Ünïcode', node('€ 4.879,41 — Ünïcode')],
  ])('%j', (input, digest) => {
    expect(sha256Hex(input)).toBe(digest);
  });

  it.each([55, 56, 63, 64, 65, 119, 120, 128, 1000])('%i bytes: every padding boundary', (n) => {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);
    expect(sha256Hex(bytes)).toBe(node(bytes));
    expect(sha256Hex('x'.repeat(n))).toBe(node('x'.repeat(n)));
  });

  it('equals node:crypto on any string and any bytes', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => sha256Hex(s) === node(s)));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => sha256Hex(b) === node(b)));
  });
});
