// The embedded font program: our own TrueType subset, without hinting.
//
//
// pdf-lib's subset (through fontkit) copies DejaVu's TrueType instructions along with the glyphs:
// more than half the bytes of the embedded font, and fontkit's encoder is the slowest step of a
// letter. PDF viewers rasterise without the font's own hinting as well, and ISO 32000-1 §9.9 asks
// only for the tables below in an embedded TrueType font whose glyphs carry no instructions
// (cvt, fpgm and prep are needed only when they do). So the font stream is built here: head,
// hhea, maxp, loca, glyf, hmtx for exactly the glyphs pdf-lib assigned, instructions stripped.

import type { PDFContext, PDFFont, PDFRef } from 'pdf-lib';
import { flate } from './flate.js';

interface Sfnt {
  bytes: Uint8Array;
  view: DataView;
  tables: Map<string, { offset: number; length: number }>;
  locaLong: boolean;
  numberOfHMetrics: number;
}

const sfntCache = new WeakMap<Uint8Array, Sfnt>();

export function parseSfnt(bytes: Uint8Array): Sfnt {
  let sfnt = sfntCache.get(bytes);
  if (sfnt !== undefined) return sfnt;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tables = new Map<string, { offset: number; length: number }>();
  const count = view.getUint16(4);
  for (let i = 0; i < count; i++) {
    const rec = 12 + i * 16;
    const tag = String.fromCharCode(bytes[rec]!, bytes[rec + 1]!, bytes[rec + 2]!, bytes[rec + 3]!);
    tables.set(tag, { offset: view.getUint32(rec + 8), length: view.getUint32(rec + 12) });
  }
  for (const tag of ['head', 'hhea', 'maxp', 'loca', 'glyf', 'hmtx']) {
    if (!tables.has(tag)) throw new Error(`font has no ${tag} table`);
  }
  sfnt = {
    bytes,
    view,
    tables,
    locaLong: view.getInt16(tables.get('head')!.offset + 50) === 1,
    numberOfHMetrics: view.getUint16(tables.get('hhea')!.offset + 34),
  };
  sfntCache.set(bytes, sfnt);
  return sfnt;
}

function glyphData(f: Sfnt, gid: number): Uint8Array {
  const loca = f.tables.get('loca')!.offset;
  const glyf = f.tables.get('glyf')!.offset;
  const start = f.locaLong ? f.view.getUint32(loca + gid * 4) : f.view.getUint16(loca + gid * 2) * 2;
  const end = f.locaLong ? f.view.getUint32(loca + gid * 4 + 4) : f.view.getUint16(loca + gid * 2 + 2) * 2;
  return f.bytes.subarray(glyf + start, glyf + end);
}

/** One glyph without its instructions; composite components renumbered through `include`. */
function stripGlyph(data: Uint8Array, include: (gid: number) => number): Uint8Array {
  if (data.length === 0) return data;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const contours = view.getInt16(0);
  if (contours >= 0) {
    const at = 10 + contours * 2;
    const instructions = view.getUint16(at);
    const out = new Uint8Array(data.length - instructions);
    out.set(data.subarray(0, at), 0);
    // instructionLength 0, then flags and coordinates as they were
    out.set(data.subarray(at + 2 + instructions), at + 2);
    return out;
  }
  const out = new Uint8Array(data);
  const outView = new DataView(out.buffer);
  let pos = 10;
  for (;;) {
    const flags = outView.getUint16(pos);
    outView.setUint16(pos, flags & ~0x0100); // WE_HAVE_INSTRUCTIONS off
    outView.setUint16(pos + 2, include(outView.getUint16(pos + 2)));
    pos += 4 + (flags & 0x0001 ? 4 : 2); // ARG_1_AND_2_ARE_WORDS
    if (flags & 0x0008) pos += 2; // WE_HAVE_A_SCALE
    else if (flags & 0x0040) pos += 4; // WE_HAVE_AN_X_AND_Y_SCALE
    else if (flags & 0x0080) pos += 8; // WE_HAVE_A_TWO_BY_TWO
    if (!(flags & 0x0020)) break; // MORE_COMPONENTS
  }
  return out.subarray(0, pos);
}

function tableChecksum(data: Uint8Array): number {
  let sum = 0;
  const padded = data.length % 4 === 0 ? data : (() => {
    const p = new Uint8Array(data.length + 4 - (data.length % 4));
    p.set(data);
    return p;
  })();
  const view = new DataView(padded.buffer, padded.byteOffset, padded.byteLength);
  for (let i = 0; i < padded.length; i += 4) sum = (sum + view.getUint32(i)) >>> 0;
  return sum;
}

