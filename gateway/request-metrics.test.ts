import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createRequestMetrics } from './request-metrics.js';

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

// Requests as [method, route, status, seconds], including exact bucket bounds and a value above
// the last bound (counted only in +Inf, as prom-client does).
const REQUESTS: [string, string, number, number][] = [
  ['GET', '/api/v1/auth/me', 200, 0.0004],
  ['GET', '/api/v1/auth/me', 200, 0.001],
  ['GET', '/api/v1/auth/me', 401, 0.0031],
  ['GET', '/api/v1/users/:id', 200, 0.02],
  ['GET', '/api/v1/users/:id', 404, 0.25],
  ['POST', '/api/v1/users', 201, 7.5],
  ['GET', 'unmatched', 404, 0.0002],
];

/** The exposition lines of a registry, sorted (series order is not significant to Prometheus). */
async function lines(registry: Registry): Promise<string[]> {
  return (await registry.metrics()).split('\n').filter(Boolean).sort();
}

describe('request metrics', () => {
  it('expose exactly what prom-client Histogram.observe and Counter.inc would', async () => {
    const ours = new Registry();
    const metrics = createRequestMetrics({ prefix: 'tillgate', buckets: BUCKETS, registry: ours });
    const reference = new Registry();
    const histogram = new Histogram({ name: 'tillgate_http_request_duration_seconds', help: 'HTTP request latency in seconds', labelNames: ['method', 'route'], buckets: BUCKETS, registers: [reference] });
    const counter = new Counter({ name: 'tillgate_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers: [reference] });
    for (const [method, route, status, seconds] of REQUESTS) {
      metrics.record(method, route, status, seconds);
      histogram.observe({ method, route }, seconds);
      counter.inc({ method, route, status: String(status) });
    }
    const expected = await lines(reference);
    expect(expected).toContain('tillgate_http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/api/v1/users"} 1');
    expect(await lines(ours)).toEqual(expected);

    // Later requests are added to what was read before (the counter is refilled on each read).
    metrics.record('GET', '/api/v1/auth/me', 200, 0.002);
    histogram.observe({ method: 'GET', route: '/api/v1/auth/me' }, 0.002);
    counter.inc({ method: 'GET', route: '/api/v1/auth/me', status: '200' });
    expect(await lines(ours)).toEqual(await lines(reference));
    expect(await lines(ours)).toContain('tillgate_http_requests_total{method="GET",route="/api/v1/auth/me",status="200"} 3');
  });

  it('start again from zero after registry.resetMetrics()', async () => {
    const registry = new Registry();
    const metrics = createRequestMetrics({ prefix: 'tillgate', buckets: BUCKETS, registry });
    metrics.record('GET', '/health/live', 200, 0.0001);
    registry.resetMetrics();
    expect((await registry.metrics()).includes('route="/health/live"')).toBe(false);
    metrics.record('GET', '/health/live', 200, 0.0001);
    expect(await registry.metrics()).toContain('tillgate_http_requests_total{method="GET",route="/health/live",status="200"} 1');
  });
});
