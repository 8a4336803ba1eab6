/**
 * Appwrite entry of `rbac-guard` (see functions/definitions.ts). Events: row create/update/upsert
 * of the `pos` database (handler.ts: revert writes that break the row rules), and the user events
 * that end access outside the gateway (session-ended.ts: revoke the user's cached JWTs).
 * Variables: `MARIADB_URL`, `AUDIT_CHECKPOINT_KEY`, `REDIS_URL`, `REDIS_KEY_PREFIX`.
 * @module
 */
import { defineFunction, z } from '../_runtime/define-function.js';
import { createAuditAppender } from '../../infra/audit/appender.js';
import { createPool } from '../../infra/mariadb.js';
import { createRedis } from '../../infra/redis.js';
import { guardRowWrite, type GuardResult } from './handler.js';
import { revokeOnAccessEnded, type SessionEndedResult } from './session-ended.js';

export default defineFunction({
  name: 'rbac-guard',
  triggers: ['event'],
  input: z.record(z.string(), z.unknown()),
  setup: (config, log) => {
    const pool = createPool(config.MARIADB_URL, 4);
    const redis = createRedis(config.REDIS_URL, { connectionName: 'tillgate-rbac-guard' });
    return { pool, redis, prefix: config.REDIS_KEY_PREFIX, audit: createAuditAppender({ pool, log, consoleOutbox: false, ...(config.AUDIT_CHECKPOINT_KEY ? { checkpointKey: config.AUDIT_CHECKPOINT_KEY } : {}) }) };
  },
  handle: async (payload, resources, ctx): Promise<GuardResult | SessionEndedResult> =>
    ctx.event.startsWith('users.') ? revokeOnAccessEnded(ctx.event, resources.redis, resources.prefix) : guardRowWrite(payload, resources, ctx),
});
