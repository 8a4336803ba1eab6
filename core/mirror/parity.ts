/**
 * Schema parity between `collections/` and the migrated MariaDB mirror (issue 4 item 4): every
 * column of every collection must have a mirror column of a compatible type, no secret column
 * (PIN material, password hashes) may exist in the mirror, and no mirror column may look like
 * one. Pure: the caller passes the live columns (`infra/migrate.ts` `readLiveColumns`).
 * {@link missingMirrorDdl} turns the gaps into the SQL of a new migration
 * (`npm run migrations:new -- --from-collections`).
 * @module
 */
import {
  addColumnSql,
  APPWRITE_USERS_TABLE,
  createTableSql,
  mirroredColumns,
  mirrorTableName,
  mirrorTables,
  SYSTEM_COLUMNS_HEAD,
  SYSTEM_COLUMNS_TAIL,
  toSnakeCase,
  USER_SECRET_FIELDS,
  USERS_MIRROR_TABLE,
  type MirrorColumn,
  type MirrorSourceColumn,
  type MirrorSourceTable,
} from './schema.js';

/** One column as MariaDB reports it (`information_schema.columns`). */
export interface LiveColumn {
  table: string;
  column: string;
  /**
   * `DATA_TYPE`, lower case: varchar, text, mediumtext, longtext, bigint, int, double, decimal,
   * tinyint, datetime, or `json` for a column carrying MariaDB's `json_valid()` check (MariaDB
   * itself reports JSON as longtext).
   */
  dataType: string;
  /** `CHARACTER_MAXIMUM_LENGTH` for strings. */
  maxLength: number | null;
  /** `DATETIME_PRECISION` for datetimes. */
  datetimePrecision: number | null;
  nullable?: boolean;
}

/** Text capacity in characters of MariaDB's string types (utf8mb4: byte limit / 4). */
const CAPACITY: Record<string, number> = { text: 16383, mediumtext: 4_194_303, longtext: 1_073_741_823 };

/**
 * Column names no mirror table may have: passwords, PINs, secrets, tokens and anything ending in
 * `_hash` (credential, enrollment-code, token, PIN hashes). The audit chain's `hash` column and
 * `password_update` (a date) do not match. Source: issue 8 "Password hashes and PIN material are
 * never mirrored"; PCI DSS v4 8.3.2 (authentication factors unreadable).
 */
export const FORBIDDEN_MIRROR_COLUMN = /(^|_)(password|pin|secret|token)$|^(pin_index|pin_history|hash_options)$|_hash$/;

/** Tables the rule above applies to: the mirror and its bookkeeping, not the audit log. */
const isMirrorTable = (name: string) => name.startsWith('pos_') || name === USERS_MIRROR_TABLE || name.startsWith('mirror_');

function compatible(col: MirrorSourceColumn, live: LiveColumn): string | null {
  const t = live.dataType;
  if (col.array === true) return t === 'json' ? null : `array column needs JSON, found ${t}`;
  switch (col.type) {
    case 'string': {
      const cap = t === 'varchar' || t === 'char' ? (live.maxLength ?? 0) : CAPACITY[t];
      if (cap === undefined) return `string column needs VARCHAR/TEXT, found ${t}`;
      const need = col.format === 'enum' ? Math.max(...(col.elements ?? ['x']).map((e) => e.length)) : (col.size ?? 255);
      return cap >= need ? null : `holds ${cap} characters, the collection allows ${need}`;
    }
    case 'integer':
      return t === 'bigint' || (t === 'decimal' && !col.money) ? null : `integer column needs BIGINT${col.money ? ' (money in minor units)' : ''}, found ${t}`;
    case 'double':
      return ['double', 'decimal'].includes(t) ? null : `double column needs DOUBLE/DECIMAL, found ${t}`;
    case 'boolean':
      return t === 'tinyint' ? null : `boolean column needs TINYINT(1), found ${t}`;
    case 'datetime':
      return t === 'datetime' && live.datetimePrecision === 3 ? null : `datetime column needs DATETIME(3) (UTC, ms), found ${t}(${live.datetimePrecision ?? ''})`;
  }
}

