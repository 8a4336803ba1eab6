/**
 * Maps an Appwrite Row (or User) model to the values of its typed MariaDB mirror row (issue 8
 * item 1). Pure. Rules:
 * - secrets are stripped first ({@link stripSecrets}): they reach neither a column nor `extra`;
 * - system fields: `$id` → `id`, `$sequence` → `sequence`, `$createdAt`/`$updatedAt` →
 *   `created_at`/`updated_at`, `$permissions` → `row_permissions` (JSON); other `$` fields
 *   (`$tableId`, `$databaseId`, `$collection` of bulk payloads) are not kept;
 * - camelCase keys go to their snake_case columns; datetimes become UTC `Date`s (written as
 *   `DATETIME(3)`), booleans 1/0, arrays and objects JSON text, integers (money in minor units)
 *   exact integers;
 * - an attribute with no live column (unknown to `collections/`, or added there but not yet
 *   migrated, issue 8 item 6), or a value that does not fit its column, is kept in `extra`
 *   (a JSON object) under its Appwrite key, so nothing is lost.
 * @module
 */
import { stripSecrets, type MirrorColumn, type MirrorSourceTable, type MirrorTable } from './schema.js';

/** A value as passed to mysql2 (Dates are written in UTC by a `timezone: 'Z'` pool). */
export type SqlValue = string | number | boolean | Date | null;

/** Thrown when a NOT NULL system value (`$id`, `$createdAt`, …) is missing or invalid. */
export class MirrorMappingError extends Error {
  override name = 'MirrorMappingError';
}

/** Appwrite key held by each system column of the `pos_*` tables. */
const SYSTEM_SOURCE: Readonly<Record<string, string>> = {
  id: '$id',
  sequence: '$sequence',
  created_at: '$createdAt',
  updated_at: '$updatedAt',
  row_permissions: '$permissions',
};
/** Columns filled by the writer, not from the payload. */
const WRITER_COLUMNS = new Set(['extra', 'deleted_at', 'mirrored_at']);

export interface MapRowOptions {
  /** Columns that exist in the live MariaDB table; a typed column missing there goes to `extra`. Default: all. */
  live?: ReadonlySet<string> | undefined;
  /** `deleted_at` value (soft deletes); null for a live row. */
  deletedAt: Date | null;
  /** `mirrored_at` value: when the mirror wrote the row. */
  mirroredAt: Date;
}

export interface MappedRow {
  /** Column → value, for every live column of the table. */
  values: Record<string, SqlValue>;
  /** Values that did not fit their column and were kept in `extra` instead (column: reason). */
  issues: string[];
}

const NOT_CONVERTIBLE = Symbol('not convertible');
type Converted = SqlValue | typeof NOT_CONVERTIBLE;

/** Largest characters of a VARCHAR(n) column, or Infinity for the text types. */
function maxChars(sqlType: string): number {
  const m = /^VARCHAR\((\d+)\)$/.exec(sqlType);
  return m ? Number(m[1]) : Number.POSITIVE_INFINITY;
}

/**
 * Converts one Appwrite value to its MariaDB value by the column's SQL type, or
 * {@link NOT_CONVERTIBLE}. `null`/`undefined` (and `''` for datetimes, which Appwrite's User
 * model uses for "never") become NULL.
 */
function convert(sqlType: string, v: unknown): Converted {
  if (v === undefined || v === null) return null;
  switch (sqlType) {
    case 'JSON':
      return JSON.stringify(v);
    case 'DATETIME(3)': {
      if (v === '') return null;
      if (typeof v !== 'string') return NOT_CONVERTIBLE;
      const ms = Date.parse(v);
      // DATETIME holds years 1000-9999.
      if (Number.isNaN(ms) || ms < -30610224000000 || ms > 253402300799999) return NOT_CONVERTIBLE;
      return new Date(ms);
    }
    case 'TINYINT(1)':
      return typeof v === 'boolean' ? (v ? 1 : 0) : NOT_CONVERTIBLE;
    case 'BIGINT':
      if (typeof v === 'number') return Number.isSafeInteger(v) ? v : NOT_CONVERTIBLE;
      return typeof v === 'string' && /^-?\d{1,18}$/.test(v) ? v : NOT_CONVERTIBLE;
    case 'DOUBLE':
      return typeof v === 'number' && Number.isFinite(v) ? v : NOT_CONVERTIBLE;
    default: {
      if (typeof v !== 'string') return NOT_CONVERTIBLE;
      const limit = maxChars(sqlType);
      return limit === Number.POSITIVE_INFINITY || v.length <= limit || [...v].length <= limit ? v : NOT_CONVERTIBLE;
    }
  }
}

function sourceKeyOf(c: MirrorColumn): string | undefined {
  return c.sourceKey ?? SYSTEM_SOURCE[c.name];
}

/**
 * Maps one resource to its mirror row.
 * @param table the mirror table (`mirrorTableFor(def)` or `APPWRITE_USERS_TABLE`).
 * @param sources the table definitions (`TABLES`), for the secret columns to strip.
 * @param payload the Row or User model as Appwrite returns it.
 * @throws MirrorMappingError when a NOT NULL system column cannot be filled (no `$id`, bad
 *   `$createdAt`, …).
 */
export function mapRow(table: MirrorTable, sources: readonly MirrorSourceTable[], payload: Readonly<Record<string, unknown>>, options: MapRowOptions): MappedRow {
  const data = stripSecrets(table.sourceTableId, payload, sources);
  const values: Record<string, SqlValue> = {};
  const extra: Record<string, unknown> = {};
  const issues: string[] = [];
  const used = new Set<string>();
  const isLive = (name: string) => options.live === undefined || options.live.has(name);

  for (const c of table.columns) {
    if (WRITER_COLUMNS.has(c.name)) continue;
    const key = sourceKeyOf(c);
    if (key === undefined) continue;
    used.add(key);
    const raw = data[key];
    if (!isLive(c.name)) {
      if (c.nullable && raw !== undefined) extra[key] = raw;
      continue;
    }
    const v = convert(c.sqlType, raw);
    if (v === NOT_CONVERTIBLE || (v === null && !c.nullable)) {
      if (!c.nullable) throw new MirrorMappingError(`${table.name}.${c.name}: ${key} ${raw === undefined ? 'is missing' : `is not a valid ${c.sqlType}`}`);
      issues.push(`${c.name}: ${JSON.stringify(raw).slice(0, 80)} does not fit ${c.sqlType}`);
      extra[key] = raw;
      values[c.name] = null;
      continue;
    }
    values[c.name] = v;
  }
  for (const [k, v] of Object.entries(data)) {
    if (k.startsWith('$') || used.has(k) || v === undefined) continue;
    extra[k] = v;
  }
  if (isLive('extra')) values.extra = Object.keys(extra).length > 0 ? JSON.stringify(extra) : null;
  if (isLive('deleted_at')) values.deleted_at = options.deletedAt;
  values.mirrored_at = options.mirroredAt;
  return { values, issues };
}
