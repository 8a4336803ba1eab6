/**
 * Appwrite entry of `pin-login` (HTTP trigger; execute `any`, the terminal credential is checked
 * inside). The POS calls it with `functions.createExecution({ functionId: 'pin-login', body:
 * JSON.stringify({ terminal: '<terminalId>:<secret>', pin, staffId? }) })` and gets the same
 * answer as `POST /api/v1/auth/pin-login` (same procedure: infra/pin/pin-login.ts).
 * Variables: MARIADB_URL, REDIS_URL, REDIS_KEY_PREFIX, PIN_PEPPER, PIN_BCRYPT_COST,
 * AUDIT_CHECKPOINT_KEY, PIN_TOKEN_TTL_SECONDS. Roles resolve against the built-in roles (a staff
 * member with a custom role logs in through the gateway route, which knows custom roles).
 * @module
 */
import { AppError } from '../../core/errors.js';
import { createActorResolver } from '../../infra/actor-resolver.js';
import { createAuditAppender } from '../../infra/audit/appender.js';
import { createLockoutStore } from '../../infra/lockout-store.js';
import { createPool } from '../../infra/mariadb.js';
import { pinLogin, sessionEnder } from '../../infra/pin/pin-login.js';
import { createPinHasher } from '../../infra/pin-hasher.js';
import { createRedis } from '../../infra/redis.js';
import { bumpRevocationEpoch } from '../../infra/revocation-epochs.js';
import { BUILTIN_REGISTRY } from '../../core/rbac/index.js';
import { createTerminalAuth } from '../../infra/terminals/authenticator.js';
import { defineFunction, z } from '../_runtime/define-function.js';

const Input = z
  .object({ terminal: z.string().min(10).max(300), pin: z.string().regex(/^\d{4,8}$/), staffId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$/).optional() })
  .strict();

export default defineFunction({
  name: 'pin-login',
  triggers: ['http'],
  input: Input,
  setup: (config, log) => {
    if (!config.PIN_PEPPER) throw new AppError('INTERNAL', 'PIN_PEPPER is not set for the pin-login function.');
    const pool = createPool(config.MARIADB_URL, 4);
    const redis = createRedis(config.REDIS_URL, { connectionName: 'tillgate-pin-login' });
    return {
      config,
      hasher: createPinHasher({ cost: config.PIN_BCRYPT_COST, threads: 2 }),
      redis,
      lockout: createLockoutStore({ redis, prefix: config.REDIS_KEY_PREFIX }),
      audit: createAuditAppender({ pool, log, consoleOutbox: false, ...(config.AUDIT_CHECKPOINT_KEY ? { checkpointKey: config.AUDIT_CHECKPOINT_KEY } : {}) }),
    };
  },
  handle: async (input, r, ctx) => {
    const databaseId = r.config.APPWRITE_DATABASE_ID;
    const terminal = await createTerminalAuth(ctx.appwrite, databaseId).authenticate(`Terminal ${input.terminal}`);
    // Profiles are read with this execution's key; JWT verification is not needed here.
    const actors = createActorResolver({ verifier: { verify: () => Promise.reject(new Error('unused')), forget: async () => undefined }, appwrite: ctx.appwrite, epochs: { current: async () => 0, known: () => 0, bump: async () => 0, close: async () => undefined }, databaseId, roles: () => BUILTIN_REGISTRY });
    return pinLogin(
      {
        appwrite: ctx.appwrite, databaseId, lockout: r.lockout, hasher: r.hasher, pepper: r.config.PIN_PEPPER!, tokenTtlSeconds: r.config.PIN_TOKEN_TTL_SECONDS, actors,
        record: async (entry) => {
          await r.audit.append({ ...entry, requestId: ctx.executionId });
        },
        recordQuietly: async (entry) => {
          await r.audit.append({ ...entry, requestId: ctx.executionId }).catch((err: unknown) => ctx.log.error({ err, action: entry.action }, 'audit entry could not be stored'));
        },
        endSessions: sessionEnder(ctx.appwrite, (userId) => bumpRevocationEpoch(r.redis, r.config.REDIS_KEY_PREFIX, userId)),
      },
      terminal,
      input.pin,
      input.staffId,
    );
  },
});
