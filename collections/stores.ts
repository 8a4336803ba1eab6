/**
 * `stores`: one shop. Holds the store's PIN policy (issue 6 item 1: 4 to 8 digits, default
 * minimum 4, never reused from the last 3, a per-store deny list).
 *
 * Permissions: readable by every signed-in user (`users`: a till shows its store's name,
 * currency and timezone); created, updated and deleted by labels `superadmin` and `admin`
 * (stores are administrative data). No row security.
 * Mirror: `pos_stores`, soft deletes.
 */
import { ADMINS, defineTable, perm } from './define.js';

export const stores = defineTable({
  $id: 'stores',
  name: 'Stores',
  rowSecurity: false,
  permissions: ['read("users")', ...perm('create', ADMINS), ...perm('update', ADMINS), ...perm('delete', ADMINS)],
  columns: [
    { key: 'name', type: 'string', size: 128, required: true },
    { key: 'code', type: 'string', size: 32, required: true, description: 'Short unique store code, e.g. "S01".' },
    { key: 'timezone', type: 'string', size: 64, required: false, default: 'UTC', description: 'IANA time zone name.' },
    { key: 'currency', type: 'string', size: 3, required: true, description: 'ISO 4217 code.' },
    { key: 'address', type: 'string', size: 512, required: false },
    { key: 'isActive', type: 'boolean', required: false, default: true },
    { key: 'pinMinLength', type: 'integer', required: false, min: 4, max: 8, default: 4 },
    { key: 'pinMaxLength', type: 'integer', required: false, min: 4, max: 8, default: 8 },
    { key: 'pinHistorySize', type: 'integer', required: false, min: 0, max: 10, default: 3, description: 'Previous PINs that may not be reused.' },
    { key: 'pinDenyList', type: 'string', size: 8, required: false, array: true, description: 'PINs refused in this store besides the built-in weak-PIN rules.' },
    { key: 'legacyStoreId', type: 'integer', required: false, min: 0, description: 'Source id of an import (Sakila store_id), for idempotent re-runs.' },
  ],
  indexes: [
    { key: 'code_unique', type: 'unique', columns: ['code'] },
    { key: 'legacy_store', type: 'key', columns: ['legacyStoreId'] },
  ],
  mirror: { deletes: 'soft' },
});
