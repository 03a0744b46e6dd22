// What a file is, from its first bytes, before any importer reads it (issue 18 item 5).
//
// A user gives `import` whatever the bookkeeping package produced: a CSV, an .xlsx (or an .xlsx
// renamed .csv), a PDF of the same report, a ZIP, a bank statement, an e-invoice, a UTF-16 text
// file, a folder. The file name says little; the first bytes say a lot. Only the head of the file
// is read (HEAD_BYTES), so a device like /dev/zero or a huge binary costs one small read.
//
// The caller decides per path what is supported: `import` reads CSV (also UTF-16), .xlsx, UBL and
// CII; everything else gets one line naming what the file is and what to do instead.

import fs from 'node:fs';

export type FileKind =
  | { kind: 'text'; utf16?: 'utf-16le' | 'utf-16be' }
  | { kind: 'xlsx' }
  | { kind: 'ubl' }
  | { kind: 'cii' }
  | { kind: 'camt'; root: string }
  | { kind: 'mt940' }
  | { kind: 'refused'; what: string; todo: string };

const HEAD_BYTES = 64 * 1024;

/** The first `HEAD_BYTES` of a file (or fewer), read with one bounded read. */
function readHead(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    let got = 0;
    // A device or pipe may return short reads; stop at the bound either way.
    while (got < HEAD_BYTES) {
      const n = fs.readSync(fd, buffer, got, HEAD_BYTES - got, null);
      if (n === 0) break;
      got += n;
    }
    return buffer.subarray(0, got);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Classifies a path. Throws nothing for ordinary problems: a missing path, a folder, a device or
 * an empty file come back as `refused` with the reason, so the caller can report every file the
 * same way (one line, exit 4).
 */
export function sniffPath(file: string): FileKind {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'refused', what: 'no such file', todo: 'check the path and give the export file(s) to import' };
    if (code === 'EACCES' || code === 'EPERM') return { kind: 'refused', what: 'cannot be read (permission denied)', todo: 'give yourself read permission on it, or copy it somewhere you can read' };
    return { kind: 'refused', what: `cannot be read (${code ?? (error as Error).message})`, todo: 'check the path' };
  }
  if (stat.isDirectory()) return { kind: 'refused', what: 'is a folder, not a file', todo: 'name the export file(s) inside it, e.g. folder/*.csv' };
  if (!stat.isFile()) {
    const type = stat.isCharacterDevice() ? 'a character device' : stat.isBlockDevice() ? 'a block device' : stat.isFIFO() ? 'a pipe' : stat.isSocket() ? 'a socket' : 'not a regular file';
    return { kind: 'refused', what: `is ${type}, not a file`, todo: 'save the export to a file and import that file' };
  }
  if (stat.size === 0) return { kind: 'refused', what: 'is empty (0 bytes)', todo: 'export the open invoices again; the file must have a header line and rows' };
  let head: Buffer;
  try {
    head = readHead(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return { kind: 'refused', what: 'cannot be read (permission denied)', todo: 'give yourself read permission on it' };
    return { kind: 'refused', what: `cannot be read (${code ?? (error as Error).message})`, todo: 'check the file' };
  }
  return sniffBytes(head);
}

const startsWith = (b: Uint8Array, bytes: readonly number[]): boolean => b.length >= bytes.length && bytes.every((x, i) => b[i] === x);

/** Classifies the head of a file (at most its first 64 KiB). */
export function sniffBytes(head: Uint8Array): FileKind {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (b.length === 0) return { kind: 'refused', what: 'is empty (0 bytes)', todo: 'export the open invoices again; the file must have a header line and rows' };
  if (startsWith(b, [0x25, 0x50, 0x44, 0x46, 0x2d])) {
    return { kind: 'refused', what: 'is a PDF document, not a list of invoices', todo: 'export the open items from your bookkeeping package as CSV or Excel (.xlsx) and import that' };
  }
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04]) || startsWith(b, [0x50, 0x4b, 0x05, 0x06])) return sniffZip(b);
  if (startsWith(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    return { kind: 'refused', what: 'is an Excel 97-2003 workbook (.xls) or another old Office file', todo: 'open it in Excel or LibreOffice, save it as .xlsx or CSV, and import that' };
  }
  if (startsWith(b, [0x1f, 0x8b])) return { kind: 'refused', what: 'is gzip-compressed', todo: 'unpack it (gunzip) and import the file inside' };
  if (startsWith(b, [0xff, 0xfe, 0x00, 0x00]) || startsWith(b, [0x00, 0x00, 0xfe, 0xff])) {
    return { kind: 'refused', what: 'is UTF-32 text', todo: 'save it as UTF-8 (in Excel: "CSV UTF-8") and import that' };
  }
  if (startsWith(b, [0xff, 0xfe])) return classifyText(new TextDecoder('utf-16le').decode(b.subarray(2, b.length - (b.length % 2))), { kind: 'text', utf16: 'utf-16le' });
  if (startsWith(b, [0xfe, 0xff])) return classifyText(new TextDecoder('utf-16be').decode(b.subarray(2, b.length - (b.length % 2))), { kind: 'text', utf16: 'utf-16be' });
  // UTF-16 without a byte order mark: ASCII text with a NUL in every other byte.
  const nul = b.indexOf(0);
  if (nul >= 0) {
    const sample = b.subarray(0, Math.min(b.length, 512));
    let evenNul = 0;
    let oddNul = 0;
    for (let i = 0; i < sample.length; i++) if (sample[i] === 0) (i % 2 === 0 ? evenNul++ : oddNul++);
    const half = sample.length / 2;
    if (oddNul > half * 0.9 && evenNul === 0) return classifyText(new TextDecoder('utf-16le').decode(b.subarray(0, b.length - (b.length % 2))), { kind: 'text', utf16: 'utf-16le' });
    if (evenNul > half * 0.9 && oddNul === 0) return classifyText(new TextDecoder('utf-16be').decode(b.subarray(0, b.length - (b.length % 2))), { kind: 'text', utf16: 'utf-16be' });
    if (b.subarray(0, Math.min(b.length, 4096)).every((x) => x === 0)) {
      return { kind: 'refused', what: 'holds only NUL bytes (no text)', todo: 'export the open invoices again' };
    }
    return { kind: 'refused', what: 'is a binary file, not text (it contains NUL bytes)', todo: 'export the open items as CSV or Excel (.xlsx) and import that' };
  }
  // UTF-8 (with or without BOM) or a single-byte code page: ASCII-compatible either way for the
  // markers looked at below.
  return classifyText(b.toString('latin1').replace(/^\u00ef\u00bb\u00bf/, ''), { kind: 'text' });
}

