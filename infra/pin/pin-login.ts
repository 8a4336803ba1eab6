/**
 * The PIN login procedure shared by the gateway route (`POST /api/v1/auth/pin-login`) and the
 * `pin-login` Appwrite Function: HMAC lookup of the PIN in the terminal's store → atomic lockout
 * reservation (staff member and terminal; never keyed by IP) → one bcrypt verification on the
 * worker pool → Appwrite token (64 hex characters) → terminal session bookkeeping (quick switch:
 * the previous operator's sessions end and their JWTs are revoked).
 * Audit entries go through the caller's `record`, which adds request context.
 * @module
 */
import { ID, Query } from 'node-appwrite';
import type { AuditEntryInput } from '../../core/audit/index.js';
import { AppError } from '../../core/errors.js';
import { lockoutError, staffPinSubject, terminalPinSubject, type LockoutKind } from '../../core/pin/lockout.js';
import { pinLookupIndex } from '../../core/pin/lookup.js';
import { effectivePermissions } from '../../core/rbac/index.js';
import type { ActorResolver, StaffProfile } from '../actor-resolver.js';
import { toAppError, type AppwriteAdmin } from '../appwrite.js';
import type { LockoutStore } from '../lockout-store.js';
import type { PinHasher } from '../pin-hasher.js';

export interface PinLoginDeps {
  appwrite: AppwriteAdmin;
  databaseId: string;
  lockout: LockoutStore;
  hasher: PinHasher;
  pepper: string;
  /** Lifetime of the returned Appwrite token, seconds. */
  tokenTtlSeconds: number;
  actors: Pick<ActorResolver, 'loadProfile' | 'actorOf'>;
  /** Appends an audit entry (the caller adds request id, IP, user agent). */
  record: (entry: AuditEntryInput) => Promise<void>;
  /**
   * Like `record`, for entries about a login that is refused anyway (wrong PIN, lock): never
   * rejects, so the refusal still reaches the caller; a failure is logged by the implementation.
   */
  recordQuietly: (entry: AuditEntryInput) => Promise<void>;
  /** Called for each lock applied (metrics). */
  onLock?: (kind: LockoutKind) => void;
  /**
   * Ends every Appwrite session of a user and revokes their JWTs at once (revocation epoch), as
   * `POST /terminals/current/lock` does: called for the previous operator on a quick switch, so
   * their JWT cannot be used at the till after the next operator took it over.
   */
  endSessions: (userId: string) => Promise<void>;
}

export interface PinTerminal {
  terminalId: string;
  storeId: string;
  policy: { idleLockMinutes: number; lockAfterSale: boolean; allowedRoles: string[] };
}

export interface PinLoginResult {
  userId: string;
  secret: string;
  expire: string;
  staff: StaffProfile;
  role: { name: string; title: string; level: number };
  permissions: string[];
  terminalPolicy: PinTerminal['policy'];
}

/**
 * The usual {@link PinLoginDeps.endSessions}: deletes every Appwrite session of the user
 * (`users.deleteSessions`), then revokes their cached JWTs with `bump` (a revocation epoch).
 * @throws AppError UPSTREAM_UNAVAILABLE / the mapped Appwrite error; DEPENDENCY_UNAVAILABLE from `bump`.
 */
export function sessionEnder(appwrite: AppwriteAdmin, bump: (userId: string) => Promise<unknown>): (userId: string) => Promise<void> {
  return async (userId) => {
    await appwrite.users.deleteSessions({ userId }).catch((e: unknown) => {
      throw toAppError(e, 'sessions');
    });
    await bump(userId);
  };
}

/**
 * @throws AppError PIN_INVALID (401), PIN_LOCKED / TERMINAL_LOCKED (429 + Retry-After),
 *   FORBIDDEN (deactivated, role not allowed on the terminal), DEPENDENCY_UNAVAILABLE (Redis),
 *   UPSTREAM_UNAVAILABLE (Appwrite). The PIN never appears in an error, log or audit entry.
 */
