// Writing the report's files: 0600 (they hold debtors' names and amounts), folders 0700, through
// a temp file and a rename, so a symlink at the target is replaced, never written through, and a
// half-written report never stands under the real name.
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.js';

function cannotWrite(target: string, error: unknown): AppError {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  return new AppError('input_invalid', `Cannot write ${target} (${code}: ${(error as Error).message}).`, {
    hint: 'Give a path in a folder you can write to; folders are created when missing.',
    cause: error,
  });
}

export function ensureDir(dir: string): string {
  const full = path.resolve(dir);
  try {
    fs.mkdirSync(full, { recursive: true, mode: 0o700 });
    if (!fs.statSync(full).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (error) {
    throw cannotWrite(full, error);
  }
  return full;
}

export function writePrivateFile(target: string, content: string): string {
  const full = path.resolve(target);
  const dir = ensureDir(path.dirname(full));
  const tmp = path.join(dir, `.${path.basename(full)}.${process.pid}.tmp`);
  try {
    fs.rmSync(tmp, { force: true });
    fs.writeFileSync(tmp, content, { mode: 0o600, flag: 'wx' });
    fs.renameSync(tmp, full);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw cannotWrite(full, error);
  }
  return full;
}
