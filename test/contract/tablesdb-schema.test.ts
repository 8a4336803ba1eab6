/**
 * Contract: TablesDB databases, tables, columns and indexes through the real node-appwrite SDK.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppwriteException, Permission, Query, Role } from 'node-appwrite';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';

let emu: TestEmulator;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$/;

async function expectError<T>(p: Promise<T>, code: number, type: string): Promise<AppwriteException> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppwriteException);
  const ex = e as AppwriteException;
  expect({ code: ex.code, type: ex.type }).toEqual({ code, type });
  return ex;
}

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.stop();
});

describe('databases', () => {
  it('creates, gets, lists, updates and deletes a database', async () => {
    const db = await emu.tablesDB.create({ databaseId: 'shop', name: 'Shop' });
    expect(db).toMatchObject({ $id: 'shop', name: 'Shop', enabled: true, type: 'tablesdb' });
    expect(db.$createdAt).toMatch(ISO);
    expect(await emu.tablesDB.get({ databaseId: 'shop' })).toMatchObject({ name: 'Shop' });
    await emu.tablesDB.create({ databaseId: 'other', name: 'Other' });
    const list = await emu.tablesDB.list({ queries: [Query.equal('name', 'Other')] });
    expect(list.total).toBe(1);
    expect(list.databases.map((d) => d.$id)).toEqual(['other']);
    expect((await emu.tablesDB.list({ search: 'sho' })).databases.map((d) => d.$id)).toEqual(['shop']);
    const updated = await emu.tablesDB.update({ databaseId: 'other', name: 'Renamed', enabled: false });
    expect(updated).toMatchObject({ name: 'Renamed', enabled: false });
    await emu.tablesDB.delete({ databaseId: 'other' });
    await expectError(emu.tablesDB.get({ databaseId: 'other' }), 404, 'database_not_found');
  });

  it('refuses a duplicate id with 409 and a bad id with 400', async () => {
    await expectError(emu.tablesDB.create({ databaseId: 'shop', name: 'Again' }), 409, 'database_already_exists');
    await expectError(emu.tablesDB.create({ databaseId: '_bad id', name: 'x' }), 400, 'general_argument_invalid');
  });

  it('answers 400 general_query_invalid for an unknown query attribute', async () => {
    await expectError(emu.tablesDB.list({ queries: [Query.equal('nope', 'x')] }), 400, 'general_query_invalid');
  });
});

describe('tables', () => {
  it('creates a table with permissions and row security, and lists, updates, deletes it', async () => {
    const t = await emu.tablesDB.createTable({
      databaseId: 'shop',
      tableId: 'products',
      name: 'Products',
      permissions: [Permission.read(Role.any()), Permission.write(Role.label('manager'))],
      rowSecurity: true,
    });
    expect(t).toMatchObject({ $id: 'products', databaseId: 'shop', name: 'Products', enabled: true, rowSecurity: true, columns: [], indexes: [] });
    expect(t.$permissions).toEqual(['read("any")', 'create("label:manager")', 'update("label:manager")', 'delete("label:manager")']);
    await emu.tablesDB.createTable({ databaseId: 'shop', tableId: 'tmp', name: 'Temp' });
    const list = await emu.tablesDB.listTables({ databaseId: 'shop' });
    expect(list.total).toBe(2);
    const upd = await emu.tablesDB.updateTable({ databaseId: 'shop', tableId: 'tmp', name: 'Temporary', rowSecurity: true, enabled: false });
    expect(upd).toMatchObject({ name: 'Temporary', rowSecurity: true, enabled: false, $permissions: [] });
    await emu.tablesDB.deleteTable({ databaseId: 'shop', tableId: 'tmp' });
    await expectError(emu.tablesDB.getTable({ databaseId: 'shop', tableId: 'tmp' }), 404, 'table_not_found');
  });

  it('refuses duplicates, bad permissions and unknown databases', async () => {
    await expectError(emu.tablesDB.createTable({ databaseId: 'shop', tableId: 'products', name: 'X' }), 409, 'table_already_exists');
    await expectError(emu.tablesDB.createTable({ databaseId: 'shop', tableId: 'p2', name: 'X', permissions: ['read(any)'] }), 400, 'general_argument_invalid');
    await expectError(emu.tablesDB.listTables({ databaseId: 'missing' }), 404, 'database_not_found');
  });
});

describe('columns', () => {
  it('creates every supported column kind, available at once', async () => {
    const base = { databaseId: 'shop', tableId: 'products' };
    const s = await emu.tablesDB.createStringColumn({ ...base, key: 'sku', size: 16, required: true });
    expect(s).toMatchObject({ key: 'sku', type: 'string', size: 16, required: true, array: false, status: 'available', default: null });
    await emu.tablesDB.createVarcharColumn({ ...base, key: 'name', size: 64, required: false, xdefault: 'unnamed' });
    await emu.tablesDB.createTextColumn({ ...base, key: 'notes', required: false });
    const i = await emu.tablesDB.createIntegerColumn({ ...base, key: 'stock', required: false, min: 0, max: 1000, xdefault: 0 });
    expect(i).toMatchObject({ type: 'integer', min: 0, max: 1000, default: 0 });
    await emu.tablesDB.createFloatColumn({ ...base, key: 'price', required: false, min: 0 });
    await emu.tablesDB.createBooleanColumn({ ...base, key: 'active', required: false, xdefault: true });
    const d = await emu.tablesDB.createDatetimeColumn({ ...base, key: 'launch', required: false });
    expect(d).toMatchObject({ type: 'datetime', format: 'datetime' });
    const e = await emu.tablesDB.createEmailColumn({ ...base, key: 'contact', required: false });
    expect(e).toMatchObject({ type: 'string', format: 'email' });
    const en = await emu.tablesDB.createEnumColumn({ ...base, key: 'tier', elements: ['basic', 'premium'], required: false });
    expect(en).toMatchObject({ type: 'string', format: 'enum', elements: ['basic', 'premium'] });
    await emu.tablesDB.createIpColumn({ ...base, key: 'ip', required: false });
    await emu.tablesDB.createUrlColumn({ ...base, key: 'site', required: false });
    await emu.tablesDB.createStringColumn({ ...base, key: 'tags', size: 20, required: false, array: true });
    const list = await emu.tablesDB.listColumns(base);
    expect(list.total).toBe(12);
    expect(list.columns.every((c) => c.status === 'available')).toBe(true);
    const table = await emu.tablesDB.getTable(base);
    expect(table.columns.map((c) => c.key)).toContain('tags');
    expect(table.bytesUsed).toBeGreaterThan(0);
  });

  it('validates column params like Appwrite', async () => {
    const base = { databaseId: 'shop', tableId: 'products' };
    await expectError(emu.tablesDB.createStringColumn({ ...base, key: 'sku', size: 5, required: false }), 409, 'column_already_exists');
    await expectError(emu.tablesDB.createStringColumn({ ...base, key: 'x', size: 5, required: true, xdefault: 'a' }), 400, 'column_default_unsupported');
    await expectError(emu.tablesDB.createIntegerColumn({ ...base, key: 'y', required: false, min: 10, max: 1 }), 400, 'column_value_invalid');
    await expectError(emu.tablesDB.createEnumColumn({ ...base, key: 'z', elements: ['a'], required: false, xdefault: 'b' }), 400, 'column_value_invalid');
    await expectError(emu.tablesDB.createEmailColumn({ ...base, key: 'w', required: false, xdefault: 'not-an-email' }), 400, 'general_argument_invalid');
  });

  it('gets, updates (including a rename) and deletes a column', async () => {
    const base = { databaseId: 'shop', tableId: 'products' };
    expect(await emu.tablesDB.getColumn({ ...base, key: 'stock' })).toMatchObject({ key: 'stock', type: 'integer' });
    const upd = await emu.tablesDB.updateIntegerColumn({ ...base, key: 'stock', required: false, xdefault: 5, max: 500 });
    expect(upd).toMatchObject({ default: 5, max: 500, min: 0 });
    await expectError(emu.tablesDB.updateStringColumn({ ...base, key: 'stock', required: false, xdefault: null as unknown as string }), 400, 'column_type_invalid');
    await emu.tablesDB.createStringColumn({ ...base, key: 'old', size: 10, required: false });
    const renamed = await emu.tablesDB.updateStringColumn({ ...base, key: 'old', required: false, xdefault: null as unknown as string, newKey: 'fresh' });
    expect(renamed.key).toBe('fresh');
    await emu.tablesDB.deleteColumn({ ...base, key: 'fresh' });
    await expectError(emu.tablesDB.getColumn({ ...base, key: 'fresh' }), 404, 'column_not_found');
  });
});

describe('indexes', () => {
  it('creates key, unique and fulltext indexes; lists, gets and deletes them', async () => {
    const base = { databaseId: 'shop', tableId: 'products' };
    const u = await emu.tablesDB.createIndex({ ...base, key: 'sku_unique', type: 'unique' as never, columns: ['sku'] });
    expect(u).toMatchObject({ key: 'sku_unique', type: 'unique', status: 'available', columns: ['sku'] });
    await emu.tablesDB.createIndex({ ...base, key: 'by_price', type: 'key' as never, columns: ['price', '$createdAt'], orders: ['DESC' as never, 'ASC' as never] });
    await emu.tablesDB.createIndex({ ...base, key: 'ft_name', type: 'fulltext' as never, columns: ['name'] });
    expect((await emu.tablesDB.listIndexes(base)).total).toBe(3);
    expect(await emu.tablesDB.getIndex({ ...base, key: 'by_price' })).toMatchObject({ columns: ['price', '$createdAt'], orders: ['DESC', 'ASC'] });
    await expectError(emu.tablesDB.createIndex({ ...base, key: 'sku_unique', type: 'key' as never, columns: ['sku'] }), 409, 'index_already_exists');
    await expectError(emu.tablesDB.createIndex({ ...base, key: 'bad', type: 'key' as never, columns: ['nope'] }), 400, 'column_unknown');
    await expectError(emu.tablesDB.createIndex({ ...base, key: 'ft_bad', type: 'fulltext' as never, columns: ['stock'] }), 400, 'index_invalid');
    await emu.tablesDB.deleteIndex({ ...base, key: 'by_price' });
    await expectError(emu.tablesDB.getIndex({ ...base, key: 'by_price' }), 404, 'index_not_found');
  });

  it('leaves a unique index over duplicate data failed, as Appwrite\'s index worker does', async () => {
    const base = { databaseId: 'shop', tableId: 'dups' };
    await emu.tablesDB.createTable({ ...base, name: 'Dups' });
    await emu.tablesDB.createStringColumn({ ...base, key: 'code', size: 8, required: true });
    await emu.tablesDB.createRow({ ...base, rowId: 'a', data: { code: 'X' } });
    await emu.tablesDB.createRow({ ...base, rowId: 'b', data: { code: 'X' } });
    const idx = await emu.tablesDB.createIndex({ ...base, key: 'code_u', type: 'unique' as never, columns: ['code'] });
    expect(idx.status).toBe('failed');
    expect(idx.error).toContain('Duplicate');
    // A failed index enforces nothing.
    await emu.tablesDB.createRow({ ...base, rowId: 'c', data: { code: 'X' } });
  });
});
