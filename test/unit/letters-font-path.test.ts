// The font path of the printed letter (issue 14): our lean TrueType subset reaches into pdf-lib's
// private embedder, so pdf-lib is pinned to an exact version and these tests fail the moment the
// lean path is not taken: the embedded font programs must carry no hinting tables and stay small,
// and a changed pdf-lib must be reported, never fall back silently.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { PDFDocument, PDFName, PDFNumber, PDFRawStream } from 'pdf-lib';
import type { PDFFont } from 'pdf-lib';
import { renderLetterPdf, type FontProgramPath } from '../../src/letters/pdf.js';
import { useLeanSubset } from '../../src/letters/truetype-subset.js';
import { DEFAULT_TEMPLATES_DIR, renderLetterTexts, sampleLetterData } from '../../src/letters/templates.js';

const ROOT = new URL('../../', import.meta.url);

/** The embedded TrueType programs (FontFile2) of a PDF: table tags and uncompressed size. */
async function fontPrograms(pdf: Uint8Array): Promise<{ tags: string[]; bytes: number; length1: number }[]> {
  const doc = await PDFDocument.load(pdf);
  const out: { tags: string[]; bytes: number; length1: number }[] = [];
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFRawStream)) continue;
    const length1 = object.dict.lookupMaybe(PDFName.of('Length1'), PDFNumber);
    if (!length1) continue;
    const program = inflateSync(object.contents);
    const view = new DataView(program.buffer, program.byteOffset, program.byteLength);
    const tags: string[] = [];
    for (let i = 0; i < view.getUint16(4); i++) tags.push(String.fromCharCode(...program.subarray(12 + i * 16, 16 + i * 16)));
    out.push({ tags, bytes: program.length, length1: length1.asNumber() });
  }
  return out;
}

async function render(onFontPath: (p: FontProgramPath) => void): Promise<Uint8Array> {
  const data = sampleLetterData({ final: true, full: true });
  return renderLetterPdf(data, renderLetterTexts(data, [DEFAULT_TEMPLATES_DIR]), { epcPayload: null, onFontPath });
}

describe('the lean font subset', () => {
  it('is what a letter embeds: no fpgm, prep or cvt, and a small program per font', async () => {
    const paths: FontProgramPath[] = [];
    const programs = await fontPrograms(await render((p) => paths.push(p)));
    expect(paths).toEqual(['lean']);
    expect(programs).toHaveLength(2); // regular and bold
    for (const program of programs) {
      expect(program.tags.sort()).toEqual(['glyf', 'head', 'hhea', 'hmtx', 'loca', 'maxp']);
      expect(program.length1).toBe(program.bytes);
      // pdf-lib's own subset of the same glyphs carries DejaVu's hinting: well over twice this.
      expect(program.bytes).toBeLessThan(24_000);
    }
  });

  it('runs on exactly the pdf-lib version it was written against', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { dependencies: Record<string, string> };
    const installed = JSON.parse(readFileSync(new URL('node_modules/pdf-lib/package.json', ROOT), 'utf8')) as { version: string };
    expect(pkg.dependencies['pdf-lib']).toBe('1.17.1');
    expect(installed.version).toBe('1.17.1');
  });

  it('reports the fallback when pdf-lib has no embedder internals to hook into', async () => {
    const doc = await PDFDocument.create();
    const standard = await doc.embedFont('Helvetica');
    expect(useLeanSubset(standard, new Uint8Array())).toBe(false);
    const changed = { embedder: { subset: { glyphs: [] }, embedIntoContext: () => undefined } } as unknown as PDFFont;
    expect(useLeanSubset(changed, new Uint8Array())).toBe(false);
  });
});
