import { describe, expect, it } from 'vitest';
import { builtInRole } from './compile.js';
import { checkRowWrite } from './row-rules.js';

const actor = (role: 'cashier' | 'manager' | 'admin', storeIds = ['s1']) => ({ userId: 'u1', role: builtInRole(role), storeIds, global: role === 'admin', active: true });

describe('checkRowWrite', () => {
  it.each([
    ['cashier, own sale in own store', actor('cashier'), { tableId: 'sales', action: 'create', row: { staffId: 'u1', storeId: 's1' } }, null],
    ['cashier, sale for another cashier', actor('cashier'), { tableId: 'sales', action: 'create', row: { staffId: 'u2', storeId: 's1' } }, 'SALE_OTHER_STAFF'],
    ['cashier, sale in another store', actor('cashier'), { tableId: 'sales', action: 'create', row: { staffId: 'u1', storeId: 's2' } }, 'SALE_OTHER_STORE'],
    ['manager, sale for a cashier of the store', actor('manager'), { tableId: 'sales', action: 'create', row: { staffId: 'u2', storeId: 's1' } }, null],
    ['cashier, price change', actor('cashier'), { tableId: 'products', action: 'update', row: { priceMinor: 1, storeId: 's1' } }, 'PRICE_CHANGE'],
    ['manager, price change', actor('manager'), { tableId: 'products', action: 'update', row: { priceMinor: 1, storeId: 's1' } }, null],
    ['cashier, delete', actor('cashier'), { tableId: 'sales', action: 'delete', row: { staffId: 'u2' } }, null],
  ] as const)('%s', (_name, a, write, expected) => {
    expect(checkRowWrite(a, { ...write, row: { ...write.row } })).toBe(expected);
  });
});
