/**
 * The audit appender: the one way entries enter `audit_log`. Group commit: `append` calls made
 * while a batch is being written (or within `batchMaxWaitMs`) are queued and written together in
 * the next transaction (write-batch.ts), so throughput grows with concurrency while every entry
 * still gets its own link in one serialized chain. A promise resolves only after its batch
 * committed (`innodb_flush_log_at_trx_commit=1` makes that durable); when a batch fails after
 * its retries, every entry of it is rejected and none is stored, so callers can retry.
 *
 * Retries are safe: an entry whose `id` or `sourceEventKey` is already stored is not appended
 * again, its stored seq and hash are returned (`duplicate: true`). This also covers a COMMIT
 * whose answer was lost. Several processes may append at once: the `audit_head` row lock
 * serializes their transactions.
 * @module
 */
import type { Pool } from 'mysql2/promise';
import { canonicalJson } from '../../core/audit/canonical-json.js';
import { AppError } from '../../core/errors.js';
import { createAuditEntry, type AuditEntry, type AuditEntryInput } from '../../core/audit/entry.js';
import type { Checkpoint } from '../../core/audit/chain.js';
import type { Logger } from '../logger.js';
import { checkpointHead, writeBatch, type AppendResult, type BatchItem, type CheckpointPolicy } from './write-batch.js';

export type { AppendResult } from './write-batch.js';

export interface AuditAppenderOptions {
  pool: Pool;
  log: Logger;
  /** AUDIT_CHECKPOINT_KEY (>= 32 chars). Without it no checkpoints are written (a warning is logged). */
  checkpointKey?: string;
  /** A signed checkpoint after this many entries or this many ms with new entries (default 1000 / 60 000 ms). */
  checkpointEvery?: { entries?: number; ms?: number };
  /** Most entries per transaction (default 500; bounded by max_allowed_packet, ~1 KiB per entry). */
  batchMaxSize?: number;
  /** How long a first queued entry waits for companions, ms (default 0: the same event-loop turn). */
  batchMaxWaitMs?: number;
  /** Further attempts of a failed batch before its entries are rejected (default 2). */
  retries?: number;
  /** Queue each entry for the Appwrite console copy (audit_console_outbox; default true). */
  consoleOutbox?: boolean;
  /** Clock, for tests (default `() => new Date()`). */
  now?: () => Date;
}

export interface AuditAppender {
  /**
   * Validates, masks and appends one entry (core/audit/entry.ts `createAuditEntry`).
   * Pass `id` to make a retry by the caller idempotent.
   * @throws AppError VALIDATION_FAILED for an invalid entry (nothing queued);
   *   AppError DEPENDENCY_UNAVAILABLE when the batch could not be written (nothing stored);
   *   AppError INTERNAL after close().
   */
  append(entry: AuditEntryInput): Promise<AppendResult>;
  /** Writes a checkpoint of the head now if it has unsigned entries; undefined otherwise or without a key. */
  checkpoint(): Promise<Checkpoint | undefined>;
  /** Writes what is queued, then refuses further appends. Does not end the pool (the caller owns it). */
  close(): Promise<void>;
}

