// `import` without `--preset`: the header decides (issue 18 item 4). A bundled package preset is
// chosen when all of its signature headers are in the file; otherwise the generic preset reads it.
import { GENERIC_PRESET, presetForHeader, type Preset } from './columns.js';
import { headerLineEnd, sniffDelimiter, tokenizeString, type Delimiter } from './csv-tokenizer.js';
import { openDecoded, type TextEncodingName } from './decode.js';

export function choosePreset(header: readonly string[]): { preset: Preset; how: 'header' | 'default' } {
  const found = presetForHeader(header);
  return found ? { preset: found, how: 'header' } : { preset: GENERIC_PRESET, how: 'default' };
}

/** The header cells of a CSV file: its first line (after an Excel `sep=` line), read and decoded. */
export async function readHeaderCells(file: string, utf16: 'utf-16le' | 'utf-16be' | undefined, encoding: TextEncodingName | undefined, delimiter: Delimiter | undefined): Promise<string[]> {
  const decoded = await openDecoded(file, { ...(utf16 ? { utf16 } : {}), ...(encoding ? { encoding } : {}) });
  let head = '';
  for await (const chunk of decoded.chunks) {
    head += chunk;
    if (headerLineEnd(head) >= 0 || head.length >= 1 << 20) break;
  }
  const sep = /^sep=([;,\t])[ \t]*(\r\n|\n|\r)/i.exec(head);
  if (sep) head = head.slice(sep[0].length);
  const end = headerLineEnd(head);
  const line = end >= 0 ? head.slice(0, end) : head;
  const d = delimiter ?? (sep ? (sep[1] as Delimiter) : sniffDelimiter(line));
  const { records } = tokenizeString(line, { delimiter: d });
  return records[0]?.fields.map((f) => f.trim()) ?? [];
}
