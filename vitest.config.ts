import { defineConfig } from 'vitest/config';

/**
 * Test layout: unit tests sit next to their code (`core/**\/*.test.ts`), integration, contract
 * and reliability suites live in `test/`. Every suite talks to the real MariaDB and Redis
 * (each run in its own database / key prefix) and to the embedded emulator through the real SDKs.
 */
export default defineConfig({
  test: {
    include: ['{core,infra,gateway,functions,collections,emulator,scripts,test}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', 'test/reliability/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
