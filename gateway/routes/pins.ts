/**
 * PIN management and unlocks (issue 6 items 1, 4, 5):
 * - `PUT /users/{id}/pin`: the staff member with their current PIN or password, or a Manager+
 *   (`users:manage-pin`) for a lower role in their store. Policy, uniqueness in the store and
 *   "not one of the last 3" are enforced (infra/staff/credentials.ts). A PIN change ends every
 *   terminal session and Appwrite session of the staff member and bumps their revocation epoch.
 * - `POST /users/{id}/pin/unlock` (`users:unlock`) and `POST /terminals/{id}/unlock`
 *   (`terminals:unlock`): a Manager clears a PIN lock (audited with what was cleared).
 * - `POST /terminals/current/lock` (terminal): ends the operator's session on this till.
 * @module
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { Query } from 'node-appwrite';
import { AppError } from '../../core/errors.js';
import { staffPinSubject, terminalPinSubject } from '../../core/pin/lockout.js';
import { pinLookupIndex } from '../../core/pin/lookup.js';
import { parsePinPolicy, type PinPolicy } from '../../core/pin/policy.js';
import { checkUserChange } from '../../core/rbac/index.js';
import { isAppwriteError, toAppError } from '../../infra/appwrite.js';
import { sessionEnder } from '../../infra/pin/pin-login.js';
import { setPin } from '../../infra/staff/credentials.js';
import { audit } from '../audit.js';
import type { GatewayEnv } from '../env.js';
import type { TerminalPrincipal } from '../principal.js';
import { createRouter, defineRoute, z } from '../openapi.js';
import { loadTerminalInStore } from './terminal-access.js';
import { endStaffSessions, enforce, loadTarget, userServices, type UserServices } from './users-access.js';

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$/);
const PinBody = z
  .object({ pin: z.string().regex(/^\d{4,8}$/, '4 to 8 digits').openapi({ format: 'password' }), currentPin: z.string().regex(/^\d{4,8}$/).optional(), currentPassword: z.string().min(1).max(256).optional() })
  .strict()
  .openapi('SetPin');
const Unlocked = z.object({ subject: z.string(), wasLocked: z.boolean(), clearedFailures: z.number().int() }).openapi('Unlocked');
const json = <T>(schema: T) => ({ content: { 'application/json': { schema } } });

const setPinRoute = defineRoute({ kind: 'authenticated' }, { method: 'put', path: '/users/{id}/pin', tags: ['pins'], summary: 'Set a PIN (yourself with currentPin or currentPassword; a Manager+ for a lower role)', request: { params: z.object({ id }), body: { ...json(PinBody), required: true } }, responses: { 204: { description: 'PIN set; the staff member\'s sessions ended' }, 409: { description: 'PIN_IN_USE / PIN_REUSED' } } });
const unlockPin = defineRoute({ kind: 'permission', permission: 'users:unlock' }, { method: 'post', path: '/users/{id}/pin/unlock', tags: ['pins'], summary: 'Clear a staff member\'s PIN lock', request: { params: z.object({ id }) }, responses: { 200: { description: 'Unlocked', ...json(Unlocked) } } });
const unlockTerminal = defineRoute({ kind: 'permission', permission: 'terminals:unlock' }, { method: 'post', path: '/terminals/{id}/unlock', tags: ['pins'], summary: 'Clear a terminal\'s PIN-pad lock', request: { params: z.object({ id }) }, responses: { 200: { description: 'Unlocked', ...json(Unlocked) } } });
const lock = defineRoute({ kind: 'terminal' }, { method: 'post', path: '/terminals/current/lock', tags: ['pins'], summary: 'Lock this till: end the operator\'s session', responses: { 200: { description: 'Locked', ...json(z.object({ ended: z.number().int() })) } } });

/** The store's PIN policy: its own bounds and deny list (stores table) over the deployment's defaults. */
async function storePolicy(s: UserServices, storeId: string, defaults: PinPolicy): Promise<PinPolicy> {
  let store: Record<string, unknown> = {};
  try {
    store = (await s.appwrite.tablesDB.getRow({ databaseId: s.databaseId, tableId: 'stores', rowId: storeId })) as unknown as Record<string, unknown>;
  } catch (e) {
    if (!isAppwriteError(e, 'row_not_found')) throw toAppError(e, 'store');
  }
  return parsePinPolicy({
    minLength: typeof store.pinMinLength === 'number' ? store.pinMinLength : defaults.minLength,
    maxLength: typeof store.pinMaxLength === 'number' ? store.pinMaxLength : defaults.maxLength,
    denyList: [...defaults.denyList, ...(Array.isArray(store.pinDenyList) ? (store.pinDenyList as string[]) : [])],
  });
}

