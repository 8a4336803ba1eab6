/**
 * Reading the audit log through the gateway: filters and cursor pagination, streamed CSV and
 * JSON Lines exports, chain verification; every read is itself audited naming the reader.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type StaffLogin, type TestGateway } from '../support/gateway.js';

let t: TestGateway;
let admin: StaffLogin;
let adminJwt: string;

beforeAll(async () => {
  t = await startTestGateway();
  admin = await t.createStaff({ role: 'admin', storeId: 'store-a' });
  adminJwt = await t.login(admin);
  for (let i = 0; i < 4; i++) await t.request('POST', '/api/v1/auth/login', { body: { email: 'nobody@example.com', password: `x${i}` } });
});
afterAll(async () => t.stop());

type Page = { entries: { seq: number; action: string; actor: { id: string }; storeId?: string }[]; nextCursor: string | null };

describe('audit log reading', () => {
  it('filters by action prefix and pages newest first without gaps or repeats', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: Page } = await t.request('GET', `/api/v1/audit?action=auth.&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { jwt: adminJwt });
      expect(res.status).toBe(200);
      expect(res.body.entries.every((e) => e.action.startsWith('auth.'))).toBe(true);
      seen.push(...res.body.entries.map((e) => e.seq));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen.length).toBeGreaterThanOrEqual(5);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('records every read and export, naming the reader', async () => {
    await t.request('GET', '/api/v1/audit?outcome=failure', { jwt: adminJwt });
    const csv = await fetch(`${t.gateway.url}/api/v1/audit/export?format=csv&action=auth.`, { headers: { authorization: `Bearer ${adminJwt}` } });
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toMatch(/^seq,occurredAt,action,outcome/);
    expect(lines.length).toBeGreaterThan(5);
    const jsonl = await fetch(`${t.gateway.url}/api/v1/audit/export?format=jsonl&action=auth.login_failed`, { headers: { authorization: `Bearer ${adminJwt}` } });
    const rows = (await jsonl.text()).trim().split('\n').map((l) => JSON.parse(l) as { action: string });
    expect(rows.length).toBe(4);
    const reads = await t.request<Page>('GET', `/api/v1/audit?action=audit.&actor=${admin.userId}&limit=50`, { jwt: adminJwt });
    const actions = reads.body.entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['audit.read', 'audit.exported']));
    expect(reads.body.entries.every((e) => e.actor.id === admin.userId)).toBe(true);
  });

  it('verifies the chain and records the verification', async () => {
    const superadmin = await t.createStaff({ role: 'superadmin', storeId: 'store-a' });
    const superJwt = await t.login(superadmin);
    const res = await t.request<{ ok: boolean; checkedEntries: number }>('GET', '/api/v1/audit/verify', { jwt: superJwt });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect(res.body.checkedEntries).toBeGreaterThan(5);
    const recorded = await t.request<Page>('GET', `/api/v1/audit?action=audit.verified&actor=${superadmin.userId}`, { jwt: adminJwt });
    expect(recorded.body.entries).toHaveLength(1);
  });

  it('shows a store-scoped reader only their store\'s entries, and pages oldest first on request', async () => {
    const appender = t.gateway.services.audit!;
    for (const storeId of ['store-a', 'store-b', 'store-b']) await appender.append({ action: 'sale.voided', outcome: 'success', reason: 'test', actor: { type: 'system', id: 'seed' }, storeId });
    const role = await t.request('POST', '/api/v1/roles', { jwt: adminJwt, body: { name: 'store-auditor', title: 'Store auditor', level: 30, permissions: ['audit:read', 'audit:export'] } });
    expect(role.status).toBe(201);
    const created = await t.request('POST', '/api/v1/users', { jwt: adminJwt, body: { email: 'auditor-b@example.com', name: 'Auditor B', role: 'store-auditor', storeId: 'store-b', password: 'auditor password 12' } });
    expect(created.status).toBe(201);
    const jwt = await t.login({ email: 'auditor-b@example.com', password: 'auditor password 12' });
    const mine = await t.request<Page>('GET', '/api/v1/audit?action=sale.voided', { jwt });
    expect(mine.body.entries.map((e) => e.storeId)).toEqual(['store-b', 'store-b']);
    expect((await t.request<Page>('GET', '/api/v1/audit?store=store-a', { jwt })).body.entries).toEqual([]);
    const everything = await t.request<Page>('GET', '/api/v1/audit?limit=200', { jwt });
    expect(everything.body.entries.length).toBeGreaterThan(0);
    expect(everything.body.entries.every((e) => e.storeId === 'store-b')).toBe(true);
    const exported = await fetch(`${t.gateway.url}/api/v1/audit/export?format=jsonl`, { headers: { authorization: `Bearer ${jwt}` } });
    const lines = (await exported.text()).trim().split('\n').map((l) => JSON.parse(l) as { storeId?: string });
    expect(lines.every((e) => e.storeId === 'store-b')).toBe(true);
    const asc = await t.request<Page>('GET', '/api/v1/audit?order=asc&limit=3', { jwt: adminJwt });
    expect(asc.body.entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    const next = await t.request<Page>(`GET`, `/api/v1/audit?order=asc&limit=3&cursor=${asc.body.nextCursor!}`, { jwt: adminJwt });
    expect(next.body.entries.map((e) => e.seq)).toEqual([4, 5, 6]);
  });

  it('streams an empty export as just the CSV header', async () => {
    const res = await fetch(`${t.gateway.url}/api/v1/audit/export?format=csv&actor=nobody-at-all`, { headers: { authorization: `Bearer ${adminJwt}` } });
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await res.text()).trim()).toBe('seq,occurredAt,action,outcome,reason,actorType,actorId,actorRole,approverId,targetType,targetId,storeId,terminalId,ip,requestId,hash');
  });

  it('refuses readers without audit:read and bad filters', async () => {
    const cashierJwt = await t.login(await t.createStaff({ role: 'cashier', storeId: 'store-a' }));
    expect((await t.request('GET', '/api/v1/audit', { jwt: cashierJwt })).status).toBe(403);
    expect((await t.request('GET', '/api/v1/audit?from=yesterday', { jwt: adminJwt })).status).toBe(400);
    expect((await t.request('GET', '/api/v1/audit?cursor=abc', { jwt: adminJwt })).status).toBe(400);
    expect((await t.request('GET', '/api/v1/audit?limit=201', { jwt: adminJwt })).status).toBe(400);
    expect((await t.request('GET', '/api/v1/audit?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z', { jwt: adminJwt })).status).toBe(400);
    expect((await t.request('GET', '/api/v1/audit?order=sideways', { jwt: adminJwt })).status).toBe(400);
    expect((await t.request('GET', '/api/v1/audit/export?format=xml', { jwt: adminJwt })).status).toBe(400);
    const managerJwt = await t.login(await t.createStaff({ role: 'manager', storeId: 'store-a' }));
    expect((await t.request('GET', '/api/v1/audit/verify', { jwt: managerJwt })).status).toBe(403);
  });
});
