/**
 * `/api/v1/auth/*` beyond the happy path: JWTs made by the POS app itself through the real web
 * SDK, accounts without a staff profile, blocked accounts, "log out other devices", bad session
 * ids, Redis down (fail closed) and the rate-limit counter in `/metrics`.
 * Real emulator, Redis and MariaDB; the gateway in process.
 */
import { ID } from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type StaffLogin, type TestGateway } from '../support/gateway.js';

type ErrorBody = { error: { code: string; message: string } };

let t: TestGateway;
let manager: StaffLogin;
beforeAll(async () => {
  t = await startTestGateway();
  manager = await t.createStaff({ role: 'manager', storeId: 'store-a' });
});
afterAll(async () => t.stop());

describe('JWTs made by the app through the Appwrite web SDK', () => {
  it('authenticate /auth/me, and /auth/sessions flags the session the JWT belongs to', async () => {
    const { jwt, sessionId } = await t.loginJwt(manager.email, manager.password);
    const me = await t.request<{ user: { id: string }; sessionId: string; role: { name: string; level: number } }>('GET', '/api/v1/auth/me', { jwt });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(manager.userId);
    expect(me.body.sessionId).toBe(sessionId);
    expect(me.body.role.name).toBe('manager');
    const list = await t.request<{ sessions: { id: string; current: boolean }[] }>('GET', '/api/v1/auth/sessions', { jwt });
    expect(list.body.sessions.filter((s) => s.current).map((s) => s.id)).toEqual([sessionId]);
  });
});

describe('accounts the gateway must treat specially', () => {
  it('lets an Appwrite user without a staff profile log in with staff null and no permissions, but not act', async () => {
    const email = `guest-${Date.now()}@example.com`;
    const password = 'guest-password-long-enough';
    await t.admin.users.create({ userId: ID.unique(), email, password, name: 'No Profile' });
    const res = await t.request<{ jwt: string; staff: unknown; role: unknown; permissions: string[] }>('POST', '/api/v1/auth/login', { body: { email, password } });
    expect(res.status).toBe(200);
    expect(res.body.staff).toBeNull();
    expect(res.body.role).toBeNull();
    expect(res.body.permissions).toEqual([]);
    const me = await t.request<ErrorBody>('GET', '/api/v1/auth/me', { jwt: res.body.jwt });
    expect([me.status, me.body.error.code]).toEqual([403, 'FORBIDDEN']);
    // Their own sessions and logout need no staff profile.
    expect((await t.request('GET', '/api/v1/auth/sessions', { jwt: res.body.jwt })).status).toBe(200);
    expect((await t.request('POST', '/api/v1/auth/logout', { jwt: res.body.jwt })).status).toBe(204);
    expect((await t.request('GET', '/api/v1/auth/sessions', { jwt: res.body.jwt })).status).toBe(401);
  });

  it('answers a blocked account with 403 USER_BLOCKED (right password), without counting it as a failure', async () => {
    const staff = await t.createStaff({ role: 'cashier' });
    await t.admin.users.updateStatus({ userId: staff.userId, status: false });
    for (let i = 0; i < 6; i++) {
      const res = await t.request<ErrorBody>('POST', '/api/v1/auth/login', { body: { email: staff.email, password: staff.password } });
      expect([res.status, res.body.error.code]).toEqual([403, 'USER_BLOCKED']);
    }
    await t.admin.users.updateStatus({ userId: staff.userId, status: true });
    expect((await t.request('POST', '/api/v1/auth/login', { body: { email: staff.email, password: staff.password } })).status).toBe(200);
  });

  it('resets the failure count on success: 4 wrong, 1 right, 4 wrong still leave the account open', async () => {
    const staff = await t.createStaff({ role: 'cashier' });
    const wrong = async () => (await t.request('POST', '/api/v1/auth/login', { body: { email: staff.email, password: 'wrong-password' } })).status;
    for (let i = 0; i < 4; i++) expect(await wrong()).toBe(401);
    expect((await t.request('POST', '/api/v1/auth/login', { body: { email: staff.email, password: staff.password } })).status).toBe(200);
    for (let i = 0; i < 4; i++) expect(await wrong()).toBe(401);
    expect((await t.request('POST', '/api/v1/auth/login', { body: { email: staff.email, password: staff.password } })).status).toBe(200);
  });
});

