// The letter's body as a flow of items with a height, placed on pages: paragraphs, the invoice
// table and the payment block; page breaks respect keep-with-next chains.
import type { PDFContext, RGB } from 'pdf-lib';
import { ACCENT, BODY_LEADING, BODY_SIZE, BOX, CONTENT_BOTTOM, GREY, INK, LEFT, MM, NEXT_PAGE_TOP, PARAGRAPH_GAP, QR_MM, RIGHT, RULE, TABLE_ROW, TABLE_SIZE, TEXT_W } from './pdf-geometry.js';
import { fitText, sizeToFit, widthOf, wrap, type Fonts, type Painter } from './pdf-painter.js';
import { drawQr, qrMatrix } from './pdf-qr.js';
import type { BodyBlock, LetterLabels, LetterView } from './view.js';

export interface Item {
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

export function paginate(items: Item[], firstTop: number): Placed[][] {
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

export function bodyItems(blocks: BodyBlock[], view: LetterView, labels: LetterLabels, fonts: Fonts, epcPayload: string | null, context: PDFContext): Item[] {
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
