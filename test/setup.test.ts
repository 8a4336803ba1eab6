/**
 * `npm run setup` semantics against a fresh emulator through the real node-appwrite SDK:
 * creates the whole schema, is idempotent, applies a changed permission, reports a hand-added
 * column as drift without removing it, and prunes only when asked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES, type TableDefinition } from '../collections/index.js';
import { syncSchema } from '../infra/schema-sync/sync.js';
import { startTestEmulator, type TestEmulator } from './support/emulator.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => emu.stop());

const sync = (tables: readonly TableDefinition[] = TABLES, prune = false) => syncSchema({ tablesDB: emu.tablesDB, databaseId: 'pos', tables, prune });

describe('setup: schema sync', () => {
  it('creates the whole schema on a fresh Appwrite', async () => {
    const report = await sync();
    expect(report.created.database).toBe(true);
    expect(report.created.tables.sort()).toEqual(TABLES.map((t) => t.$id).sort());
    for (const t of TABLES) {
      const live = await emu.tablesDB.getTable({ databaseId: 'pos', tableId: t.$id });
      expect(live.columns.map((c) => (c as { key: string }).key).sort()).toEqual(t.columns.map((c) => c.key).sort());
      expect(live.indexes.map((i) => i.key).sort()).toEqual(t.indexes.map((i) => i.key).sort());
      expect(live.$permissions.sort()).toEqual([...t.permissions].sort());
      expect(live.rowSecurity).toBe(t.rowSecurity);
    }
  });

  it('reports no changes on a second run', async () => {
    const report = await sync();
    expect(report.changed).toBe(false);
    expect(report.drift).toEqual([]);
  });

  it('applies a changed permission on the next run', async () => {
    const changed = TABLES.map((t) => (t.$id === 'products' ? { ...t, permissions: [...t.permissions, 'read("guests")'] } : t));
    const report = await sync(changed);
    expect(report.updated).toEqual([{ tableId: 'products', changes: [expect.stringContaining('read("guests")')] }]);
    expect((await emu.tablesDB.getTable({ databaseId: 'pos', tableId: 'products' })).$permissions).toContain('read("guests")');
    await sync();
    expect((await emu.tablesDB.getTable({ databaseId: 'pos', tableId: 'products' })).$permissions).not.toContain('read("guests")');
  });

  it('reports a column added by hand as drift and leaves it in place', async () => {
    await emu.tablesDB.createStringColumn({ databaseId: 'pos', tableId: 'customers', key: 'nickname', size: 64, required: false });
    const report = await sync();
    expect(report.changed).toBe(false);
    expect(report.drift).toEqual([expect.objectContaining({ tableId: 'customers', kind: 'extra-column', key: 'nickname' })]);
    const cols = (await emu.tablesDB.getTable({ databaseId: 'pos', tableId: 'customers' })).columns.map((c) => (c as { key: string }).key);
    expect(cols).toContain('nickname');
  });

  it('drops an extra column only with prune', async () => {
    const report = await sync(TABLES, true);
    expect(report.pruned).toEqual([expect.objectContaining({ kind: 'extra-column', key: 'nickname' })]);
    const cols = (await emu.tablesDB.getTable({ databaseId: 'pos', tableId: 'customers' })).columns.map((c) => (c as { key: string }).key);
    expect(cols).not.toContain('nickname');
  });
});
