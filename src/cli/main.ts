// The one try/catch at the top: every error becomes a message and the documented exit code.
// Started by boot.ts (bin/pre-incasso.js), from the bundle dist/app/main.cjs or from this file.
import { CommanderError } from 'commander';
import { AppError } from '../errors.js';
import { Output, colourWanted, loadColours } from './output.js';
import { buildProgram } from './program.js';
import { environmentError } from '../platform/errors.js';
import { stderr, stdout } from './stdio.js';

export interface CliHooks {
  /** Told the text of the top-level `--help` (`-h`) when it was printed, so it can be remembered. */
  onHelp?(text: string): void;
  /** Run from the bundle: its key (boot.ts), which stands for every module in it. */
  buildKey?: string;
  /**
   * Told when this run loaded every command module (to describe them again after a build): its
   * compiled code is then no picture of the command's own, and boot.ts keeps no code cache of it.
   */
  onLoadedAll?(): void;
}

/** The forms of the top-level help whose text boot.ts may remember: nothing else on the line. */
export const PLAIN_HELP: readonly string[] = ['--help', '-h'];

/** Runs the command line `argv` (without node and the script) and sets the exit code. */
export async function runCli(argv: string[], hooks: CliHooks = {}): Promise<void> {
  try {
    process.exitCode = await main(argv, hooks);
  } catch (error) {
    stderr.write(`fatal: ${String(error)}\n`);
    process.exitCode = 1;
  }
}

async function main(argv: string[], hooks: CliHooks): Promise<number> {
  const json = argv.includes('--json');
  const color = colourWanted(argv.includes('--no-color') ? false : undefined, process.env, stderr.isTTY);
  const out = new Output(
    { json, quiet: argv.includes('--quiet'), verbose: argv.includes('--verbose'), color },
    undefined,
    color ? await loadColours() : undefined,
  );
  const program = await buildProgram(out, process.env, argv, hooks);
  let helpText: string | null = null;
  if (hooks.onHelp && argv.length === 1 && PLAIN_HELP.includes(argv[0]!)) {
    helpText = '';
    program.configureOutput({
      writeOut: (s) => {
        helpText += s;
        stdout.write(s);
      },
    });
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' && helpText) hooks.onHelp?.(helpText);
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
