/**
 * The forward-only migration runner for Tillgate's MariaDB database.
 *
 * - Files: `migrations/YYYYMMDDHHMMSS_description.sql`, applied in name order, each once.
 * - Bookkeeping: `schema_migrations (version, name, checksum, applied_at, duration_ms)`; the
 *   checksum is the SHA-256 of the file. An applied file whose checksum changed makes the runner
 *   refuse to run, naming the file (forward-only: add a new migration instead of editing).
 * - Concurrency: a MariaDB named lock (`GET_LOCK('tillgate_migrate', 60)`) serializes runners,
 *   so two processes starting together apply each migration once.
 * - Transactions: MariaDB commits DDL implicitly, so a file is not wrapped in a transaction; it
 *   is recorded only after every statement of it succeeded. Keep each file small and idempotent
 *   where possible (`CREATE TABLE IF NOT EXISTS`).
 * - A file holding only comments (as `npm run migrations:new` writes it) is recorded without
 *   sending SQL (MariaDB rejects an empty query).
 * @module
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { AppError } from '../core/errors.js';
import type { LiveColumn } from '../core/mirror/parity.js';
import { ensureDatabase, splitDatabaseUrl, toMysqlUri } from './mariadb.js';

/** `YYYYMMDDHHMMSS_snake_description.sql` */
export const MIGRATION_FILE = /^(\d{14})_([a-z0-9_]+)\.sql$/;
const LOCK_NAME = 'tillgate_migrate';
/** How long a runner waits for another runner's lock, seconds. */
export const LOCK_TIMEOUT_SECONDS = 60;

export interface MigrationFile {
  version: string;
  name: string;
  file: string;
  checksum: string;
  sql: string;
}

export interface AppliedMigration {
  version: string;
  name: string;
  durationMs: number;
}

export interface MigrateOptions {
  /** `mysql://…/<database>`; the database is created when missing. */
  url: string;
  /** Folder of migration files (default: the repository's `migrations/`). */
  dir?: string;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** Reads and checks every migration file of `dir`, sorted by version. */
export async function readMigrations(dir: string): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort();
  const out: MigrationFile[] = [];
  const seen = new Set<string>();
  for (const file of names) {
    const m = MIGRATION_FILE.exec(file);
    if (!m) throw new AppError('VALIDATION_FAILED', `Migration file ${file} is not named YYYYMMDDHHMMSS_description.sql.`);
    if (seen.has(m[1]!)) throw new AppError('CONFLICT', `Two migration files share the version ${m[1]}.`);
    seen.add(m[1]!);
    const sql = await readFile(join(dir, file), 'utf8');
    out.push({ version: m[1]!, name: m[2]!, file, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return out;
}

/**
 * Applies pending migrations.
 * @returns the migrations applied by this run (empty when up to date).
 * @throws AppError CONFLICT when an applied file was edited, or when the lock is not obtained
 *   within {@link LOCK_TIMEOUT_SECONDS}; the SQL error of a failing statement (that file is not recorded).
 */
export async function migrate(options: MigrateOptions): Promise<AppliedMigration[]> {
  const dir = options.dir ?? join(import.meta.dirname, '..', 'migrations');
  const log = options.log ?? (() => undefined);
  const files = await readMigrations(dir);
  await ensureDatabase(options.url);
  const conn = await mysql.createConnection({ uri: toMysqlUri(options.url), multipleStatements: true, timezone: 'Z' });
  try {
    const [lockRows] = await conn.query<mysql.RowDataPacket[]>('SELECT GET_LOCK(?, ?) AS ok', [LOCK_NAME, LOCK_TIMEOUT_SECONDS]);
    if (lockRows[0]?.ok !== 1) throw new AppError('CONFLICT', `Another migration runner held the lock for ${LOCK_TIMEOUT_SECONDS} s.`);
    try {
      await conn.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version CHAR(14) NOT NULL PRIMARY KEY,
        name VARCHAR(255) NOT NULL,
        checksum CHAR(64) NOT NULL,
        applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        duration_ms INT UNSIGNED NOT NULL
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
      const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT version, name, checksum FROM schema_migrations');
      const applied = new Map(rows.map((r) => [String(r.version), String(r.checksum)]));
      for (const f of files) {
        const sum = applied.get(f.version);
        if (sum !== undefined && sum !== f.checksum) {
          throw new AppError('CONFLICT', `Migration ${f.file} was edited after it was applied (checksum differs). Migrations are forward-only: restore the file and add a new migration.`);
        }
      }
      const done: AppliedMigration[] = [];
      for (const f of files.filter((x) => !applied.has(x.version))) {
        const started = performance.now();
        try {
          if (hasStatements(f.sql)) await conn.query(f.sql);
        } catch (e) {
          throw new AppError('INTERNAL', `Migration ${f.file} failed: ${(e as Error).message}`, { cause: e });
        }
        const durationMs = Math.round(performance.now() - started);
        await conn.query('INSERT INTO schema_migrations (version, name, checksum, duration_ms) VALUES (?, ?, ?, ?)', [f.version, f.name, f.checksum, durationMs]);
        log(`applied ${f.file} (${durationMs} ms)`);
        done.push({ version: f.version, name: f.name, durationMs });
      }
      if (done.length === 0) log('schema is up to date');
      return done;
    } finally {
      await conn.query('SELECT RELEASE_LOCK(?)', [LOCK_NAME]).catch(() => undefined);
    }
  } finally {
    await conn.end();
  }
}

/** True when `sql` holds something besides `-- …`, `# …` and `/* … *\/` comments and whitespace. */
export function hasStatements(sql: string): boolean {
  const stripped = sql
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/(^|\n)\s*(--[^\n]*|#[^\n]*)/g, '$1')
    .replace(/[\s;]+/g, '');
  return stripped.length > 0;
}

/**
 * Reads every column of the URL's database from `information_schema.columns`, marking JSON
 * columns (MariaDB reports `JSON` as `longtext` with an automatic `json_valid()` check
 * constraint, which is how they are recognised).
 * @returns columns in table, then ordinal, order; `dataType` lower case.
 */
export async function readLiveColumns(url: string): Promise<LiveColumn[]> {
  const { database } = splitDatabaseUrl(url);
  const conn = await mysql.createConnection({ uri: toMysqlUri(url), timezone: 'Z' });
  try {
    const [rows] = await conn.query<mysql.RowDataPacket[]>(
      `SELECT c.TABLE_NAME AS t, c.COLUMN_NAME AS c, c.DATA_TYPE AS d, c.CHARACTER_MAXIMUM_LENGTH AS l,
              c.DATETIME_PRECISION AS p, c.IS_NULLABLE AS n, k.CHECK_CLAUSE IS NOT NULL AS j
         FROM information_schema.COLUMNS c
         LEFT JOIN information_schema.CHECK_CONSTRAINTS k
           ON k.CONSTRAINT_SCHEMA = c.TABLE_SCHEMA AND k.TABLE_NAME = c.TABLE_NAME
          AND k.CHECK_CLAUSE = CONCAT('json_valid(\`', c.COLUMN_NAME, '\`)')
        WHERE c.TABLE_SCHEMA = ?
        ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION`,
      [database],
    );
    return rows.map((r) => ({
      table: String(r.t),
      column: String(r.c),
      dataType: Number(r.j) === 1 ? 'json' : String(r.d).toLowerCase(),
      maxLength: r.l === null ? null : Number(r.l),
      datetimePrecision: r.p === null ? null : Number(r.p),
      nullable: r.n === 'YES',
    }));
  } finally {
    await conn.end();
  }
}
