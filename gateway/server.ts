/**
 * Builds the gateway's dependencies from config (once), serves it, and shuts it down
 * gracefully: stop accepting, drain in-flight requests for up to `SHUTDOWN_GRACE_MS`, then close
 * the audit appender, MariaDB and Redis. Used by `gateway/main.ts` (real Appwrite) and
 * `scripts/start.ts` (embedded stack).
 * @module
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Config } from '../core/config.js';
import { createActorResolver } from '../infra/actor-resolver.js';
import { createAppwriteAdmin, type AppwriteConnection } from '../infra/appwrite.js';
import { createAuditAppender } from '../infra/audit/appender.js';
import { createConsoleCopy } from '../infra/audit/console-copy.js';
import { createJwtVerifier } from '../infra/jwt-verifier.js';
import { createLockoutStore } from '../infra/lockout-store.js';
import type { Logger } from '../infra/logger.js';
import { createPool } from '../infra/mariadb.js';
import { createRedis, redisUnavailable } from '../infra/redis.js';
import { createRevocationEpochs } from '../infra/revocation-epochs.js';
import { createRoleRegistry } from '../infra/role-registry.js';
import { createPinHasher } from '../infra/pin-hasher.js';
import { createTerminalAuth } from '../infra/terminals/authenticator.js';
import { parsePinPolicy } from '../core/pin/policy.js';
import { createApp } from './app.js';
import { createMetrics } from './metrics.js';
import { mirrorReadinessCheck, registerMirrorMetrics } from '../infra/mirror/metrics.js';
import { apiLimit, authLimit, createMemoryRateLimiter, createRedisRateLimiter } from './middleware/rate-limit.js';
import { apiRoutes } from './routes/index.js';
import type { GatewayServices } from './services.js';

export interface RunningGateway {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  port: number;
  services: GatewayServices;
  /** Graceful stop: drains in-flight requests (at most `SHUTDOWN_GRACE_MS`), closes pools. */
  stop(): Promise<void>;
}


/** Starts the gateway against `appwrite`, MariaDB and Redis from `config`. */
export async function startGateway(config: Config, appwrite: AppwriteConnection, log: Logger): Promise<RunningGateway> {
  const redis = createRedis(config.REDIS_URL, { connectionName: 'tillgate-gateway' });
  const subscriber = createRedis(config.REDIS_URL, { connectionName: 'tillgate-gateway-sub' });
  const pool = createPool(config.MARIADB_URL, config.MARIADB_POOL_SIZE);
  const metrics = createMetrics();
  registerMirrorMetrics(metrics.registry, pool);
  const admin = createAppwriteAdmin(appwrite);
  const prefix = config.REDIS_KEY_PREFIX;
  const epochs = await createRevocationEpochs(redis, subscriber, prefix);
  const roles = await createRoleRegistry(admin, config.APPWRITE_DATABASE_ID, log);
  const verifier = createJwtVerifier({ appwrite: admin, redis, epochs, prefix });
  const actors = createActorResolver({ verifier, appwrite: admin, epochs, databaseId: config.APPWRITE_DATABASE_ID, roles: roles.current });
  const lockout = createLockoutStore({ redis, prefix });
  // Every entry is also queued for the Appwrite console copy (audit_logs), drained by consoleCopy.
  const auditLog = createAuditAppender({ pool, log, consoleOutbox: true, ...(config.AUDIT_CHECKPOINT_KEY ? { checkpointKey: config.AUDIT_CHECKPOINT_KEY } : {}) });
  const consoleCopy = createConsoleCopy(pool, admin, config.APPWRITE_DATABASE_ID, log);
  consoleCopy.start();
  const hasher = createPinHasher({ cost: config.PIN_BCRYPT_COST, ...(config.PIN_HASHER_THREADS ? { threads: config.PIN_HASHER_THREADS } : {}) });
  const terminalAuth = createTerminalAuth(admin, config.APPWRITE_DATABASE_ID);
  const services: GatewayServices = {
    actors,
    terminals: terminalAuth,
    forgetTerminal: terminalAuth.forget,
    pool,
    // Consumed by every route's entry step (gateway/middleware/route-entry.ts): per caller on
    // authenticated routes, per address and route on the credential endpoints.
    apiLimiter: createMemoryRateLimiter(apiLimit(config.API_RATE_LIMIT), metrics),
    credentialLimiter: createRedisRateLimiter(redis, prefix, authLimit(config.AUTH_RATE_LIMIT), metrics),
    ...(config.AUDIT_CHECKPOINT_KEY ? { auditCheckpointKey: config.AUDIT_CHECKPOINT_KEY } : {}),
    consumeOnce: async (key, ttlMs) => {
      try {
        return (await redis.set(`${prefix}once:${key}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
      } catch (e) {
        throw redisUnavailable(e);
      }
    },
    ...(config.PIN_PEPPER ? { pins: { hasher, pepper: config.PIN_PEPPER, tokenTtlSeconds: config.PIN_TOKEN_TTL_SECONDS, cost: config.PIN_BCRYPT_COST, defaultPolicy: parsePinPolicy({ minLength: config.PIN_MIN_LENGTH, maxLength: config.PIN_MAX_LENGTH, denyList: [...config.PIN_DENY_LIST] }) } } : {}),
    audit: auditLog,
    appwrite: admin,
    databaseId: config.APPWRITE_DATABASE_ID,
    verifier,
    epochs,
    lockout,
    roles,
    onDenied: async (d) => {
      await auditLog
        .append({ action: 'authz.denied', outcome: 'denied', reason: d.reason, actor: { type: 'user', id: d.userId }, requestId: d.requestId, ...(d.storeId ? { storeId: d.storeId } : {}), metadata: { permission: d.permission, route: d.route } })
        .catch((err: unknown) => log.error({ err }, 'authz.denied entry could not be stored'));
    },
  };

  const app = createApp({
    config,
    log,
    metrics,
    services,
    apiRoutes: apiRoutes(config, metrics),
    healthChecks: {
      appwrite: async () => {
        const res = await fetch(`${appwrite.endpoint}/health/version`, { signal: AbortSignal.timeout(2000) });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
      },
      mariadb: () => pool.query('SELECT 1'),
      redis: () => redis.ping(),
      mirror: mirrorReadinessCheck(pool),
    },
  });

  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.HOST}:${port}`;
  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    services,
    /** Idempotent: a second call waits for the first. */
    stop() {
      stopping ??= shutdown();
      return stopping;
    },
  };

  async function shutdown(): Promise<void> {
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
    roles.stop();
    await hasher.close().catch((err: unknown) => log.error({ err }, 'PIN hasher close failed'));
    await auditLog.close().catch((err: unknown) => log.error({ err }, 'audit appender close failed'));
    await consoleCopy.stop();
    await consoleCopy.drainOnce().catch(() => 0);
    await epochs.close();
    redis.disconnect();
    subscriber.disconnect();
    await pool.end();
  }
}
