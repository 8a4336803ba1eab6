/**
 * Schema parity between `collections/` and the migrated MariaDB mirror (issue 4 item 4): every
 * column of every collection must have a mirror column of a compatible type, and no secret
 * column (PIN material, password hashes) may exist in the mirror. Pure: the caller passes the
 * live columns read from `information_schema.columns`.
 * @module
 */
import { mirroredColumns, mirrorTableName, toSnakeCase, USER_SECRET_FIELDS, USERS_MIRROR_TABLE, type MirrorSourceColumn, type MirrorSourceTable } from './schema.js';

/** One column as MariaDB reports it (`information_schema.columns`). */
export interface LiveColumn {
  table: string;
  column: string;
  /** `DATA_TYPE`, lower case: varchar, text, mediumtext, longtext, bigint, int, double, decimal, tinyint, datetime, json (MariaDB reports JSON as longtext). */
  dataType: string;
  /** `CHARACTER_MAXIMUM_LENGTH` for strings. */
  maxLength: number | null;
  /** `DATETIME_PRECISION` for datetimes. */
  datetimePrecision: number | null;
}

/** Text capacity in characters of MariaDB's string types. */
const CAPACITY: Record<string, number> = { text: 16383, mediumtext: 4_194_303, longtext: 1_073_741_823 };

function compatible(col: MirrorSourceColumn, live: LiveColumn): string | null {
  const t = live.dataType;
  if (col.array === true) return t === 'json' || t === 'longtext' ? null : `array column needs JSON, found ${t}`;
  switch (col.type) {
    case 'string': {
      const cap = t === 'varchar' || t === 'char' ? (live.maxLength ?? 0) : CAPACITY[t];
      if (cap === undefined) return `string column needs VARCHAR/TEXT, found ${t}`;
      const need = col.format === 'enum' ? Math.max(...(col.elements ?? ['x']).map((e) => e.length)) : (col.size ?? 255);
      return cap >= need ? null : `holds ${cap} characters, the collection allows ${need}`;
    }
    case 'integer':
      return ['bigint', 'decimal'].includes(t) || (t === 'int' && !col.money) ? null : `integer column needs BIGINT${col.money ? ' (money in minor units)' : ''}, found ${t}`;
    case 'double':
      return ['double', 'decimal'].includes(t) ? null : `double column needs DOUBLE/DECIMAL, found ${t}`;
    case 'boolean':
      return t === 'tinyint' ? null : `boolean column needs TINYINT(1), found ${t}`;
    case 'datetime':
      return t === 'datetime' && live.datetimePrecision === 3 ? null : `datetime column needs DATETIME(3) (UTC, ms), found ${t}(${live.datetimePrecision ?? ''})`;
  }
}

/**
 * @returns every mismatch as a sentence naming table and column; empty when the mirror fits.
 */
export function compareSchema(tables: readonly MirrorSourceTable[], live: readonly LiveColumn[]): string[] {
  const byTable = new Map<string, Map<string, LiveColumn>>();
  for (const c of live) {
    const cols = byTable.get(c.table) ?? new Map<string, LiveColumn>();
    cols.set(c.column, c);
    byTable.set(c.table, cols);
  }
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
    for (const sys of ['id', 'sequence', 'created_at', 'updated_at', 'deleted_at', 'extra']) {
      if (!cols.has(sys)) problems.push(`${name}.${sys} (system column) is missing`);
    }
  }
  const users = byTable.get(USERS_MIRROR_TABLE);
  if (!users) problems.push(`mirror table ${USERS_MIRROR_TABLE} is missing`);
  else for (const f of USER_SECRET_FIELDS) if (users.has(toSnakeCase(f))) problems.push(`${USERS_MIRROR_TABLE}.${toSnakeCase(f)} would mirror a password secret`);
  return problems;
}
