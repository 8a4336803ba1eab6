/**
 * Manager override: a cashier's refund is refused, then done with a manager's approval token
 * from the same till; the audit entry names both; replay, another sale, a larger amount and a
 * cashier "approver" are refused with distinct codes.
 */
import type { RowDataPacket } from 'mysql2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPin } from '../../infra/staff/credentials.js';
import { startTestGateway, type StaffLogin, type TestGateway } from '../support/gateway.js';

let t: TestGateway;
let manager: StaffLogin;
let cashier: StaffLogin;
let cashierJwt: string;
let terminalHeader: string;
type Err = { error: { code: string } };

async function sale(id: string, totalMinor = 2000) {
  await t.admin.tablesDB.createRow({ databaseId: 'pos', tableId: 'sales', rowId: id, data: { storeId: 'store-a', terminalId: 't', staffId: cashier.userId, totalMinor, currency: 'EUR', status: 'completed', occurredAt: new Date().toISOString() } });
}
const approve = (body: Record<string, unknown>, jwt = cashierJwt) => t.request<Err & { approvalToken: string }>('POST', '/api/v1/approvals', { jwt, headers: { 'x-terminal': terminalHeader }, body });
const refund = (id: string, token?: string, amountMinor?: number) => t.request<Err & { status: string; approvedBy: string }>('POST', `/api/v1/sales/${id}/refund`, { jwt: cashierJwt, headers: { 'x-terminal': terminalHeader, ...(token ? { 'x-approval-token': token } : {}) }, ...(amountMinor === undefined ? {} : { body: { amountMinor } }) });

beforeAll(async () => {
  t = await startTestGateway();
  manager = await t.createStaff({ role: 'manager', storeId: 'store-a' });
  cashier = await t.createStaff({ role: 'cashier', storeId: 'store-a' });
  const other = await t.createStaff({ role: 'cashier', storeId: 'store-a' });
  const pins = t.gateway.services.pins!;
  await setPin(t.admin, 'pos', pins.hasher, { userId: manager.userId, storeId: 'store-a', pin: '847261', pepper: pins.pepper, cost: 4 });
  await setPin(t.admin, 'pos', pins.hasher, { userId: other.userId, storeId: 'store-a', pin: '350814', pepper: pins.pepper, cost: 4 });
  const managerJwt = await t.login(manager);
  cashierJwt = await t.login(cashier);
  const created = await t.request<{ enrollmentCode: string }>('POST', '/api/v1/terminals', { jwt: managerJwt, body: { storeId: 'store-a', name: 'Till' } });
  const enrolled = await t.request<{ terminalId: string; secret: string }>('POST', '/api/v1/terminals/enroll', { body: { code: created.body.enrollmentCode } });
  terminalHeader = `${enrolled.body.terminalId}:${enrolled.body.secret}`;
});
afterAll(async () => t.stop());

describe('manager override', () => {
  it('refuses a cashier\'s refund, then performs it with a manager\'s approval and audits both names', async () => {
    await sale('s1');
    const refused = await refund('s1');
    expect([refused.status, refused.body.error.code]).toEqual([403, 'INSUFFICIENT_PERMISSIONS']);
    const approval = await approve({ managerPin: '847261', action: 'sales:refund', resourceId: 's1', amountLimit: 2000 });
    expect(approval.status).toBe(201);
    const done = await refund('s1', approval.body.approvalToken);
    expect([done.status, done.body.status, done.body.approvedBy]).toEqual([200, 'refunded', manager.userId]);
    const [rows] = await t.db.pool.query<RowDataPacket[]>("SELECT actor_id, approver_id FROM audit_log WHERE action = 'sale.refunded'");
    expect(rows.map((r) => [r.actor_id, r.approver_id])).toEqual([[cashier.userId, manager.userId]]);
  });

  it('refuses a replayed token, another sale, a larger amount and a cashier as approver, with distinct codes', async () => {
    await sale('s2');
    await sale('s3');
    const a = await approve({ managerPin: '847261', action: 'sales:refund', resourceId: 's2', amountLimit: 500 });
    const other = await refund('s3', a.body.approvalToken);
    expect(other.body.error.code).toBe('APPROVAL_MISMATCH');
    const larger = await refund('s2', a.body.approvalToken, 900);
    expect(larger.body.error.code).toBe('APPROVAL_AMOUNT_EXCEEDED');
    expect((await refund('s2', a.body.approvalToken, 500)).status).toBe(200);
    await sale('s4');
    const replay = await refund('s2', a.body.approvalToken, 500);
    expect([replay.status, replay.body.error.code]).toEqual([409, 'APPROVAL_USED']);
    const b = await approve({ managerPin: '847261', action: 'sales:refund', resourceId: 's4' });
    expect((await refund('s4', b.body.approvalToken)).status).toBe(200);
    const replay2 = await refund('s4', b.body.approvalToken);
    expect(replay2.body.error.code).toBe('APPROVAL_USED');
    const byCashier = await approve({ managerPin: '350814', action: 'sales:refund', resourceId: 's3' });
    expect([byCashier.status, byCashier.body.error.code]).toEqual([403, 'APPROVER_NOT_PERMITTED']);
    const bogus = await refund('s3', 'not-a-real-token-at-all');
    expect(bogus.body.error.code).toBe('APPROVAL_INVALID');
  });

  it('consumes an approval once even under concurrent use', async () => {
    await sale('s5');
    const a = await approve({ managerPin: '847261', action: 'sales:void', resourceId: 's5' });
    const answers = await Promise.all(Array.from({ length: 5 }, () => t.request<Err>('POST', '/api/v1/sales/s5/void', { jwt: cashierJwt, headers: { 'x-terminal': terminalHeader, 'x-approval-token': a.body.approvalToken } })));
    expect(answers.filter((x) => x.status === 200)).toHaveLength(1);
  });
});
