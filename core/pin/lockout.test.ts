import { describe, expect, it } from 'vitest';
import {
  PASSWORD_LOGIN_LOCKOUT,
  STAFF_PIN_LOCKOUT,
  TERMINAL_PIN_LOCKOUT,
  applySettle,
  decideReserve,
  emptyLockoutState,
  lockDurationMs,
  lockoutError,
  passwordLoginPolicy,
  staffPinSubject,
} from './lockout.js';

describe('lockout policies as data', () => {
  it('match issue 6 and PCI DSS 8.3.4', () => {
    expect(STAFF_PIN_LOCKOUT).toMatchObject({ maxFailures: 5, untilUnlocked: true, backoffMs: [30_000, 60_000, 300_000, 900_000] });
    expect(STAFF_PIN_LOCKOUT.windowMs).toBeUndefined();
    expect(TERMINAL_PIN_LOCKOUT).toMatchObject({ maxFailures: 10, windowMs: 900_000, untilUnlocked: true });
    expect(PASSWORD_LOGIN_LOCKOUT).toMatchObject({ maxFailures: 5, backoffMs: [1_800_000], untilUnlocked: false });
    expect(() => passwordLoginPolicy(11)).toThrow();
    expect(() => passwordLoginPolicy(0)).toThrow();
  });

  it('backoff grows per lock, then stays until unlocked (or repeats the last step)', () => {
    expect([1, 2, 3, 4, 5, 9].map((l) => lockDurationMs(STAFF_PIN_LOCKOUT, l))).toEqual([30_000, 60_000, 300_000, 900_000, null, null]);
    expect([1, 2, 7].map((l) => lockDurationMs(PASSWORD_LOGIN_LOCKOUT, l))).toEqual([1_800_000, 1_800_000, 1_800_000]);
  });
});

describe('decideReserve / applySettle', () => {
  it('admits no more attempts in flight than failures left', () => {
    const s = emptyLockoutState();
    const now = 1_000_000;
    for (let i = 0; i < 5; i++) {
      expect(decideReserve(s, STAFF_PIN_LOCKOUT, now)).toEqual({ allowed: true });
      s.inFlight.set(`t${i}`, now + 15_000);
    }
    expect(decideReserve(s, STAFF_PIN_LOCKOUT, now)).toEqual({ allowed: false, reason: 'busy', retryAfterSeconds: 1 });
    for (let i = 0; i < 4; i++) expect(applySettle(s, STAFF_PIN_LOCKOUT, `t${i}`, false, now).lockedNow).toBe(false);
    expect(applySettle(s, STAFF_PIN_LOCKOUT, 't4', false, now)).toEqual({ lockedNow: true, level: 1, lockedUntil: now + 30_000 });
    expect(decideReserve(s, STAFF_PIN_LOCKOUT, now + 29_001)).toEqual({ allowed: false, reason: 'locked', retryAfterSeconds: 1 });
    expect(decideReserve(s, STAFF_PIN_LOCKOUT, now + 30_000)).toEqual({ allowed: true });
  });

  it('ignores failures while locked and lets a success reset a consecutive count', () => {
    const s = emptyLockoutState();
    for (let i = 0; i < 3; i++) applySettle(s, STAFF_PIN_LOCKOUT, 'x', false, 0);
    applySettle(s, STAFF_PIN_LOCKOUT, 'x', true, 0);
    expect(s.failures).toBe(0);
    s.lockedUntil = -1;
    expect(applySettle(s, STAFF_PIN_LOCKOUT, 'x', false, 0)).toEqual({ lockedNow: false, level: 0, lockedUntil: -1 });
    expect(decideReserve(s, STAFF_PIN_LOCKOUT, 10 ** 12)).toEqual({ allowed: false, reason: 'locked', retryAfterSeconds: null });
  });
});

describe('lockoutError', () => {
  it('names the lock with a distinct code and never the subject id', () => {
    const subject = staffPinSubject('staff-secret-id');
    const e = lockoutError({ subject: subject.key, kind: 'staff_pin', reason: 'locked', retryAfterSeconds: 30 });
    expect([e.code, e.status, e.retryAfterSeconds]).toEqual(['PIN_LOCKED', 429, 30]);
    expect(JSON.stringify({ m: e.message, d: e.details })).not.toContain('staff-secret-id');
    expect(lockoutError({ subject: 't', kind: 'terminal_pin', reason: 'busy', retryAfterSeconds: 1 }).code).toBe('TERMINAL_LOCKED');
    expect(lockoutError({ subject: 'l', kind: 'password_login', reason: 'locked', retryAfterSeconds: null }).retryAfterSeconds).toBeUndefined();
  });
});
