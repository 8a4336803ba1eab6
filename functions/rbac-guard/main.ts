/**
 * Appwrite entry of `rbac-guard` (events: row create/update/upsert of the `pos` database; see
 * functions/definitions.ts). Variables: `MARIADB_URL`, `AUDIT_CHECKPOINT_KEY`.
 * @module
 */
import { defineFunction, z } from '../_runtime/define-function.js';
import { createAuditAppender } from '../../infra/audit/appender.js';
import { createPool } from '../../infra/mariadb.js';
import { guardRowWrite } from './handler.js';

export default defineFunction({
  name: 'rbac-guard',
  triggers: ['event'],
  input: z.record(z.string(), z.unknown()),
  setup: (config, log) => {
    const pool = createPool(config.MARIADB_URL, 4);
    return { pool, audit: createAuditAppender({ pool, log, consoleOutbox: false, ...(config.AUDIT_CHECKPOINT_KEY ? { checkpointKey: config.AUDIT_CHECKPOINT_KEY } : {}) }) };
  },
  handle: (payload, resources, ctx) => guardRowWrite(payload, resources, ctx),
});
