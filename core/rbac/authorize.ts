/**
 * The decision: may this actor do this, here? Pure and allocation-light: one map lookup for the
 * permission's resource, then at most three set lookups on the precompiled role
 * (DESIGN.md, performance notes), then the store check.
 *
 * Store scoping (issue 5): a user whose role `mayBeGlobal` (SuperAdmin, Admin, custom roles that
 * say so) and whose profile is `global` has the role's rights in every store (`scope: 'global'`).
 * Everyone else has them only in `storeIds`: a `context.storeId` outside them is denied
 * `STORE_SCOPE`. Without a `context.storeId` a store-scoped actor is allowed with
 * `scope: 'store'`, which tells the caller to limit the operation (a listing, an export) to
 * `actor.storeIds`.
 * @module
 */
import type { CompiledRole } from './compile.js';
import { RESOURCE_OF, RESOURCES, permissionsOf, type Grant, type Permission, type PermissionRequest, type Resource } from './statements.js';

/** Who is asking: the authenticated user with their compiled role and store assignment. */
export interface Actor {
  readonly userId: string;
  readonly role: CompiledRole;
  /** Stores the user works in. */
  readonly storeIds: readonly string[];
  /** Rights in every store; honoured only when `role.mayBeGlobal`. */
  readonly global: boolean;
  /** False for a deactivated user: every decision is then `INACTIVE`. */
  readonly active: boolean;
}

/** Where the action happens. */
export interface AuthorizeContext {
  /** The store the target belongs to; omit for store-independent actions. */
  readonly storeId?: string | undefined;
}

export type DenyReason = 'NOT_GRANTED' | 'STORE_SCOPE' | 'INACTIVE';

/** The verdict, naming the grant that matched or the permission that is missing. */
export type Decision =
  | { readonly allowed: true; readonly grant: Grant; readonly scope: 'global' | 'store' }
  | { readonly allowed: false; readonly missing: string; readonly reason: DenyReason };

const WILDCARD_GRANT = Object.fromEntries(RESOURCES.map((r) => [r, `${r}:*`])) as Record<Resource, Grant>;

/** True when the actor's rights extend to every store (global profile and a role that allows it). */
export function isGlobalActor(actor: Actor): boolean {
  return actor.global && actor.role.mayBeGlobal;
}

/** The grant of `role` that covers `permission`, most specific first; undefined when none does. */
export function matchGrant(role: CompiledRole, permission: string): Grant | undefined {
  const resource = RESOURCE_OF.get(permission);
  if (resource === undefined) return undefined; // not in the statement table: fail closed, even for `*`
  if (role.exact.has(permission as Permission)) return permission as Permission;
  if (role.wildcards.has(resource)) return WILDCARD_GRANT[resource];
  return role.all ? '*' : undefined;
}

/**
 * Decides one permission for one actor.
 * @param permission an exact `resource:action`; a string outside the statement table is denied
 *   `NOT_GRANTED` (validate run-time input with `parsePermission` to tell the caller why).
 * @param context `storeId` where the action happens, for store scoping.
 * @returns `{ allowed: true, grant, scope }` or `{ allowed: false, missing, reason }`; never throws.
 */
export function authorize(actor: Actor, permission: Permission, context?: AuthorizeContext): Decision {
  if (!actor.active) return { allowed: false, missing: permission, reason: 'INACTIVE' };
  const grant = matchGrant(actor.role, permission);
  if (grant === undefined) return { allowed: false, missing: permission, reason: 'NOT_GRANTED' };
  if (actor.global && actor.role.mayBeGlobal) return { allowed: true, grant, scope: 'global' };
  const storeId = context?.storeId;
  if (storeId !== undefined && !actor.storeIds.includes(storeId)) {
    return { allowed: false, missing: permission, reason: 'STORE_SCOPE' };
  }
  return { allowed: true, grant, scope: 'store' };
}

/**
 * Decides a better-auth style request such as `{ users: ['read', 'write'] }`.
 * @param connector `AND` (default): every permission is needed, the first denial is returned;
 *   `OR`: one suffices, the first allowance is returned, else the first denial.
 *   An empty request is denied `NOT_GRANTED` with `missing: ''` (a route must ask for something).
 */
export function authorizeRequest(
  actor: Actor,
  request: PermissionRequest,
  context?: AuthorizeContext,
  connector: 'AND' | 'OR' = 'AND',
): Decision {
  const wanted = permissionsOf(request);
  if (wanted.length === 0) return { allowed: false, missing: '', reason: 'NOT_GRANTED' };
  let first: Decision | undefined;
  for (const p of wanted) {
    const d = authorize(actor, p, context);
    if (connector === 'AND' && !d.allowed) return d;
    if (connector === 'OR' && d.allowed) return d;
    first ??= d;
  }
  return first!;
}

/**
 * Every permission the actor holds, in statement-table order (for `auth/me` UI gating).
 * Empty for an inactive actor.
 */
export function effectivePermissions(actor: Actor): Permission[] {
  return actor.active ? [...actor.role.permissions] : [];
}
