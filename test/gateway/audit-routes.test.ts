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

type Page = { entries: { seq: number; action: string; actor: { id: string } }[]; nextCursor: string | null };

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
    const superJwt = await t.login(await t.createStaff({ role: 'superadmin', storeId: 'store-a' }));
    const res = await t.request<{ ok: boolean; checkedEntries: number }>('GET', '/api/v1/audit/verify', { jwt: superJwt });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect(res.body.checkedEntries).toBeGreaterThan(5);
  });

  it('refuses readers without audit:read and bad filters', async () => {
    const cashierJwt = await t.login(await t.createStaff({ role: 'cashier', storeId: 'store-a' }));
    expect((await t.request('GET', '/api/v1/audit', { jwt: cashierJwt })).status).toBe(403);
    expect((await t.request('GET', '/api/v1/audit?from=yesterday', { jwt: adminJwt })).status).toBe(400);
    expect((await t.request('GET', '/api/v1/audit?cursor=abc', { jwt: adminJwt })).status).toBe(400);
  });
});
