/**
 * The gateway's fast paths keep their behaviour (issues 5 and 10):
 * - `GET /users/:id` answers from a short-lived row cache (infra/actor-resolver.ts), which this
 *   gateway's own writes drop at once, an epoch bump (role, store, status changes anywhere) drops
 *   at once, and anything else outlives by at most STAFF_ROW_TTL_MS; store scope is checked on
 *   every request;
 * - `GET /auth/me` answers a serialization kept per resolved user, renewed on profile changes;
 * - answers built on the fast path and answers built any other way carry the same headers;
 * - a request with two `Authorization` headers is refused, as before (Fetch semantics);
 * - metrics count the route pattern, not the raw path.
 */
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF_ROW_TTL_MS } from '../../infra/actor-resolver.js';
import { SECURITY_HEADERS } from '../../gateway/middleware/security-headers.js';
import { startTestGateway, type StaffLogin, type TestGateway } from '../support/gateway.js';

let t: TestGateway;
let admin: StaffLogin;
let manager: StaffLogin;
let adminJwt: string;
let managerJwt: string;

beforeAll(async () => {
  t = await startTestGateway();
  admin = await t.createStaff({ role: 'admin', storeId: 'store-a' });
  manager = await t.createStaff({ role: 'manager', storeId: 'store-a' });
  [adminJwt, managerJwt] = await Promise.all([t.login(admin), t.login(manager)]);
});
afterAll(async () => t.stop());

