/**
 * Custom roles, the authorization dry run and label drift through the gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type StaffLogin, type TestGateway } from '../support/gateway.js';

let t: TestGateway;
let superJwt: string;
let adminJwt: string;
let managerJwt: string;
let manager: StaffLogin;
type Err = { error: { code: string; details?: { rule?: string } } };

beforeAll(async () => {
  t = await startTestGateway();
  superJwt = await t.login(await t.createStaff({ role: 'superadmin', storeId: 'store-a' }));
  adminJwt = await t.login(await t.createStaff({ role: 'admin', storeId: 'store-a' }));
  manager = await t.createStaff({ role: 'manager', storeId: 'store-a' });
  managerJwt = await t.login(manager);
});
afterAll(async () => t.stop());

describe('roles', () => {
  it('lists the four built-in roles, highest first', async () => {
    const res = await t.request<{ roles: { name: string; level: number }[] }>('GET', '/api/v1/roles', { jwt: adminJwt });
    expect(res.body.roles.map((r) => r.name).slice(0, 4)).toEqual(['superadmin', 'admin', 'manager', 'cashier']);
  });

  it('creates a custom role within the creator\'s rights, assigns it, refuses to delete it while in use', async () => {
    const created = await t.request<{ name: string; permissions: string[] }>('POST', '/api/v1/roles', { jwt: adminJwt, body: { name: 'shift-lead', title: 'Shift lead', level: 30, permissions: ['sales:*', 'products:read'] } });
    expect(created.status).toBe(201);
    expect(created.body.permissions).toEqual(expect.arrayContaining(['sales:refund', 'products:read']));
    const staff = await t.request<{ id: string; role: string }>('POST', '/api/v1/users', { jwt: adminJwt, body: { email: 'lead@example.com', name: 'Lead', role: 'shift-lead', storeId: 'store-a', password: 'a long password 2' } });
    expect([staff.status, staff.body.role]).toEqual([201, 'shift-lead']);
    const jwt = await t.login({ email: 'lead@example.com', password: 'a long password 2' });
    const me = await t.request<{ role: { name: string }; permissions: string[] }>('GET', '/api/v1/auth/me', { jwt });
    expect(me.body.role.name).toBe('shift-lead');
    const del = await t.request<Err>('DELETE', '/api/v1/roles/shift-lead', { jwt: superJwt });
    expect([del.status, del.body.error.details?.rule]).toEqual([403, 'ROLE_IN_USE']);
  });

  it('refuses roles above one\'s level or with permissions one lacks, and any change to built-ins', async () => {
    const high = await t.request<Err>('POST', '/api/v1/roles', { jwt: adminJwt, body: { name: 'vice-admin', level: 80, permissions: ['products:read'] } });
    expect([high.status, high.body.error.details?.rule]).toEqual([403, 'ROLE_LEVEL']);
    const greedy = await t.request<Err>('POST', '/api/v1/roles', { jwt: adminJwt, body: { name: 'greedy', level: 20, permissions: ['settings:write'] } });
    expect([greedy.status, greedy.body.error.details?.rule]).toEqual([403, 'GRANT_EXCEEDS_OWN']);
    const builtin = await t.request<Err>('PUT', '/api/v1/roles/superadmin', { jwt: superJwt, body: { level: 99, permissions: ['products:read'] } });
    expect(builtin.status).toBe(403);
    const bad = await t.request<Err>('POST', '/api/v1/roles', { jwt: adminJwt, body: { name: 'typo', level: 20, permissions: ['prodcts:read'] } });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
  });
});

describe('authz/check', () => {
  it('explains a decision: granted with the matching grant, or denied with the reason', async () => {
    const yes = await t.request<{ allowed: boolean; grant: string }>('POST', '/api/v1/authz/check', { jwt: adminJwt, body: { userId: manager.userId, permission: 'products:write', storeId: 'store-a' } });
    expect(yes.body).toMatchObject({ allowed: true, grant: 'products:write', scope: 'store' });
    const elsewhere = await t.request<{ allowed: boolean; reason: string }>('POST', '/api/v1/authz/check', { jwt: adminJwt, body: { userId: manager.userId, permission: 'products:write', storeId: 'store-b' } });
    expect(elsewhere.body).toMatchObject({ allowed: false, reason: 'STORE_SCOPE' });
    const no = await t.request<{ allowed: boolean; reason: string }>('POST', '/api/v1/authz/check', { jwt: adminJwt, body: { userId: manager.userId, permission: 'audit:verify' } });
    expect(no.body).toMatchObject({ allowed: false, reason: 'NOT_GRANTED' });
  });
});

describe('label drift', () => {
  it('finds a user whose labels were edited outside Tillgate and repairs them', async () => {
    await t.admin.users.updateLabels({ userId: manager.userId, labels: ['admin', 'vip'] });
    const drift = await t.request<{ drifted: { userId: string; unexpected: string[]; missing: string[] }[] }>('GET', '/api/v1/admin/drift', { jwt: adminJwt });
    const mine = drift.body.drifted.find((d) => d.userId === manager.userId)!;
    expect(mine.unexpected).toContain('admin');
    expect(mine.missing).toContain('manager');
    await t.request('POST', '/api/v1/admin/drift/repair', { jwt: adminJwt });
    const labels = (await t.admin.users.get({ userId: manager.userId })).labels;
    expect(labels).toEqual(expect.arrayContaining(['manager', 'vip']));
    expect(labels).not.toContain('admin');
    expect((await t.request<{ drifted: unknown[] }>('GET', '/api/v1/admin/drift', { jwt: adminJwt })).body.drifted).toEqual([]);
    expect((await t.request('GET', '/api/v1/admin/drift', { jwt: managerJwt })).status).toBe(403);
  });
});
