/**
 * Row primitives shared by the row routes: the query schema of a table, permission checks,
 * separating system fields from data, inserting/updating records, and emitting row events.
 * @module
 */
import type { Caller } from '../context.js';
import { AppwriteError, fail } from '../errors.js';
import { allows, unauthorized, type PermissionAction } from '../permissions.js';
import type { AttributeSpec, AttributeType, Getter, QuerySchema } from '../query/index.js';
import type { ColumnRecord, DatabaseRecord, RowRecord, TableRecord } from '../state.js';
import { isoNow, toAppwriteDate } from '../util.js';
import { callerUserId, rowEventNames, type Ctx, type RowAction } from './common.js';
import { rowModel } from './models.js';

/** Appwrite counts at most this many rows for `total` (APP_LIMIT_COUNT). */
export const COUNT_LIMIT = 5000;
/** Most rows one bulk request may carry (APP_LIMIT_DATABASE_BATCH). */
export const BATCH_LIMIT = 100;

const SYSTEM_ATTRS: [string, AttributeSpec][] = [
  ['$id', { type: 'string', array: false }],
  ['$sequence', { type: 'integer', array: false }],
  ['$createdAt', { type: 'datetime', array: false }],
  ['$updatedAt', { type: 'datetime', array: false }],
];

function queryType(col: ColumnRecord): AttributeType {
  if (col.type === 'integer' || col.type === 'double' || col.type === 'boolean' || col.type === 'datetime') return col.type;
  return 'string';
}

/** What row queries may name: system attributes and the table's available columns. */
export function rowQuerySchema(table: TableRecord): QuerySchema {
  const attributes = new Map<string, AttributeSpec>(SYSTEM_ATTRS);
  for (const col of table.columns) if (col.status === 'available') attributes.set(col.key, { type: queryType(col), array: col.array });
  const fulltext = new Set<string>();
  for (const idx of table.indexes) if (idx.type === 'fulltext' && idx.status === 'available') idx.columns.forEach((k) => fulltext.add(k));
  return { attributes, fulltext, resourceLabel: 'Row' };
}

/** Reads an attribute of a row for queries. */
export const rowGetter: Getter<RowRecord> = (row, a) => {
  switch (a) {
    case '$id':
      return row.$id;
    case '$sequence':
      return row.$sequence;
    case '$createdAt':
      return row.$createdAt;
    case '$updatedAt':
      return row.$updatedAt;
    default:
      return row.data[a] ?? null;
  }
};

/** True when the table's permissions grant `action` (API keys: always). */
export function tableAllows(table: TableRecord, action: PermissionAction, roles: ReadonlySet<string> | null): boolean {
  return roles === null || allows(table.$permissions, action, roles);
}

/** True when the table, or (with `rowSecurity`) the row, grants `action`. */
export function rowAllows(table: TableRecord, row: RowRecord, action: PermissionAction, roles: ReadonlySet<string> | null): boolean {
  return tableAllows(table, action, roles) || (table.rowSecurity && allows(row.$permissions, action, roles!));
}

/** @throws AppwriteError 401 `user_unauthorized` unless the caller may `action` the row. */
export function assertRowAllows(table: TableRecord, row: RowRecord, action: PermissionAction, roles: ReadonlySet<string> | null): void {
  if (!rowAllows(table, row, action, roles)) throw unauthorized(action, table.rowSecurity ? [...table.$permissions, ...row.$permissions] : table.$permissions, roles!);
}

/** @throws AppwriteError 401 `user_unauthorized` unless the table grants `create`. */
export function assertCanCreate(table: TableRecord, roles: ReadonlySet<string> | null): void {
  if (!tableAllows(table, 'create', roles)) throw unauthorized('create', table.$permissions, roles!);
}

/** Finds a row. @throws AppwriteError 404 `row_not_found` */
export function getRow(table: TableRecord, id: string): RowRecord {
  const row = table.rows.get(id);
  if (!row) fail('row_not_found', 'Row with the requested ID could not be found.');
  return row;
}

/** System fields a caller may put in `data`, separated from column data. */
export interface SplitData {
  data: Record<string, unknown>;
  id?: unknown;
  permissions?: unknown;
  createdAt?: string;
  updatedAt?: string;
}

const READONLY = new Set(['$sequence', '$tableId', '$databaseId', '$collectionId', '$collection']);

/**
 * Separates `$id`, `$permissions` and (API keys only, as Appwrite's `withPreserveDates`)
 * `$createdAt`/`$updatedAt` from column data; read-only system fields are dropped as Appwrite's
 * `removeReadonlyAttributes` does.
 * @throws AppwriteError 400 `row_invalid_structure` for an unparseable preserved date.
 */
export function splitData(raw: Record<string, unknown>, caller: Caller): SplitData {
  const out: SplitData = { data: {} };
  for (const [k, v] of Object.entries(raw)) {
    if (k === '$id') out.id = v;
    else if (k === '$permissions') out.permissions = v;
    else if (k === '$createdAt' || k === '$updatedAt') {
      if (caller.kind !== 'key' || v === null || v === undefined) continue;
      const d = typeof v === 'string' ? toAppwriteDate(v) : null;
      if (d === null) throw new AppwriteError('row_invalid_structure', `Invalid document structure: Attribute "${k}" has invalid format. Value must be valid date`);
      if (k === '$createdAt') out.createdAt = d;
      else out.updatedAt = d;
    } else if (!READONLY.has(k)) out.data[k] = v;
  }
  return out;
}

/**
 * The `$updatedAt` of a write: now, but always later than `previous` so that consumers ordering
 * versions by `$updatedAt` (the mirror) never see two versions with the same stamp.
 */
export function nextUpdatedAt(previous?: string): string {
  const now = Date.now();
  const prev = previous ? Date.parse(previous) : 0;
  return isoNow(now > prev ? now : prev + 1);
}

/** Inserts a new row record (sequence assigned here, fixed for the row's life). */
export function insertRow(table: TableRecord, id: string, data: Record<string, unknown>, permissions: string[], dates: { createdAt?: string; updatedAt?: string } = {}): RowRecord {
  const now = isoNow();
  const row: RowRecord = {
    $id: id,
    $sequence: table.nextSequence++,
    $createdAt: dates.createdAt ?? now,
    $updatedAt: dates.updatedAt ?? dates.createdAt ?? now,
    $permissions: permissions,
    data,
  };
  table.rows.set(id, row);
  return row;
}

/** Emits one row event with both name families and the Row model as payload. */
export function emitRow(c: Ctx, db: DatabaseRecord, table: TableRecord, row: RowRecord, action: RowAction, legacyFirst: boolean): void {
  c.get('emu').events.emit(rowEventNames(db.$id, table.$id, row.$id, action, legacyFirst), rowModel(db.$id, table, row), callerUserId(c.get('caller')));
}
