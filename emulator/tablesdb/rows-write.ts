/**
 * Writing single rows: create (`POST .../rows` with `rowId` + `data`, 201), update
 * (`PATCH .../rows/{rowId}`, partial, 200), upsert (`PUT .../rows/{rowId}`, 201), delete (204),
 * increment/decrement (`PATCH .../rows/{rowId}/{column}/increment|decrement`, 200). Scopes
 * `rows.write` or `documents.write`. Bulk creation (`rows`) is handled in `rows-bulk.ts`.
 *
 * Permissions for client callers: create needs the table's `create`; update/upsert of an existing
 * row `update`, delete `delete` (table, or row with `rowSecurity`) else 401 `user_unauthorized`.
 * A client may only grant roles it holds; a client-created row without `permissions` gets
 * read/update/delete for its creator (Appwrite `Documents/Create.php`).
 * Events: create → `.create` (legacy name first); update/increment/decrement → `.update`,
 * upsert → `.upsert`, delete → `.delete` (tables/rows name first).
 * @module
 */
import { Hono } from 'hono';
import { requireScope } from '../auth.js';
import type { EmulatorEnv } from '../context.js';
import { AppwriteError, fail, invalidParam } from '../errors.js';
import { ROW_ACTIONS, assertCanGrant, defaultRowPermissions, normalizePermissions, permissionRoles } from '../permissions.js';
import { obj, readBody, type Params } from '../params.js';
import type { DatabaseRecord, RowRecord, TableRecord } from '../state.js';
import { resolveId } from '../util.js';
import type { Ctx } from './common.js';
import { tableFromPath } from './common.js';
import { uniqueGuard } from './indexes.js';
import { rowModel } from './models.js';
import { createRows } from './rows-bulk.js';
import { assertCanCreate, assertRowAllows, emitRow, getRow, insertRow, nextUpdatedAt, splitData } from './row-store.js';
import { validateRowData } from './row-validation.js';

const WRITE = requireScope('rows.write', 'documents.write');

function done(c: Ctx, db: DatabaseRecord, table: TableRecord, row: RowRecord, action: 'create' | 'update' | 'upsert', status: 200 | 201) {
  emitRow(c, db, table, row, action, action === 'create');
  c.get('emu').changed();
  return c.json(rowModel(db.$id, table, row), status);
}

/** Creates one row after permission and schema checks. */
function createOne(c: Ctx, table: TableRecord, id: string, raw: Record<string, unknown>, permsParam: unknown): RowRecord {
  const caller = c.get('caller');
  const roles = permissionRoles(caller);
  const split = splitData(raw, caller);
  const perms = normalizePermissions(permsParam, ROW_ACTIONS) ?? defaultRowPermissions(caller);
  assertCanGrant(perms, roles);
  assertCanCreate(table, roles);
  const data = validateRowData(table, split.data);
  if (table.rows.has(id)) fail('row_already_exists', 'Row with the requested ID already exists. Try again with a different ID or use ID.unique() to generate a unique ID.');
  const guard = uniqueGuard(table);
  guard.check({ $id: id, $sequence: 0, $createdAt: '', $updatedAt: '', data });
  return insertRow(table, id, data, perms, split);
}

/** Applies a partial update to an existing row after permission and schema checks. */
function updateOne(c: Ctx, table: TableRecord, row: RowRecord, raw: Record<string, unknown>, permsParam: unknown): void {
  const caller = c.get('caller');
  const roles = permissionRoles(caller);
  const split = splitData(raw, caller);
  assertRowAllows(table, row, 'update', roles);
  const perms = normalizePermissions(permsParam, ROW_ACTIONS);
  if (perms !== null) assertCanGrant(perms, roles);
  const data = validateRowData(table, split.data, row.data);
  uniqueGuard(table).check({ ...row, data });
  row.data = data;
  if (perms !== null) row.$permissions = perms;
  if (split.createdAt) row.$createdAt = split.createdAt;
  row.$updatedAt = split.updatedAt ?? nextUpdatedAt(row.$updatedAt);
}

function numberParam(p: Params, name: string): number | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw invalidParam(name, 'Value must be a valid number');
  return n;
}

