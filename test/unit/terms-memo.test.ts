// The stage terms derived from the config are remembered between commands (config/load.ts keeps
// them in the cache folder): a remembered answer must be the derived one, it is asked for again in
// another month or under other stages, and a config whose terms do not fit is never remembered.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../src/config/schema.js';
import { policyFromConfig } from '../../src/config/policy.js';
import { loadLaw, rememberTermsWith, type TermsMemo } from '../../src/config/law.js';
import { ROOT } from '../helpers/cli.js';
import type { StageTerm } from '../../src/domain/verzuim.js';

function config(edit: (c: any) => void = () => {}): Config {
  const raw = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', 'pre-incasso.config.json'), 'utf8'));
  delete raw.$schema;
  edit(raw);
  return configSchema.parse(raw);
}

function recordingMemo(): TermsMemo & { store: Map<string, StageTerm[]>; gets: number } {
  const store = new Map<string, StageTerm[]>();
  const memo = {
    store,
    gets: 0,
    get(key: string) {
      memo.gets++;
      return store.get(key);
    },
    set(key: string, terms: StageTerm[]) {
      store.set(key, JSON.parse(JSON.stringify(terms)));
    },
  };
  return memo;
}

describe('remembered stage terms', () => {
  const law = loadLaw(null);
  const plain = policyFromConfig(config(), law, '2026-10-20');

  it('give the derived terms, per month and per stages', () => {
    const memo = recordingMemo();
    const remembering = { ...law };
    rememberTermsWith(remembering, memo);
    expect(policyFromConfig(config(), remembering, '2026-10-20').terms).toEqual(plain.terms);
    expect(memo.store.size).toBe(1);
    expect(policyFromConfig(config(), remembering, '2026-10-03').terms).toEqual(plain.terms);
    expect(memo.store.size).toBe(1);
    policyFromConfig(config(), remembering, '2026-11-02');
    policyFromConfig(config((c) => (c.stages[1].after += 7)), remembering, '2026-10-20');
    expect(memo.store.size).toBe(3);
    expect(policyFromConfig(config((c) => (c.stages[1].after += 7)), remembering, '2026-10-20').terms)
      .toEqual(policyFromConfig(config((c) => (c.stages[1].after += 7)), law, '2026-10-20').terms);
  });

  it('are not remembered when a configured term does not fit: the error comes every time', () => {
    const memo = recordingMemo();
    const remembering = { ...law };
    rememberTermsWith(remembering, memo);
    const bad = config((c) => (c.stages[0].termDays = c.stages[1].after + 30));
    expect(() => policyFromConfig(bad, remembering, '2026-10-20')).toThrow(/termDays/);
    expect(memo.store.size).toBe(0);
    expect(() => policyFromConfig(bad, remembering, '2026-10-20')).toThrow(/termDays/);
  });
});
