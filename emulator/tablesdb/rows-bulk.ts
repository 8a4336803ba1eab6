/**
 * Bulk row operations (API keys only, as in Appwrite; client callers get 401
 * `general_unauthorized_scope`): create (`POST .../rows` with `rows`, 201), upsert
 * (`PUT .../rows`, 201), update (`PATCH .../rows` with `data` + `queries`, 200) and delete
 * (`DELETE .../rows` with `queries`, 200). Each answers a `rowList` of the affected rows. A batch
 * carries at most 100 rows (APP_LIMIT_DATABASE_BATCH) and is all-or-nothing: every row is
 * validated before anything is stored. One event per row, legacy name first, actions
 * `create`/`upsert`/`update`/`delete`.
 * @module
 */
import { Hono } from 'hono';
import { requireScope } from '../auth.js';
import type { EmulatorEnv } from '../context.js';
import { AppwriteError, fail, invalidParam } from '../errors.js';
import { ROW_ACTIONS, normalizePermissions } from '../permissions.js';
import { parseQueries, runQuery } from '../query/index.js';
import { obj, readBody, type Params } from '../params.js';
import type { DatabaseRecord, RowRecord, TableRecord } from '../state.js';
import { resolveId } from '../util.js';
import { tableFromPath, type Ctx } from './common.js';
import { uniqueGuard } from './indexes.js';
import { rowModel } from './models.js';
import { BATCH_LIMIT, emitRow, insertRow, nextUpdatedAt, rowGetter, rowQuerySchema, splitData } from './row-store.js';
import { validateRowData } from './row-validation.js';

const WRITE = requireScope('rows.write', 'documents.write');

function requireKey(c: Ctx): void {
  const caller = c.get('caller');
  if (caller.kind === 'key') return;
  const who = caller.kind === 'user' ? `${caller.user.email || caller.user.$id} (role: users)` : 'User (role: guests)';
  throw new AppwriteError('general_unauthorized_scope', `${who} missing scopes (["rows.write"])`);
}

function rowsParam(p: Params): Record<string, unknown>[] {
  const v = p.rows;
  if (!Array.isArray(v) || v.length === 0) fail('row_missing_data', 'The row data is missing. Try again with row data populated');
  if (v.length > BATCH_LIMIT) throw invalidParam('rows', `Value must be a valid array no longer than ${BATCH_LIMIT} items`);
  if (!v.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x))) throw invalidParam('rows', 'Value must be a valid array and Value must be a valid JSON');
  return v as Record<string, unknown>[];
}

function answer(c: Ctx, db: DatabaseRecord, table: TableRecord, rows: RowRecord[], action: 'create' | 'upsert' | 'update' | 'delete', status: 200 | 201) {
  for (const row of rows) emitRow(c, db, table, row, action, true);
  if (rows.length > 0) c.get('emu').changed();
  return c.json({ total: rows.length, rows: rows.map((r) => rowModel(db.$id, table, r)) }, status);
}

/**
 * `POST .../rows` with `rows`: each item may carry `$id` (default unique) and `$permissions`.
 * @throws AppwriteError 409 `row_already_exists` for an existing or repeated id or a unique-index
 *   conflict, 400 `row_invalid_structure` for bad data; nothing is stored on any error.
 */
export function createRows(c: Ctx, db: DatabaseRecord, table: TableRecord, body: Params) {
  requireKey(c);
  if (body.rowId !== undefined && body.rowId !== null && body.rowId !== '') {
    fail('general_bad_request', 'Param "rowId" is not allowed when creating multiple rows, set "$id" on each instead.');
  }
  if (Array.isArray(body.permissions) && body.permissions.length > 0) {
    fail('general_bad_request', 'Param "permissions" is disallowed when creating multiple rows, set "$permissions" on each instead');
  }
  const guard = uniqueGuard(table);
  const ids = new Set<string>();
  const prepared = rowsParam(body).map((raw) => {
    const split = splitData(raw, c.get('caller'));
    const id = resolveId('$id', split.id ?? 'unique()');
    const perms = normalizePermissions(split.permissions, ROW_ACTIONS, '$permissions') ?? [];
    const data = validateRowData(table, split.data);
    if (table.rows.has(id) || ids.has(id)) fail('row_already_exists', 'Row with the requested ID already exists. Try again with a different ID or use ID.unique() to generate a unique ID.');
    ids.add(id);
    const probe = { $id: id, $sequence: 0, $createdAt: '', $updatedAt: '', $permissions: perms, data };
    guard.check(probe);
    guard.add(probe);
    return { id, perms, data, split };
  });
  const created = prepared.map((p) => insertRow(table, p.id, p.data, p.perms, p.split));
  return answer(c, db, table, created, 'create', 201);
}

