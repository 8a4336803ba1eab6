import { describe, expect, it } from 'vitest';
import { BUILTIN_REGISTRY, builtInRole, compileRole, compileRoles } from './compile.js';
import { parseCustomRole, type RoleDefinition } from './roles.js';
import { ALL_PERMISSIONS, STATEMENTS, type Grant } from './statements.js';

const def = (name: string, level: number, grants: Grant[], inherits: string[] = []): RoleDefinition => ({
  name, title: name, level, grants, inherits, builtIn: false, mayBeGlobal: false,
});

describe('compileRole', () => {
  it.each([
    ['*', ALL_PERMISSIONS.length],
    ['products:*', STATEMENTS.products.length],
    ['products:read', 1],
  ] as const)('%s expands to %i permissions', (grant, count) => {
    const role = compileRole(def('r', 5, [grant]));
    expect(role.permissions.size).toBe(count);
  });

  it('splits grants into exact, wildcard and all', () => {
    const role = compileRole(def('r', 5, ['users:read', 'reports:*']));
    expect([...role.exact]).toEqual(['users:read']);
    expect([...role.wildcards]).toEqual(['reports']);
    expect(role.all).toBe(false);
    expect(compileRole(def('s', 5, ['*'])).all).toBe(true);
  });

  it('is frozen', () => {
    const role = builtInRole('cashier');
    expect(Object.isFrozen(role)).toBe(true);
  });
});

describe('compileRoles', () => {
  it('folds inherited grants in transitively', () => {
    const admin = builtInRole('admin');
    expect(admin.grants).toContain('sales:create'); // from cashier through manager
    expect(admin.permissions.has('terminals:enroll')).toBe(true);
    expect(admin.permissions.has('settings:write')).toBe(false);
    expect(builtInRole('manager').permissions.has('products:read')).toBe(true);
  });

  it('lists roles highest level first', () => {
    const r = compileRoles([def('zeta', 20, []), def('alpha', 20, [])]);
    expect(r.ok && r.value.list().map((x) => x.name)).toEqual(['superadmin', 'admin', 'manager', 'alpha', 'zeta', 'cashier']);
  });

  it('compiles a validated custom role that inherits a built-in one', () => {
    const parsed = parseCustomRole({ name: 'senior-cashier', level: 20, permissions: ['sales:discount'], inherits: ['cashier'] });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const r = compileRoles([parsed.value]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const role = r.value.get('senior-cashier')!;
    expect([...role.permissions].sort()).toEqual(
      ['customers:read', 'products:read', 'sales:create', 'sales:discount', 'sales:read', 'terminals:lock'],
    );
    expect(r.value.get('nope')).toBeUndefined();
  });

  it.each([
    ['a built-in name', [def('admin', 20, [])], 'BUILTIN_ROLE_PROTECTED'],
    ['a role marked built-in', [{ ...def('boss', 20, []), builtIn: true }], 'BUILTIN_ROLE_PROTECTED'],
    ['a duplicate', [def('a1', 20, []), def('a1', 30, [])], 'DUPLICATE_ROLE'],
    ['an unknown parent', [def('a1', 20, [], ['ghost'])], 'UNKNOWN_PARENT'],
    ['a parent at the same level', [def('a1', 20, []), def('a2', 20, [], ['a1'])], 'PARENT_LEVEL'],
    ['a parent above (manager powers at level 20)', [def('a1', 20, [], ['manager'])], 'PARENT_LEVEL'],
    ['a cycle', [def('a1', 20, [], ['a2']), def('a2', 30, [], ['a1'])], 'PARENT_LEVEL'],
    ['level 100', [def('a1', 100, [])], 'INVALID_LEVEL'],
    ['an invalid grant', [def('a1', 20, ['users:fly' as Grant])], 'INVALID_GRANT'],
  ])('refuses %s', (_n, defs, code) => {
    const r = compileRoles(defs);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe(code);
  });

  it('has the four built-ins in the default registry', () => {
    expect(BUILTIN_REGISTRY.list().map((r) => [r.name, r.level])).toEqual([
      ['superadmin', 100], ['admin', 75], ['manager', 50], ['cashier', 10],
    ]);
  });
});
