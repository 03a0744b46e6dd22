// When a printed letter was handed to the postal service (issue 17). The term of a letter and the
// handover's `dispatched` count from the later of the letter date and this posting date; without
// a row the letter date is presumed. A table of its own, so the letters table stays as it is.
import { DATE_CHECK } from './checks.js';

export const version = 12;
export const name = 'letter-postings';
export const sql = `
CREATE TABLE letter_postings (
  letter_id    INTEGER PRIMARY KEY REFERENCES letters(id),
  posted_on    TEXT NOT NULL CHECK (${DATE_CHECK('posted_on')}),
  recorded_at  TEXT NOT NULL
);
`;
