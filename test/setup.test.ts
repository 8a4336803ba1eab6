/**
 * `npm run setup` semantics against a fresh emulator through the real node-appwrite SDK:
 * creates the whole schema, is idempotent, applies a changed permission, reports a hand-added
 * column as drift without removing it, and prunes only when asked.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES, defineTable, type TableDefinition } from '../collections/index.js';
import { syncSchema } from '../infra/schema-sync/sync.js';
import { startTestEmulator, type TestEmulator } from './support/emulator.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => emu.stop());

const ROOT = resolve(import.meta.dirname, '..');

/**
 * Runs `npm run setup` (scripts/setup.ts) against the test emulator with these flags; async, as
 * the emulator answers from this process's event loop.
 */
function runSetup(...flags: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const env = { ...process.env, APPWRITE_ENDPOINT: emu.endpoint, APPWRITE_PROJECT_ID: emu.projectId, APPWRITE_API_KEY: emu.apiKey, APPWRITE_DATABASE_ID: 'pos', LOG_LEVEL: 'silent' };
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/setup.ts', ...flags], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env }, (error, stdout, stderr) => {
      const code = error && typeof error.code === 'number' ? error.code : error ? null : 0;
      done({ status: code, stdout, stderr });
    });
  });
}

const customerColumns = async () => (await emu.tablesDB.getTable({ databaseId: 'pos', tableId: 'customers' })).columns.map((c) => (c as { key: string }).key);

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

  it('npm run setup prints the plan and the drift and changes nothing on an up-to-date schema', async () => {
    const r = await runSetup();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('no changes');
    expect(r.stdout).toContain('customers: column nickname (string) exists only in Appwrite');
    expect(r.stdout).toContain('Schema is up to date');
  });

  it('npm run setup --prune without the confirmation flag refuses and drops nothing', async () => {
    const r = await runSetup('--prune');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--yes-i-understand-this-deletes-data');
    expect(await customerColumns()).toContain('nickname');
  });

  it('npm run setup --prune --yes-i-understand-this-deletes-data drops the extra column', async () => {
    const r = await runSetup('--prune', '--yes-i-understand-this-deletes-data');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('- extra-column customers.nickname');
    expect(await customerColumns()).not.toContain('nickname');
    expect((await sync()).drift).toEqual([]);
  });
});

describe('setup: failures', () => {
  const scratch = (indexes: TableDefinition['indexes']) =>
    defineTable({ $id: 'scratch', name: 'Scratch', rowSecurity: false, permissions: [], columns: [{ key: 'code', type: 'string', size: 16, required: true }], indexes, mirror: { deletes: 'hard' } });

  it('names an index that ends failed in Appwrite (a unique index over duplicate rows)', async () => {
    await syncSchema({ tablesDB: emu.tablesDB, databaseId: 'failing', tables: [scratch([])] });
    for (const rowId of ['a', 'b']) await emu.tablesDB.createRow({ databaseId: 'failing', tableId: 'scratch', rowId, data: { code: 'SAME' } });
    const run = syncSchema({ tablesDB: emu.tablesDB, databaseId: 'failing', tables: [scratch([{ key: 'code_unique', type: 'unique', columns: ['code'] }])] });
    await expect(run).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('scratch.code_unique ended failed') });
  });
});
