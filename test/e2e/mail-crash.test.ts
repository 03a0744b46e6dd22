// At most once under a crash in the middle of a pipelined batch: `mail` killed (SIGKILL) while
// the server holds its answer to one message of a batch. The batch was committed `sending` before
// it went to the transport, so the next `mail` makes those rows `unknown` and sends none of them
// again; the messages not yet taken go out once.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliAsync, ok, workspace, writeCsv } from '../helpers/cli.js';
import { query } from '../helpers/ledger.js';
import { startSmtp, type TestSmtp } from '../helpers/mail.js';

const TODAY = '2026-09-22';
/** The DATA (0-based) whose answer is held back, and what to do when it is complete. */
let hold: { n: number; then: () => void } | null = null;
let server: TestSmtp;

beforeAll(async () => {
  server = await startSmtp({ answer: (n) => (hold?.n === n ? 'hold' : 'accept'), beforeAnswer: (n) => hold?.n === n && hold.then() });
});

afterAll(async () => {
  await server.close();
});

describe('mail killed in the middle of a batch', () => {
  it('leaves the batch `sending`, which the next run makes `unknown` and never sends twice', async () => {
    // perMinute 600: batches of 10 after the first message, which goes alone.
    const dir = workspace({ config: (c) => ({ ...c, mail: { from: 'administratie@korenschoof.example', perMinute: 600, smtp: { host: '127.0.0.1', port: server.port, secure: false, requireTLS: false } } }) });
    try {
      const rows = Array.from({ length: 14 }, (_, i) => `2026-${100 + i};D${100 + i};Familie ${i};particulier;klant${i}@example.nl;Dorpsstraat ${i + 1};3811 AB;Amersfoort;16-08-2026;01-09-2026;121,00;121,00`);
      writeCsv(dir, 'facturen.csv', ['Factuurnummer;Debiteurnummer;Naam;Soort;E-mail;Adres;Postcode;Plaats;Factuurdatum;Vervaldatum;Bedrag;Openstaand', ...rows]);
      ok(await cliAsync(dir, ['import', 'facturen.csv', '--today', TODAY]), 'import');
      ok(await cliAsync(dir, ['run', '--no-mail', '--today', TODAY]), 'run --no-mail');
      expect(query(dir, "SELECT count(*) AS n FROM outbox WHERE state = 'queued'")).toEqual([{ n: 14 }]);

      // The 4th message (the 3rd of the second batch) is in; the server keeps its answer and the
      // sender dies.
      const child = cliAsync(dir, ['mail', '--today', TODAY]);
      hold = { n: 3, then: () => child.kill('SIGKILL') };
      const killed = await child;
      hold = null;
      expect(killed.code).toBe(128);
      expect(server.rcptSeen).toEqual(['klant0@example.nl', 'klant1@example.nl', 'klant2@example.nl', 'klant3@example.nl']);
      const states = (): string[] => query<{ state: string }>(dir, 'SELECT state FROM outbox ORDER BY id').map((r) => r.state);
      // The first message's answer was committed with the start of the second batch; the second
      // batch (messages 2 to 11) is `sending`, whatever the server did with it; the rest waits.
      expect(states()).toEqual(['sent', ...Array(10).fill('sending'), 'queued', 'queued', 'queued']);

      const next = await cliAsync(dir, ['mail', '--json', '--today', TODAY]);
      expect(next.code, next.stderr).toBe(6);
      expect(next.json().mail).toMatchObject({ sent: 3, failed: 0, retry: 0, unknown: 10 });
      expect(next.stderr).toContain('the connection broke while sending; check whether it arrived');
      expect(states()).toEqual(['sent', ...Array(10).fill('unknown'), 'sent', 'sent', 'sent']);
      // No address got a message twice; the ones in the killed batch that never reached the
      // server wait for a person (`--resend-unknown`), like the ones that did.
      expect(server.rcptSeen).toEqual([...['0', '1', '2', '3', '11', '12', '13'].map((i) => `klant${i}@example.nl`)]);
      expect(new Set(server.rcptSeen).size).toBe(server.rcptSeen.length);
      expect(query(dir, "SELECT count(*) AS n FROM events WHERE kind = 'mail_unknown'")).toEqual([{ n: 10 }]);
    } finally {
      fs.rmSync(path.resolve(dir), { recursive: true, force: true });
    }
  }, 60_000);
});
