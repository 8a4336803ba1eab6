/**
 * A fresh MariaDB database per test file on the real server (never mocked).
 * `MARIADB_TEST_URL` overrides the server (default `mysql://root@127.0.0.1:3306`).
 */
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

export const MARIADB_SERVER_URL = process.env.MARIADB_TEST_URL ?? 'mysql://root@127.0.0.1:3306';

export interface TestDatabase {
  /** Database name, `tg_test_<random>`. */
  name: string;
  /** `mysql://…/<name>` URL for the code under test. */
  url: string;
  pool: mysql.Pool;
  /** Drops the database and closes the pool. */
  drop(): Promise<void>;
}

/** Creates an empty database with a random name. */
export async function createTestDatabase(prefix = 'tg_test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = await mysql.createConnection(MARIADB_SERVER_URL);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const url = `${MARIADB_SERVER_URL.replace(/\/$/, '')}/${name}`;
  const pool = mysql.createPool({ uri: url, connectionLimit: 10, timezone: 'Z', dateStrings: false });
  return {
    name,
    url,
    pool,
    async drop() {
      await pool.end();
      const c = await mysql.createConnection(MARIADB_SERVER_URL);
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}
