/**
 * `terminals`: an enrolled till (issue 6 item 2) and its policy returned to the POS.
 * `credentialHash` and `enrollmentCodeHash` are secrets (the credential and enrollment code are
 * shown once and stored only as hashes).
 *
 * Permissions: none for clients and row security off. The table holds credential and
 * enrollment-code hashes, and an 8-character enrollment code's hash could be brute-forced within
 * its 10 minutes; managers list and edit terminals through the gateway (`terminals:*`), and the
 * POS receives its policy in the PIN login answer.
 * Mirror: `pos_terminals` without the hashes; soft deletes.
 */
import { defineTable } from './define.js';

export const terminals = defineTable({
  $id: 'terminals',
  name: 'Terminals',
  rowSecurity: false,
  permissions: [],
  columns: [
    { key: 'storeId', type: 'string', size: 36, required: true },
    { key: 'name', type: 'string', size: 128, required: true },
    { key: 'status', type: 'string', size: 16, format: 'enum', elements: ['pending', 'active', 'disabled'], required: false, default: 'pending' },
    { key: 'credentialHash', type: 'string', size: 255, required: false, secret: true },
    { key: 'enrollmentCodeHash', type: 'string', size: 255, required: false, secret: true },
    { key: 'enrollmentExpiresAt', type: 'datetime', required: false },
    { key: 'deviceInfo', type: 'string', size: 1024, required: false },
    { key: 'idleLockMinutes', type: 'integer', required: false, min: 0, max: 1440, default: 5, description: 'Idle auto-lock after this many minutes; 0 = never.' },
    { key: 'lockAfterSale', type: 'boolean', required: false, default: false },
    { key: 'allowedRoles', type: 'string', size: 36, required: false, array: true, description: 'Role names allowed to log in here; empty = every role.' },
    { key: 'lastSeenAt', type: 'datetime', required: false },
  ],
  indexes: [
    { key: 'store', type: 'key', columns: ['storeId'] },
    { key: 'enrollment_code', type: 'key', columns: ['enrollmentCodeHash'] },
  ],
  mirror: { deletes: 'soft' },
});
