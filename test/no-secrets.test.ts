/**
 * No PIN, password, token, JWT or secret in any audit row or log line (issue 7, PCI DSS v4 10.3,
 * OWASP ASVS 5.0 V16.2.5). A gateway run with the `audit` function registered exercises login
 * failures and successes, terminal enrollment, PIN changes, PIN logins (wrong and right), the
 * token → session → JWT exchange and audit reads, exports and verification; then every row of
 * the audit tables (MariaDB and the Appwrite console copy), every gateway log line and every
 * function execution log is scanned for each credential used.
 */
import type { RowDataPacket } from 'mysql2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../functions/definitions.js';
import { createAuditFunctionEntry } from '../functions/audit/main.js';
import { createConsoleCopy } from '../infra/audit/console-copy.js';
import { createLogger } from '../infra/logger.js';
import { startTestGateway, type StaffLogin, type TestGateway } from './support/gateway.js';
import { openBrowser, uninstallWindow } from './support/web-sdk.js';

let t: TestGateway;
/** Every credential the run used; none may appear anywhere. */
const secrets = new Set<string>();
/** PINs are short digit strings: they must not appear as a token of their own (hex hashes and ids may contain the digits). */
const pins = new Set<string>();
const use = (s: string) => (secrets.add(s), s);
const usePin = (p: string) => (pins.add(p), p);

beforeAll(async () => {
  t = await startTestGateway({ LOG_LEVEL: 'debug' });
  const def = FUNCTIONS.find((f) => f.$id === 'audit')!;
  t.emu.emulator.functions.register({
    $id: 'audit',
    events: [...def.events],
    scopes: [...def.scopes],
    variables: { MARIADB_URL: t.db.url, AUDIT_CHECKPOINT_KEY: t.config.AUDIT_CHECKPOINT_KEY!, LOG_LEVEL: 'debug' },
    handler: createAuditFunctionEntry({ poolSize: 2 }),
  });
  use(t.config.PIN_PEPPER!);
  use(t.config.AUDIT_CHECKPOINT_KEY!);
  use(t.emu.apiKey);
}, 60_000);
afterAll(async () => {
  uninstallWindow();
  await t.emu.emulator.functions.idle();
  await t.stop();
});

async function exercise(): Promise<void> {
  const staff = async (role: string): Promise<StaffLogin> => {
    const s = await t.createStaff({ role, storeId: 'store-a', password: use(`Pw-${role}-${Math.random().toString(36).slice(2)}-Zq9`) });
    return s;
  };
  const superadmin = await staff('superadmin');
  const manager = await staff('manager');
  const cashier = await staff('cashier');
  const admin = await staff('admin');

  // Password logins: unknown user, wrong password, then success.
  await t.request('POST', '/api/v1/auth/login', { body: { email: 'ghost@example.com', password: use('Ghost-Password-8812-Xy') } });
  expect((await t.request('POST', '/api/v1/auth/login', { body: { email: manager.email, password: use('Wrong-Password-5521-Qv') } })).status).toBe(401);
  const managerJwt = use(await t.login(manager));
  const superJwt = use(await t.login(superadmin));
  const adminJwt = use(await t.login(admin));

  // A terminal: enrollment code and terminal secret.
  const created = await t.request<{ terminalId: string; enrollmentCode: string }>('POST', '/api/v1/terminals', { jwt: managerJwt, body: { storeId: 'store-a', name: 'Till 1' } });
  expect(created.status).toBe(201);
  use(created.body.enrollmentCode);
  const enrolled = await t.request<{ terminalId: string; secret: string }>('POST', '/api/v1/terminals/enroll', { body: { code: created.body.enrollmentCode, deviceInfo: 'till' } });
  expect(enrolled.status).toBe(200);
  const till = `Terminal ${enrolled.body.terminalId}:${use(enrolled.body.secret)}`;

  // PINs: set by the manager, changed by the cashier with the current PIN, a wrong current PIN.
  expect((await t.request('PUT', `/api/v1/users/${cashier.userId}/pin`, { jwt: managerJwt, body: { pin: usePin('730418') } })).status).toBe(204);
  expect((await t.request('POST', '/api/v1/auth/pin-login', { headers: { authorization: till }, body: { pin: usePin('291846') } })).status).toBe(401);
  const pinLogin = await t.request<{ userId: string; secret: string }>('POST', '/api/v1/auth/pin-login', { headers: { authorization: till }, body: { pin: '730418' } });
  expect(pinLogin.status).toBe(200);
  use(pinLogin.body.secret);
  const browser = openBrowser(t.emu.endpoint, t.emu.projectId);
  const session = await browser.account.createSession({ userId: pinLogin.body.userId, secret: pinLogin.body.secret });
  if (session.secret) use(session.secret);
  const cashierJwt = use((await browser.account.createJWT()).jwt);
  expect((await t.request('PUT', `/api/v1/users/${cashier.userId}/pin`, { jwt: cashierJwt, body: { pin: usePin('418263'), currentPin: usePin('000019') } })).status).not.toBe(204);
  expect((await t.request('PUT', `/api/v1/users/${cashier.userId}/pin`, { jwt: cashierJwt, body: { pin: '418263', currentPin: '730418' } })).status).toBe(204);
  // The old JWT was revoked by the PIN change; a new PIN login works.
  expect((await t.request('POST', '/api/v1/auth/pin-login', { headers: { authorization: till }, body: { pin: '418263' } })).status).toBe(200);

  // A password login with the SDK (session secret in the web SDK's cookie fallback).
  const direct = await t.loginJwt(cashier.email, cashier.password);
  use(direct.jwt);

  // Audit reads, exports and verification.
  expect((await t.request('GET', '/api/v1/audit?limit=200', { jwt: adminJwt })).status).toBe(200);
  for (const format of ['csv', 'jsonl']) {
    const res = await fetch(`${t.gateway.url}/api/v1/audit/export?format=${format}`, { headers: { authorization: `Bearer ${adminJwt}` } });
    expect(res.status).toBe(200);
    const body = await res.text();
    for (const s of secrets) expect(body).not.toContain(s);
  }
  expect((await t.request('GET', '/api/v1/audit/verify', { jwt: superJwt })).status).toBe(200);
}

