import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import {
  Utf8Validator,
  decodeBytes,
  detectEncoding,
  detectEncodingOfBytes,
  encodingFromName,
  openDecoded,
  type TextEncodingName,
} from '../../src/importers/decode.js';

const fixture = (name: string): string => new URL(`../fixtures/csv/${name}`, import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'pre-incasso-decode-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
function tempFile(bytes: Uint8Array): string {
  const file = join(dir, `f${counter++}.csv`);
  writeFileSync(file, bytes);
  return file;
}

async function readAll(file: string, options: { encoding?: TextEncodingName; chunkSize?: number } = {}) {
  const decoded = await openDecoded(file, options);
  let text = '';
  for await (const chunk of decoded.chunks) text += chunk;
  return { text, encoding: decoded.encoding, bom: decoded.bom, source: decoded.source, invalid: decoded.invalidBytesSeen };
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
const cp1252 = (s: string): Buffer => iconv.encode(s, 'windows-1252');

describe('detectEncodingOfBytes', () => {
  it.each<[string, Buffer, TextEncodingName, boolean]>([
    ['ASCII', utf8('Factuurnummer;Bedrag\n'), 'utf-8', false],
    ['UTF-8 with ł ő ş ž', utf8('Łoś;Győző;Şahin;Žan\n'), 'utf-8', false],
    ['UTF-8 with BOM', Buffer.concat([BOM, utf8('Naïef\n')]), 'utf-8', true],
    ['Windows-1252 é', cp1252('Café\n'), 'windows-1252', false],
    ['Windows-1252 € (0x80)', cp1252('€ 12,50\n'), 'windows-1252', false],
    ['BOM then Windows-1252 bytes', Buffer.concat([BOM, cp1252('Geërts\n')]), 'windows-1252', true],
    ['a cut-off UTF-8 character at the end', utf8('Łoś').subarray(0, 4), 'windows-1252', false],
    ['empty', Buffer.alloc(0), 'utf-8', false],
  ])('%s', (_name, bytes, encoding, bom) => {
    expect(detectEncodingOfBytes(bytes)).toEqual({ encoding, bom });
  });
});

describe('decodeBytes', () => {
  it('decodes Windows-1252 with iconv-lite, so 0x80 is the euro sign and 0x9E is ž', () => {
    const r = decodeBytes(Buffer.from([0x80, 0x20, 0xe9, 0xeb, 0x9e, 0x8e]));
    expect(r).toEqual({ text: '€ éëžŽ', encoding: 'windows-1252', bom: false });
  });

  it('strips the BOM', () => {
    expect(decodeBytes(Buffer.concat([BOM, utf8('a;b')])).text).toBe('a;b');
  });
});

describe('Utf8Validator', () => {
  const text = utf8('aŁb€c😀d');
  it.each([1, 2, 3, 4, 5])('accepts valid UTF-8 cut into %i-byte pieces', (size) => {
    const v = new Utf8Validator();
    for (let i = 0; i < text.length; i += size) expect(v.write(text.subarray(i, i + size))).toBe(true);
    expect(v.end()).toBe(true);
  });

  it('rejects an invalid byte in a later piece', () => {
    const v = new Utf8Validator();
    expect(v.write(utf8('abc'))).toBe(true);
    expect(v.write(Buffer.from([0x61, 0xe9, 0x62]))).toBe(false);
    expect(v.end()).toBe(false);
  });

  it('rejects a character cut off at the end of the input', () => {
    const v = new Utf8Validator();
    expect(v.write(utf8('aŁ').subarray(0, 2))).toBe(true);
    expect(v.end()).toBe(false);
  });
});

describe('openDecoded on the fixtures', () => {
  it.each<[string, TextEncodingName, boolean, string]>([
    ['utf8.csv', 'utf-8', false, 'Paweł Łukasiewicz'],
    ['utf8-bom.csv', 'utf-8', true, 'Şükrü Öztürk'],
    ['windows-1252.csv', 'windows-1252', false, 'Café Noël – Renée Geërts'],
  ])('%s', async (name, encoding, bom, contains) => {
    const r = await readAll(fixture(name));
    expect(r.encoding).toBe(encoding);
    expect(r.bom).toBe(bom);
    expect(r.source).toBe('detected');
    expect(r.text).toContain(contains);
    expect(r.text.startsWith('Factuurnummer')).toBe(true); // no BOM left in the text
  });

  it('reads the euro sign and Ž/Š of the Windows-1252 fixture', async () => {
    const r = await readAll(fixture('windows-1252.csv'));
    expect(r.text).toContain('€ 1.234,56');
    expect(r.text).toContain('Žaneta Šimková');
    expect(r.text).not.toContain('\uFFFD');
  });
});

describe('openDecoded streaming', () => {
  const text = 'Factuurnummer;Naam\n' + Array.from({ length: 200 }, (_, i) => `F${i};Łoś Győző Şahin Žan 😀 ${i}`).join('\n') + '\n';

  it.each([1, 2, 3, 7, 64, 1000])('UTF-8 split into %i-byte chunks decodes exactly', async (chunkSize) => {
    const file = tempFile(Buffer.concat([BOM, utf8(text)]));
    const r = await readAll(file, { chunkSize });
    expect(r.text).toBe(text);
    expect(r.encoding).toBe('utf-8');
    expect(r.bom).toBe(true);
  });

  it.each([1, 5, 64])('an invalid byte at the very end makes the whole file Windows-1252 (%i-byte chunks)', async (chunkSize) => {
    const latin = 'Naam\n' + 'Jansen\n'.repeat(100) + 'Geërts\n';
    const file = tempFile(Buffer.concat([utf8('Naam\n' + 'Jansen\n'.repeat(100)), cp1252('Geërts\n')]));
    const r = await readAll(file, { chunkSize });
    expect(r.encoding).toBe('windows-1252');
    expect(r.text).toBe(latin);
  });

  it('detectEncoding stops at the first invalid byte', async () => {
    const file = tempFile(Buffer.concat([cp1252('é'), utf8('x'.repeat(100_000))]));
    expect(await detectEncoding(file, { chunkSize: 16 })).toEqual({ encoding: 'windows-1252', bom: false });
  });

  it('--encoding windows-1252 is used even for valid UTF-8 (mojibake is the user\'s choice)', async () => {
    const r = await readAll(fixture('utf8.csv'), { encoding: 'windows-1252' });
    expect(r.encoding).toBe('windows-1252');
    expect(r.source).toBe('option');
    expect(r.text).toContain('PaweÅ‚');
  });

  it('--encoding utf-8 on a Windows-1252 file gives U+FFFD and flags it', async () => {
    const r = await readAll(fixture('windows-1252.csv'), { encoding: 'utf-8' });
    expect(r.encoding).toBe('utf-8');
    expect(r.text).toContain('Caf\uFFFD');
    expect(r.invalid).toBe(true);
  });

  it('an empty file is UTF-8 without text', async () => {
    const r = await readAll(tempFile(Buffer.alloc(0)));
    expect(r).toMatchObject({ text: '', encoding: 'utf-8', bom: false });
  });
});

describe('encodingFromName', () => {
  it.each<[string, TextEncodingName | null]>([
    ['utf-8', 'utf-8'],
    ['UTF8', 'utf-8'],
    ['windows-1252', 'windows-1252'],
    ['cp1252', 'windows-1252'],
    ['latin1', 'windows-1252'],
    ['ANSI', 'windows-1252'],
    ['utf-16', null],
    ['', null],
  ])('%j -> %j', (name, expected) => {
    expect(encodingFromName(name)).toBe(expected);
  });
});
