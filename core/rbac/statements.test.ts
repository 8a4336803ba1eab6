import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  ALL_PERMISSIONS,
  STATEMENTS,
  isGrant,
  isPermission,
  parseGrant,
  parsePermission,
  permission,
  permissionsOf,
  type Action,
  type Grant,
  type Permission,
  type PermissionRequest,
} from './statements.js';

describe('statement table', () => {
  it('lists every resource:action exactly once', () => {
    const expected = Object.entries(STATEMENTS).reduce((n, [, actions]) => n + actions.length, 0);
    expect(ALL_PERMISSIONS).toHaveLength(expected);
    expect(new Set(ALL_PERMISSIONS).size).toBe(expected);
    expect(ALL_PERMISSIONS).toContain('users:manage-pin');
    expect(ALL_PERMISSIONS).toContain('terminals:enroll');
  });

  it('has the resources and actions issue 5 names', () => {
    expect(STATEMENTS.users).toEqual(['read', 'write', 'create', 'delete', 'export', 'manage-pin', 'unlock']);
    expect(STATEMENTS.sales).toEqual(['create', 'read', 'refund', 'void', 'discount']);
    expect(STATEMENTS.audit).toEqual(['read', 'export', 'verify']);
  });
});

describe('parsePermission', () => {
  it.each([
    ['users:read', true, null],
    ['terminals:unlock', true, null],
    ['users', false, 'MALFORMED'],
    [':read', false, 'MALFORMED'],
    ['users:', false, 'MALFORMED'],
    ['users:read:extra', false, 'MALFORMED'],
    ['', false, 'MALFORMED'],
    ['user:read', false, 'UNKNOWN_RESOURCE'],
    ['Users:read', false, 'UNKNOWN_RESOURCE'],
    ['users:fly', false, 'UNKNOWN_ACTION'],
    ['users:*', false, 'UNKNOWN_ACTION'],
    ['*', false, 'MALFORMED'],
    ['__proto__:read', false, 'UNKNOWN_RESOURCE'],
    ['constructor:read', false, 'UNKNOWN_RESOURCE'],
  ] as const)('%s → ok=%s %s', (input, ok, code) => {
    const r = parsePermission(input);
    expect(r.ok).toBe(ok);
    if (r.ok) expect(r.value).toBe(input);
    else {
      expect(r.error.code).toBe(code);
      expect(r.error.input).toBe(input);
      expect(r.error.message.length).toBeGreaterThan(0);
    }
  });

  it('names the known actions when the action is unknown', () => {
    const r = parsePermission('sales:refnud');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('refund');
  });
});

describe('parseGrant', () => {
  it.each([
    ['*', true],
    ['products:*', true],
    ['products:price', true],
    ['product:*', false],
    ['products:**', false],
    ['*:*', false],
    ['*:read', false],
    ['products', false],
  ] as const)('%s → ok=%s', (input, ok) => {
    expect(parseGrant(input).ok).toBe(ok);
    expect(isGrant(input)).toBe(ok);
  });

  it('isPermission accepts exact permissions only', () => {
    expect(isPermission('reports:export')).toBe(true);
    expect(isPermission('reports:*')).toBe(false);
    expect(isPermission(42)).toBe(false);
  });
});

describe('typed helpers', () => {
  it('builds permissions from typed parts and requests', () => {
    expect(permission('sales', 'refund')).toBe('sales:refund');
    expect(permissionsOf({ users: ['read', 'write'], sales: ['void'] })).toEqual(['users:read', 'users:write', 'sales:void']);
    expect(permissionsOf({})).toEqual([]);
  });

  it('rejects typos at compile time', () => {
    // @ts-expect-error unknown action on a known resource
    permission('users', 'fly');
    // @ts-expect-error unknown resource
    permission('user', 'read');
    // @ts-expect-error an action of another resource
    permission('reports', 'refund');
    // @ts-expect-error a wildcard is a grant, not a permission
    const p: Permission = 'products:*';
    // @ts-expect-error unknown resource in a grant
    const g: Grant = 'product:*';
    // @ts-expect-error unknown action in a request
    const req: PermissionRequest = { sales: ['fly'] };
    expect([p, g, req]).toHaveLength(3);
  });

  it('infers the literal types of the table', () => {
    expectTypeOf<Action<'reports'>>().toEqualTypeOf<'read' | 'export'>();
    expectTypeOf(permission('users', 'read')).toEqualTypeOf<Permission>();
    expectTypeOf<'users:read'>().toExtend<Permission>();
    expectTypeOf<'users:*'>().toExtend<Grant>();
    expectTypeOf<'*'>().toExtend<Grant>();
    expectTypeOf<'users:*'>().not.toExtend<Permission>();
  });
});
