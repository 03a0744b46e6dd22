// `letters show` and `mail show`: a letter's PDF or an e-mail exactly as the ledger stored it,
// checked against the SHA-256 recorded when it was made, and written to a file when asked.
import { createHash } from 'node:crypto';
import { AppError } from '../errors.js';
import { readLetterPdf, readOutboxMessage } from '../ledger/letter-admin.js';
import { withLedger, type LedgerAt } from './ledger-session.js';
import { writePrivateFile } from './private-file.js';

type StoredLetter = NonNullable<ReturnType<typeof readLetterPdf>> & { pdf: Buffer };
type StoredMessage = NonNullable<ReturnType<typeof readOutboxMessage>> & { eml: Buffer };

/** The bytes' SHA-256, refused when the ledger recorded another one; written to `file` when given. */
function verifiedCopy(bytes: Uint8Array, recorded: string | null, mismatch: () => AppError, file: string | null): string {
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (recorded && actual !== recorded) throw mismatch();
  if (file !== null) writePrivateFile(file, bytes);
  return actual;
}

/** `letters show <letter>`: `shown` is the number as the user wrote it; `file` the absolute path to write, if any. */
export function showLetterPdf(at: LedgerAt, letterId: number, shown: string, file: string | null): { letter: StoredLetter; sha256: string } {
  return withLedger(at, { readonly: true }, (db) => {
    const l = readLetterPdf(db, letterId);
    if (!l) throw new AppError('not_found', `No letter ${shown} in the ledger.`, { hint: 'The letter numbers are in `pre-incasso debtor <number>`.' });
    if (!l.pdf) throw new AppError('input_invalid', `Letter ${shown} has no PDF yet.`, { hint: 'Render it with `pre-incasso letters --out <dir>` or the next `run`.' });
    const mismatch = (): AppError => new AppError('ledger_corrupt', `Letter ${shown}: the stored PDF does not match its recorded SHA-256.`, { hint: 'Restore the ledger from a backup; `pre-incasso doctor` checks it.' });
    return { letter: l as StoredLetter, sha256: verifiedCopy(l.pdf, l.sha256, mismatch, file) };
  });
}

/** `mail show <message>`: by outbox number or Message-ID; `file` the absolute path of the .eml to write, if any. */
export function showOutboxMessage(at: LedgerAt, key: string, file: string | null): { message: StoredMessage; sha256: string } {
  return withLedger(at, { readonly: true }, (db) => {
    const m = readOutboxMessage(db, key);
    if (!m) throw new AppError('not_found', `No e-mail "${key}" in the outbox.`, { hint: 'Give the outbox number (in `pre-incasso debtor <number>`) or the Message-ID.' });
    if (!m.eml) throw new AppError('input_invalid', `E-mail ${m.id} was not composed yet (state ${m.state}).`, { hint: '`pre-incasso mail --dry-run --out <dir>` shows what it will look like.' });
    const mismatch = (): AppError => new AppError('ledger_corrupt', `E-mail ${m.id}: the stored message does not match its recorded SHA-256.`, { hint: 'Restore the ledger from a backup.' });
    return { message: m as StoredMessage, sha256: verifiedCopy(m.eml, m.sha256, mismatch, file) };
  });
}
