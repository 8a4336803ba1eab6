/**
 * Loading a terminal for a route that acts on it: the `terminals` row, then the caller's
 * permission in the terminal's store (a Manager of store A cannot touch a till of store B).
 * @module
 */
import type { Context } from 'hono';
import { AppError } from '../../core/errors.js';
import type { Permission } from '../../core/rbac/index.js';
import { isAppwriteError, toAppError } from '../../infra/appwrite.js';
import type { GatewayEnv } from '../env.js';
import { requireInStore } from '../middleware/guard.js';
import { userServices } from './users-access.js';

/**
 * The terminal row, once the caller holds `permission` in its store.
 * @throws AppError NOT_FOUND (no such terminal), FORBIDDEN / INSUFFICIENT_PERMISSIONS (guard),
 *   UPSTREAM_UNAVAILABLE (Appwrite).
 */
export async function loadTerminalInStore(c: Context<GatewayEnv>, terminalId: string, permission: Permission): Promise<Record<string, unknown>> {
  const s = userServices(c);
  let row: Record<string, unknown>;
  try {
    row = (await s.appwrite.tablesDB.getRow({ databaseId: s.databaseId, tableId: 'terminals', rowId: terminalId })) as unknown as Record<string, unknown>;
  } catch (e) {
    if (isAppwriteError(e, 'row_not_found')) throw new AppError('NOT_FOUND', 'No such terminal.');
    throw toAppError(e, 'terminal');
  }
  await requireInStore(c, permission, String(row.storeId));
  return row;
}
