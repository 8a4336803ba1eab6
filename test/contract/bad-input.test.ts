/**
 * Hostile and malformed requests get Appwrite's 4xx error bodies, never a 500, and the emulator
 * keeps serving (the contract harness also fails on any unexpected error).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../emulator/app.js';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
  await emu.tablesDB.create({ databaseId: 'pos', name: 'POS' });
  await emu.tablesDB.createTable({ databaseId: 'pos', tableId: 't', name: 'T' });
  await emu.tablesDB.createIntegerColumn({ databaseId: 'pos', tableId: 't', key: 'n', required: false });
});
afterAll(async () => emu.stop());

async function call(method: string, path: string, init: { body?: string; headers?: Record<string, string>; key?: boolean } = {}) {
  const res = await fetch(`${emu.endpoint}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      'x-appwrite-project': emu.projectId,
      ...(init.key === false ? {} : { 'x-appwrite-key': emu.apiKey }),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  return { status: res.status, body: (await res.json()) as { type?: string; code?: number; message?: string } };
}

const q = (s: string) => `queries[0]=${encodeURIComponent(s)}`;

describe('bad input', () => {
  it.each([
    ['malformed JSON', 'POST', '/users', { body: '{"userId": "a",' }, 400, 'general_argument_invalid'],
    ['a JSON array body', 'POST', '/users', { body: '[1,2]' }, 400, 'general_argument_invalid'],
    ['a JSON string body', 'POST', '/users', { body: '"x"' }, 400, 'general_argument_invalid'],
    ['an oversized body', 'POST', '/users', { body: JSON.stringify({ userId: 'big', name: 'x'.repeat(MAX_BODY_BYTES) }) }, 400, 'general_argument_invalid'],
    ['an id with illegal characters', 'POST', '/users', { body: JSON.stringify({ userId: 'bad id!', email: 'x@example.com' }) }, 400, 'general_argument_invalid'],
    ['an id of 37 characters', 'POST', '/users', { body: JSON.stringify({ userId: 'a'.repeat(37), email: 'y@example.com' }) }, 400, 'general_argument_invalid'],
    ['an id starting with a special char', 'POST', '/tablesdb/pos/tables/t/rows', { body: JSON.stringify({ rowId: '_x', data: { n: 1 } }) }, 400, 'general_argument_invalid'],
    ['a wrong value type', 'POST', '/tablesdb/pos/tables/t/rows', { body: JSON.stringify({ rowId: 'r1', data: { n: 'one' } }) }, 400, 'row_invalid_structure'],
    ['data that is not an object', 'POST', '/tablesdb/pos/tables/t/rows', { body: JSON.stringify({ rowId: 'r2', data: 'nope' }) }, 400, 'general_argument_invalid'],
    ['an unknown query method', 'GET', `/tablesdb/pos/tables/t/rows?${q(JSON.stringify({ method: 'explode', attribute: 'n', values: [1] }))}`, {}, 400, 'general_query_invalid'],
    ['a query that is not JSON', 'GET', `/users?${q('equal("name", "x")')}`, {}, 400, 'general_query_invalid'],
    ['a query on an unknown attribute', 'GET', `/tablesdb/pos/tables/t/rows?${q(JSON.stringify({ method: 'equal', attribute: 'ghost', values: [1] }))}`, {}, 400, 'general_query_invalid'],
    ['a limit that is not a number', 'GET', `/users?${q(JSON.stringify({ method: 'limit', values: ['ten'] }))}`, {}, 400, 'general_query_invalid'],
    ['an unknown route', 'GET', '/nowhere', {}, 404, 'general_route_not_found'],
    ['a missing project header', 'GET', '/users', { headers: { 'x-appwrite-project': '' } }, 403, 'project_id_missing'],
    ['an unknown project', 'GET', '/users', { headers: { 'x-appwrite-project': 'other' } }, 404, 'project_not_found'],
    ['a malformed JWT', 'GET', '/account', { key: false, headers: { 'x-appwrite-jwt': 'not.a.jwt' } }, 401, 'user_jwt_invalid'],
    ['a malformed fallback cookie', 'GET', '/account', { key: false, headers: { 'x-fallback-cookies': '{oops' } }, 401, 'general_unauthorized_scope'],
  ] as const)('%s → %s %s', async (_name, method, path, init, status, type) => {
    const res = await call(method, path, init);
    expect(res.status).toBe(status);
    expect(res.body.type).toBe(type);
    expect(res.body.code).toBe(status);
  });

  it('keeps serving after a burst of garbage', async () => {
    await Promise.all(Array.from({ length: 50 }, (_, i) => call('POST', '/users', { body: '{'.repeat(i + 1) })));
    const ok = await call('GET', '/users');
    expect(ok.status).toBe(200);
  });
});
