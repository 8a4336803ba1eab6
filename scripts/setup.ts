/**
 * `npm run setup [-- --dry-run] [-- --prune --yes-i-understand-this-deletes-data]`
 *
 * Syncs `collections/` to the Appwrite named by `APPWRITE_ENDPOINT`, `APPWRITE_PROJECT_ID`,
 * `APPWRITE_API_KEY` (scopes: databases.read/write, tables.read/write, columns.read/write,
 * indexes.read/write): prints the plan and the drift, applies it, prints a summary. Idempotent.
 * Without `APPWRITE_ENDPOINT` it syncs the embedded emulator's data file (`EMULATOR_DATA_FILE`).
 * Exit codes: 0 done, 1 failed, 2 bad flags (e.g. --prune without the confirmation flag).
 * @module
 */
import { parseArgs } from 'node:util';
import { DATABASE_NAME, TABLES } from '../collections/index.js';
import { parseConfig } from '../core/config.js';
import { createAppwriteAdmin } from '../infra/appwrite.js';
import { planSchema } from '../infra/schema-sync/plan.js';
import { renderPlan, summarize } from '../infra/schema-sync/report.js';
import { readLiveSchema, syncSchema } from '../infra/schema-sync/sync.js';
import { startEmulator } from '../emulator/server.js';
import { loadDevSecrets } from './secrets.js';

const { values } = parseArgs({
  options: {
    prune: { type: 'boolean', default: false },
    'yes-i-understand-this-deletes-data': { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
  },
});
if (values.prune && !values['yes-i-understand-this-deletes-data']) {
  process.stderr.write('--prune drops tables, columns and indexes that exist only in Appwrite; add --yes-i-understand-this-deletes-data to confirm.\n');
  process.exit(2);
}

const config = parseConfig(process.env);
let stopEmulator: (() => Promise<void>) | undefined;
try {
  let connection;
  if (config.APPWRITE_ENDPOINT && config.APPWRITE_API_KEY) {
    connection = { endpoint: config.APPWRITE_ENDPOINT, projectId: config.APPWRITE_PROJECT_ID, apiKey: config.APPWRITE_API_KEY };
  } else {
    const emu = await startEmulator({ port: 0, projectId: config.APPWRITE_PROJECT_ID, apiKey: loadDevSecrets('.data/secrets.json').EMULATOR_API_KEY, ...(config.EMULATOR_DATA_FILE === ':memory:' ? {} : { dataFile: config.EMULATOR_DATA_FILE }) });
    stopEmulator = emu.stop;
    connection = { endpoint: emu.endpoint, projectId: emu.projectId, apiKey: emu.apiKey };
    process.stdout.write(`No APPWRITE_ENDPOINT: syncing the embedded emulator (${config.EMULATOR_DATA_FILE}).\n`);
  }
  const appwrite = createAppwriteAdmin(connection);
  const prune = values.prune;
  const plan = planSchema(TABLES, await readLiveSchema(appwrite.tablesDB, config.APPWRITE_DATABASE_ID), { prune });
  process.stdout.write(`${renderPlan(plan, prune).join('\n')}\n`);
  if (!values['dry-run']) {
    const report = await syncSchema({ tablesDB: appwrite.tablesDB, databaseId: config.APPWRITE_DATABASE_ID, databaseName: DATABASE_NAME, tables: TABLES, prune, log: (l) => process.stdout.write(`  ${l}\n`) });
    process.stdout.write(`${summarize(report)}\n`);
  }
  await stopEmulator?.();
} catch (e) {
  await stopEmulator?.().catch(() => undefined);
  process.stderr.write(`setup failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
