import { describe, expect, it } from 'vitest';
import type { Actor } from './authorize.js';
import { builtInRole, compileRole, type CompiledRole } from './compile.js';
import { checkRoleChange, checkUserChange, excessPermissions, type ManagedUser, type UserChange } from './management.js';
import type { RoleDefinition } from './roles.js';
import type { Grant } from './statements.js';

const SA = builtInRole('superadmin');
const ADMIN = builtInRole('admin');
const MANAGER = builtInRole('manager');
const CASHIER = builtInRole('cashier');
const custom = (name: string, level: number, grants: Grant[], extra: Partial<RoleDefinition> = {}): CompiledRole =>
  compileRole({ name, title: name, level, grants, inherits: [], builtIn: false, mayBeGlobal: false, ...extra });
const SHIFT_LEAD = custom('shift-lead', 20, ['sales:create', 'sales:discount']);
const AUDITOR = custom('auditor', 60, ['audit:read']);
const PRICE_CLERK = custom('price-clerk', 20, ['products:read', 'products:price']);

const actor = (role: CompiledRole, over: Partial<Actor> = {}): Actor => ({
  userId: 'me', role, storeIds: ['A'], global: false, active: true, ...over,
});
const user = (role: CompiledRole, over: Partial<ManagedUser> = {}): ManagedUser => ({
  userId: 'them', role, storeIds: ['A'], global: false, ...over,
});
const access = (role: CompiledRole, storeIds: string[] = ['A'], global = false) => ({ role, storeIds, global });

const superadmin = actor(SA, { global: true, storeIds: [] });
const admin = actor(ADMIN, { global: true, storeIds: [] });
const manager = actor(MANAGER);
const cashier = actor(CASHIER);

