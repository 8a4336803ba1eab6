/**
 * Parity under at-least-once, out-of-order delivery, quick size (2,000 writes). The issue's
 * full figure (10,000 writes) runs in test/reliability/mirror-parity-10k.test.ts.
 */
import { describe, it } from 'vitest';
import { parityScenario } from './scenarios.js';

describe('mirror parity under duplicated and reordered delivery', () => {
  it('2,000 random creates, updates and deletes end in exact parity; reconcile repairs nothing', { timeout: 120_000 }, () => parityScenario(2000));
});
