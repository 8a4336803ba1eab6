/**
 * Builds the gateway's dependencies from config (once), serves it, and shuts it down
 * gracefully: stop accepting, drain in-flight requests for up to `SHUTDOWN_GRACE_MS`, then close
 * MariaDB and Redis. Used by `gateway/main.ts` (real Appwrite) and `scripts/start.ts` (embedded stack).
 * @module
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import type { Config } from '../core/config.js';
import type { AppwriteConnection } from '../infra/appwrite.js';
import type { Logger } from '../infra/logger.js';
import { createApp } from './app.js';
import { createMetrics } from './metrics.js';

export interface RunningGateway {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  port: number;
  /** Graceful stop: drains in-flight requests (at most `SHUTDOWN_GRACE_MS`), closes pools. */
  stop(): Promise<void>;
}

/** Starts the gateway against `appwrite`, MariaDB and Redis from `config`. */
export async function startGateway(config: Config, appwrite: AppwriteConnection, log: Logger): Promise<RunningGateway> {
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 });
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
  await redis.connect().catch((err: Error) => log.error({ err: err.message }, 'redis unavailable at start; readiness will report it'));
  const pool = mysql.createPool({ uri: config.MARIADB_URL, connectionLimit: config.MARIADB_POOL_SIZE, timezone: 'Z', connectTimeout: 2000 });
  const metrics = createMetrics();

  const app = createApp({
    config,
    log,
    metrics,
    healthChecks: {
      appwrite: async () => {
        const res = await fetch(`${appwrite.endpoint}/health/version`, { signal: AbortSignal.timeout(2000) });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
      },
      mariadb: () => pool.query('SELECT 1'),
      redis: () => redis.ping(),
    },
  });

  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.HOST}:${port}`;
  return {
    url,
    port,
    async stop() {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          log.warn({ graceMs: config.SHUTDOWN_GRACE_MS }, 'grace period over; closing remaining connections');
          if ('closeAllConnections' in server) server.closeAllConnections();
        }, config.SHUTDOWN_GRACE_MS);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        if ('closeIdleConnections' in server) server.closeIdleConnections();
      });
      redis.disconnect();
      await pool.end();
    },
  };
}
