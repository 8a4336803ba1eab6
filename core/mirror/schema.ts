/**
 * The MariaDB mirror schema, derived from the `collections/` definitions: the single place where
 * an Appwrite table id or camelCase column key is translated into a MariaDB table or snake_case
 * column name, and where Appwrite column types become MariaDB types. Pure: no I/O.
 *
 * Rules (DESIGN.md "Mirror", issue 4 item 4, issue 8):
 * - one table `pos_<tableId>` per Appwrite table, plus `appwrite_users`;
 * - system columns `id` (the `$id`), `sequence`, `created_at`, `updated_at` (the version guard),
 *   `row_permissions` (the `$permissions`; not `permissions`, which is a column of `roles`), then
 *   one typed column per collection column, then `extra` (attributes not yet
 *   in the mirror schema), `deleted_at` (soft deletes) and `mirrored_at`;
 * - columns flagged `secret` (password hashes, PIN material, credential and token hashes) are
 *   never mirrored ("Password hashes and PIN material are never mirrored", issue 8);
 * - every typed column is NULL-able: a row mirrored before a column existed must still fit.
 *
 * `core` cannot import `collections/` (dependency rule), so every function takes the table
 * definitions as a parameter; their shape is {@link MirrorSourceTable}, which the
 * `collections/` definitions satisfy structurally.
 * @module
 */

/** Appwrite column types the Appwrite CLI 12 can create (DESIGN.md "Appwrite facts"). */
export type AppwriteColumnType = 'string' | 'integer' | 'double' | 'boolean' | 'datetime';

/** The part of a collection column definition the mirror needs. */
export interface MirrorSourceColumn {
  key: string;
  type: AppwriteColumnType;
  /** Maximum length in characters (strings only). */
  size?: number | undefined;
  array?: boolean | undefined;
  format?: string | undefined;
  elements?: readonly string[] | undefined;
  /** Never mirrored, never sent to the audit log. */
  secret?: boolean | undefined;
  /** An amount in minor currency units (integer cents). */
  money?: boolean | undefined;
}

/** The part of a collection index definition the mirror needs. */
export interface MirrorSourceIndex {
  key: string;
  type: string;
  columns: readonly string[];
}

/** The part of a table definition the mirror needs. */
export interface MirrorSourceTable {
  $id: string;
  columns: readonly MirrorSourceColumn[];
  indexes?: readonly MirrorSourceIndex[] | undefined;
  mirror: { deletes: 'hard' | 'soft' };
}

/** A column of a mirror table. */
export interface MirrorColumn {
  name: string;
  /** MariaDB type as written in DDL, e.g. `VARCHAR(36)`, `DATETIME(3)`, `JSON`. */
  sqlType: string;
  nullable: boolean;
  /** The Appwrite key it holds (camelCase), or undefined for system columns. */
  sourceKey?: string | undefined;
}

/** A mirror table derived from one Appwrite table. */
export interface MirrorTable {
  name: string;
  sourceTableId: string;
  columns: readonly MirrorColumn[];
  /** Non-unique secondary indexes: `[indexName, columnNames]`. */
  indexes: readonly (readonly [string, readonly string[]])[];
  deletes: 'hard' | 'soft';
}

/** Longest string kept in a `VARCHAR` (16383 utf8mb4 characters = 65532 bytes, the row limit). */
export const MAX_VARCHAR_CHARS = 16383;
/** Capacity in utf8mb4 characters of MariaDB's text types (byte limits / 4 bytes per char). */
export const TEXT_CAPACITY_CHARS = { text: 16383, mediumtext: 4194303, longtext: 1073741823 } as const;

/** Pseudo table id of Appwrite users in {@link stripSecrets} and the mirror (`appwrite_users`). */
export const USERS_SOURCE_ID = 'users';
/** MariaDB table holding the Appwrite users. */
export const USERS_MIRROR_TABLE = 'appwrite_users';
/** Fields of the Appwrite User model (and session/token payloads) that are never stored. */
export const USER_SECRET_FIELDS: readonly string[] = ['password', 'hash', 'hashOptions', 'secret'];

/** Names of the system columns every `pos_*` mirror table has, in order. */
export const SYSTEM_COLUMNS_HEAD: readonly MirrorColumn[] = [
  { name: 'id', sqlType: 'VARCHAR(36)', nullable: false },
  { name: 'sequence', sqlType: 'BIGINT', nullable: false },
  { name: 'created_at', sqlType: 'DATETIME(3)', nullable: false },
  { name: 'updated_at', sqlType: 'DATETIME(3)', nullable: false },
  { name: 'row_permissions', sqlType: 'JSON', nullable: true },
];
/** System columns that follow the typed columns. */
export const SYSTEM_COLUMNS_TAIL: readonly MirrorColumn[] = [
  { name: 'extra', sqlType: 'JSON', nullable: true },
  { name: 'deleted_at', sqlType: 'DATETIME(3)', nullable: true },
  { name: 'mirrored_at', sqlType: 'DATETIME(3)', nullable: false },
];
/** Column names a collection column may not map onto. */
export const RESERVED_COLUMN_NAMES: ReadonlySet<string> = new Set(
  [...SYSTEM_COLUMNS_HEAD, ...SYSTEM_COLUMNS_TAIL].map((c) => c.name),
);