/** Matching rows of a bulk update/delete: filters and orders apply, limit only when given. */
function matching(table: TableRecord, queries: unknown): RowRecord[] {
  const list = Array.isArray(queries) ? queries : undefined;
  const q = parseQueries(list, rowQuerySchema(table));
  const limited = (list ?? []).some((s) => typeof s === 'string' && /"method"\s*:\s*"limit"/.test(s));
  if (!limited) q.limit = Number.MAX_SAFE_INTEGER;
  return runQuery(table.rows.values(), q, { get: rowGetter, tiebreakers: [{ attribute: '$sequence', direction: 'asc' }], findById: (id) => table.rows.get(id), label: 'Row' }).items;
}

/** Routes for bulk upsert, update and delete, mounted on the TablesDB app. */
export function rowBulkRoutes(app: Hono<EmulatorEnv>): void {
  const base = '/:databaseId/tables/:tableId/rows';

  app.put(base, WRITE, async (c) => {
    requireKey(c);
    const { db, table } = tableFromPath(c);
    const guard = uniqueGuard(table);
    const seen = new Set<string>();
    const plans = rowsParam(await readBody(c)).map((raw) => {
      const split = splitData(raw, c.get('caller'));
      const id = resolveId('$id', split.id ?? 'unique()');
      if (seen.has(id)) fail('row_already_exists', 'Row with the requested ID already exists. Try again with a different ID or use ID.unique() to generate a unique ID.');
      seen.add(id);
      const existing = table.rows.get(id);
      const perms = normalizePermissions(split.permissions, ROW_ACTIONS, '$permissions');
      const data = validateRowData(table, split.data, existing?.data);
      const probe = { $id: id, $sequence: existing?.$sequence ?? 0, $createdAt: '', $updatedAt: '', $permissions: [], data };
      if (existing) guard.remove(existing);
      guard.check(probe);
      guard.add(probe);
      return { id, existing, perms, data, split };
    });
    const rows = plans.map((p) => {
      if (!p.existing) return insertRow(table, p.id, p.data, p.perms ?? [], p.split);
      const row = p.existing;
      row.data = p.data;
      if (p.perms !== null) row.$permissions = p.perms;
      if (p.split.createdAt) row.$createdAt = p.split.createdAt;
      row.$updatedAt = p.split.updatedAt ?? nextUpdatedAt(row.$updatedAt);
      return row;
    });
    return answer(c, db, table, rows, 'upsert', 201);
  });

  app.patch(base, WRITE, async (c) => {
    requireKey(c);
    const { db, table } = tableFromPath(c);
    const body = await readBody(c);
    const split = splitData(obj(body, 'data') ?? {}, c.get('caller'));
    const targets = matching(table, body.queries);
    const guard = uniqueGuard(table);
    const next = targets.map((row) => {
      const data = validateRowData(table, split.data, row.data);
      guard.remove(row);
      const probe = { ...row, data };
      guard.check(probe);
      guard.add(probe);
      return data;
    });
    targets.forEach((row, i) => {
      row.data = next[i]!;
      row.$updatedAt = split.updatedAt ?? nextUpdatedAt(row.$updatedAt);
    });
    return answer(c, db, table, targets, 'update', 200);
  });

  app.delete(base, WRITE, async (c) => {
    requireKey(c);
    const { db, table } = tableFromPath(c);
    const targets = matching(table, (await readBody(c)).queries);
    for (const row of targets) table.rows.delete(row.$id);
    return answer(c, db, table, targets, 'delete', 200);
  });
}
