/**
 * Prometheus metrics (prom-client) on one registry per gateway instance, served at `/metrics`
 * in the text exposition format: requests by route and status, latency histograms, lockouts
 * and rate-limit rejections, plus anything other modules register on `registry`.
 * @module
 */
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { createRequestMetrics, type RequestMetrics } from './request-metrics.js';

/** Latency histogram bounds, seconds. */
export const LATENCY_BUCKETS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface GatewayMetrics {
  registry: Registry;
  /** `tillgate_http_requests_total{method,route,status}` (filled from {@link recordRequest} when read). */
  httpRequests: RequestMetrics['requests'];
  /** `tillgate_http_request_duration_seconds{method,route}` (see request-metrics.ts). */
  httpDuration: RequestMetrics['duration'];
  /** Records one answered request (the front door calls it for every request). */
  recordRequest: RequestRecorder;
  /** Lockouts applied, by kind (`login`, `pin_staff`, `pin_terminal`). */
  lockouts: Counter<'kind'>;
  /** Requests refused by a rate limit, by limiter name. */
  rateLimited: Counter<'limiter'>;
}

/** Records one answered request: method, route pattern (never the raw path), status, latency in seconds. */
export type RequestRecorder = (method: string, route: string, status: number, seconds: number) => void;

/** Creates the registry and the gateway's own metrics. */
export function createMetrics(options: { defaultMetrics?: boolean } = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'tillgate_' });
  const requests = createRequestMetrics({ prefix: 'tillgate', buckets: LATENCY_BUCKETS, registry });
  return {
    registry,
    httpRequests: requests.requests,
    httpDuration: requests.duration,
    recordRequest: requests.record,
    lockouts: new Counter({ name: 'tillgate_lockouts_total', help: 'Lockouts applied, by kind', labelNames: ['kind'], registers: [registry] }),
    rateLimited: new Counter({ name: 'tillgate_rate_limit_rejections_total', help: 'Requests refused by a rate limit', labelNames: ['limiter'], registers: [registry] }),
  };
}
