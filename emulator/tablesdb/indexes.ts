/**
 * TablesDB indexes: list, create (202), get, delete (204), and unique-index enforcement for row
 * writes. Types `key`, `unique`, `fulltext` (string columns only); `spatial` is refused (the
 * emulator has no spatial columns). Creating a unique index over duplicate data answers 202 and
 * leaves the index `failed` with an error, as Appwrite's asynchronous index worker does; a failed
 * index enforces nothing. Unique checks ignore rows with a NULL in any indexed column (MariaDB).
 * @module
 */
import { Hono } from 'hono';
import { requireScope } from '../auth.js';
import type { EmulatorEnv } from '../context.js';
import { AppwriteError, fail, invalidParam } from '../errors.js';
import { readBody, reqStr, strArray, type Params } from '../params.js';
import type { IndexRecord, RowRecord, TableRecord } from '../state.js';
import { isoNow, isValidUid } from '../util.js';
import { listParams, schemaChanged, tableFromPath } from './common.js';
import { META_SCHEMAS, listMeta } from './list.js';
import { indexModel } from './models.js';

const READ = requireScope('tables.read', 'collections.read');
const WRITE = requireScope('tables.write', 'collections.write');
const SYSTEM = new Set(['$id', '$createdAt', '$updatedAt', '$sequence']);
/** Most indexes per table (MariaDB allows 64; Appwrite reserves some for system columns). */
export const MAX_INDEXES = 58;

/** The value of `key` in a row for index purposes (system columns included). */
export function indexValue(row: Pick<RowRecord, '$id' | '$createdAt' | '$updatedAt' | '$sequence' | 'data'>, key: string): unknown {
  if (SYSTEM.has(key)) return row[key as '$id'];
  return row.data[key] ?? null;
}

/** The unique-index tuple of a row, or null when any part is NULL (never conflicts). */
function tupleKey(idx: IndexRecord, row: Pick<RowRecord, '$id' | '$createdAt' | '$updatedAt' | '$sequence' | 'data'>): string | null {
  const vals = idx.columns.map((k) => indexValue(row, k));
  if (vals.some((v) => v === null || v === undefined)) return null;
  return JSON.stringify(vals);
}

/**
 * Unique-index lookups for a batch of writes: built once per request in O(rows), then kept up
 * to date with {@link UniqueGuard.add}/{@link UniqueGuard.remove}.
 */
export interface UniqueGuard {
  /** @throws AppwriteError 409 `row_already_exists` when `row` collides with another row on a unique index. */
  check(row: Pick<RowRecord, '$id' | '$createdAt' | '$updatedAt' | '$sequence' | 'data'>): void;
  add(row: RowRecord): void;
  remove(row: RowRecord): void;
}

/** Builds a {@link UniqueGuard} for the table's available unique indexes. */
export function uniqueGuard(table: TableRecord): UniqueGuard {
  const indexes = table.indexes.filter((i) => i.type === 'unique' && i.status === 'available');
  const maps = indexes.map((idx) => {
    const m = new Map<string, string>();
    for (const row of table.rows.values()) {
      const k = tupleKey(idx, row);
      if (k !== null) m.set(k, row.$id);
    }
    return m;
  });
  return {
    check(row) {
      indexes.forEach((idx, i) => {
        const k = tupleKey(idx, row);
        const owner = k === null ? undefined : maps[i]!.get(k);
        if (owner !== undefined && owner !== row.$id) {
          // Appwrite 1.9.6 answers a unique-index conflict with row_already_exists (later servers: row_unique_constraint_violation).
          fail('row_already_exists', 'Row with the requested ID already exists. Try again with a different ID or use ID.unique() to generate a unique ID.');
        }
      });
    },
    add(row) {
      indexes.forEach((idx, i) => {
        const k = tupleKey(idx, row);
        if (k !== null) maps[i]!.set(k, row.$id);
      });
    },
    remove(row) {
      indexes.forEach((idx, i) => {
        const k = tupleKey(idx, row);
        if (k !== null && maps[i]!.get(k) === row.$id) maps[i]!.delete(k);
      });
    },
  };
}

/**
 * Builds and adds an index from create params (`key`, `type`, `columns`, `orders`, `lengths`).
 * @throws AppwriteError 409 `index_already_exists`, 400 `column_unknown`, `index_invalid`,
 *   `index_limit_exceeded`, `general_argument_invalid`
 */