describe('session management', () => {
  it('scope=others ends every other session at once and keeps the current one', async () => {
    const staff = await t.createStaff({ role: 'manager' });
    const a = await t.login(staff);
    const b = await t.login(staff);
    const c = await t.login(staff);
    for (const jwt of [a, b, c]) expect((await t.request('GET', '/api/v1/auth/me', { jwt })).status).toBe(200);
    const res = await t.request<{ revoked: number }>('DELETE', '/api/v1/auth/sessions?scope=others', { jwt: c });
    expect([res.status, res.body.revoked]).toEqual([200, 2]);
    expect((await t.request('GET', '/api/v1/auth/me', { jwt: a })).status).toBe(401);
    expect((await t.request('GET', '/api/v1/auth/me', { jwt: b })).status).toBe(401);
    expect((await t.request('GET', '/api/v1/auth/me', { jwt: c })).status).toBe(200);
    const list = await t.request<{ total: number }>('GET', '/api/v1/auth/sessions', { jwt: c });
    expect(list.body.total).toBe(1);
  });

  it("cannot revoke another user's session (404) and refuses bad ids and scopes with 400", async () => {
    const other = await t.createStaff({ role: 'cashier' });
    const { sessionId: othersSession, jwt: othersJwt } = await t.loginJwt(other.email, other.password);
    const jwt = await t.login(manager);
    const res = await t.request<ErrorBody>('DELETE', `/api/v1/auth/sessions/${othersSession}`, { jwt });
    expect([res.status, res.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect((await t.request('GET', '/api/v1/auth/me', { jwt: othersJwt })).status).toBe(200);
    for (const path of ['/api/v1/auth/sessions/bad%20id!', '/api/v1/auth/sessions?scope=everyone', '/api/v1/auth/sessions']) {
      const bad = await t.request<ErrorBody>('DELETE', path, { jwt });
      expect(bad.status, path).toBe(400);
      expect(bad.body.error.code, path).toBe('VALIDATION_FAILED');
    }
  });

  it('refuses logout, me and sessions without a bearer (401)', async () => {
    for (const [method, path] of [['POST', '/api/v1/auth/logout'], ['GET', '/api/v1/auth/sessions'], ['DELETE', '/api/v1/auth/sessions?scope=all']] as const) {
      const res = await t.request<ErrorBody>(method, path);
      expect([res.status, res.body.error.code], path).toEqual([401, 'UNAUTHENTICATED']);
    }
  });
});

describe('Redis down and rate-limit accounting', () => {
  it('answers login with 503 DEPENDENCY_UNAVAILABLE (fail closed) when Redis cannot be reached', async () => {
    // A port where nothing listens: the shared Redis server keeps running for everyone else.
    await t.restart({ REDIS_URL: 'redis://127.0.0.1:6390' });
    try {
      for (const password of [manager.password, 'wrong-password']) {
        const res = await t.request<ErrorBody>('POST', '/api/v1/auth/login', { body: { email: manager.email, password } });
        expect([res.status, res.body.error.code]).toEqual([503, 'DEPENDENCY_UNAVAILABLE']);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      }
    } finally {
      await t.restart();
    }
    // Back on Redis, the account is not locked and nothing was counted while it was down.
    expect((await t.request('POST', '/api/v1/auth/login', { body: { email: manager.email, password: manager.password } })).status).toBe(200);
  });

  it('counts rate-limit rejections in /metrics', async () => {
    await t.restart({ AUTH_RATE_LIMIT: '2' });
    const keys = await t.redis.redis.keys(`${t.redis.prefix}rl:auth*`);
    if (keys.length) await t.redis.redis.del(...keys);
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await t.request('POST', '/api/v1/auth/login', { body: { email: 'nobody@example.com', password: 'x' } })).status);
      expect(statuses).toEqual([401, 401, 429, 429]);
      const metrics = await fetch(`${t.gateway.url}/metrics`).then((r) => r.text());
      expect(metrics).toMatch(/tillgate_rate_limit_rejections_total\{limiter="auth"\} 2\b/);
    } finally {
      await t.restart();
    }
  });
});
