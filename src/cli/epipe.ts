// `pre-incasso status | head`: the reader went away. That is not an error of ours; stop quietly
// with the exit code so far. Used by main.ts and by boot.ts's remembered `--help`.
export function quietOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode === undefined ? 0 : Number(process.exitCode));
      throw error;
    });
  }
}
