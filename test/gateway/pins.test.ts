/**
 * PIN management, unlocks and locking a till: a PIN change ends the cashier's sessions at once
 * (the old JWT gets 401), weak/duplicate/reused PINs are refused, a manager unlocks a lock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type StaffLogin, type TestGateway } from '../support/gateway.js';

let t: TestGateway;
let managerJwt: string;
let cashier: StaffLogin;
let till: { id: string; auth: string };
type Err = { error: { code: string; details?: { rule?: string } } };

beforeAll(async () => {
  t = await startTestGateway();
  managerJwt = await t.login(await t.createStaff({ role: 'manager', storeId: 'store-a' }));
  cashier = await t.createStaff({ role: 'cashier', storeId: 'store-a' });
  const created = await t.request<{ enrollmentCode: string }>('POST', '/api/v1/terminals', { jwt: managerJwt, body: { storeId: 'store-a', name: 'Till' } });
  const enrolled = await t.request<{ terminalId: string; secret: string }>('POST', '/api/v1/terminals/enroll', { body: { code: created.body.enrollmentCode } });
  till = { id: enrolled.body.terminalId, auth: `Terminal ${enrolled.body.terminalId}:${enrolled.body.secret}` };
});
afterAll(async () => t.stop());

const pinLogin = (pin: string, staffId?: string) => t.request<Err & { userId: string }>('POST', '/api/v1/auth/pin-login', { headers: { authorization: till.auth }, body: { pin, ...(staffId ? { staffId } : {}) } });

describe('PIN management', () => {
  it('a manager sets a cashier\'s PIN; weak, duplicate and reused PINs are refused', async () => {
    expect((await t.request('PUT', `/api/v1/users/${cashier.userId}/pin`, { jwt: managerJwt, body: { pin: '730418' } })).status).toBe(204);
    expect((await pinLogin('730418')).status).toBe(200);
    for (const weak of ['1234', '1111', '1212', '1987']) {
      const r = await t.request<Err>('PUT', `/api/v1/users/${cashier.userId}/pin`, { jwt: managerJwt, body: { pin: weak } });
      expect([weak, r.status, r.body.error.code]).toEqual([weak, 400, 'PIN_POLICY_VIOLATION']);
    }
    const other = await t.createStaff({ role: 'cashier', storeId: 'store-a' });
    const dup = await t.request<Err>('PUT', `/api/v1/users/${other.userId}/pin`, { jwt: managerJwt, body: { pin: '730418' } });
    expect([dup.status, dup.body.error.code]).toEqual([409, 'PIN_IN_USE']);
    expect((await t.request('PUT', `/api/v1/users/${cashier.userId}/pin`, { jwt: managerJwt, body: { pin: '582039' } })).status).toBe(204);
    const reused = await t.request<Err>('PUT', `/api/v1/users/${cashier.userId}/pin`, { jwt: managerJwt, body: { pin: '730418' } });
    expect([reused.status, reused.body.error.code]).toEqual([409, 'PIN_REUSED']);
  });

  it('changing a cashier\'s PIN ends their open terminal session on the spot', async () => {
    const jwt = await t.login(cashier);
    expect((await t.request('GET', '/api/v1/auth/me', { jwt })).status).toBe(200);
    expect((await t.request('PUT', `/api/v1/users/${cashier.userId}/pin`, { jwt: managerJwt, body: { pin: '916402' } })).status).toBe(204);
    expect((await t.request('GET', '/api/v1/auth/me', { jwt })).status).toBe(401);
  });

  it('a cashier changes their own PIN only with the current one, and cannot set a manager\'s', async () => {
    const jwt = await t.login(cashier);
    const bad = await t.request<Err>('PUT', `/api/v1/users/${cashier.userId}/pin`, { jwt, body: { pin: '402715', currentPin: '000000' } });
    expect([bad.status, bad.body.error.code]).toEqual([401, 'INVALID_CREDENTIALS']);
    expect((await t.request('PUT', `/api/v1/users/${cashier.userId}/pin`, { jwt, body: { pin: '402715', currentPin: '916402' } })).status).toBe(204);
    const jwt2 = await t.login(cashier);
    const manager = await t.createStaff({ role: 'manager', storeId: 'store-a' });
    const up = await t.request<Err>('PUT', `/api/v1/users/${manager.userId}/pin`, { jwt: jwt2, body: { pin: '593017' } });
    expect(up.status).toBe(403);
  });

  it('a manager unlocks a locked PIN and a locked terminal', async () => {
    for (let i = 0; i < 5; i++) await pinLogin(String(200000 + i * 7), cashier.userId);
    expect((await pinLogin('402715', cashier.userId)).body.error.code).toBe('PIN_LOCKED');
    const unlocked = await t.request<{ wasLocked: boolean }>('POST', `/api/v1/users/${cashier.userId}/pin/unlock`, { jwt: managerJwt });
    expect(unlocked.body.wasLocked).toBe(true);
    expect((await pinLogin('402715', cashier.userId)).status).toBe(200);
    const tu = await t.request<{ wasLocked: boolean }>('POST', `/api/v1/terminals/${till.id}/unlock`, { jwt: managerJwt });
    expect(tu.status).toBe(200);
  });

  it('applies the store\'s own policy: minimum length and deny list', async () => {
    await t.admin.tablesDB.createRow({ databaseId: 'pos', tableId: 'stores', rowId: 'store-p', data: { name: 'Policy store', code: 'P1', currency: 'EUR', pinMinLength: 6, pinDenyList: ['738291'] } });
    const staff = await t.createStaff({ role: 'cashier', storeId: 'store-p' });
    const adminJwt = await t.login(await t.createStaff({ role: 'admin', storeId: 'store-a' }));
    for (const pin of ['4826', '738291']) {
      const r = await t.request<Err>('PUT', `/api/v1/users/${staff.userId}/pin`, { jwt: adminJwt, body: { pin } });
      expect([pin, r.status, r.body.error.code]).toEqual([pin, 400, 'PIN_POLICY_VIOLATION']);
    }
    expect((await t.request('PUT', `/api/v1/users/${staff.userId}/pin`, { jwt: adminJwt, body: { pin: '462819' } })).status).toBe(204);
  });

  it('locking the till ends the operator\'s session', async () => {
    expect((await pinLogin('402715')).status).toBe(200);
    const locked = await t.request<{ ended: number }>('POST', '/api/v1/terminals/current/lock', { headers: { authorization: till.auth } });
    expect([locked.status, locked.body.ended]).toEqual([200, 1]);
    expect((await t.admin.users.listSessions({ userId: cashier.userId })).total).toBe(0);
  });
});