/**
 * camelCase (or already snake_case) key → snake_case name: `pinMinLength` → `pin_min_length`,
 * `legacyFilmId` → `legacy_film_id`, `ipAddress` → `ip_address`, `HTTPCode` → `http_code`.
 */
export function toSnakeCase(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9_]/g, '_')
    .toLowerCase();
}

/** `stores` → `pos_stores`. Appwrite ids allow `.` and `-`, which become `_`. */
export function mirrorTableName(tableId: string): string {
  return `pos_${toSnakeCase(tableId)}`;
}

/**
 * MariaDB type of one collection column. Strings of at most {@link MAX_VARCHAR_CHARS} characters
 * become `VARCHAR(size)`, longer ones `MEDIUMTEXT`/`LONGTEXT`; enums `VARCHAR(longest element)`;
 * integers `BIGINT` (Appwrite integers are 64-bit; money is integer minor units); doubles
 * `DOUBLE`; booleans `TINYINT(1)`; datetimes `DATETIME(3)` in UTC; arrays `JSON`.
 */
export function mirrorColumnType(column: MirrorSourceColumn): string {
  if (column.array === true) return 'JSON';
  switch (column.type) {
    case 'string': {
      if (column.format === 'enum') {
        const longest = Math.max(1, ...(column.elements ?? []).map((e) => e.length));
        return `VARCHAR(${longest})`;
      }
      const size = column.size ?? 255;
      if (size <= MAX_VARCHAR_CHARS) return `VARCHAR(${size})`;
      return size <= TEXT_CAPACITY_CHARS.mediumtext ? 'MEDIUMTEXT' : 'LONGTEXT';
    }
    case 'integer':
      return 'BIGINT';
    case 'double':
      return 'DOUBLE';
    case 'boolean':
      return 'TINYINT(1)';
    case 'datetime':
      return 'DATETIME(3)';
  }
}

/** The collection columns that are mirrored (every column not flagged `secret`). */
export function mirroredColumns(table: MirrorSourceTable): MirrorSourceColumn[] {
  return table.columns.filter((c) => c.secret !== true);
}

/** Largest VARCHAR (characters) the mirror indexes: 768 utf8mb4 chars = InnoDB's 3072-byte key limit. */
const MAX_INDEXED_VARCHAR = 768;

function isIndexable(c: MirrorSourceColumn): boolean {
  if (c.array === true) return false;
  const m = /^VARCHAR\((\d+)\)$/.exec(mirrorColumnType(c));
  if (c.type === 'string') return m !== null && Number(m[1]) <= MAX_INDEXED_VARCHAR;
  return true;
}

/**
 * Derives the mirror table of one Appwrite table. The collection's indexes become non-unique
 * keys (a mirror applies events out of order, so a transient duplicate must not be refused);
 * indexes on secret, array or long text columns and fulltext indexes are skipped.
 */
export function mirrorTableFor(table: MirrorSourceTable): MirrorTable {
  const cols = mirroredColumns(table);
  const typed: MirrorColumn[] = cols.map((c) => ({
    name: toSnakeCase(c.key),
    sqlType: mirrorColumnType(c),
    nullable: true,
    sourceKey: c.key,
  }));
  const byKey = new Map(cols.map((c) => [c.key, c]));
  const indexes: [string, string[]][] = [];
  for (const idx of table.indexes ?? []) {
    if (idx.type === 'fulltext') continue;
    const parts = idx.columns.map((k) => byKey.get(k));
    if (!parts.every((c) => c !== undefined && isIndexable(c))) continue;
    indexes.push([`idx_${toSnakeCase(idx.key).replace(/_unique$/, '')}`, idx.columns.map(toSnakeCase)]);
  }
  return {
    name: mirrorTableName(table.$id),
    sourceTableId: table.$id,
    columns: [...SYSTEM_COLUMNS_HEAD, ...typed, ...SYSTEM_COLUMNS_TAIL],
    indexes,
    deletes: table.mirror.deletes,
  };
}

/**
 * The `appwrite_users` mirror table: the Appwrite User model without `password`, `hash` and
 * `hashOptions` (issue 4 item 4: "no password hashes, ever").
 */
