// The printed letter: an A4 PDF for a window envelope, laid out with pdf-lib.
//
// Page 1 follows DIN 5008 form B, the layout Dutch window envelopes are made for (legal-nl.md §9):
// the address field 20 mm from the left, 45 mm from the top, 85 × 45 mm; the return address on one
// small line at the top of the field; the recipient from 62.7 mm down, written PostNL style.
// Nothing about the debt is printed inside the window, so the envelope shows no "aanmaning" or
// amount to the postman (privacy). Text, table and payment block flow onto further pages; every
// page gets the footer with KvK number (Handelsregisterwet 2007 art. 27), VAT number and IBAN.
//
// Deterministic: the same snapshot gives the same bytes (SPEC §2.6). pdf-lib writes no document
// ID, its font-name suffixes come from a per-document seeded generator, the subset tags from the
// glyph list, and the dates from the letter.
//
// Fast and small (measured with test/bench/letters.js: well over 60 one-page letters a second,
// about 14 KB each, where full DejaVu would add 700 KB): the fonts are read and parsed once per
// process; text is mapped to glyphs straight through the cmap instead of fontkit's OpenType
// shaping (pdf-lib draws glyph by glyph without kerning anyway, and Latin text needs no shaping
// once NFC-normalised); each document embeds only its glyphs, without TrueType hinting; and the
// page content is written directly and compressed with the native zlib.
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, ParseSpeeds, rgb } from 'pdf-lib';
import type { PDFContext, PDFFont, PDFPage, PDFRef, RGB } from 'pdf-lib';
import QRCode from 'qrcode';
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { createRequire } from 'node:module';
import path from 'node:path';
import { AppError } from '../errors.js';
import type { LetterData } from '../domain/letter.js';
import { dateParts } from '../domain/dates.js';
import { letterLabels, letterView, splitBody, type BodyBlock, type LetterLabels, type LetterView } from './view.js';

export interface WindowMm {
  leftMm: number;
  topMm: number;
  widthMm: number;
  heightMm: number;
}

export interface LetterPdfOptions {
  /** The envelope window; DIN 5008 form B when absent. */
  window?: WindowMm | undefined;
  logo?: { bytes: Uint8Array; type: 'png' | 'jpg' } | undefined;
  /** The EPC QR ("GiroCode") payload, or null for no QR code. Its amount should be `totalOpenCents`. */
  epcPayload: string | null;
  /** The place on the date line (config `letters.place`); the creditor's city when absent. */
  place?: string | undefined;
}

export const DIN_5008_B: WindowMm = Object.freeze({ leftMm: 20, topMm: 45, widthMm: 85, heightMm: 45 });

// ---------------------------------------------------------------------------------------------
// Geometry (points; y measured from the top of the page, turned around only when drawing)

const MM = 72 / 25.4;
const PAGE_W = 595.28;
const PAGE_H = 841.89;
const LEFT = 25 * MM; // DIN 5008 text margin; the address inside the window starts here too
const RIGHT = PAGE_W - 20 * MM;
const TEXT_W = RIGHT - LEFT;
const CONTENT_BOTTOM = 271 * MM;
const FOOTER_RULE = 276 * MM;
const NEXT_PAGE_TOP = 27 * MM;

const BODY_SIZE = 9.5;
const BODY_LEADING = 12.8;
const PARAGRAPH_GAP = 6.5;
const TABLE_SIZE = 8.5;
const TABLE_ROW = 11.8;
const ADDRESS_SIZE = 10;
const ADDRESS_LEADING = 12;
/** DIN 5008 B: the recipient starts 17.7 mm below the top of the 45 mm field. */
const RECIPIENT_OFFSET = 17.7 / 45;
const QR_MM = 30;

const INK = rgb(0.1, 0.1, 0.12);
const ACCENT = rgb(0.1, 0.2, 0.36);
const GREY = rgb(0.38, 0.4, 0.44);
const RULE = rgb(0.72, 0.74, 0.77);
const BOX = rgb(0.953, 0.96, 0.968);
const WHITE = rgb(1, 1, 1);

// ---------------------------------------------------------------------------------------------
// Fonts: read and parsed once per process

interface FontkitGlyph {
  id: number;
  advanceWidth: number;
}
interface FontkitFont {
  glyphForCodePoint(codePoint: number): FontkitGlyph;
}
type Fontkit = { create(data: Uint8Array, postscriptName?: string): unknown };

let fontBytes: { regular: Uint8Array; bold: Uint8Array } | null = null;
const parsedFonts = new WeakMap<Uint8Array, unknown>();

function dejavu(): { regular: Uint8Array; bold: Uint8Array } {
  if (fontBytes === null) {
    const require = createRequire(import.meta.url);
    const dir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    fontBytes = {
      regular: new Uint8Array(readFileSync(path.join(dir, 'DejaVuSans.ttf'))),
      bold: new Uint8Array(readFileSync(path.join(dir, 'DejaVuSans-Bold.ttf'))),
    };
  }
  return fontBytes;
}

/**
 * A fontkit font whose `layout` maps code points through the cmap, cached per code point. The
 * real font object is shared by every document of the process; pdf-lib only reads from it and
 * creates a fresh subset per document.
 */