/** Routes for single-row writes, mounted on the TablesDB app. */
export function rowWriteRoutes(app: Hono<EmulatorEnv>): void {
  const base = '/:databaseId/tables/:tableId/rows';

  app.post(base, WRITE, async (c) => {
    const { db, table } = tableFromPath(c);
    const body = await readBody(c);
    const data = obj(body, 'data');
    const hasRows = Array.isArray(body.rows) && body.rows.length > 0;
    if (hasRows && data && Object.keys(data).length > 0) fail('general_bad_request', 'You can only send one of the following parameters: data, rows');
    if (hasRows) return createRows(c, db, table, body);
    if (!data || Object.keys(data).length === 0) fail('row_missing_data', 'The row data is missing. Try again with row data populated');
    if (body.rowId === undefined || body.rowId === null || body.rowId === '') fail('row_missing_data', 'Row ID is required when creating a single row.');
    const id = resolveId('rowId', body.rowId);
    const row = createOne(c, table, id, data, body.permissions);
    return done(c, db, table, row, 'create', 201);
  });

  app.patch(`${base}/:rowId`, WRITE, async (c) => {
    const { db, table } = tableFromPath(c);
    const body = await readBody(c);
    const row = getRow(table, c.req.param('rowId'));
    const data = obj(body, 'data') ?? {};
    if (Object.keys(data).length === 0 && (body.permissions === undefined || body.permissions === null)) {
      fail('row_missing_payload', 'The row data and permissions are missing. You must provide either row data or permissions to be updated.');
    }
    updateOne(c, table, row, data, body.permissions);
    return done(c, db, table, row, 'update', 200);
  });

  app.put(`${base}/:rowId`, WRITE, async (c) => {
    const { db, table } = tableFromPath(c);
    const body = await readBody(c);
    const id = resolveId('rowId', c.req.param('rowId'));
    const data = obj(body, 'data') ?? {};
    const existing = table.rows.get(id);
    let row: RowRecord;
    if (existing) {
      updateOne(c, table, existing, data, body.permissions);
      row = existing;
    } else {
      row = createOne(c, table, id, data, body.permissions);
    }
    return done(c, db, table, row, 'upsert', 201);
  });

  app.delete(`${base}/:rowId`, WRITE, (c) => {
    const { db, table } = tableFromPath(c);
    const row = getRow(table, c.req.param('rowId'));
    assertRowAllows(table, row, 'delete', permissionRoles(c.get('caller')));
    table.rows.delete(row.$id);
    emitRow(c, db, table, row, 'delete', false);
    c.get('emu').changed();
    return c.body(null, 204);
  });

  for (const op of ['increment', 'decrement'] as const) {
    app.patch(`${base}/:rowId/:column/${op}`, WRITE, async (c) => {
      const { db, table } = tableFromPath(c);
      const body = await readBody(c);
      const row = getRow(table, c.req.param('rowId'));
      const key = c.req.param('column');
      const col = table.columns.find((x) => x.key === key);
      if (!col) fail('column_not_found', 'Column with the requested ID could not be found.');
      if ((col.type !== 'integer' && col.type !== 'double') || col.array) throw new AppwriteError('attribute_type_invalid', `Column "${key}" is not a number`);
      const value = numberParam(body, 'value') ?? 1;
      if (value <= 0) throw invalidParam('value', 'Value must be numeric and greater than 0');
      if (col.type === 'integer' && !Number.isInteger(value)) throw invalidParam('value', 'Value must be a valid integer');
      const bound = numberParam(body, op === 'increment' ? 'max' : 'min');
      assertRowAllows(table, row, 'update', permissionRoles(c.get('caller')));
      const current = typeof row.data[key] === 'number' ? (row.data[key] as number) : 0;
      const next = op === 'increment' ? current + value : current - value;
      if (bound !== undefined && (op === 'increment' ? next > bound : next < bound)) {
        throw new AppwriteError('column_value_invalid', `Column "${key}" has reached the ${op === 'increment' ? 'maximum' : 'minimum'} value of ${bound}`);
      }
      row.data = { ...row.data, [key]: next };
      row.$updatedAt = nextUpdatedAt(row.$updatedAt);
      return done(c, db, table, row, 'update', 200);
    });
  }
}
