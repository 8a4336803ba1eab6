/**
 * TablesDB columns: list, create (`POST .../columns/{kind}`, 202), get, update
 * (`PATCH .../columns/{kind}/{key}`), delete (204). Scopes `tables.write|read` or
 * `collections.write|read`. Deleting a column removes its values from every row and the column
 * from every index (an index left without columns is dropped), as Appwrite's database worker does.
 * @module
 */
import { Hono } from 'hono';
import { requireScope } from '../auth.js';
import type { EmulatorEnv } from '../context.js';
import { AppwriteError, fail } from '../errors.js';
import { readBody } from '../params.js';
import type { ColumnRecord, TableRecord } from '../state.js';
import { isoNow } from '../util.js';
import { buildColumn, isColumnKind, updatedColumn } from './column-defs.js';
import { listParams, schemaChanged, tableFromPath } from './common.js';
import { META_SCHEMAS, listMeta } from './list.js';
import { columnModel } from './models.js';

const READ = requireScope('tables.read', 'collections.read');
const WRITE = requireScope('tables.write', 'collections.write');
/** Most columns per table (MariaDB's practical limit as Appwrite reports it). */
export const MAX_COLUMNS = 1017;

function findColumn(table: TableRecord, key: string): ColumnRecord {
  const col = table.columns.find((x) => x.key === key);
  if (!col) fail('column_not_found', 'Column with the requested ID could not be found.');
  return col;
}

/** Adds a built column to a table. @throws AppwriteError 409 `column_already_exists`, 400 `column_limit_exceeded` */
export function addColumn(table: TableRecord, col: ColumnRecord): void {
  if (table.columns.some((x) => x.key === col.key)) fail('column_already_exists', 'Column with the requested key already exists.');
  if (table.columns.length >= MAX_COLUMNS) fail('column_limit_exceeded', 'The maximum number of columns has been reached.');
  table.columns.push(col);
  table.$updatedAt = isoNow();
}

function columnEvent(dbId: string, tableId: string, key: string, action: string): string[] {
  return [`databases.${dbId}.tables.${tableId}.columns.${key}.${action}`, `databases.${dbId}.collections.${tableId}.attributes.${key}.${action}`];
}

/** Routes for columns, mounted on the TablesDB app. */
export function columnRoutes(app: Hono<EmulatorEnv>): void {
  const base = '/:databaseId/tables/:tableId/columns';

  app.get(base, READ, (c) => {
    const { table } = tableFromPath(c);
    const p = listParams(c);
    const res = listMeta(table.columns, {
      ...p,
      attributes: META_SCHEMAS.columns,
      get: (col, a) => (a === 'type' ? columnModel(col).type : (col as unknown as Record<string, unknown>)[a]),
      idOf: (col) => col.key,
    });
    return c.json({ total: res.total, columns: res.items.map(columnModel) });
  });

  app.post(`${base}/:kind`, WRITE, async (c) => {
    const kind = c.req.param('kind');
    if (!isColumnKind(kind)) {
      throw new AppwriteError('general_route_not_found', 'The requested route was not found. Please refer to the API docs and try again.');
    }
    const { db, table } = tableFromPath(c);
    const col = buildColumn(kind, await readBody(c));
    addColumn(table, col);
    schemaChanged(c, columnEvent(db.$id, table.$id, col.key, 'create'), columnModel(col));
    return c.json(columnModel(col), 202);
  });

  app.get(`${base}/:key`, READ, (c) => {
    const { table } = tableFromPath(c);
    return c.json(columnModel(findColumn(table, c.req.param('key'))));
  });

  app.patch(`${base}/:kind/:key`, WRITE, async (c) => {
    const kind = c.req.param('kind');
    if (!isColumnKind(kind)) {
      throw new AppwriteError('general_route_not_found', 'The requested route was not found. Please refer to the API docs and try again.');
    }
    const { db, table } = tableFromPath(c);
    const old = findColumn(table, c.req.param('key'));
    const { col, newKey } = updatedColumn(old, kind, await readBody(c));
    if (newKey !== undefined) {
      if (table.columns.some((x) => x.key === newKey)) fail('column_already_exists', 'Column with the requested key already exists.');
      col.key = newKey;
      for (const row of table.rows.values()) {
        row.data[newKey] = row.data[old.key] ?? null;
        delete row.data[old.key];
      }
      for (const idx of table.indexes) idx.columns = idx.columns.map((k) => (k === old.key ? newKey : k));
    }
    table.columns[table.columns.indexOf(old)] = col;
    table.$updatedAt = isoNow();
    schemaChanged(c, columnEvent(db.$id, table.$id, col.key, 'update'), columnModel(col));
    return c.json(columnModel(col));
  });

  app.delete(`${base}/:key`, WRITE, (c) => {
    const { db, table } = tableFromPath(c);
    const col = findColumn(table, c.req.param('key'));
    table.columns = table.columns.filter((x) => x !== col);
    for (const row of table.rows.values()) delete row.data[col.key];
    table.indexes = table.indexes
      .map((idx) => {
        const keep = idx.columns.map((k, i) => ({ k, i })).filter(({ k }) => k !== col.key);
        return { ...idx, columns: keep.map(({ k }) => k), lengths: keep.map(({ i }) => idx.lengths[i] ?? null), orders: keep.map(({ i }) => idx.orders[i] ?? null) };
      })
      .filter((idx) => idx.columns.length > 0);
    table.$updatedAt = isoNow();
    schemaChanged(c, columnEvent(db.$id, table.$id, col.key, 'delete'), columnModel(col));
    return c.body(null, 204);
  });
}
