// Streaming text decoding of bookkeeping exports.
//
// Dutch Excel writes "CSV (puntkomma)" as Windows-1252 without a BOM and "CSV UTF-8" as UTF-8
// with a BOM (domain/formats.md §1), and nothing in the file says which one it is. The rule:
// strip a UTF-8 BOM, accept the file as UTF-8 when every byte sequence is valid UTF-8, otherwise
// decode the whole file as Windows-1252. Deciding needs the whole file, and rows must not reach
// the caller before the decision (they would be decoded twice), so detection is a separate first
// pass over the bytes (`buffer.isUtf8`, native and fast) and decoding is a second pass. Both
// passes stream fixed-size chunks: a 130 MB export is never held in memory.
//
// Windows-1252 goes through iconv-lite because Node 20's TextDecoder('windows-1252') decodes it as
// ISO-8859-1 (0x80 comes out as U+0080 instead of '€', 0x9E as U+009E instead of 'ž').

import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

export type TextEncodingName = 'utf-8' | 'windows-1252';

export const TEXT_ENCODINGS: readonly TextEncodingName[] = ['utf-8', 'windows-1252'];

/** UTF-16 is never chosen by the user; it is recognised by its byte order mark (sniff.ts). */
export type DecodedEncoding = TextEncodingName | 'utf-16le' | 'utf-16be';

export interface DecodeOptions {
  /** Forces an encoding instead of detecting it (`--encoding`). */
  encoding?: TextEncodingName;
  /** The file is UTF-16 (found by sniff.ts): decoded as such, a BOM dropped. Wins over `encoding`. */
  utf16?: 'utf-16le' | 'utf-16be';
  /**
   * Bytes per read of the decoding pass; default 64 KiB. Measured on a million-row file: 64 KiB
   * chunks were 1.5-2x faster than 1 MiB ones, because the records of a smaller chunk are
   * processed and dropped before the next young-generation garbage collection has to copy them.
   */
  chunkSize?: number;
}

export interface EncodingDetection {
  encoding: TextEncodingName;
  /** The file starts with the UTF-8 byte order mark (stripped from the text). */
  bom: boolean;
}

export interface DecodedFile {
  encoding: DecodedEncoding;
  /** The file starts with a byte order mark (stripped from the text). */
  bom: boolean;
  /** How the encoding was chosen. */
  source: 'option' | 'detected';
  /** The text, in chunks, without the BOM. Iterate once. */
  chunks: AsyncIterable<string>;
  /**
   * Only for a forced `utf-8`: set once a byte sequence that is not UTF-8 was met (it becomes
   * U+FFFD in the text). Detection never produces this, it falls back to Windows-1252 instead.
   */
  readonly invalidBytesSeen: boolean;
}

const DEFAULT_CHUNK = 1 << 16;
/** The detection pass allocates nothing per byte, so it reads in larger pieces. */
const DETECT_CHUNK = 1 << 20;
const BOM = [0xef, 0xbb, 0xbf] as const;

/** Normalises the spellings users type for `--encoding`; null when it is not one we read. */
export function encodingFromName(name: string): TextEncodingName | null {
  const n = name.trim().toLowerCase().replace(/[\s_]/g, '-');
  if (n === 'utf-8' || n === 'utf8') return 'utf-8';
  if (n === 'windows-1252' || n === 'cp1252' || n === 'win-1252' || n === 'windows1252') return 'windows-1252';
  // Excel and many tools call Windows-1252 "ANSI" or "Latin-1"; ISO-8859-1 differs from it only
  // in 0x80-0x9F, where Windows-1252 has '€' and the curly quotes that exports do contain.
  if (n === 'ansi' || n === 'latin1' || n === 'latin-1' || n === 'iso-8859-1' || n === 'iso8859-1') return 'windows-1252';
  return null;
}

function startsWithBom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2];
}

/**
 * Length of an incomplete UTF-8 sequence at the end of `bytes` (0 when the chunk ends on a
 * character boundary), so a character split over two reads is checked as a whole.
 */
function incompleteTail(bytes: Uint8Array): number {
  const n = bytes.length;
  // Walk back over at most three continuation bytes (10xxxxxx) to the lead byte.
  let i = n - 1;
  let back = 0;
  while (i >= 0 && back < 3 && (bytes[i]! & 0xc0) === 0x80) {
    i--;
    back++;
  }
  if (i < 0) return 0;
  const lead = bytes[i]!;
  const need = lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 ? (lead <= 0xef ? 3 : 0) : lead >= 0xc2 ? 2 : 1;
  // need 0/1: ASCII or an invalid lead byte; isUtf8 judges it in this chunk.
  if (need <= 1) return 0;
  const have = n - i;
  return have < need ? have : 0;
}

/** Checks a byte stream for UTF-8 validity chunk by chunk, carrying split characters over. */
export class Utf8Validator {
  private carry: Buffer | null = null;
  private valid = true;

  /** Feeds the next bytes; returns false as soon as the stream is known not to be UTF-8. */
  write(chunk: Buffer): boolean {
    if (!this.valid) return false;
    let bytes = chunk;
    if (this.carry !== null) {
      bytes = Buffer.concat([this.carry, chunk]);
      this.carry = null;
    }
    const tail = incompleteTail(bytes);
    const whole = tail === 0 ? bytes : bytes.subarray(0, bytes.length - tail);
    if (!isUtf8(whole)) {
      this.valid = false;
      return false;
    }
    if (tail > 0) this.carry = Buffer.from(bytes.subarray(bytes.length - tail));
    return true;
  }

  /** True when everything written was valid UTF-8 and no character was cut off at the end. */
  end(): boolean {
    if (this.carry !== null) this.valid = false;
    return this.valid;
  }
}