describe('checkUserChange', () => {
  const cases: { name: string; actor: Actor; change: UserChange; rule: string | null }[] = [
    // allowed
    { name: 'Manager creates a Cashier in own store', actor: manager, change: { action: 'create', next: access(CASHIER) }, rule: null },
    { name: 'Manager sets the PIN of a Cashier of own store', actor: manager, change: { action: 'set-pin', target: user(CASHIER) }, rule: null },
    { name: 'Manager promotes a Cashier to shift lead', actor: manager, change: { action: 'update', target: user(CASHIER), next: access(SHIFT_LEAD) }, rule: null },
    { name: 'Manager gives a role holding products:price', actor: manager, change: { action: 'update', target: user(CASHIER), next: access(PRICE_CLERK) }, rule: 'GRANT_EXCEEDS_OWN' },
    { name: 'Admin creates a Manager anywhere', actor: admin, change: { action: 'create', next: access(MANAGER, ['Z']) }, rule: null },
    { name: 'Admin deactivates a Manager', actor: admin, change: { action: 'deactivate', target: user(MANAGER, { storeIds: ['B'] }) }, rule: null },
    { name: 'SuperAdmin manages another SuperAdmin', actor: superadmin, change: { action: 'deactivate', target: user(SA, { global: true, storeIds: [] }) }, rule: null },
    { name: 'SuperAdmin creates a SuperAdmin', actor: superadmin, change: { action: 'create', next: access(SA, [], true) }, rule: null },
    { name: 'SuperAdmin hard-deletes a user', actor: superadmin, change: { action: 'hard-delete', target: user(ADMIN) }, rule: null },
    { name: 'Admin edits another Admin', actor: admin, change: { action: 'update', target: user(ADMIN), next: access(ADMIN, [], true) }, rule: 'TARGET_LEVEL' },
    // inactive / permission
    { name: 'inactive Admin', actor: { ...admin, active: false }, change: { action: 'create', next: access(CASHIER) }, rule: 'ACTOR_INACTIVE' },
    { name: 'Cashier creates a user', actor: cashier, change: { action: 'create', next: access(CASHIER) }, rule: 'MISSING_PERMISSION' },
    { name: 'Cashier changes another Cashier', actor: cashier, change: { action: 'update', target: user(CASHIER), next: access(CASHIER) }, rule: 'MISSING_PERMISSION' },
    { name: 'Manager deletes a Cashier', actor: manager, change: { action: 'delete', target: user(CASHIER) }, rule: 'MISSING_PERMISSION' },
    { name: 'role change without roles:assign', actor: actor(custom('hr', 40, ['users:write']), { storeIds: ['A'] }), change: { action: 'update', target: user(CASHIER), next: access(custom('x', 5, [])) }, rule: 'MISSING_PERMISSION' },
    // self
    { name: 'Manager changes own role', actor: manager, change: { action: 'update', target: user(MANAGER, { userId: 'me' }), next: access(CASHIER) }, rule: 'SELF_ROLE_CHANGE' },
    { name: 'SuperAdmin changes own role', actor: superadmin, change: { action: 'update', target: user(SA, { userId: 'me', global: true }), next: access(ADMIN, [], true) }, rule: 'SELF_ROLE_CHANGE' },
    { name: 'SuperAdmin deactivates self', actor: superadmin, change: { action: 'deactivate', target: user(SA, { userId: 'me' }) }, rule: 'SELF_LOCKOUT' },
    { name: 'Manager edits own stores', actor: manager, change: { action: 'update', target: user(MANAGER, { userId: 'me' }), next: access(MANAGER, ['A', 'B']) }, rule: 'TARGET_LEVEL' },
    // hard delete
    { name: 'Admin hard-deletes a Cashier', actor: admin, change: { action: 'hard-delete', target: user(CASHIER) }, rule: 'HARD_DELETE_SUPERADMIN_ONLY' },
    { name: 'Admin soft-deletes a Cashier', actor: admin, change: { action: 'delete', target: user(CASHIER) }, rule: null },
    // levels
    { name: 'Manager creates an Admin', actor: manager, change: { action: 'create', next: access(ADMIN) }, rule: 'ROLE_LEVEL' },
    { name: 'Manager creates a Manager', actor: manager, change: { action: 'create', next: access(MANAGER) }, rule: 'ROLE_LEVEL' },
    { name: 'Manager raises a Cashier to Manager', actor: manager, change: { action: 'update', target: user(CASHIER), next: access(MANAGER) }, rule: 'ROLE_LEVEL' },
    { name: 'Manager raises a Cashier of store B to Manager', actor: manager, change: { action: 'update', target: user(CASHIER, { storeIds: ['B'] }), next: access(MANAGER, ['B']) }, rule: 'ROLE_LEVEL' },
    { name: 'Manager resets the PIN of another Manager', actor: manager, change: { action: 'set-pin', target: user(MANAGER) }, rule: 'TARGET_LEVEL' },
    { name: 'Manager unlocks an Admin', actor: manager, change: { action: 'unlock', target: user(ADMIN) }, rule: 'TARGET_LEVEL' },
    { name: 'Admin deactivates an Admin', actor: admin, change: { action: 'deactivate', target: user(ADMIN) }, rule: 'TARGET_LEVEL' },
    { name: 'Admin creates a SuperAdmin', actor: admin, change: { action: 'create', next: access(SA, [], true) }, rule: 'ROLE_LEVEL' },
    // grants
    { name: 'Admin assigns a role holding settings:write', actor: admin, change: { action: 'create', next: access(custom('ops', 60, ['settings:write'])) }, rule: 'GRANT_EXCEEDS_OWN' },
    { name: 'Admin assigns auditor (within grants)', actor: admin, change: { action: 'create', next: access(AUDITOR) }, rule: null },
    // global
    { name: 'Admin makes a Manager global', actor: admin, change: { action: 'update', target: user(MANAGER), next: access(MANAGER, ['A'], true) }, rule: 'ROLE_NOT_GLOBAL' },
    { name: 'store-scoped Admin makes a custom global user', actor: actor(ADMIN), change: { action: 'create', next: access(custom('viewer', 5, ['reports:read'], { mayBeGlobal: true }), ['A'], true) }, rule: 'GLOBAL_SCOPE' },
    // stores
    { name: 'Manager of A creates a Cashier in B', actor: manager, change: { action: 'create', next: access(CASHIER, ['B']) }, rule: 'OTHER_STORE' },
    { name: 'Manager of A creates a Cashier with no store', actor: manager, change: { action: 'create', next: access(CASHIER, []) }, rule: 'OTHER_STORE' },
    { name: 'Manager of A resets the PIN of a Cashier of B', actor: manager, change: { action: 'set-pin', target: user(CASHIER, { storeIds: ['B'] }) }, rule: 'OTHER_STORE' },
    { name: 'Manager of A edits a Cashier of A and B', actor: manager, change: { action: 'update', target: user(CASHIER, { storeIds: ['A', 'B'] }), next: access(CASHIER, ['A']) }, rule: 'OTHER_STORE' },
    { name: 'Manager of A moves a Cashier to B', actor: manager, change: { action: 'update', target: user(CASHIER), next: access(CASHIER, ['B']) }, rule: 'OTHER_STORE' },
    { name: 'Manager of A and B moves a Cashier from A to B', actor: actor(MANAGER, { storeIds: ['A', 'B'] }), change: { action: 'update', target: user(CASHIER), next: access(CASHIER, ['B']) }, rule: null },
    { name: 'store-scoped Admin manages a Manager of another store', actor: actor(ADMIN), change: { action: 'deactivate', target: user(MANAGER, { storeIds: ['B'] }) }, rule: 'OTHER_STORE' },
  ];

  it.each(cases)('$name → $rule', ({ actor: a, change, rule }) => {
    const r = checkUserChange(a, change);
    if (rule === null) expect(r).toEqual({ ok: true });
    else {
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.rule).toBe(rule);
        expect(r.message.length).toBeGreaterThan(0);
      }
    }
  });

  it('names the permissions that exceed the actor', () => {
    const r = checkUserChange(manager, { action: 'create', next: access(PRICE_CLERK) });
    expect(r).toMatchObject({ ok: false, rule: 'GRANT_EXCEEDS_OWN', details: { role: 'price-clerk', excess: ['products:price'] } });
    expect(excessPermissions(admin, SA)).toEqual(['settings:write']);
    expect(excessPermissions(superadmin, ADMIN)).toEqual([]);
  });
});

