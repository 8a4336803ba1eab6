/**
 * `npm start`: the embedded stack in one process. Starts the Appwrite emulator (unless
 * `APPWRITE_ENDPOINT` is set), syncs the schema, migrates MariaDB, registers the functions on
 * emulated events, seeds the demo store when empty, starts the gateway and the periodic mirror
 * reconcile (every `RECONCILE_INTERVAL_SECONDS`, 0 = off), prints a banner with the URLs, and
 * shuts down gracefully on SIGINT/SIGTERM (drain requests, wait for event deliveries and a
 * running reconcile sweep, flush the data file).
 * @module
 */
import { parseConfig, type Config } from '../core/config.js';
import { ConfigError } from '../core/errors.js';
import { createLogger } from '../infra/logger.js';
import type { AppwriteConnection } from '../infra/appwrite.js';
import { startEmulator, type RunningEmulator } from '../emulator/server.js';
import { startGateway } from '../gateway/server.js';
import { DATABASE_NAME, TABLES } from '../collections/index.js';
import { createAppwriteAdmin } from '../infra/appwrite.js';
import { migrate } from '../infra/migrate.js';
import { createPinHasher } from '../infra/pin-hasher.js';
import { seedDemo } from '../infra/seed/demo.js';
import { syncSchema } from '../infra/schema-sync/sync.js';
import { loadDevSecrets } from './secrets.js';
import { announceDemoLogins } from './seed-output.js';
import { registerEmbeddedFunctions } from './embedded-functions.js';
import { createPool } from '../infra/mariadb.js';
import { loadCatalog } from '../infra/mirror/catalog.js';
import { appwriteSource } from '../infra/mirror/source.js';
import { startReconcileLoop, type ReconcileLoop } from '../infra/mirror/reconcile-loop.js';

async function main(): Promise<void> {
  const base = parseConfig(process.env);
  const secrets = loadDevSecrets('.data/secrets.json');
  const config: Config = Object.freeze({
    ...base,
    PIN_PEPPER: base.PIN_PEPPER ?? secrets.PIN_PEPPER,
    AUDIT_CHECKPOINT_KEY: base.AUDIT_CHECKPOINT_KEY ?? secrets.AUDIT_CHECKPOINT_KEY,
  });
  const log = createLogger({ level: config.LOG_LEVEL, service: 'tillgate' });

  let emulator: RunningEmulator | undefined;
  let appwrite: AppwriteConnection;
  if (config.APPWRITE_ENDPOINT && config.APPWRITE_API_KEY) {
    appwrite = { endpoint: config.APPWRITE_ENDPOINT, projectId: config.APPWRITE_PROJECT_ID, apiKey: config.APPWRITE_API_KEY };
  } else {
    emulator = await startEmulator({
      port: config.EMULATOR_PORT,
      host: config.HOST,
      projectId: config.APPWRITE_PROJECT_ID,
      apiKey: secrets.EMULATOR_API_KEY,
      ...(config.EMULATOR_DATA_FILE === ':memory:' ? {} : { dataFile: config.EMULATOR_DATA_FILE }),
      onUnexpectedError: (err) => log.error({ err }, 'emulator error'),
    });
    appwrite = { endpoint: emulator.endpoint, projectId: emulator.projectId, apiKey: emulator.apiKey };
  }

  // Schema first (Appwrite tables from collections/, MariaDB mirror and audit tables), then data.
  const admin = createAppwriteAdmin(appwrite);
  const sync = await syncSchema({ tablesDB: admin.tablesDB, databaseId: config.APPWRITE_DATABASE_ID, databaseName: DATABASE_NAME, tables: TABLES });
  log.info({ changed: sync.changed, drift: sync.drift.length }, 'appwrite schema synced');
  const applied = await migrate({ url: config.MARIADB_URL, log: (line) => log.info(line) });
  log.info({ applied: applied.length }, 'mariadb migrations applied');
  // Functions first, so the demo seed already flows through the mirror and the other consumers.
  if (emulator) {
    const functions = registerEmbeddedFunctions(emulator.emulator, {
      MARIADB_URL: config.MARIADB_URL,
      REDIS_URL: config.REDIS_URL,
      REDIS_KEY_PREFIX: config.REDIS_KEY_PREFIX,
      LOG_LEVEL: config.LOG_LEVEL,
      ...(config.PIN_PEPPER ? { PIN_PEPPER: config.PIN_PEPPER } : {}),
      ...(config.AUDIT_CHECKPOINT_KEY ? { AUDIT_CHECKPOINT_KEY: config.AUDIT_CHECKPOINT_KEY } : {}),
    });
    log.info({ functions }, 'functions running in process on emulated events');
  }
  let seedLines: string[] = [];
  if (config.SEED_DEMO) {
    const hasher = createPinHasher({ cost: config.PIN_BCRYPT_COST, ...(config.PIN_HASHER_THREADS ? { threads: config.PIN_HASHER_THREADS } : {}) });
    try {
      const seed = await seedDemo({ appwrite: admin, databaseId: config.APPWRITE_DATABASE_ID, hasher, pepper: config.PIN_PEPPER!, cost: config.PIN_BCRYPT_COST });
      seedLines = announceDemoLogins(seed);
    } finally {
      await hasher.close();
    }
  }


  const gateway = await startGateway(config, appwrite, log);
  // The reconcile sweep repairs what lost or late event deliveries left behind (issue 8 item 4).
  const reconcilePool = createPool(config.MARIADB_URL, 2);
  let reconcileLoop: ReconcileLoop | undefined;
  if (config.RECONCILE_INTERVAL_SECONDS > 0) {
    reconcileLoop = startReconcileLoop({
      pool: reconcilePool,
      catalog: await loadCatalog(reconcilePool, TABLES),
      source: appwriteSource(admin.tablesDB, admin.users, config.APPWRITE_DATABASE_ID),
      intervalSeconds: config.RECONCILE_INTERVAL_SECONDS,
      log: log.child({ component: 'mirror-reconcile' }),
    });
  }
  printBanner(config, gateway.url, appwrite, emulator !== undefined, seedLines);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: draining requests and event deliveries');
    try {
      await gateway.stop();
      await reconcileLoop?.stop();
      await emulator?.stop();
      await reconcilePool.end();
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

function printBanner(config: Config, gatewayUrl: string, appwrite: AppwriteConnection, embedded: boolean, seedLines: string[]): void {
  const lines = [
    '',
    '  Tillgate is running',
    `  gateway      ${gatewayUrl}`,
    `  API docs     ${gatewayUrl}/api/docs   (OpenAPI: ${gatewayUrl}/api/openapi.json)`,
    `  appwrite     ${appwrite.endpoint}${embedded ? '   (embedded emulator, project ' + appwrite.projectId + ')' : ''}`,
    embedded ? `  data file    ${config.EMULATOR_DATA_FILE}` : '',
    `  mariadb      ${config.MARIADB_URL.replace(/\/\/[^@/]*@/, '//***@')}`,
    `  reconcile    ${config.RECONCILE_INTERVAL_SECONDS > 0 ? `every ${config.RECONCILE_INTERVAL_SECONDS} s` : 'off (RECONCILE_INTERVAL_SECONDS=0)'}`,
    ...seedLines.map((l) => `  ${l}`),
    '  stop with Ctrl+C',
    '',
  ].filter((l) => l !== '');
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
