/**
 * Appwrite 1.9 response models of TablesDB (`database`, `table`, `column*`, `columnIndex`,
 * `row`), built from state records.
 * @module
 */
import type { ColumnRecord, DatabaseRecord, IndexRecord, RowRecord, TableRecord } from '../state.js';

/** Largest row size Appwrite reports for MariaDB tables, bytes (`bytesMax`). */
export const ROW_BYTES_MAX = 65535;

/** The `database` model. */
export function databaseModel(db: DatabaseRecord): Record<string, unknown> {
  return { $id: db.$id, name: db.name, $createdAt: db.$createdAt, $updatedAt: db.$updatedAt, enabled: db.enabled, type: db.type };
}

/** Approximate bytes a column takes in a MariaDB row (utf8mb4: 4 bytes per char; TEXT types count as pointers). */
function columnBytes(col: ColumnRecord): number {
  if (col.array) return 12;
  switch (col.type) {
    case 'string':
    case 'varchar':
      return (col.size ?? 0) > 16381 ? 12 : (col.size ?? 0) * 4 + 2;
    case 'integer':
    case 'double':
    case 'datetime':
      return 8;
    case 'boolean':
      return 1;
    default:
      return 12;
  }
}

/** The model of one column; its shape depends on type and format (`columnString`, `columnEmail`, ...). */
export function columnModel(col: ColumnRecord): Record<string, unknown> {
  const isStringFormat = col.format !== '';
  const out: Record<string, unknown> = {
    key: col.key,
    type: isStringFormat ? 'string' : col.type,
    status: col.status,
    error: col.error,
    required: col.required,
    array: col.array,
    $createdAt: col.$createdAt,
    $updatedAt: col.$updatedAt,
  };
  if (col.format === 'enum') out.elements = col.elements ?? [];
  if (isStringFormat) out.format = col.format;
  if (col.type === 'datetime') out.format = 'datetime';
  if (!isStringFormat && (col.type === 'string' || col.type === 'varchar')) out.size = col.size ?? 0;
  if (col.type === 'integer' || col.type === 'double') {
    out.min = col.min ?? null;
    out.max = col.max ?? null;
  }
  out.default = col.default ?? null;
  if (!isStringFormat && ['string', 'varchar', 'text', 'mediumtext', 'longtext'].includes(col.type)) out.encrypt = false;
  return out;
}

/** The `columnIndex` model. */
export function indexModel(idx: IndexRecord): Record<string, unknown> {
  return {
    $id: idx.key,
    $createdAt: idx.$createdAt,
    $updatedAt: idx.$updatedAt,
    key: idx.key,
    type: idx.type,
    status: idx.status,
    error: idx.error,
    columns: idx.columns,
    lengths: idx.lengths.map((l) => l ?? 0),
    orders: idx.orders.map((o) => o ?? 'ASC'),
  };
}

/** The `table` model. */
export function tableModel(dbId: string, t: TableRecord): Record<string, unknown> {
  return {
    $id: t.$id,
    $createdAt: t.$createdAt,
    $updatedAt: t.$updatedAt,
    $permissions: t.$permissions,
    databaseId: dbId,
    name: t.name,
    enabled: t.enabled,
    rowSecurity: t.rowSecurity,
    columns: t.columns.map(columnModel),
    indexes: t.indexes.map(indexModel),
    bytesMax: ROW_BYTES_MAX,
    bytesUsed: t.columns.reduce((n, c) => n + columnBytes(c), 0),
  };
}

/**
 * The `row` model: system fields (`$sequence` as a string, as Appwrite 1.9 sends it) and every
 * column (missing values as null, missing arrays as []). With `select`, only the selected columns
 * (system fields are always present).
 */
export function rowModel(dbId: string, table: TableRecord, row: RowRecord, select?: readonly string[] | null): Record<string, unknown> {
  const out: Record<string, unknown> = {
    $id: row.$id,
    $sequence: String(row.$sequence),
    $tableId: table.$id,
    $databaseId: dbId,
    $createdAt: row.$createdAt,
    $updatedAt: row.$updatedAt,
    $permissions: [...row.$permissions],
  };
  const all = !select || select.includes('*');
  for (const col of table.columns) {
    if (!all && !select.includes(col.key)) continue;
    const v = row.data[col.key];
    out[col.key] = v === undefined || v === null ? (col.array ? [] : null) : Array.isArray(v) ? [...(v as unknown[])] : v;
  }
  return out;
}
