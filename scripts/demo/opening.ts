/**
 * Opening the shop: the manager signs in with email and password (`POST /auth/login`), makes
 * sure the second cashier of the quick switch exists (`GET/POST /users`, created only when
 * missing) and gives them a fresh PIN (`PUT /users/{id}/pin`), then creates a new till
 * (`POST /terminals`, a 10-minute enrollment code) which the device redeems for its credential
 * (`POST /terminals/enroll`). A fresh till per run keeps the demo re-runnable: its lockout
 * counters and sessions start empty.
 * @module
 */
import { generatePin } from '../../infra/seed/demo.js';
import { DemoFailure } from './errors.js';
import { check, errorCode, expectAnswer } from './http.js';
import type { Shift } from './shift.js';

/** The second cashier the demo creates once (through the gateway) for the quick switch. */
export const SECOND_CASHIER = { email: 'cashier2@demo.tillgate.local', name: 'Demo Cashier Two' } as const;

interface LoginBody {
  jwt: string;
  staff: { userId: string; storeId: string; displayName: string } | null;
  role: { name: string } | null;
  permissions: string[];
}

/** The manager's email/password login; keeps the JWT on `s.manager`. */
export async function managerSignsIn(s: Shift): Promise<void> {
  const step = 'manager signs in';
  const body = expectAnswer(step, await s.gw.request<LoginBody>('POST', '/api/v1/auth/login', { body: { email: s.manager.email, password: s.logins.manager.password } }), 200);
  check(step, body.role?.name === 'manager' && body.staff?.storeId === s.logins.storeId, `expected a manager of ${s.logins.storeId}, got role ${body.role?.name ?? 'none'} of ${body.staff?.storeId ?? 'no store'}`);
  s.manager.jwt = body.jwt;
  s.report.ok(step, `${s.manager.name} (${s.manager.email}), email + password → JWT; ${body.permissions.length} permissions`);
}

/**
 * Finds or creates the second cashier and sets a new PIN for them (a PIN is never shown twice,
 * so each run sets its own; the gateway refuses weak, reused and taken PINs, and the demo then
 * picks another).
 */
export async function ensureSecondCashier(s: Shift): Promise<void> {
  const step = 'second cashier ready';
  const jwt = s.manager.jwt!;
  type UserList = { users: { id: string; email: string; name: string; active: boolean }[] };
  const find = async () => expectAnswer(step, await s.gw.request<UserList>('GET', `/api/v1/users?search=${encodeURIComponent(SECOND_CASHIER.email)}&storeId=${s.logins.storeId}`, { jwt }), 200).users.find((u) => u.email === SECOND_CASHIER.email);
  let user = await find();
  let created = false;
  if (!user) {
    const res = await s.gw.request<{ id: string; email: string; name: string; active: boolean }>('POST', '/api/v1/users', { jwt, body: { email: SECOND_CASHIER.email, name: SECOND_CASHIER.name, role: 'cashier', storeId: s.logins.storeId } });
    if (res.status === 409) user = await find();
    else user = expectAnswer(step, res, 201);
    created = res.status === 201;
  }
  if (!user) throw new DemoFailure(step, `${SECOND_CASHIER.email} exists but is not listed in ${s.logins.storeId}`);
  check(step, user.active, `${SECOND_CASHIER.email} is deactivated; reactivate it (PUT /api/v1/users/${user.id}/status) or delete it`);
  const taken = new Set(s.logins.knownPins);
  for (let attempt = 1; ; attempt++) {
    const pin = generatePin(taken);
    taken.add(pin);
    const res = await s.gw.request('PUT', `/api/v1/users/${user.id}/pin`, { jwt, body: { pin } });
    if (res.status === 204) {
      s.cashier2 = { userId: user.id, name: user.name, email: user.email, pin };
      break;
    }
    // Taken by someone else in the store, one of this cashier's last PINs, or refused by the store's policy.
    if (attempt < 5 && ['PIN_IN_USE', 'PIN_REUSED', 'PIN_POLICY_VIOLATION'].includes(errorCode(res) ?? '')) continue;
    expectAnswer(step, res, 204);
  }
  s.report.ok(step, `${user.name} ${created ? 'created (POST /users, PIN-only staff)' : 'already on staff'}; new PIN set by ${s.manager.name}`);
}

/** Creates a new till and enrolls it with the code (as the device would, with no user). */
export async function openTill(s: Shift): Promise<void> {
  const name = `Demo till ${new Date().toISOString().slice(11, 19)}`;
  const created = expectAnswer('till created', await s.gw.request<{ terminalId: string; enrollmentCode: string; expiresAt: string }>('POST', '/api/v1/terminals', { jwt: s.manager.jwt!, body: { storeId: s.logins.storeId, name } }), 201);
  s.report.ok('till created', `"${name}" (${created.terminalId}); enrollment code valid until ${created.expiresAt}`);
  const step = 'till enrolled';
  const enrolled = expectAnswer(step, await s.gw.request<{ terminalId: string; secret: string; policy: { idleLockMinutes: number } }>('POST', '/api/v1/terminals/enroll', { body: { code: created.enrollmentCode, deviceInfo: `tillgate demo, node ${process.version}` } }), 200);
  check(step, enrolled.terminalId === created.terminalId && enrolled.secret.length >= 32, 'the credential names another terminal or has no secret');
  s.terminal = { id: enrolled.terminalId, name, credential: `${enrolled.terminalId}:${enrolled.secret}` };
  s.ledger.till = { id: enrolled.terminalId, name };
  const again = await s.gw.request('POST', '/api/v1/terminals/enroll', { body: { code: created.enrollmentCode } });
  expectAnswer('enrollment code single use', again, 400, 'ENROLLMENT_CODE_INVALID');
  s.report.ok(step, `the device redeemed the code for its credential (shown once); the code is now refused (400 ENROLLMENT_CODE_INVALID)`);
}
