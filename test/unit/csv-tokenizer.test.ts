import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CsvTokenizer,
  delimiterFromName,
  headerLineEnd,
  sniffDelimiter,
  tokenizeString,
  type CsvRecord,
  type Delimiter,
} from '../../src/importers/csv-tokenizer.js';

const fieldsOf = (records: CsvRecord[]): string[][] => records.map((r) => r.fields);
const linesOf = (records: CsvRecord[]): number[] => records.map((r) => r.line);

/** Feeds `text` in pieces of `size` characters. */
function tokenizeInPieces(text: string, delimiter: Delimiter, size: number) {
  const t = new CsvTokenizer({ delimiter });
  const records: CsvRecord[] = [];
  for (let i = 0; i < text.length; i += size) records.push(...t.push(text.slice(i, i + size)));
  records.push(...t.end());
  return { records, issues: t.issues };
}

describe('tokenizeString', () => {
  it.each<[string, string, string[][], number[]]>([
    ['simple', 'a;b;c\n1;2;3\n', [['a', 'b', 'c'], ['1', '2', '3']], [1, 2]],
    ['no final newline', 'a;b\n1;2', [['a', 'b'], ['1', '2']], [1, 2]],
    ['CRLF', 'a;b\r\n1;2\r\n', [['a', 'b'], ['1', '2']], [1, 2]],
    ['lone CR (old Excel for Mac)', 'a;b\r1;2\r', [['a', 'b'], ['1', '2']], [1, 2]],
    ['empty fields', ';;\n', [['', '', '']], [1]],
    ['trailing delimiter', 'a;b;\n', [['a', 'b', '']], [1]],
    ['trailing empty line ignored', 'a\n1\n\n', [['a'], ['1']], [1, 2]],
    ['blank lines in between skipped, lines still counted', 'a\n\n\r\n1\n', [['a'], ['1']], [1, 4]],
    ['quoted delimiter', '"a;b";c\n', [['a;b', 'c']], [1]],
    ['doubled quotes', '"say ""hi""";x\n', [['say "hi"', 'x']], [1]],
    ['only a doubled quote', '"""";x\n', [['"', 'x']], [1]],
    ['empty quoted field', '"";x\n', [['', 'x']], [1]],
    ['newline inside quotes', '"a\nb";c\nd;e\n', [['a\nb', 'c'], ['d', 'e']], [1, 3]],
    ['CRLF inside quotes kept', '"a\r\nb";c\r\nd;e\r\n', [['a\r\nb', 'c'], ['d', 'e']], [1, 3]],
    ['text after closing quote kept', '"ab"cd;e\n', [['abcd', 'e']], [1]],
    ['quote inside unquoted field kept', 'ab"cd;e\n', [['ab"cd', 'e']], [1]],
    ['spaces kept (trimming is the importer\'s job)', ' a ; b \n', [[' a ', ' b ']], [1]],
    ['formula stays text', '=SUM(A1:A2);@x\n', [['=SUM(A1:A2)', '@x']], [1]],
    ['quoted last field at end of input', 'a;"b"', [['a', 'b']], [1]],
    ['unicode', 'Łoś;Győző;Şahin;Žan\n', [['Łoś', 'Győző', 'Şahin', 'Žan']], [1]],
  ])('%s', (_name, text, fields, lines) => {
    const r = tokenizeString(text, { delimiter: ';' });
    expect(fieldsOf(r.records)).toEqual(fields);
    expect(linesOf(r.records)).toEqual(lines);
    expect(r.issues).toEqual([]);
  });

  it.each<[Delimiter, string]>([
    [',', 'a,"b,c"\n1,2\n'],
    ['\t', 'a\t"b\tc"\n1\t2\n'],
    [';', 'a;"b;c"\n1;2\n'],
  ])('delimiter %j', (delimiter, text) => {
    const r = tokenizeString(text, { delimiter });
    expect(fieldsOf(r.records)).toEqual([['a', delimiter === ',' ? 'b,c' : delimiter === '\t' ? 'b\tc' : 'b;c'], ['1', '2']]);
  });

  it('an empty input gives no records', () => {
    expect(tokenizeString('', { delimiter: ';' }).records).toEqual([]);
    expect(tokenizeString('\n\n', { delimiter: ';' }).records).toEqual([]);
  });

  it('reports an unterminated quote at its line and goes on with the next line', () => {
    // Without a closing quote anywhere, the field would swallow the rest of the file.
    const r2 = tokenizeString('a;b\n1;"open\n2;3\n4;5\n', { delimiter: ';' });
    expect(r2.issues).toEqual([expect.objectContaining({ code: 'unterminated_quote', line: 2, column: 2 })]);
    expect(fieldsOf(r2.records)).toEqual([['a', 'b'], ['2', '3'], ['4', '5']]);
    expect(linesOf(r2.records)).toEqual([1, 3, 4]);
  });

  it('gives up on a quoted field longer than maxRecordLength while streaming', () => {
    const t = new CsvTokenizer({ delimiter: ';', maxRecordLength: 50 });
    const records = [...t.push('h\n"' + 'x'.repeat(30)), ...t.push('\n' + 'y'.repeat(40)), ...t.push('\nnext\n'), ...t.end()];
    expect(t.issues).toEqual([expect.objectContaining({ code: 'unterminated_quote', line: 2 })]);
    expect(records.map((r) => [r.line, r.fields[0]])).toEqual([[1, 'h'], [3, 'y'.repeat(40)], [4, 'next']]);
  });

  it('gives up on an unquoted line longer than maxRecordLength and resumes after it', () => {
    const t = new CsvTokenizer({ delimiter: ';', maxRecordLength: 20 });
    const records = [...t.push('h\n' + 'x'.repeat(15)), ...t.push('x'.repeat(15)), ...t.push('x'.repeat(15) + '\r'), ...t.push('\nok;1\n'), ...t.end()];
    expect(t.issues).toEqual([expect.objectContaining({ code: 'record_too_long', line: 2 })]);
    expect(records.map((r) => [r.line, r.fields])).toEqual([[1, ['h']], [3, ['ok', '1']]]);
  });
});

