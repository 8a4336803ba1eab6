/**
 * Issue 10 item 2, faults: Redis (a private `redis-server` child process, no persistence) is
 * killed while the gateway runs. Password login and PIN login must fail closed with 503
 * DEPENDENCY_UNAVAILABLE in the envelope (never 200, never a password or PIN evaluated without
 * its lockout counter: a wrong password is 503 too, not 401), and no Appwrite session or token is
 * created meanwhile. When Redis is back on the same port both logins work again within seconds,
 * without restarting the gateway, and revocation (the epoch channel) works again.
 * Redis runs without persistence here, so counters start empty after the restart; production
 * runs it with `--appendonly yes` (docker-compose.yml).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../core/errors.js';
import { setPin } from '../../infra/staff/credentials.js';
import { startTestGateway, type StaffLogin, type TestGateway } from '../support/gateway.js';
import { startOwnRedis, type OwnRedis } from '../support/redis-server.js';
import { reportCounts } from './support/counts.js';
import { envelopeProblems, waitFor } from './support/stack.js';

const PIN = '583920';
let redis: OwnRedis;
let t: TestGateway;
let manager: StaffLogin;
let cashier: StaffLogin;
let till: string;

type Answer = { status: number; headers: Headers; body: Record<string, unknown> };
const code = (a: Answer) => (a.body.error as { code?: string } | undefined)?.code;
const envelopeOk = (a: Answer) => envelopeProblems(a.status, a.headers.get('content-type') ?? undefined, JSON.stringify(a.body), a.headers.get('x-request-id') ?? undefined, ERROR_CODES);

beforeAll(async () => {
  redis = await startOwnRedis();
  t = await startTestGateway({ REDIS_URL: redis.url });
  manager = await t.createStaff({ role: 'manager', storeId: 'store-a' });
  cashier = await t.createStaff({ role: 'cashier', storeId: 'store-a' });
  const pins = t.gateway.services.pins!;
  await setPin(t.admin, 'pos', pins.hasher, { userId: cashier.userId, storeId: 'store-a', pin: PIN, pepper: pins.pepper, cost: 4 });
  const jwt = await t.login(manager);
  const created = await t.request<{ enrollmentCode: string }>('POST', '/api/v1/terminals', { jwt, body: { storeId: 'store-a', name: 'Till' } });
  const enrolled = await t.request<{ terminalId: string; secret: string }>('POST', '/api/v1/terminals/enroll', { body: { code: created.body.enrollmentCode } });
  till = `Terminal ${enrolled.body.terminalId}:${enrolled.body.secret}`;
}, 120_000);

afterAll(async () => {
  await t?.stop();
  await redis?.stop();
});

const passwordLogin = (password = manager.password) => t.request('POST', '/api/v1/auth/login', { body: { email: manager.email, password } }) as Promise<Answer>;
const pinLogin = (pin = PIN) => t.request('POST', '/api/v1/auth/pin-login', { headers: { authorization: till }, body: { pin } }) as Promise<Answer>;

describe('Redis outage', () => {
  it('fails closed with 503 for password and PIN logins, then recovers without a gateway restart', async (ctx) => {
    expect((await passwordLogin()).status).toBe(200);
    expect((await pinLogin()).status).toBe(200);
    const gatewayBefore = t.gateway;
    const state = t.emu.emulator.state;

    await redis.stop('SIGKILL');
    const sessionsBefore = state.sessions.size;
    const tokensBefore = state.tokens.size;
    const during: Answer[] = [];
    for (let i = 0; i < 10; i++) {
      during.push(await passwordLogin(), await passwordLogin('wrong-password-123'), await pinLogin(), await pinLogin('000000'));
    }
    const summary = during.map((a) => `${a.status} ${code(a)}`);
    expect(new Set(summary)).toEqual(new Set(['503 DEPENDENCY_UNAVAILABLE']));
    for (const a of during) {
      expect(envelopeOk(a)).toEqual([]);
      expect(Number(a.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // Nothing was granted while the lockout could not be counted.
    expect([state.sessions.size, state.tokens.size]).toEqual([sessionsBefore, tokensBefore]);
    const ready = await fetch(`${t.gateway.url}/health/ready`);
    expect(ready.status).toBe(503);

    const restarted = Date.now();
    await redis.start();
    const recoveryMs = await waitFor('password login after Redis restart', async () => (await passwordLogin()).status === 200, 20_000, 100);
    expect((await pinLogin()).status).toBe(200);
    const pinRecoveryMs = Date.now() - restarted;
    expect(t.gateway).toBe(gatewayBefore);
    expect((await fetch(`${t.gateway.url}/health/ready`)).status).toBe(200);

    // Revocation works again: logout bumps the epoch, the JWT is refused at once.
    const jwt = await t.login(manager);
    expect((await t.request('GET', '/api/v1/auth/me', { jwt })).status).toBe(200);
    expect((await t.request('POST', '/api/v1/auth/logout', { jwt })).status).toBe(204);
    const after = (await t.request('GET', '/api/v1/auth/me', { jwt })) as Answer;
    expect([after.status, code(after)]).toEqual([401, 'UNAUTHENTICATED']);

    reportCounts(ctx, { faultsInjected: 1, requestsDuringFault: during.length, refusedFailClosed: during.filter((a) => a.status === 503).length, redisRecoveryMs: recoveryMs, redisPinRecoveryMs: pinRecoveryMs });
  });
});
