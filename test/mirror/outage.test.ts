/**
 * MariaDB stopped mid-stream, quick size (1,000 writes): a second mariadbd on its own port and
 * data directory is stopped and started again by the test. The full figure (5,000
 * writes) runs in test/reliability/mirror-outage-5k.test.ts.
 */
import { describe, it } from 'vitest';
import { outageScenario } from './scenarios.js';

describe('mirror through a MariaDB outage', () => {
  it('1,000 writes with MariaDB stopped mid-stream: exact parity and an empty dead-letter queue after retries and replay', { timeout: 180_000 }, () => outageScenario(1000));
});
