/**
 * `roles`: the role definitions (issue 5 item 1): built-in SuperAdmin (level 100), Admin (75),
 * Manager (50), Cashier (25) and custom roles, each with `resource:action` permission strings.
 *
 * Permissions: readable by every signed-in user (`users`: the POS gates its UI on the role's
 * permissions); no client writes, because role changes must go through the gateway's escalation
 * rules (nobody grants a permission they do not hold). No row security.
 * Mirror: `pos_roles`, soft deletes.
 */
import { defineTable } from './define.js';

export const roles = defineTable({
  $id: 'roles',
  name: 'Roles',
  rowSecurity: false,
  permissions: ['read("users")'],
  columns: [
    { key: 'name', type: 'string', size: 36, required: true, description: 'Role key, also the user label, e.g. "manager".' },
    { key: 'level', type: 'integer', required: true, min: 0, max: 1000, description: 'Higher outranks lower.' },
    { key: 'permissions', type: 'string', size: 64, required: false, array: true, description: '"resource:action" strings, "*" and "resource:*" wildcards.' },
    { key: 'builtIn', type: 'boolean', required: false, default: false },
    { key: 'description', type: 'string', size: 512, required: false },
  ],
  indexes: [{ key: 'name_unique', type: 'unique', columns: ['name'] }],
  mirror: { deletes: 'soft' },
});
