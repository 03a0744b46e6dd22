// The text side of an invoice CSV file: decode it in chunks (decode.ts), choose the delimiter
// (--delimiter, the preset, Excel's `sep=;` first line, or sniffed from the header line), and
// hand out the records chunk by chunk with the tokenizer's problems. Nothing here knows what an
// invoice is.
import { CsvTokenizer, headerLineEnd, sniffDelimiter, type CsvRecord, type CsvTokenIssue, type Delimiter } from './csv-tokenizer.js';
import { openDecoded, type DecodedFile, type TextEncodingName } from './decode.js';
import type { InvoiceCsvResult } from './invoice-csv-types.js';

/** The records of one chunk, and what the chunk revealed about the file. */
export interface RecordBatch {
  records: CsvRecord[];
  /** Bytes that are not UTF-8 were met so far (with --encoding utf-8). */
  invalidUtf8: boolean;
  /** The tokenizer's problems found while reading these records. */
  tokenIssues: CsvTokenIssue[];
}

export interface CsvSourceOptions {
  encoding?: TextEncodingName | undefined;
  utf16?: 'utf-16le' | 'utf-16be' | undefined;
  chunkSize?: number | undefined;
  /** The delimiter from --delimiter or the preset, when one is given. */
  delimiter?: { delimiter: Delimiter; source: 'option' | 'preset' } | undefined;
}

/** A quote that never closes would make the header "line" the whole file: stop at 1 MiB. */
const MAX_HEADER_TEXT = 1 << 20;

export class CsvSource {
  delimiter: Delimiter | null = null;
  delimiterSource: InvoiceCsvResult['delimiterSource'] = 'detected';
  decoded: DecodedFile | null = null;

  constructor(
    private readonly path: string,
    private readonly options: CsvSourceOptions,
  ) {}

  /** The records, a chunk at a time. Stop early with `break`: the file is closed. */
  async *batches(): AsyncGenerator<RecordBatch, void, undefined> {
    const o = this.options;
    const decoded = await openDecoded(this.path, {
      ...(o.encoding !== undefined ? { encoding: o.encoding } : {}),
      ...(o.utf16 !== undefined ? { utf16: o.utf16 } : {}),
      ...(o.chunkSize !== undefined ? { chunkSize: o.chunkSize } : {}),
    });
    this.decoded = decoded;
    let tokenizer: CsvTokenizer | null = null;
    let head = '';
    let reported = 0;
    const newIssues = (t: CsvTokenizer): CsvTokenIssue[] => {
      const list = t.issues.slice(reported);
      reported = t.issues.length;
      return list;
    };
    for await (const chunk of decoded.chunks) {
      let records: CsvRecord[];
      if (tokenizer === null) {
        // Collect text until the header line is complete, to choose the delimiter from it.
        head += chunk;
        if (headerLineEnd(head) < 0 && head.length < MAX_HEADER_TEXT) continue;
        const started = this.start(head);
        tokenizer = started.tokenizer;
        head = '';
        records = tokenizer.push(started.text);
      } else {
        records = tokenizer.push(chunk);
      }
      yield { records, invalidUtf8: decoded.invalidBytesSeen, tokenIssues: newIssues(tokenizer) };
    }
    if (tokenizer === null) {
      // No line break in the whole file: at most a header.
      const started = this.start(head);
      tokenizer = started.tokenizer;
      yield { records: tokenizer.push(started.text), invalidUtf8: false, tokenIssues: [] };
    }
    yield { records: tokenizer.end(), invalidUtf8: decoded.invalidBytesSeen, tokenIssues: newIssues(tokenizer) };
  }

  private start(text: string): { tokenizer: CsvTokenizer; text: string } {
    let firstLine = 1;
    let body = text;
    // Excel reads and writes a first line `sep=;` that names the delimiter; honour and skip it.
    const sep = /^sep=([;,\t])[ \t]*(\r\n|\n|\r)/i.exec(text);
    if (sep !== null) {
      body = text.slice(sep[0].length);
      firstLine = 2;
    }
    const given = this.options.delimiter;
    if (given !== undefined) {
      this.delimiter = given.delimiter;
      this.delimiterSource = given.source;
    } else if (sep !== null) {
      this.delimiter = sep[1] as Delimiter;
      this.delimiterSource = 'sep-line';
    } else {
      this.delimiter = sniffDelimiter(body);
      this.delimiterSource = 'detected';
    }
    return { tokenizer: new CsvTokenizer({ delimiter: this.delimiter, firstLine }), text: body };
  }
}