function sniffZip(b: Buffer): FileKind {
  // The local file headers of the first entries are in the head; their names say what it is.
  const text = b.toString('latin1');
  if (text.includes('xl/') || text.includes('[Content_Types].xml') && text.includes('xl/workbook')) return { kind: 'xlsx' };
  if (text.includes('application/vnd.oasis.opendocument.spreadsheet')) {
    return { kind: 'refused', what: 'is an OpenDocument spreadsheet (.ods)', todo: 'save it as .xlsx or CSV (File > Save As) and import that' };
  }
  if (text.includes('word/')) return { kind: 'refused', what: 'is a Word document (.docx)', todo: 'export the open items as CSV or Excel (.xlsx) and import that' };
  if (text.includes('[Content_Types].xml')) {
    // An .xlsx whose workbook entry comes after the first 64 KiB is still an Office file.
    return { kind: 'xlsx' };
  }
  return { kind: 'refused', what: 'is a ZIP archive', todo: 'unpack it and import the CSV, .xlsx or XML file inside' };
}

function classifyText(text: string, asText: FileKind): FileKind {
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (t.startsWith('<')) return classifyXml(t);
  // MT940: a SWIFT block header `{1:F01…` or the statement tags at line starts.
  if (/^\{1:F0/.test(t) || (/^:20:/m.test(t) && /^:(25|28C?|60[FM]):/m.test(t))) return { kind: 'mt940' };
  if (/^(\r?\n)*(:?940|0000 01)/.test(t) && /^:20:/m.test(t)) return { kind: 'mt940' };
  if (/^\{\s*"|^\[\s*[{\]]/.test(t)) return { kind: 'refused', what: 'is JSON, not CSV', todo: 'export the open items as CSV or Excel (.xlsx) instead' };
  return asText;
}

function classifyXml(t: string): FileKind {
  const body = t.replace(/<\?[\s\S]*?\?>/g, '').replace(/<!--[\s\S]*?-->/g, '').replace(/<!DOCTYPE[^>[]*(\[[\s\S]*?\])?\s*>/i, '').trimStart();
  if (/^<html[\s>]/i.test(body) || /^<!doctype html/i.test(t)) {
    return { kind: 'refused', what: 'is a web page (HTML), as some packages save their "Excel export"', todo: 'open it in Excel or LibreOffice, save it as .xlsx or CSV, and import that' };
  }
  const root = /^<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s>/]/.exec(body);
  const name = root?.[1] ?? '';
  if (name === 'Invoice' || name === 'CreditNote') return { kind: 'ubl' };
  if (name === 'CrossIndustryInvoice') return { kind: 'cii' };
  if (name === 'Document' && /urn:iso:std:iso:20022:tech:xsd:camt\.05[234]/.test(body)) return { kind: 'camt', root: name };
  return { kind: 'refused', what: `is an XML file (root element <${name || '?'}>), neither an e-invoice (UBL, CII) nor a bank statement`, todo: 'import an invoice export (CSV, .xlsx) or a UBL/CII e-invoice' };
}

/** The one-line refusal of `import` for a file it does not read. */
export function importRefusal(kind: FileKind): { what: string; todo: string } | null {
  switch (kind.kind) {
    case 'refused':
      return { what: kind.what, todo: kind.todo };
    case 'camt':
      return { what: 'is a bank statement (CAMT.053/054 XML), not an invoice export', todo: 'read it with `pre-incasso payments import`' };
    case 'mt940':
      return { what: 'is a bank statement (MT940), not an invoice export', todo: 'read it with `pre-incasso payments import`' };
    default:
      return null;
  }
}

/**
 * The one-line refusal of `payments import` for a file that is not a bank statement, for the
 * payments path to use: there a spreadsheet or an e-invoice is the wrong file.
 */
export function paymentsRefusal(kind: FileKind): { what: string; todo: string } | null {
  switch (kind.kind) {
    case 'refused':
      return { what: kind.what.replace('not a list of invoices', 'not a bank statement'), todo: kind.todo.replace('export the open invoices again; the file must have a header line and rows', 'download the statement from your bank again').replace('export the open items from your bookkeeping package as CSV or Excel (.xlsx) and import that', "download the statement from your bank as CAMT.053, MT940 or the bank's CSV export") };
    case 'xlsx':
      return { what: 'is an Excel workbook, not a bank statement', todo: "download the statement from your bank as CAMT.053, MT940 or the bank's CSV export (an invoice list goes to `pre-incasso import`)" };
    case 'ubl':
    case 'cii':
      return { what: `is an e-invoice (${kind.kind.toUpperCase()}), not a bank statement`, todo: 'read it with `pre-incasso import`' };
    default:
      return null;
  }
}