export function addIndex(table: TableRecord, p: Params): IndexRecord {
  const key = reqStr(p, 'key');
  if (!isValidUid(key)) throw invalidParam('key', 'Parameter must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, period, hyphen, and underscore. Can\'t start with a special char');
  const type = reqStr(p, 'type');
  if (!['key', 'unique', 'fulltext', 'spatial'].includes(type)) throw invalidParam('type', 'Value must be one of (key, fulltext, unique, spatial)');
  if (type === 'spatial') fail('index_invalid', 'Spatial indexes require a spatial column; the emulator has none.');
  const columns = strArray(p, 'columns', { required: true, maxItems: 100 })!;
  if (columns.length === 0) throw invalidParam('columns', 'Value must be a valid array and at least 1 element');
  const orders = strArray(p, 'orders', { maxItems: 100 }) ?? [];
  if (orders.some((o) => o !== 'ASC' && o !== 'DESC')) throw invalidParam('orders', 'Value must be one of (ASC, DESC)');
  const rawLengths = p.lengths;
  const lengths: (number | null)[] = Array.isArray(rawLengths) ? rawLengths.map((l) => (typeof l === 'number' && Number.isInteger(l) && l > 0 ? l : null)) : [];
  if (table.indexes.some((i) => i.key === key)) fail('index_already_exists', 'Index with the requested key already exists.');
  if (table.indexes.length >= MAX_INDEXES) fail('index_limit_exceeded', 'Index limit exceeded');
  for (const k of columns) {
    if (SYSTEM.has(k)) continue;
    const col = table.columns.find((x) => x.key === k);
    if (!col) throw new AppwriteError('column_unknown', `Unknown column: ${k}. Verify the column name or create the column.`);
    if (type === 'fulltext' && !['string', 'varchar', 'text', 'mediumtext', 'longtext'].includes(col.type)) {
      fail('index_invalid', `Attribute "${k}" cannot be part of a fulltext index, must be of type string`);
    }
  }
  const now = isoNow();
  const idx: IndexRecord = {
    key,
    type: type as IndexRecord['type'],
    status: 'available',
    error: '',
    columns,
    lengths: columns.map((_, i) => lengths[i] ?? null),
    orders: columns.map((_, i) => (orders[i] as 'ASC' | 'DESC' | undefined) ?? null),
    $createdAt: now,
    $updatedAt: now,
  };
  if (type === 'unique') {
    const seen = new Set<string>();
    for (const row of table.rows.values()) {
      const k = tupleKey(idx, row);
      if (k === null) continue;
      if (seen.has(k)) {
        idx.status = 'failed';
        idx.error = `Duplicate entry for unique index "${key}": ${k}`;
        break;
      }
      seen.add(k);
    }
  }
  table.indexes.push(idx);
  table.$updatedAt = now;
  return idx;
}

/** Routes for indexes, mounted on the TablesDB app. */
export function indexRoutes(app: Hono<EmulatorEnv>): void {
  const base = '/:databaseId/tables/:tableId/indexes';
  const names = (db: string, t: string, k: string, a: string) => [`databases.${db}.tables.${t}.indexes.${k}.${a}`, `databases.${db}.collections.${t}.indexes.${k}.${a}`];
  const find = (table: TableRecord, key: string) => {
    const idx = table.indexes.find((i) => i.key === key);
    if (!idx) fail('index_not_found', 'Index with the requested ID could not be found.');
    return idx;
  };

  app.get(base, READ, (c) => {
    const { table } = tableFromPath(c);
    const res = listMeta(table.indexes, { ...listParams(c), attributes: META_SCHEMAS.indexes, get: (i, a) => (i as unknown as Record<string, unknown>)[a], idOf: (i) => i.key });
    return c.json({ total: res.total, indexes: res.items.map(indexModel) });
  });

  app.post(base, WRITE, async (c) => {
    const { db, table } = tableFromPath(c);
    const idx = addIndex(table, await readBody(c));
    schemaChanged(c, names(db.$id, table.$id, idx.key, 'create'), indexModel(idx));
    return c.json(indexModel(idx), 202);
  });

  app.get(`${base}/:key`, READ, (c) => c.json(indexModel(find(tableFromPath(c).table, c.req.param('key')))));

  app.delete(`${base}/:key`, WRITE, (c) => {
    const { db, table } = tableFromPath(c);
    const idx = find(table, c.req.param('key'));
    table.indexes = table.indexes.filter((i) => i !== idx);
    table.$updatedAt = isoNow();
    schemaChanged(c, names(db.$id, table.$id, idx.key, 'delete'), indexModel(idx));
    return c.body(null, 204);
  });
}
