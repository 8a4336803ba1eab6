/**
 * Production entry point: `node dist/gateway/main.js` with `APPWRITE_ENDPOINT`,
 * `APPWRITE_PROJECT_ID` and `APPWRITE_API_KEY` pointing at a real Appwrite. (The embedded stack,
 * `npm start`, is `scripts/start.ts`.) Exits 1 with every bad key listed on invalid config.
 * @module
 */
import { parseConfig } from '../core/config.js';
import { ConfigError } from '../core/errors.js';
import { createLogger } from '../infra/logger.js';
import { startGateway } from './server.js';

async function main(): Promise<void> {
  const config = parseConfig(process.env);
  const log = createLogger({ level: config.LOG_LEVEL, service: 'gateway' });
  if (!config.APPWRITE_ENDPOINT || !config.APPWRITE_API_KEY) {
    throw new ConfigError(['APPWRITE_ENDPOINT: the gateway alone needs a real Appwrite; use `npm start` for the embedded stack']);
  }
  const gateway = await startGateway(config, { endpoint: config.APPWRITE_ENDPOINT, projectId: config.APPWRITE_PROJECT_ID, apiKey: config.APPWRITE_API_KEY }, log);
  log.info({ url: gateway.url }, 'gateway listening');
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    gateway.stop().then(() => process.exit(0), (err: unknown) => {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
