// stdout and stderr as the CLI writes them. Node builds `process.stdout` and `process.stderr` the
// first time they are touched: for a pipe a net.Socket with the whole stream machinery, for a file
// a SyncWriteStream (about 5 ms of every start into a pipe, measured, where `status` itself takes
// 30). On Linux both write synchronously anyway. So into a file, a pipe or a socket the text is
// written here with fs.writeSync on the descriptor, the same system call without the stream; a
// terminal (or /dev/null, another character device) gets Node's own stream, which knows the
// terminal's width. Everything the CLI prints passes here (output.ts, commander's help, boot.ts's
// remembered help), so the order of the lines is the order of the calls.
//
// `pre-incasso status | head`: the reader went away. That is not an error of ours: the command
// stops quietly with the exit code so far, whichever way the text went.
import fs from 'node:fs';

export interface Sink {
  write(text: string): void;
  /** A terminal: colours and progress lines may go there. */
  readonly isTTY: boolean;
  /** The terminal's width, when it is one. */
  readonly columns: number | undefined;
}

function closedPipe(): never {
  process.exit(process.exitCode === undefined ? 0 : Number(process.exitCode));
}

/** Node's stream for the descriptor, with the quiet stop on a closed pipe (made once). */
function nodeStream(fd: 1 | 2): NodeJS.WriteStream {
  const stream = fd === 1 ? process.stdout : process.stderr;
  if (stream.listenerCount('error') === 0) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') closedPipe();
      throw error;
    });
  }
  return stream;
}

export class FdSink implements Sink {
  private direct: boolean | undefined;

  /** `stream` gives Node's stream for the descriptor (a test passes its own). */
  constructor(
    private readonly fd: number,
    private readonly stream: () => NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
  ) {}

  /** A regular file, a pipe or a socket: written directly. Decided on first use, from fstat. */
  private get isDirect(): boolean {
    if (this.direct === undefined) {
      try {
        const st = fs.fstatSync(this.fd);
        this.direct = st.isFile() || st.isFIFO() || st.isSocket();
      } catch {
        this.direct = false;
      }
    }
    return this.direct;
  }

  get isTTY(): boolean {
    return !this.isDirect && this.stream().isTTY === true;
  }

  get columns(): number | undefined {
    return this.isTTY ? this.stream().columns : undefined;
  }

  write(text: string): void {
    if (!this.isDirect) {
      this.stream().write(text);
      return;
    }
    const bytes = Buffer.from(text, 'utf8');
    let done = 0;
    try {
      while (done < bytes.length) done += fs.writeSync(this.fd, bytes, done, bytes.length - done);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') closedPipe();
      if (code !== 'EAGAIN') throw error;
      // A descriptor left non-blocking by whoever shares it, and full: Node's stream waits for
      // room. It takes over for the rest of the run, so the order of the text stays.
      this.direct = false;
      this.stream().write(bytes.subarray(done));
    }
  }
}

export const stdout: Sink = new FdSink(1, () => nodeStream(1));
export const stderr: Sink = new FdSink(2, () => nodeStream(2));
