/**
 * `/api/v1/auth/*` end to end: real Appwrite emulator, Redis, MariaDB, and the gateway in process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type StaffLogin, type TestGateway } from '../support/gateway.js';

let t: TestGateway;
let manager: StaffLogin;
beforeAll(async () => {
  t = await startTestGateway();
  manager = await t.createStaff({ role: 'manager', storeId: 'store-a' });
});
afterAll(async () => t.stop());

describe('auth/login', () => {
  it('returns a JWT that authenticates /auth/me with role, store and permissions', async () => {
    const res = await t.request<{ jwt: string; role: { name: string }; permissions: string[]; staff: { storeId: string } }>('POST', '/api/v1/auth/login', { body: { email: manager.email, password: manager.password } });
    expect(res.status).toBe(200);
    expect(res.body.role.name).toBe('manager');
    expect(res.body.permissions).toContain('products:write');
    const me = await t.request<{ user: { id: string }; stores: string[]; permissions: string[] }>('GET', '/api/v1/auth/me', { jwt: res.body.jwt });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(manager.userId);
    expect(me.body.stores).toEqual(['store-a']);
    expect(me.body.permissions).toEqual(res.body.permissions);
  });

  it('answers a wrong password and an unknown email alike: 401 INVALID_CREDENTIALS', async () => {
    const staff = await t.createStaff({ role: 'cashier' });
    const wrong = await t.request<{ error: { code: string; message: string } }>('POST', '/api/v1/auth/login', { body: { email: staff.email, password: 'not the password' } });
    const unknown = await t.request<{ error: { code: string; message: string } }>('POST', '/api/v1/auth/login', { body: { email: 'nobody@example.com', password: 'whatever' } });
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'INVALID_CREDENTIALS']);
    expect([unknown.status, unknown.body.error.message]).toEqual([401, wrong.body.error.message]);
  });

  it('refuses a malformed body with 400 VALIDATION_FAILED, never 500', async () => {
    for (const body of [{}, { email: 'x' }, { email: 'a@b.co', password: '' }, '{"email":', { email: 'a@b.co', password: 'p', extra: 1 }]) {
      const res = await t.request<{ error: { code: string } }>('POST', '/api/v1/auth/login', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });

  it('locks the account after 5 failures: the 6th attempt is refused even with the right password', async () => {
    const staff = await t.createStaff({ role: 'cashier' });
    for (let i = 0; i < 5; i++) {
      const r = await t.request('POST', '/api/v1/auth/login', { body: { email: staff.email, password: `wrong-${i}` } });
      expect(r.status).toBe(401);
    }
    const locked = await t.request<{ error: { code: string } }>('POST', '/api/v1/auth/login', { body: { email: staff.email, password: staff.password } });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('ACCOUNT_LOCKED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(1700);
    // The lock lives in Redis: a new gateway instance still refuses.
    await t.restart();
    const after = await t.request<{ error: { code: string } }>('POST', '/api/v1/auth/login', { body: { email: staff.email.toUpperCase(), password: staff.password } });
    expect([after.status, after.body.error.code]).toEqual([429, 'ACCOUNT_LOCKED']);
  });

  it('lets at most 5 of 20 concurrent wrong attempts reach Appwrite', async () => {
    const staff = await t.createStaff({ role: 'cashier' });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => t.request<{ error: { code: string } }>('POST', '/api/v1/auth/login', { body: { email: staff.email, password: `guess-${i}` }, headers: { 'x-forwarded-for': `10.0.0.${i}` } })));
    const evaluated = answers.filter((a) => a.body.error?.code === 'INVALID_CREDENTIALS').length;
    const refused = answers.filter((a) => a.body.error?.code === 'ACCOUNT_LOCKED' || a.body.error?.code === 'RATE_LIMITED').length;
    expect(evaluated).toBeLessThanOrEqual(5);
    expect(evaluated + refused).toBe(20);
  });
});

describe('sessions and revocation', () => {
  it('refuses a revoked session\'s JWT on the very next request, though it was cached', async () => {
    const staff = await t.createStaff({ role: 'manager' });
    const jwtA = await t.login(staff);
    const jwtB = await t.login(staff);
    expect((await t.request('GET', '/api/v1/auth/me', { jwt: jwtA })).status).toBe(200); // cached now
    const sessions = await t.request<{ sessions: { id: string; current: boolean }[] }>('GET', '/api/v1/auth/sessions', { jwt: jwtB });
    expect(sessions.body.sessions).toHaveLength(2);
    const other = sessions.body.sessions.find((s) => !s.current)!;
    expect((await t.request('DELETE', `/api/v1/auth/sessions/${other.id}`, { jwt: jwtB })).status).toBe(204);
    const refused = await t.request<{ error: { code: string } }>('GET', '/api/v1/auth/me', { jwt: jwtA });
    expect([refused.status, refused.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect((await t.request('GET', '/api/v1/auth/me', { jwt: jwtB })).status).toBe(200);
  });

  it('log out all devices ends every JWT; logout ends the current one', async () => {
    const staff = await t.createStaff({ role: 'manager' });
    const a = await t.login(staff);
    const b = await t.login(staff);
    await t.request('GET', '/api/v1/auth/me', { jwt: a });
    const all = await t.request<{ revoked: number }>('DELETE', '/api/v1/auth/sessions?scope=all', { jwt: b });
    expect(all.body.revoked).toBe(2);
    expect((await t.request('GET', '/api/v1/auth/me', { jwt: a })).status).toBe(401);
    expect((await t.request('GET', '/api/v1/auth/me', { jwt: b })).status).toBe(401);
    const c = await t.login(staff);
    expect((await t.request('POST', '/api/v1/auth/logout', { jwt: c })).status).toBe(204);
    expect((await t.request('GET', '/api/v1/auth/me', { jwt: c })).status).toBe(401);
  });

  it('answers a missing or garbage bearer with 401 in the envelope', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: 'Basic abc' }, { authorization: 'Bearer a.b.c' }] as Record<string, string>[]) {
      const res = await t.request<{ error: { code: string; requestId: string } }>('GET', '/api/v1/auth/me', { headers });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHENTICATED');
      expect(res.body.error.requestId).toBeTruthy();
    }
  });

  it('audits logins, failures and lockouts without any password in the log table or log lines', async () => {
    const [rows] = await t.db.pool.query<import('mysql2').RowDataPacket[]>("SELECT action, outcome, entry FROM audit_log WHERE action LIKE 'auth.%'");
    const actions = new Set(rows.map((r) => String(r.action)));
    expect(actions).toEqual(new Set(['auth.login', 'auth.login_failed', 'auth.locked', 'auth.logout', 'auth.session_revoked']));
    const everything = JSON.stringify(rows) + t.logs.join('');
    expect(everything).not.toContain(manager.password);
    expect(everything).not.toContain('not the password');
  });
});

describe('rate limits', () => {
  it('answers 429 RATE_LIMITED with Retry-After past the auth limit, per address and route', async () => {
    await t.restart({ AUTH_RATE_LIMIT: '3' });
    // Forget the points earlier tests consumed from this address.
    const keys = await t.redis.redis.keys(`${t.redis.prefix}rl:auth*`);
    if (keys.length) await t.redis.redis.del(...keys);
    try {
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push(await t.request<{ error: { code: string } }>('POST', '/api/v1/auth/login', { body: { email: 'rl@example.com', password: 'x' } }));
      expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 429, 429]);
      expect(answers[3]!.body.error.code).toBe('RATE_LIMITED');
      expect(Number(answers[3]!.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await t.restart();
    }
  });

  it('counts the API limit per signed-in caller, and refused credentials per address', async () => {
    await t.restart({ API_RATE_LIMIT: '3' });
    try {
      const a = await t.createStaff({ role: 'manager', storeId: 'store-a' });
      const b = await t.createStaff({ role: 'manager', storeId: 'store-a' });
      const [jwtA, jwtB] = await Promise.all([t.login(a), t.login(b)]);
      const me = (jwt: string) => t.request<{ error?: { code: string } }>('GET', '/api/v1/auth/me', { jwt });
      const first = [await me(jwtA), await me(jwtA), await me(jwtA)];
      expect(first.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(first.map((r) => r.headers.get('ratelimit-remaining'))).toEqual(['2', '1', '0']);
      const over = await me(jwtA);
      expect([over.status, over.body.error?.code]).toEqual([429, 'RATE_LIMITED']);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      // Same till, same address, another staff member: their own budget.
      expect((await me(jwtB)).status).toBe(200);
      // Bad tokens from this address: 401 until the address's budget is spent, then 429.
      const bad = [];
      for (let i = 0; i < 5; i++) bad.push((await me(`not-a-jwt-${i}`)).status);
      expect(bad).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await t.restart();
    }
  });
});
