import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import bcrypt from 'bcryptjs';
import { createPinHasher, type PinHasher } from '../../infra/pin-hasher.js';
import { pepperedPin } from '../../core/pin/lookup.js';
import { isAppError } from '../../core/errors.js';

const PEPPER = 'p'.repeat(32);

describe('PIN hasher pool', () => {
  let hasher: PinHasher;
  beforeAll(() => {
    hasher = createPinHasher({ threads: 2, cost: 4 });
  });
  afterAll(async () => {
    await hasher.close();
  });

  it('hashes the peppered PIN with bcrypt at the requested cost and verifies it', async () => {
    const hash = await hasher.hashPin(PEPPER, '4829');
    expect(hash).toMatch(/^\$2b\$04\$.{53}$/);
    expect(hash).not.toContain('4829');
    expect(await hasher.verifyPin(PEPPER, '4829', hash)).toBe(true);
    expect(await hasher.verifyPin(PEPPER, '4828', hash)).toBe(false);
    // what bcrypt saw is the HMAC, not the PIN: a plain bcrypt of the PIN does not match
    expect(bcrypt.compareSync('4829', hash)).toBe(false);
    expect(bcrypt.compareSync(pepperedPin(PEPPER, '4829'), hash)).toBe(true);
    expect(await hasher.hashPin(PEPPER, '4829', 5)).toMatch(/^\$2b\$05\$/);
  });

  it('is useless without the right pepper', async () => {
    const hash = await hasher.hashPin(PEPPER, '4829');
    expect(await hasher.verifyPin('q'.repeat(32), '4829', hash)).toBe(false);
  });

  it('answers false for a malformed hash and rejects bad input without echoing the PIN', async () => {
    expect(await hasher.verifyPin(PEPPER, '4829', 'not-a-hash')).toBe(false);
    expect(await hasher.verifyPin(PEPPER, '4829', '$2b$04$' + 'x'.repeat(53))).toBe(false);
    const e = await hasher.hashPin(PEPPER, '48a9').catch((x: unknown) => x);
    expect(isAppError(e) && e.code).toBe('VALIDATION_FAILED');
    expect(String((e as Error).message)).not.toContain('48a9');
    const c = await hasher.hashPin(PEPPER, '4829', 3).catch((x: unknown) => x);
    expect(isAppError(c) && c.code).toBe('VALIDATION_FAILED');
  });

  it('detects reuse among the last 3 PINs only', async () => {
    const h = await Promise.all(['1111', '2222', '3333', '4444'].map((p) => hasher.hashPin(PEPPER, p)));
    const history = [...h].reverse(); // newest first: 4444, 3333, 2222, 1111
    expect(await hasher.isReused(PEPPER, '2222', history)).toBe(true);
    expect(await hasher.isReused(PEPPER, '4444', history)).toBe(true);
    expect(await hasher.isReused(PEPPER, '1111', history)).toBe(false); // 4th newest: allowed again
    expect(await hasher.isReused(PEPPER, '5555', history)).toBe(false);
    expect(await hasher.isReused(PEPPER, '5555', [])).toBe(false);
  });

  it('refuses work after close', async () => {
    const h = createPinHasher({ threads: 1, cost: 4 });
    await h.close();
    const e = await h.hashPin(PEPPER, '4829').catch((x: unknown) => x);
    expect(isAppError(e) && e.code).toBe('INTERNAL');
  });

  it('keeps the event loop free during 20 concurrent verifications at cost 10', async () => {
    const pool = createPinHasher({ cost: 10 });
    try {
      const hash = await pool.hashPin(PEPPER, '4829');
      // one verification on the main thread, for scale
      const t0 = performance.now();
      bcrypt.compareSync(pepperedPin(PEPPER, '4829'), hash);
      const oneVerificationMs = performance.now() - t0;

      let last = performance.now();
      let maxGap = 0;
      let ticks = 0;
      const timer = setInterval(() => {
        const t = performance.now();
        maxGap = Math.max(maxGap, t - last);
        last = t;
        ticks++;
      }, 5);
      const started = performance.now();
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => pool.verifyPin(PEPPER, i % 2 ? '4829' : '4820', hash)));
      const burstMs = performance.now() - started;
      clearInterval(timer);

      expect(results.filter(Boolean)).toHaveLength(10);
      expect(burstMs).toBeGreaterThan(oneVerificationMs); // the burst really took a while
      expect(ticks).toBeGreaterThan(burstMs / 5 / 3);
      expect(maxGap).toBeLessThan(50);
      expect(maxGap).toBeLessThan(oneVerificationMs);
    } finally {
      await pool.close();
    }
  });
});
