/**
 * Management rules (issue 5, "Escalation"): who may create, change, deactivate or delete which
 * user, and who may define which role. Pure; each check returns `{ ok: true }` or the first
 * violated rule by name, so the gateway can answer 403 with a precise reason and the audit log
 * can record it. The rules, in the order they are checked:
 *
 * | rule | meaning |
 * | --- | --- |
 * | `ACTOR_INACTIVE` | a deactivated user manages nothing |
 * | `MISSING_PERMISSION` | the action's permission is not held (table {@link REQUIRED_PERMISSION}; a role change also needs `roles:assign`) |
 * | `SELF_ROLE_CHANGE` | nobody changes their own role, SuperAdmin included |
 * | `SELF_LOCKOUT` | nobody deactivates or deletes their own account (so the last SuperAdmin cannot lock everyone out) |
 * | `HARD_DELETE_SUPERADMIN_ONLY` | only SuperAdmin hard-deletes users; others deactivate |
 * | `SUPERADMIN_PROTECTED` / `BUILTIN_ROLE_PROTECTED` | built-in roles are fixed; SuperAdmin can never be weakened or deleted |
 * | `TARGET_LEVEL` | nobody manages a user (or role) at or above their own level, SuperAdmin excepted |
 * | `ROLE_LEVEL` | nobody gives a role at or above their own level (a Manager cannot make a Manager), SuperAdmin excepted |
 * | `GRANT_EXCEEDS_OWN` | nobody grants a permission they do not hold, by assigning a role or by defining one |
 * | `ROLE_NOT_GLOBAL` / `GLOBAL_SCOPE` | only roles that may be global are made global, and only by a global actor |
 * | `OTHER_STORE` | a store-scoped actor acts only on users all of whose stores are theirs, and assigns only their stores |
 * | `ROLE_RENAME` | a role keeps its name (its Appwrite label is on every holder) |
 * | `ROLE_IN_USE` | a role still assigned to users is not deleted |
 *
 * Least privilege and separation of duties follow PCI DSS v4.0 requirement 7.2 (access assigned
 * by job function, approved by authorized personnel).
 * @module
 */
import type { Actor } from './authorize.js';
import { isGlobalActor, matchGrant } from './authorize.js';
import type { CompiledRole } from './compile.js';
import type { Permission } from './statements.js';

export type ManagementRule =
  | 'ACTOR_INACTIVE'
  | 'MISSING_PERMISSION'
  | 'SELF_ROLE_CHANGE'
  | 'SELF_LOCKOUT'
  | 'HARD_DELETE_SUPERADMIN_ONLY'
  | 'SUPERADMIN_PROTECTED'
  | 'BUILTIN_ROLE_PROTECTED'
  | 'TARGET_LEVEL'
  | 'ROLE_LEVEL'
  | 'GRANT_EXCEEDS_OWN'
  | 'ROLE_NOT_GLOBAL'
  | 'GLOBAL_SCOPE'
  | 'OTHER_STORE'
  | 'ROLE_RENAME'
  | 'ROLE_IN_USE';

/** Outcome of a management check; `details` carries e.g. the permissions that exceed the actor's. */
export type ManagementResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly rule: ManagementRule; readonly message: string; readonly details?: Record<string, unknown> };

/** A user's access as stored in the staff profile. */
export interface UserAccess {
  readonly role: CompiledRole;
  readonly storeIds: readonly string[];
  readonly global: boolean;
}
/** An existing user being managed. */
export interface ManagedUser extends UserAccess {
  readonly userId: string;
}

export type UserAction = 'create' | 'update' | 'deactivate' | 'reactivate' | 'delete' | 'hard-delete' | 'set-pin' | 'unlock';

/** A requested change to a user: `next` is the access the user will have. */
export type UserChange =
  | { readonly action: 'create'; readonly next: UserAccess }
  | { readonly action: 'update'; readonly target: ManagedUser; readonly next: UserAccess }
  | { readonly action: Exclude<UserAction, 'create' | 'update'>; readonly target: ManagedUser };

/** A requested change to a role definition. */
export type RoleChange =
  | { readonly action: 'create'; readonly next: CompiledRole }
  | { readonly action: 'update'; readonly target: CompiledRole; readonly next: CompiledRole }
  | { readonly action: 'delete'; readonly target: CompiledRole; readonly assignedUsers: number };

/** The permission each user action needs. */
export const REQUIRED_PERMISSION: Readonly<Record<UserAction, Permission>> = Object.freeze({
  create: 'users:create',
  update: 'users:write',
  deactivate: 'users:write',
  reactivate: 'users:write',
  delete: 'users:delete',
  'hard-delete': 'users:delete',
  'set-pin': 'users:manage-pin',
  unlock: 'users:unlock',
});

const OK: ManagementResult = Object.freeze({ ok: true });

function deny(rule: ManagementRule, message: string, details?: Record<string, unknown>): ManagementResult {
  return details === undefined ? { ok: false, rule, message } : { ok: false, rule, message, details };
}

const isSuperAdmin = (role: CompiledRole) => role.builtIn && role.name === 'superadmin';

function needs(actor: Actor, permission: Permission): ManagementResult | undefined {
  return matchGrant(actor.role, permission) === undefined
    ? deny('MISSING_PERMISSION', `requires ${permission}`, { permission })
    : undefined;
}

/** The permissions of `role` that `actor` does not hold. */
export function excessPermissions(actor: Actor, role: CompiledRole): Permission[] {
  return [...role.permissions].filter((p) => !actor.role.permissions.has(p));
}

