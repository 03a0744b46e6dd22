// The letter fonts (DejaVu Sans and Sans Bold): read and parsed once per process, embedded as a
// per-document subset. Text is mapped to glyphs straight through the cmap instead of fontkit's
// OpenType shaping (pdf-lib draws glyph by glyph without kerning anyway, and Latin text needs no
// shaping once NFC-normalised).
import fontkit from '@pdf-lib/fontkit';
import type { PDFDocument } from 'pdf-lib';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Fonts } from './pdf-painter.js';
import { useLeanSubset, type FontProgramPath } from './truetype-subset.js';

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

/**
 * Embeds the regular and bold font into `doc` as subsets. `onFontPath` hears which font program
 * each got: 'lean' (our subset without hinting) or 'pdf-lib' (pdf-lib's own, when its internals
 * differ from the pinned version's).
 */
export async function embedLetterFonts(doc: PDFDocument, onFontPath?: (path: FontProgramPath) => void): Promise<Fonts> {
  doc.registerFontkit(cachingFontkit as Parameters<PDFDocument['registerFontkit']>[0]);
  const bytes = dejavu();
  const fonts: Fonts = {
    regular: await doc.embedFont(bytes.regular, { subset: true }),
    bold: await doc.embedFont(bytes.bold, { subset: true }),
  };
  const regular = useLeanSubset(fonts.regular, bytes.regular);
  const bold = useLeanSubset(fonts.bold, bytes.bold);
  onFontPath?.(regular && bold ? 'lean' : 'pdf-lib');
  return fonts;
}
