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
import { PDFDocument, ParseSpeeds } from 'pdf-lib';
import type { LetterData } from '../domain/letter.js';
import { dateParts } from '../domain/dates.js';
import { letterLabels, letterView, splitBody } from './view.js';
import { DIN_5008_B, PAGE_H, PAGE_W, type WindowMm } from './pdf-geometry.js';
import { embedLetterFonts } from './pdf-fonts.js';
import { useNativeFlate } from './flate.js';
import type { FontProgramPath } from './truetype-subset.js';
import { Painter } from './pdf-painter.js';
import { bodyItems, paginate } from './pdf-flow.js';
import { checkWindow, drawAddress, drawContinuationHeader, drawFoldMarks, drawFooter, drawHeading, drawLetterhead, type LogoImage } from './pdf-page.js';

export { DIN_5008_B, type WindowMm, type FontProgramPath };

export interface LetterPdfOptions {
  /** The envelope window; DIN 5008 form B when absent. */
  window?: WindowMm | undefined;
  logo?: { bytes: Uint8Array; type: 'png' | 'jpg' } | undefined;
  /** The EPC QR ("GiroCode") payload, or null for no QR code. Its amount should be `totalOpenCents`. */
  epcPayload: string | null;
  /** The place on the date line (config `letters.place`); the creditor's city when absent. */
  place?: string | undefined;
  /**
   * Hears which font program the document embeds: 'lean' (our subset without hinting) or 'pdf-lib'
   * (pdf-lib's own, larger and slower: taken only when pdf-lib's internals differ from the pinned
   * version's). The letter workflows warn on 'pdf-lib'; the font-path test fails on it.
   */
  onFontPath?: ((path: FontProgramPath) => void) | undefined;
}

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
  useNativeFlate(doc.context);
  const fonts = await embedLetterFonts(doc, options.onFontPath);
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