export const APPWRITE_USERS_TABLE: MirrorTable = {
  name: USERS_MIRROR_TABLE,
  sourceTableId: USERS_SOURCE_ID,
  columns: [
    { name: 'id', sqlType: 'VARCHAR(36)', nullable: false, sourceKey: '$id' },
    { name: 'name', sqlType: 'VARCHAR(128)', nullable: true, sourceKey: 'name' },
    { name: 'email', sqlType: 'VARCHAR(320)', nullable: true, sourceKey: 'email' },
    { name: 'phone', sqlType: 'VARCHAR(32)', nullable: true, sourceKey: 'phone' },
    { name: 'status', sqlType: 'TINYINT(1)', nullable: true, sourceKey: 'status' },
    { name: 'labels', sqlType: 'JSON', nullable: true, sourceKey: 'labels' },
    { name: 'email_verification', sqlType: 'TINYINT(1)', nullable: true, sourceKey: 'emailVerification' },
    { name: 'phone_verification', sqlType: 'TINYINT(1)', nullable: true, sourceKey: 'phoneVerification' },
    { name: 'mfa', sqlType: 'TINYINT(1)', nullable: true, sourceKey: 'mfa' },
    { name: 'registration', sqlType: 'DATETIME(3)', nullable: true, sourceKey: 'registration' },
    { name: 'password_update', sqlType: 'DATETIME(3)', nullable: true, sourceKey: 'passwordUpdate' },
    { name: 'accessed_at', sqlType: 'DATETIME(3)', nullable: true, sourceKey: 'accessedAt' },
    { name: 'created_at', sqlType: 'DATETIME(3)', nullable: false, sourceKey: '$createdAt' },
    { name: 'updated_at', sqlType: 'DATETIME(3)', nullable: false, sourceKey: '$updatedAt' },
    { name: 'prefs', sqlType: 'JSON', nullable: true, sourceKey: 'prefs' },
    ...SYSTEM_COLUMNS_TAIL,
  ],
  indexes: [['idx_email', ['email']]],
  deletes: 'hard',
};

/** Every mirror table: one per Appwrite table, then `appwrite_users`. */
export function mirrorTables(tables: readonly MirrorSourceTable[]): MirrorTable[] {
  return [...tables.map(mirrorTableFor), APPWRITE_USERS_TABLE];
}

/**
 * Returns a copy of `data` without the fields that must never leave Appwrite: for
 * {@link USERS_SOURCE_ID} the User model's `password`, `hash`, `hashOptions` (and a session or
 * token `secret`); for a table, every column flagged `secret` in its definition. Unknown tables
 * keep their data (there is nothing declared to strip). Does not mutate `data`.
 * @param tableId Appwrite table id, or `'users'` for a user payload.
 * @param tables the table definitions (`TABLES` of `collections/`).
 */
export function stripSecrets(
  tableId: string,
  data: Readonly<Record<string, unknown>>,
  tables: readonly MirrorSourceTable[],
): Record<string, unknown> {
  const drop = secretKeys(tableId, tables);
  const out: Record<string, unknown> = {};
  for (const k in data) if (Object.hasOwn(data, k) && !drop.has(k)) out[k] = data[k];
  return out;
}

const USER_SECRETS: ReadonlySet<string> = new Set(USER_SECRET_FIELDS);
/** Secret keys per table id, per table list (the definitions are immutable once loaded). */
const secretKeysCache = new WeakMap<readonly MirrorSourceTable[], Map<string, ReadonlySet<string>>>();

/**
 * The keys {@link stripSecrets} drops for `tableId`: the User model's secret fields for
 * {@link USERS_SOURCE_ID}, a table's `secret` columns, none for an unknown table. Computed once
 * per table list (the definitions are not changed once loaded).
 */
export function secretKeys(tableId: string, tables: readonly MirrorSourceTable[]): ReadonlySet<string> {
  if (tableId === USERS_SOURCE_ID) return USER_SECRETS;
  let byTable = secretKeysCache.get(tables);
  if (!byTable) secretKeysCache.set(tables, (byTable = new Map()));
  let keys = byTable.get(tableId);
  if (!keys) byTable.set(tableId, (keys = new Set((tables.find((t) => t.$id === tableId)?.columns ?? []).filter((c) => c.secret === true).map((c) => c.key))));
  return keys;
}

const quote = (name: string): string => `\`${name.replace(/`/g, '``')}\``;

/** One column's DDL fragment, e.g. `` `store_id` VARCHAR(36) NULL`` (the table's utf8mb4 charset applies). */
export function columnDdl(c: MirrorColumn): string {
  return `${quote(c.name)} ${c.sqlType} ${c.nullable ? 'NULL' : 'NOT NULL'}`;
}

/** `CREATE TABLE IF NOT EXISTS` for one mirror table (InnoDB, utf8mb4, primary key `id`). */
export function createTableSql(t: MirrorTable): string {
  const lines = t.columns.map((c) => `  ${columnDdl(c)}`);
  lines.push('  PRIMARY KEY (`id`)');
  lines.push('  KEY `idx_updated_at` (`updated_at`)');
  for (const [name, cols] of t.indexes) lines.push(`  KEY ${quote(name)} (${cols.map(quote).join(', ')})`);
  return `CREATE TABLE IF NOT EXISTS ${quote(t.name)} (\n${lines.join(',\n')}\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;`;
}

/**
 * `ALTER TABLE … ADD COLUMN IF NOT EXISTS …` (MariaDB 10.0.2+ syntax), placed after `after`, so a
 * re-run after a partial failure is harmless.
 */
export function addColumnSql(table: string, c: MirrorColumn, after: string): string {
  return `ALTER TABLE ${quote(table)} ADD COLUMN IF NOT EXISTS ${columnDdl(c)} AFTER ${quote(after)};`;
}
