/**
 * Issue 8, full size: 10,000 random creates, updates and deletes across soft-delete tables,
 * hard-delete tables and users, with the emulator duplicating (30 %) and reordering deliveries,
 * end in exact parity; the reconcile sweep repairs nothing.
 * Slow, so outside `npm test` (vitest.config.ts excludes test/reliability/); run it with a config
 * that includes it, e.g. `npx vitest run --config vitest.reliability.config.ts`.
 */
import { describe, it } from 'vitest';
import { parityScenario } from '../mirror/scenarios.js';

describe('mirror parity, 10,000 writes', () => {
  it('ends in exact parity under duplicated and reordered delivery', { timeout: 600_000 }, () => parityScenario(10_000));
});
