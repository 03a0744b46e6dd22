// One e-mail address rule (domain/identifiers.ts) through the CLI: the import's warning, the
// plan's channel, the envelope the SMTP server sees, `doctor` and `debtor set` agree on each field.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, cliAsync, ok, workspace, writeCsv } from '../helpers/cli.js';
import { query } from '../helpers/ledger.js';
import { startSmtp, type TestSmtp } from '../helpers/mail.js';

const TODAY = '2026-09-22';
let server: TestSmtp;

beforeAll(async () => {
  server = await startSmtp();
});

afterAll(async () => {
  await server.close();
});

const FIELDS: [debtor: string, email: string, usable: boolean][] = [
  ['D1', 'jan@example.nl; boekhouding@example.nl', true],
  ['D2', 'info@bäckerei.de', true],
  ['D3', 'jürgen@müller.de', true],
  ['D4', 'geen-adres', false],
  ['D5', 'jan@example.n', false],
];

describe('e-mail addresses: one rule from import to SMTP', () => {
  it('import, plan, envelope, doctor and debtor set agree on each field', async () => {
    const dir = workspace({ config: (c) => ({ ...c, mail: { from: 'administratie@korenschoof.example', perMinute: 600, smtp: { host: '127.0.0.1', port: server.port, secure: false, requireTLS: false } } }) });
    try {
      writeCsv(dir, 'facturen.csv', [
        'Factuurnummer;Debiteurnummer;Naam;Soort;E-mail;Adres;Postcode;Plaats;Factuurdatum;Vervaldatum;Bedrag;Openstaand',
        ...FIELDS.map(([d, email], i) => `2026-${200 + i};${d};Familie ${d};particulier;"${email}";Dorpsstraat ${i + 1};3811 AB;Amersfoort;16-08-2026;01-09-2026;121,00;121,00`),
      ]);
      const imported = ok(await cliAsync(dir, ['import', 'facturen.csv', '--json', '--today', TODAY]), 'import');
      const warned = (imported.json().warnings as { code: string; message: string }[]).filter((w) => w.code === 'suspicious_email').map((w) => w.message);
      expect(warned).toEqual(FIELDS.filter(([, , usable]) => !usable).map(([d, email]) => `debtor ${d}: e-mail "${email}" does not look like an address`));

      const run = await cliAsync(dir, ['run', '--json', '--today', TODAY]);
      expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
      const channels = query<{ debtor_number: string; channels: string }>(dir, 'SELECT debtor_number, channels FROM letters ORDER BY debtor_number');
      expect(channels.map((l) => [l.debtor_number, JSON.parse(l.channels)])).toEqual(FIELDS.map(([d, , usable]) => [d, usable ? ['email'] : ['post']]));
      expect(run.json().mail).toMatchObject({ sent: 3, failed: 0 });
      // Each address of the list, and both internationalised ones (smtp-server offers SMTPUTF8 and
      // reports a punycode domain in its Unicode form; the envelope form is in mail-message.test.ts).
      expect([...server.rcptSeen].sort()).toEqual(['boekhouding@example.nl', 'info@bäckerei.de', 'jan@example.nl', 'jürgen@müller.de']);

      const doctor = cli(dir, ['doctor', '--no-smtp', '--today', TODAY]);
      expect(doctor.stdout).toContain('ok   debtor e-mail addresses: 2 not usable, their letters go by post: D4 "geen-adres", D5 "jan@example.n"');

      ok(cli(dir, ['debtor', 'set', 'D4', '--email', 'a@example.nl;b@example.nl', '--today', TODAY]), 'debtor set');
      expect(query(dir, "SELECT email FROM debtors WHERE number = 'D4'")).toEqual([{ email: 'a@example.nl, b@example.nl' }]);
      const refused = cli(dir, ['debtor', 'set', 'D5', '--email', 'jan@example.n', '--today', TODAY]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('--email "jan@example.n" is not an e-mail address');
      expect(cli(dir, ['doctor', '--no-smtp', '--today', TODAY]).stdout).toContain('debtor e-mail addresses: 1 not usable, their letters go by post: D5 "jan@example.n"');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
