/**
 * core/mirror/map-row: an Appwrite Row or User model becomes its typed MariaDB row; secrets
 * never reach a column or `extra`; what has no live column is kept in `extra`.
 */
import { describe, expect, it } from 'vitest';
import { TABLES, tableById } from '../../collections/index.js';
import { mapRow, MirrorMappingError } from '../../core/mirror/map-row.js';
import { APPWRITE_USERS_TABLE, mirrorTableFor } from '../../core/mirror/schema.js';

const now = new Date('2026-11-23T12:00:00.000Z');
const sales = mirrorTableFor(tableById('sales')!);
const sale = {
  $id: 's1',
  $sequence: '42',
  $tableId: 'sales',
  $databaseId: 'pos',
  $createdAt: '2026-11-23T10:00:00.123+00:00',
  $updatedAt: '2026-11-23T11:00:00.456+02:00',
  $permissions: ['read("users")'],
  storeId: 'st1',
  terminalId: null,
  staffId: 'u1',
  customerId: null,
  totalMinor: 1299,
  currency: 'EUR',
  status: 'completed',
  refundOf: null,
  occurredAt: '2026-11-23T09:59:59.999+00:00',
  legacyPaymentId: null,
};

describe('mapRow', () => {
  it('maps system fields, camelCase keys and types (UTC datetimes, money in minor units)', () => {
    const { values, issues } = mapRow(sales, TABLES, sale, { deletedAt: null, mirroredAt: now });
    expect(issues).toEqual([]);
    expect(values).toMatchObject({
      id: 's1',
      sequence: '42',
      row_permissions: '["read(\\"users\\")"]',
      store_id: 'st1',
      staff_id: 'u1',
      terminal_id: null,
      total_minor: 1299,
      currency: 'EUR',
      status: 'completed',
      extra: null,
      deleted_at: null,
      mirrored_at: now,
    });
    expect((values.created_at as Date).toISOString()).toBe('2026-11-23T10:00:00.123Z');
    // +02:00 becomes UTC.
    expect((values.updated_at as Date).toISOString()).toBe('2026-11-23T09:00:00.456Z');
    expect((values.occurred_at as Date).toISOString()).toBe('2026-11-23T09:59:59.999Z');
    expect(Object.keys(values)).not.toContain('table_id');
  });

  it('keeps unknown attributes and values that do not fit in extra', () => {
    const { values, issues } = mapRow(sales, TABLES, { ...sale, loyaltyPoints: 7, tags: ['a'], totalMinor: 12.5 }, { deletedAt: null, mirroredAt: now });
    expect(values.total_minor).toBeNull();
    expect(JSON.parse(values.extra as string)).toEqual({ loyaltyPoints: 7, tags: ['a'], totalMinor: 12.5 });
    expect(issues).toHaveLength(1);
  });

  it('keeps a column that is not migrated yet in extra (schema evolution)', () => {
    const live = new Set(sales.columns.map((c) => c.name).filter((n) => n !== 'refund_of'));
    const { values } = mapRow(sales, TABLES, { ...sale, refundOf: 's0' }, { live, deletedAt: null, mirroredAt: now });
    expect(values).not.toHaveProperty('refund_of');
    expect(JSON.parse(values.extra as string)).toEqual({ refundOf: 's0' });
  });

  it('arrays become JSON, booleans 1/0', () => {
    const terminals = mirrorTableFor(tableById('terminals')!);
    const { values } = mapRow(terminals, TABLES, { $id: 't1', $sequence: '1', $createdAt: sale.$createdAt, $updatedAt: sale.$createdAt, $permissions: [], storeId: 'st1', name: 'Till', status: 'active', allowedRoles: ['cashier', 'manager'], lockAfterSale: true }, { deletedAt: null, mirroredAt: now });
    expect(values.allowed_roles).toBe('["cashier","manager"]');
    expect(values.lock_after_sale).toBe(1);
  });

  it('never mirrors PIN material or credential hashes, not even in extra', () => {
    const creds = mirrorTableFor(tableById('staff_credentials')!);
    const { values } = mapRow(creds, TABLES, { $id: 'c1', $sequence: '1', $createdAt: sale.$createdAt, $updatedAt: sale.$createdAt, $permissions: [], userId: 'u1', storeId: 'st1', pinHash: '$2b$10$abc', pinIndex: 'ff'.repeat(32), pinHistory: ['$2b$10$old'] }, { deletedAt: null, mirroredAt: now });
    const text = JSON.stringify(values);
    expect(text).not.toContain('$2b$10$');
    expect(text).not.toContain('ff'.repeat(32));
    expect(values.user_id).toBe('u1');
    expect(values.extra).toBeNull();
  });

  it('maps a User model without password, hash or hashOptions', () => {
    const user = {
      $id: 'u1',
      $createdAt: '2026-11-23T10:00:00.000+00:00',
      $updatedAt: '2026-11-23T10:00:01.000+00:00',
      name: 'Ann',
      email: 'ann@example.com',
      phone: '',
      status: true,
      labels: ['cashier'],
      emailVerification: false,
      phoneVerification: false,
      mfa: false,
      registration: '2026-11-23T10:00:00.000+00:00',
      passwordUpdate: '',
      accessedAt: '',
      prefs: { theme: 'dark' },
      password: '$argon2id$v=19$secret',
      hash: 'argon2',
      hashOptions: { memoryCost: 2048 },
      targets: [],
    };
    const { values } = mapRow(APPWRITE_USERS_TABLE, TABLES, user, { deletedAt: null, mirroredAt: now });
    expect(values).toMatchObject({ id: 'u1', name: 'Ann', status: 1, labels: '["cashier"]', prefs: '{"theme":"dark"}', password_update: null, extra: '{"targets":[]}' });
    expect(JSON.stringify(values)).not.toMatch(/argon2|memoryCost/);
  });

  it('refuses a row whose NOT NULL system fields are missing', () => {
    expect(() => mapRow(sales, TABLES, { ...sale, $createdAt: 'yesterday' }, { deletedAt: null, mirroredAt: now })).toThrow(MirrorMappingError);
    expect(() => mapRow(sales, TABLES, { ...sale, $id: undefined }, { deletedAt: null, mirroredAt: now })).toThrow(/id/);
  });
});
