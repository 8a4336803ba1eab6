/**
 * `sales`: one completed sale, refund or void; total in minor currency units. `staffId` is the
 * seller's Appwrite user id (= the staff row's `$id`); `refundOf` names the refunded sale.
 *
 * Permissions (issue 5: Cashier `sales:create`): created by labels `cashier`, `manager`, `admin`,
 * `superadmin`; readable by `manager`, `admin`, `superadmin`. Row security on: the writer adds
 * `read("user:<id>")` so a cashier reads their own sales. No client updates or deletes: refunds
 * and voids go through the gateway's approval flow. `rbac-guard` checks a cashier's sale carries
 * their own `staffId` and store.
 * Mirror: `pos_sales`, soft deletes.
 */
import { CASHIERS_UP, MANAGERS_UP, defineTable, perm } from './define.js';

export const sales = defineTable({
  $id: 'sales',
  name: 'Sales',
  rowSecurity: true,
  permissions: [...perm('create', CASHIERS_UP), ...perm('read', MANAGERS_UP)],
  columns: [
    { key: 'storeId', type: 'string', size: 36, required: true },
    { key: 'terminalId', type: 'string', size: 36, required: false, description: 'Empty for imported sales.' },
    { key: 'staffId', type: 'string', size: 36, required: true },
    { key: 'customerId', type: 'string', size: 36, required: false },
    { key: 'totalMinor', type: 'integer', required: true, money: true, description: 'Total in minor currency units; negative for a refund.' },
    { key: 'currency', type: 'string', size: 3, required: true, description: 'ISO 4217 code.' },
    { key: 'status', type: 'string', size: 16, format: 'enum', elements: ['completed', 'refunded', 'voided'], required: false, default: 'completed' },
    { key: 'refundOf', type: 'string', size: 36, required: false },
    { key: 'occurredAt', type: 'datetime', required: true },
    { key: 'legacyPaymentId', type: 'integer', required: false, min: 0, description: 'Sakila payment_id, for idempotent imports.' },
  ],
  indexes: [
    { key: 'store_occurred', type: 'key', columns: ['storeId', 'occurredAt'], orders: ['ASC', 'DESC'] },
    { key: 'staff', type: 'key', columns: ['staffId'] },
    { key: 'refund_of', type: 'key', columns: ['refundOf'] },
    { key: 'legacy_payment', type: 'key', columns: ['legacyPaymentId'] },
  ],
  mirror: { deletes: 'soft' },
});
