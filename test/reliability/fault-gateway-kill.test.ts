/**
 * Issue 10 item 2, faults: the gateway (a child process) is killed with SIGKILL in the middle of a
 * load of reads and PIN logins and started again on the same port. Security state lives in Redis
 * and Appwrite, not in the process, so nothing resets:
 * - a staff member locked by wrong PINs stays locked, and a half-used failure budget continues
 *   where it was (3 failures before the crash + 2 after = locked);
 * - a password lockout stays;
 * - an approval used before the crash stays used (replay → 409 APPROVAL_USED), an unused one
 *   works exactly once after it.
 * Every PIN login acknowledged before the crash has its audit entry, the audit chain verifies,
 * and after the restart the load runs without errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPin } from '../../infra/staff/credentials.js';
import { createPinHasher } from '../../infra/pin-hasher.js';
import { verifyAuditChain } from '../../infra/audit/verify.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { reportCounts } from './support/counts.js';
import { call, CHECKPOINT_KEY, enrollTerminal, loginAt, rows, sleep, startGatewayStack, TEST_PEPPER, waitFor, type GatewayStack, type StaffAccount } from './support/stack.js';

let s: GatewayStack;
let gw: GatewayProcess;
let base: string;
const PINS = { lockedA: '583920', halfB: '640271', manager: '847261' };
const staff = {} as Record<'admin' | 'manager' | 'cashier' | 'lockedA' | 'halfB' | 'passwordC', StaffAccount>;
const tills = {} as Record<'a' | 'b' | 'approvals', { id: string; secret: string; auth: string }>;
/** A till serves one login at a time: each PIN worker has its own till and staff member. */
const PIN_WORKERS = 8;
const pinTills: { auth: string; pin: string }[] = [];

beforeAll(async () => {
  s = await startGatewayStack({}, { inProcess: false });
  gw = await startGatewayProcess(s.env);
  base = gw.url;
  for (const [k, role] of [['admin', 'admin'], ['manager', 'manager'], ['cashier', 'cashier'], ['lockedA', 'cashier'], ['halfB', 'cashier'], ['passwordC', 'manager']] as const) staff[k] = await s.createStaff(role);
  const hasher = createPinHasher({ cost: 4, threads: 1 });
  for (const k of ['lockedA', 'halfB', 'manager'] as const) await setPin(s.admin, 'pos', hasher, { userId: staff[k].userId, storeId: 'store-a', pin: PINS[k], pepper: TEST_PEPPER, cost: 4 });
  const managerJwt = await loginAt(base, staff.manager);
  for (const k of ['a', 'b', 'approvals'] as const) tills[k] = await enrollTerminal(base, managerJwt, `Till ${k}`);
  for (let i = 0; i < PIN_WORKERS; i++) {
    const loader = await s.createStaff('cashier');
    const pin = String(310000 + i * 7919);
    await setPin(s.admin, 'pos', hasher, { userId: loader.userId, storeId: 'store-a', pin, pepper: TEST_PEPPER, cost: 4 });
    pinTills.push({ auth: (await enrollTerminal(base, managerJwt, `Load till ${i}`)).auth, pin });
  }
  await hasher.close();
  for (const id of ['s1', 's2']) {
    await s.admin.tablesDB.createRow({ databaseId: 'pos', tableId: 'sales', rowId: id, data: { storeId: 'store-a', terminalId: tills.approvals.id, staffId: staff.cashier.userId, totalMinor: 2000, currency: 'EUR', status: 'completed', occurredAt: new Date().toISOString() } });
  }
}, 180_000);

afterAll(async () => {
  await gw?.kill('SIGTERM');
  await s?.stop();
});

type Answer = { status: number; body: Record<string, unknown>; headers: Headers };
const code = (a: Answer) => (a.body.error as { code?: string } | undefined)?.code;
const pinLogin = (till: { auth: string }, pin: string, staffId?: string) => call(base, 'POST', '/api/v1/auth/pin-login', { headers: { authorization: till.auth }, body: staffId ? { pin, staffId } : { pin } });

