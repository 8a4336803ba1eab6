/**
 * Harness of the mirror suites: a fresh emulator with the `pos` schema, a fresh migrated
 * MariaDB database, the `mirror` function registered as the embedded stack registers it, and
 * helpers to reconcile and to read the mirror.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RowDataPacket } from 'mysql2';
import { pino } from 'pino';
import { TABLES } from '../../collections/index.js';
import type { DeliveryOptions } from '../../emulator/events.js';
import { FUNCTIONS } from '../../functions/definitions.js';
import { createMirrorEntry, type MirrorEntryOptions } from '../../functions/mirror/main.js';
import { createPool, type Pool } from '../../infra/mariadb.js';
import { migrate } from '../../infra/migrate.js';
import { loadCatalog, type MirrorCatalog } from '../../infra/mirror/catalog.js';
import { createDeadLetterSink } from '../../infra/mirror/dead-letter.js';
import { createMirrorWriter, type MirrorWriter, type MirrorWriterOptions } from '../../infra/mirror/writer.js';
import { reconcile, type ReconcileReport } from '../../infra/mirror/reconcile.js';
import { appwriteSource, type MirrorSource } from '../../infra/mirror/source.js';
import { syncSchema } from '../../infra/schema-sync/sync.js';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { createTestDatabase, type TestDatabase } from '../support/mariadb.js';

export const silentLog = pino({ level: 'silent' });

export interface MirrorStack {
  emu: TestEmulator;
  db: TestDatabase;
  /** Pool on the mirror database (the test's own, separate from the function's). */
  pool: Pool;
  catalog: MirrorCatalog;
  source: MirrorSource;
  spoolDir: string;
  /** Registers the mirror function (again) with these entry options and MARIADB_URL. */
  registerMirror(options?: MirrorEntryOptions, mariadbUrl?: string): void;
  reconcile(repair?: boolean): Promise<ReconcileReport>;
  stop(): Promise<void>;
}

export interface MirrorStackOptions {
  delivery?: DeliveryOptions;
  /** Register the mirror function (default true). */
  register?: boolean;
  entry?: MirrorEntryOptions;
  /** MariaDB of the mirror (default: a fresh database on the shared test server). */
  mariadbUrl?: string;
}

export async function startMirrorStack(o: MirrorStackOptions = {}): Promise<MirrorStack> {
  const db = await createTestDatabase('tg_mirror');
  const url = o.mariadbUrl ?? db.url;
  await migrate({ url });
  const emu = await startTestEmulator(o.delivery ? { delivery: o.delivery } : {});
  await syncSchema({ tablesDB: emu.tablesDB, databaseId: 'pos', tables: TABLES });
  const pool = createPool(url, 4);
  const catalog = await loadCatalog(pool, TABLES);
  const spoolDir = await mkdtemp(join(tmpdir(), 'tg-mirror-spool-'));
  const def = FUNCTIONS.find((f) => f.$id === 'mirror')!;
  const registerMirror = (options: MirrorEntryOptions = {}, mariadbUrl = url) =>
    emu.emulator.functions.register({
      $id: def.$id,
      name: def.name,
      events: [...def.events],
      scopes: [...def.scopes],
      timeout: def.timeout,
      variables: { MARIADB_URL: mariadbUrl, LOG_LEVEL: 'silent' },
      handler: createMirrorEntry({ spoolDir, ...o.entry, ...options }),
    });
  if (o.register ?? true) registerMirror();
  const source = appwriteSource(emu.tablesDB, emu.users, 'pos');
  return {
    emu,
    db,
    pool,
    catalog,
    source,
    spoolDir,
    registerMirror,
    reconcile: (repair = true) => reconcile({ pool, catalog, source, repair, log: silentLog }),
    async stop() {
      await emu.emulator.functions.idle();
      await pool.end();
      await emu.stop();
      await db.drop();
      await rm(spoolDir, { recursive: true, force: true });
    },
  };
}

/** Harness of the writer suites (no emulator): a fresh migrated MariaDB database, its catalog and a dead-letter spool folder. */
export interface MirrorDatabase {
  db: TestDatabase;
  catalog: MirrorCatalog;
  spoolDir: string;
  /** A mirror writer on this database, with the writer's defaults unless `options` say otherwise. */
  writer(options?: Pick<MirrorWriterOptions, 'lanes' | 'maxBatch'>): MirrorWriter;
  /** Drops the database and removes the spool folder. */
  stop(): Promise<void>;
}

/** Starts a {@link MirrorDatabase}; `name` prefixes the database and the spool folder. */
export async function startMirrorDatabase(name: string): Promise<MirrorDatabase> {
  const db = await createTestDatabase(name);
  await migrate({ url: db.url });
  const catalog = await loadCatalog(db.pool, TABLES);
  const spoolDir = await mkdtemp(join(tmpdir(), `${name}-spool-`));
  return {
    db,
    catalog,
    spoolDir,
    writer: (options = {}) => createMirrorWriter({ pool: db.pool, catalog, log: silentLog, deadLetters: createDeadLetterSink(db.pool, spoolDir, silentLog), ...options }),
    async stop() {
      await db.drop();
      await rm(spoolDir, { recursive: true, force: true });
    },
  };
}

/** `SELECT … ` helper returning plain rows. */
export async function rows(pool: Pool, sql: string, params: unknown[] = []): Promise<RowDataPacket[]> {
  const [r] = await pool.query<RowDataPacket[]>(sql, params);
  return r;
}
