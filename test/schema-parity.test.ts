/**
 * collections/ vs migrations/: after migrating a fresh database, every collection column has a
 * compatible mirror column and no secret is mirrored; the check fails on broken fixtures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../collections/index.js';
import { compareSchema, missingMirrorDdl, type LiveColumn } from '../core/mirror/parity.js';
import type { MirrorSourceTable } from '../core/mirror/schema.js';
import { migrate, readLiveColumns } from '../infra/migrate.js';
import { createTestDatabase, type TestDatabase } from './support/mariadb.js';

let db: TestDatabase;
let live: LiveColumn[];
beforeAll(async () => {
  db = await createTestDatabase('tg_parity');
  await migrate({ url: db.url });
  live = await readLiveColumns(db.url);
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

  it('arrays and the JSON system columns are real JSON columns (json_valid check), not plain text', () => {
    const json = (t: string, c: string) => live.find((x) => x.table === t && x.column === c)?.dataType;
    expect([json('pos_roles', 'permissions'), json('pos_terminals', 'allowed_roles'), json('pos_sales', 'extra'), json('appwrite_users', 'labels')]).toEqual(['json', 'json', 'json', 'json']);
    const asText = live.map((c) => (c.table === 'pos_roles' && c.column === 'permissions' ? { ...c, dataType: 'longtext' } : c));
    expect(compareSchema(tables, asText)).toEqual(['pos_roles.permissions for roles.permissions: array column needs JSON, found longtext']);
  });

  it('no mirror table has a column for PIN hashes, PIN index, credential or token hashes, or passwords', () => {
    const secretKeys = tables.flatMap((t) => t.columns.filter((c) => c.secret === true).map((c) => `${t.$id}.${c.key}`));
    expect(secretKeys).toEqual(expect.arrayContaining(['staff_credentials.pinHash', 'staff_credentials.pinIndex', 'staff_credentials.pinHistory', 'terminals.credentialHash', 'terminals.enrollmentCodeHash', 'approvals.tokenHash']));
    const mirrored = live.filter((c) => c.table.startsWith('pos_') || c.table === 'appwrite_users').map((c) => c.column);
    for (const forbidden of ['pin_hash', 'pin_index', 'pin_history', 'credential_hash', 'enrollment_code_hash', 'token_hash', 'password', 'hash_options']) {
      expect(mirrored).not.toContain(forbidden);
    }
    expect(live.filter((c) => c.table === 'pos_staff_credentials').map((c) => c.column)).toContain('pin_updated_at');
  });

  it('fails when a credential-like column appears in any mirror table, even one no collection declares', () => {
    const leaky = live.concat(
      { table: 'appwrite_users', column: 'password', dataType: 'varchar', maxLength: 255, datetimePrecision: null },
      { table: 'pos_terminals', column: 'device_secret', dataType: 'varchar', maxLength: 255, datetimePrecision: null },
    );
    const problems = compareSchema(tables, leaky).join('\n');
    expect(problems).toMatch(/appwrite_users\.password would mirror a password secret/);
    expect(problems).toMatch(/pos_terminals\.device_secret looks like credential material/);
  });

  it('fails on money stored as DOUBLE', () => {
    const floaty = live.map((c) => (c.table === 'pos_products' && c.column === 'price_minor' ? { ...c, dataType: 'double' } : c));
    expect(compareSchema(tables, floaty)).toEqual(['pos_products.price_minor for products.priceMinor: integer column needs BIGINT (money in minor units), found double']);
  });

  it('generates the ADD COLUMN migration for a new collection column, which restores parity when applied', async () => {
    expect(missingMirrorDdl(tables, live)).toEqual([]);
    const grown = replaceTable('customers', (t) => ({ ...t, columns: [...t.columns, { key: 'loyaltyPoints', type: 'integer' }, { key: 'tags', type: 'string', size: 32, array: true }] }));
    const ddl = missingMirrorDdl(grown, live);
    expect(ddl).toEqual([
      'ALTER TABLE `pos_customers` ADD COLUMN IF NOT EXISTS `loyalty_points` BIGINT NULL AFTER `legacy_customer_id`;',
      'ALTER TABLE `pos_customers` ADD COLUMN IF NOT EXISTS `tags` JSON NULL AFTER `loyalty_points`;',
    ]);
    expect(compareSchema(grown, live)).not.toEqual([]);
    for (const sql of ddl) await db.pool.query(sql);
    const after = await readLiveColumns(db.url);
    expect(compareSchema(grown, after)).toEqual([]);
    expect(after.filter((c) => c.table === 'pos_customers').map((c) => c.column).slice(-5)).toEqual(['loyalty_points', 'tags', 'extra', 'deleted_at', 'mirrored_at']);
  });
});