/** A TrueType font with the glyphs `gids` (new glyph id = index; components appended). */
export function buildTrueTypeSubset(f: Sfnt, gids: number[]): Uint8Array {
  const order = [...gids];
  const index = new Map<number, number>();
  order.forEach((g, i) => index.set(g, i));
  const include = (gid: number): number => {
    let i = index.get(gid);
    if (i === undefined) {
      i = order.length;
      order.push(gid);
      index.set(gid, i);
    }
    return i;
  };
  const glyphs: Uint8Array[] = [];
  for (let i = 0; i < order.length; i++) glyphs.push(stripGlyph(glyphData(f, order[i]!), include));
  const n = order.length;

  const loca = new Uint8Array((n + 1) * 4);
  const locaView = new DataView(loca.buffer);
  let glyfLength = 0;
  glyphs.forEach((g, i) => {
    locaView.setUint32(i * 4, glyfLength);
    glyfLength += (g.length + 3) & ~3;
  });
  locaView.setUint32(n * 4, glyfLength);
  const glyf = new Uint8Array(glyfLength);
  let at = 0;
  for (const g of glyphs) {
    glyf.set(g, at);
    at += (g.length + 3) & ~3;
  }

  const hmtx = new Uint8Array(n * 4);
  const hmtxView = new DataView(hmtx.buffer);
  const srcHmtx = f.tables.get('hmtx')!.offset;
  const lastMetric = srcHmtx + (f.numberOfHMetrics - 1) * 4;
  order.forEach((gid, i) => {
    const advance = gid < f.numberOfHMetrics ? f.view.getUint16(srcHmtx + gid * 4) : f.view.getUint16(lastMetric);
    const lsb = gid < f.numberOfHMetrics ? f.view.getInt16(srcHmtx + gid * 4 + 2) : f.view.getInt16(srcHmtx + f.numberOfHMetrics * 4 + (gid - f.numberOfHMetrics) * 2);
    hmtxView.setUint16(i * 4, advance);
    hmtxView.setInt16(i * 4 + 2, lsb);
  });

  const copy = (tag: string, length?: number): Uint8Array => {
    const t = f.tables.get(tag)!;
    return new Uint8Array(f.bytes.subarray(t.offset, t.offset + (length ?? t.length)));
  };
  const head = copy('head', 54);
  const headView = new DataView(head.buffer);
  headView.setUint32(8, 0); // checkSumAdjustment, set below
  headView.setInt16(50, 1); // indexToLocFormat: long offsets
  const hhea = copy('hhea', 36);
  new DataView(hhea.buffer).setUint16(34, n); // numberOfHMetrics
  const maxp = copy('maxp');
  const maxpView = new DataView(maxp.buffer);
  maxpView.setUint16(4, n); // numGlyphs
  if (maxp.length >= 32) maxpView.setUint16(26, 0); // maxSizeOfInstructions

  const tables: [string, Uint8Array][] = [
    ['glyf', glyf],
    ['head', head],
    ['hhea', hhea],
    ['hmtx', hmtx],
    ['loca', loca],
    ['maxp', maxp],
  ];
  const headerLength = 12 + tables.length * 16;
  const total = headerLength + tables.reduce((s, [, d]) => s + ((d.length + 3) & ~3), 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x00010000);
  view.setUint16(4, tables.length);
  view.setUint16(6, 64); // searchRange for 6 tables: 16 × 4
  view.setUint16(8, 2); // entrySelector
  view.setUint16(10, tables.length * 16 - 64); // rangeShift
  let offset = headerLength;
  let headOffset = 0;
  tables.forEach(([tag, data], i) => {
    const rec = 12 + i * 16;
    for (let c = 0; c < 4; c++) out[rec + c] = tag.charCodeAt(c);
    view.setUint32(rec + 4, tableChecksum(data));
    view.setUint32(rec + 8, offset);
    view.setUint32(rec + 12, data.length);
    out.set(data, offset);
    if (tag === 'head') headOffset = offset;
    offset += (data.length + 3) & ~3;
  });
  view.setUint32(headOffset + 8, (0xb1b0afba - tableChecksum(out)) >>> 0);
  return out;
}

/** Which font program a document got: our lean subset, or pdf-lib's own (the fallback). */
export type FontProgramPath = 'lean' | 'pdf-lib';

/**
 * Makes pdf-lib embed our subset (compressed with the native zlib) instead of fontkit's. pdf-lib
 * keeps its own glyph numbering (the subset's glyph list), its widths and its ToUnicode map; only
 * the font program changes. It reaches into pdf-lib's private embedder (`subset`, `embedFontStream`,
 * `embedIntoContext`, `customName`), so pdf-lib is pinned to an exact version in package.json.
 * Returns false, and leaves pdf-lib's own subset in place, when those internals differ: the caller
 * reports that, and test/unit/letters-font-path.test.ts fails on it.
 */
export function useLeanSubset(font: PDFFont, source: Uint8Array): boolean {
  const embedder = (font as unknown as { embedder?: Record<string, unknown> }).embedder;
  const subset = embedder?.subset as { glyphs?: unknown } | undefined;
  if (!embedder || !Array.isArray(subset?.glyphs) || typeof embedder.embedFontStream !== 'function' || typeof embedder.embedIntoContext !== 'function') return false;
  const sfnt = parseSfnt(source);
  const glyphs = subset.glyphs as number[];
  const embedIntoContext = (embedder.embedIntoContext as (context: PDFContext, ref?: PDFRef) => Promise<PDFRef>).bind(embedder);
  // A subset font is named TAG+Name, the tag six capitals that differ between subsets (ISO
  // 32000-1 §9.6.4); derived from the glyph list, so it is deterministic and a combined print file
  // never shows two different subsets under one name.
  embedder.embedIntoContext = (context: PDFContext, ref?: PDFRef) => {
    embedder.customName = `${subsetTag(`${String(embedder.fontName)}:${glyphs.join(',')}`)}+${String(embedder.fontName)}`;
    return embedIntoContext(context, ref);
  };
  embedder.embedFontStream = async (context: PDFContext) => {
    const program = buildTrueTypeSubset(sfnt, glyphs);
    return context.register(context.stream(flate(program), { Filter: 'FlateDecode', Length1: program.length }));
  };
  return true;
}

export function subsetTag(key: string): string {
  // FNV-1a, 32 bits, written as six letters.
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  let tag = '';
  for (let i = 0; i < 6; i++) {
    tag += String.fromCharCode(65 + (h % 26));
    h = Math.floor(h / 26);
  }
  return tag;
}
