// The whole test suite: small tests next to the code, medium and end-to-end tests in packages/*/test.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      '@cityops/contracts': fileURLToPath(
        new URL('./packages/contracts/src/index.ts', import.meta.url),
      ),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'bench/**/*.test.ts'],
    globalSetup: ['packages/server/test/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    // Browser tests poll the page for what the server sends; with the whole suite
    // on two cores, a map redrawn in software or a first page can take over 1 s.
    expect: { poll: { timeout: 5_000 } },
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
