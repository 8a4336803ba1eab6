/**
 * The mirror writer: group-commit queues in front of {@link applyChanges}. Changes submitted
 * while a batch is being written are written together in the next one (one transaction, one
 * multi-row statement per table), so a burst costs few round trips and a lone change is written
 * at once. Changes are spread over `lanes` independent queues by a hash of table and row id
 * (Kafka Connect's partitioning by key): one row always goes through the same lane, in order,
 * and lanes write in parallel without contending for the same rows. A batch is applied
 * optimistically (the upsert's own counts instead of reading the stored versions first, see
 * infra/mirror/apply.ts) and applied again reading first if it met a duplicate or stale change.
 * Transient MariaDB failures are retried with exponential backoff and jitter
 * (infra/mirror/retry.ts); a change whose attempts or waiting time run out, or that cannot be
 * mapped, goes to the dead-letter sink.
 * Applied/skipped counters reach `mirror_stats` at most every second and whenever a lane
 * goes idle.
 * @module
 */
import type { MirrorEvent } from '../../core/mirror/events.js';
import { mirrorTableName, USERS_MIRROR_TABLE, USERS_SOURCE_ID } from '../../core/mirror/schema.js';
import type { Logger } from '../logger.js';
import type { Pool } from '../mariadb.js';
import { addStats, applyChanges, flushStats, mirrorTransaction, OptimisticConflict, type ApplyResult, type StatsDelta } from './apply.js';
import type { MirrorCatalog } from './catalog.js';
import { deadLetterEntry, type DeadLetterEntry, type DeadLetterSink } from './dead-letter.js';
import { backoffDelayMs, DEFAULT_BACKOFF, describeError, isSchemaChangeError, isTransientDbError, type BackoffPolicy } from './retry.js';

/** What became of one submitted change. */
export type WriteOutcome = 'applied' | 'skipped' | 'unmapped' | 'dead_lettered';

export interface MirrorWriterOptions {
  /** A pool from `createPool` (infra/mariadb.ts): its `timezone: 'Z'` makes mysql2 write every DATETIME in UTC. */
  pool: Pool;
  catalog: MirrorCatalog;
  deadLetters: DeadLetterSink;
  log: Logger;
  /** Most changes per transaction (default 500). */
  maxBatch?: number;
  /** Parallel lanes, each with one transaction in flight (default 4; the pool needs as many connections). */
  lanes?: number;
  retry?: Partial<BackoffPolicy>;
  /** Called after each commit with the changes written and the commit time (ms): metrics, benchmarks. */
  onCommit?: (result: ApplyResult, committedAtMs: number) => void;
}

export interface MirrorWriter {
  /** Queues a change; resolves when it is committed, skipped or dead-lettered (never rejects for MariaDB faults). */
  submit(event: MirrorEvent): Promise<WriteOutcome>;
  /** Changes waiting or being written. */
  readonly pending: number;
  /** Resolves when the queue is empty. */
  drain(): Promise<void>;
}

interface Item {
  event: MirrorEvent;
  resolve: (o: WriteOutcome) => void;
  attempts: number;
  firstAt: number;
}

/** Batches applied reading the stored versions first after an optimistic batch met a duplicate or stale change. */
const CAREFUL_AFTER_CONFLICT = 16;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Table name recorded for a dead-lettered change (`source:<id>` when it has no mirror table). */
function tableNameOf(catalog: MirrorCatalog, source: string): string {
  return catalog.entry(source)?.table.name ?? (source === USERS_SOURCE_ID ? USERS_MIRROR_TABLE : mirrorTableName(source));
}

