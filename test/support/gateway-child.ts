/**
 * Entry of a gateway child process for fault and load tests (`test/support/gateway-process.ts`):
 * `startGateway` with the configuration in the environment (`APPWRITE_ENDPOINT`,
 * `APPWRITE_PROJECT_ID`, `APPWRITE_API_KEY`, `MARIADB_URL`, `REDIS_URL`, `PORT`, …, read by
 * core/config.ts). Prints `url: <base URL>` on stdout once listening; JSON log lines go to stderr.
 * SIGTERM/SIGINT stop it gracefully; SIGKILL is the crash the tests inject.
 */
import { parseConfig } from '../../core/config.js';
import { createLogger } from '../../infra/logger.js';
import { startGateway } from '../../gateway/server.js';
import { pino } from 'pino';

const config = parseConfig(process.env);
const log = createLogger({ level: config.LOG_LEVEL, service: 'gateway-child', destination: pino.destination(2) });
if (!config.APPWRITE_ENDPOINT || !config.APPWRITE_API_KEY) throw new Error('gateway-child needs APPWRITE_ENDPOINT and APPWRITE_API_KEY');
const gateway = await startGateway(config, { endpoint: config.APPWRITE_ENDPOINT, projectId: config.APPWRITE_PROJECT_ID, apiKey: config.APPWRITE_API_KEY }, log);
process.stdout.write(`url: ${gateway.url}\n`);
const stop = () => void gateway.stop().then(() => process.exit(0), () => process.exit(1));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
