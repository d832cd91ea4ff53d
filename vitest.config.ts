import { defineConfig } from 'vitest/config';

// Tests import workspace packages from source (the "@knsim/source" export condition), so they
// never run against a stale dist/.
const conditions = ['@knsim/source', 'node', 'import', 'module', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    pool: 'forks',
    testTimeout: 60_000,
    reporters: ['default', './test/support/summaryReporter.ts'],
  },
});
