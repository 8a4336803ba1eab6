/**
 * Contract: TablesDB permissions for client callers (sessions via node-appwrite `setSession`):
 * any / users / user: / label: roles, rowSecurity on and off, 401 vs 404 vs filtered lists,
 * default row permissions and the "grant only roles you hold" rule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppwriteException, Permission, Query, Role } from 'node-appwrite';
import { Client as WebClient, TablesDB as WebTablesDB } from 'appwrite';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { createClientUser, guestTablesDB, type ClientUser } from '../support/fixtures.js';
import type { EmittedEvent } from '../../emulator/events.js';

let emu: TestEmulator;
let alice: ClientUser;
let bob: ClientUser;
let manager: ClientUser;
const db = 'perm';

async function expectError<T>(p: Promise<T>, code: number, type: string): Promise<string> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(AppwriteException);
  const ex = e as AppwriteException;
  expect({ code: ex.code, type: ex.type }).toEqual({ code, type });
  return ex.message;
}

async function table(tableId: string, permissions: string[], rowSecurity: boolean): Promise<void> {
  await emu.tablesDB.createTable({ databaseId: db, tableId, name: tableId, permissions, rowSecurity });
  await emu.tablesDB.createStringColumn({ databaseId: db, tableId, key: 'note', size: 50, required: false });
}

beforeAll(async () => {
  emu = await startTestEmulator();
  await emu.tablesDB.create({ databaseId: db, name: 'Perm' });
  await table('open', [Permission.read(Role.any()), Permission.create(Role.users())], false);
  await table('staff', [Permission.read(Role.label('manager')), Permission.update(Role.label('manager'))], false);
  await table('secure', [Permission.create(Role.users())], true);
  alice = createClientUser(emu, { id: 'alice' });
  bob = createClientUser(emu, { id: 'bob' });
  manager = createClientUser(emu, { id: 'mgr', labels: ['manager'] });
  await emu.tablesDB.createRow({ databaseId: db, tableId: 'staff', rowId: 's1', data: { note: 'x' } });
});
afterAll(async () => {
  await emu.stop();
});

describe('table permissions with rowSecurity off', () => {
  it('lets anyone read a read("any") table but only users create', async () => {
    const guest = guestTablesDB(emu);
    expect((await guest.listRows({ databaseId: db, tableId: 'open' })).total).toBe(0);
    await expectError(guest.createRow({ databaseId: db, tableId: 'open', rowId: 'g1', data: { note: 'n' } }), 401, 'user_unauthorized');
    const row = await alice.tablesDB.createRow({ databaseId: db, tableId: 'open', rowId: 'a1', data: { note: 'n' } });
    expect(row.$permissions).toEqual(['read("user:alice")', 'update("user:alice")', 'delete("user:alice")']);
    expect((await guest.getRow({ databaseId: db, tableId: 'open', rowId: 'a1' })).note).toBe('n');
  });

  it('ignores row permissions when rowSecurity is off: the creator cannot update without table update', async () => {
    await expectError(alice.tablesDB.updateRow({ databaseId: db, tableId: 'open', rowId: 'a1', data: { note: 'm' } }), 401, 'user_unauthorized');
    await expectError(alice.tablesDB.deleteRow({ databaseId: db, tableId: 'open', rowId: 'a1' }), 401, 'user_unauthorized');
  });

  it('answers 401 for listing an unreadable table and 404 for getting its row', async () => {
    await expectError(bob.tablesDB.listRows({ databaseId: db, tableId: 'staff' }), 401, 'user_unauthorized');
    await expectError(bob.tablesDB.getRow({ databaseId: db, tableId: 'staff', rowId: 's1' }), 404, 'row_not_found');
    await expectError(guestTablesDB(emu).listRows({ databaseId: db, tableId: 'staff' }), 401, 'user_unauthorized');
  });

  it('grants label roles: a manager reads and updates, but may not create or delete', async () => {
    expect((await manager.tablesDB.listRows({ databaseId: db, tableId: 'staff' })).total).toBe(1);
    expect((await manager.tablesDB.updateRow({ databaseId: db, tableId: 'staff', rowId: 's1', data: { note: 'y' } })).note).toBe('y');
    await expectError(manager.tablesDB.createRow({ databaseId: db, tableId: 'staff', rowId: 's2', data: { note: 'z' } }), 401, 'user_unauthorized');
    await expectError(manager.tablesDB.deleteRow({ databaseId: db, tableId: 'staff', rowId: 's1' }), 401, 'user_unauthorized');
    await expectError(bob.tablesDB.updateRow({ databaseId: db, tableId: 'staff', rowId: 's1', data: { note: 'b' } }), 401, 'user_unauthorized');
  });
});

describe('row security on', () => {
  it('filters lists to readable rows and hides others with 404', async () => {
    await alice.tablesDB.createRow({ databaseId: db, tableId: 'secure', rowId: 'sa', data: { note: 'alice' } });
    await bob.tablesDB.createRow({ databaseId: db, tableId: 'secure', rowId: 'sb', data: { note: 'bob' } });
    await emu.tablesDB.createRow({ databaseId: db, tableId: 'secure', rowId: 'pub', data: { note: 'all' }, permissions: [Permission.read(Role.users())] });
    const a = await alice.tablesDB.listRows({ databaseId: db, tableId: 'secure' });
    expect(a.rows.map((r) => r.$id)).toEqual(['sa', 'pub']);
    expect(a.total).toBe(2);
    const g = await guestTablesDB(emu).listRows({ databaseId: db, tableId: 'secure' });
    expect(g).toEqual({ total: 0, rows: [] });
    await expectError(bob.tablesDB.getRow({ databaseId: db, tableId: 'secure', rowId: 'sa' }), 404, 'row_not_found');
    expect((await emu.tablesDB.listRows({ databaseId: db, tableId: 'secure' })).total).toBe(3);
  });

  it('lets row permissions grant update and delete, and refuses others with 401', async () => {
    await expectError(bob.tablesDB.updateRow({ databaseId: db, tableId: 'secure', rowId: 'sa', data: { note: 'hack' } }), 401, 'user_unauthorized');
    await expectError(bob.tablesDB.deleteRow({ databaseId: db, tableId: 'secure', rowId: 'sa' }), 401, 'user_unauthorized');
    expect((await alice.tablesDB.updateRow({ databaseId: db, tableId: 'secure', rowId: 'sa', data: { note: 'mine' } })).note).toBe('mine');
    await expectError(alice.tablesDB.updateRow({ databaseId: db, tableId: 'secure', rowId: 'pub', data: { note: 'x' } }), 401, 'user_unauthorized');
    await alice.tablesDB.deleteRow({ databaseId: db, tableId: 'secure', rowId: 'sa' });
  });

  it('refuses permissions for roles the client does not hold, and accepts its own', async () => {
    const msg = await expectError(
      alice.tablesDB.createRow({ databaseId: db, tableId: 'secure', rowId: 'x1', data: {note: 'n'}, permissions: [Permission.read(Role.user('bob'))] }),
      401,
      'user_unauthorized',
    );
    expect(msg).toContain('Permissions must be one of');
    const row = await alice.tablesDB.createRow({ databaseId: db, tableId: 'secure', rowId: 'x2', data: { note: 'n' }, permissions: [Permission.read(Role.any()), Permission.write(Role.user('alice'))] });
    expect(row.$permissions).toEqual(['read("any")', 'update("user:alice")', 'delete("user:alice")']);
    await expectError(alice.tablesDB.createRow({ databaseId: db, tableId: 'secure', rowId: 'x3', data: { note: 'n' }, permissions: [Permission.create(Role.any())] }), 400, 'general_argument_invalid');
  });

  it('keeps bulk writes to API keys', async () => {
    await expectError(alice.tablesDB.createRows({ databaseId: db, tableId: 'secure', rows: [{ note: 'n' }] }), 401, 'general_unauthorized_scope');
  });

  it('reports the session user as the event userId of client writes', async () => {
    const seen: EmittedEvent[] = [];
    const off = emu.emulator.events.subscribe((e) => seen.push(e));
    await bob.tablesDB.updateRow({ databaseId: db, tableId: 'secure', rowId: 'sb', data: { note: 'v2' } });
    off();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.userId).toBe('bob');
  });

  it('hides disabled tables from clients but not from API keys', async () => {
    await emu.tablesDB.updateTable({ databaseId: db, tableId: 'open', enabled: false });
    await expectError(alice.tablesDB.listRows({ databaseId: db, tableId: 'open' }), 404, 'table_not_found');
    expect((await emu.tablesDB.listRows({ databaseId: db, tableId: 'open' })).total).toBe(1);
  });

  it('works unchanged with the appwrite web SDK (session carrier)', async () => {
    const web = new WebTablesDB(new WebClient().setEndpoint(emu.endpoint).setProject(emu.projectId).setSession(alice.secret));
    const row = await web.createRow({ databaseId: db, tableId: 'secure', rowId: 'web1', data: { note: 'from web' } });
    expect(row.$permissions).toContain('read("user:alice")');
    const list = await web.listRows({ databaseId: db, tableId: 'secure', queries: [Query.equal('note', 'from web')] });
    expect(list.rows.map((r) => r.$id)).toEqual(['web1']);
    expect((await web.updateRow({ databaseId: db, tableId: 'secure', rowId: 'web1', data: { note: 'edited' } })).note).toBe('edited');
    await web.deleteRow({ databaseId: db, tableId: 'secure', rowId: 'web1' });
  });
});
