/**
 * `npm run migrations:new`: file naming and ordering, and `--from-collections` generating the
 * ADD COLUMN migration for a column added to collections/ (against a real scratch database).
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../collections/index.js';
import { compareSchema } from '../core/mirror/parity.js';
import type { MirrorSourceTable } from '../core/mirror/schema.js';
import { migrate, readLiveColumns } from '../infra/migrate.js';
import { createTestDatabase, MARIADB_SERVER_URL, type TestDatabase } from '../test/support/mariadb.js';
import { createMigrationFile, nextVersion, slugify } from './migrations-new.js';

const MIGRATIONS = resolve(import.meta.dirname, '..', 'migrations');
const copyMigrations = () => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-mignew-'));
  cpSync(MIGRATIONS, dir, { recursive: true });
  return dir;
};

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('tg_mignew');
});
afterAll(async () => db.drop());

describe('migrations:new', () => {
  it('names files YYYYMMDDHHMMSS_snake_description.sql, always after the newest existing one', async () => {
    expect(slugify('Add loyalty points!')).toBe('add_loyalty_points');
    expect(() => slugify('!!!')).toThrow(/description/);
    expect(nextVersion(['20261123120000'], new Date('2030-01-02T03:04:05.678Z'))).toBe('20300102030405');
    expect(nextVersion(['20261123120000', '20261123235959'], new Date('2025-01-01T00:00:00Z'))).toBe('20261124000000');
    const dir = copyMigrations();
    const { path } = await createMigrationFile({ dir, description: 'Add loyalty points', now: new Date('2020-01-01T00:00:00Z') });
    const newest = readdirSync(dir).sort().at(-1)!;
    expect(path).toBe(join(dir, newest));
    expect(newest).toMatch(/^\d{14}_add_loyalty_points\.sql$/);
    expect(readFileSync(path!, 'utf8')).toMatch(/^-- Add loyalty points\n/);
    // An empty (comment-only) migration is accepted and recorded by the runner.
    const applied = await migrate({ url: db.url, dir });
    expect(applied.at(-1)?.name).toBe('add_loyalty_points');
  });

  it('--from-collections writes nothing when the mirror matches collections/, and drops its scratch database', async () => {
    const dir = copyMigrations();
    const before = readdirSync(dir).length;
    const { path, statements } = await createMigrationFile({ dir, description: 'sync', fromCollectionsUrl: db.url });
    expect([path, statements]).toEqual([null, []]);
    expect(readdirSync(dir)).toHaveLength(before);
    const admin = await mysql.createConnection(MARIADB_SERVER_URL);
    const [rows] = await admin.query<mysql.RowDataPacket[]>("SHOW DATABASES LIKE 'tg\\_mignew\\_%\\_scratch\\_%'");
    await admin.end();
    expect(rows).toEqual([]);
  });

  it('--from-collections generates ADD COLUMN for a new collection column; applying it restores parity', async () => {
    const dir = copyMigrations();
    const grown: MirrorSourceTable[] = TABLES.map((t) =>
      t.$id === 'products' ? { ...t, columns: [...t.columns, { key: 'shelfCode', type: 'string', size: 16 }] } : t,
    );
    const { path, statements } = await createMigrationFile({ dir, description: 'products shelf code', fromCollectionsUrl: db.url, tables: grown });
    expect(statements).toEqual([
      'ALTER TABLE `pos_products` ADD COLUMN IF NOT EXISTS `shelf_code` VARCHAR(16) NULL AFTER `legacy_film_id`;',
      // Values the mirror kept in `extra` while the column did not exist move into it (issue 8 item 6).
      `UPDATE \`pos_products\` SET \`shelf_code\` = JSON_VALUE(\`extra\`, '$."shelfCode"'), \`extra\` = NULLIF(JSON_REMOVE(\`extra\`, '$."shelfCode"'), '{}') WHERE JSON_EXISTS(\`extra\`, '$."shelfCode"');`,
    ]);
    expect(path).toMatch(/_products_shelf_code\.sql$/);
    const target = await createTestDatabase('tg_mignew_apply');
    try {
      await migrate({ url: target.url, dir });
      expect(compareSchema(grown, await readLiveColumns(target.url))).toEqual([]);
    } finally {
      await target.drop();
    }
  });
});
