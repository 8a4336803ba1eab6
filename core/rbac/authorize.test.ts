import { describe, expect, it } from 'vitest';
import { authorize, authorizeRequest, effectivePermissions, isGlobalActor, type Actor } from './authorize.js';
import { builtInRole, compileRoles, type CompiledRole } from './compile.js';
import { BUILTIN_ROLES, BUILTIN_ROLE_NAMES, type RoleDefinition } from './roles.js';
import { ALL_PERMISSIONS, type Permission } from './statements.js';

const actor = (role: CompiledRole, over: Partial<Actor> = {}): Actor => ({
  userId: `u-${role.name}`, role, storeIds: ['s1'], global: false, active: true, ...over,
});

/**
 * The oracle: the role's declared grants and those of its ancestors, matched as plain strings,
 * independently of the compiled sets.
 */
function declaredGrants(def: RoleDefinition, all: Record<string, RoleDefinition>): string[] {
  return [...def.grants, ...def.inherits.flatMap((p) => declaredGrants(all[p]!, all))];
}
const covers = (grant: string, p: string) => grant === '*' || grant === p || (grant.endsWith(':*') && p.startsWith(grant.slice(0, -1)));

describe('permission matrix: every built-in role × every permission', () => {
  const rows = BUILTIN_ROLE_NAMES.flatMap((name) => ALL_PERMISSIONS.map((p) => ({ name, p })));

  it('covers every cell', () => {
    expect(rows.length).toBe(4 * ALL_PERMISSIONS.length);
  });

  it.each(rows)('$name → $p', ({ name, p }) => {
    const grants = declaredGrants(BUILTIN_ROLES[name], BUILTIN_ROLES as Record<string, RoleDefinition>);
    const expected = grants.some((g) => covers(g, p));
    const d = authorize(actor(builtInRole(name)), p, { storeId: 's1' });
    expect(d.allowed).toBe(expected);
    if (d.allowed) expect(covers(d.grant, p) && grants.includes(d.grant)).toBe(true);
    else expect(d).toEqual({ allowed: false, missing: p, reason: 'NOT_GRANTED' });
  });

  it('holds for a custom role with inheritance and wildcards too', () => {
    const custom: RoleDefinition = {
      name: 'floor-lead', title: 'Floor lead', level: 30, grants: ['reports:*', 'sales:refund'], inherits: ['cashier'], builtIn: false, mayBeGlobal: false,
    };
    const reg = compileRoles([custom]);
    expect(reg.ok).toBe(true);
    if (!reg.ok) return;
    const all = { ...BUILTIN_ROLES, [custom.name]: custom } as Record<string, RoleDefinition>;
    for (const p of ALL_PERMISSIONS) {
      const expected = declaredGrants(custom, all).some((g) => covers(g, p));
      expect(authorize(actor(reg.value.get('floor-lead')!), p).allowed, p).toBe(expected);
    }
  });
});

describe('wildcards and the matched grant', () => {
  it.each([
    ['superadmin', 'settings:write', '*'],
    ['admin', 'products:price', 'products:*'],
    ['admin', 'reports:export', 'reports:*'],
    ['admin', 'users:read', 'users:read'], // the exact grant wins over users:*
    ['manager', 'products:write', 'products:write'],
    ['cashier', 'sales:create', 'sales:create'],
  ] as const)('%s %s → %s', (name, p, grant) => {
    const d = authorize(actor(builtInRole(name), { global: true }), p);
    expect(d).toMatchObject({ allowed: true, grant });
  });

  it('denies strings outside the statement table, even to SuperAdmin', () => {
    const sa = actor(builtInRole('superadmin'), { global: true });
    for (const p of ['users:fly', 'users:*', '*', '', 'constructor', '__proto__:read']) {
      expect(authorize(sa, p as Permission)).toEqual({ allowed: false, missing: p, reason: 'NOT_GRANTED' });
    }
  });
});

