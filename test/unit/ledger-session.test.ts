// A workflow's ledger is closed whatever the job does: returns, throws, resolves or rejects.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/ledger/ledger.js';
import { withLedger, type LedgerAt } from '../../src/workflows/ledger-session.js';
import { openLedgerCopy } from '../../src/ledger/copy.js';
import { openLedger } from '../../src/ledger/ledger.js';

let dir: string;
let at: LedgerAt;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pay-session-'));
  at = { ledgerPath: path.join(dir, 'ledger.db'), commandLine: 'pre-incasso test' };
  openLedger(at.ledgerPath, { create: true }).close();
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('withLedger', () => {
  it.each([
    ['returns', (db: Db) => db.prepare('SELECT 1 AS one').get(), false],
    ['throws', () => { throw new Error('boom'); }, true],
  ] as const)('closes the ledger when the job %s', (_name, job, throws) => {
    let seen: Db | null = null;
    const run = (): unknown => withLedger(at, {}, (db) => { seen = db; return job(db); });
    if (throws) expect(run).toThrow('boom');
    else expect(run()).toEqual({ one: 1 });
    expect(seen!.open).toBe(false);
  });

  it.each([
    ['resolves', async (): Promise<number> => 7, null],
    ['rejects', async (): Promise<number> => { throw new Error('late'); }, 'late'],
  ] as const)('closes the ledger only once the promise %s', async (_name, job, error) => {
    let seen: Db | null = null;
    const p = withLedger(at, {}, (db): Promise<number> => { seen = db; return job(); });
    expect(seen!.open).toBe(true);
    if (error) await expect(p).rejects.toThrow(error);
    else await expect(p).resolves.toBe(7);
    expect(seen!.open).toBe(false);
  });

  it('a read-only job leaves the file byte-identical and a later writer finds no lock', () => {
    const before = fs.readFileSync(at.ledgerPath);
    withLedger(at, { readonly: true }, (db) => db.prepare('SELECT count(*) FROM invoices').get());
    expect(fs.readFileSync(at.ledgerPath).equals(before)).toBe(true);
    withLedger(at, {}, (db) => db.prepare("INSERT INTO debtors (number, name, type, language) VALUES ('1', 'A', 'business', 'nl')").run());
    expect(withLedger(at, { readonly: true }, (db) => db.prepare('SELECT count(*) AS n FROM debtors').get())).toEqual({ n: 1 });
  });
});

describe('openLedgerCopy', () => {
  it('writes to the copy never reach the file', () => {
    const before = fs.readFileSync(at.ledgerPath);
    const copy = openLedgerCopy(at.ledgerPath);
    copy.db.prepare("INSERT INTO debtors (number, name, type, language) VALUES ('2', 'B', 'business', 'nl')").run();
    expect(copy.db.prepare('SELECT count(*) AS n FROM debtors').get()).toEqual({ n: 1 });
    copy.close();
    expect(copy.db.open).toBe(false);
    expect(fs.readFileSync(at.ledgerPath).equals(before)).toBe(true);
  });
});
