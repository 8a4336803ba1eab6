/** The contract checker itself: it must fail on broken bodies, or the suite proves nothing. */
import { describe, expect, it } from 'vitest';
import { validateResponse } from '../support/openapi-validator.js';

const user = {
  $id: 'u1', $createdAt: '2026-01-01T00:00:00.000+00:00', $updatedAt: '2026-01-01T00:00:00.000+00:00', name: 'A', password: null, hash: null,
  hashOptions: null, registration: '2026-01-01T00:00:00.000+00:00', status: true, labels: [], passwordUpdate: '', email: 'a@b.c', phone: '',
  emailVerification: false, phoneVerification: false, mfa: false, prefs: {}, targets: [], accessedAt: '',
};
const ok = (body: unknown, route = '/users/{userId}', path = '/users/u1') => validateResponse({ method: 'GET', route, path, status: 200, body, client: false });

describe('OpenAPI response validator', () => {
  it('accepts a body that matches its schema', () => {
    expect(ok(user)).toEqual([]);
  });
  it('reports a missing required field', () => {
    const { email: _email, ...rest } = user;
    expect(ok(rest).join('\n')).toMatch(/email/);
  });
  it('reports a wrong type', () => {
    expect(ok({ ...user, status: 'yes' }).join('\n')).toMatch(/status/);
  });
  it('reports a property the schema does not list', () => {
    expect(ok({ ...user, secretField: 1 }).join('\n')).toMatch(/secretField/);
  });
  it('accepts 1.9 rows with a string $sequence and custom columns, rejects an integer one', () => {
    const row = { $id: 'r', $sequence: '1', $tableId: 't', $databaseId: 'd', $createdAt: 'x', $updatedAt: 'x', $permissions: [], sku: 'A' };
    const route = '/tablesdb/{databaseId}/tables/{tableId}/rows/{rowId}';
    expect(ok(row, route, '/tablesdb/d/tables/t/rows/r')).toEqual([]);
    expect(ok({ ...row, $sequence: 1 }, route, '/tablesdb/d/tables/t/rows/r').join('\n')).toMatch(/\$sequence/);
  });
  it('checks error bodies: shape, code equal to status, known type of that status', () => {
    const base = { method: 'GET', route: '/users/{userId}', path: '/users/u1', client: false } as const;
    expect(validateResponse({ ...base, status: 404, body: { message: 'm', code: 404, type: 'user_not_found', version: '1.9.6' } })).toEqual([]);
    expect(validateResponse({ ...base, status: 404, body: { message: 'm', code: 400, type: 'user_not_found', version: '1.9.6' } })).not.toEqual([]);
    expect(validateResponse({ ...base, status: 400, body: { message: 'm', code: 400, type: 'user_not_found', version: '1.9.6' } })).not.toEqual([]);
    expect(validateResponse({ ...base, status: 400, body: { message: 'm', code: 400, type: 'made_up', version: '1.9.6' } })).not.toEqual([]);
    expect(validateResponse({ ...base, status: 400, body: { error: 'x' } })).not.toEqual([]);
  });
  it('reports an undocumented route or status', () => {
    expect(validateResponse({ method: 'GET', route: '/nope', path: '/nope', status: 200, body: {}, client: false })).not.toEqual([]);
    expect(validateResponse({ method: 'GET', route: '/users/{userId}', path: '/users/u1', status: 201, body: user, client: false })).not.toEqual([]);
  });
});
