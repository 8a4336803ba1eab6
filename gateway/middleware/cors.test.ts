/**
 * The gateway's CORS (header bag, answered in the front door) against Hono's own `cors()`
 * with the same options: same status and the same CORS headers for ordinary requests and
 * preflights, from allowed, foreign and absent origins.
 */
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../infra/logger.js';
import { createApp } from '../app.js';
import { createMetrics } from '../metrics.js';
import { createRouter, defineRoute, z } from '../openapi.js';

const ORIGINS = ['https://till.example.com', 'https://office.example.com'];
const OPTIONS = { origin: ORIGINS, allowHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'X-Approval-Token'], exposeHeaders: ['X-Request-Id', 'Retry-After'], maxAge: 600 };

function pingRoutes() {
  const routes = createRouter();
  routes.openapi(
    defineRoute({ kind: 'public' }, { method: 'get', path: '/ping', responses: { 200: { description: 'ok', content: { 'application/json': { schema: z.object({ ok: z.boolean() }) } } } } }),
    (c) => c.json({ ok: true }, 200),
  );
  return routes;
}

function gateway() {
  return createApp({ config: { CORS_ORIGINS: ORIGINS, BODY_LIMIT_BYTES: 1024 }, log: createLogger({ level: 'silent', service: 't' }), metrics: createMetrics({ defaultMetrics: false }), healthChecks: {}, apiRoutes: [pingRoutes()] });
}

function reference() {
  const app = new Hono();
  app.use('/api/*', cors(OPTIONS));
  app.get('/api/v1/ping', (c) => c.json({ ok: true }));
  return app;
}

const corsHeaders = (res: Response) => [...res.headers].filter(([name]) => name.startsWith('access-control-') || name === 'vary').sort();

describe('CORS', () => {
  const ours = gateway();
  const hono = reference();
  it.each([
    ['GET', undefined],
    ['GET', 'https://till.example.com'],
    ['GET', 'https://evil.example.com'],
    ['OPTIONS', undefined],
    ['OPTIONS', 'https://office.example.com'],
    ['OPTIONS', 'https://evil.example.com'],
  ])('%s from origin %s: the same status and CORS headers as hono/cors', async (method, origin) => {
    const init = { method, headers: { ...(origin ? { origin } : {}), 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } };
    const [a, b] = await Promise.all([ours.request('/api/v1/ping', init), hono.request('/api/v1/ping', init)]);
    expect(a.status).toBe(b.status);
    expect(corsHeaders(a)).toEqual(corsHeaders(b));
    if (origin === 'https://till.example.com') expect(a.headers.get('access-control-allow-origin')).toBe(origin);
    if (origin === 'https://evil.example.com') expect(a.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a preflight with the security headers and a request id, and none outside /api', async () => {
    const pre = await ours.request('/api/v1/anything', { method: 'OPTIONS', headers: { origin: ORIGINS[0]! } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('x-content-type-options')).toBe('nosniff');
    expect(pre.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const live = await ours.request('/health/live', { headers: { origin: ORIGINS[0]! } });
    expect(corsHeaders(live)).toEqual([]);
  });

  it('adds no CORS headers to ordinary answers when no origin is configured (the default)', async () => {
    const closed = createApp({ config: { CORS_ORIGINS: [], BODY_LIMIT_BYTES: 1024 }, log: createLogger({ level: 'silent', service: 't' }), metrics: createMetrics({ defaultMetrics: false }), healthChecks: {}, apiRoutes: [pingRoutes()] });
    for (const origin of [undefined, 'https://till.example.com']) {
      const res = await closed.request('/api/v1/ping', { headers: origin ? { origin } : {} });
      expect(res.status).toBe(200);
      expect(corsHeaders(res)).toEqual([]);
    }
  });
});
