/**
 * The pin-login Appwrite Function, called by the POS with `functions.createExecution` through
 * the real web SDK: same answer as the gateway route, same refusals.
 */
import { Client, Functions } from 'appwrite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPin } from '../../infra/staff/credentials.js';
import { registerEmbeddedFunctions } from '../../scripts/embedded-functions.js';
import { startTestGateway, type StaffLogin, type TestGateway } from '../support/gateway.js';

let t: TestGateway;
let cashier: StaffLogin;
let terminal: string;
let functions: Functions;

beforeAll(async () => {
  t = await startTestGateway();
  registerEmbeddedFunctions(t.emu.emulator, { MARIADB_URL: t.db.url, REDIS_URL: t.redis.url, REDIS_KEY_PREFIX: t.redis.prefix, PIN_PEPPER: t.config.PIN_PEPPER!, PIN_BCRYPT_COST: '4', AUDIT_CHECKPOINT_KEY: t.config.AUDIT_CHECKPOINT_KEY!, LOG_LEVEL: 'silent' });
  const managerJwt = await t.login(await t.createStaff({ role: 'manager', storeId: 'store-a' }));
  cashier = await t.createStaff({ role: 'cashier', storeId: 'store-a' });
  const pins = t.gateway.services.pins!;
  await setPin(t.admin, 'pos', pins.hasher, { userId: cashier.userId, storeId: 'store-a', pin: '619274', pepper: pins.pepper, cost: 4 });
  const created = await t.request<{ enrollmentCode: string }>('POST', '/api/v1/terminals', { jwt: managerJwt, body: { storeId: 'store-a', name: 'Till' } });
  const enrolled = await t.request<{ terminalId: string; secret: string }>('POST', '/api/v1/terminals/enroll', { body: { code: created.body.enrollmentCode } });
  terminal = `${enrolled.body.terminalId}:${enrolled.body.secret}`;
  functions = new Functions(new Client().setEndpoint(t.emu.endpoint).setProject(t.emu.projectId));
});
afterAll(async () => t.stop());

const execute = async (body: unknown) => {
  const ex = await functions.createExecution({ functionId: 'pin-login', body: JSON.stringify(body), async: false });
  return { status: ex.responseStatusCode, body: JSON.parse(ex.responseBody) as Record<string, unknown> & { error?: { code: string } } };
};

describe('pin-login function', () => {
  it('returns an Appwrite token for the right PIN on an enrolled terminal', async () => {
    const r = await execute({ terminal, pin: '619274' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ userId: cashier.userId, role: { name: 'cashier' } });
    expect(String(r.body.secret)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a wrong PIN, a forged terminal and a malformed body in the error envelope', async () => {
    expect((await execute({ terminal, pin: '000111' })).body.error?.code).toBe('PIN_INVALID');
    expect((await execute({ terminal: `${terminal.split(':')[0]}:${'z'.repeat(43)}`, pin: '619274' })).body.error?.code).toBe('TERMINAL_UNAUTHENTICATED');
    const bad = await execute({ pin: 'abc' });
    expect([bad.status, bad.body.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
  });
});
