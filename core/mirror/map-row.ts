/**
 * Maps an Appwrite Row (or User) model to the values of its typed MariaDB mirror row (issue 8
 * item 1). Pure. Rules:
 * - secrets are dropped first (the keys `stripSecrets` drops, {@link secretKeys}): they reach
 *   neither a column nor `extra`;
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
import { secretKeys, type MirrorColumn, type MirrorSourceTable, type MirrorTable } from './schema.js';

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
    default:
      return textOfAtMost(v, maxChars(sqlType));
  }
}

/** A string of at most `limit` characters (code points), NULL for null/undefined, else {@link NOT_CONVERTIBLE}. */
function textOfAtMost(v: unknown, limit: number): Converted {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') return NOT_CONVERTIBLE;
  return v.length <= limit || [...v].length <= limit ? v : NOT_CONVERTIBLE;
}

function sourceKeyOf(c: MirrorColumn): string | undefined {
  return c.sourceKey ?? SYSTEM_SOURCE[c.name];
}

/** One column of a {@link Plan}: where its value comes from and how it is converted. */
interface PlannedColumn {
  name: string;
  key: string;
  sqlType: string;
  nullable: boolean;
  live: boolean;
  convert: (v: unknown) => Converted;
}

/** What {@link mapRow} does for one table and one set of live columns, worked out once. */
interface Plan {
  columns: PlannedColumn[];
  /** Appwrite keys held by a column (the rest of the payload goes to `extra`). */
  used: ReadonlySet<string>;
  extraLive: boolean;
  deletedAtLive: boolean;
}

/** The converter of one SQL type ({@link convert} with the VARCHAR limit parsed once; every other type has none). */
function converterFor(sqlType: string): (v: unknown) => Converted {
  const limit = maxChars(sqlType);
  return limit === Number.POSITIVE_INFINITY ? (v) => convert(sqlType, v) : (v) => textOfAtMost(v, limit);
}

/** Plans per table, per live-column set (`undefined`: all columns live); the catalog keeps both objects while the schema is unchanged. */
const plans = new WeakMap<MirrorTable, Map<ReadonlySet<string> | undefined, Plan>>();

function planFor(table: MirrorTable, live: ReadonlySet<string> | undefined): Plan {
  let byLive = plans.get(table);
  if (!byLive) plans.set(table, (byLive = new Map()));
  let plan = byLive.get(live);
  if (plan) return plan;
  const isLive = (name: string) => live === undefined || live.has(name);
  const columns: PlannedColumn[] = [];
  const used = new Set<string>();
  for (const c of table.columns) {
    if (WRITER_COLUMNS.has(c.name)) continue;
    const key = sourceKeyOf(c);
    if (key === undefined) continue;
    used.add(key);
    columns.push({ name: c.name, key, sqlType: c.sqlType, nullable: c.nullable, live: isLive(c.name), convert: converterFor(c.sqlType) });
  }
  plan = { columns, used, extraLive: isLive('extra'), deletedAtLive: isLive('deleted_at') };
  // A live set is replaced (not changed) when the catalog is refreshed; keep only a few per table.
  if (byLive.size >= 8) byLive.clear();
  byLive.set(live, plan);
  return plan;
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
  // Secrets are dropped first (as stripSecrets does): they reach neither a column nor `extra`.
  const secret = secretKeys(table.sourceTableId, sources);
  const own = (key: string): unknown => (secret.has(key) || !Object.hasOwn(payload, key) ? undefined : payload[key]);
  const plan = planFor(table, options.live);
  const values: Record<string, SqlValue> = {};
  let extra: Record<string, unknown> | undefined;
  const issues: string[] = [];

  for (const c of plan.columns) {
    const raw = own(c.key);
    if (!c.live) {
      if (c.nullable && raw !== undefined) (extra ??= {})[c.key] = raw;
      continue;
    }
    const v = c.convert(raw);
    if (v === NOT_CONVERTIBLE || (v === null && !c.nullable)) {
      if (!c.nullable) throw new MirrorMappingError(`${table.name}.${c.name}: ${c.key} ${raw === undefined ? 'is missing' : `is not a valid ${c.sqlType}`}`);
      issues.push(`${c.name}: ${JSON.stringify(raw).slice(0, 80)} does not fit ${c.sqlType}`);
      (extra ??= {})[c.key] = raw;
      values[c.name] = null;
      continue;
    }
    values[c.name] = v;
  }
  for (const k of Object.keys(payload)) {
    if (k.startsWith('$') || plan.used.has(k) || secret.has(k)) continue;
    const v = payload[k];
    if (v !== undefined) (extra ??= {})[k] = v;
  }
  if (plan.extraLive) values.extra = extra !== undefined && Object.keys(extra).length > 0 ? JSON.stringify(extra) : null;
  if (plan.deletedAtLive) values.deleted_at = options.deletedAt;
  values.mirrored_at = options.mirroredAt;
  return { values, issues };
}
