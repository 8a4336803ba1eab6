/**
 * Harness of the Sakila import suites: the Sakila files loaded into a fresh MariaDB schema
 * (`sakila_t_<random>`, dropped afterwards), and a stack to import into: a fresh emulator with
 * the `pos` schema, a fresh migrated MariaDB database, optionally Tillgate's functions registered
 * as the embedded stack registers them (the `mirror` function then writes `pos_*` into that
 * database), and optionally the gateway on the same emulator, database and a unique Redis prefix.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mysql from 'mysql2/promise';
import { pino } from 'pino';
import { TABLES } from '../../collections/index.js';
import { parseConfig, type Config } from '../../core/config.js';
import { startGateway, type RunningGateway } from '../../gateway/server.js';
import { createAppwriteAdmin, type AppwriteAdmin } from '../../infra/appwrite.js';
import { DEFAULT_SAKILA_DIR, loadSakila } from '../../infra/import/sakila/loader.js';
import { createSakilaReader, type SakilaReader } from '../../infra/import/sakila/reader.js';
import { runSakilaImport, type SakilaImportOptions, type SakilaImportResult } from '../../infra/import/sakila/run.js';
import { verifySakilaParity, type ParityResult } from '../../infra/import/sakila/verify.js';
import { createPool, type Pool } from '../../infra/mariadb.js';
import { migrate } from '../../infra/migrate.js';
import { loadCatalog } from '../../infra/mirror/catalog.js';
import { appwriteSource } from '../../infra/mirror/source.js';
import { createPinHasher, type PinHasher } from '../../infra/pin-hasher.js';
import { syncSchema } from '../../infra/schema-sync/sync.js';
import { registerEmbeddedFunctions } from '../../scripts/embedded-functions.js';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { createTestDatabase, MARIADB_SERVER_URL, type TestDatabase } from '../support/mariadb.js';
import { createTestRedis, type TestRedis } from '../support/redis.js';

export const SAKILA_DIR = resolve(import.meta.dirname, '../..', DEFAULT_SAKILA_DIR);
export const PEPPER = 'sakila-test-pepper-'.padEnd(40, 'p');
const CHECKPOINT_KEY = 'sakila-test-checkpoint-'.padEnd(40, 'k');

/** A loaded Sakila schema of its own. */
export interface TestSakila {
  schema: string;
  reader: SakilaReader;
  drop(): Promise<void>;
}

export async function loadTestSakila(): Promise<TestSakila> {
  const schema = `sakila_t_${randomBytes(5).toString('hex')}`;
  await loadSakila({ serverUrl: MARIADB_SERVER_URL, schema, dir: SAKILA_DIR });
  const reader = createSakilaReader(MARIADB_SERVER_URL, schema);
  return {
    schema,
    reader,
    async drop() {
      await reader.close();
      const c = await mysql.createConnection(MARIADB_SERVER_URL);
      await c.query(`DROP DATABASE IF EXISTS \`${schema}\``);
      await c.end();
    },
  };
}

