// One error type for everything the user can cause or fix. The code decides the exit code
// (SPEC §8); the message says where and what, the hint says how to fix it. It sits at the ground
// of src/: every folder may import it, and it imports nothing.

export type ErrorCode =
  | 'usage'
  | 'no_tty'
  | 'config_missing'
  | 'config_invalid'
  | 'template_invalid'
  | 'input_invalid'
  | 'stale_data'
  | 'ledger_locked'
  | 'ledger_newer'
  | 'ledger_corrupt'
  | 'ledger_missing'
  | 'delivery_incomplete'
  | 'not_found'
  | 'io_failed'
  | 'ledger_io'
  | 'internal';

const EXIT_CODES: Record<ErrorCode, number> = {
  usage: 2,
  no_tty: 2,
  config_missing: 3,
  config_invalid: 3,
  template_invalid: 3,
  input_invalid: 4,
  stale_data: 4,
  not_found: 4,
  io_failed: 4,
  ledger_locked: 5,
  ledger_newer: 5,
  ledger_corrupt: 5,
  ledger_missing: 5,
  ledger_io: 5,
  delivery_incomplete: 6,
  internal: 1,
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  /** Extra lines printed under the message (every problem of a file, not only the first). */
  readonly details: string[];
  /** Machine-readable payload added to the `--json` error document. */
  readonly data: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { hint?: string; details?: string[]; data?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.hint = options.hint;
    this.details = options.details ?? [];
    this.data = options.data;
  }

  get exitCode(): number {
    return EXIT_CODES[this.code];
  }
}
