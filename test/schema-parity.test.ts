/**
 * collections/ vs migrations/: after migrating a fresh database, every collection column has a
 * compatible mirror column and no secret is mirrored; the check fails on broken fixtures.
 */
import type { RowDataPacket } from 'mysql2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../collections/index.js';
import { compareSchema, type LiveColumn } from '../core/mirror/parity.js';
import type { MirrorSourceTable } from '../core/mirror/schema.js';
import { migrate } from '../infra/migrate.js';
import { createTestDatabase, type TestDatabase } from './support/mariadb.js';

let db: TestDatabase;
let live: LiveColumn[];
beforeAll(async () => {
  db = await createTestDatabase('tg_parity');
  await migrate({ url: db.url });
  const [rows] = await db.pool.query<RowDataPacket[]>(
    'SELECT TABLE_NAME AS t, COLUMN_NAME AS c, DATA_TYPE AS d, CHARACTER_MAXIMUM_LENGTH AS l, DATETIME_PRECISION AS p FROM information_schema.columns WHERE TABLE_SCHEMA = ?',
    [db.name],
  );
  live = rows.map((r) => ({ table: String(r.t), column: String(r.c), dataType: String(r.d).toLowerCase(), maxLength: r.l === null ? null : Number(r.l), datetimePrecision: r.p === null ? null : Number(r.p) }));
});
afterAll(async () => db.drop());

const tables = TABLES as unknown as MirrorSourceTable[];
const replaceTable = (id: string, change: (t: MirrorSourceTable) => MirrorSourceTable) => tables.map((t) => (t.$id === id ? change(t) : t));

describe('schema parity: collections vs the migrated mirror', () => {
  it('every collection column has a compatible mirror column and no secret is mirrored', () => {
    expect(compareSchema(tables, live)).toEqual([]);
  });

  it('money columns are integer minor units (BIGINT) and datetimes DATETIME(3)', () => {
    const totals = live.find((c) => c.table === 'pos_sales' && c.column === 'total_minor');
    expect(totals?.dataType).toBe('bigint');
    const occurred = live.find((c) => c.table === 'pos_sales' && c.column === 'occurred_at');
    expect([occurred?.dataType, occurred?.datetimePrecision]).toEqual(['datetime', 3]);
  });

  it('fails on a collection column that has no mirror column', () => {
    const broken = replaceTable('products', (t) => ({ ...t, columns: [...t.columns, { key: 'shelfCode', type: 'string', size: 16 }] }));
    expect(compareSchema(broken, live)).toEqual(['pos_products.shelf_code for products.shelfCode is missing']);
  });

  it('fails on a string that outgrew its VARCHAR', () => {
    const broken = replaceTable('products', (t) => ({ ...t, columns: t.columns.map((c) => (c.key === 'sku' ? { ...c, size: 100_000 } : c)) }));
    expect(compareSchema(broken, live).join('\n')).toMatch(/pos_products\.sku for products\.sku: holds \d+ characters, the collection allows 100000/);
  });

  it('fails when a secret column reaches the mirror', () => {
    const withSecret = live.concat({ table: 'pos_staff_credentials', column: 'pin_hash', dataType: 'varchar', maxLength: 255, datetimePrecision: null });
    expect(compareSchema(tables, withSecret).join('\n')).toMatch(/pin_hash mirrors the secret column staff_credentials\.pinHash/);
  });

  it('fails on a datetime stored without milliseconds', () => {
    const lossy = live.map((c) => (c.table === 'pos_sales' && c.column === 'occurred_at' ? { ...c, datetimePrecision: 0 } : c));
    expect(compareSchema(tables, lossy).join('\n')).toMatch(/pos_sales\.occurred_at .*DATETIME\(3\)/);
  });
});
