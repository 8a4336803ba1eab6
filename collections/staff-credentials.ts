/**
 * `staff_credentials`: PIN material of one staff member (issue 6 item 1): the keyed lookup index
 * `HMAC-SHA256(PIN_PEPPER, storeId:pin)` (hex, 64 chars), the bcrypt hash of the peppered PIN
 * (60 chars) and the hashes of the last PINs (no reuse of the last 3).
 *
 * Permissions: NONE, and row security off, so no client SDK caller (not even a SuperAdmin's
 * session) can list or read a row: only the gateway's API key can (issue 4 "What it must show").
 * Mirror: `pos_staff_credentials` holds only the non-secret columns (`pinHash`, `pinIndex`,
 * `pinHistory` are `secret`: "PIN material is never mirrored", issue 8); hard deletes.
 */
import { defineTable } from './define.js';

export const staffCredentials = defineTable({
  $id: 'staff_credentials',
  name: 'Staff credentials',
  rowSecurity: false,
  permissions: [],
  columns: [
    { key: 'userId', type: 'string', size: 36, required: true },
    { key: 'storeId', type: 'string', size: 36, required: true },
    { key: 'pinHash', type: 'string', size: 255, required: true, secret: true, description: 'bcrypt hash of the peppered PIN.' },
    { key: 'pinIndex', type: 'string', size: 64, required: true, secret: true, description: 'hex HMAC-SHA256(PIN_PEPPER, storeId:pin).' },
    { key: 'pinHistory', type: 'string', size: 255, required: false, array: true, secret: true, description: 'bcrypt hashes of the previous PINs, newest first, at most 3.' },
    { key: 'pinUpdatedAt', type: 'datetime', required: false },
  ],
  indexes: [
    { key: 'store_pin_unique', type: 'unique', columns: ['storeId', 'pinIndex'] },
    { key: 'user_unique', type: 'unique', columns: ['userId'] },
  ],
  mirror: { deletes: 'hard' },
});
