// The one try/catch at the top: every error becomes a message and the documented exit code.
import { CommanderError } from 'commander';
import { AppError } from '../errors.js';
import { Output, colourWanted, loadColours } from './output.js';
import { buildProgram } from './program.js';
import { environmentError } from '../platform/errors.js';

// `pre-incasso status | head`: the reader went away. That is not an error of ours; stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode === undefined ? 0 : Number(process.exitCode));
    throw error;
  });
}

async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const color = colourWanted(argv.includes('--no-color') ? false : undefined, process.env, process.stderr.isTTY === true);
  const out = new Output(
    { json, quiet: argv.includes('--quiet'), verbose: argv.includes('--verbose'), color },
    undefined,
    color ? await loadColours() : undefined,
  );
  const program = await buildProgram(out, process.env, argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      // commander exits 1 on its own errors; SPEC §8 says usage problems are 2.
      out.failure(new AppError('usage', error.message.replace(/^error: /, ''), { hint: 'See `pre-incasso --help` or `pre-incasso <command> --help`.' }));
      return 2;
    }
    if (error instanceof AppError) {
      out.failure(error, error.stack);
      return error.exitCode;
    }
    // A full disk, a read-only file system, a folder for a file, a refused permission: not a bug.
    const machine = environmentError(error, { role: 'file' });
    if (machine) {
      out.failure(machine, (error as Error)?.stack);
      return machine.exitCode;
    }
    const bug = new AppError('internal', `Internal error: ${(error as Error)?.message ?? String(error)}`, {
      hint: 'This is a bug in pre-incasso. Run again with --verbose for the stack trace and report it.',
    });
    out.failure(bug, (error as Error)?.stack);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`fatal: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