describe('streaming', () => {
  const samples: [string, string][] = [
    ['mixed', 'Factuur;Naam;Adres\r\nF1;"Jansen; Zn";"Straat 1\r\nachterom"\r\n\r\nF2;"""Q"" bv";x\rF3;;\n"F4";"a""b""c";"\n"\n'],
    ['unterminated at end', 'a;b\n1;"never closed\n2;3'],
    ['quote at chunk edge', '"a""";"b"\n"c";""""\n'],
  ];

  it.each(samples)('%s: every split position gives the same records as one piece', (_name, text) => {
    const whole = tokenizeString(text, { delimiter: ';' });
    for (let size = 1; size <= text.length; size++) {
      const pieces = tokenizeInPieces(text, ';', size);
      expect(pieces.records, `piece size ${size}`).toEqual(whole.records);
      expect(pieces.issues, `piece size ${size}`).toEqual(whole.issues);
    }
  });

  it('refuses push after end', () => {
    const t = new CsvTokenizer({ delimiter: ';' });
    t.end();
    expect(() => t.push('x')).toThrow();
  });

  it('counts lines from firstLine', () => {
    const t = new CsvTokenizer({ delimiter: ';', firstLine: 2 });
    expect(linesOf([...t.push('a\nb\n'), ...t.end()])).toEqual([2, 3]);
  });
});

describe('sniffDelimiter', () => {
  it.each<[string, Delimiter]>([
    ['Factuurnummer;Naam;Bedrag\n1,2,3,4,5', ';'],
    ['invoice,name,amount\n', ','],
    ['a\tb\tc\n', '\t'],
    ['"a;b;c",d,e\n', ','],
    ['a;b,c\n', ';'],
    ['a,b\tc\n', ','],
    ['single\n', ';'],
    ['', ';'],
    ['"Naam, voornaam";"Bedrag"\n', ';'],
  ])('%j -> %j', (header, expected) => {
    expect(sniffDelimiter(header)).toBe(expected);
  });

  it('finds the end of the header line outside quotes', () => {
    expect(headerLineEnd('a;"b\nc";d\ne')).toBe(9);
    expect(headerLineEnd('a;"b\nc')).toBe(-1);
    expect(headerLineEnd('abc')).toBe(-1);
  });

  it.each<[string, Delimiter | null]>([
    [';', ';'],
    [',', ','],
    ['\t', '\t'],
    ['tab', '\t'],
    ['\\t', '\t'],
    ['semicolon', ';'],
    ['|', null],
  ])('delimiterFromName(%j)', (name, expected) => {
    expect(delimiterFromName(name)).toBe(expected);
  });
});

// A correct CSV writer: quotes a field when it holds the delimiter, a quote, CR or LF, or starts
// with a quote; doubles quotes inside.
function writeCsv(rows: string[][], delimiter: Delimiter, eol: string): string {
  const quote = (f: string): string =>
    f.includes(delimiter) || f.includes('"') || f.includes('\n') || f.includes('\r') ? `"${f.replace(/"/g, '""')}"` : f;
  return rows.map((r) => r.map(quote).join(delimiter)).join(eol) + eol;
}

describe('property: tokenize(write(fields)) = fields', () => {
  const field = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', ';', ',', '\t', '"', '\n', '\r', 'ł', 'ő', '€', '='), maxLength: 12 });
  // A record with one empty field is an empty line, which the tokenizer skips by design.
  const row = (width: number) => fc.array(field, { minLength: width, maxLength: width }).filter((r) => !(r.length === 1 && r[0] === ''));

  it('holds for any fields, delimiter, line ending and chunking', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((w) => fc.array(row(w), { minLength: 1, maxLength: 8 })),
        fc.constantFrom<Delimiter>(';', ',', '\t'),
        fc.constantFrom('\n', '\r\n'),
        fc.integer({ min: 1, max: 40 }),
        (rows, delimiter, eol, piece) => {
          const text = writeCsv(rows, delimiter, eol);
          const whole = tokenizeString(text, { delimiter });
          expect(whole.issues).toEqual([]);
          expect(fieldsOf(whole.records)).toEqual(rows);
          const pieces = tokenizeInPieces(text, delimiter, piece);
          expect(fieldsOf(pieces.records)).toEqual(rows);
          // Lines: each record starts one line after the previous record's line breaks.
          let line = 1;
          rows.forEach((r, i) => {
            expect(whole.records[i]!.line).toBe(line);
            line += 1 + r.reduce((n, f) => n + (f.match(/\r\n|\n|\r/g) ?? []).length, 0);
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});