type StaffView = { id: string; name: string; storeId: string; active: boolean; lastLoginAt: string | null };
type Err = { error: { code: string; details?: { reason?: string } } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('GET /users/:id from the row cache', () => {
  it("shows this gateway's own changes at once", async () => {
    const cashier = await t.createStaff({ role: 'cashier', storeId: 'store-a', name: 'Before Name' });
    expect((await t.request<StaffView>('GET', `/api/v1/users/${cashier.userId}`, { jwt: managerJwt })).body.name).toBe('Before Name');
    expect((await t.request('PATCH', `/api/v1/users/${cashier.userId}`, { jwt: managerJwt, body: { name: 'After Name' } })).status).toBe(200);
    expect((await t.request<StaffView>('GET', `/api/v1/users/${cashier.userId}`, { jwt: managerJwt })).body.name).toBe('After Name');
    expect((await t.request('PUT', `/api/v1/users/${cashier.userId}/status`, { jwt: managerJwt, body: { active: false } })).status).toBe(200);
    expect((await t.request<StaffView>('GET', `/api/v1/users/${cashier.userId}`, { jwt: managerJwt })).body.active).toBe(false);
  });

  it('checks store scope on every request, and sees a store change made elsewhere at once (epoch bump)', async () => {
    const cashier = await t.createStaff({ role: 'cashier', storeId: 'store-a' });
    expect((await t.request('GET', `/api/v1/users/${cashier.userId}`, { jwt: managerJwt })).status).toBe(200);
    // Another gateway (or the console plus rbac-guard) moves the cashier and bumps their epoch.
    await t.admin.tablesDB.updateRow({ databaseId: 'pos', tableId: 'staff', rowId: cashier.userId, data: { storeId: 'store-b' } });
    await t.gateway.services.epochs!.bump(cashier.userId);
    const away = await t.request<Err>('GET', `/api/v1/users/${cashier.userId}`, { jwt: managerJwt });
    expect([away.status, away.body.error.code, away.body.error.details?.reason]).toEqual([403, 'INSUFFICIENT_PERMISSIONS', 'STORE_SCOPE']);
    const byAdmin = await t.request<StaffView>('GET', `/api/v1/users/${cashier.userId}`, { jwt: adminJwt });
    expect([byAdmin.status, byAdmin.body.storeId]).toEqual([200, 'store-b']);
  });

  it('shows other changes made outside this gateway within STAFF_ROW_TTL_MS', async () => {
    const cashier = await t.createStaff({ role: 'cashier', storeId: 'store-a', name: 'Console Before' });
    expect((await t.request<StaffView>('GET', `/api/v1/users/${cashier.userId}`, { jwt: managerJwt })).body.name).toBe('Console Before');
    await t.admin.tablesDB.updateRow({ databaseId: 'pos', tableId: 'staff', rowId: cashier.userId, data: { displayName: 'Console After' } });
    await sleep(STAFF_ROW_TTL_MS + 100);
    expect((await t.request<StaffView>('GET', `/api/v1/users/${cashier.userId}`, { jwt: managerJwt })).body.name).toBe('Console After');
  });

  it('answers 404 for an unknown id, and finds the user once created', async () => {
    const missing = await t.request<Err>('GET', '/api/v1/users/not-yet-here', { jwt: managerJwt });
    expect([missing.status, missing.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const created = await t.request<StaffView>('POST', '/api/v1/users', { jwt: managerJwt, body: { email: 'hot.path@example.com', name: 'Hot Path', role: 'cashier', storeId: 'store-a' } });
    expect(created.status).toBe(201);
    expect((await t.request<StaffView>('GET', `/api/v1/users/${created.body.id}`, { jwt: managerJwt })).body.name).toBe('Hot Path');
  });
});

describe('GET /auth/me', () => {
  it('reflects a profile change made through the gateway on the next request', async () => {
    const cashier = await t.createStaff({ role: 'cashier', storeId: 'store-a', name: 'Me Before' });
    const jwt = await t.login(cashier);
    type Me = { staff: { displayName: string }; permissions: string[] };
    const first = await t.request<Me>('GET', '/api/v1/auth/me', { jwt });
    expect(first.body.staff.displayName).toBe('Me Before');
    expect((await t.request<Me>('GET', '/api/v1/auth/me', { jwt })).body).toEqual(first.body);
    expect((await t.request('PATCH', `/api/v1/users/${cashier.userId}`, { jwt: managerJwt, body: { name: 'Me After' } })).status).toBe(200);
    const after = await t.request<Me>('GET', '/api/v1/auth/me', { jwt });
    expect(after.body.staff.displayName).toBe('Me After');
    expect(after.body.permissions).toEqual(first.body.permissions);
  });
});

/** GETs `paths` one after another on ONE kept-alive connection; `between[i]` runs before request i. */
async function onOneConnection(jwt: string, paths: string[], between: Record<number, () => Promise<unknown>> = {}): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(t.gateway.url);
  const sockets = new Set<unknown>();
  const out: number[] = [];
  try {
    for (const [i, path] of paths.entries()) {
      await between[i]?.();
      out.push(
        await new Promise<number>((resolve, reject) => {
          const req = http.request({ host: url.hostname, port: url.port, path, agent, headers: { authorization: `Bearer ${jwt}` } }, (res) => {
            sockets.add(res.socket);
            res.resume();
            res.on('end', () => resolve(res.statusCode!));
          });
          req.on('error', reject);
          req.end();
        }),
      );
    }
  } finally {
    agent.destroy();
  }
  expect(sockets.size).toBe(1);
  return out;
}

describe('authentication on a kept-alive connection', () => {
  it('refuses the next request at once after a revocation, though the same JWT came on the same connection', async () => {
    const cashier = await t.createStaff({ role: 'cashier', storeId: 'store-a' });
    const jwt = await t.login(cashier);
    const revoke = async () => {
      await t.admin.users.deleteSessions({ userId: cashier.userId });
      await t.gateway.services.epochs!.bump(cashier.userId);
    };
    expect(await onOneConnection(jwt, ['/api/v1/auth/me', '/api/v1/auth/me', '/api/v1/auth/me'], { 2: revoke })).toEqual([200, 200, 401]);
  });

  it('applies a role change to the next request on the same connection', async () => {
    const staff = await t.createStaff({ role: 'cashier', storeId: 'store-a' });
    const jwt = await t.login(staff);
    const promote = async () => {
      await t.request('PATCH', `/api/v1/users/${staff.userId}`, { jwt: adminJwt, body: { role: 'manager' } });
    };
    // users:read is Manager+; the role change ends the cashier's sessions, so the old JWT is refused.
    expect(await onOneConnection(jwt, ['/api/v1/users', '/api/v1/users'], { 1: promote })).toEqual([403, 401]);
  });
});

describe('answers', () => {
  it('carry the same headers on the fast path and otherwise (c.json, c.body, errors)', async () => {
    const answers = [
      await t.request('GET', '/api/v1/auth/me', { jwt: managerJwt }), // fast path
      await t.request('GET', '/api/v1/users/export?format=csv', { jwt: adminJwt }), // c.header + c.body
      await t.request('GET', '/api/v1/roles', { jwt: managerJwt }), // c.json
      await t.request('GET', '/api/v1/auth/me'), // 401 error envelope
    ];
    for (const res of answers) {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers.get(name), name).toBe(value);
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      // No CORS origins configured here: no CORS headers on any path (gateway/middleware/cors.test.ts
      // checks the configured case against hono/cors).
      expect(res.headers.get('access-control-expose-headers')).toBeNull();
      expect(res.headers.get('vary')).toBeNull();
      expect(Number(res.headers.get('ratelimit-remaining'))).toBeGreaterThan(0);
    }
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 401]);
    expect(answers[1]!.headers.get('content-type')).toMatch(/^text\/csv/);
  });

  it('refuse two Authorization headers, even when the first is valid', async () => {
    // Raw HTTP/1.1, so both header lines reach the gateway as sent.
    const url = new URL(t.gateway.url);
    const raw = (authorization: string[]) =>
      new Promise<number>((resolve, reject) => {
        const socket = net.connect(Number(url.port), url.hostname, () => {
          socket.write(`GET /api/v1/auth/me HTTP/1.1\r\nHost: ${url.host}\r\n${authorization.map((a) => `Authorization: ${a}\r\n`).join('')}Connection: close\r\n\r\n`);
        });
        let text = '';
        socket.on('data', (d: Buffer) => (text += d.toString()));
        socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1])));
        socket.on('error', reject);
      });
    expect(await raw([`Bearer ${managerJwt}`])).toBe(200);
    const status = await raw([`Bearer ${managerJwt}`, 'Bearer another.token.here']);
    expect(status).toBe(401);
  });

  it('are each logged in one access line with the request id', async () => {
    const res = await t.request('GET', '/api/v1/auth/me', { jwt: managerJwt, headers: { 'x-request-id': 'hot-path-42' } });
    expect(res.headers.get('x-request-id')).toBe('hot-path-42');
    await sleep(50);
    const lines = t.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.requestId === 'hot-path-42' && l.msg === 'request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', method: 'GET', route: '/api/v1/auth/me', path: '/api/v1/auth/me', status: 200, actor: manager.userId });
    expect(lines[0]!.ms).toBeGreaterThanOrEqual(0);
  });

  it('are counted in metrics by route pattern', async () => {
    await t.request('GET', `/api/v1/users/${manager.userId}`, { jwt: managerJwt });
    const text = await (await fetch(`${t.gateway.url}/metrics`)).text();
    expect(text).toMatch(/tillgate_http_requests_total\{method="GET",route="\/api\/v1\/users\/:id",status="200"\} [1-9]/);
    expect(text).toMatch(/tillgate_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/users\/:id"\} [1-9]/);
    expect(text).not.toContain(`route="/api/v1/users/${manager.userId}"`);
  });
});
