// `letters --posted <date>`: record when printed letters went to the post. Terms and the handover
// count from the later of the letter date and the posting date (the delivery presumption of the
// posting day applies), so a batch printed on Friday and posted on Monday gets its full term.
import fs from 'node:fs';
import path from 'node:path';
import { openLedger, type Db } from '../ledger/ledger.js';
import { selectPostLetterIds, type LetterSelection } from '../ledger/letter-documents.js';
import { readPostableLetters, recordPostings, type PostableLetter } from '../ledger/postings.js';
import { AppError } from '../errors.js';
import { tokenizeString } from '../importers/csv-tokenizer.js';

export interface PostingResult {
  recorded: PostableLetter[];
  /** Letters in the selection that do not go by post: nothing recorded for them. */
  skipped: { id: number; reason: string }[];
}

/** The letter ids of a print batch's manifest CSV (`letters --combined` writes it; column "brief"). */
export function manifestLetterIds(text: string, file: string): number[] {
  const { records } = tokenizeString(text.replace(/^\uFEFF/, ''), { delimiter: ';' });
  const [header, ...rows] = records;
  const col = header ? header.fields.indexOf('brief') : -1;
  if (!header || col < 0) {
    throw new AppError('input_invalid', `${file}:1: no column "brief" (the letter number) in this manifest.`, { hint: 'Give the .manifest.csv that `letters --combined` wrote next to the print PDF.' });
  }
  return rows
    .filter((r) => r.fields.some((f) => f.trim() !== ''))
    .map((r) => {
      const v = (r.fields[col] ?? '').trim();
      if (!/^[1-9][0-9]{0,11}$/.test(v)) throw new AppError('input_invalid', `${file}:${r.line}: "${v}" in column "brief" is not a letter number.`, { hint: 'Use the manifest unchanged.' });
      return Number(v);
    });
}

/** Records the posting date of the selected post letters in one transaction; nothing half-written. */
export function postLetters(db: Db, ids: number[], postedOn: string, today: string): PostingResult {
  if (postedOn > today) throw new AppError('usage', `--posted ${postedOn} lies after today (${today}).`, { hint: 'Record a posting when the letters were handed to the post, not before.' });
  const letters = readPostableLetters(db, ids);
  const missing = ids.filter((id) => !letters.some((l) => l.id === id));
  if (missing.length > 0) throw new AppError('not_found', `No letter ${missing.join(', ')} in the ledger.`, { hint: '`pre-incasso letters` lists the recorded letters.' });
  const skipped: PostingResult['skipped'] = [];
  const post: PostableLetter[] = [];
  for (const l of letters) {
    if (!l.channels.includes('post')) skipped.push({ id: l.id, reason: 'does not go by post' });
    else if (postedOn < l.date) {
      throw new AppError('usage', `--posted ${postedOn} is before the date of letter ${l.id} (${l.date}).`, { hint: 'A letter cannot be posted before its date; check the date or the selection.' });
    } else post.push(l);
  }
  db.transaction(() => recordPostings(db, post, postedOn, today))();
  return { recorded: post, skipped };
}

export interface PostingRequest {
  ledgerPath: string;
  commandLine: string;
  cwd: string;
  today: string;
  postedOn: string;
  /** The print batch's manifest (as given, relative to cwd); else the selection. */
  manifest?: string | undefined;
  selection: Omit<LetterSelection, 'channel'>;
}

/** `letters --posted`: reads the manifest or the selection, then records the posting. */
export function recordPosting(req: PostingRequest): PostingResult {
  let manifestIds: number[] | null = null;
  if (req.manifest !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(path.resolve(req.cwd, req.manifest), 'utf8');
    } catch (error) {
      throw new AppError('input_invalid', `${req.manifest} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
    }
    manifestIds = manifestLetterIds(text, req.manifest);
  } else if (req.selection.run === undefined && req.selection.debtor === undefined && req.selection.since === undefined) {
    throw new AppError('usage', '--posted needs a selection: --run, --debtor, --since or --manifest.', { hint: 'For example: pre-incasso letters --posted 2026-11-30 --run 12' });
  }
  const ledger = openLedger(req.ledgerPath, { command: req.commandLine });
  try {
    const ids = manifestIds ?? selectPostLetterIds(ledger.db, req.selection);
    return postLetters(ledger.db, ids, req.postedOn, req.today);
  } finally {
    ledger.close();
  }
}
