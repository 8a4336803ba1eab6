/**
 * `customers`: a store's customers (personal data: name and email).
 *
 * Permissions: readable by staff labels `superadmin`, `admin`, `manager`, `cashier` (a till looks
 * customers up; other users do not see personal data); created by the same labels (a cashier
 * registers a customer at the till); updated by `superadmin`, `admin`, `manager`; deleted by
 * `superadmin` and `admin`. No row security.
 * Mirror: `pos_customers`, soft deletes.
 */
import { ADMINS, CASHIERS_UP, MANAGERS_UP, defineTable, perm } from './define.js';

export const customers = defineTable({
  $id: 'customers',
  name: 'Customers',
  rowSecurity: false,
  permissions: [...perm('read', CASHIERS_UP), ...perm('create', CASHIERS_UP), ...perm('update', MANAGERS_UP), ...perm('delete', ADMINS)],
  columns: [
    { key: 'storeId', type: 'string', size: 36, required: true },
    { key: 'firstName', type: 'string', size: 64, required: true },
    { key: 'lastName', type: 'string', size: 64, required: true },
    { key: 'email', type: 'string', size: 320, format: 'email', required: false },
    { key: 'isActive', type: 'boolean', required: false, default: true },
    { key: 'legacyCustomerId', type: 'integer', required: false, min: 0, description: 'Sakila customer_id, for idempotent imports.' },
  ],
  indexes: [
    { key: 'store', type: 'key', columns: ['storeId'] },
    { key: 'email', type: 'key', columns: ['email'] },
    { key: 'legacy_customer', type: 'key', columns: ['legacyCustomerId'] },
  ],
  mirror: { deletes: 'soft' },
});