interface Pending extends BatchItem {
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

const positiveInt = (v: number | undefined, fallback: number, name: string): number => {
  const n = v ?? fallback;
  if (!Number.isInteger(n) || n < 0) throw new AppError('VALIDATION_FAILED', `createAuditAppender: ${name} must be a non-negative integer`);
  return n;
};

/**
 * Creates an appender over `pool` (a mysql2/promise pool on the database holding the
 * 20261123130000_audit_log migration). See the module doc for ordering and failure semantics.
 * @throws AppError VALIDATION_FAILED on bad options (a key under 32 characters, negative sizes).
 */
export function createAuditAppender(options: AuditAppenderOptions): AuditAppender {
  const { pool, log } = options;
  const now = options.now ?? (() => new Date());
  const batchMaxSize = Math.max(1, positiveInt(options.batchMaxSize, 500, 'batchMaxSize'));
  const batchMaxWaitMs = positiveInt(options.batchMaxWaitMs, 0, 'batchMaxWaitMs');
  const retries = positiveInt(options.retries, 2, 'retries');
  const cpEntries = Math.max(1, positiveInt(options.checkpointEvery?.entries, 1000, 'checkpointEvery.entries'));
  const cpMs = Math.max(1, positiveInt(options.checkpointEvery?.ms, 60_000, 'checkpointEvery.ms'));
  let policy: CheckpointPolicy | undefined;
  if (options.checkpointKey !== undefined) {
    if (options.checkpointKey.length < 32) throw new AppError('VALIDATION_FAILED', 'createAuditAppender: checkpointKey must have at least 32 characters');
    policy = { key: options.checkpointKey, entries: cpEntries, ms: cpMs };
  } else {
    log.warn('AUDIT_CHECKPOINT_KEY is not set: the audit chain gets no signed checkpoints');
  }
  const outbox = options.consoleOutbox ?? true;

  let queue: Pending[] = [];
  let inFlight: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let scheduled = false;
  let closed = false;

  const logCheckpoint = (cp: Checkpoint) => {
    // Keys chosen so the logger's redaction of `hash` does not hide the evidence.
    log.info({ checkpoint: { seq: cp.seq, chainHash: cp.hash, createdAt: cp.createdAt, signature: cp.signature } }, 'audit checkpoint');
  };

  const writeWithRetry = async (items: BatchItem[]) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await writeBatch(pool, items, { outbox, now, checkAllIds: attempt > 0, ...(policy ? { checkpoint: policy } : {}) });
      } catch (e) {
        if (attempt >= retries) throw e;
        log.warn({ err: e, attempt: attempt + 1, entries: items.length }, 'audit batch failed, retrying');
        await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
      }
    }
  };

  const flush = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue.slice(0, batchMaxSize);
      queue = queue.slice(batch.length);
      try {
        const outcome = await writeWithRetry(batch);
        outcome.results.forEach((r, i) => batch[i]!.resolve(r));
        if (outcome.checkpoint) logCheckpoint(outcome.checkpoint);
      } catch (e) {
        log.error({ err: e, entries: batch.length }, 'audit batch could not be written');
        const err = new AppError('DEPENDENCY_UNAVAILABLE', 'The audit log could not be written', { cause: e });
        for (const p of batch) p.reject(err);
      }
    }
  };

  const start = () => {
    scheduled = false;
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (inFlight || queue.length === 0) return;
    inFlight = flush().finally(() => {
      inFlight = undefined;
      if (queue.length > 0) start();
    });
  };

  const schedule = () => {
    if (inFlight) return; // the running flush drains the queue, which is the group commit
    if (queue.length >= batchMaxSize) return start();
    if (scheduled) return;
    scheduled = true;
    if (batchMaxWaitMs === 0) setImmediate(start);
    else timer = setTimeout(start, batchMaxWaitMs);
  };

  const cpTimer = policy
    ? setInterval(() => {
        void checkpointHead(pool, policy.key, now).then(
          (cp) => cp && logCheckpoint(cp),
          (e: unknown) => log.error({ err: e }, 'audit checkpoint failed'),
        );
      }, cpMs)
    : undefined;
  cpTimer?.unref();

  return {
    append(input) {
      if (closed) return Promise.reject(new AppError('INTERNAL', 'The audit appender is closed'));
      let entry: AuditEntry;
      let json: string;
      try {
        entry = createAuditEntry(input, now());
        json = canonicalJson(entry);
      } catch (e) {
        return Promise.reject(e);
      }
      return new Promise<AppendResult>((resolve, reject) => {
        queue.push({ entry, json, idSupplied: input.id !== undefined, resolve, reject });
        schedule();
      });
    },
    async checkpoint() {
      if (!policy) return undefined;
      const cp = await checkpointHead(pool, policy.key, now);
      if (cp) logCheckpoint(cp);
      return cp;
    },
    async close() {
      closed = true;
      if (cpTimer) clearInterval(cpTimer);
      start();
      while (inFlight) await inFlight;
    },
  };
}
