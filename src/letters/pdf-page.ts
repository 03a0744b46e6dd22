// The fixed parts of the pages: letterhead, the address in the window, fold marks, heading with
// the information block and subject, footer and continuation header.
import { AppError } from '../errors.js';
import type { PDFRef } from 'pdf-lib';
import { ACCENT, ADDRESS_LEADING, ADDRESS_SIZE, BODY_LEADING, BODY_SIZE, FOOTER_RULE, GREY, LEFT, MM, RECIPIENT_OFFSET, RIGHT, RULE, TEXT_W, type WindowMm } from './pdf-geometry.js';
import { fitText, sizeToFit, widthOf, wrap, type Painter } from './pdf-painter.js';
import type { LetterLabels, LetterView } from './view.js';

export function checkWindow(w: WindowMm): void {
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

export interface LogoImage {
  width: number;
  height: number;
  ref: PDFRef;
}

export function drawLetterhead(p: Painter, view: LetterView, labels: LetterLabels, logo: LogoImage | null): void {
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
export function drawAddress(p: Painter, view: LetterView, w: WindowMm): void {
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
export function drawFoldMarks(p: Painter): void {
  p.line(3 * MM, 105 * MM, 7 * MM, 0.4, RULE);
  p.line(3 * MM, 210 * MM, 7 * MM, 0.4, RULE);
  p.line(3 * MM, 148.5 * MM, 9 * MM, 0.4, RULE);
}

export function drawFooter(p: Painter, view: LetterView, labels: LetterLabels, pageNo: number, pages: number): void {
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

export function drawContinuationHeader(p: Painter, view: LetterView, labels: LetterLabels): void {
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
export function drawHeading(p: Painter, view: LetterView, labels: LetterLabels, w: WindowMm, subject: string, place: string | undefined): number {
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
