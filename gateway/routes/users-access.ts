/**
 * Shared steps of the user-management routes: loading the target staff member as an RBAC
 * `ManagedUser`, and turning a management verdict into the error envelope (and an audit entry).
 * @module
 */
import type { Context } from 'hono';
import { Query } from 'node-appwrite';
import { AppError } from '../../core/errors.js';
import type { ManagementResult, ManagedUser, UserAccess } from '../../core/rbac/index.js';
import type { StaffProfile } from '../../infra/actor-resolver.js';
import type { AppwriteAdmin } from '../../infra/appwrite.js';
import { sessionEnder } from '../../infra/pin/pin-login.js';
import { auditQuietly } from '../audit.js';
import type { GatewayEnv } from '../env.js';
import type { GatewayServices } from '../services.js';

export type UserServices = GatewayServices & { appwrite: AppwriteAdmin; databaseId: string };

export function userServices(c: Context<GatewayEnv>): UserServices {
  const s = c.get('services');
  if (!s?.appwrite || !s.databaseId || !s.epochs) throw new AppError('INTERNAL', 'User services are not configured.');
  return s as UserServices;
}

/** The target's profile and access. @throws AppError NOT_FOUND */
export async function loadTarget(c: Context<GatewayEnv>, userId: string): Promise<{ profile: StaffProfile; managed: ManagedUser }> {
  const actors = userServices(c).actors;
  const profile = await actors.loadProfile(userId);
  if (!profile) throw new AppError('NOT_FOUND', 'No staff member with this id.');
  const actor = actors.actorOf(profile);
  return { profile, managed: { userId, role: actor.role, storeIds: actor.storeIds, global: actor.global } };
}

/** The access a profile change would give. @throws AppError VALIDATION_FAILED for an unknown role. */
export function accessOf(c: Context<GatewayEnv>, role: string, storeId: string): UserAccess {
  const compiled = userServices(c).roles?.current().get(role);
  if (!compiled) throw new AppError('VALIDATION_FAILED', `Unknown role "${role}".`, { details: { role } });
  return { role: compiled, storeIds: [storeId], global: compiled.mayBeGlobal };
}

/**
 * Throws unless the management check passed: a missing permission answers 403
 * INSUFFICIENT_PERMISSIONS, any other rule 403 FORBIDDEN naming the rule; both are audited.
 */
export async function enforce(c: Context<GatewayEnv>, verdict: ManagementResult, target?: string): Promise<void> {
  if (verdict.ok) return;
  await auditQuietly(c, { action: 'authz.denied', outcome: 'denied', reason: verdict.rule, ...(target ? { target: { type: 'user', id: target } } : {}), metadata: { route: `${c.req.method} ${c.req.routePath}`, message: verdict.message } });
  const details = { rule: verdict.rule, ...(verdict.details ?? {}) };
  if (verdict.rule === 'MISSING_PERMISSION') throw new AppError('INSUFFICIENT_PERMISSIONS', `Not allowed: ${verdict.message}.`, { details });
  throw new AppError('FORBIDDEN', `Not allowed: ${verdict.message}.`, { details });
}

/** Ends a staff member's terminal sessions and Appwrite sessions and bumps their epoch. */
export async function endStaffSessions(s: UserServices, userId: string, reason: 'revoked' | 'lock'): Promise<number> {
  const open = await s.appwrite.tablesDB.listRows({ databaseId: s.databaseId, tableId: 'terminal_sessions', queries: [Query.equal('userId', userId), Query.isNull('endedAt'), Query.limit(100)] });
  const now = new Date().toISOString();
  for (const r of open.rows) await s.appwrite.tablesDB.updateRow({ databaseId: s.databaseId, tableId: 'terminal_sessions', rowId: r.$id, data: { endedAt: now, endReason: reason } });
  await sessionEnder(s.appwrite, (id) => s.epochs!.bump(id))(userId);
  return open.total;
}

