// The commander program: global options, and one module per command. Only the asked-for
// command's module is loaded (commands/index.ts); each loads what it needs (pdf-lib, nodemailer,
// prompts) inside its action, so `--help` and `status` start fast.
import { Command } from 'commander';
import { packageVersion } from '../version.js';
import { makeContext, type Context, type GlobalOptions } from './context.js';
import type { Output } from './output.js';
import type { CliHooks } from './main.js';
import { registerCommands } from './commands/index.js';
import { stderr, stdout } from './stdio.js';

export type Handler<O = Record<string, unknown>> = (ctx: Context, args: string[], options: O) => Promise<void>;
export type Act = <O>(handler: Handler<O>) => (...args: unknown[]) => Promise<void>;


/** With the command line (`argv`), only the asked-for command's module is loaded; without, every module. */
export async function buildProgram(
  out: Output,
  env: NodeJS.ProcessEnv,
  argv: readonly string[] | null = null,
  hooks: Pick<CliHooks, 'buildKey' | 'onLoadedAll'> = {},
): Promise<Command> {
  const program = new Command('pre-incasso');
  program
    .description('Run your own Dutch pre-incasso: reminders, the veertiendagenbrief and the handover to an incassobureau.')
    .version(packageVersion(), '-V, --version')
    .option('--config <file>', 'the config file (default: $PRE_INCASSO_CONFIG or ./pre-incasso.config.json)')
    .option('--ledger <file>', 'the SQLite ledger (default: "ledger" in the config)')
    .option('--today <date>', 'the date to act on, YYYY-MM-DD (default: today in Europe/Amsterdam)')
    .option('--json', 'print one JSON document on stdout')
    .option('--no-color', 'no colours (also NO_COLOR=1)')
    .option('--yes', 'never ask; take defaults')
    .option('--quiet', 'only warnings and errors on stderr')
    .option('--verbose', 'more detail, and stack traces for internal errors')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => stdout.write(s),
      writeErr: (s) => stderr.write(s),
      // Errors are printed by main.ts in the tool's own format (and as JSON under --json).
      outputError: () => {},
    });

  const act: Act =
    <O>(handler: Handler<O>) =>
    async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      const options = command.opts() as O;
      const globals = command.optsWithGlobals() as GlobalOptions;
      const positional = args.slice(0, -2).flatMap((a) => (Array.isArray(a) ? a.map(String) : a === undefined ? [] : [String(a)]));
      const ctx = makeContext(globals, out, env, process.argv.slice(2));
      await handler(ctx, positional, options);
    };

  await registerCommands(program, act, argv, env, hooks);
  // Subcommands inherit the error handling (exitOverride is per command in commander).
  for (const cmd of allCommands(program)) {
    cmd.exitOverride();
    cmd.configureOutput({ outputError: () => {} });
  }
  return program;
}

function allCommands(cmd: Command): Command[] {
  return cmd.commands.flatMap((c) => [c, ...allCommands(c)]);
}
