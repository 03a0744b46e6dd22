// `mail --dry-run --out <dir>`: the messages the next delivery would send, written as .eml files,
// without changing the ledger.
import path from 'node:path';
import type { OutboxState } from '../domain/outbox.js';
import type { Db } from '../ledger/ledger.js';
import { readLetterMessage, readMessages, unqueuedLetters, waitingIds, type OutboxMessage, type UnqueuedLetter } from '../ledger/outbox.js';
import { letterFileName } from '../mail/message.js';
import { ensureDir, writeFileSafe } from '../platform/files.js';
import { composeForLetter, type MessageSettings } from './deliver-outbox.js';

export interface EmlFile {
  /** Full path of the written file. */
  file: string;
  letterId: number;
  debtorNumber: string;
  to: string;
  /** The outbox state, or `not_queued` for an e-mail letter that `queueLetters` would queue. */
  state: OutboxState | 'not_queued';
  /** True when the file holds the stored bytes that will be (re)sent, not a fresh composition. */
  stored: boolean;
}

export interface EmlPreview {
  files: EmlFile[];
  noAddress: UnqueuedLetter[];
}

export interface PreviewOptions {
  /** The Date header of messages not composed yet. */
  now: Date;
  message: MessageSettings;
  resendUnknown?: boolean;
}

/**
 * Writes the messages the next delivery would send as `<date>_<debtor>_<stage>.eml` files into
 * `dir`, without changing the ledger. Stored messages are written as stored; the others are
 * composed as they would be now.
 */
export async function writeOutboxEml(db: Db, dir: string, options: PreviewOptions): Promise<EmlPreview> {
  // What the next `mail` would send: the waiting outbox rows, then the e-mail letters it would
  // queue first. Rows are read one at a time (they carry the PDF and the message).
  const unqueued = unqueuedLetters(db);
  const pending: (() => OutboxMessage | undefined)[] = [
    ...waitingIds(db, options.resendUnknown === true).map((id) => () => readMessages(db, [id])[0]),
    ...unqueued.queueable.map((l) => () => readLetterMessage(db, l.letterId, l.to)),
  ];
  const preview: EmlPreview = { files: [], noAddress: unqueued.noAddress };
  ensureDir(dir);
  const used = new Set<string>();
  for (const read of pending) {
    const row = read();
    if (!row || (row.eml === null && row.pdf === null)) continue;
    const eml = row.eml ?? (await composeForLetter(row, options.message, options.now)).eml;
    let name = letterFileName({ id: row.letter_id, date: row.date, debtorNumber: row.debtor_number, stageId: row.stage_id }, 'eml');
    // Two debtor numbers can sanitise to the same name ("A/1" and "A_1"): never overwrite.
    if (used.has(name)) name = name.replace(/\.eml$/, `_${row.letter_id}.eml`);
    used.add(name);
    const file = path.join(dir, name);
    // Mode 0600: the message holds a debtor's personal data, like the ledger (AVG art. 32).
    writeFileSafe(file, eml);
    preview.files.push({
      file,
      letterId: row.letter_id,
      debtorNumber: row.debtor_number,
      to: row.to_address,
      state: row.id !== null && row.state !== null ? row.state : 'not_queued',
      stored: row.eml !== null,
    });
  }
  return preview;
}
