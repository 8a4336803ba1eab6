/**
 * The gateway's OpenAPI document (generated from the route schemas) is valid OpenAPI 3.1 and
 * lists every route with its request schemas, success responses and error responses; bulk
 * creation and export work as documented.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

let t: TestGateway;
let doc: { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown; parameters?: unknown[]; 'x-tillgate-access'?: string }>> };
beforeAll(async () => {
  t = await startTestGateway();
  doc = (await t.request<typeof doc>('GET', '/api/openapi.json')).body;
});
afterAll(async () => t.stop());

describe('OpenAPI document', () => {
  it('validates as OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as unknown as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('documents every route with an access rule, a success response and error responses', () => {
    const ops = Object.entries(doc.paths).flatMap(([path, m]) => Object.entries(m).map(([method, op]) => ({ path, method, op })));
    expect(ops.length).toBeGreaterThanOrEqual(20);
    for (const { path, method, op } of ops) {
      const codes = Object.keys(op.responses);
      expect(op['x-tillgate-access'], `${method} ${path}`).toBeTruthy();
      expect(codes.some((c) => c.startsWith('2')), `${method} ${path} success`).toBe(true);
      expect(codes, `${method} ${path} errors`).toEqual(expect.arrayContaining(['400', '500']));
      if (op['x-tillgate-access'] !== 'public') expect(codes, `${method} ${path}`).toContain('401');
      // Action endpoints (logout, repair, unlock, lock, rotate) take no body; every other write documents one.
      if (['post', 'put', 'patch'].includes(method) && !/\/(logout|repair|unlock|lock|rotate)$/.test(path)) expect(op.requestBody, `${method} ${path} body`).toBeDefined();
    }
  });

  it('serves interactive docs', async () => {
    const res = await fetch(`${t.gateway.url}/api/docs`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('/api/openapi.json');
  });
});

describe('users/bulk and users/export', () => {
  it('creates each valid item and reports each failure', async () => {
    const admin = await t.createStaff({ role: 'admin', storeId: 'store-a' });
    const jwt = await t.login(admin);
    const res = await t.request<{ created: number; failed: number; results: { ok: boolean; error?: { code: string } }[] }>('POST', '/api/v1/users/bulk', {
      jwt,
      body: { users: [
        { email: 'bulk1@example.com', name: 'Bulk 1', role: 'cashier', storeId: 'store-a' },
        { email: 'bulk1@example.com', name: 'Bulk dup', role: 'cashier', storeId: 'store-a' },
        { email: 'bulk3@example.com', name: 'Bulk 3', role: 'superadmin', storeId: 'store-a' },
        { email: 'bulk4@example.com', name: 'Bulk 4', role: 'nosuchrole', storeId: 'store-a' },
      ] },
    });
    expect(res.status).toBe(200);
    expect([res.body.created, res.body.failed]).toEqual([1, 3]);
    expect(res.body.results.map((r) => r.error?.code ?? 'ok')).toEqual(['ok', 'CONFLICT', 'FORBIDDEN', 'VALIDATION_FAILED']);
    const tooMany = await t.request('POST', '/api/v1/users/bulk', { jwt, body: { users: Array.from({ length: 501 }, (_, i) => ({ email: `m${i}@example.com`, name: 'x', role: 'cashier', storeId: 'store-a' })) } });
    expect(tooMany.status).toBe(400);

    const csv = await fetch(`${t.gateway.url}/api/v1/users/export?format=csv`, { headers: { authorization: `Bearer ${jwt}` } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe('id,email,name,role,storeId,active,lastLoginAt,createdAt');
    expect(lines.some((l) => l.includes('bulk1@example.com'))).toBe(true);
    const json = await fetch(`${t.gateway.url}/api/v1/users/export?format=json`, { headers: { authorization: `Bearer ${jwt}` } });
    const rows = (await json.json()) as { email: string }[];
    expect(rows.length).toBe(lines.length - 1);
  });
});
