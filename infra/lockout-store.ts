/**
 * Atomic lockout counters on Redis (issue 6 item 4, issue 5 item 3). Usage per attempt:
 *
 * ```ts
 * const r = await lockout.reserve([staffPinSubject(staffId), terminalPinSubject(terminalId)]);
 * if (!r.ok) throw lockoutError(r.denial);          // 429 PIN_LOCKED / TERMINAL_LOCKED
 * try { ok = await hasher.verifyPin(...) } catch (e) { await lockout.release(r.reservation); throw e; }
 * await lockout.settle(r.reservation, ok);
 * ```
 *
 * `reserve` admits an attempt only while `failures + attemptsInFlight < maxFailures` for every
 * subject, in one Lua script, so 100 concurrent guesses evaluate at most `maxFailures` PINs
 * before the lock. State lives only in Redis (under the configured prefix), so locks survive a
 * gateway restart and are shared by every gateway instance. Any Redis failure rejects with
 * AppError `DEPENDENCY_UNAVAILABLE` (503): the caller fails closed and never skips the lockout.
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AppError } from '../core/errors.js';
import {
  DEFAULT_MEMORY_MS,
  assertLockoutPolicy,
  secondsUntil,
  type LockoutDenial,
  type LockoutKind,
  type LockoutSubject,
} from '../core/pin/lockout.js';
import { RESERVE, SETTLE, STATUS, UNLOCK, type LuaScript } from './lockout-lua.js';
import { keyspace, redisUnavailable, whenReady } from './redis.js';

export interface LockoutStoreOptions {
  redis: Redis;
  /** Prefix of every key (e.g. `REDIS_KEY_PREFIX`); keys are `<prefix>lockout:<subject>:{s,w,r}`. */
  prefix: string;
  /** Lease of a reservation, ms (default 15,000): a crashed process frees its slot after this. */
  leaseMs?: number;
  /** Wait for a (re)connecting Redis at most this long before failing, ms (default 1000). */
  readyTimeoutMs?: number;
  /** Epoch-ms clock (default `Date.now`); tests move time forward with it. */
  clock?: () => number;
}

/** An admitted attempt; pass it to {@link LockoutStore.settle} or {@link LockoutStore.release}. */
export interface LockoutReservation {
  readonly token: string;
  readonly subjects: readonly LockoutSubject[];
  /** Epoch ms after which the slot is freed even if never settled. */
  readonly leaseExpiresAt: number;
}

export type ReserveResult =
  | { ok: true; reservation: LockoutReservation }
  /** `denial` is the one to answer with (a lock until unlocked, else the longest wait). */
  | { ok: false; denial: LockoutDenial; denials: LockoutDenial[] };

/** A lock set by a failure in {@link LockoutStore.settle}, for the audit log and metrics. */
export interface LockApplied {
  subject: string;
  kind: LockoutKind;
  /** 1 for the first successive lock, 2 for the next, ... */
  level: number;
  /** Seconds the lock lasts; `null` = until a Manager unlocks. */
  lockSeconds: number | null;
}

export interface LockoutStatus {
  subject: string;
  kind: LockoutKind;
  locked: boolean;
  /** Seconds until the lock ends; `null` when unlocked or locked until a Manager unlocks. */
  retryAfterSeconds: number | null;
  untilUnlocked: boolean;
  /** Failures counted towards the next lock (in the window for windowed policies). */
  failures: number;
  /** Locks so far at this backoff level (0 = none remembered). */
  level: number;
  /** Attempts currently reserved and not settled. */
  inFlight: number;
  /** ISO-8601 UTC end of the lock, when it ends by itself. */
  lockedUntil: string | null;
}

/** What {@link LockoutStore.unlock} cleared, for the audit entry of the Manager action. */
export interface UnlockResult {
  subject: string;
  kind: LockoutKind;
  wasLocked: boolean;
  wasUntilUnlocked: boolean;
  /** ISO-8601 end of the lock that was cleared, when it had one. */
  clearedLockUntil: string | null;
  clearedLevel: number;
  clearedFailures: number;
}

export interface LockoutStore {
  /**
   * Atomically admits one attempt against every subject, or admits none.
   * @throws AppError VALIDATION_FAILED on an empty or duplicated subject list; DEPENDENCY_UNAVAILABLE.
   */
  reserve(subjects: readonly LockoutSubject[]): Promise<ReserveResult>;
  /**
   * Records the verdict: success resets consecutive failures and level; failure counts and may
   * lock (next backoff step). Settling twice is refused.
   * @returns locks this failure set (empty on success or below the limit).
   * @throws AppError CONFLICT when already settled or released; DEPENDENCY_UNAVAILABLE.
   */
  settle(reservation: LockoutReservation, success: boolean): Promise<LockApplied[]>;
  /**
   * Frees the slot without a verdict (the verification itself failed, e.g. the hasher pool is
   * down). @throws AppError CONFLICT when already settled; DEPENDENCY_UNAVAILABLE.
   */
  release(reservation: LockoutReservation): Promise<void>;
  /** Manager action: clears lock, level and failures. @throws AppError DEPENDENCY_UNAVAILABLE. */
  unlock(subject: LockoutSubject): Promise<UnlockResult>;
  /** Read-only view of one subject. @throws AppError DEPENDENCY_UNAVAILABLE. */
  status(subject: LockoutSubject): Promise<LockoutStatus>;
}

const toNum = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const iso = (ms: number): string | null => (ms > 0 ? new Date(ms).toISOString() : null);

/**
 * Creates the Redis lockout store. The caller owns `redis` (see `createRedis` in `./redis.ts`).
 * @throws AppError VALIDATION_FAILED on a non-positive `leaseMs`.
 */