function fastFont(font: FontkitFont): unknown {
  const glyphs = new Map<number, FontkitGlyph>();
  const layout = (text: string): { glyphs: FontkitGlyph[] } => {
    const out: FontkitGlyph[] = [];
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      let g = glyphs.get(cp);
      if (g === undefined) {
        g = font.glyphForCodePoint(cp);
        glyphs.set(cp, g);
      }
      out.push(g);
    }
    return { glyphs: out };
  };
  return new Proxy(font as object, {
    get(target, prop) {
      if (prop === 'layout') return layout;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const cachingFontkit: Fontkit = {
  create(data: Uint8Array, postscriptName?: string) {
    let font = parsedFonts.get(data);
    if (font === undefined) {
      font = fastFont((fontkit as unknown as Fontkit).create(data, postscriptName) as FontkitFont);
      parsedFonts.set(data, font);
    }
    return font;
  },
};

// ---------------------------------------------------------------------------------------------
// The embedded font program: our own TrueType subset, without hinting
//
// pdf-lib's subset (through fontkit) copies DejaVu's TrueType instructions along with the glyphs:
// more than half the bytes of the embedded font, and fontkit's encoder is the slowest step of a
// letter. PDF viewers rasterise without the font's own hinting as well, and ISO 32000-1 §9.9 asks
// only for the tables below in an embedded TrueType font whose glyphs carry no instructions
// (cvt, fpgm and prep are needed only when they do). So the font stream is built here: head,
// hhea, maxp, loca, glyf, hmtx for exactly the glyphs pdf-lib assigned, instructions stripped.

interface Sfnt {
  bytes: Uint8Array;
  view: DataView;
  tables: Map<string, { offset: number; length: number }>;
  locaLong: boolean;
  numberOfHMetrics: number;
}

const sfntCache = new WeakMap<Uint8Array, Sfnt>();

function parseSfnt(bytes: Uint8Array): Sfnt {
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
function buildTrueTypeSubset(f: Sfnt, gids: number[]): Uint8Array {
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

/**
 * Makes pdf-lib embed our subset (compressed with the native zlib) instead of fontkit's. pdf-lib
 * keeps its own glyph numbering (the subset's glyph list), its widths and its ToUnicode map; only
 * the font program changes. Should pdf-lib's internals ever differ, its own subset is used.
 */
function useLeanSubset(font: PDFFont, source: Uint8Array): void {
  const embedder = (font as unknown as { embedder?: Record<string, unknown> }).embedder;
  const subset = embedder?.subset as { glyphs?: unknown } | undefined;
  if (!embedder || !Array.isArray(subset?.glyphs) || typeof embedder.embedFontStream !== 'function' || typeof embedder.embedIntoContext !== 'function') return;
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
    return context.register(context.stream(deflateSync(program), { Filter: 'FlateDecode', Length1: program.length }));
  };
}

function subsetTag(key: string): string {
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

// ---------------------------------------------------------------------------------------------
// Text helpers

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

function widthOf(font: PDFFont, text: string, size: number): number {
  return font.widthOfTextAtSize(text, size);
}

/**
 * How many characters of `text` from `start` fit in `maxWidth` (at least one). Linear in the
 * characters looked at: the widths of single characters are added up (kerning is not applied
 * by this font set-up, so the sum is the width), then checked once against the real measure.
 */
function fitCount(text: string, start: number, font: PDFFont, size: number, maxWidth: number): number {
  let width = 0;
  let end = start;
  while (end < text.length) {
    const code = text.codePointAt(end)!;
    const step = code > 0xffff ? 2 : 1;
    const w = charWidth(font, text.slice(end, end + step), size);
    if (width + w > maxWidth && end > start) break;
    width += w;
    end += step;
  }
  // Guard against a font whose string width is not the sum of its characters' widths.
  while (end - start > 1 && widthOf(font, text.slice(start, end), size) > maxWidth) end--;
  return end - start;
}

const charWidths = new WeakMap<PDFFont, Map<string, number>>();

/** The width of one character at size 1000, cached per font. */
function charWidth(font: PDFFont, ch: string, size: number): number {
  let cache = charWidths.get(font);
  if (!cache) charWidths.set(font, (cache = new Map()));
  let w = cache.get(ch);
  if (w === undefined) cache.set(ch, (w = widthOf(font, ch, 1000)));
  return (w * size) / 1000;
}

/** Greedy word wrap; a word wider than the line is broken at the box edge. Linear in the text. */
function wrap(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
  const words = text.split(/ +/).filter((w) => w !== '');
  const lines: string[] = [];
  let line = '';
  const space = widthOf(font, ' ', size);
  let lineWidth = 0;
  for (const word of words) {
    let w = word.length > 200 ? Infinity : widthOf(font, word, size);
    if (line !== '' && lineWidth + space + w <= maxWidth) {
      line += ` ${word}`;
      lineWidth += space + w;
      continue;
    }
    if (line !== '') lines.push(line);
    let rest = word;
    if (w > maxWidth) {
      let start = 0;
      for (;;) {
        const n = fitCount(word, start, font, size, maxWidth);
        if (start + n >= word.length) break;
        lines.push(word.slice(start, start + n));
        start += n;
      }
      rest = word.slice(start);
      w = widthOf(font, rest, size);
    }
    line = rest;
    lineWidth = w;
  }
  if (line !== '') lines.push(line);
  return lines.length > 0 ? lines : [''];
}

/** Shortens text with an ellipsis until it fits. Linear in the text. */
function fitText(text: string, font: PDFFont, size: number, maxWidth: number): string {
  if (text.length <= 400 && widthOf(font, text, size) <= maxWidth) return text;
  const ellipsis = widthOf(font, '…', size);
  const n = fitCount(text, 0, font, size, Math.max(0, maxWidth - ellipsis));
  if (n >= text.length && widthOf(font, text, size) <= maxWidth) return text;
  return `${text.slice(0, n)}…`;
}

/** The largest size from `max` down to `min` (half points) at which every line fits. */
function sizeToFit(lines: string[], font: PDFFont, max: number, min: number, maxWidth: number): number {
  for (let s = max; s > min; s -= 0.5) {
    if (lines.every((l) => widthOf(font, l, s) <= maxWidth)) return s;
  }
  return min;
}

/**
 * Draws one page by writing its content stream directly (ISO 32000-1 §8–9 operators): one text
 * object per line, font and colour set only when they change, the whole stream compressed with
 * the native zlib. pdf-lib's drawText would wrap every line in its own graphics state and format
 * every number through a slow generic path; a letter has a hundred lines, so this halves the time.
 */
class Painter {
  private readonly ops: string[] = [];
  private readonly fontKeys = new Map<PDFFont, string>();
  private fill = '';
  private stroke = '';
  private width = '';
  private font = '';

  constructor(
    readonly page: PDFPage,
    readonly fonts: Fonts,
  ) {}

  private fontKey(font: PDFFont): string {
    let key = this.fontKeys.get(font);
    if (key === undefined) {
      key = this.page.node.newFontDictionary(font.name, font.ref).toString();
      this.fontKeys.set(font, key);
    }
    return key;
  }

  private setFill(color: RGB): void {
    const c = `${num(color.red)} ${num(color.green)} ${num(color.blue)} rg`;
    if (c !== this.fill) {
      this.ops.push(c);
      this.fill = c;
    }
  }

  private setStroke(color: RGB, thickness: number): void {
    const c = `${num(color.red)} ${num(color.green)} ${num(color.blue)} RG`;
    if (c !== this.stroke) {
      this.ops.push(c);
      this.stroke = c;
    }
    const w = `${num(thickness)} w`;
    if (w !== this.width) {
      this.ops.push(w);
      this.width = w;
    }
  }

  text(text: string, x: number, baseline: number, size: number, options: { bold?: boolean; color?: RGB; align?: 'left' | 'right' } = {}): void {
    if (text === '') return;
    const font = options.bold ? this.fonts.bold : this.fonts.regular;
    const dx = options.align === 'right' ? widthOf(font, text, size) : 0;
    this.setFill(options.color ?? INK);
    const tf = `${this.fontKey(font)} ${num(size)} Tf`;
    const setFont = tf !== this.font ? `${tf} ` : '';
    this.font = tf;
    this.ops.push(`BT ${setFont}1 0 0 1 ${num(x - dx)} ${num(PAGE_H - baseline)} Tm ${font.encodeText(text).toString()} Tj ET`);
  }

  line(x1: number, y: number, x2: number, thickness = 0.5, color: RGB = RULE): void {
    this.setStroke(color, thickness);
    this.ops.push(`${num(x1)} ${num(PAGE_H - y)} m ${num(x2)} ${num(PAGE_H - y)} l S`);
  }

  box(x: number, top: number, width: number, height: number, color: RGB): void {
    this.setFill(color);
    this.ops.push(`${num(x)} ${num(PAGE_H - top - height)} ${num(width)} ${num(height)} re f`);
  }

  /**
   * Places an XObject as a `width` × `height` box with its top left at (x, top). `unit` is the size
   * of the object's own space: 1 for an image, the BBox side for a form.
   */
  xobject(ref: PDFRef, tag: string, x: number, top: number, width: number, height: number, unit = 1): void {
    const key = this.page.node.newXObject(tag, ref).toString();
    this.ops.push(`q ${num(width / unit)} 0 0 ${num(height / unit)} ${num(x)} ${num(PAGE_H - top - height)} cm ${key} Do Q`);
  }

  finish(context: PDFContext): void {
    const content = Buffer.from(this.ops.join('\n'), 'latin1');
    this.page.node.addContentStream(context.register(context.stream(deflateSync(content), { Filter: 'FlateDecode' })));
  }
}

/** A number in a content stream: at most three decimals, never exponent notation. */
function num(n: number): string {
  const r = Math.round(n * 1000) / 1000;
  return r === 0 ? '0' : String(r);
}


// ---------------------------------------------------------------------------------------------
// Flow: items with a height, placed on pages; breaks respect keep-with-next chains

interface Item {
  height: number;
  /** Do not break between this item and the next (orphans, widows, headings, table totals). */
  keepWithNext?: boolean;
  /** Vertical space that disappears at the top of a page. */
  gap?: boolean;
  /** A table row: the header to repeat when the row opens a page. */
  header?: Item;
  draw?: (p: Painter, top: number) => void;
}

interface Placed {
  item: Item;
  top: number;
}

function paginate(items: Item[], firstTop: number): Placed[][] {
  const pages: Placed[][] = [[]];
  let y = firstTop;
  let atTop = false;
  const capacity = CONTENT_BOTTOM - NEXT_PAGE_TOP;
  const newPage = (): void => {
    pages.push([]);
    y = NEXT_PAGE_TOP;
    atTop = true;
  };
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (item.gap && atTop) continue;
    let chain = item.height;
    for (let j = i; items[j]!.keepWithNext && j + 1 < items.length; j++) chain += items[j + 1]!.height;
    const needed = chain <= capacity - (item.header?.height ?? 0) ? chain : item.height;
    if (y + needed > CONTENT_BOTTOM && !atTop) {
      if (item.gap) {
        newPage();
        continue;
      }
      newPage();
    }
    const page = pages[pages.length - 1]!;
    if (atTop && item.header) {
      page.push({ item: item.header, top: y });
      y += item.header.height;
    }
    page.push({ item, top: y });
    y += item.height;
    atTop = false;
  }
  return pages;
}

function paragraphItems(lines: string[], fonts: Fonts, keepLastWithNext: boolean): Item[] {
  const wrapped = lines.flatMap((l) => wrap(l, fonts.regular, BODY_SIZE, TEXT_W));
  const n = wrapped.length;
  return wrapped.map((line, i) => ({
    height: BODY_LEADING,
    // Orphans and widows: a paragraph of up to three lines stays whole; a longer one leaves at
    // least two lines at the bottom of a page and carries at least two to the next.
    keepWithNext: (n <= 3 && i < n - 1) || (n > 3 && (i === 0 || i === n - 2)) || (i === n - 1 && keepLastWithNext),
    draw: (p: Painter, top: number) => p.text(line, LEFT, top + BODY_LEADING * 0.74, BODY_SIZE),
  }));
}

// Table columns: number, invoice date, due date, then three amounts right-aligned.
const COLS = [34, 25, 25, 27, 27, 27].map((mm) => mm * MM);
const COL_X = COLS.map((_, i) => LEFT + COLS.slice(0, i).reduce((a, b) => a + b, 0));

function tableItems(view: LetterView, labels: LetterLabels, fonts: Fonts): Item[] {
  const base = TABLE_ROW * 0.72;
  const cells = (p: Painter, top: number, values: string[], bold: boolean, color: RGB = INK): void => {
    values.forEach((v, c) => {
      const font = bold ? fonts.bold : fonts.regular;
      if (c >= 3) {
        p.text(fitText(v, font, TABLE_SIZE, COLS[c]! - 2 * MM), COL_X[c]! + COLS[c]!, top + base, TABLE_SIZE, { bold, color, align: 'right' });
      } else {
        const width = COLS[c]! - 2 * MM;
        const size = sizeToFit([v], font, TABLE_SIZE, 6.5, width);
        p.text(fitText(v, font, size, width), COL_X[c]!, top + base, size, { bold, color });
      }
    });
  };
  const headings = [labels.invoice, labels.invoiceDate, labels.dueDate, labels.amount, labels.paid, labels.open];
  // One size for every heading: the largest at which each fits its column.
  const headingSize = Math.min(...headings.map((h, c) => sizeToFit([h], fonts.bold, TABLE_SIZE, 6.5, COLS[c]! - 2 * MM)));
  const header: Item = {
    height: TABLE_ROW + 3,
    keepWithNext: true,
    draw: (p, top) => {
      headings.forEach((h, c) =>
        p.text(h, c >= 3 ? COL_X[c]! + COLS[c]! : COL_X[c]!, top + base, headingSize, { bold: true, color: ACCENT, align: c >= 3 ? 'right' : 'left' }),
      );
      p.line(LEFT, top + TABLE_ROW + 1, RIGHT, 0.6, ACCENT);
    },
  };
  const items: Item[] = [{ height: 2, gap: true, keepWithNext: true }, header];
  view.invoices.forEach((inv, i) => {
    items.push({
      height: TABLE_ROW,
      header,
      // The first row stays with the header, the last with the total.
      keepWithNext: i === view.invoices.length - 1,
      draw: (p, top) => cells(p, top + 2, [`${inv.number}${inv.mark}`, inv.issueDate, inv.dueDate, inv.amount, inv.paid, inv.open], false),
    });
  });
  const totalRow = (label: string, amount: string, rule: boolean, keep: boolean): Item => ({
    height: TABLE_ROW + (rule ? 4 : 0),
    keepWithNext: keep,
    draw: (p, top) => {
      const t = top + (rule ? 4 : 0);
      if (rule) p.line(LEFT, top + 3, RIGHT, 0.6, RULE);
      p.text(label, LEFT, t + base, TABLE_SIZE, { bold: true });
      p.text(amount, RIGHT, t + base, TABLE_SIZE, { bold: true, align: 'right' });
    },
  });
  const notes = [...(view.hasAlsoOpen ? [labels.alsoOpenNote] : []), ...view.creditNotes];
  if (view.hasAlsoOpen) {
    items.push(totalRow(labels.subtotalDue, view.due, true, true));
    items.push(totalRow(view.totalLabel, view.totalOpen, false, notes.length > 0));
  } else {
    items.push(totalRow(view.totalLabel, view.totalOpen, true, notes.length > 0));
  }
  notes.forEach((n, i) => {
    items.push({
      height: TABLE_ROW,
      keepWithNext: i < notes.length - 1,
      draw: (p, top) => p.text(fitText(n, fonts.regular, 7.5, TEXT_W), LEFT, top + base, 7.5, { color: GREY }),
    });
  });
  return items;
}

interface QrMatrix {
  size: number;
  dark: (row: number, col: number) => boolean;
}

function qrMatrix(payload: string): QrMatrix {
  const qr = QRCode.create(payload, { errorCorrectionLevel: 'M' });
  const { size, data } = qr.modules;
  return { size, dark: (r, c) => data[r * size + c] === 1 };
}

/**
 * The QR code as a form XObject in module units: one path of rectangles, a horizontal run of dark
 * modules each, filled at once (so neighbouring rows leave no seams), placed on a white square
 * that holds the four-module quiet zone (ISO/IEC 18004). Vector, so it prints sharp at any size.
 */
function drawQr(p: Painter, context: PDFContext, matrix: QrMatrix, x: number, top: number, outer: number): void {
  const quiet = 4;
  const side = matrix.size + 2 * quiet;
  const ops: string[] = [];
  for (let r = 0; r < matrix.size; r++) {
    let c = 0;
    while (c < matrix.size) {
      if (!matrix.dark(r, c)) {
        c++;
        continue;
      }
      const start = c;
      while (c < matrix.size && matrix.dark(r, c)) c++;
      ops.push(`${quiet + start} ${side - quiet - r - 1} ${c - start} 1 re`);
    }
  }
  ops.push('f');
  const form = context.stream(deflateSync(Buffer.from(`0 0 0 rg\n${ops.join('\n')}`, 'latin1')), {
    Type: 'XObject',
    Subtype: 'Form',
    BBox: [0, 0, side, side],
    Filter: 'FlateDecode',
  });
  p.box(x, top, outer, outer, WHITE);
  p.xobject(context.register(form), 'QR', x, top, outer, outer, side);
}

function paymentItem(view: LetterView, labels: LetterLabels, fonts: Fonts, epcPayload: string | null, context: PDFContext): Item {
  const matrix = epcPayload !== null && epcPayload !== '' ? qrMatrix(epcPayload) : null;
  const rows: [string, string][] = [
    [labels.payAmount, view.payAmount],
    [labels.iban, view.creditor.iban],
  ];
  if (view.creditor.bic !== null) rows.push([labels.bic, view.creditor.bic]);
  rows.push([labels.beneficiary, view.creditor.name]);
  if (view.paymentReference !== '') rows.push([labels.paymentReference, view.paymentReference]);
  const pad = 4 * MM;
  const qrOuter = QR_MM * MM;
  const rowH = 12.2;
  const textHeight = pad + 13 + rows.length * rowH + pad - 4;
  const height = Math.max(textHeight, matrix ? qrOuter + 2 * MM : 0);
  const labelW = Math.max(...rows.map(([k]) => widthOf(fonts.regular, k, 8.5))) + 4 * MM;
  const valueMax = TEXT_W - 2 * pad - labelW - (matrix ? qrOuter + 4 * MM : 0);
  return {
    height: height + 4,
    draw: (p, t) => {
      const top = t + 2;
      p.box(LEFT, top, TEXT_W, height, BOX);
      p.text(labels.paymentTitle, LEFT + pad, top + pad + 7, 9.5, { bold: true, color: ACCENT });
      rows.forEach(([k, v], i) => {
        const baseline = top + pad + 13 + (i + 1) * rowH - 3;
        p.text(k, LEFT + pad, baseline, 8.5, { color: GREY });
        const size = sizeToFit([v], fonts.bold, 9, 7, valueMax);
        p.text(fitText(v, fonts.bold, size, valueMax), LEFT + pad + labelW, baseline, size, { bold: true });
      });
      if (matrix) {
        const qx = RIGHT - 1 * MM - qrOuter;
        drawQr(p, context, matrix, qx, top + (height - qrOuter) / 2, qrOuter);
        p.text(labels.qrCaption, qx - 2 * MM, top + height - pad + 2, 7, { color: GREY, align: 'right' });
      }
    },
  };
}

function bodyItems(blocks: BodyBlock[], view: LetterView, labels: LetterLabels, fonts: Fonts, epcPayload: string | null, context: PDFContext): Item[] {
  // A body without markers (a custom caller) still gets its table and payment block, at the end.
  const all = [...blocks];
  if (!all.some((b) => b.kind === 'invoices')) all.push({ kind: 'invoices' });
  if (!all.some((b) => b.kind === 'payment')) all.push({ kind: 'payment' });
  // A paragraph ending in ':' or ',' leads into what follows ("Met vriendelijke groet," with the
  // signature). The paragraph before such a closing stays with it too, so a closing never stands
  // alone on the last page (DIN 5008: the closing goes with at least two lines of text).
  const leads = all.map((b, i) => b.kind === 'text' && i + 1 < all.length && /[:,]$/.test(b.lines[b.lines.length - 1] ?? ''));
  const closingAt = (i: number): boolean => leads[i] === true && i > 0 && all[i - 1]!.kind === 'text';
  const items: Item[] = [];
  all.forEach((block, i) => {
    if (i > 0) items.push({ height: PARAGRAPH_GAP, gap: true, keepWithNext: leads[i - 1] === true || closingAt(i) });
    if (block.kind === 'text') {
      items.push(...paragraphItems(block.lines, fonts, leads[i] === true || closingAt(i + 1)));
    } else if (block.kind === 'invoices') {
      items.push(...tableItems(view, labels, fonts));
    } else {
      items.push(paymentItem(view, labels, fonts, epcPayload, context));
    }
  });
  return items;
}

// ---------------------------------------------------------------------------------------------
// Fixed parts of the pages

function checkWindow(w: WindowMm): void {
  const ok =
    [w.leftMm, w.topMm, w.widthMm, w.heightMm].every((n) => Number.isFinite(n)) &&
    w.leftMm >= 0 &&
    w.widthMm >= 40 &&
    w.heightMm >= 20 &&
    w.leftMm + w.widthMm <= 210 &&
    w.topMm >= 32 &&
    w.topMm + w.heightMm <= 140;
  if (!ok) {
    throw new AppError('config_invalid', `letters.window ${JSON.stringify(w)} does not fit an A4 letter with a letterhead`, {
      hint: 'The window must lie between 32 mm and 140 mm from the top, inside the page, at least 40 × 20 mm. DIN 5008 B: { "leftMm": 20, "topMm": 45, "widthMm": 85, "heightMm": 45 }.',
    });
  }
}

interface LogoImage {
  width: number;
  height: number;
  ref: PDFRef;
}

function drawLetterhead(p: Painter, view: LetterView, labels: LetterLabels, logo: LogoImage | null): void {
  const logoBox = { w: 60 * MM, h: 22 * MM, top: 12 * MM };
  let logoLeft = RIGHT;
  if (logo) {
    const scale = Math.min(logoBox.w / logo.width, logoBox.h / logo.height);
    const w = logo.width * scale;
    const h = logo.height * scale;
    logoLeft = RIGHT - w;
    p.xobject(logo.ref, 'Logo', RIGHT - w, logoBox.top, w, h);
  }
  const nameWidth = logoLeft - LEFT - 5 * MM;
  const size = sizeToFit([view.creditor.name], p.fonts.bold, 15, 10, nameWidth);
  p.text(fitText(view.creditor.name, p.fonts.bold, size, nameWidth), LEFT, 20 * MM, size, { bold: true, color: ACCENT });
  const contact = [
    view.creditor.phone !== null ? `${labels.phone} ${view.creditor.phone}` : null,
    view.creditor.email !== null ? `${labels.email} ${view.creditor.email}` : null,
  ].filter((x): x is string => x !== null);
  const lines = [view.creditor.addressLine, contact.join('  ·  ')].filter((l) => l !== '');
  lines.forEach((l, i) => p.text(fitText(l, p.fonts.regular, 8.5, nameWidth), LEFT, 26 * MM + i * 4 * MM, 8.5, { color: GREY }));
}

/** The address field: return line on top, then the recipient (PostNL: 10 pt sans-serif, no italics). */
function drawAddress(p: Painter, view: LetterView, w: WindowMm): void {
  const left = (w.leftMm + Math.min(5, w.widthMm * 0.06)) * MM;
  const maxWidth = (w.leftMm + w.widthMm - 2) * MM - left;
  const zone = w.heightMm * RECIPIENT_OFFSET * MM;
  const recipientTop = w.topMm * MM + zone;
  const returnSize = sizeToFit([view.creditor.returnAddress], p.fonts.regular, 7, 5, maxWidth);
  const returnText = fitText(view.creditor.returnAddress, p.fonts.regular, returnSize, maxWidth);
  // At the top of the field, where the window shows it above the recipient (DIN 5008 B: the
  // first 17.7 mm hold the return address and postal notes).
  const returnBaseline = w.topMm * MM + Math.min(5.5 * MM, zone * 0.35);
  p.text(returnText, left, returnBaseline, returnSize, { color: GREY });
  p.line(left, returnBaseline + 1.6, left + widthOf(p.fonts.regular, returnText, returnSize), 0.3, GREY);

  const available = w.topMm * MM + w.heightMm * MM - recipientTop - 2;
  let lines = view.debtor.addressLines;
  let size = sizeToFit(lines, p.fonts.regular, ADDRESS_SIZE, 8, maxWidth);
  if (lines.some((l) => widthOf(p.fonts.regular, l, size) > maxWidth)) {
    // A name too long for one line wraps (PostNL allows up to six lines); the rest is shortened.
    lines = lines.flatMap((l, i) => (i === 0 ? wrap(l, p.fonts.regular, size, maxWidth).slice(0, 2) : [l]));
  }
  let leading = ADDRESS_LEADING * (size / ADDRESS_SIZE);
  while (lines.length * leading > available && size > 7) {
    size -= 0.5;
    leading = ADDRESS_LEADING * (size / ADDRESS_SIZE);
  }
  lines.slice(0, 6).forEach((line, i) => {
    p.text(fitText(line, p.fonts.regular, size, maxWidth), left, recipientTop + size * 0.73 + i * leading, size);
  });
}

/** DIN 5008 form B fold marks (105 mm, 210 mm) and the punch mark (148.5 mm) at the left edge. */
function drawFoldMarks(p: Painter): void {
  p.line(3 * MM, 105 * MM, 7 * MM, 0.4, RULE);
  p.line(3 * MM, 210 * MM, 7 * MM, 0.4, RULE);
  p.line(3 * MM, 148.5 * MM, 9 * MM, 0.4, RULE);
}

function drawFooter(p: Painter, view: LetterView, labels: LetterLabels, pageNo: number, pages: number): void {
  p.line(LEFT, FOOTER_RULE, RIGHT, 0.4, RULE);
  const c = view.creditor;
  const line1 = [c.name, c.addressLine].filter((s) => s !== '').join('  ·  ');
  const line2 = [
    c.kvk !== null ? `${labels.kvk} ${c.kvk}` : null,
    c.vatNumber !== null ? `${labels.vat} ${c.vatNumber}` : null,
    `${labels.iban} ${c.iban}`,
    c.bic !== null ? `${labels.bic} ${c.bic}` : null,
  ]
    .filter((x): x is string => x !== null)
    .join('  ·  ');
  const pageText = labels.page(pageNo, pages);
  const pageWidth = widthOf(p.fonts.regular, pageText, 7) + 6 * MM;
  const size = sizeToFit([line1, line2], p.fonts.regular, 7, 5.5, TEXT_W - pageWidth);
  p.text(fitText(line1, p.fonts.regular, size, TEXT_W - pageWidth), LEFT, FOOTER_RULE + 4 * MM, size, { color: GREY });
  p.text(fitText(line2, p.fonts.regular, size, TEXT_W - pageWidth), LEFT, FOOTER_RULE + 7.5 * MM, size, { color: GREY });
  p.text(pageText, RIGHT, FOOTER_RULE + 4 * MM, 7, { color: GREY, align: 'right' });
}

function drawContinuationHeader(p: Painter, view: LetterView, labels: LetterLabels): void {
  p.text(fitText(view.creditor.name, p.fonts.bold, 9, TEXT_W / 2), LEFT, 15 * MM, 9, { bold: true, color: ACCENT });
  p.text(`${labels.debtorNumber} ${view.debtor.number}  ·  ${view.date}`, RIGHT, 15 * MM, 8, { color: GREY, align: 'right' });
  p.line(LEFT, 18 * MM, RIGHT, 0.4, RULE);
}

/**
 * Place and date, debtor number and payment reference in a column right of the address field
 * (the DIN 5008 information block: outside the window, 15 mm clear of it), then the subject line
 * below the window. Returns where the body starts. When a wide window leaves no room on the right,
 * the block goes below the window instead.
 */
function drawHeading(p: Painter, view: LetterView, labels: LetterLabels, w: WindowMm, subject: string, place: string | undefined): number {
  const placeName = place !== undefined && place.trim() !== '' ? place.trim() : view.creditor.city;
  const dateLine = placeName !== null ? `${placeName}, ${view.date}` : view.date;
  const info: [string, string][] = [[`${labels.debtorNumber}`, view.debtor.number]];
  if (view.paymentReference !== '') info.push([labels.paymentReference, view.paymentReference]);
  if (view.creditor.contactPerson !== null) info.push([labels.contactPerson, view.creditor.contactPerson]);
  const leading = 12;
  const columnLeft = Math.max(125 * MM, (w.leftMm + w.widthMm + 15) * MM);
  const columnWidth = RIGHT - columnLeft;
  // The largest size (8.5 pt down to 7 pt) at which labels and values fit the column side by side.
  let size = 8.5;
  let labelW = 0;
  let fitsRight = false;
  for (; size >= 7; size -= 0.5) {
    labelW = Math.max(...info.map(([k]) => widthOf(p.fonts.regular, k, size))) + 3 * MM;
    fitsRight =
      columnWidth >= 50 * MM &&
      info.every(([, v]) => widthOf(p.fonts.regular, v, size) <= columnWidth - labelW) &&
      widthOf(p.fonts.regular, dateLine, BODY_SIZE) <= columnWidth;
    if (fitsRight) break;
  }
  if (!fitsRight) {
    size = 8.5;
    labelW = Math.max(...info.map(([k]) => widthOf(p.fonts.regular, k, size))) + 3 * MM;
  }
  const windowBottom = (w.topMm + w.heightMm) * MM;
  let y: number;
  if (fitsRight) {
    const top = w.topMm * MM + w.heightMm * RECIPIENT_OFFSET * MM;
    p.text(dateLine, columnLeft, top + BODY_SIZE * 0.73, BODY_SIZE);
    info.forEach(([k, v], i) => {
      const baseline = top + BODY_SIZE * 0.73 + 8 * MM + i * leading;
      p.text(k, columnLeft, baseline, size, { color: GREY });
      p.text(v, columnLeft + labelW, baseline, size);
    });
    y = Math.max(windowBottom, 90 * MM) + 8 * MM;
  } else {
    y = Math.max(windowBottom, 90 * MM) + 7 * MM;
    p.text(dateLine, LEFT, y, BODY_SIZE);
    y += 7 * MM;
    info.forEach(([k, v]) => {
      p.text(k, LEFT, y, size, { color: GREY });
      p.text(fitText(v, p.fonts.regular, size, TEXT_W - labelW), LEFT + labelW, y, size);
      y += leading;
    });
    y += 4 * MM;
  }
  const label = `${labels.subject}:`;
  const labelWidth = widthOf(p.fonts.regular, label, BODY_SIZE) + 2 * MM;
  p.text(label, LEFT, y, BODY_SIZE, { color: GREY });
  const lines = wrap(subject, p.fonts.bold, BODY_SIZE, TEXT_W - labelWidth);
  lines.forEach((l, i) => p.text(l, LEFT + labelWidth, y + i * BODY_LEADING, BODY_SIZE, { bold: true }));
  return y + (lines.length - 1) * BODY_LEADING + 7 * MM;
}

// ---------------------------------------------------------------------------------------------
// Public API

function pdfDate(date: string): Date {
  const { year, month, day } = dateParts(date);
  return new Date(Date.UTC(year, month - 1, day));
}

const SAVE_OPTIONS = { useObjectStreams: true, addDefaultPage: false, objectsPerTick: Infinity, updateFieldAppearances: false };

/**
 * Renders one letter. `texts.body` is the rendered body from renderLetterTexts (with the table and
 * payment markers); `texts.subject` goes on the "Betreft" line (the stage's title when absent).
 */
export async function renderLetterPdf(
  data: LetterData,
  texts: { body: string; subject?: string | undefined },
  options: LetterPdfOptions,
): Promise<Uint8Array> {
  const window = options.window ?? DIN_5008_B;
  checkWindow(window);
  const view = letterView(data);
  const labels = letterLabels(view.language);
  const subject = texts.subject !== undefined && texts.subject.trim() !== '' ? texts.subject.trim() : view.stage.title;

  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(cachingFontkit as Parameters<PDFDocument['registerFontkit']>[0]);
  const bytes = dejavu();
  const fonts: Fonts = {
    regular: await doc.embedFont(bytes.regular, { subset: true }),
    bold: await doc.embedFont(bytes.bold, { subset: true }),
  };
  useLeanSubset(fonts.regular, bytes.regular);
  useLeanSubset(fonts.bold, bytes.bold);
  let logo: LogoImage | null = null;
  if (options.logo) {
    const image = options.logo.type === 'png' ? await doc.embedPng(options.logo.bytes) : await doc.embedJpg(options.logo.bytes);
    logo = { width: image.width, height: image.height, ref: image.ref };
  }

  // Page 1's fixed parts first: the heading decides where the flow starts.
  const first = doc.addPage([PAGE_W, PAGE_H]);
  const p1 = new Painter(first, fonts);
  drawLetterhead(p1, view, labels, logo);
  drawAddress(p1, view, window);
  drawFoldMarks(p1);
  const flowTop = drawHeading(p1, view, labels, window, subject, options.place);

  const items = bodyItems(splitBody(texts.body), view, labels, fonts, options.epcPayload, doc.context);
  const placed = paginate(items, flowTop);
  const painters = [p1];
  for (let i = 1; i < placed.length; i++) {
    const p = new Painter(doc.addPage([PAGE_W, PAGE_H]), fonts);
    drawContinuationHeader(p, view, labels);
    painters.push(p);
  }
  placed.forEach((page, i) => {
    const p = painters[i]!;
    for (const { item, top } of page) item.draw?.(p, top);
    drawFooter(p, view, labels, i + 1, placed.length);
    p.finish(doc.context);
  });

  const date = pdfDate(data.date);
  doc.setTitle(`${subject} – ${view.debtor.number}`);
  doc.setAuthor(view.creditor.name);
  doc.setSubject(`${labels.debtorNumber} ${view.debtor.number}`);
  doc.setCreator('pre-incasso');
  doc.setProducer('pre-incasso (pdf-lib)');
  doc.setCreationDate(date);
  doc.setModificationDate(date);
  doc.setLanguage(view.language === 'nl' ? 'nl-NL' : 'en-GB');
  return doc.save(SAVE_OPTIONS);
}

/**
 * One print file from several letters (`letters --combined`). With `duplexBlankPages`, a letter
 * with an odd number of pages is followed by a blank page, so every letter starts on a front side.
 */
export async function combinePdfs(pdfs: Uint8Array[], options: { duplexBlankPages: boolean }): Promise<Uint8Array> {
  const out = await PDFDocument.create({ updateMetadata: false });
  let newest: Date | null = null;
  for (const bytes of pdfs) {
    const src = await PDFDocument.load(bytes, { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });
    const pages = await out.copyPages(src, src.getPageIndices());
    for (const page of pages) out.addPage(page);
    if (options.duplexBlankPages && pages.length % 2 === 1) {
      const last = pages[pages.length - 1]!;
      out.addPage([last.getWidth(), last.getHeight()]);
    }
    const created = src.getCreationDate();
    if (created !== undefined && (newest === null || created > newest)) newest = created;
  }
  out.setTitle('pre-incasso');
  out.setCreator('pre-incasso');
  out.setProducer('pre-incasso (pdf-lib)');
  const date = newest ?? new Date(0);
  out.setCreationDate(date);
  out.setModificationDate(date);
  return out.save(SAVE_OPTIONS);
}
