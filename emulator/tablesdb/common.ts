/**
 * Lookups and event helpers shared by the TablesDB route modules.
 * @module
 */
import type { Context } from 'hono';
import type { Caller, EmulatorEnv } from '../context.js';
import { fail } from '../errors.js';
import { queryArray, queryParams, bool, type Params } from '../params.js';
import type { DatabaseRecord, TableRecord } from '../state.js';

export type Ctx = Context<EmulatorEnv>;

/** True for callers that bypass permissions and see disabled resources (API keys). */
export const isKey = (caller: Caller): boolean => caller.kind === 'key';

/** The session user id of a write (events' `userId`); '' for API keys and guests. */
export const callerUserId = (caller: Caller): string => (caller.kind === 'user' ? caller.user.$id : '');

/**
 * The database `id`; a disabled database is invisible to non-key callers.
 * @throws AppwriteError 404 `database_not_found`
 */
export function getDatabase(c: Ctx, id: string): DatabaseRecord {
  const db = c.get('emu').state.databases.get(id);
  if (!db || (!db.enabled && !isKey(c.get('caller')))) fail('database_not_found', 'Database not found');
  return db;
}

/**
 * The table `id` of `db`; a disabled table is invisible to non-key callers.
 * @throws AppwriteError 404 `table_not_found`
 */
export function getTable(c: Ctx, db: DatabaseRecord, id: string): TableRecord {
  const table = db.tables.get(id);
  if (!table || (!table.enabled && !isKey(c.get('caller')))) fail('table_not_found', 'Table with the requested ID could not be found.');
  return table;
}

/** Path params `databaseId` and `tableId` resolved to records. */
export function tableFromPath(c: Ctx): { db: DatabaseRecord; table: TableRecord } {
  const db = getDatabase(c, c.req.param('databaseId') ?? '');
  return { db, table: getTable(c, db, c.req.param('tableId') ?? '') };
}

/** `queries`, `search` and `total` of a GET list request. */
export function listParams(c: Ctx): { queries: string[] | undefined; search: string | undefined; total: boolean } {
  const p: Params = queryParams(c);
  const search = typeof p.search === 'string' && p.search.length > 0 ? p.search : undefined;
  return { queries: queryArray(c, 'queries'), search, total: bool(p, 'total') ?? true };
}

export type RowAction = 'create' | 'update' | 'upsert' | 'delete';

/**
 * Both event name families of a row write (DESIGN.md): the legacy
 * `collections/documents` form first for create and bulk operations, the `tables/rows` form first
 * for update, upsert, delete and increment/decrement (the first name is sent as `x-appwrite-event`).
 */
export function rowEventNames(dbId: string, tableId: string, rowId: string, action: RowAction, legacyFirst: boolean): string[] {
  const tables = `databases.${dbId}.tables.${tableId}.rows.${rowId}.${action}`;
  const legacy = `databases.${dbId}.collections.${tableId}.documents.${rowId}.${action}`;
  return legacyFirst ? [legacy, tables] : [tables, legacy];
}

/** Emits a schema event (`databases.<db>[.tables.<t>[.columns|indexes.<k>]].<action>`) and marks the state changed. */
export function schemaChanged(c: Ctx, names: string[], payload: unknown): void {
  const emu = c.get('emu');
  emu.events.emit(names, payload, callerUserId(c.get('caller')));
  emu.changed();
}