function grantCheck(actor: Actor, role: CompiledRole): ManagementResult | undefined {
  const excess = excessPermissions(actor, role);
  return excess.length > 0
    ? deny('GRANT_EXCEEDS_OWN', `role "${role.name}" holds ${excess.length} permission(s) you do not hold`, { role: role.name, excess })
    : undefined;
}

function storeCheck(actor: Actor, target: ManagedUser | undefined, next: UserAccess | undefined): ManagementResult | undefined {
  if (isGlobalActor(actor)) return undefined;
  const mine = new Set(actor.storeIds);
  if (target) {
    const outside = target.storeIds.filter((s) => !mine.has(s));
    if (target.storeIds.length === 0 || (target.global && target.role.mayBeGlobal) || outside.length > 0) {
      return deny('OTHER_STORE', 'the user works in stores outside yours', { stores: outside });
    }
  }
  if (next) {
    const outside = next.storeIds.filter((s) => !mine.has(s));
    if (next.storeIds.length === 0 || outside.length > 0) {
      return deny('OTHER_STORE', 'the user must be assigned to one or more of your stores, and only to yours', { stores: outside });
    }
  }
  return undefined;
}

/**
 * Checks a change to a user against every rule of the module table.
 * @returns `{ ok: true }` or the first violated rule; never throws.
 */
export function checkUserChange(actor: Actor, change: UserChange): ManagementResult {
  if (!actor.active) return deny('ACTOR_INACTIVE', 'your account is deactivated');
  const target = change.action === 'create' ? undefined : change.target;
  const next = change.action === 'create' || change.action === 'update' ? change.next : undefined;
  const roleChanges = next !== undefined && (target === undefined || next.role.name !== target.role.name);

  const missing = needs(actor, REQUIRED_PERMISSION[change.action]) ?? (roleChanges && target ? needs(actor, 'roles:assign') : undefined);
  if (missing) return missing;

  const self = target !== undefined && target.userId === actor.userId;
  if (self && roleChanges) return deny('SELF_ROLE_CHANGE', 'you cannot change your own role');
  if (self && (change.action === 'deactivate' || change.action === 'delete' || change.action === 'hard-delete')) {
    return deny('SELF_LOCKOUT', 'you cannot deactivate or delete your own account');
  }
  const sa = isSuperAdmin(actor.role);
  if (change.action === 'hard-delete' && !sa) return deny('HARD_DELETE_SUPERADMIN_ONLY', 'only a SuperAdmin hard-deletes users; deactivate instead');
  if (target && !sa && target.role.level >= actor.role.level) {
    return deny('TARGET_LEVEL', `you cannot manage a ${target.role.title}: level ${target.role.level} is not below your ${actor.role.level}`);
  }
  if (next && roleChanges) {
    if (!sa && next.role.level >= actor.role.level) {
      return deny('ROLE_LEVEL', `you cannot give the role ${next.role.title}: level ${next.role.level} is not below your ${actor.role.level}`);
    }
    const exceeds = grantCheck(actor, next.role);
    if (exceeds) return exceeds;
  }
  if (next?.global) {
    if (!next.role.mayBeGlobal) return deny('ROLE_NOT_GLOBAL', `a ${next.role.title} works only in assigned stores`);
    if (!(target?.global ?? false) && !isGlobalActor(actor)) return deny('GLOBAL_SCOPE', 'only a global user can make a user global');
  }
  return storeCheck(actor, target, next) ?? OK;
}

/**
 * Checks a change to a role definition: create or update a custom role (grants within the
 * actor's, level below the actor's), or delete one that no user holds.
 * @returns `{ ok: true }` or the first violated rule; never throws.
 */
export function checkRoleChange(actor: Actor, change: RoleChange): ManagementResult {
  if (!actor.active) return deny('ACTOR_INACTIVE', 'your account is deactivated');
  const missing = needs(actor, change.action === 'delete' ? 'roles:delete' : 'roles:write');
  if (missing) return missing;
  const target = change.action === 'create' ? undefined : change.target;
  const next = change.action === 'delete' ? undefined : change.next;
  if (target && isSuperAdmin(target)) return deny('SUPERADMIN_PROTECTED', 'the SuperAdmin role cannot be changed or deleted');
  if (target?.builtIn || next?.builtIn) return deny('BUILTIN_ROLE_PROTECTED', 'built-in roles cannot be changed, replaced or deleted');
  if (next && target && next.name !== target.name) return deny('ROLE_RENAME', 'a role cannot be renamed: its label is on every holder');
  const sa = isSuperAdmin(actor.role);
  if (target && !sa && target.level >= actor.role.level) {
    return deny('TARGET_LEVEL', `you cannot manage the role ${target.title}: level ${target.level} is not below your ${actor.role.level}`);
  }
  if (next) {
    if (!sa && next.level >= actor.role.level) return deny('ROLE_LEVEL', `level ${next.level} is not below your ${actor.role.level}`);
    const exceeds = grantCheck(actor, next);
    if (exceeds) return exceeds;
    if (next.mayBeGlobal && !isGlobalActor(actor)) return deny('GLOBAL_SCOPE', 'only a global user can define a role that may be global');
  }
  if (change.action === 'delete' && change.assignedUsers > 0) {
    return deny('ROLE_IN_USE', `role "${change.target.name}" is held by ${change.assignedUsers} user(s)`, { assignedUsers: change.assignedUsers });
  }
  return OK;
}
