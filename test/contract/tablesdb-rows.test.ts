/**
 * Contract: TablesDB rows through the real node-appwrite SDK: CRUD, bulk, upsert,
 * increment/decrement, schema validation, unique conflicts, 404s and the events every write fires.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppwriteException, ID, Query } from 'node-appwrite';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import type { EmittedEvent } from '../../emulator/events.js';

let emu: TestEmulator;
const T = { databaseId: 'pos', tableId: 'items' };
const events: EmittedEvent[] = [];

async function expectError<T>(p: Promise<T>, code: number, type: string, message?: string): Promise<void> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(AppwriteException);
  const ex = e as AppwriteException;
  expect({ code: ex.code, type: ex.type }).toEqual({ code, type });
  if (message) expect(ex.message).toBe(message);
}

beforeAll(async () => {
  emu = await startTestEmulator();
  const db = emu.tablesDB;
  await db.create({ databaseId: 'pos', name: 'POS' });
  await db.createTable({ ...T, name: 'Items' });
  await db.createStringColumn({ ...T, key: 'sku', size: 8, required: true });
  await db.createIntegerColumn({ ...T, key: 'qty', required: false, min: 0, max: 100, xdefault: 1 });
  await db.createFloatColumn({ ...T, key: 'price', required: false });
  await db.createEmailColumn({ ...T, key: 'owner', required: false });
  await db.createEnumColumn({ ...T, key: 'kind', elements: ['food', 'drink'], required: false });
  await db.createIpColumn({ ...T, key: 'ip', required: false });
  await db.createUrlColumn({ ...T, key: 'link', required: false });
  await db.createDatetimeColumn({ ...T, key: 'soldAt', required: false });
  await db.createBooleanColumn({ ...T, key: 'open', required: false });
  await db.createStringColumn({ ...T, key: 'tags', size: 10, required: false, array: true });
  await db.createIndex({ ...T, key: 'sku_u', type: 'unique' as never, columns: ['sku'] });
  emu.emulator.events.subscribe((e) => events.push(e));
});
afterAll(async () => {
  await emu.stop();
});

describe('single rows', () => {
  it('creates a row with system fields, defaults and nulls', async () => {
    const row = await emu.tablesDB.createRow({ ...T, rowId: 'r1', data: { sku: 'A1', soldAt: '2024-01-02T03:04:05Z', tags: ['x'] } });
    expect(row).toMatchObject({ $id: 'r1', $tableId: 'items', $databaseId: 'pos', sku: 'A1', qty: 1, price: null, open: null, tags: ['x'], $permissions: [] });
    expect(row.$sequence).toBe('1');
    expect(typeof row.$sequence).toBe('string');
    expect(row.soldAt).toBe('2024-01-02T03:04:05.000+00:00');
    expect(row.$createdAt).toMatch(/\.\d{3}\+00:00$/);
    expect(await emu.tablesDB.getRow({ ...T, rowId: 'r1' })).toEqual(row);
  });

  it('generates ids with ID.unique() and keeps sequences increasing', async () => {
    const row = await emu.tablesDB.createRow({ ...T, rowId: ID.unique(), data: { sku: 'A2' } });
    expect(row.$id).toHaveLength(20);
    expect(row.$sequence).toBe('2');
  });

  it('answers Appwrite\'s structure errors', async () => {
    const bad = (data: Record<string, unknown>) => emu.tablesDB.createRow({ ...T, rowId: ID.unique(), data });
    await expectError(bad({ sku: 'Z', nope: 1 }), 400, 'row_invalid_structure', 'Invalid document structure: Unknown attribute: "nope"');
    await expectError(bad({ qty: 2 }), 400, 'row_invalid_structure', 'Invalid document structure: Missing required attribute "sku"');
    await expectError(bad({ sku: 5 }), 400, 'row_invalid_structure');
    await expectError(bad({ sku: 'TOO-LONG-SKU' }), 400, 'row_invalid_structure');
    await expectError(bad({ sku: 'Z', qty: 101 }), 400, 'row_invalid_structure');
    await expectError(bad({ sku: 'Z', qty: 1.5 }), 400, 'row_invalid_structure');
    await expectError(bad({ sku: 'Z', owner: 'nobody' }), 400, 'row_invalid_structure');
    await expectError(bad({ sku: 'Z', kind: 'toys' }), 400, 'row_invalid_structure');
    await expectError(bad({ sku: 'Z', ip: '300.1.1.1' }), 400, 'row_invalid_structure');
    await expectError(bad({ sku: 'Z', link: 'not a url' }), 400, 'row_invalid_structure');
    await expectError(bad({ sku: 'Z', soldAt: 'yesterday' }), 400, 'row_invalid_structure');
    await expectError(bad({ sku: 'Z', tags: 'x' }), 400, 'row_invalid_structure');
    await expectError(bad({ sku: 'Z', open: 'yes' }), 400, 'row_invalid_structure');
  });

  it('answers 409 for a duplicate id and a unique-index conflict (1.9.6: row_already_exists)', async () => {
    await expectError(emu.tablesDB.createRow({ ...T, rowId: 'r1', data: { sku: 'NEW' } }), 409, 'row_already_exists');
    await expectError(emu.tablesDB.createRow({ ...T, rowId: 'r9', data: { sku: 'A1' } }), 409, 'row_already_exists');
    await expectError(emu.tablesDB.updateRow({ ...T, rowId: 'r1', data: { sku: 'A2' } }), 409, 'row_already_exists');
  });

  it('answers 404s for missing rows, tables and databases', async () => {
    await expectError(emu.tablesDB.getRow({ ...T, rowId: 'missing' }), 404, 'row_not_found');
    await expectError(emu.tablesDB.updateRow({ ...T, rowId: 'missing', data: { qty: 2 } }), 404, 'row_not_found');
    await expectError(emu.tablesDB.deleteRow({ ...T, rowId: 'missing' }), 404, 'row_not_found');
    await expectError(emu.tablesDB.getRow({ ...T, tableId: 'nope', rowId: 'r1' }), 404, 'table_not_found');
    await expectError(emu.tablesDB.listRows({ databaseId: 'nope', tableId: 'items' }), 404, 'database_not_found');
  });

  it('updates partially, upserts, increments/decrements and deletes', async () => {
    const before = await emu.tablesDB.getRow({ ...T, rowId: 'r1' });
    const upd = await emu.tablesDB.updateRow({ ...T, rowId: 'r1', data: { qty: 7 } });
    expect(upd).toMatchObject({ sku: 'A1', qty: 7, tags: ['x'], $sequence: before.$sequence, $createdAt: before.$createdAt });
    expect(Date.parse(upd.$updatedAt)).toBeGreaterThan(Date.parse(before.$updatedAt));
    const created = await emu.tablesDB.upsertRow({ ...T, rowId: 'u1', data: { sku: 'U1' } });
    expect(created).toMatchObject({ $id: 'u1', sku: 'U1', qty: 1 });
    const replaced = await emu.tablesDB.upsertRow({ ...T, rowId: 'u1', data: { qty: 3 } });
    expect(replaced).toMatchObject({ sku: 'U1', qty: 3, $sequence: created.$sequence });
    expect((await emu.tablesDB.incrementRowColumn({ ...T, rowId: 'u1', column: 'qty', value: 5 })).qty).toBe(8);
    expect((await emu.tablesDB.decrementRowColumn({ ...T, rowId: 'u1', column: 'qty' })).qty).toBe(7);
    await expectError(emu.tablesDB.incrementRowColumn({ ...T, rowId: 'u1', column: 'qty', value: 5, max: 10 }), 400, 'column_value_invalid');
    await expectError(emu.tablesDB.incrementRowColumn({ ...T, rowId: 'u1', column: 'sku' }), 400, 'attribute_type_invalid');
    await emu.tablesDB.deleteRow({ ...T, rowId: 'u1' });
    await expectError(emu.tablesDB.getRow({ ...T, rowId: 'u1' }), 404, 'row_not_found');
  });

  it('selects only requested columns plus system fields', async () => {
    const row = await emu.tablesDB.getRow({ ...T, rowId: 'r1', queries: [Query.select(['sku'])] });
    expect(Object.keys(row).filter((k) => !k.startsWith('$'))).toEqual(['sku']);
    expect(row.$id).toBe('r1');
  });
});

describe('bulk rows', () => {
  it('creates, upserts, updates and deletes in bulk, all-or-nothing', async () => {
    const made = await emu.tablesDB.createRows({ ...T, rows: [{ $id: 'b1', sku: 'B1' }, { $id: 'b2', sku: 'B2', qty: 2 }] });
    expect(made.total).toBe(2);
    expect(made.rows.map((r) => r.$id)).toEqual(['b1', 'b2']);
    await expectError(emu.tablesDB.createRows({ ...T, rows: [{ $id: 'b3', sku: 'B3' }, { $id: 'b4', sku: 'B1' }] }), 409, 'row_already_exists');
    await expectError(emu.tablesDB.getRow({ ...T, rowId: 'b3' }), 404, 'row_not_found');
    const ups = await emu.tablesDB.upsertRows({ ...T, rows: [{ $id: 'b1', qty: 9 }, { $id: 'b5', sku: 'B5' }] });
    expect(ups.rows.map((r) => [r.$id, r.qty])).toEqual([['b1', 9], ['b5', 1]]);
    const upd = await emu.tablesDB.updateRows({ ...T, data: { open: true }, queries: [Query.startsWith('sku', 'B')] });
    expect(upd.total).toBe(3);
    const del = await emu.tablesDB.deleteRows({ ...T, queries: [Query.equal('open', true)] });
    expect(del.rows.map((r) => r.$id).sort()).toEqual(['b1', 'b2', 'b5']);
    expect((await emu.tablesDB.listRows({ ...T, queries: [Query.startsWith('sku', 'B')] })).total).toBe(0);
  });
});

describe('events', () => {
  it('fires one event per write with both name families, the right first name and the Row payload', async () => {
    events.length = 0;
    await emu.tablesDB.createRow({ ...T, rowId: 'e1', data: { sku: 'E1' } });
    await emu.tablesDB.updateRow({ ...T, rowId: 'e1', data: { qty: 2 } });
    await emu.tablesDB.upsertRow({ ...T, rowId: 'e1', data: { qty: 3 } });
    await emu.tablesDB.incrementRowColumn({ ...T, rowId: 'e1', column: 'qty' });
    await emu.tablesDB.createRows({ ...T, rows: [{ $id: 'e2', sku: 'E2' }, { $id: 'e3', sku: 'E3' }] });
    await emu.tablesDB.deleteRow({ ...T, rowId: 'e1' });
    const rowEvents = events.filter((e) => e.names[0]!.includes('.rows.') || e.names[0]!.includes('.documents.'));
    expect(rowEvents).toHaveLength(7);
    const first = rowEvents.map((e) => e.names[0]);
    expect(first).toEqual([
      'databases.pos.collections.items.documents.e1.create',
      'databases.pos.tables.items.rows.e1.update',
      'databases.pos.tables.items.rows.e1.upsert',
      'databases.pos.tables.items.rows.e1.update',
      'databases.pos.collections.items.documents.e2.create',
      'databases.pos.collections.items.documents.e3.create',
      'databases.pos.tables.items.rows.e1.delete',
    ]);
    for (const e of rowEvents) {
      const action = e.names[0]!.split('.').pop();
      const id = e.names[0]!.split('.')[5];
      expect(e.names).toContain(`databases.pos.tables.items.rows.${id}.${action}`);
      expect(e.names).toContain(`databases.pos.collections.items.documents.${id}.${action}`);
      expect(e.payload).toMatchObject({ $id: id, $tableId: 'items', $databaseId: 'pos' });
      expect(e.userId).toBe('');
    }
    expect((rowEvents[3]!.payload as { qty: number }).qty).toBe(4);
  });
});
