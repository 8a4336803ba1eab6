/**
 * User management through the gateway: creation all-or-nothing, role changes end sessions at
 * once, escalation and IDOR attempts are refused with the rule that forbids them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type StaffLogin, type TestGateway } from '../support/gateway.js';

let t: TestGateway;
let admin: StaffLogin;
let manager: StaffLogin;
let cashier: StaffLogin;
let adminJwt: string;
let managerJwt: string;
let cashierJwt: string;

beforeAll(async () => {
  t = await startTestGateway();
  admin = await t.createStaff({ role: 'admin', storeId: 'store-a' });
  manager = await t.createStaff({ role: 'manager', storeId: 'store-a' });
  cashier = await t.createStaff({ role: 'cashier', storeId: 'store-a' });
  [adminJwt, managerJwt, cashierJwt] = await Promise.all([t.login(admin), t.login(manager), t.login(cashier)]);
});
afterAll(async () => t.stop());

type Err = { error: { code: string; details?: { rule?: string; reason?: string } } };

describe('users: management rules', () => {
  it('a manager creates a cashier in their store, who can then log in', async () => {
    const res = await t.request<{ id: string; role: string }>('POST', '/api/v1/users', { jwt: managerJwt, body: { email: 'new.cashier@example.com', name: 'New Cashier', role: 'cashier', storeId: 'store-a', password: 'a long password 1' } });
    expect(res.status).toBe(201);
    expect(res.body.role).toBe('cashier');
    expect(await t.login({ email: 'new.cashier@example.com', password: 'a long password 1' })).toMatch(/\./);
    const user = await t.admin.users.get({ userId: res.body.id });
    expect(user.labels).toContain('cashier');
  });

  it('a manager cannot create an admin', async () => {
    const res = await t.request<Err>('POST', '/api/v1/users', { jwt: managerJwt, body: { email: 'x.admin@example.com', name: 'X', role: 'admin', storeId: 'store-a' } });
    expect([res.status, res.body.error.code, res.body.error.details?.rule]).toEqual([403, 'FORBIDDEN', 'ROLE_LEVEL']);
    const { Query } = await import('node-appwrite');
    await expect(t.admin.users.list({ queries: [Query.equal('email', 'x.admin@example.com')] })).resolves.toMatchObject({ total: 0 });
  });

  it('a manager cannot raise anyone to manager, nor move a cashier to another store', async () => {
    const up = await t.request<Err>('PATCH', `/api/v1/users/${cashier.userId}`, { jwt: managerJwt, body: { role: 'manager' } });
    expect([up.status, up.body.error.details?.rule]).toEqual([403, 'ROLE_LEVEL']);
    const away = await t.request<Err>('PATCH', `/api/v1/users/${cashier.userId}`, { jwt: managerJwt, body: { role: 'manager', storeId: 'store-b' } });
    expect(away.status).toBe(403);
    const moved = await t.request<Err>('PATCH', `/api/v1/users/${cashier.userId}`, { jwt: managerJwt, body: { storeId: 'store-b' } });
    expect([moved.status, moved.body.error.details?.rule]).toEqual([403, 'OTHER_STORE']);
  });

  it('nobody changes their own role', async () => {
    const res = await t.request<Err>('PATCH', `/api/v1/users/${admin.userId}`, { jwt: adminJwt, body: { role: 'superadmin' } });
    expect([res.status, res.body.error.details?.rule]).toEqual([403, 'SELF_ROLE_CHANGE']);
  });

  it('a cashier cannot read another user (IDOR)', async () => {
    const res = await t.request<Err>('GET', `/api/v1/users/${manager.userId}`, { jwt: cashierJwt });
    expect([res.status, res.body.error.code]).toEqual([403, 'INSUFFICIENT_PERMISSIONS']);
  });

  it('a role change by an admin takes effect at once: the old JWT is refused, labels follow', async () => {
    const staff = await t.createStaff({ role: 'cashier', storeId: 'store-a' });
    const jwt = await t.login(staff);
    expect((await t.request('GET', '/api/v1/auth/me', { jwt })).status).toBe(200);
    const res = await t.request<{ role: string }>('PATCH', `/api/v1/users/${staff.userId}`, { jwt: adminJwt, body: { role: 'manager' } });
    expect([res.status, res.body.role]).toEqual([200, 'manager']);
    expect((await t.request('GET', '/api/v1/auth/me', { jwt })).status).toBe(401);
    expect((await t.admin.users.get({ userId: staff.userId })).labels).toEqual(expect.arrayContaining(['manager']));
    expect((await t.admin.users.get({ userId: staff.userId })).labels).not.toContain('cashier');
  });

  it('deactivation blocks the account and ends its sessions; only a superadmin hard-deletes', async () => {
    const staff = await t.createStaff({ role: 'cashier', storeId: 'store-a' });
    const jwt = await t.login(staff);
    const off = await t.request<{ active: boolean }>('PUT', `/api/v1/users/${staff.userId}/status`, { jwt: managerJwt, body: { active: false } });
    expect([off.status, off.body.active]).toEqual([200, false]);
    expect((await t.request('GET', '/api/v1/auth/me', { jwt })).status).toBe(401);
    const login = await t.request<Err>('POST', '/api/v1/auth/login', { body: { email: staff.email, password: staff.password } });
    expect([login.status, login.body.error.code]).toEqual([403, 'USER_BLOCKED']);
    const hard = await t.request<Err>('DELETE', `/api/v1/users/${staff.userId}?hard=true`, { jwt: adminJwt });
    expect([hard.status, hard.body.error.details?.rule]).toEqual([403, 'HARD_DELETE_SUPERADMIN_ONLY']);
  });

  it('lists staff with filters and cursor pagination, scoped to the caller\'s store', async () => {
    for (let i = 0; i < 5; i++) await t.createStaff({ role: 'cashier', storeId: 'store-b', name: `B cashier ${i}` });
    const mine = await t.request<{ users: { storeId: string }[] }>('GET', '/api/v1/users?limit=200', { jwt: managerJwt });
    expect(mine.body.users.every((u) => u.storeId === 'store-a')).toBe(true);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { users: { id: string }[]; nextCursor: string | null } } = await t.request('GET', `/api/v1/users?storeId=store-b&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { jwt: adminJwt });
      expect(page.status).toBe(200);
      seen.push(...page.body.users.map((u) => u.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(5);
  });

  it('password: yourself with the current password; a wrong one is refused', async () => {
    const staff = await t.createStaff({ role: 'cashier', storeId: 'store-a' });
    const jwt = await t.login(staff);
    const wrong = await t.request<Err>('PUT', `/api/v1/users/${staff.userId}/password`, { jwt, body: { password: 'brand new password', currentPassword: 'nope' } });
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'INVALID_CREDENTIALS']);
    const ok = await t.request('PUT', `/api/v1/users/${staff.userId}/password`, { jwt, body: { password: 'brand new password', currentPassword: staff.password } });
    expect(ok.status).toBe(204);
    expect(await t.login({ email: staff.email, password: 'brand new password' })).toMatch(/\./);
    const other = await t.request<Err>('PUT', `/api/v1/users/${manager.userId}/password`, { jwt, body: { password: 'hijacked password' } });
    expect(other.status).toBe(403);
  });
});
