import { defineConfig } from 'vitest/config';

/**
 * `npm run test:reliability`: the slow suites of test/reliability/ (bad-input fuzzing of every
 * gateway route, load, Redis / MariaDB / Appwrite / gateway faults, full-size mirror parity and
 * outage). Files run one after another (they start their own servers and load the machine);
 * each test reports its counts, printed and written to .data/reliability-report.json by the
 * summary reporter.
 */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default', './test/reliability/support/summary-reporter.ts'],
  },
});
