// From the validated config to the engine's policy and the creditor block of every letter.
import { eurosToCents } from '../domain/money.js';
import { normaliseIban } from '../domain/identifiers.js';
import type { Policy } from '../domain/plan.js';
import type { CreditorSnapshot } from '../domain/letter.js';
import type { Config } from './schema.js';

export function creditorSnapshot(config: Config): CreditorSnapshot {
  const c = config.creditor;
  return {
    name: c.name,
    address: { street: c.address.street, postcode: c.address.postcode, city: c.address.city, country: c.address.country },
    kvk: c.kvk,
    vatNumber: c.vatNumber ?? null,
    iban: normaliseIban(c.iban),
    bic: c.bic ?? null,
    email: c.email,
    phone: c.phone ?? null,
    contactPerson: c.contactPerson ?? null,
  };
}

export function policyFromConfig(config: Config): Policy {
  return {
    stages: config.stages.map((s) => ({ id: s.id, after: s.after, channels: s.channels, final: s.final === true })),
    handoverAfter: config.handover.after,
    minimumCents: eurosToCents(config.minimumAmount),
    creditor: creditorSnapshot(config),
  };
}
