/**
 * Compiles role definitions once into lookup structures (DESIGN.md, performance notes:
 * "authorization decisions are precompiled per role"): a `Set` of exact grants, a `Set` of
 * resources granted by `resource:*`, and an `all` flag for `*`. Inheritance is resolved here,
 * so a decision never walks a role tree or parses a string.
 * @module
 */
import { BUILTIN_ROLES, BUILTIN_ROLE_NAMES, isBuiltInRoleName, type RoleDefinition } from './roles.js';
import {
  ALL_PERMISSIONS,
  RESOURCE_OF,
  isGrant,
  type Grant,
  type Permission,
  type Resource,
  type Result,
} from './statements.js';

/** A role ready for {@link authorize}: immutable, with its inherited grants folded in. */
export interface CompiledRole {
  readonly name: string;
  readonly title: string;
  readonly level: number;
  readonly builtIn: boolean;
  readonly mayBeGlobal: boolean;
  readonly inherits: readonly string[];
  /** The role's own grants as declared. */
  readonly declared: readonly Grant[];
  /** Own and inherited grants, deduplicated, own first. */
  readonly grants: readonly Grant[];
  /** True when `*` is among the grants. */
  readonly all: boolean;
  /** Exact `resource:action` grants. */
  readonly exact: ReadonlySet<Permission>;
  /** Resources granted as `resource:*`. */
  readonly wildcards: ReadonlySet<Resource>;
  /** Every permission of the statement table this role holds (the expansion of its grants). */
  readonly permissions: ReadonlySet<Permission>;
}

/** Why a set of role definitions does not compile. */
export interface RoleCompileError {
  code: 'DUPLICATE_ROLE' | 'UNKNOWN_PARENT' | 'PARENT_LEVEL' | 'BUILTIN_ROLE_PROTECTED' | 'INVALID_GRANT' | 'INVALID_LEVEL';
  role: string;
  message: string;
}

/** All roles known to one deployment: the built-ins plus its custom roles. */
export interface RoleRegistry {
  get(name: string): CompiledRole | undefined;
  /** Every role, highest level first, then by name. */
  list(): readonly CompiledRole[];
}

/**
 * Compiles one definition whose parents are already compiled.
 * @param parents the compiled roles named in `def.inherits`, in that order.
 */
export function compileRole(def: RoleDefinition, parents: readonly CompiledRole[] = []): CompiledRole {
  const grants = [...new Set<Grant>([...def.grants, ...parents.flatMap((p) => p.grants)])];
  const all = grants.includes('*');
  const exact = new Set<Permission>();
  const wildcards = new Set<Resource>();
  for (const g of grants) {
    if (g === '*') continue;
    if (g.endsWith(':*')) wildcards.add(g.slice(0, -2) as Resource);
    else exact.add(g as Permission);
  }
  const permissions = new Set<Permission>(
    ALL_PERMISSIONS.filter((p) => all || exact.has(p) || wildcards.has(RESOURCE_OF.get(p)!)),
  );
  return Object.freeze({
    name: def.name,
    title: def.title,
    level: def.level,
    builtIn: def.builtIn,
    mayBeGlobal: def.mayBeGlobal,
    inherits: Object.freeze([...def.inherits]),
    declared: Object.freeze([...def.grants]),
    grants: Object.freeze(grants),
    all,
    exact,
    wildcards,
    permissions,
  });
}

/**
 * Compiles the built-in roles and `custom` into a registry. Checks that names are unique and not
 * built-in, levels are integers 1..99, every grant is valid, and every parent exists and has a
 * strictly lower level (which also rules out inheritance cycles).
 * @returns the registry, or the first problem found.
 */
export function compileRoles(custom: readonly RoleDefinition[] = []): Result<RoleRegistry, RoleCompileError> {
  const defs = new Map<string, RoleDefinition>();
  for (const name of BUILTIN_ROLE_NAMES) defs.set(name, BUILTIN_ROLES[name]);
  for (const def of custom) {
    const err = (code: RoleCompileError['code'], message: string) =>
      ({ ok: false, error: { code, role: def.name, message } }) as const;
    if (isBuiltInRoleName(def.name) || def.builtIn) return err('BUILTIN_ROLE_PROTECTED', `"${def.name}" is a built-in role name`);
    if (defs.has(def.name)) return err('DUPLICATE_ROLE', `role "${def.name}" is defined twice`);
    if (!Number.isInteger(def.level) || def.level < 1 || def.level > 99) return err('INVALID_LEVEL', 'a custom role level is an integer 1..99');
    const bad = def.grants.find((g) => !isGrant(g));
    if (bad !== undefined) return err('INVALID_GRANT', `"${String(bad)}" is not a valid grant`);
    defs.set(def.name, def);
  }
  for (const def of defs.values()) {
    for (const parent of def.inherits) {
      const p = defs.get(parent);
      if (!p) return { ok: false, error: { code: 'UNKNOWN_PARENT', role: def.name, message: `inherits unknown role "${parent}"` } };
      if (p.level >= def.level) {
        return {
          ok: false,
          error: { code: 'PARENT_LEVEL', role: def.name, message: `inherits "${parent}" (level ${p.level}), which is not below its own level ${def.level}` },
        };
      }
    }
  }
  const compiled = new Map<string, CompiledRole>();
  // Parents have strictly lower levels, so compiling in ascending level order sees every parent first.
  const order = [...defs.values()].sort((a, b) => a.level - b.level || a.name.localeCompare(b.name));
  for (const def of order) compiled.set(def.name, compileRole(def, def.inherits.map((n) => compiled.get(n)!)));
  const list = Object.freeze([...compiled.values()].sort((a, b) => b.level - a.level || a.name.localeCompare(b.name)));
  return { ok: true, value: { get: (name) => compiled.get(name), list: () => list } };
}

/** The registry of the built-in roles alone; compiled once at module load. */
export const BUILTIN_REGISTRY: RoleRegistry = (() => {
  const r = compileRoles();
  if (!r.ok) throw new Error(`built-in roles do not compile: ${r.error.message}`);
  return r.value;
})();

/** A compiled built-in role by name. */
export function builtInRole(name: (typeof BUILTIN_ROLE_NAMES)[number]): CompiledRole {
  return BUILTIN_REGISTRY.get(name)!;
}
