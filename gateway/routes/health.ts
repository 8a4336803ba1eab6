/**
 * Operations endpoints: `GET /health/live` (the process answers), `GET /health/ready` (every
 * dependency answers, each with its latency in ms; 503 when one is down) and `GET /metrics`.
 * @module
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { GatewayEnv } from '../env.js';
import { replyJson } from '../http.js';
import type { GatewayMetrics } from '../metrics.js';
import { createRouter, defineRoute, z } from '../openapi.js';

/** A dependency probe: resolves when healthy, rejects (or exceeds the timeout) when not. */
export type HealthCheck = () => Promise<unknown>;

/** How long one probe may take before it counts as down, ms. */
export const HEALTH_CHECK_TIMEOUT_MS = 2000;

const CheckSchema = z.object({
  status: z.enum(['up', 'down']),
  latencyMs: z.number(),
  error: z.string().optional(),
  /** What a probe reports beyond up/down (e.g. the mirror's lag and dead-letter count). */
  details: z.record(z.string(), z.unknown()).optional(),
});
const ReadySchema = z.object({ status: z.enum(['ready', 'not_ready']), checks: z.record(z.string(), CheckSchema) }).openapi('Readiness');

const live = defineRoute({ kind: 'public' }, {
  method: 'get',
  path: '/health/live',
  tags: ['operations'],
  summary: 'Liveness: the process is up',
  responses: { 200: { description: 'Alive', content: { 'application/json': { schema: z.object({ status: z.literal('live') }) } } } },
});

const ready = defineRoute({ kind: 'public' }, {
  method: 'get',
  path: '/health/ready',
  tags: ['operations'],
  summary: 'Readiness: Appwrite, MariaDB, Redis and the MariaDB mirror answer',
  description: 'Each check has its latency in ms; `mirror` also reports events applied, the last applied change, its lag (ms) and pending dead letters, and is down when more than 1,000 dead letters wait for `npm run mirror:replay`.',
  responses: {
    200: { description: 'Every dependency is up', content: { 'application/json': { schema: ReadySchema } } },
    503: { description: 'At least one dependency is down', content: { 'application/json': { schema: ReadySchema } } },
  },
});

const metricsRoute = defineRoute({ kind: 'public' }, {
  method: 'get',
  path: '/metrics',
  tags: ['operations'],
  summary: 'Prometheus metrics (text exposition format 0.0.4)',
  responses: { 200: { description: 'Metrics', content: { 'text/plain': { schema: z.string() } } } },
});

async function probe(check: HealthCheck): Promise<z.infer<typeof CheckSchema>> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const value = await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${HEALTH_CHECK_TIMEOUT_MS} ms`)), HEALTH_CHECK_TIMEOUT_MS);
      }),
    ]);
    const latencyMs = Math.round((performance.now() - started) * 100) / 100;
    return isDetails(value) ? { status: 'up', latencyMs, details: value } : { status: 'up', latencyMs };
  } catch (e) {
    return { status: 'down', latencyMs: Math.round((performance.now() - started) * 100) / 100, error: e instanceof Error ? e.message.slice(0, 200) : 'failed' };
  } finally {
    clearTimeout(timer);
  }
}

function isDetails(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** @param checks named probes, e.g. `{ appwrite, mariadb, redis }`. */
export function healthRoutes(checks: Record<string, HealthCheck>, metrics: GatewayMetrics): OpenAPIHono<GatewayEnv> {
  const app = createRouter();
  app.openapi(live, (c) => replyJson(c, { status: 'live' as const }, 200));
  app.openapi(ready, async (c) => {
    const names = Object.keys(checks);
    const results = await Promise.all(names.map((n) => probe(checks[n]!)));
    const out = Object.fromEntries(names.map((n, i) => [n, results[i]!]));
    const ok = results.every((r) => r.status === 'up');
    return ok ? replyJson(c, { status: 'ready' as const, checks: out }, 200) : replyJson(c, { status: 'not_ready' as const, checks: out }, 503);
  });
  app.openapi(metricsRoute, async (c) => {
    c.header('Content-Type', metrics.registry.contentType);
    return c.text(await metrics.registry.metrics(), 200);
  });
  return app;
}
