// Letters are rendered in batches, each batch stored in one transaction (issue 16). The crash
// guarantee stays: a recorded letter is rendered into exactly one stored document, never lost,
// never two. Here a real SQLite failure (a trigger that aborts the store of one letter) breaks
// the second batch of a run; the first batch stays stored, nothing of the second is, and the next
// command renders the rest, each letter once, to the bytes its hash says.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { CSV_HEADER, cli, ok, workspace, writeCsv } from '../helpers/cli.js';
import { query } from '../helpers/ledger.js';

const LETTERS = 70; // two batches of 50 and 20
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('a crash in the middle of rendering', () => {
  it('keeps the stored batches, loses nothing, and the next command renders every letter exactly once', () => {
    const dir = workspace();
    dirs.push(dir);
    const rows = [CSV_HEADER];
    for (let i = 0; i < LETTERS; i++) rows.push(`F-${i};D${100 + i};Debiteur ${i};particulier;;Straat ${i};1011 AA;Amsterdam;01-08-2026;31-08-2026;${100 + i},00;${100 + i},00`);
    writeCsv(dir, 'open.csv', rows);
    ok(cli(dir, ['import', 'open.csv', '--today', '2026-09-20']), 'import');

    // The disk "fails" while the second batch is stored: the letter in the middle of it cannot be written.
    const db = new Database(path.join(dir, 'pre-incasso.db'));
    db.exec("CREATE TRIGGER crash_at_60 BEFORE UPDATE OF pdf ON letters WHEN NEW.id = 60 BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END");
    db.close();
    const crashed = cli(dir, ['run', '--no-mail', '--today', '2026-09-25']);
    expect(crashed.code, crashed.stderr).not.toBe(0);
    expect(crashed.stderr).toContain('simulated disk failure');

    const after = query<{ id: number; stored: number }>(dir, 'SELECT id, pdf IS NOT NULL AS stored FROM letters ORDER BY id');
    expect(after).toHaveLength(LETTERS); // every letter was recorded before rendering began
    expect(after.filter((l) => l.stored === 1).map((l) => l.id)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(query(dir, "SELECT 1 FROM events WHERE kind = 'letter_rendered'")).toHaveLength(50);

    const fixed = new Database(path.join(dir, 'pre-incasso.db'));
    fixed.exec('DROP TRIGGER crash_at_60');
    fixed.close();
    const first = query<{ id: number; pdf_sha256: string }>(dir, 'SELECT id, pdf_sha256 FROM letters WHERE pdf IS NOT NULL ORDER BY id');
    ok(cli(dir, ['letters', '--out', 'pdf', '--today', '2026-09-25']), 'letters');

    const letters = query<{ id: number; pdf: Buffer; pdf_sha256: string }>(dir, 'SELECT id, pdf, pdf_sha256 FROM letters ORDER BY id');
    expect(letters).toHaveLength(LETTERS);
    for (const l of letters) expect(createHash('sha256').update(l.pdf).digest('hex'), `letter ${l.id}`).toBe(l.pdf_sha256);
    // The first batch was not rendered a second time.
    for (const f of first) expect(letters.find((l) => l.id === f.id)!.pdf_sha256).toBe(f.pdf_sha256);
    const events = query<{ letter: number; n: number }>(dir, "SELECT json_extract(data, '$.letter_id') AS letter, count(*) AS n FROM events WHERE kind = 'letter_rendered' GROUP BY letter ORDER BY letter");
    expect(events.map((e) => e.letter)).toEqual(letters.map((l) => l.id));
    expect(events.every((e) => e.n === 1)).toBe(true);
    expect(fs.readdirSync(path.join(dir, 'pdf'))).toHaveLength(LETTERS);
  });
});
