/**
 * Rate limits on Redis (`rate-limiter-flexible`, fixed windows shared by every gateway):
 * - `auth`: strict, per client address and route (login and other auth endpoints), e.g. 10 per
 *   60 s; if Redis cannot answer the request is refused with 503 (fail closed: never an
 *   unlimited password-guessing window);
 * - `api`: looser, per authenticated user or else per address, counted in process
 *   (`RateLimiterMemory`) so that the common request needs no network round trip (DESIGN.md
 *   performance notes); with N gateway instances a user gets up to N × the limit.
 * A rejection answers 429 `RATE_LIMITED` with `Retry-After` (seconds) and is counted in metrics.
 * Per-account lockout (PCI DSS 8.3.4) is separate (`infra/lockout-store.ts`); limits are not keyed
 * only by IP for PINs (tills share NAT with guest Wi-Fi), which is why PIN routes use lockout.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
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
 * @param redis the shared store for fail-closed (auth) rules; fail-open rules count in process.
 */
export function rateLimit(redis: Redis, prefix: string, rule: RateLimitRule, metrics: GatewayMetrics) {
  const options = { keyPrefix: `${prefix}rl:${rule.name}`, points: rule.points, duration: rule.durationSeconds };
  const limiter = rule.failClosed ? new RateLimiterRedis({ storeClient: redis, ...options }) : new RateLimiterMemory(options);
  return createMiddleware<GatewayEnv>(async function rateLimited(c, next) {
    const user = c.get('principal');
    const who = rule.name === 'auth' ? `${clientAddress(c)}:${c.req.path}` : user?.kind === 'user' ? `u:${user.userId}` : `ip:${clientAddress(c)}`;
    try {
      const res = await limiter.consume(who, 1);
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
    await next();
  });
}
