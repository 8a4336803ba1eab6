/**
 * The mirror catalog: for each mirror source (an Appwrite table id, or `users`) its MariaDB
 * table from `collections/` (core/mirror/schema.ts) and the columns that exist in the live
 * database right now. A column declared in `collections/` but not migrated yet is absent from
 * `live`, so its values are kept in `extra` until `npm run migrate` adds it (issue 8 item 6).
 * @module
 */
import type { RowDataPacket } from 'mysql2';
import { mirrorTables, USERS_SOURCE_ID, type MirrorSourceTable, type MirrorTable } from '../../core/mirror/schema.js';
import type { Pool } from '../mariadb.js';

export interface CatalogEntry {
  /** Appwrite table id, or `users`. */
  source: string;
  table: MirrorTable;
  /** Column names present in the live table (empty when the table does not exist). */
  live: ReadonlySet<string>;
  /** The table has a `sequence` column (every `pos_*` table; `appwrite_users` has none). */
  hasSequence: boolean;
}

export interface MirrorCatalog {
  /** Table definitions (`TABLES`), for stripping secret columns. */
  readonly sources: readonly MirrorSourceTable[];
  /** Entry of an Appwrite table id or `users`, or undefined for a table not in `collections/`. */
  entry(source: string): CatalogEntry | undefined;
  /** Entry by MariaDB table name (`pos_sales`, `appwrite_users`). */
  byTableName(name: string): CatalogEntry | undefined;
  entries(): CatalogEntry[];
  /** Re-reads the live columns (after a migration or an unknown-column error). */
  refresh(): Promise<void>;
  /** True while the live columns are assumed from `collections/` because MariaDB could not be read. */
  readonly stale: boolean;
}

export interface LoadCatalogOptions {
  /**
   * When MariaDB cannot be read, assume every declared column exists instead of failing, and
   * mark the catalog {@link MirrorCatalog.stale} (a function cold-started during an outage must
   * still queue and retry its change). Default false.
   */
  assumeDeclaredOnFailure?: boolean;
}

/** Reads the live columns of every table of the pool's current database. */
async function readLive(pool: Pool): Promise<Map<string, Set<string>>> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()');
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    const set = out.get(String(r.t)) ?? new Set<string>();
    set.add(String(r.c));
    out.set(String(r.t), set);
  }
  return out;
}

/**
 * Loads the catalog once (one `information_schema` query).
 * @param tables the table definitions (`TABLES` of `collections/`).
 * @throws the mysql2 error when MariaDB cannot be reached (unless `assumeDeclaredOnFailure`).
 */
export async function loadCatalog(pool: Pool, tables: readonly MirrorSourceTable[], options: LoadCatalogOptions = {}): Promise<MirrorCatalog> {
  const defs = mirrorTables(tables);
  let stale = false;
  let entries = new Map<string, CatalogEntry>();
  let byName = new Map<string, CatalogEntry>();
  const build = (live: Map<string, Set<string>>) => {
    entries = new Map();
    byName = new Map();
    for (const table of defs) {
      const cols = live.get(table.name) ?? new Set<string>();
      const e: CatalogEntry = { source: table.sourceTableId, table, live: cols, hasSequence: table.sourceTableId !== USERS_SOURCE_ID && cols.has('sequence') };
      entries.set(e.source, e);
      byName.set(table.name, e);
    }
  };
  try {
    build(await readLive(pool));
  } catch (e) {
    if (options.assumeDeclaredOnFailure !== true) throw e;
    stale = true;
    build(new Map(defs.map((t) => [t.name, new Set(t.columns.map((c) => c.name))])));
  }
  return {
    sources: tables,
    entry: (source) => entries.get(source),
    byTableName: (name) => byName.get(name),
    entries: () => [...entries.values()],
    async refresh() {
      build(await readLive(pool));
      stale = false;
    },
    get stale() {
      return stale;
    },
  };
}
