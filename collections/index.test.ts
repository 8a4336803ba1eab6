/**
 * The pos tables as declared: the permission matrix of issue 4/5, secrets, and the indexes the
 * gateway and importer query by.
 */
import { describe, expect, it } from 'vitest';
import { DATABASE_ID, stripSecrets, tableById, TABLES } from './index.js';

const table = (id: string) => {
  const t = tableById(id);
  if (t === undefined) throw new Error(`no table ${id}`);
  return t;
};
const holders = (id: string, action: string) =>
  table(id)
    .permissions.filter((p) => p.startsWith(`${action}(`))
    .map((p) => /"(.+)"/.exec(p)?.[1])
    .sort();
const indexOn = (id: string, ...columns: string[]) => table(id).indexes.find((i) => i.columns.join(',') === columns.join(','));

describe('collections/', () => {
  it('declares every table of database pos once', () => {
    expect(DATABASE_ID).toBe('pos');
    expect(TABLES.map((t) => t.$id).sort()).toEqual(
      ['approvals', 'audit_logs', 'customers', 'products', 'roles', 'sales', 'staff', 'staff_credentials', 'stores', 'terminal_sessions', 'terminals'],
    );
    expect(tableById('nope')).toBeUndefined();
  });

  it('gives staff_credentials no client permission at all', () => {
    expect(table('staff_credentials').permissions).toEqual([]);
    expect(table('staff_credentials').rowSecurity).toBe(false);
  });

  it('lets only admin and superadmin read audit_logs, and no client write it', () => {
    expect([...table('audit_logs').permissions].sort()).toEqual(['read("label:admin")', 'read("label:superadmin")']);
  });

  it('lets every user read products and managers and above change them, not cashiers', () => {
    expect(holders('products', 'read')).toEqual(['users']);
    for (const action of ['create', 'update', 'delete']) {
      expect(holders('products', action)).toEqual(['label:admin', 'label:manager', 'label:superadmin']);
    }
  });

  it('lets cashiers and above create sales, managers and above read them, with row security for own sales', () => {
    expect(holders('sales', 'create')).toEqual(['label:admin', 'label:cashier', 'label:manager', 'label:superadmin']);
    expect(holders('sales', 'read')).toEqual(['label:admin', 'label:manager', 'label:superadmin']);
    expect([...holders('sales', 'update'), ...holders('sales', 'delete')]).toEqual([]);
    expect(table('sales').rowSecurity).toBe(true);
  });

  it('lets managers and above read staff, only admins change it', () => {
    expect(holders('staff', 'read')).toEqual(['label:admin', 'label:manager', 'label:superadmin']);
    expect(holders('staff', 'update')).toEqual(['label:admin', 'label:superadmin']);
  });

  it('never grants a client write on tables holding hashes or role definitions', () => {
    for (const id of ['staff_credentials', 'terminals', 'approvals', 'roles', 'terminal_sessions', 'audit_logs']) {
      expect(table(id).permissions.filter((p) => !p.startsWith('read(')), id).toEqual([]);
    }
  });

  it('flags every hash and PIN column secret and keeps money in integer minor units', () => {
    const secret = TABLES.flatMap((t) => t.columns.filter((c) => c.secret === true).map((c) => `${t.$id}.${c.key}`)).sort();
    expect(secret).toEqual([
      'approvals.tokenHash',
      'staff_credentials.pinHash',
      'staff_credentials.pinHistory',
      'staff_credentials.pinIndex',
      'terminals.credentialHash',
      'terminals.enrollmentCodeHash',
    ]);
    const money = TABLES.flatMap((t) => t.columns.filter((c) => c.type === 'integer' && c.money === true).map((c) => `${t.$id}.${c.key}`)).sort();
    expect(money).toEqual(['approvals.amountLimit', 'products.priceMinor', 'sales.totalMinor']);
  });

  it('has the indexes the gateway and the importer query by', () => {
    expect(indexOn('staff', 'userId')?.type).toBe('unique');
    expect(indexOn('staff', 'storeId')?.type).toBe('key');
    expect(indexOn('staff_credentials', 'storeId', 'pinIndex')?.type).toBe('unique');
    expect(indexOn('terminals', 'storeId')?.type).toBe('key');
    expect(indexOn('sales', 'storeId', 'occurredAt')?.type).toBe('key');
    expect(indexOn('products', 'storeId', 'sku')?.type).toBe('unique');
    expect(indexOn('products', 'storeId', 'legacyFilmId')).toBeDefined();
    expect(indexOn('customers', 'legacyCustomerId')).toBeDefined();
    expect(indexOn('sales', 'legacyPaymentId')).toBeDefined();
    expect(indexOn('staff', 'legacyStaffId')).toBeDefined();
  });

  it('strips secret columns from rows and password material from users, without mutating the input', () => {
    const row = { $id: 'c1', userId: 'u1', storeId: 's1', pinHash: '$2b$10$abc', pinIndex: 'ff', pinHistory: ['$2b$10$x'], pinUpdatedAt: '2026-01-01T00:00:00.000+00:00' };
    expect(stripSecrets('staff_credentials', row)).toEqual({ $id: 'c1', userId: 'u1', storeId: 's1', pinUpdatedAt: '2026-01-01T00:00:00.000+00:00' });
    expect(row.pinHash).toBe('$2b$10$abc');
    const user = { $id: 'u1', name: 'Mike', password: '$sha1$x', hash: 'sha1', hashOptions: {}, labels: ['cashier'] };
    expect(stripSecrets('users', user)).toEqual({ $id: 'u1', name: 'Mike', labels: ['cashier'] });
    expect(stripSecrets('products', { $id: 'p1', name: 'Film', priceMinor: 499 })).toEqual({ $id: 'p1', name: 'Film', priceMinor: 499 });
  });
});