/** FNV-1a hash of a string, for lane assignment. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Creates a writer. It holds no connection of its own: each batch borrows one from the pool. */
export function createMirrorWriter(options: MirrorWriterOptions): MirrorWriter {
  const { pool, catalog, deadLetters, log } = options;
  const maxBatch = options.maxBatch ?? 500;
  const policy: BackoffPolicy = { ...DEFAULT_BACKOFF, ...options.retry };
  const stats: StatsDelta = new Map();
  let statsFlushedAt = Date.now();
  let inFlight = 0;
  let drainWaiters: (() => void)[] = [];

  const settle = (item: Item, outcome: WriteOutcome) => {
    inFlight--;
    item.resolve(outcome);
    if (inFlight === 0) {
      const w = drainWaiters;
      drainWaiters = [];
      for (const f of w) setImmediate(f);
    }
  };

  /**
   * Saves the counters (at most every second unless `force`). A failed save keeps them
   * (flushStats restores them): deadlocks between lanes flushing at once are retried at once,
   * anything else is retried by a timer, so counts are late at worst, never lost.
   */
  async function saveStats(force: boolean): Promise<void> {
    if (stats.size === 0 || (!force && Date.now() - statsFlushedAt < 1000)) return;
    statsFlushedAt = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        await flushStats(pool, stats);
        return;
      } catch (e) {
        if (attempt < 3 && isTransientDbError(e)) {
          await sleep(5 * attempt);
          continue;
        }
        log.warn({ err: e }, 'mirror stats not saved yet; will retry');
        setTimeout(() => void saveStats(true), 1000).unref();
        return;
      }
    }
  }

  async function deadLetter(items: Item[], error: (i: Item) => string): Promise<void> {
    if (items.length === 0) return;
    const entries: DeadLetterEntry[] = items.map((i) => deadLetterEntry(i.event, tableNameOf(catalog, i.event.source), catalog.sources, error(i), Math.max(1, i.attempts)));
    const where = await deadLetters.put(entries);
    log.error({ count: items.length, where, keys: items.slice(0, 5).map((i) => `${i.event.source}/${i.event.rowId}`) }, 'mirror changes dead-lettered');
    for (const i of items) settle(i, 'dead_lettered');
  }

  /** Batches left that read the stored versions first, after an optimistic batch met a duplicate or stale change. */
  let carefulBatches = 0;

  /**
   * Applies a batch in one transaction: optimistically (no `SELECT … FOR UPDATE`, see
   * {@link applyChanges}), unless a recent batch met a duplicate or stale change; such a batch
   * is rolled back and applied again reading the stored versions first, and so are the next
   * {@link CAREFUL_AFTER_CONFLICT} batches (a stream full of duplicates does not pay twice).
   */
  async function apply(events: MirrorEvent[], now: Date): Promise<ApplyResult> {
    if (carefulBatches === 0) {
      try {
        return await mirrorTransaction(pool, (conn) => applyChanges(conn, catalog, events, now, { optimistic: true }));
      } catch (e) {
        if (!(e instanceof OptimisticConflict)) throw e;
        carefulBatches = CAREFUL_AFTER_CONFLICT;
      }
    } else carefulBatches--;
    return mirrorTransaction(pool, (conn) => applyChanges(conn, catalog, events, now));
  }

  /** Writes one batch; with `idle` (nothing queued behind it) the counters are saved before the changes settle. */
  async function writeOnce(items: Item[], idle = true): Promise<void> {
    if (catalog.stale) await catalog.refresh();
    const now = new Date();
    const result = await apply(items.map((i) => i.event), now);
    const committedAt = Date.now();
    addStats(stats, result, committedAt);
    options.onCommit?.(result, committedAt);
    await saveStats(idle);
    const outcome = new Map<MirrorEvent, WriteOutcome>();
    for (const e of result.applied) outcome.set(e, 'applied');
    for (const e of result.skipped) outcome.set(e, 'skipped');
    for (const e of result.unmapped) outcome.set(e, 'unmapped');
    const rejected = new Map(result.rejected.map((r) => [r.event, r.error]));
    await deadLetter(items.filter((i) => rejected.has(i.event)), (i) => rejected.get(i.event) ?? 'rejected');
    for (const i of items) if (!rejected.has(i.event)) settle(i, outcome.get(i.event) ?? 'skipped');
  }

  /** Writes items one per transaction to isolate a permanent failure; transient ones go back to the queue. */
  async function isolate(items: Item[]): Promise<Item[]> {
    const retry: Item[] = [];
    for (const item of items) {
      try {
        await writeOnce([item]);
      } catch (e) {
        if (isTransientDbError(e)) retry.push(item);
        else await deadLetter([item], () => describeError(e));
      }
    }
    return retry;
  }

  /** One lane: a queue and its loop, one transaction in flight. */
  function createLane() {
    const queue: Item[] = [];
    let running = false;
    let failures = 0;

    async function run(): Promise<void> {
      try {
        while (queue.length > 0) {
          const items = queue.splice(0, maxBatch);
          let retry: Item[] = [];
          try {
            await writeOnce(items, queue.length === 0);
            failures = 0;
          } catch (e) {
            if (isSchemaChangeError(e)) {
              await catalog.refresh().catch(() => undefined);
              retry = await isolate(items);
            } else if (isTransientDbError(e)) {
              retry = items;
              log.warn({ err: e, batch: items.length, failures: failures + 1 }, 'mirror write failed, will retry');
            } else {
              retry = await isolate(items);
            }
          }
          if (retry.length === 0) continue;
          failures++;
          const now = Date.now();
          const expired: Item[] = [];
          const again: Item[] = [];
          for (const i of retry) {
            i.attempts++;
            (i.attempts >= policy.maxAttempts || now - i.firstAt >= policy.maxElapsedMs ? expired : again).push(i);
          }
          await deadLetter(expired, (i) => `MariaDB unavailable after ${i.attempts} attempts over ${now - i.firstAt} ms`);
          queue.unshift(...again);
          if (again.length > 0) await sleep(backoffDelayMs(policy, failures));
        }
      } finally {
        running = false;
        if (queue.length > 0) kick();
      }
    }

    function kick(): void {
      if (running) return;
      running = true;
      setImmediate(() => {
        void run().catch((e: unknown) => log.error({ err: e }, 'mirror writer loop failed'));
      });
    }

    return {
      push(item: Item) {
        queue.push(item);
        kick();
      },
    };
  }

  const lanes = Array.from({ length: Math.max(1, options.lanes ?? 4) }, createLane);

  return {
    submit(event) {
      inFlight++;
      return new Promise<WriteOutcome>((resolve) => {
        lanes[hash(`${event.source}/${event.rowId}`) % lanes.length]!.push({ event, resolve, attempts: 0, firstAt: Date.now() });
      });
    },
    get pending() {
      return inFlight;
    },
    drain() {
      if (inFlight === 0) return Promise.resolve();
      return new Promise((r) => drainWaiters.push(r));
    },
  };
}
