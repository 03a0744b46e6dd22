// What every command gets: the output, today's date (read once, here), the global options and
// lazy access to the config and the ledger.
import path from 'node:path';
import { amsterdamDate, type IsoDate } from '../domain/dates.js';
import { dateOption } from './date-option.js';
import { AppError } from '../errors.js';
import { Output } from './output.js';
import type { LoadedConfig } from '../config/load.js';
import { stdout } from './stdio.js';
import type { Ledger, OpenLedgerOptions } from '../ledger/ledger.js';

export interface GlobalOptions {
  config?: string;
  ledger?: string;
  today?: string;
  json?: boolean;
  color?: boolean;
  yes?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

export interface Context {
  out: Output;
  today: IsoDate;
  globals: GlobalOptions;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The command line as typed, for the lock file and the event log. */
  commandLine: string;
  interactive: boolean;
  configFile(): string;
  config(): Promise<LoadedConfig>;
  ledgerPath(): Promise<string>;
  openLedger(options?: OpenLedgerOptions): Promise<Ledger>;
}

/** The calendar date in Europe/Amsterdam (SPEC §4), unless --today says otherwise. */
export function amsterdamToday(now: Date): IsoDate {
  const today = amsterdamDate(now);
  if (today === null) throw new RangeError('the system clock gives no valid time');
  return today;
}

export function makeContext(globals: GlobalOptions, out: Output, env: NodeJS.ProcessEnv, argv: string[]): Context {
  const today = globals.today !== undefined ? dateOption('--today', globals.today) : amsterdamToday(new Date());
  const cwd = process.cwd();
  let loaded: LoadedConfig | undefined;
  const ctx: Context = {
    out,
    today,
    globals,
    cwd,
    env,
    commandLine: ['pre-incasso', ...argv].join(' '),
    // Asked only by the commands that may prompt: touching process.stdin builds a stream (and,
    // for a file or /dev/null, loads fs's stream and promise modules) that others never use.
    get interactive() {
      return process.stdin.isTTY === true && stdout.isTTY && env.CI !== 'true';
    },
    configFile() {
      // Resolved lazily so commands that need no config (calc) never touch it.
      const chosen = globals.config ?? env.PRE_INCASSO_CONFIG ?? 'pre-incasso.config.json';
      return path.resolve(cwd, chosen);
    },
    async config() {
      if (!loaded) {
        const { loadConfig } = await import('../config/load.js');
        loaded = await loadConfig(ctx.configFile(), env);
      }
      return loaded;
    },
    async ledgerPath() {
      if (globals.ledger) return path.resolve(cwd, globals.ledger);
      return (await ctx.config()).ledgerPath;
    },
    async openLedger(options = {}) {
      const { openLedger } = await import('../ledger/ledger.js');
      return openLedger(await ctx.ledgerPath(), { command: ctx.commandLine, ...options });
    },
  };
  return ctx;
}
