/**
 * `audit_logs`: the console copy of the tamper-evident audit trail (issue 7 item 2). The
 * authoritative, hash-chained log lives in MariaDB; this copy lets admins browse it in the
 * Appwrite console. `hash` is the chain hash of the entry (not a credential).
 *
 * Permissions: readable by labels `admin` and `superadmin` only; writable by no client (the audit
 * appender writes with an API key). No row security.
 * Mirror: `pos_audit_logs`, hard deletes.
 */
import { ADMINS, defineTable, perm } from './define.js';

export const auditLogs = defineTable({
  $id: 'audit_logs',
  name: 'Audit log',
  rowSecurity: false,
  permissions: perm('read', ADMINS),
  columns: [
    { key: 'entryId', type: 'string', size: 36, required: true },
    { key: 'seq', type: 'integer', required: true, min: 1 },
    { key: 'occurredAt', type: 'datetime', required: true },
    { key: 'action', type: 'string', size: 64, required: true, description: '"resource.action", e.g. "staff.pin_login".' },
    { key: 'outcome', type: 'string', size: 8, format: 'enum', elements: ['success', 'failure', 'denied'], required: true },
    { key: 'actorType', type: 'string', size: 8, format: 'enum', elements: ['user', 'terminal', 'apikey', 'system'], required: true },
    { key: 'actorId', type: 'string', size: 36, required: false },
    { key: 'actorRole', type: 'string', size: 36, required: false },
    { key: 'approverId', type: 'string', size: 36, required: false },
    { key: 'targetType', type: 'string', size: 64, required: false },
    { key: 'targetId', type: 'string', size: 255, required: false },
    { key: 'storeId', type: 'string', size: 36, required: false },
    { key: 'terminalId', type: 'string', size: 36, required: false },
    { key: 'hash', type: 'string', size: 64, required: true, description: 'hex SHA-256 chain hash of the entry.' },
    { key: 'summary', type: 'string', size: 1024, required: false },
  ],
  indexes: [
    { key: 'entry_unique', type: 'unique', columns: ['entryId'] },
    { key: 'seq', type: 'key', columns: ['seq'] },
    { key: 'occurred', type: 'key', columns: ['occurredAt'], orders: ['DESC'] },
    { key: 'action', type: 'key', columns: ['action'] },
  ],
  mirror: { deletes: 'hard' },
});
