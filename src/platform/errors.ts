// A failing machine is not a bug: a full disk, a read-only file system, a folder where a file was
// expected or a permission refused are told as what they are, with the path and the fix, and the
// documented exit code (SPEC §8): 5 when it is the ledger, 4 for input and output files.
import { AppError } from '../errors.js';

export interface EnvironmentContext {
  /** `ledger`: the ledger or its lock (exit 5); `file`: an input or output path (exit 4). */
  role: 'ledger' | 'file';
  /** The path concerned, when the error itself does not carry one (SQLite errors do not). */
  path?: string;
}

const DISK_FULL = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);
const READ_ONLY = new Set(['EROFS', 'SQLITE_READONLY', 'SQLITE_READONLY_DBMOVED', 'SQLITE_READONLY_DIRECTORY', 'SQLITE_READONLY_CANTINIT', 'SQLITE_READONLY_CANTLOCK', 'SQLITE_READONLY_RECOVERY']);
const DENIED = new Set(['EACCES', 'EPERM', 'SQLITE_AUTH', 'SQLITE_PERM']);

let lastLedger: string | undefined;

/** The ledger this process opened last: named in messages about SQLite errors, which carry no path. */
export function noteLedgerPath(file: string): void {
  lastLedger = file;
}

/** The error as an AppError with cause and fix, or undefined when it is not about the machine. */
export function environmentError(error: unknown, context: EnvironmentContext): AppError | undefined {
  if (error instanceof AppError || !error || typeof error !== 'object') return undefined;
  const e = error as { code?: unknown; path?: unknown; dest?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  if (code === '') return undefined;
  const role = code.startsWith('SQLITE_') ? 'ledger' : context.role;
  const errorCode = role === 'ledger' ? 'ledger_io' : 'io_failed';
  const where = typeof e.path === 'string' && e.path !== '' ? e.path : context.path ?? (role === 'ledger' ? lastLedger : undefined);
  const what = where ?? (role === 'ledger' ? 'the ledger' : 'a file');
  const nothing = role === 'ledger' ? 'Nothing was changed in the ledger: the unfinished transaction was rolled back.' : 'The file was not written.';
  const make = (message: string, hint: string): AppError => new AppError(errorCode, message, { hint, cause: error, data: { cause: code, path: where ?? null } });

  if (DISK_FULL.has(code)) {
    return make(`The disk is full: cannot write ${what} (${code}).`, `Free space on the disk (or raise the quota) that holds ${what}, then run the command again. ${nothing}`);
  }
  if (READ_ONLY.has(code) || (code === 'SQLITE_CANTOPEN' && /read-?only/i.test(String(e.message)))) {
    return make(`${what} is on a read-only file system or cannot be written (${code}).`, `Make it writable (remount the disk read-write, check the file's mode) or point ${role === 'ledger' ? '--ledger' : 'the path'} somewhere writable. ${nothing}`);
  }
  if (code === 'EISDIR') {
    return make(`${what} is a folder, not a file (${code}).`, role === 'ledger' ? 'Give --ledger (or `ledger` in the config) the path of the ledger file, e.g. ./pre-incasso.db.' : 'Give the path of a file, not of a folder.');
  }
  if (code === 'ENOTDIR') {
    return make(`A part of ${what} is a file where a folder was expected (${code}).`, 'Check the path: every part before the file name must be a folder.');
  }
  if (DENIED.has(code)) {
    return make(`Permission denied: cannot ${role === 'ledger' ? 'open or write' : 'read or write'} ${what} (${code}).`, `Check the owner and mode of ${what} and of its folder (ls -l), and run pre-incasso as the user who owns them.`);
  }
  if (code === 'SQLITE_CANTOPEN') {
    return make(`Cannot open the ledger ${what} (${code}).`, 'Check that the path names a file (not a folder) in a folder that exists and that you may write to.');
  }
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') {
    return make(`The disk reported an input/output error on ${what} (${code}).`, `Check the disk (free space, system log); ${nothing}`);
  }
  if (code === 'ENAMETOOLONG' || code === 'ELOOP' || code === 'EMFILE' || code === 'ENFILE') {
    return make(`Cannot use ${what} (${code}: ${String(e.message ?? '')}).`, 'Check the path; a path with too many symbolic links or too long a name cannot be used.');
  }
  return undefined;
}
