/**
 * The Lua scripts of the Redis lockout store agree with the pure rules of core/pin/lockout.ts
 * on random sequences of reserve / settle / release / time steps (fast-check, real Redis).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { createTestRedis, type TestRedis } from '../support/redis.js';
import { createRedis } from '../../infra/redis.js';
import { createLockoutStore, type LockoutReservation } from '../../infra/lockout-store.js';
import { applySettle, decideReserve, emptyLockoutState, terminalPinSubject, staffPinSubject, type LockoutSubject } from '../../core/pin/lockout.js';

let t: TestRedis;
let redis: Redis;
beforeAll(async () => {
  t = await createTestRedis();
  redis = createRedis(t.url);
});
afterAll(async () => {
  redis.disconnect();
  await t.cleanup();
});

type Op = { kind: 'reserve' } | { kind: 'settle'; pick: number; success: boolean } | { kind: 'release'; pick: number } | { kind: 'wait'; ms: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Op>({ kind: 'reserve' }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('settle' as const), pick: fc.nat(), success: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 400_000 }) }) },
);

describe('Lua lockout vs the pure model', () => {
  it.each<[string, (id: string) => LockoutSubject]>([
    ['consecutive (staff PIN)', (id) => staffPinSubject(id)],
    ['windowed (terminal PIN)', (id) => terminalPinSubject(id)],
  ])('%s: same decisions and state', async (_name, subjectOf) => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 60 }), async (ops) => {
        let now = 1_700_000_000_000;
        const store = createLockoutStore({ redis, prefix: t.prefix, clock: () => now, leaseMs: 60_000 });
        const subject = subjectOf(`model-${run++}`);
        const model = emptyLockoutState();
        const open: LockoutReservation[] = [];
        for (const o of ops) {
          if (o.kind === 'wait') {
            now += o.ms;
          } else if (o.kind === 'reserve') {
            const expected = decideReserve(model, subject.policy, now);
            const got = await store.reserve([subject]);
            expect(got.ok).toBe(expected.allowed);
            if (got.ok) {
              model.inFlight.set(got.reservation.token, now + 60_000);
              open.push(got.reservation);
            } else if (!expected.allowed) {
              expect(got.denial).toMatchObject({ reason: expected.reason, retryAfterSeconds: expected.retryAfterSeconds });
            }
          } else if (open.length > 0) {
            const r = open.splice(o.pick % open.length, 1)[0]!;
            if (o.kind === 'release') {
              model.inFlight.delete(r.token);
              await store.release(r);
            } else {
              const effect = applySettle(model, subject.policy, r.token, o.success, now);
              const locks = await store.settle(r, o.success);
              expect(locks.length).toBe(effect.lockedNow ? 1 : 0);
              if (effect.lockedNow) expect(locks[0]!.level).toBe(effect.level);
            }
          }
          const st = await store.status(subject);
          const locked = model.lockedUntil === -1 || model.lockedUntil > now;
          expect(st.locked).toBe(locked);
          expect(st.level).toBe(model.level);
          const win = subject.policy.windowMs;
          expect(st.failures).toBe(win === undefined ? model.failures : model.failureTimes.filter((x) => x > now - win).length);
          expect(st.inFlight).toBe([...model.inFlight.values()].filter((exp) => exp > now).length);
        }
      }),
      { numRuns: 40 },
    );
  });
});
