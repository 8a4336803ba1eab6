/**
 * Shared set-up of the mirror commands (`mirror:backfill`, `mirror:reconcile`, `mirror:replay`):
 * config from the environment, the MariaDB pool and catalog, and the Appwrite source: the
 * configured Appwrite (`APPWRITE_ENDPOINT` + `APPWRITE_API_KEY`), else the embedded stack's
 * emulator (`http://127.0.0.1:<EMULATOR_PORT>/v1` with the key kept in `.data/secrets.json`;
 * `npm start` must be running).
 * @module
 */
import { Client, TablesDB, Users } from 'node-appwrite';
import { TABLES } from '../collections/index.js';
import { parseConfig, type Config } from '../core/config.js';
import { createPool, type Pool } from '../infra/mariadb.js';
import { loadCatalog, type MirrorCatalog } from '../infra/mirror/catalog.js';
import { appwriteSource, type MirrorSource } from '../infra/mirror/source.js';
import { loadDevSecrets } from './secrets.js';

export interface MirrorCli {
  config: Config;
  pool: Pool;
  catalog: MirrorCatalog;
  source: MirrorSource;
  close(): Promise<void>;
}

/** Builds the pool, catalog and Appwrite source. @throws ConfigError, or the mysql2 error when MariaDB is unreachable. */
export async function connectMirror(): Promise<MirrorCli> {
  const config = parseConfig(process.env);
  const endpoint = config.APPWRITE_ENDPOINT ?? `http://127.0.0.1:${config.EMULATOR_PORT}/v1`;
  const apiKey = config.APPWRITE_API_KEY ?? loadDevSecrets('.data/secrets.json').EMULATOR_API_KEY;
  const client = new Client().setEndpoint(endpoint).setProject(config.APPWRITE_PROJECT_ID).setKey(apiKey);
  const pool = createPool(config.MARIADB_URL, 4);
  try {
    const catalog = await loadCatalog(pool, TABLES);
    return { config, pool, catalog, source: appwriteSource(new TablesDB(client), new Users(client), config.APPWRITE_DATABASE_ID), close: () => pool.end() };
  } catch (e) {
    await pool.end();
    throw e;
  }
}

/** Prints the error's message (never a stack) and exits with `code`. */
export function fail(e: unknown, code = 2): never {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(code);
}

/** Positive integer option, or the default. @throws Error naming the option. */
export function intOption(name: string, v: string | undefined, def: number, min = 1, max = 5000): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer between ${min} and ${max}`);
  return n;
}
