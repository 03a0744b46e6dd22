// The only module that writes to the console. stdout is data, stderr is talk; with --json,
// stdout holds exactly one JSON document. Colour is decided here once: chalk alone ignores
// NO_COLOR, so we pass it an explicit level.
import type { ChalkInstance } from 'chalk';
import type { AppError } from '../errors.js';
import { escapeControls, TERMINAL_KEEP } from '../domain/control-chars.js';
import { stderr, stdout } from './stdio.js';

/** The colours the tool uses. Without colour (cron, pipes, NO_COLOR) chalk is not even loaded. */
export type Colours = Pick<ChalkInstance, 'bold' | 'dim' | 'red' | 'yellow' | 'green' | 'cyan'>;

const same = (text: unknown): string => String(text);
export const NO_COLOURS: Colours = { bold: same, dim: same, red: same, yellow: same, green: same, cyan: same } as unknown as Colours;

/** chalk at level 1, loaded only when colour is wanted. */
export async function loadColours(): Promise<Colours> {
  const { Chalk } = await import('chalk');
  return new Chalk({ level: 1 });
}

export interface OutputOptions {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  color: boolean;
}

/** Where the text goes: stdio.ts's stdout and stderr, or a test's own. */
export interface Streams {
  stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  stderr: { write(text: string): unknown; readonly isTTY?: boolean };
}

export function colourWanted(flag: boolean | undefined, env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return isTTY;
}

export class Output {
  readonly c: Colours;
  readonly options: OutputOptions;
  private readonly streams: Streams;
  private jsonWritten = false;

  constructor(options: OutputOptions, streams: Streams = { stdout, stderr }, colours: Colours = NO_COLOURS) {
    this.options = options;
    this.streams = streams;
    this.c = options.color ? colours : NO_COLOURS;
  }

  /** Colours for data on stdout: only when stdout itself is a terminal, never into a pipe. */
  get cData(): Colours {
    return this.streams.stdout.isTTY === true ? this.c : NO_COLOURS;
  }

  get json(): boolean {
    return this.options.json;
  }

  get stderrIsTTY(): boolean {
    return this.streams.stderr.isTTY === true;
  }

  /** A line of data on stdout (suppressed under --json, where the document is the data). */
  data(text: string): void {
    if (this.options.json) return;
    const safe = clean(text, this.cData !== NO_COLOURS);
    this.streams.stdout.write(safe.endsWith('\n') ? safe : `${safe}\n`);
  }

  /** The one JSON document of a --json command. */
  document(doc: unknown): void {
    if (!this.options.json || this.jsonWritten) return;
    this.jsonWritten = true;
    this.streams.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  }

  /**
   * The one JSON document, written as it is produced: `head`'s keys, then `key` as an array of
   * items given one by one. For output too large to build in memory (a plan of 100,000 letters).
   */
  streamDocument(head: Record<string, unknown>, key: string): { item(value: unknown): void; end(): void } {
    if (!this.options.json || this.jsonWritten) return { item() {}, end() {} };
    this.jsonWritten = true;
    const stdout = this.streams.stdout;
    const headJson = JSON.stringify(head);
    stdout.write(`${headJson.slice(0, -1)}${headJson === '{}' ? '' : ','}${JSON.stringify(key)}: [`);
    let first = true;
    // Items are gathered into writes of about 64 KB: one write per item was a system call for
    // each of 100,000 letters (stdout into a pipe or file is written synchronously).
    let pending = '';
    return {
      item(value) {
        pending += `${first ? '\n' : ',\n'}  ${JSON.stringify(value)}`;
        first = false;
        if (pending.length >= 65_536) {
          stdout.write(pending);
          pending = '';
        }
      },
      end() {
        stdout.write(`${pending}${first ? '' : '\n'}]}\n`);
        pending = '';
      },
    };
  }

  /** Progress and confirmations on stderr; silenced by --quiet. */
  info(text: string): void {
    if (this.options.quiet) return;
    this.streams.stderr.write(`${this.talk(text)}\n`);
  }

  verbose(text: string): void {
    if (this.options.verbose) this.streams.stderr.write(`${this.c.dim(this.talk(text))}\n`);
  }

  warn(text: string): void {
    this.streams.stderr.write(`${this.c.yellow('warning:')} ${this.talk(text)}\n`);
  }

  /** Text for stderr with control characters shown as `\u001b` (our own colours kept). */
  private talk(text: string): string {
    return clean(text, this.c !== NO_COLOURS);
  }

  /** A temporary progress line when stderr is a terminal: overwritten in place, cleared by done(). */
  progress(text: string): void {
    if (this.options.quiet || !this.stderrIsTTY || this.options.json) return;
    this.streams.stderr.write(`\r\x1b[2K${this.talk(text)}`);
  }

  progressDone(): void {
    if (this.options.quiet || !this.stderrIsTTY || this.options.json) return;
    this.streams.stderr.write('\r\x1b[2K');
  }

  failure(error: AppError, stack?: string): void {
    if (this.options.json) {
      if (!this.jsonWritten) {
        this.jsonWritten = true;
        const doc: Record<string, unknown> = { code: error.code, message: error.message, hint: error.hint ?? null };
        if (error.details.length > 0) doc.details = error.details;
        if (error.data) Object.assign(doc, error.data);
        this.streams.stdout.write(`${JSON.stringify({ error: doc }, null, 2)}\n`);
      }
    }
    const lines = [`${this.c.red('error:')} ${this.talk(error.message)}`];
    for (const d of error.details) lines.push(`  ${this.talk(d)}`);
    if (error.hint) lines.push(`${this.c.cyan('hint:')} ${this.talk(error.hint)}`);
    if (stack && this.options.verbose) lines.push(this.c.dim(this.talk(stack)));
    this.streams.stderr.write(`${lines.join('\n')}\n`);
  }

  /** A plain text table: columns padded, numeric-looking columns right-aligned. */
  table(headers: string[], rows: string[][], rightAligned: number[] = []): string {
    const width = headers.map((h, i) => Math.max(visible(h), ...rows.map((r) => visible(r[i] ?? ''))));
    const fmt = (cells: string[]): string =>
      cells
        .map((cell, i) => {
          const pad = ' '.repeat(Math.max(0, width[i]! - visible(cell)));
          return rightAligned.includes(i) ? pad + cell : cell + pad;
        })
        .join('  ')
        .trimEnd();
    return [this.cData.bold(fmt(headers)), ...rows.map(fmt)].join('\n');
  }
}

// eslint-disable-next-line no-control-regex
const SGR = /(\x1b\[[0-9;]*m)/;

/**
 * Every line for the terminal passes here: control characters from outside data (a debtor name
 * with ESC, BEL or NUL) are shown as `\u001b`. With colour on, the SGR colour codes we add
 * ourselves are kept; everything else is escaped.
 */
export function clean(text: string, keepColour: boolean): string {
  if (!keepColour) return escapeControls(text, TERMINAL_KEEP);
  return text
    .split(SGR)
    .map((part, i) => (i % 2 === 1 ? part : escapeControls(part, TERMINAL_KEEP)))
    .join('');
}

// eslint-disable-next-line no-control-regex
const visible = (s: string): number => s.replace(/\x1b\[[0-9;]*m/g, '').length;
