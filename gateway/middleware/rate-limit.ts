/**
 * Rate limits:
 * - `auth`: strict, per client address and route, on the credential endpoints (`auth/login`,
 *   `terminals/enroll`: routes declared `{ kind: 'public', limit: 'credentials' }`), e.g. 10 per
 *   60 s, a fixed window counted on Redis (`rate-limiter-flexible`'s `RateLimiterRedis`) so every
 *   gateway shares it; if Redis cannot answer the request is refused with 503 (fail closed: never
 *   an unlimited password-guessing window).
 * - `api`: looser, per authenticated caller (`u:<userId>` for staff, `t:<terminalId>` for tills)
 *   on every guarded route, counted in process so that the common request needs no network round
 *   trip and no promise (DESIGN.md performance notes): one `limiter` token bucket per caller
 *   (`points` tokens, refilled at `points` per window, and at most `points` taken per window), the
 *   buckets kept in an LRU of {@link API_BUCKETS} callers (an evicted caller starts again with a
 *   full bucket). With N gateway instances a caller gets up to N × the limit. A request whose
 *   credentials are refused counts against its client address (`ip:<address>`), so a flood of bad
 *   or expired tokens is limited too.
 * Both are consumed by the route entry step (`route-entry.ts`): the auth rule first thing, the
 * API rule after authentication and before the permission check.
 * A rejection answers 429 `RATE_LIMITED` with `Retry-After` (seconds) and is counted in metrics;
 * an allowed request carries `RateLimit-Remaining`. Per-account lockout (PCI DSS 8.3.4) is
 * separate (`infra/lockout-store.ts`); limits are not keyed only by IP for PINs (tills share NAT
 * with guest Wi-Fi), which is why PIN routes use lockout.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import type { Redis } from 'ioredis';
import { RateLimiter as TokenBucketLimiter } from 'limiter';
import { LRUCache } from 'lru-cache';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../../core/errors.js';
import type { GatewayEnv } from '../env.js';
import { setHeader } from '../http.js';
import type { GatewayMetrics } from '../metrics.js';

export interface RateLimitRule {
  name: 'auth' | 'api';
  /** Requests allowed per window. */
  points: number;
  /** Window length, seconds. */
  durationSeconds: number;
}

/** The strict auth rule: `points` per 60 s (config `AUTH_RATE_LIMIT`, default 10). */
export const authLimit = (points: number): RateLimitRule => ({ name: 'auth', points, durationSeconds: 60 });
/** The looser rule of other routes (config `API_RATE_LIMIT`, default 600 per 60 s). */
export const apiLimit = (points: number): RateLimitRule => ({ name: 'api', points, durationSeconds: 60 });

/** The client's address as the gateway sees it (the socket peer; put a trusted proxy in front for more). */
export function clientAddress(c: Context): string {
  // What @hono/node-server's getConnInfo(c).remote.address reads, without building its object.
  const env = c.env as { server?: { incoming?: IncomingMessage }; incoming?: IncomingMessage } | undefined;
  return (env?.server ?? env)?.incoming?.socket?.remoteAddress ?? 'unknown';
}

/** Callers whose API token buckets are kept in process (least recently seen first out). */
export const API_BUCKETS = 100_000;

/**
 * Counts one request of `key` against a rule: undefined when allowed at once (in-process rules),
 * a promise when the count needs I/O (Redis rules). An allowed request carries
 * `RateLimit-Remaining`.
 * @throws AppError RATE_LIMITED (429, `retryAfterSeconds` ≥ 1) past the limit; DEPENDENCY_UNAVAILABLE
 *   (503) when a fail-closed rule's Redis cannot answer (both as rejections for Redis rules).
 */
export type RateLimiter = (c: Context<GatewayEnv>, key: string) => Promise<void> | undefined;

function limited(metrics: GatewayMetrics, rule: RateLimitRule, msBeforeNext: number): AppError {
  metrics.rateLimited.inc({ limiter: rule.name });
  return new AppError('RATE_LIMITED', 'Too many requests; slow down.', { retryAfterSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)), details: { limiter: rule.name } });
}

/**
 * A fail-closed rule counted on Redis (the auth rule).
 * @param prefix the Redis key prefix (`REDIS_KEY_PREFIX`).
 */
export function createRedisRateLimiter(redis: Redis, prefix: string, rule: RateLimitRule, metrics: GatewayMetrics): RateLimiter {
  const limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}rl:${rule.name}`, points: rule.points, duration: rule.durationSeconds });
  return async function consume(c, key) {
    try {
      const res = await limiter.consume(key, 1);
      setHeader(c, 'RateLimit-Remaining', String(res.remainingPoints));
    } catch (e) {
      if (e instanceof RateLimiterRes) throw limited(metrics, rule, e.msBeforeNext);
      throw new AppError('DEPENDENCY_UNAVAILABLE', 'A required service (Redis) is unavailable; retry shortly.', { cause: e, retryAfterSeconds: 5, details: { dependency: 'redis' } });
    }
  };
}

/** A rule counted in this process, synchronously (the API rule): see the module comment. */
export function createMemoryRateLimiter(rule: RateLimitRule, metrics: GatewayMetrics): RateLimiter {
  const intervalMs = rule.durationSeconds * 1000;
  const buckets = new LRUCache<string, TokenBucketLimiter>({ max: API_BUCKETS });
  return function consume(c, key) {
    let bucket = buckets.get(key);
    if (!bucket) buckets.set(key, (bucket = new TokenBucketLimiter({ tokensPerInterval: rule.points, interval: intervalMs })));
    if (!bucket.tryRemoveTokens(1)) throw limited(metrics, rule, bucket.getWaitTime(1));
    const remaining = Math.min(Math.floor(bucket.tokenBucket.content), rule.points - bucket.tokensThisInterval);
    setHeader(c, 'RateLimit-Remaining', String(Math.max(0, remaining)));
    return undefined;
  };
}