export function pinRoutes(): OpenAPIHono<GatewayEnv> {
  const app = createRouter();

  app.openapi(setPinRoute, async (c) => {
    const s = userServices(c);
    const pins = c.get('services')?.pins;
    if (!pins) throw new AppError('INTERNAL', 'PIN login is not configured (PIN_PEPPER).');
    const { id: userId } = c.req.valid('param');
    const body = c.req.valid('json');
    const me = c.get('user')!;
    const { profile, managed } = await loadTarget(c, userId);
    if (userId === me.actor.userId) {
      let proven = false;
      if (body.currentPin) {
        const cred = await s.appwrite.tablesDB.listRows({ databaseId: s.databaseId, tableId: 'staff_credentials', queries: [Query.equal('storeId', profile.storeId), Query.equal('pinIndex', pinLookupIndex(pins.pepper, profile.storeId, body.currentPin)), Query.limit(1)] });
        const row = cred.rows[0] as unknown as { userId: string; pinHash: string } | undefined;
        proven = row?.userId === userId && (await pins.hasher.verifyPin(pins.pepper, body.currentPin, row.pinHash));
      } else if (body.currentPassword) {
        const user = await s.appwrite.users.get({ userId });
        try {
          const check = await s.appwrite.guestAccount().createEmailPasswordSession({ email: user.email, password: body.currentPassword });
          await s.appwrite.users.deleteSession({ userId, sessionId: check.$id });
          proven = true;
        } catch (e) {
          if (!isAppwriteError(e, 'user_invalid_credentials')) throw toAppError(e, 'password');
        }
      }
      if (!proven) throw new AppError('INVALID_CREDENTIALS', 'Confirm with your current PIN or password.');
    } else {
      await enforce(c, checkUserChange(me.actor, { action: 'set-pin', target: managed }), userId);
    }
    await setPin(s.appwrite, s.databaseId, pins.hasher, { userId, storeId: profile.storeId, pin: body.pin, pepper: pins.pepper, cost: pins.cost, policy: await storePolicy(s, profile.storeId, pins.defaultPolicy) });
    const ended = await endStaffSessions(s, userId, 'revoked');
    await audit(c, { action: 'staff.pin_changed', outcome: 'success', reason: userId === me.actor.userId ? 'changed by the staff member' : 'set by a manager', target: { type: 'user', id: userId }, storeId: profile.storeId, metadata: { endedTerminalSessions: ended } });
    return c.body(null, 204);
  });

  app.openapi(unlockPin, async (c) => {
    const s = userServices(c);
    const { id: userId } = c.req.valid('param');
    const { profile, managed } = await loadTarget(c, userId);
    await enforce(c, checkUserChange(c.get('user')!.actor, { action: 'unlock', target: managed }), userId);
    const r = await s.lockout!.unlock(staffPinSubject(userId));
    await audit(c, { action: 'staff.pin_unlocked', outcome: 'success', reason: r.wasLocked ? 'lock cleared' : 'was not locked', target: { type: 'user', id: userId }, storeId: profile.storeId, metadata: { clearedFailures: r.clearedFailures, clearedLevel: r.clearedLevel } });
    return c.json({ subject: 'staff_pin', wasLocked: r.wasLocked, clearedFailures: r.clearedFailures }, 200);
  });

  app.openapi(unlockTerminal, async (c) => {
    const s = userServices(c);
    const { id: terminalId } = c.req.valid('param');
    const row = await loadTerminalInStore(c, terminalId, 'terminals:unlock');
    const r = await s.lockout!.unlock(terminalPinSubject(terminalId));
    await audit(c, { action: 'terminal.unlocked', outcome: 'success', reason: r.wasLocked ? 'PIN pad lock cleared' : 'was not locked', target: { type: 'terminal', id: terminalId }, storeId: String(row.storeId), terminalId, metadata: { clearedFailures: r.clearedFailures } });
    return c.json({ subject: 'terminal_pin', wasLocked: r.wasLocked, clearedFailures: r.clearedFailures }, 200);
  });

  app.openapi(lock, async (c) => {
    const s = userServices(c);
    const terminal = c.get('principal') as TerminalPrincipal;
    const open = await s.appwrite.tablesDB.listRows({ databaseId: s.databaseId, tableId: 'terminal_sessions', queries: [Query.equal('terminalId', terminal.terminalId), Query.isNull('endedAt'), Query.limit(20)] });
    const now = new Date().toISOString();
    const endSessions = sessionEnder(s.appwrite, (userId) => s.epochs!.bump(userId));
    for (const r of open.rows as unknown as { $id: string; userId: string }[]) {
      await s.appwrite.tablesDB.updateRow({ databaseId: s.databaseId, tableId: 'terminal_sessions', rowId: r.$id, data: { endedAt: now, endReason: 'lock' } });
      await endSessions(r.userId);
      await audit(c, { action: 'terminal.locked', outcome: 'success', reason: 'operator locked the till', target: { type: 'user', id: r.userId }, storeId: terminal.storeId, terminalId: terminal.terminalId });
    }
    return c.json({ ended: open.rows.length }, 200);
  });

  return app;
}
