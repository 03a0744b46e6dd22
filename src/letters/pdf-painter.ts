// The drawing layer: text measuring and wrapping, and a page painter that writes the content
// stream directly.
import type { PDFContext, PDFFont, PDFPage, PDFRef, RGB } from 'pdf-lib';
import { flate } from './flate.js';
import { INK, PAGE_H, RULE } from './pdf-geometry.js';

export interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

export function widthOf(font: PDFFont, text: string, size: number): number {
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
export function wrap(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
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
export function fitText(text: string, font: PDFFont, size: number, maxWidth: number): string {
  if (text.length <= 400 && widthOf(font, text, size) <= maxWidth) return text;
  const ellipsis = widthOf(font, '…', size);
  const n = fitCount(text, 0, font, size, Math.max(0, maxWidth - ellipsis));
  if (n >= text.length && widthOf(font, text, size) <= maxWidth) return text;
  return `${text.slice(0, n)}…`;
}

/** The largest size from `max` down to `min` (half points) at which every line fits. */
export function sizeToFit(lines: string[], font: PDFFont, max: number, min: number, maxWidth: number): number {
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
export class Painter {
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
    this.page.node.addContentStream(context.register(context.stream(flate(content), { Filter: 'FlateDecode' })));
  }
}

/** A number in a content stream: at most three decimals, never exponent notation. */
export function num(n: number): string {
  const r = Math.round(n * 1000) / 1000;
  return r === 0 ? '0' : String(r);
}

