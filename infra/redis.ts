/**
 * The ioredis client factory for Tillgate's Redis (lockout and rate-limit counters, JWT cache,
 * revocation epochs). Tuned to fail fast: security state must never be skipped or silently
 * queued, so a down Redis surfaces as a `DEPENDENCY_UNAVAILABLE` (503) within about a second and
 * the caller fails closed.
 * @module
 */
import { Redis, type RedisOptions } from 'ioredis';
import { AppError } from '../core/errors.js';

export interface CreateRedisOptions {
  /** TCP connect timeout, ms (default 1000). */
  connectTimeoutMs?: number;
  /** A command without a reply after this long rejects, ms (default 2000). */
  commandTimeoutMs?: number;
  /** Connection name shown by `CLIENT LIST` (default `tillgate`). */
  connectionName?: string;
  /** Do not connect until the first {@link whenReady} (default false: connect at once). */
  lazyConnect?: boolean;
}

/**
 * Creates an ioredis client for `url` (`redis://` or `rediss://`).
 * - `enableOfflineQueue: false`: while disconnected a command rejects at once instead of
 *   waiting in a queue, so lockout checks fail closed quickly.
 * - `maxRetriesPerRequest: 1`, `commandTimeout`: a command never hangs.
 * - Reconnects forever in the background with a capped backoff (100 ms steps, at most 2 s),
 *   so the service heals when Redis returns.
 * Because of the disabled offline queue, await {@link whenReady} before the first command.
 * @throws AppError VALIDATION_FAILED when `url` is not a redis URL.
 */
export function createRedis(url: string, options: CreateRedisOptions = {}): Redis {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError('VALIDATION_FAILED', 'REDIS_URL is not a valid URL.');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new AppError('VALIDATION_FAILED', 'REDIS_URL must use redis: or rediss:.');
  }
  const opts: RedisOptions = {
    connectionName: options.connectionName ?? 'tillgate',
    lazyConnect: options.lazyConnect ?? false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: options.connectTimeoutMs ?? 1000,
    commandTimeout: options.commandTimeoutMs ?? 2000,
    retryStrategy: (times: number) => Math.min(times * 100, 2000),
  };
  const redis = new Redis(url, opts);
  // Without a listener ioredis prints unhandled 'error' events; errors surface through commands.
  // A client that lost (or never got) its connection is marked down so that callers fail at once
  // instead of each waiting for the next reconnect attempt.
  redis.on('error', () => down.add(redis));
  redis.on('close', () => down.add(redis));
  redis.on('ready', () => down.delete(redis));
  return redis;
}

/** Clients from {@link createRedis} whose connection failed since they were last ready. */
const down = new WeakSet<Redis>();
/** One shared wait per connecting client, so concurrent callers do not pile up listeners. */
const waits = new WeakMap<Redis, Promise<void>>();

/**
 * Resolves once `redis` is ready for commands: at once when ready; for a client still making
 * its first connection (or made elsewhere), after connecting within `timeoutMs` (default
 * 1000 ms). A client of {@link createRedis} whose connection has failed rejects at once.
 * @throws AppError DEPENDENCY_UNAVAILABLE when not ready in time, down, or closed.
 */
export async function whenReady(redis: Redis, timeoutMs = 1000): Promise<void> {
  if (redis.status === 'ready') return;
  if (redis.status === 'end') throw redisUnavailable(new Error('connection closed'));
  if (down.has(redis)) throw redisUnavailable(new Error(`connection is ${redis.status}`));
  if (redis.status === 'wait') redis.connect().catch(() => undefined);
  let wait = waits.get(redis);
  if (wait === undefined) {
    wait = waitForReady(redis, timeoutMs).finally(() => waits.delete(redis));
    waits.set(redis, wait);
  }
  await wait;
}

function waitForReady(redis: Redis, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (err?: unknown) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('end', onEnd);
      redis.off('error', onError);
      if (err === undefined) resolve();
      else reject(redisUnavailable(err));
    };
    const onReady = () => done();
    const onEnd = () => done(new Error('connection closed'));
    const onError = (e: unknown) => done(e);
    const timer = setTimeout(() => done(new Error(`not ready within ${timeoutMs} ms`)), timeoutMs);
    redis.once('ready', onReady);
    redis.once('end', onEnd);
    redis.once('error', onError);
  });
}

/** The 503 every Redis-backed store throws when Redis cannot answer; the cause goes to the log only. */
export function redisUnavailable(cause: unknown): AppError {
  return new AppError('DEPENDENCY_UNAVAILABLE', 'A required service (Redis) is unavailable; retry shortly.', {
    cause,
    details: { dependency: 'redis' },
    retryAfterSeconds: 5,
  });
}

/**
 * Key namespacing: `keyspace('tillgate:')('lockout', 'pin:staff:1')` →
 * `tillgate:lockout:pin:staff:1`. Every key a store writes goes through one of these so a
 * deployment (or a test) can share a Redis under its own prefix.
 * @throws AppError VALIDATION_FAILED when a part is empty.
 */
export function keyspace(prefix: string): (...parts: string[]) => string {
  return (...parts: string[]) => {
    if (parts.length === 0 || parts.some((p) => p.length === 0)) {
      throw new AppError('VALIDATION_FAILED', 'Redis key parts must be non-empty.');
    }
    return prefix + parts.join(':');
  };
}
