/**
 * `POST /api/v1/auth/pin-login` (terminal-authenticated, `{ pin }` or `{ staffId, pin }`):
 * HMAC lookup of the PIN in the terminal's store (one indexed query, no scan, no plaintext) →
 * atomic lockout reservation for the staff member and the terminal (never keyed by IP: tills
 * share NAT with guest Wi-Fi) → one bcrypt verification on the worker pool → Appwrite token
 * (`users.createToken`, 64 hex characters, `PIN_TOKEN_TTL_SECONDS`) that the POS exchanges with
 * `account.createSession(userId, secret)`. A previous operator's open terminal session is ended
 * (quick switch). Redis down → 503 (fail closed: the lockout is never skipped).
 * @module
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { ID, Query } from 'node-appwrite';
import { AppError } from '../../core/errors.js';
import { lockoutError, staffPinSubject, terminalPinSubject } from '../../core/pin/lockout.js';
import { pinLookupIndex } from '../../core/pin/lookup.js';
import { effectivePermissions } from '../../core/rbac/index.js';
import { toAppError } from '../../infra/appwrite.js';
import { audit, auditQuietly } from '../audit.js';
import type { GatewayEnv } from '../env.js';
import type { GatewayMetrics } from '../metrics.js';
import type { TerminalPrincipal } from '../principal.js';
import { createRouter, defineRoute, z } from '../openapi.js';
import { userServices } from './users-access.js';

const Body = z
  .object({ pin: z.string().regex(/^\d{4,8}$/, '4 to 8 digits').openapi({ format: 'password' }), staffId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$/).optional() })
  .strict()
  .openapi('PinLogin');
const Answer = z
  .object({
    userId: z.string(),
    secret: z.string().openapi({ description: 'Appwrite token secret: `account.createSession({ userId, secret })`, single use' }),
    expire: z.string(),
    staff: z.object({ userId: z.string(), storeId: z.string(), role: z.string(), displayName: z.string(), isActive: z.boolean() }),
    role: z.object({ name: z.string(), title: z.string(), level: z.number().int() }),
    permissions: z.array(z.string()),
    terminalPolicy: z.object({ idleLockMinutes: z.number().int(), lockAfterSale: z.boolean(), allowedRoles: z.array(z.string()) }),
  })
  .openapi('PinLoginResult');

const route = defineRoute({ kind: 'terminal' }, {
  method: 'post', path: '/auth/pin-login', tags: ['auth'],
  summary: 'Staff PIN login on an enrolled terminal',
  description: 'Errors: 401 PIN_INVALID; 429 PIN_LOCKED (5 consecutive failures of one staff member) or TERMINAL_LOCKED (10 failures on one terminal within 15 min), with Retry-After; 403 FORBIDDEN (role not allowed on this terminal, deactivated staff); 503 when Redis is down.',
  request: { body: { content: { 'application/json': { schema: Body } }, required: true } },
  responses: { 200: { description: 'Token for account.createSession', content: { 'application/json': { schema: Answer } } } },
});

export function pinLoginRoutes(metrics: GatewayMetrics): OpenAPIHono<GatewayEnv> {
  const app = createRouter();
  app.openapi(route, async (c) => {
    const s = userServices(c);
    const pins = c.get('services')?.pins;
    if (!pins || !s.lockout) throw new AppError('INTERNAL', 'PIN login is not configured (PIN_PEPPER).');
    const terminal = c.get('principal') as TerminalPrincipal;
    const { pin, staffId } = c.req.valid('json');
    const failed = (reason: string, actorId: string) =>
      auditQuietly(c, { action: 'staff.pin_login_failed', outcome: 'failure', reason, actor: { type: 'terminal', id: terminal.terminalId }, ...(actorId ? { target: { type: 'user', id: actorId } } : {}), storeId: terminal.storeId, terminalId: terminal.terminalId });

    const index = pinLookupIndex(pins.pepper, terminal.storeId, pin);
    const found = await s.appwrite.tablesDB.listRows({ databaseId: s.databaseId, tableId: 'staff_credentials', queries: [Query.equal('storeId', terminal.storeId), Query.equal('pinIndex', index), Query.limit(1)] }).catch((e: unknown) => {
      throw toAppError(e, 'PIN credential');
    });
    const cred = found.rows[0] as unknown as { userId: string; pinHash: string } | undefined;
    const subjects = [terminalPinSubject(terminal.terminalId), ...(cred ? [staffPinSubject(cred.userId)] : staffId ? [staffPinSubject(staffId)] : [])];
    const reserved = await s.lockout.reserve(subjects);
    if (!reserved.ok) {
      await failed(reserved.denial.kind === 'terminal_pin' ? 'TERMINAL_LOCKED' : 'PIN_LOCKED', cred?.userId ?? staffId ?? '');
      throw lockoutError(reserved.denial);
    }
    let ok = false;
    try {
      ok = cred !== undefined && (staffId === undefined || staffId === cred.userId) && (await pins.hasher.verifyPin(pins.pepper, pin, cred.pinHash));
    } catch (e) {
      await s.lockout.release(reserved.reservation).catch(() => undefined);
      throw e;
    }
    const locks = await s.lockout.settle(reserved.reservation, ok);
    if (!ok) {
      for (const l of locks) metrics.lockouts.inc({ kind: l.kind === 'terminal_pin' ? 'pin_terminal' : 'pin_staff' });
      await failed('PIN_INVALID', cred?.userId ?? staffId ?? '');
      if (locks.length) await auditQuietly(c, { action: 'staff.pin_locked', outcome: 'success', reason: locks.map((l) => `${l.kind} level ${l.level}`).join(', '), actor: { type: 'terminal', id: terminal.terminalId }, storeId: terminal.storeId, terminalId: terminal.terminalId });
      throw new AppError('PIN_INVALID', 'Wrong PIN.');
    }
    const userId = cred!.userId;
    const profile = await s.actors.loadProfile(userId);
    if (!profile || !profile.isActive) {
      await failed('INACTIVE', userId);
      throw new AppError('FORBIDDEN', 'This staff member is deactivated.');
    }
    const actor = s.actors.actorOf(profile);
    if (terminal.policy.allowedRoles.length && !terminal.policy.allowedRoles.includes(profile.role)) {
      await failed('ROLE_NOT_ALLOWED', userId);
      throw new AppError('FORBIDDEN', 'Your role may not log in on this terminal.');
    }
    const token = await s.appwrite.users.createToken({ userId, length: 64, expire: pins.tokenTtlSeconds }).catch((e: unknown) => {
      throw toAppError(e, 'token');
    });
    const now = new Date().toISOString();
    // Quick switch: the previous operator's open session on this till ends here.
    const open = await s.appwrite.tablesDB.listRows({ databaseId: s.databaseId, tableId: 'terminal_sessions', queries: [Query.equal('terminalId', terminal.terminalId), Query.isNull('endedAt'), Query.limit(20)] });
    for (const row of open.rows as unknown as { $id: string; userId: string }[]) {
      await s.appwrite.tablesDB.updateRow({ databaseId: s.databaseId, tableId: 'terminal_sessions', rowId: row.$id, data: { endedAt: now, endReason: 'switch' } });
      if (row.userId !== userId) await audit(c, { action: 'terminal.switched', outcome: 'success', reason: 'quick switch', actor: { type: 'user', id: userId, role: profile.role }, target: { type: 'user', id: row.userId }, storeId: terminal.storeId, terminalId: terminal.terminalId });
    }
    await s.appwrite.tablesDB.createRow({ databaseId: s.databaseId, tableId: 'terminal_sessions', rowId: ID.unique(), data: { userId, terminalId: terminal.terminalId, storeId: terminal.storeId, startedAt: now } });
    await s.appwrite.tablesDB.updateRow({ databaseId: s.databaseId, tableId: 'staff', rowId: userId, data: { lastLoginAt: now, lastLoginTerminalId: terminal.terminalId } });
    await audit(c, { action: 'staff.pin_login', outcome: 'success', reason: 'PIN', actor: { type: 'user', id: userId, role: profile.role, displayName: profile.displayName }, storeId: terminal.storeId, terminalId: terminal.terminalId });
    return c.json(
      {
        userId,
        secret: token.secret,
        expire: token.expire,
        staff: profile,
        role: { name: actor.role.name, title: actor.role.title, level: actor.role.level },
        permissions: effectivePermissions(actor),
        terminalPolicy: terminal.policy,
      },
      200,
    );
  });
  return app;
}
