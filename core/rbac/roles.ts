/**
 * Role definitions: the four built-in roles of issue 5 and the zod schema of custom roles.
 * A role has a `level` (who may manage whom, `management.ts`), its own `grants`, and may
 * `inherits` the grants of lower-level roles. `mayBeGlobal` says whether a user of the role can
 * be given rights in every store; other roles act only in the stores assigned to the user.
 *
 * Built-in roles. The grants issue 5 names are in **bold**; the others are additions this
 * module makes so that each role can do its job, with the reason:
 *
 * | role (level) | inherits | grants | why the additions |
 * | --- | --- | --- | --- |
 * | SuperAdmin (100) | | **`*`** | |
 * | Admin (75), may be global | Manager | **`users:read` `users:write` `products:*` `reports:*`**, `users:*` `roles:*` `sales:*` `terminals:*` `approvals:*` `audit:*` `stores:*` `customers:*` `settings:read` | runs the system: staff and custom roles, terminals, stores, the audit log. Only `settings:write` (system-wide settings) and hard deletes of users stay with SuperAdmin |
 * | Manager (50), store-scoped | Cashier | **`users:read` `products:read` `products:write` `reports:read`**, `users:create` `users:write` `users:manage-pin` `users:unlock` `roles:read` `roles:assign` `sales:read` `sales:refund` `sales:void` `sales:discount` `approvals:grant` `approvals:read` `terminals:read` `terminals:enroll` `terminals:disable` `terminals:unlock` `terminals:lock` `customers:write` `stores:read` `settings:read` | onboards cashiers of their store and resets their PINs and lockouts (DESIGN.md: PIN login, lockout), enrolls and disables the store's terminals (DESIGN.md: "a Manager+ creates a terminal"), grants manager overrides and handles refunds, voids and discounts (DESIGN.md: manager override) |
 * | Cashier (10), store-scoped | | **`sales:create` `products:read`**, `sales:read` `customers:read` `terminals:lock` | finds a sale for a receipt or a refund request, looks up the customer at the till, locks the till when stepping away (DESIGN.md: lock / switch) |
 *
 * Built-in roles cannot be changed or deleted (SuperAdmin above all: it cannot be weakened);
 * a shop that wants different rights creates a custom role, which may inherit a built-in one.
 * @module
 */
import * as z from 'zod';
import { parseGrant, type Grant, type Result } from './statements.js';

/** A role as declared (before compilation). */
export interface RoleDefinition {
  /** Identifier, lower case: `superadmin`, `admin`, `manager`, `cashier` or a custom name. */
  readonly name: string;
  /** Display name. */
  readonly title: string;
  /** 1..100; a user manages only users of a lower level (SuperAdmin excepted). */
  readonly level: number;
  /** The role's own grants. */
  readonly grants: readonly Grant[];
  /** Roles whose grants this role also holds; each must have a lower level. */
  readonly inherits: readonly string[];
  readonly builtIn: boolean;
  /** Whether a user of this role may be global (rights in all stores). */
  readonly mayBeGlobal: boolean;
}

/** Names of the built-in roles, highest first. */
export const BUILTIN_ROLE_NAMES = ['superadmin', 'admin', 'manager', 'cashier'] as const;
export type BuiltInRoleName = (typeof BUILTIN_ROLE_NAMES)[number];

/** The built-in roles (see the module table for the reason of every grant). */
export const BUILTIN_ROLES: Readonly<Record<BuiltInRoleName, RoleDefinition>> = Object.freeze({
  superadmin: { name: 'superadmin', title: 'SuperAdmin', level: 100, grants: ['*'], inherits: [], builtIn: true, mayBeGlobal: true },
  admin: {
    name: 'admin',
    title: 'Admin',
    level: 75,
    grants: [
      'users:read', 'users:write', 'products:*', 'reports:*',
      'users:*', 'roles:*', 'sales:*', 'terminals:*', 'approvals:*', 'audit:*', 'stores:*', 'customers:*', 'settings:read',
    ],
    inherits: ['manager'],
    builtIn: true,
    mayBeGlobal: true,
  },
  manager: {
    name: 'manager',
    title: 'Manager',
    level: 50,
    grants: [
      'users:read', 'products:read', 'products:write', 'reports:read',
      'users:create', 'users:write', 'users:manage-pin', 'users:unlock', 'roles:read', 'roles:assign',
      'sales:read', 'sales:refund', 'sales:void', 'sales:discount', 'approvals:grant', 'approvals:read',
      'terminals:read', 'terminals:enroll', 'terminals:disable', 'terminals:unlock', 'terminals:lock',
      'customers:write', 'stores:read', 'settings:read',
    ],
    inherits: ['cashier'],
    builtIn: true,
    mayBeGlobal: false,
  },
  cashier: {
    name: 'cashier',
    title: 'Cashier',
    level: 10,
    grants: ['sales:create', 'products:read', 'sales:read', 'customers:read', 'terminals:lock'],
    inherits: [],
    builtIn: true,
    mayBeGlobal: false,
  },
} satisfies Record<BuiltInRoleName, RoleDefinition>);

/** True when `name` is one of the four built-in roles. */
export function isBuiltInRoleName(name: string): name is BuiltInRoleName {
  return (BUILTIN_ROLE_NAMES as readonly string[]).includes(name);
}

/** Custom role names: lower-case letter first, then letters, digits or `-`, 2..32 characters. */
export const ROLE_NAME_PATTERN = /^[a-z][a-z0-9-]{1,31}$/;

const grantString = z.string().superRefine((value, ctx) => {
  const parsed = parseGrant(value);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error.message });
});

/**
 * Input of a custom role (roles API, stored roles). Level 1..99: 100 belongs to SuperAdmin alone.
 * Unknown keys are refused so that a misspelt field is not silently dropped.
 */
export const customRoleSchema = z
  .object({
    name: z
      .string()
      .regex(ROLE_NAME_PATTERN, 'must be 2..32 characters: a lower-case letter, then lower-case letters, digits or -')
      .refine((n) => !isBuiltInRoleName(n), 'is the name of a built-in role'),
    title: z.string().trim().min(1).max(64).optional(),
    level: z.number().int().min(1).max(99),
    permissions: z.array(grantString).max(200),
    inherits: z.array(z.string().min(1).max(32)).max(8).default([]),
    mayBeGlobal: z.boolean().default(false),
  })
  .strict();

export type CustomRoleInput = z.input<typeof customRoleSchema>;

/** Why a custom role was refused: one entry per problem, with the field path. */
export interface RoleValidationError {
  code: 'INVALID_ROLE';
  issues: { path: string; message: string }[];
}

/**
 * Validates a custom role's input and turns it into a {@link RoleDefinition} (grants deduplicated,
 * title defaulting to the name). Whether its parents exist is checked by `compileRoles`.
 * @returns the definition, or `INVALID_ROLE` listing every problem.
 */
export function parseCustomRole(input: unknown): Result<RoleDefinition, RoleValidationError> {
  const parsed = customRoleSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        code: 'INVALID_ROLE',
        issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
      },
    };
  }
  const v = parsed.data;
  return {
    ok: true,
    value: {
      name: v.name,
      title: v.title ?? v.name,
      level: v.level,
      grants: [...new Set(v.permissions as Grant[])],
      inherits: [...new Set(v.inherits)],
      builtIn: false,
      mayBeGlobal: v.mayBeGlobal,
    },
  };
}