export interface ImportStack {
  emu: TestEmulator;
  db: TestDatabase;
  admin: AppwriteAdmin;
  /** Pool on the stack's MariaDB database (the mirror). */
  pool: Pool;
  hasher: PinHasher;
  pinsFile: string;
  gateway?: RunningGateway;
  config?: Config;
  /** Runs the import with this stack's Appwrite, pepper and PIN file. */
  runImport(sakila: TestSakila, options?: Partial<SakilaImportOptions>): Promise<SakilaImportResult>;
  /** The parity check (short settle wait: tests wait for the functions themselves). */
  verify(sakila: TestSakila): Promise<ParityResult>;
  /** Rows of a `pos` table in the emulator (exact, uncapped). */
  rowCount(tableId: string): number;
  /** Sends a request to the gateway. */
  request<T = Record<string, unknown>>(method: string, path: string, opts?: { jwt?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

export interface ImportStackOptions {
  /**
   * Functions on the emulator's events: `all` as the embedded stack registers them (mirror, audit,
   * rbac-guard, pin-login; the default), `mirror` (registered the same way, then the others
   * removed), or `none` (every event is lost; only the reconcile sweep fills the mirror).
   */
  functions?: 'all' | 'mirror' | 'none';
  /** Start the gateway on the stack; default false. */
  gateway?: boolean;
}

export async function startImportStack(o: ImportStackOptions = {}): Promise<ImportStack> {
  const db = await createTestDatabase('tg_sakila');
  await migrate({ url: db.url });
  const emu = await startTestEmulator();
  const admin = createAppwriteAdmin({ endpoint: emu.endpoint, projectId: emu.projectId, apiKey: emu.apiKey });
  await syncSchema({ tablesDB: admin.tablesDB, databaseId: 'pos', tables: TABLES });
  const functions = o.functions ?? 'all';
  const redis: TestRedis | undefined = functions !== 'none' || o.gateway ? await createTestRedis() : undefined;
  if (functions !== 'none') {
    const ids = registerEmbeddedFunctions(emu.emulator, { MARIADB_URL: db.url, REDIS_URL: redis!.url, REDIS_KEY_PREFIX: redis!.prefix, LOG_LEVEL: 'silent', PIN_PEPPER: PEPPER, AUDIT_CHECKPOINT_KEY: CHECKPOINT_KEY });
    if (functions === 'mirror') for (const id of ids) if (id !== 'mirror') emu.emulator.functions.unregister(id);
  }
  let gateway: RunningGateway | undefined;
  let config: Config | undefined;
  if (o.gateway) {
    config = parseConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', MARIADB_URL: db.url, REDIS_URL: redis!.url, REDIS_KEY_PREFIX: redis!.prefix, PIN_PEPPER: PEPPER, AUDIT_CHECKPOINT_KEY: CHECKPOINT_KEY, PIN_BCRYPT_COST: '4', AUTH_RATE_LIMIT: '10000', API_RATE_LIMIT: '100000' });
    gateway = await startGateway(config, { endpoint: emu.endpoint, projectId: emu.projectId, apiKey: emu.apiKey }, pino({ level: 'silent' }));
  }
  const pool = createPool(db.url, 4);
  const hasher = createPinHasher({ threads: 2, cost: 4 });
  const pinsDir = await mkdtemp(join(tmpdir(), 'tg-sakila-pins-'));
  const pinsFile = join(pinsDir, 'sakila-pins.json');
  const stack: ImportStack = {
    emu,
    db,
    admin,
    pool,
    hasher,
    pinsFile,
    ...(gateway ? { gateway } : {}),
    ...(config ? { config } : {}),
    runImport: (sakila, options = {}) => runSakilaImport({ appwrite: admin, databaseId: 'pos', reader: sakila.reader, hasher, pepper: PEPPER, pinCost: 4, pinsFile, ...options }),
    async verify(sakila) {
      const catalog = await loadCatalog(pool, TABLES);
      return verifySakilaParity({ reader: sakila.reader, pool, catalog, source: appwriteSource(admin.tablesDB, admin.users, 'pos'), waitMs: 5_000, quietMs: 300 });
    },
    rowCount: (tableId) => emu.emulator.state.databases.get('pos')!.tables.get(tableId)!.rows.size,
    async request(method, path, opts = {}) {
      const res = await fetch(`${gateway!.url}${path}`, {
        method,
        headers: { ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }), ...(opts.jwt ? { authorization: `Bearer ${opts.jwt}` } : {}), ...opts.headers },
        ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : {}) as never };
    },
    async stop() {
      await emu.emulator.functions.idle();
      await gateway?.stop();
      await hasher.close();
      await pool.end();
      await emu.stop();
      await db.drop();
      await redis?.cleanup();
      await rm(pinsDir, { recursive: true, force: true });
    },
  };
  return stack;
}
