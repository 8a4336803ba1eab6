/**
 * The statement table: every resource Tillgate protects and the actions it knows on each,
 * declared once `as const` (better-auth's access-control habit, `reference/model-codebases.md`
 * §3). Permission strings are `resource:action`; a *grant* may also be `resource:*` (every
 * action of the resource) or `*` (everything). Typed helpers make a typo a compile error;
 * {@link parsePermission} and {@link parseGrant} check strings that arrive at run time.
 *
 * Meaning of the less obvious actions (the gateway maps routes to them):
 *
 * | permission | allows |
 * | --- | --- |
 * | `users:write` | update a user's profile, store assignment and status (deactivate/reactivate) |
 * | `users:delete` | delete a user (a hard delete is further limited to SuperAdmin, `management.ts`) |
 * | `users:manage-pin` / `users:unlock` | set or reset a staff PIN / clear a login lockout |
 * | `roles:assign` | change the role of a user (with the grant and level rules of `management.ts`) |
 * | `roles:write` / `roles:delete` | create or update / delete a custom role |
 * | `products:price` | change a price (checked again by `rbac-guard`) |
 * | `approvals:grant` | approve a manager override at a terminal |
 * | `audit:verify` | run the hash-chain verification of the audit log |
 * @module
 */

/** Resources → actions. Resources are plural nouns, actions kebab-case verbs. */
export const STATEMENTS = {
  users: ['read', 'write', 'create', 'delete', 'export', 'manage-pin', 'unlock'],
  roles: ['read', 'write', 'delete', 'assign'],
  products: ['read', 'write', 'delete', 'price'],
  sales: ['create', 'read', 'refund', 'void', 'discount'],
  reports: ['read', 'export'],
  terminals: ['read', 'write', 'enroll', 'disable', 'unlock', 'lock'],
  approvals: ['grant', 'read'],
  audit: ['read', 'export', 'verify'],
  stores: ['read', 'write'],
  customers: ['read', 'write'],
  settings: ['read', 'write'],
} as const;

/** A resource of the statement table. */
export type Resource = keyof typeof STATEMENTS;
/** An action known on resource `R`. */
export type Action<R extends Resource> = (typeof STATEMENTS)[R][number];
/** An exact permission, `resource:action`. */
export type Permission = { [R in Resource]: `${R}:${Action<R>}` }[Resource];
/** What a role may hold: an exact permission, `resource:*`, or `*`. */
export type Grant = Permission | `${Resource}:*` | '*';
/** better-auth's request shape: `{ users: ['read'], sales: ['refund'] }`. */
export type PermissionRequest = { readonly [R in Resource]?: readonly Action<R>[] };

/** A value or the reason there is none; domain outcomes are results, not throws. */
export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

/** Why a permission or grant string was refused. */
export interface ParseError {
  code: 'MALFORMED' | 'UNKNOWN_RESOURCE' | 'UNKNOWN_ACTION';
  message: string;
  input: string;
}

/** Every resource, in table order. */
export const RESOURCES = Object.keys(STATEMENTS) as Resource[];

/** Every exact permission of the table, in table order (39 at the time of writing). */
export const ALL_PERMISSIONS: readonly Permission[] = Object.freeze(
  RESOURCES.flatMap((r) => STATEMENTS[r].map((a) => `${r}:${a}` as Permission)),
);

/**
 * Permission → its resource, built once so that a decision never splits a string
 * (DESIGN.md, performance notes).
 */
export const RESOURCE_OF: ReadonlyMap<string, Resource> = new Map(
  ALL_PERMISSIONS.map((p) => [p, p.slice(0, p.indexOf(':')) as Resource]),
);

const RESOURCE_SET: ReadonlySet<string> = new Set(RESOURCES);

/** Builds a permission from typed parts: `permission('users', 'read')`; a typo fails to compile. */
export function permission<R extends Resource>(resource: R, action: Action<R>): Permission {
  return `${resource}:${action}` as Permission;
}

/** Flattens a {@link PermissionRequest} into its permission strings, in table order of the keys given. */
export function permissionsOf(request: PermissionRequest): Permission[] {
  const out: Permission[] = [];
  for (const r of RESOURCES) {
    const actions = request[r] as readonly string[] | undefined;
    if (actions) for (const a of actions) out.push(`${r}:${a}` as Permission);
  }
  return out;
}

/** True when `value` is an exact permission of the table (no wildcard). */
export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && RESOURCE_OF.has(value);
}

/** True when `value` is a valid grant: an exact permission, `resource:*` or `*`. */
export function isGrant(value: unknown): value is Grant {
  if (typeof value !== 'string') return false;
  if (value === '*') return true;
  if (value.endsWith(':*')) return RESOURCE_SET.has(value.slice(0, -2));
  return RESOURCE_OF.has(value);
}

function fail(code: ParseError['code'], message: string, input: string): { ok: false; error: ParseError } {
  return { ok: false, error: { code, message, input } };
}

function split(input: string): Result<{ resource: Resource; action: string }, ParseError> {
  const i = input.indexOf(':');
  if (i <= 0 || i === input.length - 1 || input.indexOf(':', i + 1) !== -1) {
    return fail('MALFORMED', `"${input}" is not of the form resource:action`, input);
  }
  const resource = input.slice(0, i);
  if (!RESOURCE_SET.has(resource)) {
    return fail('UNKNOWN_RESOURCE', `unknown resource "${resource}" (known: ${RESOURCES.join(', ')})`, input);
  }
  return { ok: true, value: { resource: resource as Resource, action: input.slice(i + 1) } };
}

/**
 * Parses an exact permission string from run-time input (a query, a stored role).
 * @returns the permission, or `MALFORMED` / `UNKNOWN_RESOURCE` / `UNKNOWN_ACTION`; wildcards are
 * refused here (`UNKNOWN_ACTION`), use {@link parseGrant} for role grants.
 */
export function parsePermission(input: string): Result<Permission, ParseError> {
  const parts = split(input);
  if (!parts.ok) return parts;
  if (!RESOURCE_OF.has(input)) {
    const known = (STATEMENTS[parts.value.resource] as readonly string[]).join(', ');
    return fail('UNKNOWN_ACTION', `unknown action "${parts.value.action}" on ${parts.value.resource} (known: ${known})`, input);
  }
  return { ok: true, value: input as Permission };
}

/**
 * Parses a grant string: `*`, `resource:*` or an exact permission.
 * @returns the grant, or the same errors as {@link parsePermission}.
 */
export function parseGrant(input: string): Result<Grant, ParseError> {
  if (input === '*') return { ok: true, value: '*' };
  const parts = split(input);
  if (!parts.ok) return parts;
  if (parts.value.action === '*') return { ok: true, value: input as Grant };
  return parsePermission(input);
}
