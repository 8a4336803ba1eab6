import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createTestRedis, type TestRedis } from '../support/redis.js';
import { createRedis } from '../../infra/redis.js';
import { createLockoutStore, type LockoutStore } from '../../infra/lockout-store.js';
import {
  lockoutError,
  passwordLoginSubject,
  staffPinSubject,
  terminalPinSubject,
  type LockoutSubject,
} from '../../core/pin/lockout.js';
import { isAppError } from '../../core/errors.js';

const MIN = 60_000;
let t: TestRedis;
const clients: Redis[] = [];
let clockMs = Date.UTC(2026, 0, 5, 9, 0, 0);
const clock = () => clockMs;

/** A store on its own connection, as a gateway process would have. */
async function newStore(): Promise<LockoutStore> {
  const redis = createRedis(t.url);
  clients.push(redis);
  return createLockoutStore({ redis, prefix: t.prefix, clock });
}

/** One attempt: reserve, then settle with `correct`. */
async function attempt(store: LockoutStore, subjects: LockoutSubject[], correct: boolean) {
  const r = await store.reserve(subjects);
  if (!r.ok) return r;
  const locks = await store.settle(r.reservation, correct);
  return { ok: true as const, locks };
}

beforeAll(async () => {
  t = await createTestRedis();
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await t.cleanup();
});

