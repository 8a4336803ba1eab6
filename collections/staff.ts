/**
 * `staff`: the staff profile linked to an Appwrite user (issue 4 item 1). By convention the row's
 * `$id` is the Appwrite user id, so `sales.staffId`, `approvals.operatorId` and row permissions
 * `user:<id>` all name the same id.
 *
 * Permissions: readable by labels `superadmin`, `admin`, `manager` (issue 5: `users:read` is
 * Manager and above); created, updated and deleted by `superadmin` and `admin` (`users:write`).
 * Row security on, so the gateway can add `read("user:<id>")` to let a cashier read their own
 * profile. Role changes made here outside the gateway are caught by `rbac-guard`.
 * Mirror: `pos_staff`, soft deletes.
 */
import { ADMINS, MANAGERS_UP, defineTable, perm } from './define.js';

export const staff = defineTable({
  $id: 'staff',
  name: 'Staff',
  rowSecurity: true,
  permissions: [...perm('read', MANAGERS_UP), ...perm('create', ADMINS), ...perm('update', ADMINS), ...perm('delete', ADMINS)],
  columns: [
    { key: 'userId', type: 'string', size: 36, required: true },
    { key: 'storeId', type: 'string', size: 36, required: true },
    { key: 'role', type: 'string', size: 36, required: true, description: 'Role name (roles.name): superadmin, admin, manager, cashier or a custom role.' },
    { key: 'displayName', type: 'string', size: 128, required: true },
    { key: 'email', type: 'string', size: 320, format: 'email', required: false },
    { key: 'isActive', type: 'boolean', required: false, default: true },
    { key: 'lastLoginAt', type: 'datetime', required: false },
    { key: 'lastLoginTerminalId', type: 'string', size: 36, required: false },
    { key: 'legacyStaffId', type: 'integer', required: false, min: 0, description: 'Sakila staff_id, for idempotent imports.' },
  ],
  indexes: [
    { key: 'user_unique', type: 'unique', columns: ['userId'] },
    { key: 'store', type: 'key', columns: ['storeId'] },
    { key: 'store_role', type: 'key', columns: ['storeId', 'role'] },
    { key: 'legacy_staff', type: 'key', columns: ['legacyStaffId'] },
  ],
  mirror: { deletes: 'soft' },
});
