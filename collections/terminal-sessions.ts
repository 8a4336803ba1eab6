/**
 * `terminal_sessions`: who is signed in on which till (issue 4 item 1, issue 6 item 5). An open
 * session has no `endedAt`; lock, quick switch, logout and revocation close it.
 *
 * Permissions: readable by labels `superadmin`, `admin`, `manager`; no client writes (the
 * gateway records sessions). Row security on, so a row may also carry `read("user:<id>")` for
 * the staff member it describes.
 * Mirror: `pos_terminal_sessions`, hard deletes.
 */
import { MANAGERS_UP, defineTable, perm } from './define.js';

export const terminalSessions = defineTable({
  $id: 'terminal_sessions',
  name: 'Terminal sessions',
  rowSecurity: true,
  permissions: perm('read', MANAGERS_UP),
  columns: [
    { key: 'userId', type: 'string', size: 36, required: true },
    { key: 'terminalId', type: 'string', size: 36, required: true },
    { key: 'storeId', type: 'string', size: 36, required: true },
    { key: 'appwriteSessionId', type: 'string', size: 36, required: false },
    { key: 'deviceInfo', type: 'string', size: 1024, required: false },
    { key: 'ipAddress', type: 'string', size: 45, format: 'ip', required: false },
    { key: 'startedAt', type: 'datetime', required: true },
    { key: 'endedAt', type: 'datetime', required: false },
    { key: 'endReason', type: 'string', size: 16, format: 'enum', elements: ['logout', 'lock', 'switch', 'idle', 'revoked', 'expired'], required: false },
  ],
  indexes: [
    { key: 'terminal_open', type: 'key', columns: ['terminalId', 'endedAt'] },
    { key: 'user', type: 'key', columns: ['userId'] },
    { key: 'store_started', type: 'key', columns: ['storeId', 'startedAt'], orders: ['ASC', 'DESC'] },
  ],
  mirror: { deletes: 'hard' },
});
