/**
 * The gateway under test in its own process: `startGateway` with the config given in the
 * environment (the bench passes the emulator's endpoint, MariaDB and Redis). Prints `url: …`.
 */
import { parseConfig } from '../../core/config.js';
import { createLogger } from '../../infra/logger.js';
import { startGateway } from '../../gateway/server.js';

const config = parseConfig({ ...process.env, PORT: '0', LOG_LEVEL: 'silent' });
const gateway = await startGateway(config, { endpoint: process.env.BENCH_APPWRITE_ENDPOINT!, projectId: process.env.BENCH_APPWRITE_PROJECT!, apiKey: process.env.BENCH_APPWRITE_KEY! }, createLogger({ level: 'silent', service: 'bench' }));
process.stdout.write(`url: ${gateway.url}\n`);
process.on('SIGTERM', () => void gateway.stop().then(() => process.exit(0)));
