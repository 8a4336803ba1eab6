/**
 * Prometheus metrics (prom-client) on one registry per gateway instance, served at `/metrics`
 * in the text exposition format: requests by route and status, latency histograms, lockouts
 * and rate-limit rejections, plus anything other modules register on `registry`.
 * @module
 */
import { createMiddleware } from 'hono/factory';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { GatewayEnv } from './env.js';

export interface GatewayMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  /** Lockouts applied, by kind (`login`, `pin_staff`, `pin_terminal`). */
  lockouts: Counter<'kind'>;
  /** Requests refused by a rate limit, by limiter name. */
  rateLimited: Counter<'limiter'>;
}

/** Creates the registry and the gateway's own metrics. */
export function createMetrics(options: { defaultMetrics?: boolean } = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'tillgate_' });
  return {
    registry,
    httpRequests: new Counter({ name: 'tillgate_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers: [registry] }),
    httpDuration: new Histogram({
      name: 'tillgate_http_request_duration_seconds',
      help: 'HTTP request latency in seconds',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    lockouts: new Counter({ name: 'tillgate_lockouts_total', help: 'Lockouts applied, by kind', labelNames: ['kind'], registers: [registry] }),
    rateLimited: new Counter({ name: 'tillgate_rate_limit_rejections_total', help: 'Requests refused by a rate limit', labelNames: ['limiter'], registers: [registry] }),
  };
}

/** Records every request's route (the matched pattern, never the raw path), status and latency. */
export function observeRequests(metrics: GatewayMetrics) {
  return createMiddleware<GatewayEnv>(async function observeRequests(c, next) {
    const end = metrics.httpDuration.startTimer();
    await next();
    const route = c.req.routePath || 'unmatched';
    end({ method: c.req.method, route });
    metrics.httpRequests.inc({ method: c.req.method, route, status: String(c.res.status) });
  });
}
