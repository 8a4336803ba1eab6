/**
 * At the till: PIN login (`POST /auth/pin-login` with the till's credential) → the web SDK
 * exchanges the returned token for an Appwrite session and a JWT → `GET /auth/me`; sales written
 * with the web SDK (`tablesDB.createRow` on `sales`); a refund the cashier may not do alone
 * (403 INSUFFICIENT_PERMISSIONS), then done with a manager's PIN on the same till
 * (`POST /approvals` → single-use token, 60 s → `POST /sales/{id}/refund` with
 * `X-Approval-Token`), and the used token refused on replay (409 APPROVAL_USED).
 * @module
 */
import type { Product } from './device.js';
import { check, errorCode, expectAnswer } from './http.js';
import { money, type Person, type Shift } from './shift.js';

/** A PIN login's answer (gateway/routes/pin-login.ts). */
export interface PinLoginBody {
  userId: string;
  secret: string;
  expire: string;
  role: { name: string };
  permissions: string[];
}

/** An operator signed in on the till: who, and the JWT their session gave. */
export interface OnTill {
  person: Person;
  jwt: string;
  sessionId: string;
}

/**
 * Logs `person` in on the till with their PIN, turns the token into a session and a JWT with the
 * web SDK, and checks the gateway knows them (`GET /auth/me`).
 * @param label the step's name in the output.
 * @param onLocked when given and the PIN is locked (429 PIN_LOCKED), called once (to clear the
 *   lock) before one more attempt.
 */
export async function pinSignIn(s: Shift, person: Person, label: string, detail = '', onLocked?: () => Promise<void>): Promise<OnTill> {
  const login = () => s.gw.request<PinLoginBody>('POST', '/api/v1/auth/pin-login', { terminal: s.terminal!.credential, body: { pin: person.pin } });
  let answer = await login();
  if (onLocked && answer.status === 429 && errorCode(answer) === 'PIN_LOCKED') {
    await onLocked();
    answer = await login();
  }
  const body = expectAnswer(label, answer, 200);
  check(label, body.userId === person.userId && /^[0-9a-f]{64}$/.test(body.secret), `the PIN login answered for ${body.userId} or without a 64-hex token`);
  const session = await s.till.signInWithToken(label, body.userId, body.secret);
  const me = expectAnswer(label, await s.gw.request<{ user: { id: string }; role: { name: string }; permissions: string[] }>('GET', '/api/v1/auth/me', { jwt: session.jwt }), 200);
  check(label, me.user.id === person.userId, `GET /auth/me answered for ${me.user.id}`);
  if (s.ledger.operators.at(-1) !== person.name) s.ledger.operators.push(person.name);
  s.report.ok(label, `${person.name}: PIN → token → account.createSession → account.createJWT → /auth/me (${me.role.name}, ${me.permissions.length} permissions)${detail}`);
  if (session.signedOutPrevious) s.report.info(`the till first signed the previous operator out (account.deleteSession('current'))`);
  return { person, jwt: session.jwt, sessionId: session.sessionId };
}

/** Reads the store (name, currency) and its products with the operator's web SDK session. */
export async function loadCatalogue(s: Shift): Promise<Product[]> {
  const step = 'till loads the catalogue';
  const store = await s.till.getStore(step, s.options.databaseId, s.logins.storeId);
  s.ledger.storeName = store.name;
  s.ledger.currency = store.currency;
  const products = await s.till.listProducts(step, s.options.databaseId, s.logins.storeId);
  check(step, products.length >= 3, `the demo store has ${products.length} active products; expected the seeded ones`);
  s.report.ok(step, `${store.name} (${store.currency}): ${products.length} products via tablesDB.listRows`);
  return products;
}

/**
 * Rings up one basket as `op`: the sale row is written with the web SDK and read back.
 * @returns the sale's row id.
 */
export async function ringUp(s: Shift, op: OnTill, basket: Product[]): Promise<string> {
  const step = 'sale recorded';
  const totalMinor = basket.reduce((t, p) => t + p.priceMinor, 0);
  const row = await s.till.createSale(step, { databaseId: s.options.databaseId, storeId: s.logins.storeId, terminalId: s.terminal!.id, staffId: op.person.userId, totalMinor, currency: s.ledger.currency });
  const back = await s.till.getSale(step, s.options.databaseId, row.$id);
  check(step, Number(back.totalMinor) === totalMinor && back.status === 'completed', `the sale reads back as ${String(back.status)} ${String(back.totalMinor)}`);
  s.ledger.sales.push({ id: row.$id, operator: op.person.name, items: basket.map((p) => p.name), totalMinor });
  s.report.ok(step, `${row.$id}  ${money(totalMinor, s.ledger.currency)}  ${basket.map((p) => p.name).join(' + ')}  (tablesDB.createRow by ${op.person.name})`);
  return row.$id;
}

/** The refund refused without approval, then approved by the manager's PIN on this till. */
export async function refundWithOverride(s: Shift, op: OnTill, saleId: string): Promise<void> {
  const sale = s.ledger.sales.find((x) => x.id === saleId)!;
  const till = { 'x-terminal': s.terminal!.credential };
  const refused = await s.gw.request('POST', `/api/v1/sales/${saleId}/refund`, { jwt: op.jwt, headers: till });
  expectAnswer('refund refused', refused, 403, 'INSUFFICIENT_PERMISSIONS');
  s.ledger.refusals.push(`refund of ${saleId} by ${op.person.name} without approval: 403 INSUFFICIENT_PERMISSIONS`);
  s.report.ok('refund refused', `${op.person.name} may not refund alone: 403 INSUFFICIENT_PERMISSIONS`);

  const step = 'manager override';
  const approval = expectAnswer(step, await s.gw.request<{ approvalToken: string; expiresAt: string; approverId: string }>('POST', '/api/v1/approvals', { jwt: op.jwt, headers: till, body: { managerPin: s.manager.pin, action: 'sales:refund', resourceId: saleId, amountLimit: sale.totalMinor } }), 201);
  check(step, approval.approverId === s.manager.userId, `the approval names ${approval.approverId}, not ${s.manager.name}`);
  s.report.ok(step, `${s.manager.name} types their PIN on the till → single-use approval (up to ${money(sale.totalMinor, s.ledger.currency)}, until ${approval.expiresAt.slice(11, 19)})`);

  const done = expectAnswer('refund approved', await s.gw.request<{ status: string; refundId: string | null; approvedBy: string | null }>('POST', `/api/v1/sales/${saleId}/refund`, { jwt: op.jwt, headers: { ...till, 'x-approval-token': approval.approvalToken } }), 200);
  check('refund approved', done.status === 'refunded' && done.approvedBy === s.manager.userId, `the refund answered ${done.status}, approved by ${String(done.approvedBy)}`);
  s.ledger.refunds.push({ saleId, refundId: done.refundId, amountMinor: sale.totalMinor, operator: op.person.name, approver: s.manager.name });
  s.report.ok('refund approved', `${saleId} refunded (${money(-sale.totalMinor, s.ledger.currency)}) by ${op.person.name}, approved by ${s.manager.name}`);

  const replay = await s.gw.request('POST', `/api/v1/sales/${saleId}/refund`, { jwt: op.jwt, headers: { ...till, 'x-approval-token': approval.approvalToken } });
  expectAnswer('approval used once', replay, 409, 'APPROVAL_USED');
  s.report.ok('approval used once', 'the same token again: 409 APPROVAL_USED');
}
