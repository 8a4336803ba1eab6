import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../infra/logger.js';
import { createApp } from './app.js';
import { createMetrics } from './metrics.js';
import { createRouter, defineRoute, z } from './openapi.js';

const log = createLogger({ level: 'silent', service: 'test' });
const redisUp = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
const redisDown = new Redis('redis://127.0.0.1:6390', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
const pool = mysql.createPool({ uri: 'mysql://root@127.0.0.1:3306', connectionLimit: 1 });
afterAll(async () => {
  redisUp.disconnect();
  redisDown.disconnect();
  await pool.end();
});

function echoRoutes() {
  const r = createRouter();
  r.openapi(
    defineRoute({ kind: 'public' }, {
      method: 'post',
      path: '/echo/{id}',
      request: {
        params: z.object({ id: z.string().regex(/^[a-z0-9]{1,8}$/) }),
        body: { content: { 'application/json': { schema: z.object({ n: z.number().int().min(1) }) } }, required: true },
      },
      responses: { 200: { description: 'ok', content: { 'application/json': { schema: z.object({ id: z.string(), n: z.number() }) } } } },
    }),
    (c) => c.json({ id: c.req.valid('param').id, n: c.req.valid('json').n }, 200),
  );
  return r;
}

function app(checks: Record<string, () => Promise<unknown>>) {
  return createApp({ config: { CORS_ORIGINS: [], BODY_LIMIT_BYTES: 1024 }, log, metrics: createMetrics({ defaultMetrics: false }), healthChecks: checks, apiRoutes: [echoRoutes()] });
}

const post = (body: string, path = '/api/v1/echo/abc', headers: Record<string, string> = {}) =>
  ({ path, init: { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } } });

describe('gateway app', () => {
  const a = app({ redis: async () => redisUp.ping(), mariadb: async () => pool.query('SELECT 1') });

  it('answers a valid request and echoes a safe request id', async () => {
    const { path, init } = post('{"n":2}', undefined, { 'x-request-id': 'till-42' });
    const res = await a.request(path, init);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('till-42');
    expect(await res.json()).toEqual({ id: 'abc', n: 2 });
  });

  it.each([
    ['malformed JSON', post('{"n":'), 400, 'BAD_REQUEST'],
    ['schema violation', post('{"n":0}'), 400, 'VALIDATION_FAILED'],
    ['bad path param', post('{"n":1}', '/api/v1/echo/NOT-OK'), 400, 'VALIDATION_FAILED'],
    ['oversized body', post(JSON.stringify({ n: 1, pad: 'x'.repeat(2000) })), 413, 'PAYLOAD_TOO_LARGE'],
    ['unknown route', post('{}', '/api/v1/nope'), 404, 'NOT_FOUND'],
  ])('%s gets %i %s in the error envelope', async (_name, req, status, code) => {
    const res = await a.request(req.path, req.init);
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { code: string; requestId: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('replaces an unsafe inbound request id', async () => {
    const res = await a.request('/health/live', { headers: { 'x-request-id': 'bad id with spaces and \"quotes\"' } });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports readiness with per-dependency latency, 503 when one is down', async () => {
    const ok = await a.request('/health/ready');
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { checks: Record<string, { status: string; latencyMs: number }> };
    expect(body.checks.redis!.status).toBe('up');
    expect(body.checks.mariadb!.latencyMs).toBeGreaterThanOrEqual(0);

    const down = await app({ redis: async () => redisDown.ping(), mariadb: async () => pool.query('SELECT 1') }).request('/health/ready');
    expect(down.status).toBe(503);
    expect(((await down.json()) as { checks: Record<string, { status: string }> }).checks.redis!.status).toBe('down');
  });

  it('serves Prometheus metrics counting requests by route and status', async () => {
    await a.request('/health/live');
    const res = await a.request('/metrics');
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/tillgate_http_requests_total\{method="GET",route="\/health\/live",status="200"\} \d+/);
  });

  it('publishes an OpenAPI 3.1 document with the access rule of every route', async () => {
    const doc = (await (await a.request('/api/openapi.json')).json()) as { openapi: string; paths: Record<string, Record<string, Record<string, unknown>>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/api/v1/echo/{id}']!.post!['x-tillgate-access']).toBe('public');
  });

  it('refuses to mount a route that would answer outside the front door (not made with defineRoute)', () => {
    const plain = createRouter();
    plain.get('/plain', (c) => c.json({ ok: true }));
    expect(() => createApp({ config: { CORS_ORIGINS: [], BODY_LIMIT_BYTES: 1024 }, log, metrics: createMetrics({ defaultMetrics: false }), healthChecks: {}, apiRoutes: [plain] })).toThrow(/GET \/plain is not a defineRoute route/);
  });
});
