/**
 * Appwrite entry of `audit` (events `users.*` and row create/update/upsert/delete of the `pos`
 * database; see functions/definitions.ts and README.md). Variables: `MARIADB_URL`,
 * `AUDIT_CHECKPOINT_KEY`; optional `APPWRITE_DATABASE_ID` (default `pos`), `LOG_LEVEL`,
 * `AUDIT_SPOOL_DIR` (default `.data/audit-spool`: entries that could not be written while
 * MariaDB was down wait there, fsync'd, and are written by the next execution).
 *
 * Entries go through the shared audit appender (one serialized hash chain, batched, idempotent
 * by `sourceEventKey`) and are queued for the Appwrite console copy like the gateway's.
 * @module
 */
import type { FunctionHandler } from '../../core/function-runtime.js';
import { join } from 'node:path';
import { createAuditAppender } from '../../infra/audit/appender.js';
import { spoolScope } from '../../infra/audit/spool.js';
import { createPool } from '../../infra/mariadb.js';
import { defineFunction, z } from '../_runtime/define-function.js';
import { recordEvent } from './handler.js';

/**
 * Builds an `audit` entry; the pool and appender are created on its first execution (one per
 * cold start) with `poolSize` MariaDB connections (default 4).
 */
export function createAuditFunctionEntry(options: { poolSize?: number; spoolDir?: string; retryBudgetMs?: number } = {}): FunctionHandler {
  return defineFunction({
    name: 'audit',
    triggers: ['event'],
    input: z.unknown(),
    setup: (config, log) => {
      const pool = createPool(config.MARIADB_URL, options.poolSize ?? 4);
      const appender = createAuditAppender({ pool, log, consoleOutbox: true, ...(config.AUDIT_CHECKPOINT_KEY ? { checkpointKey: config.AUDIT_CHECKPOINT_KEY } : {}) });
      return { appender, databaseId: config.APPWRITE_DATABASE_ID, spoolDir: options.spoolDir ?? join(config.AUDIT_SPOOL_DIR, spoolScope(config.MARIADB_URL)), log, ...(options.retryBudgetMs === undefined ? {} : { retryBudgetMs: options.retryBudgetMs }) };
    },
    handle: (payload, resources, ctx) => recordEvent(payload, resources, ctx),
  });
}

export default createAuditFunctionEntry();