describe('gateway killed with SIGKILL mid-load', () => {
  it('keeps lockouts and single-use approvals across the crash and serves the load again after the restart', async (ctx) => {
    // Security state before the crash.
    for (let i = 0; i < 5; i++) await pinLogin(tills.a, String(100000 + i), staff.lockedA.userId);
    expect(code(await pinLogin(tills.a, PINS.lockedA, staff.lockedA.userId))).toBe('PIN_LOCKED');
    for (let i = 0; i < 3; i++) expect(code(await pinLogin(tills.b, String(200000 + i), staff.halfB.userId))).toBe('PIN_INVALID');
    for (let i = 0; i < 5; i++) await call(base, 'POST', '/api/v1/auth/login', { body: { email: staff.passwordC.email, password: `wrong-password-${i}` } });
    expect(code(await call(base, 'POST', '/api/v1/auth/login', { body: { email: staff.passwordC.email, password: staff.passwordC.password } }))).toBe('ACCOUNT_LOCKED');
    const cashierJwt = await loginAt(base, staff.cashier);
    const xTerminal = { 'x-terminal': `${tills.approvals.id}:${tills.approvals.secret}` };
    const approve = async (sale: string) => (await call<{ approvalToken: string }>(base, 'POST', '/api/v1/approvals', { jwt: cashierJwt, headers: xTerminal, body: { managerPin: PINS.manager, action: 'sales:refund', resourceId: sale } })).body.approvalToken;
    const refund = (sale: string, token: string) => call(base, 'POST', `/api/v1/sales/${sale}/refund`, { jwt: cashierJwt, headers: { ...xTerminal, 'x-approval-token': token } });
    const used = await approve('s1');
    const unused = await approve('s2');
    expect((await refund('s1', used)).status).toBe(200);

    // Load: 40 workers, 8 of them logging in by PIN on their own till; SIGKILL after 2 s, restart at once.
    const readerJwt = await loginAt(base, staff.manager);
    const answers: { started: number; ended: number; status: number; requestId: string | null; pin: boolean; error?: string }[] = [];
    let stop = false;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const pin = w < PIN_WORKERS;
        const started = Date.now();
        try {
          const a = pin ? await pinLogin(pinTills[w]!, pinTills[w]!.pin) : await call(base, 'GET', i % 2 ? '/api/v1/auth/me' : `/api/v1/users/${staff.cashier.userId}`, { jwt: readerJwt });
          answers.push({ started, ended: Date.now(), status: a.status, requestId: a.headers.get('x-request-id'), pin });
        } catch (e) {
          const cause = (e as Error).cause as NodeJS.ErrnoException | undefined;
          answers.push({ started, ended: Date.now(), status: 0, requestId: null, pin, error: cause?.code ?? 'socket error' });
          await sleep(50);
        }
      }
    };
    const workers = Array.from({ length: 40 }, (_, w) => worker(w));
    await sleep(2000);
    const killedAt = Date.now();
    const killedPid = gw.pid;
    await gw.kill('SIGKILL');
    await gw.start();
    expect(gw.pid).not.toBe(killedPid);
    expect(gw.url).toBe(base);
    await waitFor('the restarted gateway to be ready', async () => (await call(base, 'GET', '/health/ready')).status === 200, 30_000, 100);
    const readyAt = Date.now();
    await sleep(3000);
    stop = true;
    await Promise.all(workers);

    // Before the crash and once the new process is ready: every request answered 200. Around the
    // crash: in-flight requests lose their connection (expected), but nothing answers 5xx.
    const before = answers.filter((a) => a.ended < killedAt);
    const after = answers.filter((a) => a.started > readyAt);
    const around = answers.filter((a) => a.ended >= killedAt && a.started <= readyAt);
    expect(before.length).toBeGreaterThan(50);
    expect(before.filter((a) => a.status !== 200)).toEqual([]);
    expect(after.length).toBeGreaterThan(50);
    expect(after.filter((a) => a.status !== 200)).toEqual([]);
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);

    // Nothing reset by the crash.
    expect(code(await pinLogin(tills.a, PINS.lockedA, staff.lockedA.userId))).toBe('PIN_LOCKED');
    expect(code(await pinLogin(tills.b, '200003', staff.halfB.userId))).toBe('PIN_INVALID');
    const fifth = await pinLogin(tills.b, '200004', staff.halfB.userId);
    expect(['PIN_INVALID', 'PIN_LOCKED']).toContain(code(fifth));
    expect(code(await pinLogin(tills.b, PINS.halfB, staff.halfB.userId))).toBe('PIN_LOCKED');
    expect(code(await call(base, 'POST', '/api/v1/auth/login', { body: { email: staff.passwordC.email, password: staff.passwordC.password } }))).toBe('ACCOUNT_LOCKED');
    const replay = await refund('s1', used);
    expect([replay.status, code(replay)]).toEqual([409, 'APPROVAL_USED']);
    expect((await refund('s2', unused)).status).toBe(200);
    expect(code(await refund('s2', unused))).toBe('APPROVAL_USED');

    // Every PIN login acknowledged (before, during or after the crash) is in the audit log; the chain holds.
    const acknowledged = answers.filter((a) => a.pin && a.status === 200 && a.requestId).map((a) => a.requestId!);
    const logged = new Set((await rows(s.db.pool, "SELECT request_id FROM audit_log WHERE action = 'staff.pin_login'")).map((r) => String(r.request_id)));
    expect(acknowledged.filter((id) => !logged.has(id))).toEqual([]);
    const chain = await verifyAuditChain({ pool: s.db.pool, checkpointKey: CHECKPOINT_KEY });
    expect(chain.ok).toBe(true);

    reportCounts(ctx, {
      faultsInjected: 1,
      loadRequests: answers.length,
      socketErrorsDuringCrash: around.filter((a) => a.status === 0).length,
      gatewayRestartMs: readyAt - killedAt,
      auditEntriesChecked: acknowledged.length,
      securityStatesChecked: 6,
    });
  });
});
