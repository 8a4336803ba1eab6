/**
 * Schema evolution (issue 8 item 6): a column added in `collections/` but not migrated yet is
 * kept in the row's `extra` JSON, not lost; `migrations:new --from-collections` yields the
 * migration that adds it and moves the kept values into it; after it is applied new writes fill
 * the typed column. With the real collections the generator finds nothing to do.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../../collections/index.js';
import { changeFromResource } from '../../core/mirror/events.js';
import type { MirrorSourceTable } from '../../core/mirror/schema.js';
import { withTransaction } from '../../infra/mariadb.js';
import { migrate } from '../../infra/migrate.js';
import { applyChanges } from '../../infra/mirror/apply.js';
import { loadCatalog } from '../../infra/mirror/catalog.js';
import { createMigrationFile } from '../../scripts/migrations-new.js';
import { rows, startMirrorStack, type MirrorStack } from './support.js';

const run = promisify(execFile);
let s: MirrorStack;
let dir: string;
beforeAll(async () => {
  s = await startMirrorStack({ register: false });
  dir = await mkdtemp(join(tmpdir(), 'tg-migrations-'));
  await cp('migrations', dir, { recursive: true });
});
afterAll(async () => {
  await s.stop();
  await rm(dir, { recursive: true, force: true });
});

/** collections/ with two new product columns. */
const evolved: MirrorSourceTable[] = TABLES.map((t) =>
  t.$id === 'products'
    ? { ...t, columns: [...t.columns, { key: 'barcode', type: 'string', size: 32, required: false }, { key: 'launchedAt', type: 'datetime', required: false }] }
    : t,
);
const row = (id: string, updatedAt: string) => ({ $id: id, $sequence: '1', $createdAt: updatedAt, $updatedAt: updatedAt, $permissions: [], storeId: 'st1', sku: id, name: 'Tea', priceMinor: 250, currency: 'EUR', barcode: '4006381333931', launchedAt: '2026-01-02T03:04:05.678+00:00' });

describe('mirror schema evolution', () => {
  it('keeps a not-yet-migrated column in extra, then moves it into the column the generated migration adds', async () => {
    const catalog = await loadCatalog(s.pool, evolved);
    await withTransaction(s.pool, (c) => applyChanges(c, catalog, [changeFromResource('products', 'create', row('e1', '2026-11-23T10:00:00.000+00:00'))]));
    const [before] = await rows(s.pool, 'SELECT extra FROM pos_products WHERE id = ?', ['e1']);
    expect(typeof before!.extra === 'string' ? JSON.parse(before!.extra) : before!.extra).toEqual({ barcode: '4006381333931', launchedAt: '2026-01-02T03:04:05.678+00:00' });

    const generated = await createMigrationFile({ dir, description: 'products barcode', fromCollectionsUrl: s.db.url, tables: evolved });
    const sql = await readFile(generated.path!, 'utf8');
    expect(sql).toContain('ADD COLUMN IF NOT EXISTS `barcode` VARCHAR(32) NULL AFTER `legacy_film_id`');
    expect(sql).toMatch(/UPDATE `pos_products` SET `barcode` = .*JSON_REMOVE/);
    await migrate({ url: s.db.url, dir });

    const [after] = await rows(s.pool, 'SELECT barcode, launched_at, extra FROM pos_products WHERE id = ?', ['e1']);
    expect(after!.barcode).toBe('4006381333931');
    expect((after!.launched_at as Date).toISOString()).toBe('2026-01-02T03:04:05.678Z');
    expect(after!.extra).toBeNull();

    await catalog.refresh();
    await withTransaction(s.pool, (c) => applyChanges(c, catalog, [changeFromResource('products', 'create', row('e2', '2026-11-23T10:00:01.000+00:00'))]));
    const [next] = await rows(s.pool, 'SELECT barcode, extra FROM pos_products WHERE id = ?', ['e2']);
    expect([next!.barcode, next!.extra]).toEqual(['4006381333931', null]);
    expect((await createMigrationFile({ dir, description: 'again', fromCollectionsUrl: s.db.url, tables: evolved })).path).toBeNull();
  });

  it('npm run migrations:new -- --from-collections writes nothing when collections/ and migrations agree', { timeout: 30_000 }, async () => {
    const clean = await mkdtemp(join(tmpdir(), 'tg-migrations-'));
    try {
      await cp('migrations', clean, { recursive: true });
      const before = await readdir(clean);
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/migrations-new.ts', '--from-collections', '--dir', clean], { env: { ...process.env, MARIADB_URL: s.db.url } });
      expect(stdout).toMatch(/no file written/);
      expect(await readdir(clean)).toEqual(before);
    } finally {
      await rm(clean, { recursive: true, force: true });
    }
  });
});
