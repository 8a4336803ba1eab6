/**
 * `approvals`: manager override tokens (issue 6 item 6): single use, valid 60 s, bound to
 * action, resource id, amount limit (minor units), terminal and operator. Only the token's hash
 * is stored (`tokenHash`, secret).
 *
 * Permissions: readable by labels `superadmin`, `admin`, `manager`; no client writes (the gateway
 * issues and consumes approvals). No row security.
 * Mirror: `pos_approvals` without `tokenHash`; hard deletes.
 */
import { MANAGERS_UP, defineTable, perm } from './define.js';

export const approvals = defineTable({
  $id: 'approvals',
  name: 'Approvals',
  rowSecurity: false,
  permissions: perm('read', MANAGERS_UP),
  columns: [
    { key: 'storeId', type: 'string', size: 36, required: true },
    { key: 'terminalId', type: 'string', size: 36, required: true },
    { key: 'action', type: 'string', size: 64, required: true, description: 'The approved permission, e.g. "sales:refund".' },
    { key: 'resourceId', type: 'string', size: 36, required: true },
    { key: 'amountLimit', type: 'integer', required: false, min: 0, money: true, description: 'Largest amount approved, minor currency units.' },
    { key: 'operatorId', type: 'string', size: 36, required: true },
    { key: 'approverId', type: 'string', size: 36, required: true },
    { key: 'tokenHash', type: 'string', size: 255, required: true, secret: true },
    { key: 'expiresAt', type: 'datetime', required: true },
    { key: 'usedAt', type: 'datetime', required: false },
    { key: 'status', type: 'string', size: 16, format: 'enum', elements: ['issued', 'used', 'expired', 'revoked'], required: false, default: 'issued' },
  ],
  indexes: [
    { key: 'token', type: 'unique', columns: ['tokenHash'] },
    { key: 'store', type: 'key', columns: ['storeId'] },
  ],
  mirror: { deletes: 'hard' },
});
