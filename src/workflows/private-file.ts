// Writing a file that holds debtor data: mode 0600, folder 0700 when created, never through a
// symlink (a link planted at the path could send the data elsewhere).
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.js';

export function writePrivateFile(file: string, content: string | Uint8Array): void {
  const dir = path.dirname(file);
  if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  let st: fs.Stats | undefined;
  try {
    st = fs.lstatSync(file);
  } catch {
    st = undefined;
  }
  if (st?.isSymbolicLink()) throw new AppError('input_invalid', `${file} is a symbolic link; pre-incasso does not write through links.`, { hint: 'Remove the link or choose another file name.' });
  if (st && !st.isFile()) throw new AppError('input_invalid', `${file} exists and is not a file.`, { hint: 'Choose another file name.' });
  const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_NOFOLLOW, 0o600);
  try {
    fs.fchmodSync(fd, 0o600);
    fs.writeSync(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
  } finally {
    fs.closeSync(fd);
  }
}
