/**
 * Terminals and PIN login end to end, the way the POS drives it: enroll a terminal, log in with
 * a PIN, exchange the token for a session with the real `appwrite` web SDK, create a JWT, call
 * the gateway as that cashier. Lockout and refusals have distinct codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPin } from '../../infra/staff/credentials.js';
import { openBrowser, uninstallWindow } from '../support/web-sdk.js';
import { startTestGateway, type StaffLogin, type TestGateway } from '../support/gateway.js';

let t: TestGateway;
let managerJwt: string;
let cashier: StaffLogin;
const PIN = '4826';
type Err = { error: { code: string } };

async function enrolledTerminal(name = 'Till'): Promise<{ id: string; auth: string }> {
  const created = await t.request<{ terminalId: string; enrollmentCode: string }>('POST', '/api/v1/terminals', { jwt: managerJwt, body: { storeId: 'store-a', name } });
  expect(created.status).toBe(201);
  const enrolled = await t.request<{ terminalId: string; secret: string }>('POST', '/api/v1/terminals/enroll', { body: { code: created.body.enrollmentCode, deviceInfo: 'test till' } });
  expect(enrolled.status).toBe(200);
  return { id: enrolled.body.terminalId, auth: `Terminal ${enrolled.body.terminalId}:${enrolled.body.secret}` };
}

beforeAll(async () => {
  t = await startTestGateway();
  managerJwt = await t.login(await t.createStaff({ role: 'manager', storeId: 'store-a' }));
  cashier = await t.createStaff({ role: 'cashier', storeId: 'store-a' });
  const pins = t.gateway.services.pins!;
  await setPin(t.admin, 'pos', pins.hasher, { userId: cashier.userId, storeId: 'store-a', pin: PIN, pepper: pins.pepper, cost: 4 });
});
afterAll(async () => {
  uninstallWindow();
  await t.stop();
});

describe('terminals and PIN login', () => {
  it('enrolls a terminal, logs a cashier in by PIN, and the web SDK turns it into a session and a JWT the gateway accepts', async () => {
    const till = await enrolledTerminal();
    const res = await t.request<{ userId: string; secret: string; role: { name: string }; permissions: string[]; terminalPolicy: { idleLockMinutes: number } }>('POST', '/api/v1/auth/pin-login', { headers: { authorization: till.auth }, body: { pin: PIN } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ userId: cashier.userId, role: { name: 'cashier' }, terminalPolicy: { idleLockMinutes: 5 } });
    expect(res.body.secret).toMatch(/^[0-9a-f]{64}$/);
    const browser = openBrowser(t.emu.endpoint, t.emu.projectId);
    await browser.account.createSession({ userId: res.body.userId, secret: res.body.secret });
    const { jwt } = await browser.account.createJWT();
    const me = await t.request<{ user: { id: string }; permissions: string[] }>('GET', '/api/v1/auth/me', { jwt });
    expect([me.status, me.body.user.id]).toEqual([200, cashier.userId]);
    expect(me.body.permissions).toContain('sales:create');
    // The token secret is single use.
    await expect(browser.account.createSession({ userId: res.body.userId, secret: res.body.secret })).rejects.toMatchObject({ code: 401 });
  });

  it('refuses with distinct codes: never-enrolled terminal, disabled terminal, reused enrollment code, wrong PIN', async () => {
    const pending = await t.request<{ terminalId: string; enrollmentCode: string }>('POST', '/api/v1/terminals', { jwt: managerJwt, body: { storeId: 'store-a', name: 'Pending' } });
    const notEnrolled = await t.request<Err>('POST', '/api/v1/auth/pin-login', { headers: { authorization: `Terminal ${pending.body.terminalId}:${'x'.repeat(43)}` }, body: { pin: PIN } });
    expect([notEnrolled.status, notEnrolled.body.error.code]).toEqual([401, 'TERMINAL_NOT_ENROLLED']);
    const first = await t.request('POST', '/api/v1/terminals/enroll', { body: { code: pending.body.enrollmentCode } });
    expect(first.status).toBe(200);
    const reused = await t.request<Err>('POST', '/api/v1/terminals/enroll', { body: { code: pending.body.enrollmentCode } });
    expect([reused.status, reused.body.error.code]).toEqual([400, 'ENROLLMENT_CODE_INVALID']);

    const till = await enrolledTerminal('To disable');
    expect((await t.request('PUT', `/api/v1/terminals/${till.id}/status`, { jwt: managerJwt, body: { status: 'disabled' } })).status).toBe(200);
    const disabled = await t.request<Err>('POST', '/api/v1/auth/pin-login', { headers: { authorization: till.auth }, body: { pin: PIN } });
    expect([disabled.status, disabled.body.error.code]).toEqual([403, 'TERMINAL_DISABLED']);

    const other = await enrolledTerminal('Other');
    const wrong = await t.request<Err>('POST', '/api/v1/auth/pin-login', { headers: { authorization: other.auth }, body: { pin: '7391' } });
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'PIN_INVALID']);
    const forged = await t.request<Err>('POST', '/api/v1/auth/pin-login', { headers: { authorization: `Terminal ${other.id}:${'y'.repeat(43)}` }, body: { pin: PIN } });
    expect([forged.status, forged.body.error.code]).toEqual([401, 'TERMINAL_UNAUTHENTICATED']);
  });

  it('locks a staff member after 5 wrong PINs from several terminals: at most 5 evaluated, then the right PIN is refused', async () => {
    const staff = await t.createStaff({ role: 'cashier', storeId: 'store-a' });
    const pins = t.gateway.services.pins!;
    await setPin(t.admin, 'pos', pins.hasher, { userId: staff.userId, storeId: 'store-a', pin: '583920', pepper: pins.pepper, cost: 4 });
    const tills = [await enrolledTerminal('L1'), await enrolledTerminal('L2'), await enrolledTerminal('L3')];
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => t.request<Err>('POST', '/api/v1/auth/pin-login', { headers: { authorization: tills[i % 3]!.auth }, body: { staffId: staff.userId, pin: String(100000 + i) } })));
    const evaluated = answers.filter((a) => a.body.error.code === 'PIN_INVALID').length;
    expect(evaluated).toBeLessThanOrEqual(5);
    expect(answers.filter((a) => a.body.error.code === 'PIN_LOCKED').length).toBe(100 - evaluated);
    const right = await t.request<Err>('POST', '/api/v1/auth/pin-login', { headers: { authorization: tills[0]!.auth }, body: { staffId: staff.userId, pin: '583920' } });
    expect([right.status, right.body.error.code]).toEqual([429, 'PIN_LOCKED']);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    await t.restart();
    const afterRestart = await t.request<Err>('POST', '/api/v1/auth/pin-login', { headers: { authorization: tills[1]!.auth }, body: { staffId: staff.userId, pin: '583920' } });
    expect(afterRestart.body.error.code).toBe('PIN_LOCKED');
  });

  it('renames a terminal and rotates its credential: the old secret stops working', async () => {
    const till = await enrolledTerminal('Old name');
    const renamed = await t.request<{ name: string }>('PATCH', `/api/v1/terminals/${till.id}`, { jwt: managerJwt, body: { name: 'Front till', lockAfterSale: true } });
    expect([renamed.status, renamed.body.name]).toEqual([200, 'Front till']);
    expect((await t.request('POST', '/api/v1/auth/pin-login', { headers: { authorization: till.auth }, body: { pin: PIN } })).status).toBe(200);
    const rotated = await t.request<{ secret: string }>('POST', `/api/v1/terminals/${till.id}/rotate`, { jwt: managerJwt });
    expect(rotated.status).toBe(200);
    const old = await t.request<Err>('POST', '/api/v1/auth/pin-login', { headers: { authorization: till.auth }, body: { pin: PIN } });
    expect(old.body.error.code).toBe('TERMINAL_UNAUTHENTICATED');
    const fresh = await t.request<{ terminalPolicy: { lockAfterSale: boolean } }>('POST', '/api/v1/auth/pin-login', { headers: { authorization: `Terminal ${till.id}:${rotated.body.secret}` }, body: { pin: PIN } });
    expect([fresh.status, fresh.body.terminalPolicy.lockAfterSale]).toEqual([200, true]);
  });

  it('never writes a PIN into a log line, an audit entry or an error', async () => {
    const [rows] = await t.db.pool.query<import('mysql2').RowDataPacket[]>('SELECT entry FROM audit_log');
    const haystack = JSON.stringify(rows) + t.logs.join('');
    for (const pin of [PIN, '583920', '7391', '100000', '100099']) expect(haystack.includes(`"${pin}"`), pin).toBe(false);
  });

  it('records who is signed in on which till and ends the previous operator on a quick switch', async () => {
    const till = await enrolledTerminal('Switch');
    const second = await t.createStaff({ role: 'cashier', storeId: 'store-a' });
    const pins = t.gateway.services.pins!;
    await setPin(t.admin, 'pos', pins.hasher, { userId: second.userId, storeId: 'store-a', pin: '640271', pepper: pins.pepper, cost: 4 });
    const first = await t.request<{ userId: string; secret: string }>('POST', '/api/v1/auth/pin-login', { headers: { authorization: till.auth }, body: { pin: PIN } });
    expect(first.status).toBe(200);
    const browser = openBrowser(t.emu.endpoint, t.emu.projectId);
    await browser.account.createSession({ userId: first.body.userId, secret: first.body.secret });
    const { jwt: firstJwt } = await browser.account.createJWT();
    // Verified once, so the gateway has it cached.
    expect((await t.request('GET', '/api/v1/auth/me', { jwt: firstJwt })).status).toBe(200);
    expect((await t.request('POST', '/api/v1/auth/pin-login', { headers: { authorization: till.auth }, body: { pin: '640271' } })).status).toBe(200);
    // The previous operator's JWT is refused on the very next request, and their session is gone.
    const stale = await t.request<Err>('GET', '/api/v1/auth/me', { jwt: firstJwt });
    expect([stale.status, stale.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect((await t.admin.users.listSessions({ userId: cashier.userId })).total).toBe(0);
    const { Query } = await import('node-appwrite');
    const rows = await t.admin.tablesDB.listRows({ databaseId: 'pos', tableId: 'terminal_sessions', queries: [Query.equal('terminalId', till.id), Query.orderAsc('startedAt')] });
    expect(rows.rows.map((r) => [(r as unknown as { userId: string }).userId, (r as unknown as { endReason: string | null }).endReason])).toEqual([[cashier.userId, 'switch'], [second.userId, null]]);
  });
});
