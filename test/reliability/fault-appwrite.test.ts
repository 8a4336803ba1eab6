/**
 * Issue 10 item 2, faults: Appwrite (the embedded emulator) stops listening while the gateway
 * runs; its state stays, like a real Appwrite that restarts on its database. Every call that needs
 * Appwrite answers 503 UPSTREAM_UNAVAILABLE in the envelope, never 500 and never 401 for a valid
 * but not yet verified JWT (an outage is not the caller's fault), and /health/ready reports it.
 * When Appwrite is back on the same port, everything works again without a gateway restart, and
 * the audit entries written meanwhile reach the Appwrite console copy (`audit_logs`): none lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../core/errors.js';
import { setPin } from '../../infra/staff/credentials.js';
import { createPinHasher } from '../../infra/pin-hasher.js';
import { reportCounts } from './support/counts.js';
import { call, enrollTerminal, envelopeProblems, loginAt, rows, startGatewayStack, TEST_PEPPER, waitFor, type GatewayStack, type StaffAccount } from './support/stack.js';

const PIN = '583920';
let s: GatewayStack;
let base: string;
let manager: StaffAccount;
let cashier: StaffAccount;
let till: { id: string; auth: string };

beforeAll(async () => {
  s = await startGatewayStack();
  base = s.gateway!.url;
  manager = await s.createStaff('manager');
  cashier = await s.createStaff('cashier');
  const hasher = createPinHasher({ cost: 4, threads: 1 });
  await setPin(s.admin, 'pos', hasher, { userId: cashier.userId, storeId: 'store-a', pin: PIN, pepper: TEST_PEPPER, cost: 4 });
  await hasher.close();
  till = await enrollTerminal(base, await loginAt(base, manager), 'Till');
}, 120_000);

afterAll(async () => s?.stop());

describe('Appwrite outage', () => {
  it('answers 503 UPSTREAM_UNAVAILABLE while Appwrite is down and recovers when it returns on the same port', async (ctx) => {
    const warmJwt = await loginAt(base, manager);
    expect((await call(base, 'GET', '/api/v1/auth/me', { jwt: warmJwt })).status).toBe(200);
    // A JWT the gateway has never seen: during the outage it cannot be verified.
    const session = await s.admin.users.createSession({ userId: manager.userId });
    const { jwt: coldJwt } = await s.admin.users.createJWT({ userId: manager.userId, sessionId: session.$id });
    expect(coldJwt).not.toBe(warmJwt);

    const cashierJwt = await loginAt(base, cashier);
    expect((await call(base, 'GET', '/api/v1/auth/me', { jwt: cashierJwt })).status).toBe(200);
    const auditCount = async () => Number((await rows(s.db.pool, 'SELECT COUNT(*) AS n FROM audit_log'))[0]!.n);
    await waitFor('the audit console copy to drain', async () => Number((await rows(s.db.pool, 'SELECT COUNT(*) AS n FROM audit_console_outbox'))[0]!.n) === 0, 60_000, 250);
    const entriesBefore = await auditCount();

    await s.emu.down();
    // Refusals are still decided (cached identity) and audited while Appwrite is away.
    for (let i = 0; i < 5; i++) {
      const denied = await call(base, 'GET', '/api/v1/audit', { jwt: cashierJwt });
      expect(denied.status).toBe(403);
    }
    const entriesDuring = (await auditCount()) - entriesBefore;
    expect(entriesDuring).toBeGreaterThanOrEqual(5);
    const probes: [string, () => Promise<{ status: number; headers: Headers; body: Record<string, unknown> }>][] = [
      ['password login', () => call(base, 'POST', '/api/v1/auth/login', { body: { email: manager.email, password: manager.password } })],
      ['PIN login', () => call(base, 'POST', '/api/v1/auth/pin-login', { headers: { authorization: till.auth }, body: { pin: PIN } })],
      ['unverified JWT', () => call(base, 'GET', '/api/v1/auth/me', { jwt: coldJwt })],
      ['users list', () => call(base, 'GET', '/api/v1/users?limit=10', { jwt: warmJwt })],
      ['user by id', () => call(base, 'GET', `/api/v1/users/${cashier.userId}`, { jwt: warmJwt })],
      ['terminal create', () => call(base, 'POST', '/api/v1/terminals', { jwt: warmJwt, body: { storeId: 'store-a', name: 'During outage' } })],
    ];
    const seen: string[] = [];
    let requests = 0;
    for (let round = 0; round < 3; round++) {
      for (const [what, probe] of probes) {
        const a = await probe();
        requests++;
        const c = (a.body.error as { code?: string } | undefined)?.code;
        seen.push(`${what}: ${a.status} ${c}`);
        expect(envelopeProblems(a.status, a.headers.get('content-type') ?? undefined, JSON.stringify(a.body), a.headers.get('x-request-id') ?? undefined, ERROR_CODES), what).toEqual([]);
      }
    }
    expect(new Set(seen)).toEqual(new Set(probes.map(([what]) => `${what}: 503 UPSTREAM_UNAVAILABLE`)));
    const ready = await call<{ checks: Record<string, { status: string }> }>(base, 'GET', '/health/ready');
    expect([ready.status, ready.body.checks.appwrite?.status]).toEqual([503, 'down']);

    const back = Date.now();
    await s.emu.up();
    const recoveryMs = await waitFor('password login after Appwrite is back', async () => (await call(base, 'POST', '/api/v1/auth/login', { body: { email: manager.email, password: manager.password } })).status === 200, 20_000, 100);
    expect((await call(base, 'POST', '/api/v1/auth/pin-login', { headers: { authorization: till.auth }, body: { pin: PIN } })).status).toBe(200);
    expect((await call(base, 'GET', '/api/v1/auth/me', { jwt: coldJwt })).status).toBe(200);
    expect((await call(base, 'GET', `/api/v1/users/${cashier.userId}`, { jwt: warmJwt })).status).toBe(200);
    expect((await call(base, 'GET', '/health/ready')).status).toBe(200);
    const fullRecoveryMs = Date.now() - back;

    // The console copy catches up: every audit entry, those of the outage too, reaches Appwrite's audit_logs table.
    const entries = await auditCount();
    const copyMs = await waitFor('the audit console copy to drain', async () => Number((await rows(s.db.pool, 'SELECT COUNT(*) AS n FROM audit_console_outbox'))[0]!.n) === 0, 120_000, 250);
    const ids = new Set((await rows(s.db.pool, 'SELECT id FROM audit_log')).map((r) => String(r.id)));
    const copied = [...s.emu.emulator.state.databases.get('pos')!.tables.get('audit_logs')!.rows.keys()];
    expect(ids.size).toBeGreaterThanOrEqual(entries);
    expect([...ids].filter((id) => !copied.includes(id))).toEqual([]);

    reportCounts(ctx, { faultsInjected: 1, requestsDuringFault: requests + 5, appwriteRecoveryMs: recoveryMs, appwriteFullRecoveryMs: fullRecoveryMs, auditEntriesChecked: ids.size, auditEntriesDuringFault: entriesDuring, consoleCopyCatchUpMs: copyMs });
  });
});
