// Reading an e-invoice's XML text with bounded memory (issue 11 item 8).
//
// E-invoices routinely embed the invoice PDF as base64 (UBL EmbeddedDocumentBinaryObject, CII
// AttachmentBinaryObject): several MB of text nobody needs for a claim. Parsing it into a DOM
// costs ~40x its size. So the file is streamed, decoded in its declared encoding, and the content
// of those elements is dropped on the fly (the element itself stays, empty); what is left must
// fit in MAX_XML_CHARS or the file is refused. Memory is then bounded by MAX_XML_CHARS plus one
// read chunk, whatever the size of the attachment.

import fs from 'node:fs';
import iconv from 'iconv-lite';

/** Characters of XML kept for parsing (without embedded attachments). */
export const MAX_XML_CHARS = 4 * 1024 * 1024;
/** Largest e-invoice file read at all (attachments included). */
export const MAX_XML_FILE_BYTES = 200 * 1024 * 1024;

const BINARY = /<([A-Za-z_][\w.-]*:)?(EmbeddedDocumentBinaryObject|AttachmentBinaryObject)(\s[^>]*)?>/g;

export type XmlTextResult =
  | { ok: true; text: string; encoding: string; attachmentsSkipped: number }
  | { ok: false; reason: string; hint: string };

/** The encoding named in the XML declaration (or by a BOM); utf-8 when none. */
export function declaredEncoding(head: Buffer): string {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  const decl = /^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head.toString('latin1'));
  return decl ? decl[1]!.toLowerCase() : 'utf-8';
}

export async function readXmlText(file: string): Promise<XmlTextResult> {
  const size = fs.statSync(file).size;
  if (size > MAX_XML_FILE_BYTES) {
    return { ok: false, reason: `the file is ${Math.round(size / 1048576)} MB; an e-invoice is read up to ${MAX_XML_FILE_BYTES / 1048576} MB`, hint: 'Check that this is one e-invoice.' };
  }
  const fd = fs.openSync(file, 'r');
  const head = Buffer.alloc(256);
  const got = fs.readSync(fd, head, 0, 256, 0);
  fs.closeSync(fd);
  const encoding = declaredEncoding(head.subarray(0, got));
  if (!iconv.encodingExists(encoding)) {
    return { ok: false, reason: `the declared encoding "${encoding}" is not one that can be read`, hint: 'Export the e-invoice again as UTF-8.' };
  }
  const decoder = iconv.getDecoder(encoding, { stripBOM: true });
  const kept: string[] = [];
  let keptChars = 0;
  let carry = '';
  let closing: string | null = null; // the end tag awaited while skipping an attachment
  let skipped = 0;
  const keep = (s: string): boolean => {
    if (s.length === 0) return true;
    kept.push(s);
    keptChars += s.length;
    return keptChars <= MAX_XML_CHARS;
  };
  const tooBig: XmlTextResult = {
    ok: false,
    reason: `the XML is larger than ${MAX_XML_CHARS / 1048576} MB without its embedded attachments`,
    hint: 'An e-invoice this large is not one invoice; check the file.',
  };
  const process = (text: string, final: boolean): boolean => {
    let buf = carry + text;
    carry = '';
    let pos = 0;
    for (;;) {
      if (closing !== null) {
        const end = buf.indexOf(closing, pos);
        if (end < 0) {
          // Keep only what could be the start of the end tag.
          carry = final ? '' : buf.slice(Math.max(pos, buf.length - closing.length));
          return true;
        }
        pos = end;
        closing = null;
        continue;
      }
      BINARY.lastIndex = pos;
      const m = BINARY.exec(buf);
      if (m === null) {
        // A start tag may be cut at the end of this chunk: hold back from the last '<'.
        const lt = buf.lastIndexOf('<');
        const cut = !final && lt >= pos && buf.indexOf('>', lt) < 0 ? lt : buf.length;
        if (!keep(buf.slice(pos, cut))) return false;
        carry = buf.slice(cut);
        if (carry.length > MAX_XML_CHARS) return false;
        return true;
      }
      const tagEnd = m.index + m[0].length;
      if (!keep(buf.slice(pos, tagEnd))) return false;
      pos = tagEnd;
      if (!m[0].endsWith('/>')) {
        closing = `</${m[1] ?? ''}${m[2]}>`;
        skipped++;
      }
    }
  };
  const stream = fs.createReadStream(file, { highWaterMark: 1 << 16 });
  try {
    for await (const chunk of stream) {
      if (!process(decoder.write(chunk as Buffer), false)) return tooBig;
    }
    if (!process(decoder.end() ?? '', true)) return tooBig;
  } finally {
    stream.destroy();
  }
  if (closing !== null) return { ok: false, reason: 'an embedded attachment is not closed: the file is cut off', hint: 'Export the e-invoice again; the file is incomplete.' };
  return { ok: true, text: kept.join(''), encoding, attachmentsSkipped: skipped };
}