async function auditTablesText(): Promise<string> {
  const parts: string[] = [];
  for (const table of ['audit_log', 'audit_checkpoints', 'audit_console_outbox', 'audit_head']) {
    const [rows] = await t.db.pool.query<RowDataPacket[]>(`SELECT * FROM ${table}`);
    parts.push(...rows.map((r) => JSON.stringify(r)));
  }
  let cursor: string | undefined;
  for (;;) {
    const page = await t.admin.tablesDB.listRows({ databaseId: 'pos', tableId: 'audit_logs', queries: [`{"method":"limit","values":[100]}`, ...(cursor ? [`{"method":"cursorAfter","values":["${cursor}"]}`] : [])] });
    parts.push(...page.rows.map((r) => JSON.stringify(r)));
    if (page.rows.length < 100) break;
    cursor = page.rows[page.rows.length - 1]!.$id;
  }
  return parts.join('\n');
}

describe('no secrets anywhere', () => {
  it('finds no credential in the audit tables, the console copy, the gateway log or the function logs', { timeout: 120_000 }, async () => {
    await exercise();
    await t.emu.emulator.functions.idle();
    const copier = createConsoleCopy(t.db.pool, t.admin, 'pos', createLogger({ level: 'silent', service: 'test' }));
    while ((await copier.drainOnce()) > 0);

    const [count] = await t.db.pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n, SUM(action = ?) AS pinChanges, SUM(action LIKE ?) AS external FROM audit_log', ['staff.pin_changed', 'user.external_change']);
    expect(Number(count[0]!.n)).toBeGreaterThan(20);
    expect(Number(count[0]!.pinChanges)).toBeGreaterThanOrEqual(2);
    expect(Number(count[0]!.external)).toBeGreaterThan(0); // the audit function saw token and session events

    const execs = await t.emu.functions.listExecutions({ functionId: 'audit' });
    expect(execs.total).toBeGreaterThan(0);
    const corpora: Record<string, string> = {
      'audit tables': await auditTablesText(),
      'gateway log': t.logs.join(''),
      'function logs': execs.executions.map((x) => `${x.logs}\n${x.errors}`).join('\n'),
    };
    expect(corpora['gateway log']!.length).toBeGreaterThan(1000);
    expect(secrets.size).toBeGreaterThan(12);
    for (const [where, text] of Object.entries(corpora)) {
      for (const s of secrets) expect(text.includes(s), `${where} holds a secret (${s.slice(0, 4)}…)`).toBe(false);
      for (const p of pins) expect(new RegExp(`(?<![0-9A-Za-z])${p}(?![0-9A-Za-z])`).test(text), `${where} holds PIN ${p.slice(0, 1)}…`).toBe(false);
      expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./); // no JWT of any kind
      expect(text).not.toMatch(/\$2[aby]\$\d\d\$/); // no bcrypt hash
    }
  });
});
