/**
 * rbac-guard on emulated Appwrite events: a cashier's sale written through the client SDK with
 * another cashier's staffId is reverted and audited; an own sale stands; duplicated deliveries
 * change nothing more. A session ended or a user blocked outside the gateway (SDK, console)
 * revokes the gateway's cached JWTs at once.
 */
import { Client, TablesDB } from 'appwrite';
import type { RowDataPacket } from 'mysql2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerEmbeddedFunctions } from '../../scripts/embedded-functions.js';
import { startTestGateway, type StaffLogin, type TestGateway } from '../support/gateway.js';

let t: TestGateway;
let cashierA: StaffLogin;
let cashierB: StaffLogin;
let db: TablesDB;

beforeAll(async () => {
  t = await startTestGateway();
  registerEmbeddedFunctions(t.emu.emulator, { MARIADB_URL: t.db.url, REDIS_URL: t.redis.url, REDIS_KEY_PREFIX: t.redis.prefix, AUDIT_CHECKPOINT_KEY: t.config.AUDIT_CHECKPOINT_KEY!, LOG_LEVEL: 'silent' });
  t.emu.emulator.events.setDelivery({ duplicate: 1, seed: 7 });
  cashierA = await t.createStaff({ role: 'cashier', storeId: 'store-a' });
  cashierB = await t.createStaff({ role: 'cashier', storeId: 'store-a' });
  const session = await t.admin.users.createSession({ userId: cashierA.userId });
  db = new TablesDB(new Client().setEndpoint(t.emu.endpoint).setProject(t.emu.projectId).setSession(session.secret));
});
afterAll(async () => t.stop());

const sale = (staffId: string, storeId = 'store-a') => ({ storeId, terminalId: 't1', staffId, totalMinor: 1299, currency: 'EUR', status: 'completed', occurredAt: new Date().toISOString() });

describe('rbac-guard', () => {
  it('reverts a sale recorded under another cashier and audits it, keeps an own sale', async () => {
    await db.createRow({ databaseId: 'pos', tableId: 'sales', rowId: 'forged', data: sale(cashierB.userId) });
    await db.createRow({ databaseId: 'pos', tableId: 'sales', rowId: 'honest', data: sale(cashierA.userId) });
    await db.createRow({ databaseId: 'pos', tableId: 'sales', rowId: 'elsewhere', data: sale(cashierA.userId, 'store-b') });
    await t.emu.emulator.functions.idle();
    await expect(t.admin.tablesDB.getRow({ databaseId: 'pos', tableId: 'sales', rowId: 'forged' })).rejects.toMatchObject({ code: 404 });
    await expect(t.admin.tablesDB.getRow({ databaseId: 'pos', tableId: 'sales', rowId: 'elsewhere' })).rejects.toMatchObject({ code: 404 });
    expect((await t.admin.tablesDB.getRow({ databaseId: 'pos', tableId: 'sales', rowId: 'honest' })).$id).toBe('honest');

    const [rows] = await t.db.pool.query<RowDataPacket[]>("SELECT target_id, actor_id, outcome, JSON_UNQUOTE(JSON_EXTRACT(entry, '$.reason')) AS reason FROM audit_log WHERE action = 'rbac.reverted' ORDER BY seq");
    // Duplicated deliveries of each event yield one entry per reverted write.
    expect(rows.map((r) => [r.target_id, r.actor_id, r.outcome, r.reason])).toEqual([
      ['forged', cashierA.userId, 'denied', 'SALE_OTHER_STAFF'],
      ['elsewhere', cashierA.userId, 'denied', 'SALE_OTHER_STORE'],
    ]);
  });

  it('trusts writes made with an API key (the gateway and imports)', async () => {
    await t.admin.tablesDB.createRow({ databaseId: 'pos', tableId: 'sales', rowId: 'imported', data: sale(cashierB.userId) });
    await t.emu.emulator.functions.idle();
    expect((await t.admin.tablesDB.getRow({ databaseId: 'pos', tableId: 'sales', rowId: 'imported' })).$id).toBe('imported');
  });

  it('revokes a cached JWT when its session is deleted at Appwrite (as the console does), outside the gateway', async () => {
    const { jwt, sessionId } = await t.loginJwt(cashierB.email, cashierB.password);
    // Verified once, so the gateway has it cached.
    expect((await t.request('GET', '/api/v1/auth/me', { jwt })).status).toBe(200);
    await t.admin.users.deleteSession({ userId: cashierB.userId, sessionId });
    await t.emu.emulator.functions.idle();
    const after = await t.request<{ error: { code: string } }>('GET', '/api/v1/auth/me', { jwt });
    expect([after.status, after.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
  });

  it('revokes cached JWTs when the user is blocked in the console, and verifies other users as before', async () => {
    const other = await t.createStaff({ role: 'cashier', storeId: 'store-a' });
    const mine = await t.loginJwt(other.email, other.password);
    const theirs = await t.loginJwt(cashierA.email, cashierA.password);
    expect((await t.request('GET', '/api/v1/auth/me', { jwt: mine.jwt })).status).toBe(200);
    await t.admin.users.updateStatus({ userId: other.userId, status: false });
    await t.emu.emulator.functions.idle();
    expect((await t.request('GET', '/api/v1/auth/me', { jwt: mine.jwt })).status).toBe(401);
    expect((await t.request('GET', '/api/v1/auth/me', { jwt: theirs.jwt })).status).toBe(200);
  });
});
