/**
 * The back office after the shift: the manager logs out (`POST /auth/logout`); the admin signs in
 * with email and password on the back-office PC (`POST /auth/login`) and on their phone (web SDK
 * `account.createEmailPasswordSession`), reads the shift's audit trail (`GET /audit`, filtered
 * to the store from the till's creation on, paged with the cursor), checks it holds what
 * happened, exports it (`GET /audit/export?format=csv`, written to `.data/`), and logs out all
 * devices (`DELETE /auth/sessions?scope=all`): both JWTs are refused afterwards.
 * @module
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DemoFailure } from './errors.js';
import { check, expectAnswer } from './http.js';
import type { Shift } from './shift.js';

interface AuditEntry {
  seq: number;
  occurredAt: string;
  action: string;
  outcome: string;
  reason?: string;
  actor: { id: string };
  approver?: { id: string };
  target?: { type: string; id: string };
  terminalId?: string;
}

/** The manager ends their own session; their JWT is refused afterwards. */
export async function managerLogsOut(s: Shift): Promise<void> {
  const jwt = s.manager.jwt!;
  expectAnswer('manager logs out', await s.gw.request('POST', '/api/v1/auth/logout', { jwt }), 204);
  expectAnswer('manager logs out: JWT refused', await s.gw.request('GET', '/api/v1/auth/me', { jwt }), 401);
  s.report.ok('manager logs out', `${s.manager.name}'s session ended; their JWT now gets 401`);
}

/** What the trail must show: at least this many entries per action (`terminal.switched` only in the full shift). */
function expectedActions(s: Shift): Record<string, number> {
  const pinLogins = 2 + (s.options.short ? 0 : 1);
  return {
    'terminal.created': 1,
    'terminal.enrolled': 1,
    'staff.pin_login': pinLogins,
    'staff.pin_login_failed': 6,
    'staff.pin_locked': 1,
    'staff.pin_unlocked': 1,
    'approval.granted': 1,
    'sale.refunded': 1,
    'terminal.locked': s.ledger.locks,
    ...(s.options.short ? {} : { 'terminal.switched': 1 }),
  };
}

/** Admin sign-in on two devices, the audit trail read and exported, then "log out all devices". */
export async function backOffice(s: Shift): Promise<void> {
  const admin = s.admin;
  type Login = { jwt: string; role: { name: string } | null };
  const pc = expectAnswer('admin signs in', await s.gw.request<Login>('POST', '/api/v1/auth/login', { body: { email: admin.email, password: admin.password } }), 200);
  check('admin signs in', pc.role?.name === 'admin', `expected the admin role, got ${pc.role?.name ?? 'none'}`);
  const phone = await s.phone.signInWithPassword('admin signs in on a phone', admin.email, admin.password);
  expectAnswer('admin signs in on a phone', await s.gw.request('GET', '/api/v1/auth/me', { jwt: phone.jwt }), 200);
  s.report.ok('admin signs in', `${admin.name}: back office (POST /auth/login) and phone (web SDK createEmailPasswordSession + createJWT)`);

  const trail = await readTrail(s, pc.jwt);
  const exported = await exportTrail(s, pc.jwt, trail.since, trail.entries.length);
  s.ledger.audit = { since: trail.since, entries: trail.entries.length, byAction: trail.byAction, exportFile: exported.file, exportRows: exported.rows };

  const step = 'log out all devices';
  const revoked = expectAnswer(step, await s.gw.request<{ revoked: number }>('DELETE', '/api/v1/auth/sessions?scope=all', { jwt: pc.jwt }), 200);
  check(step, revoked.revoked >= 2, `${revoked.revoked} sessions ended; the admin had at least 2 (PC and phone)`);
  for (const [device, jwt] of [['back office', pc.jwt], ['phone', phone.jwt]] as const) {
    expectAnswer(`${step}: ${device} JWT refused`, await s.gw.request('GET', '/api/v1/auth/me', { jwt }), 401);
  }
  s.ledger.loggedOutDevices = revoked.revoked;
  s.report.ok(step, `${revoked.revoked} sessions of ${admin.name} ended (DELETE /auth/sessions?scope=all); PC and phone JWTs now get 401`);
}

async function readTrail(s: Shift, jwt: string): Promise<{ since: string; entries: AuditEntry[]; byAction: Record<string, number> }> {
  const step = 'audit trail read';
  const tillId = s.terminal!.id;
  const anchor = expectAnswer(step, await s.gw.request<{ entries: AuditEntry[] }>('GET', `/api/v1/audit?terminal=${tillId}&action=terminal.created&limit=1`, { jwt }), 200).entries[0];
  if (!anchor) throw new DemoFailure(step, `no terminal.created entry for the till ${tillId}`);
  const entries: AuditEntry[] = [];
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams({ store: s.logins.storeId, from: anchor.occurredAt, order: 'asc', limit: '200', ...(cursor ? { cursor } : {}) });
    const page: { entries: AuditEntry[]; nextCursor: string | null } = expectAnswer(step, await s.gw.request('GET', `/api/v1/audit?${q.toString()}`, { jwt }), 200);
    entries.push(...page.entries);
    cursor = page.nextCursor;
  } while (cursor);
  const byAction: Record<string, number> = {};
  for (const e of entries) byAction[e.action] = (byAction[e.action] ?? 0) + 1;
  for (const [action, min] of Object.entries(expectedActions(s))) {
    check(step, (byAction[action] ?? 0) >= min, `expected at least ${min} × ${action} in the trail, found ${byAction[action] ?? 0}`);
  }
  const refund = entries.find((e) => e.action === 'sale.refunded' && e.target?.id === s.ledger.refunds[0]?.saleId);
  check(step, refund?.actor.id === s.cashier.userId && refund.approver?.id === s.manager.userId, 'the sale.refunded entry does not name the cashier as actor and the manager as approver');
  check(step, !byAction['rbac.reverted'], `rbac-guard reverted ${byAction['rbac.reverted']} writes of this shift (the sales should stand)`);
  s.report.ok(step, `${entries.length} entries since the till was created (GET /audit?store=…&from=…); the refund names ${s.cashier.name} and approver ${s.manager.name}`);
  return { since: anchor.occurredAt, entries, byAction };
}

async function exportTrail(s: Shift, jwt: string, since: string, listed: number): Promise<{ file: string; rows: number }> {
  const step = 'audit trail exported';
  const q = new URLSearchParams({ format: 'csv', store: s.logins.storeId, from: since, order: 'asc' });
  const res = await s.gw.request('GET', `/api/v1/audit/export?${q.toString()}`, { jwt });
  expectAnswer(step, res, 200);
  const lines = res.text.trim().split('\n');
  check(step, lines[0]?.startsWith('seq,occurredAt,action') === true, `the export does not start with the CSV header: ${lines[0]?.slice(0, 80) ?? ''}`);
  const rows = lines.length - 1;
  check(step, rows >= listed && rows > 0, `the export has ${rows} rows, the list had ${listed} entries`);
  mkdirSync(s.options.exportDir, { recursive: true });
  const file = join(s.options.exportDir, `demo-shift-${s.terminal!.id}.csv`);
  writeFileSync(file, res.text, { mode: 0o600 });
  chmodSync(file, 0o600);
  s.report.ok(step, `${rows} rows as CSV (GET /audit/export) → ${relative(process.cwd(), file) || file}`);
  return { file: relative(process.cwd(), file) || file, rows };
}
