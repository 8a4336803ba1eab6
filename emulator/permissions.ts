/**
 * Appwrite permissions: `action("role")` strings on tables and rows, checked against the caller's
 * roles (see `callerRoles()` in `context.ts`). Semantics follow utopia-php/database
 * (`Permission`, `Role`, `Authorization`) as used by Appwrite 1.9:
 *
 * - actions are `create`, `read`, `update`, `delete`; `write` is shorthand for `create` +
 *   `update` + `delete` on tables and `update` + `delete` on rows (rows have no `create`);
 * - roles are `any`, `guests`, `users`, `user:<id>`, `team:<id>`, `member:<id>`, `label:<name>`,
 *   each optionally with a `/dimension` (`user:<id>/verified`, `team:<id>/<role>`);
 * - API-key callers bypass every permission check.
 * @module
 */
import type { Caller } from './context.js';
import { callerRoles } from './context.js';
import { AppwriteError, invalidParam } from './errors.js';

export type PermissionAction = 'create' | 'read' | 'update' | 'delete';

/** Actions a table permission may name (`write` expands to create, update, delete). */
export const TABLE_ACTIONS: readonly string[] = ['create', 'read', 'update', 'delete', 'write'];
/** Actions a row permission may name (`write` expands to update, delete). */
export const ROW_ACTIONS: readonly string[] = ['read', 'update', 'delete', 'write'];

const PERMISSION = /^([a-z]+)\("([^"]*)"\)$/;
const ROLE = /^(any|guests|users|user|team|member|label)(?::([A-Za-z0-9._-]{1,36}))?(?:\/([A-Za-z0-9._-]{1,36}))?$/;

/** A parsed permission. */
export interface ParsedPermission {
  action: string;
  role: string;
}

/** Parses `read("user:abc")`; null when malformed. */
export function parsePermission(value: string): ParsedPermission | null {
  const m = PERMISSION.exec(value);
  if (!m) return null;
  const role = m[2]!;
  const r = ROLE.exec(role);
  if (!r) return null;
  const [, name, id] = r;
  const needsId = name === 'user' || name === 'team' || name === 'member' || name === 'label';
  if (needsId !== (id !== undefined)) return null;
  return { action: m[1]!, role };
}

/**
 * Validates and normalizes a `permissions` param: each entry parsed, `write` expanded into the
 * concrete actions allowed for the resource, duplicates removed (Appwrite's
 * `Permission::aggregate`). Returns null when `value` is null/undefined (the caller decides the
 * default).
 * @param allowed `TABLE_ACTIONS` or `ROW_ACTIONS`.
 * @throws AppwriteError 400 `general_argument_invalid` for a malformed permission or a disallowed
 *   action (e.g. `create(...)` on a row), or more than 100 entries (APP_LIMIT_ARRAY_PARAMS_SIZE).
 */
export function normalizePermissions(value: unknown, allowed: readonly string[], param = 'permissions'): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) throw invalidParam(param, 'Value must be a valid array');
  if (value.length > 100) throw invalidParam(param, 'Value must be a valid array no longer than 100 items');
  const out: string[] = [];
  const expandWrite = allowed.includes('create') ? ['create', 'update', 'delete'] : ['update', 'delete'];
  for (const entry of value) {
    if (typeof entry !== 'string') throw invalidParam(param, 'Permission must be a string.');
    const p = parsePermission(entry);
    if (!p) throw invalidParam(param, `Invalid permission string format: "${entry}".`);
    if (!allowed.includes(p.action)) {
      throw invalidParam(param, `Permission "${entry}" is not allowed. Must be one of: ${allowed.join(', ')}.`);
    }
    const actions = p.action === 'write' ? expandWrite : [p.action];
    for (const a of actions) {
      const s = `${a}("${p.role}")`;
      if (!out.includes(s)) out.push(s);
    }
  }
  return out;
}

/** The roles `permissions` grant for `action`. */
export function rolesFor(permissions: readonly string[], action: PermissionAction): string[] {
  const out: string[] = [];
  const prefix = `${action}("`;
  for (const p of permissions) if (p.startsWith(prefix) && p.endsWith('")')) out.push(p.slice(prefix.length, -2));
  return out;
}

/** True when any of `roles` is granted `action` by `permissions`. */
export function allows(permissions: readonly string[], action: PermissionAction, roles: ReadonlySet<string>): boolean {
  for (const r of rolesFor(permissions, action)) if (roles.has(r)) return true;
  return false;
}

/** The caller's roles as a set; null for API keys, which bypass permissions. */
export function permissionRoles(caller: Caller): ReadonlySet<string> | null {
  return caller.kind === 'key' ? null : new Set(callerRoles(caller));
}

/**
 * The error Appwrite's `Authorization` validator reports when no role holds `action`.
 * @returns AppwriteError 401 `user_unauthorized`
 */
export function unauthorized(action: PermissionAction, permissions: readonly string[], roles: ReadonlySet<string>): AppwriteError {
  const granted = rolesFor(permissions, action);
  if (granted.length === 0) return new AppwriteError('user_unauthorized', `No permissions provided for action '${action}'`);
  return new AppwriteError(
    'user_unauthorized',
    `Missing "${action}" permission for role "${[...roles][roles.size - 1] ?? 'guests'}". Only "${JSON.stringify([...roles])}" scopes are allowed and "${JSON.stringify(granted)}" was given.`,
  );
}

/**
 * Client callers may only grant roles they hold themselves (Appwrite: "Users can only manage
 * their own roles"); API keys may grant any.
 * @throws AppwriteError 401 `user_unauthorized` "Permissions must be one of: (...)"
 */
export function assertCanGrant(permissions: readonly string[], roles: ReadonlySet<string> | null): void {
  if (roles === null) return;
  for (const p of permissions) {
    const parsed = parsePermission(p);
    if (parsed && !roles.has(parsed.role)) {
      throw new AppwriteError('user_unauthorized', `Permissions must be one of: (${[...roles].join(', ')})`);
    }
  }
}

/**
 * Default permissions of a row created by a client without a `permissions` param: the creating
 * user gets read, update and delete (Appwrite `Documents/Create.php`); guests and API keys get none.
 */
export function defaultRowPermissions(caller: Caller): string[] {
  if (caller.kind !== 'user') return [];
  const id = caller.user.$id;
  return [`read("user:${id}")`, `update("user:${id}")`, `delete("user:${id}")`];
}
