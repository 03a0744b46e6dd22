// The EPC QR code ("GiroCode") drawn as vector rectangles straight from the qrcode package's
// module matrix (no PNG in between).
import QRCode from 'qrcode';
import type { PDFContext } from 'pdf-lib';
import { flate } from './flate.js';
import { WHITE } from './pdf-geometry.js';
import type { Painter } from './pdf-painter.js';

export interface QrMatrix {
  size: number;
  dark: (row: number, col: number) => boolean;
}

export function qrMatrix(payload: string): QrMatrix {
  // One byte-mode segment: the EPC payload is UTF-8 text with line breaks; letting the package
  // search the cheapest mix of modes (a shortest-path search per code) cost more than the rest of
  // the QR code and saves a few modules at most.
  const qr = QRCode.create([{ data: Buffer.from(payload, 'utf8'), mode: 'byte' }], { errorCorrectionLevel: 'M' });
  const { size, data } = qr.modules;
  return { size, dark: (r, c) => data[r * size + c] === 1 };
}

/**
 * The QR code as a form XObject in module units: one path of rectangles, a horizontal run of dark
 * modules each, filled at once (so neighbouring rows leave no seams), placed on a white square
 * that holds the four-module quiet zone (ISO/IEC 18004). Vector, so it prints sharp at any size.
 */
export function drawQr(p: Painter, context: PDFContext, matrix: QrMatrix, x: number, top: number, outer: number): void {
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
  const form = context.stream(flate(Buffer.from(`0 0 0 rg\n${ops.join('\n')}`, 'latin1')), {
    Type: 'XObject',
    Subtype: 'Form',
    BBox: [0, 0, side, side],
    Filter: 'FlateDecode',
  });
  p.box(x, top, outer, outer, WHITE);
  p.xobject(context.register(form), 'QR', x, top, outer, outer, side);
}
