/**
 * `rbac-guard`: runs on row create/update/upsert events of the `pos` database and reverts writes
 * that break the rules of core/rbac `checkRowWrite` (Appwrite has no "before" hooks, so the check
 * runs after the fact): a violating sale is deleted (a sale with a wrong owner or store must not
 * stand); a forbidden price change is undone by restoring the price the MariaDB mirror holds
 * from before the write (`pos_products`, when it is older than the write). Every revert is
 * audited as `rbac.reverted` with outcome `denied`, naming the writer.
 *
 * Writes made with an API key (`x-appwrite-user-id` empty: the gateway, imports, this function)
 * are trusted. Idempotent: a duplicated delivery finds the row already gone (404 is success).
 * @module
 */
import { parseEventName } from '../../core/appwrite-events.js';
import { AppError } from '../../core/errors.js';
import { BUILTIN_REGISTRY, checkRowWrite } from '../../core/rbac/index.js';
import type { AuditAppender } from '../../infra/audit/appender.js';
import type { Pool } from '../../infra/mariadb.js';
import { isAppwriteError, toAppError } from '../../infra/appwrite.js';
import type { ExecutionContext } from '../_runtime/define-function.js';

export interface GuardResources {
  audit: AuditAppender;
  pool: Pool;
}

export interface GuardResult {
  checked: boolean;
  violation: string | null;
  reverted: boolean;
}

/** Tables whose writes are checked. */
const GUARDED = new Set(['sales', 'products']);

export async function guardRowWrite(payload: Record<string, unknown>, r: GuardResources, ctx: ExecutionContext): Promise<GuardResult> {
  const event = parseEventName(ctx.event);
  if (event.kind !== 'row' || event.action === 'delete' || !GUARDED.has(event.tableId) || ctx.userId === '') {
    return { checked: false, violation: null, reverted: false };
  }
  const { databaseId, tableId, rowId } = event;
  let profile: Record<string, unknown>;
  try {
    profile = (await ctx.appwrite.tablesDB.getRow({ databaseId, tableId: 'staff', rowId: ctx.userId })) as unknown as Record<string, unknown>;
  } catch (e) {
    if (!isAppwriteError(e, 'row_not_found')) throw toAppError(e, 'staff profile');
    profile = { role: '', storeId: '', isActive: false };
  }
  const role = BUILTIN_REGISTRY.get(String(profile.role)) ?? BUILTIN_REGISTRY.get('cashier')!;
  const known = BUILTIN_REGISTRY.get(String(profile.role)) !== undefined;
  const actor = { userId: ctx.userId, role, storeIds: profile.storeId ? [String(profile.storeId)] : [], global: role.mayBeGlobal, active: known && profile.isActive !== false };
  const violation = actor.active ? checkRowWrite(actor, { tableId, action: event.action, row: payload }) : 'NOT_STAFF';
  if (!violation) return { checked: true, violation: null, reverted: false };

  let reverted = false;
  try {
    if (tableId === 'products') {
      const [rows] = await r.pool.query('SELECT price_minor, updated_at FROM pos_products WHERE id = ?', [rowId]);
      const prev = (rows as { price_minor: number | null; updated_at: Date }[])[0];
      const writtenAt = Date.parse(String(payload.$updatedAt ?? ''));
      if (prev && prev.price_minor !== null && prev.updated_at.getTime() < writtenAt) {
        await ctx.appwrite.tablesDB.updateRow({ databaseId, tableId, rowId, data: { priceMinor: Number(prev.price_minor) } });
        reverted = true;
      }
    } else {
      await ctx.appwrite.tablesDB.deleteRow({ databaseId, tableId, rowId });
      reverted = true;
    }
  } catch (e) {
    if (!isAppwriteError(e, 'row_not_found')) throw toAppError(e, 'row');
  }
  await r.audit.append({
    action: 'rbac.reverted',
    outcome: 'denied',
    reason: violation,
    actor: { type: 'user', id: ctx.userId, ...(known ? { role: role.name } : {}) },
    target: { type: tableId, id: rowId },
    ...(typeof payload.storeId === 'string' && payload.storeId ? { storeId: payload.storeId } : {}),
    requestId: ctx.executionId,
    sourceEventKey: `rbac-guard:${tableId}:${rowId}:${String(payload.$updatedAt ?? '')}`,
    metadata: { event: ctx.event, reverted },
  });
  ctx.log.warn({ tableId, rowId, violation, userId: ctx.userId }, 'row write reverted');
  if (!reverted && violation === 'NOT_STAFF') throw new AppError('FORBIDDEN', 'Write by a non-staff user could not be reverted.');
  return { checked: true, violation, reverted };
}
