/**
 * The permission matrix, generated: every route of the OpenAPI document declares an access rule,
 * and every built-in role (plus anonymous callers) gets exactly the guard's verdict on every
 * route — 401 without a token, 403 INSUFFICIENT_PERMISSIONS without the permission, past the
 * guard (any other status) with it — computed from the role definitions, not hand-written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_ROLE_NAMES, builtInRole, matchGrant } from '../../core/rbac/index.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

interface Operation { method: string; path: string; access: string }

let t: TestGateway;
const jwts: Record<string, string> = {};
let operations: Operation[] = [];

beforeAll(async () => {
  t = await startTestGateway();
  for (const role of BUILTIN_ROLE_NAMES) jwts[role] = await t.login(await t.createStaff({ role, storeId: 'store-a' }));
  const doc = (await t.request<{ paths: Record<string, Record<string, Record<string, unknown>>> }>('GET', '/api/openapi.json')).body;
  operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, access: String(op['x-tillgate-access'] ?? '') })));
});
afterAll(async () => t.stop());

/** A concrete URL for a documented path: ids that exist nowhere, queries left out. */
const concrete = (path: string) => path.replace(/\{[^}]+\}/g, 'matrix-probe');

describe('permission matrix', () => {
  it('every route declares an access rule that is public, session, authenticated, terminal or a known permission', () => {
    expect(operations.length).toBeGreaterThan(5);
    const bad = operations.filter((o) => !['public', 'session', 'authenticated', 'terminal'].includes(o.access) && matchGrant(builtInRole('superadmin'), o.access) === undefined);
    expect(bad).toEqual([]);
  });

  it('refuses every non-public route without a token (401 UNAUTHENTICATED)', async () => {
    for (const op of operations.filter((o) => o.access !== 'public' && o.access !== 'terminal')) {
      const res = await t.request<{ error?: { code: string } }>(op.method, concrete(op.path), op.method === 'GET' || op.method === 'DELETE' ? {} : { body: {} });
      expect([op.method, op.path, res.status, res.body.error?.code]).toEqual([op.method, op.path, 401, 'UNAUTHENTICATED']);
    }
  });

  it.each(BUILTIN_ROLE_NAMES)('gives %s exactly the routes its permissions allow', async (role) => {
    const compiled = builtInRole(role);
    for (const op of operations.filter((o) => o.access !== 'public' && o.access !== 'terminal' && !o.path.endsWith('/auth/logout') && !o.path.includes('/auth/sessions'))) {
      const allowed = op.access === 'authenticated' || op.access === 'session' || matchGrant(compiled, op.access) !== undefined;
      const res = await t.request<{ error?: { code: string } }>(op.method, concrete(op.path), { jwt: jwts[role]!, ...(op.method === 'GET' || op.method === 'DELETE' ? {} : { body: {} }) });
      if (allowed) expect([op.method, op.path, res.status === 401 || res.body.error?.code === 'INSUFFICIENT_PERMISSIONS']).toEqual([op.method, op.path, false]);
      else expect([op.method, op.path, res.status, res.body.error?.code]).toEqual([op.method, op.path, 403, 'INSUFFICIENT_PERMISSIONS']);
    }
  });

  it('scopes store-bound roles to their stores and lets global roles everywhere', async () => {
    for (const role of BUILTIN_ROLE_NAMES) {
      const compiled = builtInRole(role);
      const res = await t.request<{ error?: { code: string; details?: { reason: string } } }>('GET', '/api/v1/users?storeId=store-b', { jwt: jwts[role]! });
      const expected = matchGrant(compiled, 'users:read') === undefined ? 403 : compiled.mayBeGlobal ? 200 : 403;
      expect([role, res.status]).toEqual([role, expected]);
      if (expected === 403 && matchGrant(compiled, 'users:read')) expect(res.body.error?.details?.reason).toBe('STORE_SCOPE');
    }
  });
});
