/**
 * Lockout policies as data, lockout subjects, and the pure decision rules that
 * `infra/lockout-store.ts` applies atomically in Redis (its Lua mirrors {@link decideReserve}
 * and {@link applySettle}; `test/pin/lockout-model.test.ts` checks that they agree).
 *
 * Sources:
 * - Staff PIN and terminal PIN pad: issue 6 item 4 (5 consecutive failures per staff member;
 *   10 failures per terminal within 15 minutes; backoff 30 s, 1 min, 5 min, 15 min, then until a
 *   Manager unlocks). Never keyed by IP: tills share NAT with guest Wi-Fi.
 * - Password login: PCI DSS v4.0 requirement 8.3.4 (lock after not more than 10 invalid
 *   attempts, for at least 30 minutes or until identity is confirmed); Tillgate uses 5 and
 *   30 minutes (issue 5 item 3; `LOGIN_MAX_FAILURES`, `LOGIN_LOCKOUT_SECONDS`).
 * - NIST SP 800-63B §5.2.2 (rate limiting: at most 100 consecutive failures per account), which
 *   all of these stay far below.
 * @module
 */
import { createHash } from 'node:crypto';
import { AppError, type ErrorCode } from '../errors.js';

/** A lockout rule. Times in milliseconds. */
export interface LockoutPolicy {
  /** Failures that trigger a lock (consecutive, or within {@link windowMs}). */
  readonly maxFailures: number;
  /**
   * Sliding window for counting failures. Absent: failures are consecutive, a success resets
   * them and the backoff level.
   */
  readonly windowMs?: number;
  /** Lock duration of the 1st, 2nd, ... successive lock. */
  readonly backoffMs: readonly number[];
  /** After the last step: lock until {@link LockoutStore.unlock} (true) or repeat the last step. */
  readonly untilUnlocked: boolean;
  /**
   * How long the backoff level and consecutive failures are remembered after the last event
   * (default {@link DEFAULT_MEMORY_MS}, 24 h): a typo next week starts again at the first step.
   */
  readonly memoryMs?: number;
}

/** 24 h: how long lock level and consecutive failures are remembered by default. */
export const DEFAULT_MEMORY_MS = 24 * 60 * 60 * 1000;

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** Issue 6: backoff per successive PIN lock, then until a Manager unlocks. */
export const PIN_BACKOFF_MS: readonly number[] = Object.freeze([30 * SECOND, MINUTE, 5 * MINUTE, 15 * MINUTE]);

/** Issue 6 item 4: 5 consecutive failures for one staff member lock that staff member's PIN. */
export const STAFF_PIN_LOCKOUT: LockoutPolicy = Object.freeze({ maxFailures: 5, backoffMs: PIN_BACKOFF_MS, untilUnlocked: true });

/** Issue 6 item 4: 10 failures on one terminal within 15 minutes lock its PIN pad. */
export const TERMINAL_PIN_LOCKOUT: LockoutPolicy = Object.freeze({
  maxFailures: 10,
  windowMs: 15 * MINUTE,
  backoffMs: PIN_BACKOFF_MS,
  untilUnlocked: true,
});

/**
 * Password login (issue 5 item 3, PCI DSS v4.0 8.3.4): `maxFailures` consecutive failures lock
 * the account for `lockoutSeconds`, every time (no growth, no manual unlock needed).
 * @param maxFailures 1-10 (PCI DSS: not more than 10); default 5.
 * @param lockoutSeconds >= 1800 recommended (PCI DSS: at least 30 minutes); default 1800.
 * @throws AppError VALIDATION_FAILED on out-of-range values.
 */
export function passwordLoginPolicy(maxFailures = 5, lockoutSeconds = 1800): LockoutPolicy {
  if (!Number.isInteger(maxFailures) || maxFailures < 1 || maxFailures > 10) {
    throw new AppError('VALIDATION_FAILED', 'maxFailures must be an integer 1-10 (PCI DSS 8.3.4).');
  }
  if (!Number.isFinite(lockoutSeconds) || lockoutSeconds < 1) {
    throw new AppError('VALIDATION_FAILED', 'lockoutSeconds must be positive.');
  }
  return Object.freeze({ maxFailures, backoffMs: Object.freeze([lockoutSeconds * SECOND]), untilUnlocked: false });
}

/** The password policy with its defaults: 5 failures → 30 minutes. */
export const PASSWORD_LOGIN_LOCKOUT: LockoutPolicy = passwordLoginPolicy();

