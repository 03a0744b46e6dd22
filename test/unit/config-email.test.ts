// The config's addresses (creditor.email, notify.email, mail.replyTo, mail.bcc) follow the one
// e-mail rule of domain/identifiers.ts that the import, the plan and the mail use: an address the
// mail would send to is never refused by the config, nor the other way round.
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { isEmailAddress } from '../../src/domain/identifiers.js';
import { exampleConfig } from '../helpers/cli.js';

const cases: [string, boolean][] = [
  ['incasso@bakkerij-de-vries.nl', true],
  ['jan@bücher.de', true],
  ['zoë@example.nl', true],
  ['jan@example', false],
  ['a@x.nl;b@y.nl', false],
  ['jan@example.123', false],
  [' jan@example.nl', false],
];

describe('config e-mail addresses: the same rule as the mail', () => {
  it.each(cases)('%s → %s', (address, valid) => {
    expect(isEmailAddress(address)).toBe(valid);
    const config = exampleConfig();
    for (const put of [
      (c: any) => (c.creditor.email = address),
      (c: any) => (c.mail.replyTo = address),
      (c: any) => (c.mail.bcc = address),
    ]) {
      const c = structuredClone(config);
      put(c);
      delete c.$schema;
      expect(configSchema.safeParse(c).success).toBe(valid);
    }
  });
});
