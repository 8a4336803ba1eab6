/**
 * Rate limits (`rate-limiter-flexible`, fixed windows):
 * - `auth`: strict, per client address and route, on the credential endpoints (`auth/login`,
 *   `terminals/enroll`), e.g. 10 per 60 s, counted on Redis so every gateway shares the window;
 *   if Redis cannot answer the request is refused with 503 (fail closed: never an unlimited
 *   password-guessing window). Mounted as app middleware by {@link rateLimitByAddress}.
 * - `api`: looser, per authenticated caller (`u:<userId>` for staff, `t:<terminalId>` for tills)
 *   on every guarded route, counted in process (`RateLimiterMemory`) so that the common request
 *   needs no network round trip (DESIGN.md performance notes); with N gateway instances a caller
 *   gets up to N × the limit. A request whose credentials are refused counts against its client
 *   address (`ip:<address>`), so a flood of bad or expired tokens is limited too. Consumed by the
 *   route entry step (`route-entry.ts`) after authentication, before the permission check.
 * A rejection answers 429 `RATE_LIMITED` with `Retry-After` (seconds) and is counted in metrics;
 * an allowed request carries `RateLimit-Remaining`. Per-account lockout (PCI DSS 8.3.4) is
 * separate (`infra/lockout-store.ts`); limits are not keyed only by IP for PINs (tills share NAT
 * with guest Wi-Fi), which is why PIN routes use lockout.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
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
  failClosed: boolean;
}

/** The strict auth rule: `points` per 60 s (config `AUTH_RATE_LIMIT`, default 10). */
export const authLimit = (points: number): RateLimitRule => ({ name: 'auth', points, durationSeconds: 60, failClosed: true });
/** The looser rule of other routes (config `API_RATE_LIMIT`, default 600 per 60 s). */
export const apiLimit = (points: number): RateLimitRule => ({ name: 'api', points, durationSeconds: 60, failClosed: false });

/** The client's address as the gateway sees it (the socket peer; put a trusted proxy in front for more). */
export function clientAddress(c: Context): string {
  // What @hono/node-server's getConnInfo(c).remote.address reads, without building its object.
  const env = c.env as { server?: { incoming?: IncomingMessage }; incoming?: IncomingMessage } | undefined;
  return (env?.server ?? env)?.incoming?.socket?.remoteAddress ?? 'unknown';
}

/**
 * Counts one request of `key` against a rule. Resolves when allowed (and sets
 * `RateLimit-Remaining`).
 * @throws AppError RATE_LIMITED (429, `retryAfterSeconds` ≥ 1) past the limit; DEPENDENCY_UNAVAILABLE
 *   (503) when a fail-closed rule's Redis cannot answer. A fail-open rule whose store fails logs a
 *   warning and allows the request.
 */
export type RateLimiter = (c: Context<GatewayEnv>, key: string) => Promise<void>;

/**
 * @param redis the shared store for fail-closed (auth) rules; fail-open rules count in process.
 * @param prefix the Redis key prefix (`REDIS_KEY_PREFIX`).
 */
export function createRateLimiter(redis: Redis, prefix: string, rule: RateLimitRule, metrics: GatewayMetrics): RateLimiter {
  const options = { keyPrefix: `${prefix}rl:${rule.name}`, points: rule.points, duration: rule.durationSeconds };
  const limiter = rule.failClosed ? new RateLimiterRedis({ storeClient: redis, ...options }) : new RateLimiterMemory(options);
  return async function consume(c, key) {
    try {
      const res = await limiter.consume(key, 1);
      setHeader(c, 'RateLimit-Remaining', String(res.remainingPoints));
    } catch (e) {
      if (e instanceof RateLimiterRes) {
        metrics.rateLimited.inc({ limiter: rule.name });
        throw new AppError('RATE_LIMITED', 'Too many requests; slow down.', { retryAfterSeconds: Math.max(1, Math.ceil(e.msBeforeNext / 1000)), details: { limiter: rule.name } });
      }
      if (rule.failClosed) {
        throw new AppError('DEPENDENCY_UNAVAILABLE', 'A required service (Redis) is unavailable; retry shortly.', { cause: e, retryAfterSeconds: 5, details: { dependency: 'redis' } });
      }
      c.get('log').warn({ err: e instanceof Error ? e.message : String(e), limiter: rule.name }, 'rate limiter unavailable; request allowed');
    }
  };
}

/** App middleware counting each request per client address and path (the credential endpoints' rule). */
export function rateLimitByAddress(limiter: RateLimiter): MiddlewareHandler<GatewayEnv> {
  return async function rateLimitedByAddress(c, next) {
    await limiter(c, `${clientAddress(c)}:${c.req.path}`);
    await next();
  };
}
