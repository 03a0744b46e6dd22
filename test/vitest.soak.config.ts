import { defineConfig } from 'vitest/config';

// `npm run soak`: the model-based seasons of test/model/book.soak.ts, not part of `npm test`.
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/model/**/*.soak.ts'],
    testTimeout: 6 * 60 * 60_000,
    pool: 'forks',
    env: { TZ: 'Europe/Amsterdam', NO_COLOR: '1' },
  },
});
