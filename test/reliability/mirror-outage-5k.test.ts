/**
 * Issue 8, full size: MariaDB (a second mariadbd started and stopped by the test) is stopped in
 * the middle of a stream of 5,000 writes; after it is back and the retries and replay have run,
 * parity is exact and the dead-letter queue is empty.
 * Slow, so outside `npm test` (vitest.config.ts excludes test/reliability/); run it with a config
 * that includes it, e.g. `npx vitest run --config vitest.reliability.config.ts`.
 */
import { describe, it } from 'vitest';
import { outageScenario } from '../mirror/scenarios.js';

describe('mirror through a MariaDB outage, 5,000 writes', () => {
  it('ends in exact parity with no dead letter pending', { timeout: 600_000 }, () => outageScenario(5000));
});
