/**
 * MariaDB access for Tillgate's own database (mirror tables, audit log, migrations): a mysql2
 * pool configured for UTC (`timezone: 'Z'`), database creation, and a transaction helper.
 * @module
 */
import mysql from 'mysql2/promise';
import { AppError } from '../core/errors.js';

export type Pool = mysql.Pool;
export type PoolConnection = mysql.PoolConnection;

/** mysql2 knows only `mysql:` URLs; the config also accepts `mariadb:` (same meaning). */
export function toMysqlUri(url: string): string {
  return url.replace(/^mariadb:/i, 'mysql:');
}

/**
 * Splits `mysql://user:pass@host:port/db` (or `mariadb://…`) into the server URL (`mysql:`) and
 * the database name.
 * @throws AppError VALIDATION_FAILED when the URL is malformed or names no valid database.
 */
export function splitDatabaseUrl(url: string): { serverUrl: string; database: string } {
  let u: URL;
  try {
    u = new URL(toMysqlUri(url));
  } catch {
    throw new AppError('VALIDATION_FAILED', 'MARIADB_URL is not a valid URL.');
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_$]{1,64}$/.test(database)) {
    throw new AppError('VALIDATION_FAILED', 'MARIADB_URL must name a database of 1-64 characters [A-Za-z0-9_$].');
  }
  u.pathname = '/';
  return { serverUrl: u.toString().replace(/\/$/, ''), database };
}

/** Creates the database of `url` if missing (utf8mb4, unicode collation). */
export async function ensureDatabase(url: string): Promise<void> {
  const { serverUrl, database } = splitDatabaseUrl(url);
  const conn = await mysql.createConnection({ uri: serverUrl, connectTimeout: 5000 });
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await conn.end();
  }
}

/**
 * A pool for `url`. DATETIME values are read and written as UTC (`timezone: 'Z'`), BIGINTs that
 * exceed 2^53 come back as strings, and connections fail fast (connect timeout 5 s).
 */
export function createPool(url: string, size = 10): Pool {
  return mysql.createPool({
    uri: toMysqlUri(url),
    connectionLimit: size,
    timezone: 'Z',
    supportBigNumbers: true,
    connectTimeout: 5000,
    waitForConnections: true,
    charset: 'utf8mb4_unicode_ci',
  });
}

/** Isolation levels a transaction may ask for (MariaDB `SET TRANSACTION ISOLATION LEVEL`). */
export type IsolationLevel = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

/**
 * Runs `fn` in a transaction: commit on success, rollback on any error (rethrown).
 * @param isolation for this transaction only; default: the server's (REPEATABLE READ).
 */
export async function withTransaction<T>(pool: Pool, fn: (conn: PoolConnection) => Promise<T>, isolation?: IsolationLevel): Promise<T> {
  const conn = await pool.getConnection();
  try {
    if (isolation) await conn.query(`SET TRANSACTION ISOLATION LEVEL ${isolation}`);
    await conn.beginTransaction();
    const out = await fn(conn);
    await conn.commit();
    return out;
  } catch (e) {
    await conn.rollback().catch(() => undefined);
    throw e;
  } finally {
    conn.release();
  }
}