describe('store scoping', () => {
  it.each([
    { name: 'global SuperAdmin in any store', role: 'superadmin', global: true, stores: [], storeId: 's9', out: { allowed: true, scope: 'global' } },
    { name: 'global Admin in any store', role: 'admin', global: true, stores: [], storeId: 's9', out: { allowed: true, scope: 'global' } },
    { name: 'store Admin in own store', role: 'admin', global: false, stores: ['s1'], storeId: 's1', out: { allowed: true, scope: 'store' } },
    { name: 'store Admin in another store', role: 'admin', global: false, stores: ['s1'], storeId: 's2', out: { allowed: false, reason: 'STORE_SCOPE' } },
    { name: 'Manager in own store', role: 'manager', global: false, stores: ['s1', 's2'], storeId: 's2', out: { allowed: true, scope: 'store' } },
    { name: 'Manager of A in store B', role: 'manager', global: false, stores: ['A'], storeId: 'B', out: { allowed: false, reason: 'STORE_SCOPE' } },
    { name: 'Manager flagged global stays store-scoped', role: 'manager', global: true, stores: ['A'], storeId: 'B', out: { allowed: false, reason: 'STORE_SCOPE' } },
    { name: 'Cashier without stores', role: 'cashier', global: false, stores: [], storeId: 's1', out: { allowed: false, reason: 'STORE_SCOPE' } },
    { name: 'Cashier, empty store id', role: 'cashier', global: false, stores: ['s1'], storeId: '', out: { allowed: false, reason: 'STORE_SCOPE' } },
    { name: 'Cashier, no store context', role: 'cashier', global: false, stores: ['s1'], storeId: undefined, out: { allowed: true, scope: 'store' } },
  ] as const)('$name', ({ role, global, stores, storeId, out }) => {
    const a = actor(builtInRole(role), { global, storeIds: stores });
    expect(authorize(a, 'products:read', { storeId })).toMatchObject(out);
  });

  it('reports NOT_GRANTED before STORE_SCOPE', () => {
    const a = actor(builtInRole('cashier'), { storeIds: ['A'] });
    expect(authorize(a, 'users:read', { storeId: 'B' })).toMatchObject({ allowed: false, reason: 'NOT_GRANTED' });
  });

  it('isGlobalActor needs both the profile flag and a role that may be global', () => {
    expect(isGlobalActor(actor(builtInRole('admin'), { global: true }))).toBe(true);
    expect(isGlobalActor(actor(builtInRole('admin'), { global: false }))).toBe(false);
    expect(isGlobalActor(actor(builtInRole('manager'), { global: true }))).toBe(false);
  });
});

describe('inactive actors', () => {
  it('are denied everything, SuperAdmin included', () => {
    const a = actor(builtInRole('superadmin'), { global: true, active: false });
    expect(authorize(a, 'products:read')).toEqual({ allowed: false, missing: 'products:read', reason: 'INACTIVE' });
    expect(effectivePermissions(a)).toEqual([]);
  });
});

describe('authorizeRequest', () => {
  const manager = actor(builtInRole('manager'));
  it('AND needs every permission and names the first missing one', () => {
    expect(authorizeRequest(manager, { users: ['read', 'write'] })).toMatchObject({ allowed: true });
    expect(authorizeRequest(manager, { users: ['read', 'delete'], audit: ['read'] })).toEqual({ allowed: false, missing: 'users:delete', reason: 'NOT_GRANTED' });
  });
  it('OR needs one', () => {
    expect(authorizeRequest(manager, { audit: ['read'], reports: ['read'] }, undefined, 'OR')).toMatchObject({ allowed: true, grant: 'reports:read' });
    expect(authorizeRequest(manager, { audit: ['read', 'export'] }, undefined, 'OR')).toMatchObject({ allowed: false, missing: 'audit:read' });
  });
  it('denies an empty request', () => {
    expect(authorizeRequest(manager, {})).toMatchObject({ allowed: false, reason: 'NOT_GRANTED' });
  });
});

describe('effectivePermissions', () => {
  it('lists what the role holds in table order', () => {
    expect(effectivePermissions(actor(builtInRole('cashier')))).toEqual(['products:read', 'sales:create', 'sales:read', 'terminals:lock', 'customers:read']);
    expect(effectivePermissions(actor(builtInRole('superadmin')))).toEqual([...ALL_PERMISSIONS]);
  });
});
