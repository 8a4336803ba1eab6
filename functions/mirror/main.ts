/**
 * Appwrite entry of `mirror` (events `users.*` and row create/update/upsert/delete of the `pos`
 * database; see functions/definitions.ts). Variables: `MARIADB_URL`; optional
 * `MIRROR_SPOOL_DIR` (where dead letters are spooled while MariaDB is down, default
 * `.data/mirror-spool`).
 *
 * The default export is the deployed entry; {@link createMirrorEntry} builds one with other
 * options (the embedded stack, tests, the benchmark).
 * @module
 */
import { TABLES } from '../../collections/index.js';
import type { FunctionHandler } from '../../core/function-runtime.js';
import { createPool } from '../../infra/mariadb.js';
import { loadCatalog } from '../../infra/mirror/catalog.js';
import { createDeadLetterSink } from '../../infra/mirror/dead-letter.js';
import type { ApplyResult } from '../../infra/mirror/apply.js';
import type { BackoffPolicy } from '../../infra/mirror/retry.js';
import { createMirrorWriter } from '../../infra/mirror/writer.js';
import { defineFunction, z } from '../_runtime/define-function.js';
import { mirrorEvent } from './handler.js';


export interface MirrorEntryOptions {
  /** Spool folder (default: config `MIRROR_SPOOL_DIR`, `.data/mirror-spool`). */
  spoolDir?: string;
  /** Retry policy overrides (infra/mirror/retry.ts defaults: 10 attempts, at most 30 s). */
  retry?: Partial<BackoffPolicy>;
  /** Most changes per transaction (default 500). */
  maxBatch?: number;
  /** MariaDB connections (default 4). */
  poolSize?: number;
  /** Called after each commit (metrics, benchmarks). */
  onCommit?: (result: ApplyResult, committedAtMs: number) => void;
}

/** Builds a `mirror` entry; resources (pool, catalog, writer) are created on its first execution. */
export function createMirrorEntry(options: MirrorEntryOptions = {}): FunctionHandler {
  return defineFunction({
    name: 'mirror',
    triggers: ['event'],
    input: z.record(z.string(), z.unknown()),
    setup: async (config, log) => {
      const pool = createPool(config.MARIADB_URL, options.poolSize ?? 4);
      const catalog = await loadCatalog(pool, TABLES, { assumeDeclaredOnFailure: true });
      const spoolDir = options.spoolDir ?? config.MIRROR_SPOOL_DIR;
      const writer = createMirrorWriter({
        pool,
        catalog,
        log,
        deadLetters: createDeadLetterSink(pool, spoolDir, log),
        ...(options.retry ? { retry: options.retry } : {}),
        ...(options.maxBatch ? { maxBatch: options.maxBatch } : {}),
        ...(options.onCommit ? { onCommit: options.onCommit } : {}),
      });
      return { writer, databaseId: config.APPWRITE_DATABASE_ID };
    },
    handle: (payload, resources, ctx) => mirrorEvent(payload, resources, ctx),
  });
}

export default createMirrorEntry();