/** What is being locked; decides the error code the caller answers with. */
export type LockoutKind = 'staff_pin' | 'terminal_pin' | 'password_login';

/** Error code per kind (all HTTP 429, `core/errors.ts`). */
export const LOCKOUT_ERROR_CODES: Readonly<Record<LockoutKind, ErrorCode>> = {
  staff_pin: 'PIN_LOCKED',
  terminal_pin: 'TERMINAL_LOCKED',
  password_login: 'ACCOUNT_LOCKED',
};

/** One lockout counter: a key (under the store's Redis prefix), its kind and its policy. */
export interface LockoutSubject {
  /** e.g. `pin:staff:<id>`, `pin:terminal:<id>`, `login:<sha256 of the email>`. */
  readonly key: string;
  readonly kind: LockoutKind;
  readonly policy: LockoutPolicy;
}

const SUBJECT_ID = /^[A-Za-z0-9._-]{1,128}$/;

function subjectId(id: string, what: string): string {
  if (typeof id !== 'string' || !SUBJECT_ID.test(id)) {
    throw new AppError('VALIDATION_FAILED', `Invalid ${what} id.`);
  }
  return id;
}

/**
 * Validates a policy: positive integer `maxFailures`, non-empty positive `backoffMs`.
 * @throws AppError VALIDATION_FAILED.
 */
export function assertLockoutPolicy(p: LockoutPolicy): void {
  const ok =
    Number.isInteger(p.maxFailures) && p.maxFailures >= 1 &&
    (p.windowMs === undefined || (Number.isInteger(p.windowMs) && p.windowMs > 0)) &&
    (p.memoryMs === undefined || (Number.isInteger(p.memoryMs) && p.memoryMs > 0)) &&
    p.backoffMs.length > 0 && p.backoffMs.every((ms) => Number.isInteger(ms) && ms > 0);
  if (!ok) throw new AppError('VALIDATION_FAILED', 'Invalid lockout policy.');
}

/** The staff member's PIN counter (`pin:staff:<staffId>`). @throws AppError VALIDATION_FAILED on a bad id. */
export function staffPinSubject(staffId: string, policy: LockoutPolicy = STAFF_PIN_LOCKOUT): LockoutSubject {
  return { key: `pin:staff:${subjectId(staffId, 'staff')}`, kind: 'staff_pin', policy };
}

/** The terminal's PIN-pad counter (`pin:terminal:<terminalId>`). @throws AppError VALIDATION_FAILED on a bad id. */
export function terminalPinSubject(terminalId: string, policy: LockoutPolicy = TERMINAL_PIN_LOCKOUT): LockoutSubject {
  return { key: `pin:terminal:${subjectId(terminalId, 'terminal')}`, kind: 'terminal_pin', policy };
}

/**
 * The password-login counter of an email (`login:<hex SHA-256 of the trimmed, lowercased
 * email>`), so Redis keys hold no address and case variants share one counter.
 * @throws AppError VALIDATION_FAILED on an empty email.
 */
export function passwordLoginSubject(email: string, policy: LockoutPolicy = PASSWORD_LOGIN_LOCKOUT): LockoutSubject {
  const norm = typeof email === 'string' ? email.trim().toLowerCase() : '';
  if (norm.length === 0 || norm.length > 320) throw new AppError('VALIDATION_FAILED', 'Invalid email.');
  return { key: `login:${createHash('sha256').update(norm, 'utf8').digest('hex')}`, kind: 'password_login', policy };
}

/**
 * Duration of the `level`-th successive lock (1-based), ms; `null` = until unlocked.
 * Beyond the last step: `null` when `untilUnlocked`, else the last step again.
 */
export function lockDurationMs(policy: LockoutPolicy, level: number): number | null {
  const steps = policy.backoffMs;
  if (level <= steps.length) return steps[Math.max(0, level - 1)] ?? null;
  return policy.untilUnlocked ? null : (steps[steps.length - 1] ?? null);
}

/** Per-subject state, as the store keeps it. `lockedUntil`: 0 none, -1 until unlocked, else epoch ms. */
export interface LockoutState {
  failures: number;
  /** Epoch ms of each failure inside the window (windowed policies only). */
  failureTimes: number[];
  level: number;
  lockedUntil: number;
  /** Lease expiry (epoch ms) per in-flight reservation. */
  inFlight: Map<string, number>;
}

/** A fresh, unlocked state. */
export function emptyLockoutState(): LockoutState {
  return { failures: 0, failureTimes: [], level: 0, lockedUntil: 0, inFlight: new Map() };
}

