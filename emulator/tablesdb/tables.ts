/**
 * TablesDB tables: list, create (201; 1.9's inline `columns` and `indexes` accepted), get,
 * update (`name`, `permissions`, `rowSecurity`, `enabled`; omitted values are kept), delete (204).
 * Scopes `tables.read|write` or `collections.read|write`.
 * @module
 */
import { Hono } from 'hono';
import { requireScope } from '../auth.js';
import type { EmulatorEnv } from '../context.js';
import { fail, invalidParam } from '../errors.js';
import { TABLE_ACTIONS, normalizePermissions } from '../permissions.js';
import { bool, readBody, reqStr, str, type Params } from '../params.js';
import type { TableRecord } from '../state.js';
import { isoNow, resolveId } from '../util.js';
import { buildColumn, isColumnKind } from './column-defs.js';
import { addColumn } from './columns.js';
import { getDatabase, getTable, listParams, schemaChanged } from './common.js';
import { NAME_MAX } from './databases.js';
import { addIndex } from './indexes.js';
import { META_SCHEMAS, listMeta } from './list.js';
import { tableModel } from './models.js';

const READ = requireScope('tables.read', 'collections.read');
const WRITE = requireScope('tables.write', 'collections.write');

const tableEvents = (db: string, t: string, action: string) => [`databases.${db}.tables.${t}.${action}`, `databases.${db}.collections.${t}.${action}`];

function objects(p: Params, name: string): Params[] {
  const v = p[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x))) throw invalidParam(name, 'Value must be a valid array of objects');
  return v as Params[];
}

/** Applies inline column definitions (`{ key, type, size, required, default, array, min, max, elements, format }`). */
function inlineColumns(table: TableRecord, defs: Params[]): void {
  for (const d of defs) {
    const raw = typeof d.type === 'string' ? d.type : '';
    const kind = raw === 'double' ? 'float' : raw === 'string' && typeof d.format === 'string' && d.format !== '' ? d.format : raw;
    if (!isColumnKind(kind)) throw invalidParam('columns', `Unsupported column type "${raw}"`);
    addColumn(table, buildColumn(kind, { required: false, ...d }));
  }
}

/** Routes for tables, mounted on the TablesDB app. */
export function tableRoutes(app: Hono<EmulatorEnv>): void {
  app.get('/:databaseId/tables', READ, (c) => {
    const db = getDatabase(c, c.req.param('databaseId'));
    const res = listMeta([...db.tables.values()], {
      ...listParams(c),
      attributes: META_SCHEMAS.tables,
      get: (t, a) => (t as unknown as Record<string, unknown>)[a],
      idOf: (t) => t.$id,
      searchText: (t) => `${t.$id} ${t.name}`,
    });
    return c.json({ total: res.total, tables: res.items.map((t) => tableModel(db.$id, t)) });
  });

  app.post('/:databaseId/tables', WRITE, async (c) => {
    const db = getDatabase(c, c.req.param('databaseId'));
    const body = await readBody(c);
    const id = resolveId('tableId', body.tableId);
    const name = reqStr(body, 'name', { max: NAME_MAX });
    const permissions = normalizePermissions(body.permissions, TABLE_ACTIONS) ?? [];
    if (db.tables.has(id)) fail('table_already_exists', 'Table with the requested ID already exists. Try again with a different ID or use ID.unique() to generate a unique ID.');
    const now = isoNow();
    const table: TableRecord = {
      $id: id,
      $createdAt: now,
      $updatedAt: now,
      name,
      enabled: bool(body, 'enabled') ?? true,
      rowSecurity: bool(body, 'rowSecurity') ?? false,
      $permissions: permissions,
      columns: [],
      indexes: [],
      nextSequence: 1,
      rows: new Map(),
    };
    inlineColumns(table, objects(body, 'columns'));
    for (const idx of objects(body, 'indexes')) addIndex(table, idx);
    db.tables.set(id, table);
    schemaChanged(c, tableEvents(db.$id, id, 'create'), tableModel(db.$id, table));
    return c.json(tableModel(db.$id, table), 201);
  });

  app.get('/:databaseId/tables/:tableId', READ, (c) => {
    const db = getDatabase(c, c.req.param('databaseId'));
    return c.json(tableModel(db.$id, getTable(c, db, c.req.param('tableId'))));
  });

  app.put('/:databaseId/tables/:tableId', WRITE, async (c) => {
    const db = getDatabase(c, c.req.param('databaseId'));
    const table = getTable(c, db, c.req.param('tableId'));
    const body = await readBody(c);
    const name = str(body, 'name', { max: NAME_MAX });
    if (name !== undefined) table.name = reqStr(body, 'name', { max: NAME_MAX });
    const permissions = normalizePermissions(body.permissions, TABLE_ACTIONS);
    if (permissions !== null) table.$permissions = permissions;
    table.rowSecurity = bool(body, 'rowSecurity') ?? table.rowSecurity;
    table.enabled = bool(body, 'enabled') ?? table.enabled;
    table.$updatedAt = isoNow();
    schemaChanged(c, tableEvents(db.$id, table.$id, 'update'), tableModel(db.$id, table));
    return c.json(tableModel(db.$id, table));
  });

  app.delete('/:databaseId/tables/:tableId', WRITE, (c) => {
    const db = getDatabase(c, c.req.param('databaseId'));
    const table = getTable(c, db, c.req.param('tableId'));
    db.tables.delete(table.$id);
    schemaChanged(c, tableEvents(db.$id, table.$id, 'delete'), tableModel(db.$id, table));
    return c.body(null, 204);
  });
}
