import { describe, expect, it } from 'vitest';
import { BUILTIN_ROLES, parseCustomRole } from './roles.js';

describe('built-in roles', () => {
  it.each([
    ['superadmin', 100, ['*']],
    ['admin', 75, ['users:read', 'users:write', 'products:*', 'reports:*']],
    ['manager', 50, ['users:read', 'products:read', 'products:write', 'reports:read']],
    ['cashier', 10, ['sales:create', 'products:read']],
  ] as const)('%s has level %i and the defaults of issue 5', (name, level, defaults) => {
    const role = BUILTIN_ROLES[name];
    expect(role.level).toBe(level);
    for (const g of defaults) expect(role.grants).toContain(g);
  });

  it('only SuperAdmin and Admin may be global', () => {
    expect(Object.values(BUILTIN_ROLES).filter((r) => r.mayBeGlobal).map((r) => r.name)).toEqual(['superadmin', 'admin']);
  });
});

describe('parseCustomRole', () => {
  const base = { name: 'shift-lead', level: 30, permissions: ['sales:discount', 'reports:*'], inherits: ['cashier'] };

  it('accepts a valid role and fills defaults', () => {
    const r = parseCustomRole({ ...base, permissions: ['sales:discount', 'sales:discount'] });
    expect(r).toEqual({
      ok: true,
      value: { name: 'shift-lead', title: 'shift-lead', level: 30, grants: ['sales:discount'], inherits: ['cashier'], builtIn: false, mayBeGlobal: false },
    });
  });

  it.each([
    ['level 0', { ...base, level: 0 }, 'level'],
    ['level 100 (SuperAdmin only)', { ...base, level: 100 }, 'level'],
    ['fractional level', { ...base, level: 12.5 }, 'level'],
    ['level as a string', { ...base, level: '30' }, 'level'],
    ['built-in name', { ...base, name: 'admin' }, 'name'],
    ['upper-case name', { ...base, name: 'ShiftLead' }, 'name'],
    ['one-letter name', { ...base, name: 'x' }, 'name'],
    ['name with spaces', { ...base, name: 'shift lead' }, 'name'],
    ['33-character name', { ...base, name: 'a'.repeat(33) }, 'name'],
    ['unknown permission', { ...base, permissions: ['sales:fly'] }, 'permissions.0'],
    ['unknown resource wildcard', { ...base, permissions: ['sale:*'] }, 'permissions.0'],
    ['permissions missing', { name: 'shift-lead', level: 30 }, 'permissions'],
    ['unknown key', { ...base, superuser: true }, ''],
    ['not an object', 'admin', ''],
  ])('refuses %s', (_name, input, path) => {
    const r = parseCustomRole(input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('INVALID_ROLE');
      expect(r.error.issues.map((i) => i.path)).toContain(path);
    }
  });

  it('lists every problem at once', () => {
    const r = parseCustomRole({ name: 'A', level: 200, permissions: ['nope'] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.issues.map((i) => i.path).sort()).toEqual(['level', 'name', 'permissions.0']);
  });
});
