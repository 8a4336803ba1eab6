/**
 * `products`: what a store sells; price in minor currency units (integer cents).
 *
 * Permissions (issue 5 role matrix: Admin `products:*`, Manager `products:read|write`, Cashier
 * `products:read`): readable by every signed-in user (`users`); created, updated and deleted by
 * labels `superadmin`, `admin`, `manager`. A cashier's session therefore cannot update a product.
 * No row security.
 * Mirror: `pos_products`, soft deletes.
 */
import { MANAGERS_UP, defineTable, perm } from './define.js';

export const products = defineTable({
  $id: 'products',
  name: 'Products',
  rowSecurity: false,
  permissions: ['read("users")', ...perm('create', MANAGERS_UP), ...perm('update', MANAGERS_UP), ...perm('delete', MANAGERS_UP)],
  columns: [
    { key: 'storeId', type: 'string', size: 36, required: true },
    { key: 'sku', type: 'string', size: 64, required: true },
    { key: 'name', type: 'string', size: 255, required: true },
    { key: 'priceMinor', type: 'integer', required: true, min: 0, money: true, description: 'Price in minor currency units.' },
    { key: 'currency', type: 'string', size: 3, required: true, description: 'ISO 4217 code.' },
    { key: 'stock', type: 'integer', required: false, default: 0 },
    { key: 'isActive', type: 'boolean', required: false, default: true },
    { key: 'legacyFilmId', type: 'integer', required: false, min: 0, description: 'Sakila film_id, for idempotent imports.' },
  ],
  indexes: [
    { key: 'store_sku_unique', type: 'unique', columns: ['storeId', 'sku'] },
    { key: 'store_legacy_film', type: 'key', columns: ['storeId', 'legacyFilmId'] },
    { key: 'name', type: 'key', columns: ['name'] },
  ],
  mirror: { deletes: 'soft' },
});
