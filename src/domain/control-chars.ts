// Control characters in outside data (debtor names, bank texts, file contents) must never reach a
// terminal or a spreadsheet as they are: ESC starts terminal escape sequences (move the cursor,
// rewrite the title, hide text), BEL rings, NUL and others confuse whatever reads the file. This
// one function shows them as the JSON-style escape `\u001b`, so what was there stays visible.
//
// Escaped: C0 controls (U+0000-U+001F) except those named in `keep`, DEL (U+007F), C1 controls
// (U+0080-U+009F), and the bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069)
// that make text display in another order than it is stored.

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function escapeControls(text: string, keep = ''): string {
  CONTROL.lastIndex = 0;
  if (!CONTROL.test(text)) return text;
  return text.replace(CONTROL, (c) => (keep.includes(c) ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** For terminal lines: line breaks and tabs we write ourselves stay, a carriage return does not. */
export const TERMINAL_KEEP = '\n\t';
/** For CSV cells: quoted cells may hold line breaks (RFC 4180); a tab is harmless inside a cell. */
export const CSV_KEEP = '\n\r\t';