export function createLockoutStore(options: LockoutStoreOptions): LockoutStore {
  const { redis } = options;
  const leaseMs = options.leaseMs ?? 15_000;
  const readyTimeoutMs = options.readyTimeoutMs ?? 1000;
  const now = options.clock ?? Date.now;
  if (!Number.isInteger(leaseMs) || leaseMs <= 0) throw new AppError('VALIDATION_FAILED', 'leaseMs must be a positive integer.');
  const key = keyspace(options.prefix);
  const keysOf = (s: LockoutSubject) => [key('lockout', s.key, 's'), key('lockout', s.key, 'w'), key('lockout', s.key, 'r')];
  /**
   * Reservations already settled or released (refused a second time). Keyed by object, so a
   * reservation settled after its lease ran out still counts its failure.
   */
  const finished = new WeakSet<LockoutReservation>();

  async function run(lua: LuaScript, keys: string[], args: (string | number)[]): Promise<unknown[]> {
    try {
      await whenReady(redis, readyTimeoutMs);
      let out: unknown;
      try {
        out = await redis.evalsha(lua.sha, keys.length, ...keys, ...args);
      } catch (e) {
        if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e;
        out = await redis.eval(lua.source, keys.length, ...keys, ...args);
      }
      return Array.isArray(out) ? out : [];
    } catch (e) {
      throw e instanceof AppError ? e : redisUnavailable(e);
    }
  }

  function claim(r: LockoutReservation): void {
    if (finished.has(r)) throw new AppError('CONFLICT', 'This lockout reservation was already settled.');
    finished.add(r);
  }

  async function finish(r: LockoutReservation, verdict: 'success' | 'failure' | 'release'): Promise<unknown[]> {
    const code = verdict === 'success' ? 1 : verdict === 'failure' ? 0 : 2;
    const args: (string | number)[] = [now(), r.token, code, r.subjects.length];
    for (const s of r.subjects) {
      args.push(s.policy.maxFailures, s.policy.windowMs ?? 0, s.policy.untilUnlocked ? 1 : 0, s.policy.memoryMs ?? DEFAULT_MEMORY_MS, s.policy.backoffMs.join(','));
    }
    return run(SETTLE, r.subjects.flatMap(keysOf), args);
  }

  return {
    async reserve(subjects) {
      if (subjects.length === 0 || new Set(subjects.map((s) => s.key)).size !== subjects.length) {
        throw new AppError('VALIDATION_FAILED', 'reserve needs distinct lockout subjects.');
      }
      subjects.forEach((s) => assertLockoutPolicy(s.policy));
      const t = now();
      const token = randomBytes(12).toString('hex');
      const args: (string | number)[] = [t, token, leaseMs, subjects.length];
      for (const s of subjects) args.push(s.policy.maxFailures, s.policy.windowMs ?? 0);
      const out = await run(RESERVE, subjects.flatMap(keysOf), args);
      if (out.length === 0) {
        const reservation: LockoutReservation = Object.freeze({ token, subjects: [...subjects], leaseExpiresAt: t + leaseMs });
        return { ok: true, reservation };
      }
      const denials: LockoutDenial[] = [];
      for (let i = 0; i + 2 < out.length; i += 3) {
        const s = subjects[toNum(out[i]) - 1]!;
        const lu = toNum(out[i + 2]);
        const reason = out[i + 1] === 'locked' ? 'locked' : 'busy';
        const retryAfterSeconds = reason === 'busy' ? 1 : lu === -1 ? null : secondsUntil(lu, t);
        denials.push({ subject: s.key, kind: s.kind, reason, retryAfterSeconds });
      }
      const rank = (d: LockoutDenial) => (d.retryAfterSeconds === null ? Infinity : d.retryAfterSeconds + (d.reason === 'locked' ? 1e9 : 0));
      const denial = denials.reduce((a, b) => (rank(b) > rank(a) ? b : a));
      return { ok: false, denial, denials };
    },

    async settle(reservation, success) {
      claim(reservation);
      const out = await finish(reservation, success ? 'success' : 'failure');
      const applied: LockApplied[] = [];
      reservation.subjects.forEach((s, i) => {
        if (toNum(out[i * 3]) !== 1) return;
        const lu = toNum(out[i * 3 + 2]);
        const lockSeconds = lu === -1 ? null : Math.round((lu - now()) / 1000);
        applied.push({ subject: s.key, kind: s.kind, level: toNum(out[i * 3 + 1]), lockSeconds });
      });
      return applied;
    },

    async release(reservation) {
      claim(reservation);
      await finish(reservation, 'release');
    },

    async unlock(subject) {
      assertLockoutPolicy(subject.policy);
      const [s, w] = keysOf(subject);
      const out = await run(UNLOCK, [s!, w!], [now(), subject.policy.windowMs ?? 0]);
      const lu = toNum(out[0]);
      return {
        subject: subject.key,
        kind: subject.kind,
        wasLocked: lu !== 0,
        wasUntilUnlocked: lu === -1,
        clearedLockUntil: iso(lu),
        clearedLevel: toNum(out[1]),
        clearedFailures: toNum(out[2]),
      };
    },

    async status(subject) {
      assertLockoutPolicy(subject.policy);
      const t = now();
      const out = await run(STATUS, keysOf(subject), [t, subject.policy.windowMs ?? 0]);
      const lu = toNum(out[0]);
      return {
        subject: subject.key,
        kind: subject.kind,
        locked: lu !== 0,
        retryAfterSeconds: lu > 0 ? secondsUntil(lu, t) : null,
        untilUnlocked: lu === -1,
        failures: toNum(out[2]),
        level: toNum(out[1]),
        inFlight: toNum(out[3]),
        lockedUntil: iso(lu),
      };
    },
  };
}
