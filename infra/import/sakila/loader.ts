/**
 * Loads the Sakila SQL files into a MariaDB schema with the `mariadb` command-line client (the
 * files use `DELIMITER` blocks for triggers and routines and hold a binary staff picture, which
 * only the client handles as the dump intends; datasets/sakila/README.md). The files name the
 * schema `sakila`; another schema name (tests) is substituted in the stream, touching only the
 * `DROP SCHEMA` / `CREATE SCHEMA` / `USE` statements and `sakila.` qualifiers. The bytes are
 * passed through as latin1, so nothing in the data is re-encoded.
 *
 * "Loaded" means: the schema exists and the last table the data file fills holds rows. The
 * client stops at the first error and the file fills its tables in order, so an interrupted or
 * failed load is seen as incomplete and loaded again (the schema file drops the schema first).
 * @module
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RowDataPacket } from 'mysql2';
import type mysql from 'mysql2/promise';
import { AppError } from '../../../core/errors.js';

/** Where the dataset lives: the copy kept in the repository (`datasets/sakila/`, BSD licence text at the top of each file). */
export const DEFAULT_SAKILA_DIR = join(import.meta.dirname, '..', '..', '..', 'datasets', 'sakila');
export const SCHEMA_FILE = 'sakila-schema.sql';
export const DATA_FILE = 'sakila-data.sql';

/** Tables the import reads; all must exist for the source to count as present. */
export const REQUIRED_TABLES = ['store', 'staff', 'address', 'city', 'country', 'customer', 'film', 'inventory', 'payment'] as const;

/** A MariaDB schema name the loader accepts (letters, digits, `_`, at most 64). */
export const SCHEMA_NAME = /^[A-Za-z0-9_]{1,64}$/;

export interface SourceState {
  exists: boolean;
  complete: boolean;
  /** Why it is not complete, for the log. */
  reason?: string;
}

/**
 * The last table the data file inserts into (it is filled last).
 * @throws AppError VALIDATION_FAILED when the file cannot be read or holds no INSERT.
 */
export function lastLoadedTable(dataFile: string): string {
  let text: string;
  try {
    text = readFileSync(dataFile, 'latin1');
  } catch (e) {
    throw new AppError('VALIDATION_FAILED', `the Sakila data file ${dataFile} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}); pass --sakila-dir`, { cause: e });
  }
  const names = [...text.matchAll(/^INSERT INTO `?([A-Za-z0-9_]+)`?/gm)].map((m) => m[1]!);
  const last = names.at(-1);
  if (!last) throw new AppError('VALIDATION_FAILED', `${dataFile} holds no INSERT statements: is it the Sakila data file?`);
  return last;
}

/** Whether `schema` exists and holds a complete load. */
export async function inspectSource(conn: mysql.Pool | mysql.Connection, schema: string, dataFile: string): Promise<SourceState> {
  const [tables] = await conn.query<RowDataPacket[]>('SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [schema]);
  if (tables.length === 0) {
    const [s] = await conn.query<RowDataPacket[]>('SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [schema]);
    return s.length ? { exists: true, complete: false, reason: 'the schema is empty' } : { exists: false, complete: false, reason: 'the schema does not exist' };
  }
  const have = new Set(tables.map((r) => String(r.t)));
  const missing = REQUIRED_TABLES.filter((t) => !have.has(t));
  if (missing.length) return { exists: true, complete: false, reason: `tables missing: ${missing.join(', ')}` };
  const last = lastLoadedTable(dataFile);
  if (!have.has(last)) return { exists: true, complete: false, reason: `table ${last} is missing` };
  const [rows] = await conn.query<RowDataPacket[]>(`SELECT 1 FROM \`${schema}\`.\`${last}\` LIMIT 1`);
  return rows.length ? { exists: true, complete: true } : { exists: true, complete: false, reason: `table ${last} (filled last) is empty: an interrupted load` };
}

/** The SQL text with the schema `sakila` renamed to `schema` (identity for `sakila`). */
export function renameSchema(sql: string, schema: string): string {
  if (schema === 'sakila') return sql;
  return sql
    .replace(/^(DROP SCHEMA IF EXISTS|CREATE SCHEMA|USE)\s+`?sakila`?\s*;/gm, `$1 \`${schema}\`;`)
    .replace(/\bsakila\.(?=[A-Za-z_`])/g, `\`${schema}\`.`);
}

export interface ClientConnection {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** Host, port, user and password of a `mysql://` / `mariadb://` URL. */
export function clientConnection(url: string): ClientConnection {
  const u = new URL(url.replace(/^mariadb:/i, 'mysql:'));
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || 3306), user: decodeURIComponent(u.username || 'root'), password: decodeURIComponent(u.password) };
}

/** Runs one SQL text through the client; the password goes by environment, never argv. */
function runClient(binary: string, c: ClientConnection, sql: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [`--host=${c.host}`, `--port=${c.port}`, `--user=${c.user}`, '--default-character-set=utf8mb4', '--batch'], {
      env: { ...process.env, MYSQL_PWD: c.password },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new AppError('DEPENDENCY_UNAVAILABLE', `the ${binary} client failed (exit ${code}): ${stderr.trim() || 'no message'}`));
    });
    child.stdin.on('error', () => undefined); // the close handler reports the client's own error
    child.stdin.end(Buffer.from(sql, 'latin1'));
  });
}

export interface LoadOptions {
  /** Server URL (`mysql://user:pass@host:port`); the database part is ignored. */
  serverUrl: string;
  schema: string;
  /** Folder holding {@link SCHEMA_FILE} and {@link DATA_FILE}. */
  dir: string;
  /** Client binaries tried in order (default `mariadb`, then `mysql`). */
  clients?: readonly string[];
}

/**
 * Loads both files into `schema` (dropping it first, as the schema file does).
 * @throws AppError VALIDATION_FAILED (bad schema name, files missing), DEPENDENCY_UNAVAILABLE
 *   (no client installed, or the client failed: its message is included).
 */
export async function loadSakila(o: LoadOptions): Promise<void> {
  if (!SCHEMA_NAME.test(o.schema)) throw new AppError('VALIDATION_FAILED', `"${o.schema}" is not a valid schema name`);
  let schemaSql: string;
  let dataSql: string;
  try {
    schemaSql = readFileSync(join(o.dir, SCHEMA_FILE), 'latin1');
    dataSql = readFileSync(join(o.dir, DATA_FILE), 'latin1');
  } catch (e) {
    throw new AppError('VALIDATION_FAILED', `the Sakila files are not in ${o.dir} (${SCHEMA_FILE}, ${DATA_FILE}); pass --sakila-dir`, { cause: e });
  }
  const conn = clientConnection(o.serverUrl);
  const clients = o.clients ?? ['mariadb', 'mysql'];
  for (const [i, binary] of clients.entries()) {
    try {
      await runClient(binary, conn, renameSchema(schemaSql, o.schema));
      await runClient(binary, conn, renameSchema(dataSql, o.schema));
      return;
    } catch (e) {
      const notInstalled = (e as NodeJS.ErrnoException).code === 'ENOENT';
      if (notInstalled && i < clients.length - 1) continue;
      if (notInstalled) throw new AppError('DEPENDENCY_UNAVAILABLE', `no MariaDB client found (tried ${clients.join(', ')}): install mariadb-client`, { cause: e });
      throw e;
    }
  }
}
