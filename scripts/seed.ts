/**
 * `npm run seed`: seeds the demo store into the configured Appwrite (or the embedded emulator's
 * data file when `APPWRITE_ENDPOINT` is unset), syncing the schema first. Idempotent.
 * @module
 */
import { DATABASE_NAME, TABLES } from '../collections/index.js';
import { parseConfig } from '../core/config.js';
import { createAppwriteAdmin, type AppwriteConnection } from '../infra/appwrite.js';
import { createPinHasher } from '../infra/pin-hasher.js';
import { seedDemo } from '../infra/seed/demo.js';
import { syncSchema } from '../infra/schema-sync/sync.js';
import { startEmulator } from '../emulator/server.js';
import { loadDevSecrets } from './secrets.js';
import { announceDemoLogins } from './seed-output.js';

const config = parseConfig(process.env);
const secrets = loadDevSecrets('.data/secrets.json');
let stop: (() => Promise<void>) | undefined;
const hasher = createPinHasher({ cost: config.PIN_BCRYPT_COST, ...(config.PIN_HASHER_THREADS ? { threads: config.PIN_HASHER_THREADS } : {}) });
try {
  let connection: AppwriteConnection;
  if (config.APPWRITE_ENDPOINT && config.APPWRITE_API_KEY) {
    connection = { endpoint: config.APPWRITE_ENDPOINT, projectId: config.APPWRITE_PROJECT_ID, apiKey: config.APPWRITE_API_KEY };
  } else {
    const emu = await startEmulator({ port: 0, projectId: config.APPWRITE_PROJECT_ID, apiKey: secrets.EMULATOR_API_KEY, ...(config.EMULATOR_DATA_FILE === ':memory:' ? {} : { dataFile: config.EMULATOR_DATA_FILE }) });
    stop = emu.stop;
    connection = { endpoint: emu.endpoint, projectId: emu.projectId, apiKey: emu.apiKey };
  }
  const appwrite = createAppwriteAdmin(connection);
  await syncSchema({ tablesDB: appwrite.tablesDB, databaseId: config.APPWRITE_DATABASE_ID, databaseName: DATABASE_NAME, tables: TABLES });
  const seed = await seedDemo({ appwrite, databaseId: config.APPWRITE_DATABASE_ID, hasher, pepper: config.PIN_PEPPER ?? secrets.PIN_PEPPER, cost: config.PIN_BCRYPT_COST, log: (l) => process.stdout.write(`  ${l}\n`) });
  process.stdout.write(`${announceDemoLogins(seed).join('\n')}\n`);
  await hasher.close();
  await stop?.();
} catch (e) {
  await hasher.close().catch(() => undefined);
  await stop?.().catch(() => undefined);
  process.stderr.write(`seed failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
