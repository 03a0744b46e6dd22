// The letter's page geometry and colours (points; y measured from the top of the page, turned
// around only when drawing). DIN 5008 form B unless the config gives another window.
import { rgb } from 'pdf-lib';

export interface WindowMm {
  leftMm: number;
  topMm: number;
  widthMm: number;
  heightMm: number;
}

export const DIN_5008_B: WindowMm = Object.freeze({ leftMm: 20, topMm: 45, widthMm: 85, heightMm: 45 });

export const MM = 72 / 25.4;
export const PAGE_W = 595.28;
export const PAGE_H = 841.89;
export const LEFT = 25 * MM; // DIN 5008 text margin; the address inside the window starts here too
export const RIGHT = PAGE_W - 20 * MM;
export const TEXT_W = RIGHT - LEFT;
export const CONTENT_BOTTOM = 271 * MM;
export const FOOTER_RULE = 276 * MM;
export const NEXT_PAGE_TOP = 27 * MM;

export const BODY_SIZE = 9.5;
export const BODY_LEADING = 12.8;
export const PARAGRAPH_GAP = 6.5;
export const TABLE_SIZE = 8.5;
export const TABLE_ROW = 11.8;
export const ADDRESS_SIZE = 10;
export const ADDRESS_LEADING = 12;
/** DIN 5008 B: the recipient starts 17.7 mm below the top of the 45 mm field. */
export const RECIPIENT_OFFSET = 17.7 / 45;
export const QR_MM = 30;

export const INK = rgb(0.1, 0.1, 0.12);
export const ACCENT = rgb(0.1, 0.2, 0.36);
export const GREY = rgb(0.38, 0.4, 0.44);
export const RULE = rgb(0.72, 0.74, 0.77);
export const BOX = rgb(0.953, 0.96, 0.968);
export const WHITE = rgb(1, 1, 1);
