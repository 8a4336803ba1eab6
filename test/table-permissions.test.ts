/**
 * Appwrite table permissions from collections/ hold for client SDK callers (issue 4): nobody,
 * not even a SuperAdmin's session, reads a row of staff_credentials; a cashier's session cannot
 * update products, a manager's can. Driven through the real `appwrite` web SDK.
 */
import { Client, TablesDB } from 'appwrite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../collections/index.js';
import { createAppwriteAdmin, type AppwriteAdmin } from '../infra/appwrite.js';
import { createPinHasher } from '../infra/pin-hasher.js';
import { seedDemo, type DemoLogin } from '../infra/seed/demo.js';
import { syncSchema } from '../infra/schema-sync/sync.js';
import { startTestEmulator, type TestEmulator } from './support/emulator.js';

let emu: TestEmulator;
let admin: AppwriteAdmin;
let logins: DemoLogin[];
const hasher = createPinHasher({ threads: 1, cost: 4 });

beforeAll(async () => {
  emu = await startTestEmulator();
  admin = createAppwriteAdmin({ endpoint: emu.endpoint, projectId: emu.projectId, apiKey: emu.apiKey });
  await syncSchema({ tablesDB: admin.tablesDB, databaseId: 'pos', tables: TABLES });
  logins = (await seedDemo({ appwrite: admin, databaseId: 'pos', hasher, pepper: 'q'.repeat(40), cost: 4 })).logins!;
});
afterAll(async () => {
  await hasher.close();
  await emu.stop();
});

/** A web-SDK TablesDB acting as `role`'s session. */
async function tablesAs(role: string): Promise<TablesDB> {
  const login = logins.find((l) => l.role === role)!;
  const session = await admin.users.createSession({ userId: login.userId });
  return new TablesDB(new Client().setEndpoint(emu.endpoint).setProject(emu.projectId).setSession(session.secret));
}

describe('table permissions for client callers', () => {
  it.each(['superadmin', 'admin', 'manager', 'cashier'])('a %s session gets no row of staff_credentials', async (role) => {
    const db = await tablesAs(role);
    await expect(db.listRows({ databaseId: 'pos', tableId: 'staff_credentials' })).rejects.toMatchObject({ code: 401, type: 'user_unauthorized' });
    const own = logins.find((l) => l.role === role)!;
    await expect(db.getRow({ databaseId: 'pos', tableId: 'staff_credentials', rowId: own.userId })).rejects.toMatchObject({ code: 404 });
  });

  it('a cashier may read products but not change a price', async () => {
    const db = await tablesAs('cashier');
    const list = await db.listRows({ databaseId: 'pos', tableId: 'products' });
    expect(list.total).toBeGreaterThan(0);
    await expect(db.updateRow({ databaseId: 'pos', tableId: 'products', rowId: list.rows[0]!.$id, data: { priceMinor: 1 } })).rejects.toMatchObject({ code: 401, type: 'user_unauthorized' });
  });

  it('a manager may change a price', async () => {
    const db = await tablesAs('manager');
    const row = (await db.listRows({ databaseId: 'pos', tableId: 'products' })).rows[0]!;
    const updated = await db.updateRow({ databaseId: 'pos', tableId: 'products', rowId: row.$id, data: { priceMinor: 999 } });
    expect((updated as unknown as { priceMinor: number }).priceMinor).toBe(999);
  });

  it('a cashier may create a sale; nobody without a session can', async () => {
    const cashier = logins.find((l) => l.role === 'cashier')!;
    const db = await tablesAs('cashier');
    const sale = await db.createRow({ databaseId: 'pos', tableId: 'sales', rowId: 'sale-1', data: { storeId: 'store-demo', terminalId: 't1', staffId: cashier.userId, totalMinor: 500, currency: 'EUR', status: 'completed', occurredAt: new Date().toISOString() } });
    expect(sale.$id).toBe('sale-1');
    const guest = new TablesDB(new Client().setEndpoint(emu.endpoint).setProject(emu.projectId));
    await expect(guest.createRow({ databaseId: 'pos', tableId: 'sales', rowId: 'sale-2', data: { storeId: 'store-demo', terminalId: 't1', staffId: 'x', totalMinor: 1, currency: 'EUR', status: 'completed', occurredAt: new Date().toISOString() } })).rejects.toMatchObject({ code: 401 });
  });
});