describe('checkRoleChange', () => {
  const cases: { name: string; actor: Actor; change: Parameters<typeof checkRoleChange>[1]; rule: string | null }[] = [
    { name: 'Admin creates a custom role within own grants', actor: admin, change: { action: 'create', next: AUDITOR }, rule: null },
    { name: 'Admin updates a custom role', actor: admin, change: { action: 'update', target: AUDITOR, next: custom('auditor', 60, ['audit:read', 'audit:export']) }, rule: null },
    { name: 'Admin deletes an unused custom role', actor: admin, change: { action: 'delete', target: AUDITOR, assignedUsers: 0 }, rule: null },
    { name: 'SuperAdmin creates a role with settings:write', actor: superadmin, change: { action: 'create', next: custom('ops', 90, ['settings:write']) }, rule: null },
    { name: 'inactive SuperAdmin', actor: { ...superadmin, active: false }, change: { action: 'create', next: AUDITOR }, rule: 'ACTOR_INACTIVE' },
    { name: 'Manager creates a role', actor: manager, change: { action: 'create', next: SHIFT_LEAD }, rule: 'MISSING_PERMISSION' },
    { name: 'Admin grants settings:write', actor: admin, change: { action: 'create', next: custom('ops', 60, ['settings:write']) }, rule: 'GRANT_EXCEEDS_OWN' },
    { name: 'Admin grants * through a custom role', actor: admin, change: { action: 'create', next: custom('god', 60, ['*']) }, rule: 'GRANT_EXCEEDS_OWN' },
    { name: 'Admin widens a role beyond own grants', actor: admin, change: { action: 'update', target: AUDITOR, next: custom('auditor', 60, ['settings:*']) }, rule: 'GRANT_EXCEEDS_OWN' },
    { name: 'Admin creates a role at own level', actor: admin, change: { action: 'create', next: custom('peer', 75, ['audit:read']) }, rule: 'ROLE_LEVEL' },
    { name: 'Admin raises a role to own level', actor: admin, change: { action: 'update', target: AUDITOR, next: custom('auditor', 80, ['audit:read']) }, rule: 'ROLE_LEVEL' },
    { name: 'Admin edits a role at own level', actor: admin, change: { action: 'update', target: custom('peer', 75, []), next: custom('peer', 70, []) }, rule: 'TARGET_LEVEL' },
    { name: 'SuperAdmin weakens SuperAdmin', actor: superadmin, change: { action: 'update', target: SA, next: custom('superadmin', 99, ['users:read']) }, rule: 'SUPERADMIN_PROTECTED' },
    { name: 'SuperAdmin deletes SuperAdmin', actor: superadmin, change: { action: 'delete', target: SA, assignedUsers: 0 }, rule: 'SUPERADMIN_PROTECTED' },
    { name: 'SuperAdmin changes Cashier', actor: superadmin, change: { action: 'update', target: CASHIER, next: custom('cashier', 10, ['sales:*']) }, rule: 'BUILTIN_ROLE_PROTECTED' },
    { name: 'SuperAdmin deletes Manager', actor: superadmin, change: { action: 'delete', target: MANAGER, assignedUsers: 0 }, rule: 'BUILTIN_ROLE_PROTECTED' },
    { name: 'Admin recreates a built-in', actor: admin, change: { action: 'create', next: MANAGER }, rule: 'BUILTIN_ROLE_PROTECTED' },
    { name: 'Admin renames a role', actor: admin, change: { action: 'update', target: AUDITOR, next: custom('auditor2', 60, ['audit:read']) }, rule: 'ROLE_RENAME' },
    { name: 'store-scoped Admin defines a global role', actor: actor(ADMIN), change: { action: 'create', next: custom('viewer', 5, ['reports:read'], { mayBeGlobal: true }) }, rule: 'GLOBAL_SCOPE' },
    { name: 'Admin deletes a role in use', actor: admin, change: { action: 'delete', target: AUDITOR, assignedUsers: 3 }, rule: 'ROLE_IN_USE' },
  ];

  it.each(cases)('$name → $rule', ({ actor: a, change, rule }) => {
    const r = checkRoleChange(a, change);
    if (rule === null) expect(r).toEqual({ ok: true });
    else expect(r).toMatchObject({ ok: false, rule });
  });
});