export async function pinLogin(d: PinLoginDeps, terminal: PinTerminal, pin: string, staffId?: string): Promise<PinLoginResult> {
  const terminalActor = { type: 'terminal' as const, id: terminal.terminalId };
  const where = { storeId: terminal.storeId, terminalId: terminal.terminalId };
  const failed = (reason: string, userId?: string) =>
    d.recordQuietly({ action: 'staff.pin_login_failed', outcome: 'failure', reason, actor: terminalActor, ...(userId ? { target: { type: 'user', id: userId } } : {}), ...where });

  const index = pinLookupIndex(d.pepper, terminal.storeId, pin);
  const found = await d.appwrite.tablesDB.listRows({ databaseId: d.databaseId, tableId: 'staff_credentials', queries: [Query.equal('storeId', terminal.storeId), Query.equal('pinIndex', index), Query.limit(1)] }).catch((e: unknown) => {
    throw toAppError(e, 'PIN credential');
  });
  const cred = found.rows[0] as unknown as { userId: string; pinHash: string } | undefined;
  const subjects = [terminalPinSubject(terminal.terminalId), ...(cred ? [staffPinSubject(cred.userId)] : staffId ? [staffPinSubject(staffId)] : [])];
  const reserved = await d.lockout.reserve(subjects);
  if (!reserved.ok) {
    await failed(reserved.denial.kind === 'terminal_pin' ? 'TERMINAL_LOCKED' : 'PIN_LOCKED', cred?.userId ?? staffId);
    throw lockoutError(reserved.denial);
  }
  let ok = false;
  try {
    ok = cred !== undefined && (staffId === undefined || staffId === cred.userId) && (await d.hasher.verifyPin(d.pepper, pin, cred.pinHash));
  } catch (e) {
    await d.lockout.release(reserved.reservation).catch(() => undefined);
    throw e;
  }
  const locks = await d.lockout.settle(reserved.reservation, ok);
  if (!ok) {
    for (const l of locks) d.onLock?.(l.kind);
    await failed('PIN_INVALID', cred?.userId ?? staffId);
    if (locks.length) await d.recordQuietly({ action: 'staff.pin_locked', outcome: 'success', reason: locks.map((l) => `${l.kind} level ${l.level}`).join(', '), actor: terminalActor, ...where });
    throw new AppError('PIN_INVALID', 'Wrong PIN.');
  }
  const userId = cred!.userId;
  const profile = await d.actors.loadProfile(userId);
  if (!profile || !profile.isActive) {
    await failed('INACTIVE', userId);
    throw new AppError('FORBIDDEN', 'This staff member is deactivated.');
  }
  const actor = d.actors.actorOf(profile);
  if (terminal.policy.allowedRoles.length && !terminal.policy.allowedRoles.includes(profile.role)) {
    await failed('ROLE_NOT_ALLOWED', userId);
    throw new AppError('FORBIDDEN', 'Your role may not log in on this terminal.');
  }
  const token = await d.appwrite.users.createToken({ userId, length: 64, expire: d.tokenTtlSeconds }).catch((e: unknown) => {
    throw toAppError(e, 'token');
  });
  const now = new Date().toISOString();
  // Quick switch: the previous operator's open session on this till ends here, and so do their
  // Appwrite sessions and cached JWTs (the till is theirs no longer).
  const open = await d.appwrite.tablesDB.listRows({ databaseId: d.databaseId, tableId: 'terminal_sessions', queries: [Query.equal('terminalId', terminal.terminalId), Query.isNull('endedAt'), Query.limit(20)] });
  for (const row of open.rows as unknown as { $id: string; userId: string }[]) {
    await d.appwrite.tablesDB.updateRow({ databaseId: d.databaseId, tableId: 'terminal_sessions', rowId: row.$id, data: { endedAt: now, endReason: 'switch' } });
    if (row.userId === userId) continue;
    await d.endSessions(row.userId);
    await d.record({ action: 'terminal.switched', outcome: 'success', reason: 'quick switch', actor: { type: 'user', id: userId, role: profile.role }, target: { type: 'user', id: row.userId }, ...where });
  }
  await d.appwrite.tablesDB.createRow({ databaseId: d.databaseId, tableId: 'terminal_sessions', rowId: ID.unique(), data: { userId, terminalId: terminal.terminalId, storeId: terminal.storeId, startedAt: now } });
  await d.appwrite.tablesDB.updateRow({ databaseId: d.databaseId, tableId: 'staff', rowId: userId, data: { lastLoginAt: now, lastLoginTerminalId: terminal.terminalId } });
  await d.record({ action: 'staff.pin_login', outcome: 'success', reason: 'PIN', actor: { type: 'user', id: userId, role: profile.role, displayName: profile.displayName }, ...where });
  return {
    userId,
    secret: token.secret,
    expire: token.expire,
    staff: profile,
    role: { name: actor.role.name, title: actor.role.title, level: actor.role.level },
    permissions: effectivePermissions(actor),
    terminalPolicy: terminal.policy,
  };
}