/** Decides the encoding of in-memory bytes with the same rule as a file. */
export function detectEncodingOfBytes(bytes: Uint8Array): EncodingDetection {
  const bom = startsWithBom(bytes);
  const body = bom ? bytes.subarray(3) : bytes;
  return { encoding: isUtf8(body) ? 'utf-8' : 'windows-1252', bom };
}

/** First pass: reads the file once and decides UTF-8 or Windows-1252. Stops at the first bad byte. */
export async function detectEncoding(file: string, options: { chunkSize?: number } = {}): Promise<EncodingDetection> {
  // The BOM is itself valid UTF-8, so it needs no special case in the validation.
  const bom = await readsBom(file);
  const stream = createReadStream(file, { highWaterMark: options.chunkSize ?? DETECT_CHUNK });
  const validator = new Utf8Validator();
  try {
    for await (const raw of stream) {
      if (!validator.write(raw as Buffer)) return { encoding: 'windows-1252', bom };
    }
  } finally {
    stream.destroy();
  }
  return { encoding: validator.end() ? 'utf-8' : 'windows-1252', bom };
}

/** Decodes in-memory bytes (tests, small inputs) with the file rule. */
export function decodeBytes(bytes: Uint8Array, encoding?: TextEncodingName): { text: string } & EncodingDetection {
  const detected = detectEncodingOfBytes(bytes);
  const enc = encoding ?? detected.encoding;
  const body = detected.bom ? bytes.subarray(3) : bytes;
  const text = enc === 'utf-8' ? new TextDecoder('utf-8').decode(body) : iconv.decode(Buffer.from(body), 'windows-1252');
  return { text, encoding: enc, bom: detected.bom };
}

/**
 * Opens a file as a stream of text chunks. Without `options.encoding` the file is read twice:
 * once to decide the encoding (see the top of this module), once to decode it.
 */
export async function openDecoded(file: string, options: DecodeOptions = {}): Promise<DecodedFile> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  if (options.utf16 !== undefined) return openUtf16(file, options.utf16, chunkSize);
  let encoding: TextEncodingName;
  let source: DecodedFile['source'];
  let bom: boolean;
  if (options.encoding !== undefined) {
    encoding = options.encoding;
    source = 'option';
    bom = await readsBom(file);
  } else {
    const detection = await detectEncoding(file, options.chunkSize !== undefined ? { chunkSize: options.chunkSize } : {});
    encoding = detection.encoding;
    bom = detection.bom;
    source = 'detected';
  }
  const state = { invalidBytesSeen: false };

  async function* chunks(): AsyncGenerator<string> {
    const stream = createReadStream(file, { highWaterMark: chunkSize });
    try {
      if (encoding === 'utf-8') {
        // Not fatal: a forced UTF-8 decode keeps going with U+FFFD, and the validator notes it.
        // TextDecoder drops a leading BOM itself, also when it is split over two reads.
        const decoder = new TextDecoder('utf-8');
        const validator = options.encoding !== undefined ? new Utf8Validator() : null;
        for await (const raw of stream) {
          const chunk = raw as Buffer;
          if (validator !== null && !validator.write(chunk)) state.invalidBytesSeen = true;
          const text = decoder.decode(chunk, { stream: true });
          if (text.length > 0) yield text;
        }
        if (validator !== null && !validator.end()) state.invalidBytesSeen = true;
        const rest = decoder.decode();
        if (rest.length > 0) yield rest;
      } else {
        // Single-byte code page: no character spans two chunks. A BOM in a file that is not valid
        // UTF-8 is still a BOM (an editor added it), not the three letters "ï»¿".
        let skip = bom ? 3 : 0;
        for await (const raw of stream) {
          let chunk = raw as Buffer;
          if (skip > 0) {
            const n = Math.min(skip, chunk.length);
            chunk = chunk.subarray(n);
            skip -= n;
          }
          const text = iconv.decode(chunk, 'windows-1252');
          if (text.length > 0) yield text;
        }
      }
    } finally {
      stream.destroy();
    }
  }

  return {
    encoding,
    source,
    bom,
    chunks: chunks(),
    get invalidBytesSeen() {
      return state.invalidBytesSeen;
    },
  };
}

/** UTF-16 text (Excel's "Unicode text" export): TextDecoder streams it and drops the BOM. */
function openUtf16(file: string, encoding: 'utf-16le' | 'utf-16be', chunkSize: number): DecodedFile {
  const fd = openSync(file, 'r');
  const first = Buffer.alloc(2);
  const n = readSync(fd, first, 0, 2, 0);
  closeSync(fd);
  const bom = n === 2 && ((first[0] === 0xff && first[1] === 0xfe) || (first[0] === 0xfe && first[1] === 0xff));
  async function* chunks(): AsyncGenerator<string> {
    const stream = createReadStream(file, { highWaterMark: chunkSize });
    const decoder = new TextDecoder(encoding);
    try {
      for await (const raw of stream) {
        const text = decoder.decode(raw as Buffer, { stream: true });
        if (text.length > 0) yield text;
      }
      const rest = decoder.decode();
      if (rest.length > 0) yield rest;
    } finally {
      stream.destroy();
    }
  }
  return { encoding, source: 'detected', bom, chunks: chunks(), invalidBytesSeen: false };
}

/** Reads the first three bytes only. */
async function readsBom(file: string): Promise<boolean> {
  const stream = createReadStream(file, { start: 0, end: 2 });
  try {
    for await (const raw of stream) return startsWithBom(raw as Buffer);
    return false;
  } finally {
    stream.destroy();
  }
}