export type ReserveDecision =
  | { allowed: true }
  | { allowed: false; reason: 'locked' | 'busy'; retryAfterSeconds: number | null };

/** Seconds until epoch-ms `until`, rounded up, at least 1. */
export function secondsUntil(until: number, now: number): number {
  return Math.max(1, Math.ceil((until - now) / 1000));
}

function prune(s: LockoutState, p: LockoutPolicy, now: number): void {
  for (const [t, exp] of s.inFlight) if (exp <= now) s.inFlight.delete(t);
  if (p.windowMs !== undefined) s.failureTimes = s.failureTimes.filter((t) => t > now - p.windowMs!);
}

/**
 * May an attempt start? Locked → `locked` (with the seconds left, `null` until unlocked);
 * failures + in-flight attempts already at `maxFailures` → `busy` (retry in 1 s), so that
 * concurrent attempts can never be evaluated beyond the limit. Mutates `s` (prunes leases).
 */
export function decideReserve(s: LockoutState, p: LockoutPolicy, now: number): ReserveDecision {
  if (s.lockedUntil === -1) return { allowed: false, reason: 'locked', retryAfterSeconds: null };
  if (s.lockedUntil > now) return { allowed: false, reason: 'locked', retryAfterSeconds: secondsUntil(s.lockedUntil, now) };
  prune(s, p, now);
  const failures = p.windowMs === undefined ? s.failures : s.failureTimes.length;
  if (failures + s.inFlight.size >= p.maxFailures) return { allowed: false, reason: 'busy', retryAfterSeconds: 1 };
  return { allowed: true };
}

/** Result of settling one subject: whether this failure set a lock, and its level. */
export interface SettleEffect {
  lockedNow: boolean;
  level: number;
  /** Epoch ms, -1 until unlocked, 0 not locked. */
  lockedUntil: number;
}

/**
 * Ends an attempt: releases the reservation `token`; a success resets consecutive failures and
 * the level; a failure is counted (ignored while already locked) and, on reaching
 * `maxFailures`, sets the next lock of the backoff and clears the counted failures.
 */
export function applySettle(s: LockoutState, p: LockoutPolicy, token: string, success: boolean, now: number): SettleEffect {
  s.inFlight.delete(token);
  prune(s, p, now);
  const locked = s.lockedUntil === -1 || s.lockedUntil > now;
  if (success) {
    if (p.windowMs === undefined) {
      s.failures = 0;
      s.level = 0;
    }
    return { lockedNow: false, level: s.level, lockedUntil: locked ? s.lockedUntil : 0 };
  }
  if (locked) return { lockedNow: false, level: s.level, lockedUntil: s.lockedUntil };
  let count: number;
  if (p.windowMs === undefined) count = ++s.failures;
  else {
    s.failureTimes.push(now);
    count = s.failureTimes.length;
  }
  if (count < p.maxFailures) return { lockedNow: false, level: s.level, lockedUntil: 0 };
  s.level += 1;
  const d = lockDurationMs(p, s.level);
  s.lockedUntil = d === null ? -1 : now + d;
  s.failures = 0;
  s.failureTimes = [];
  return { lockedNow: true, level: s.level, lockedUntil: s.lockedUntil };
}

/** Why an attempt was refused, as the lockout store reports it. */
export interface LockoutDenial {
  subject: string;
  kind: LockoutKind;
  reason: 'locked' | 'busy';
  /** Seconds until a retry can succeed; `null` = until a Manager unlocks. */
  retryAfterSeconds: number | null;
}

/**
 * The 429 for a denial: PIN_LOCKED / TERMINAL_LOCKED / ACCOUNT_LOCKED with `Retry-After` when
 * the lock ends by itself, and `details { lock, untilUnlocked }`. The subject key is not
 * included (it names internal ids).
 */
export function lockoutError(d: LockoutDenial): AppError {
  const what = d.kind === 'staff_pin' ? 'This PIN' : d.kind === 'terminal_pin' ? 'This terminal\'s PIN pad' : 'This account';
  const message = d.retryAfterSeconds === null
    ? `${what} is locked after too many failed attempts; a Manager must unlock it.`
    : `${what} is locked after too many failed attempts; retry later.`;
  const opts = d.retryAfterSeconds === null ? {} : { retryAfterSeconds: d.retryAfterSeconds };
  return new AppError(LOCKOUT_ERROR_CODES[d.kind], message, {
    ...opts,
    details: { lock: d.kind, untilUnlocked: d.retryAfterSeconds === null },
  });
}