describe('lockout store on Redis', () => {
  it('evaluates at most 5 of 100 concurrent wrong PINs from 3 terminals, then refuses the right PIN; the lock survives a restart', async () => {
    const stores = [await newStore(), await newStore(), await newStore()];
    const staff = staffPinSubject('staff-100');
    let evaluated = 0;
    const results = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const store = stores[i % 3]!;
        const r = await store.reserve([staff, terminalPinSubject(`term-100-${i % 3}`)]);
        if (!r.ok) return r.denial;
        evaluated++;
        await new Promise((res) => setTimeout(res, 5)); // a verification takes time
        await store.settle(r.reservation, false);
        return null;
      }),
    );
    expect(evaluated).toBeLessThanOrEqual(5);
    expect(evaluated).toBeGreaterThanOrEqual(1);
    const denials = results.filter((d) => d !== null);
    expect(denials).toHaveLength(100 - evaluated);
    expect(denials.every((d) => d!.kind === 'staff_pin')).toBe(true);

    // keep going until the 5th failure is in (all slots settled now)
    while ((await stores[0]!.status(staff)).locked === false) {
      const r = await attempt(stores[0]!, [staff], false);
      expect(r.ok).toBe(true);
      evaluated++;
    }
    expect(evaluated).toBe(5);

    const right = await stores[1]!.reserve([staff, terminalPinSubject('term-100-1')]);
    expect(right.ok).toBe(false);
    if (right.ok) return;
    expect(right.denial).toMatchObject({ kind: 'staff_pin', reason: 'locked', retryAfterSeconds: 30 });
    const err = lockoutError(right.denial);
    expect(err.code).toBe('PIN_LOCKED');
    expect(err.status).toBe(429);
    expect(err.retryAfterSeconds).toBe(30);

    // "restart": a brand-new connection and store instance sees the same lock
    const restarted = await newStore();
    const s = await restarted.status(staff);
    expect(s).toMatchObject({ locked: true, level: 1, retryAfterSeconds: 30, untilUnlocked: false, inFlight: 0 });
    const again = await restarted.reserve([staff]);
    expect(again.ok).toBe(false);
  });

  it('grows the backoff 30 s, 1 min, 5 min, 15 min, then locks until a Manager unlocks', async () => {
    const store = await newStore();
    const staff = staffPinSubject('staff-backoff');
    const seen: (number | null)[] = [];
    for (let lock = 0; lock < 5; lock++) {
      let applied: Awaited<ReturnType<LockoutStore['settle']>> = [];
      for (let i = 0; i < 5; i++) {
        const r = await store.reserve([staff]);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        applied = await store.settle(r.reservation, false);
        if (i < 4) expect(applied).toEqual([]);
      }
      expect(applied).toHaveLength(1);
      expect(applied[0]!.level).toBe(lock + 1);
      seen.push(applied[0]!.lockSeconds);
      const st = await store.status(staff);
      if (st.untilUnlocked) break;
      clockMs += st.retryAfterSeconds! * 1000 - 1000; // one second early: still locked
      expect((await store.reserve([staff])).ok).toBe(false);
      clockMs += 1000;
    }
    expect(seen).toEqual([30, 60, 300, 900, null]);
    clockMs += 24 * 60 * MIN; // a day later: still locked
    const denied = await store.reserve([staff]);
    expect(denied.ok).toBe(false);
    if (!denied.ok) {
      expect(denied.denial.retryAfterSeconds).toBeNull();
      const e = lockoutError(denied.denial);
      expect(e.retryAfterSeconds).toBeUndefined();
      expect(e.details).toMatchObject({ untilUnlocked: true });
    }

    const cleared = await store.unlock(staff);
    expect(cleared).toMatchObject({ subject: 'pin:staff:staff-backoff', wasLocked: true, wasUntilUnlocked: true, clearedLevel: 5 });
    expect(await store.status(staff)).toMatchObject({ locked: false, level: 0, failures: 0 });
    // after the unlock the ladder starts again at 30 s
    for (let i = 0; i < 4; i++) expect((await attempt(store, [staff], false)).ok).toBe(true);
    const r = await attempt(store, [staff], false);
    expect(r.ok && r.locks[0]!.lockSeconds).toBe(30);
    await store.unlock(staff);
  });

  it('a success resets consecutive failures', async () => {
    const store = await newStore();
    const staff = staffPinSubject('staff-reset');
    for (let i = 0; i < 4; i++) await attempt(store, [staff], false);
    expect((await store.status(staff)).failures).toBe(4);
    await attempt(store, [staff], true);
    expect((await store.status(staff)).failures).toBe(0);
    for (let i = 0; i < 4; i++) await attempt(store, [staff], false);
    expect((await store.status(staff)).locked).toBe(false);
  });

  it('locks a terminal after 10 failures within 15 minutes across different staff, not after 10 spread wider', async () => {
    const store = await newStore();
    const term = terminalPinSubject('term-window');
    // 9 failures, then 16 minutes pass: they age out of the window
    for (let i = 0; i < 9; i++) await attempt(store, [staffPinSubject(`w-staff-${i}`), term], false);
    expect((await store.status(term)).failures).toBe(9);
    clockMs += 16 * MIN;
    expect((await store.status(term)).failures).toBe(0);
    // a success on the terminal does not reset a windowed count
    await attempt(store, [staffPinSubject('w-good'), term], true);
    for (let i = 0; i < 9; i++) {
      const r = await attempt(store, [staffPinSubject(`w2-staff-${i}`), term], false);
      expect(r.ok && r.locks).toEqual([]);
      clockMs += MIN;
    }
    const tenth = await attempt(store, [staffPinSubject('w2-staff-9'), term], false);
    expect(tenth.ok && tenth.locks).toEqual([{ subject: 'pin:terminal:term-window', kind: 'terminal_pin', level: 1, lockSeconds: 30 }]);
    // any staff member, even with the right PIN, is refused on that terminal
    const denied = await store.reserve([staffPinSubject('w-good'), term]);
    expect(!denied.ok && denied.denial).toMatchObject({ kind: 'terminal_pin', reason: 'locked' });
    expect(!denied.ok && lockoutError(denied.denial).code).toBe('TERMINAL_LOCKED');
    // the staff members themselves are not locked
    expect((await store.status(staffPinSubject('w2-staff-0'))).locked).toBe(false);
    const cleared = await store.unlock(term);
    expect(cleared).toMatchObject({ wasLocked: true, wasUntilUnlocked: false, clearedLevel: 1 });
    expect(cleared.clearedLockUntil).toBe(new Date(clockMs + 30_000).toISOString());
    expect((await store.reserve([staffPinSubject('w-good'), term])).ok).toBe(true);
  });

  it('password login: 5 consecutive failures lock the account for 30 minutes, every time', async () => {
    const store = await newStore();
    const login = passwordLoginSubject('  Ana@Example.com ');
    expect(login.key).not.toContain('example');
    expect(passwordLoginSubject('ana@example.com').key).toBe(login.key);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) await attempt(store, [login], false);
      const fifth = await attempt(store, [login], false);
      expect(fifth.ok && fifth.locks[0]).toMatchObject({ kind: 'password_login', lockSeconds: 1800 });
      const sixth = await store.reserve([login]); // even with the right password
      expect(!sixth.ok && sixth.denial.retryAfterSeconds).toBe(1800);
      expect(!sixth.ok && lockoutError(sixth.denial).code).toBe('ACCOUNT_LOCKED');
      clockMs += 29 * MIN;
      expect((await store.reserve([login])).ok).toBe(false);
      clockMs += MIN;
    }
    expect((await attempt(store, [login], true)).ok).toBe(true);
  });

  it('admits none of the subjects when one is locked, and frees a released slot without counting', async () => {
    const store = await newStore();
    const a = staffPinSubject('both-a');
    const term = terminalPinSubject('both-t');
    const r = await store.reserve([a, term]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect((await store.status(a)).inFlight).toBe(1);
    await store.release(r.reservation);
    expect(await store.status(a)).toMatchObject({ inFlight: 0, failures: 0 });
    await expect(store.settle(r.reservation, false)).rejects.toMatchObject({ code: 'CONFLICT' });
    for (let i = 0; i < 5; i++) await attempt(store, [a], false);
    const denied = await store.reserve([a, term]);
    expect(denied.ok).toBe(false);
    expect((await store.status(term)).inFlight).toBe(0);
  });

  it('frees a slot whose holder crashed once the lease runs out', async () => {
    const redis = createRedis(t.url);
    clients.push(redis);
    const store = createLockoutStore({ redis, prefix: t.prefix, clock, leaseMs: 10_000 });
    const staff = staffPinSubject('lease');
    for (let i = 0; i < 5; i++) expect((await store.reserve([staff])).ok).toBe(true); // never settled
    const busy = await store.reserve([staff]);
    expect(!busy.ok && busy.denial).toMatchObject({ reason: 'busy', retryAfterSeconds: 1 });
    clockMs += 10_001;
    expect((await store.reserve([staff])).ok).toBe(true);
  });

  it('writes only keys under its prefix', async () => {
    // Other test files run in parallel with their own prefixes: look only at ours and at the root.
    const ours = await t.redis.keys(`${t.prefix}*`);
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.every((k) => k.startsWith(`${t.prefix}lockout:`))).toBe(true);
    expect(await t.redis.keys('lockout:*')).toEqual([]);
  });

  it('rejects quickly with DEPENDENCY_UNAVAILABLE when Redis is down', async () => {
    const redis = createRedis('redis://127.0.0.1:6390');
    clients.push(redis);
    const store = createLockoutStore({ redis, prefix: t.prefix, clock });
    const staff = staffPinSubject('down');
    for (const call of [() => store.reserve([staff]), () => store.status(staff), () => store.unlock(staff)]) {
      const started = Date.now();
      const e = await call().then(() => null, (x: unknown) => x);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(isAppError(e) && e.code).toBe('DEPENDENCY_UNAVAILABLE');
      expect(isAppError(e) && e.status).toBe(503);
    }
  });

  it('refuses an empty or duplicated subject list', async () => {
    const store = await newStore();
    await expect(store.reserve([])).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(store.reserve([staffPinSubject('x'), staffPinSubject('x')])).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(() => staffPinSubject('bad id with spaces')).toThrow();
  });
});