/** The `DATA_TYPE` MariaDB reports for a mirror column's DDL type (JSON as `json`, see {@link LiveColumn}). */
function expectedDataType(sqlType: string): string {
  return sqlType.replace(/\(.*$/, '').toLowerCase();
}

function groupByTable(live: readonly LiveColumn[]): Map<string, Map<string, LiveColumn>> {
  const byTable = new Map<string, Map<string, LiveColumn>>();
  for (const c of live) {
    const cols = byTable.get(c.table) ?? new Map<string, LiveColumn>();
    cols.set(c.column, c);
    byTable.set(c.table, cols);
  }
  return byTable;
}

/**
 * @param tables the collection definitions (`TABLES`).
 * @param live the migrated database's columns.
 * @returns every mismatch as a sentence naming table and column; empty when the mirror fits.
 */
export function compareSchema(tables: readonly MirrorSourceTable[], live: readonly LiveColumn[]): string[] {
  const byTable = groupByTable(live);
  const problems: string[] = [];
  for (const table of tables) {
    const name = mirrorTableName(table.$id);
    const cols = byTable.get(name);
    if (!cols) {
      problems.push(`mirror table ${name} for collection ${table.$id} is missing`);
      continue;
    }
    for (const col of mirroredColumns(table)) {
      const liveCol = cols.get(toSnakeCase(col.key));
      if (!liveCol) {
        problems.push(`${name}.${toSnakeCase(col.key)} for ${table.$id}.${col.key} is missing`);
        continue;
      }
      const why = compatible(col, liveCol);
      if (why) problems.push(`${name}.${liveCol.column} for ${table.$id}.${col.key}: ${why}`);
    }
    for (const col of table.columns.filter((c) => c.secret === true)) {
      if (cols.has(toSnakeCase(col.key))) problems.push(`${name}.${toSnakeCase(col.key)} mirrors the secret column ${table.$id}.${col.key}`);
    }
    for (const sys of [...SYSTEM_COLUMNS_HEAD, ...SYSTEM_COLUMNS_TAIL]) {
      const liveCol = cols.get(sys.name);
      if (!liveCol) problems.push(`${name}.${sys.name} (system column) is missing`);
      else if (liveCol.dataType !== expectedDataType(sys.sqlType)) {
        problems.push(`${name}.${sys.name} (system column) needs ${sys.sqlType}, found ${liveCol.dataType}`);
      } else if (sys.sqlType === 'DATETIME(3)' && liveCol.datetimePrecision !== 3) {
        problems.push(`${name}.${sys.name} (system column) needs DATETIME(3), found precision ${liveCol.datetimePrecision ?? 'none'}`);
      }
    }
  }
  const users = byTable.get(USERS_MIRROR_TABLE);
  if (!users) problems.push(`mirror table ${USERS_MIRROR_TABLE} is missing`);
  else {
    for (const f of USER_SECRET_FIELDS) if (users.has(toSnakeCase(f))) problems.push(`${USERS_MIRROR_TABLE}.${toSnakeCase(f)} would mirror a password secret`);
    for (const c of APPWRITE_USERS_TABLE.columns) {
      const liveCol = users.get(c.name);
      if (!liveCol) problems.push(`${USERS_MIRROR_TABLE}.${c.name} is missing`);
      else if (liveCol.dataType !== expectedDataType(c.sqlType)) problems.push(`${USERS_MIRROR_TABLE}.${c.name} needs ${c.sqlType}, found ${liveCol.dataType}`);
    }
  }
  for (const c of live) {
    if (isMirrorTable(c.table) && FORBIDDEN_MIRROR_COLUMN.test(c.column)) {
      problems.push(`${c.table}.${c.column} looks like credential material, which is never mirrored`);
    }
  }
  return [...new Set(problems)];
}

/**
 * The SQL that brings a migrated database up to the mirror schema of `tables`: `CREATE TABLE`
 * for a missing mirror table, `ALTER TABLE … ADD COLUMN` (placed after the previous expected
 * column) for a missing column. It only adds: a changed type or a dropped column needs a
 * hand-written migration (forward-only, nothing is dropped automatically).
 * @returns statements, empty when nothing is missing.
 */
export function missingMirrorDdl(tables: readonly MirrorSourceTable[], live: readonly LiveColumn[]): string[] {
  const byTable = groupByTable(live);
  const out: string[] = [];
  for (const t of mirrorTables(tables)) {
    const cols = byTable.get(t.name);
    if (!cols) {
      out.push(createTableSql(t));
      continue;
    }
    let previous: MirrorColumn | undefined;
    for (const c of t.columns) {
      if (!cols.has(c.name)) {
        if (previous === undefined) out.push(addColumnSql(t.name, c, t.columns[0]!.name).replace(/ AFTER .*;$/, ' FIRST;'));
        else out.push(addColumnSql(t.name, c, previous.name));
      }
      previous = c;
    }
  }
  return out;
}
