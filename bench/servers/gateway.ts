/**
 * The gateway under test in its own process: `startGateway` with the config given in the
 * environment (the bench passes the emulator's endpoint, MariaDB and Redis). Prints `url: …`.
 * It runs as in production (`NODE_ENV=production`: PIN_PEPPER and AUDIT_CHECKPOINT_KEY required,
 * which the bench passes), with logging off (`LOG_LEVEL=silent`, so the figures do not depend on
 * where stdout goes; with `info` every request writes one access-log line).
 */
import { parseConfig } from '../../core/config.js';
import { createLogger } from '../../infra/logger.js';
import { startGateway } from '../../gateway/server.js';

const config = parseConfig({ ...process.env, NODE_ENV: 'production', PORT: '0', LOG_LEVEL: 'silent' });
const gateway = await startGateway(config, { endpoint: process.env.BENCH_APPWRITE_ENDPOINT!, projectId: process.env.BENCH_APPWRITE_PROJECT!, apiKey: process.env.BENCH_APPWRITE_KEY! }, createLogger({ level: config.LOG_LEVEL, service: 'bench' }));
process.stdout.write(`url: ${gateway.url}\n`);
process.on('SIGTERM', () => void gateway.stop().then(() => process.exit(0)));
