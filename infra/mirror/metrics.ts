/**
 * Mirror metrics for the gateway's `/metrics` and `/health/ready` (issue 8 item 5), read from
 * MariaDB so they are right wherever the `mirror` function runs (in the embedded stack's process
 * or in Appwrite's executor): events applied and skipped by operation (`mirror_stats`), when the
 * last one was applied, its lag (commit time − the row's `$updatedAt`, ms), and the number of
 * dead letters pending replay.
 * @module
 */
import type { RowDataPacket } from 'mysql2';
import { Gauge, type Registry } from 'prom-client';
import type { Pool } from '../mariadb.js';

export interface MirrorStatus {
  /** Changes written to the mirror, by operation (`create`, `update`, `upsert`, `delete`). */
  applied: Record<string, number>;
  /** Duplicates and out-of-order changes that changed nothing, by operation. */
  skipped: Record<string, number>;
  /** ISO time of the last applied change, or null. */
  lastAppliedAt: string | null;
  /** Lag of the last applied create/update/upsert, ms, or null. */
  lagMs: number | null;
  /** Dead letters not yet replayed. */
  deadLetters: number;
}

/** Reads the status (two small queries). @throws the mysql2 error when MariaDB is unreachable. */
export async function readMirrorStatus(pool: Pool): Promise<MirrorStatus> {
  const [stats] = await pool.query<RowDataPacket[]>('SELECT operation, applied, skipped, last_applied_at, last_lag_ms FROM mirror_stats');
  const [[dlq]] = await pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM mirror_dead_letter WHERE replayed_at IS NULL');
  const status: MirrorStatus = { applied: {}, skipped: {}, lastAppliedAt: null, lagMs: null, deadLetters: Number(dlq?.n ?? 0) };
  let last = -1;
  for (const s of stats) {
    const op = String(s.operation);
    status.applied[op] = Number(s.applied);
    status.skipped[op] = Number(s.skipped);
    const at = s.last_applied_at instanceof Date ? s.last_applied_at.getTime() : -1;
    if (at > last) {
      last = at;
      status.lastAppliedAt = new Date(at).toISOString();
      if (s.last_lag_ms !== null) status.lagMs = Number(s.last_lag_ms);
    }
  }
  return status;
}

/**
 * Registers the mirror gauges on `registry`, refreshed from MariaDB at each scrape:
 * `tillgate_mirror_events_total{operation,result}` (result `applied` | `skipped`),
 * `tillgate_mirror_last_applied_timestamp_seconds`, `tillgate_mirror_lag_ms`,
 * `tillgate_mirror_dead_letters`. A scrape while MariaDB is down leaves the last values.
 */
export function registerMirrorMetrics(registry: Registry, pool: Pool): void {
  let cached: Promise<MirrorStatus | null> | undefined;
  // One query pair per scrape, shared by the four gauges.
  const status = () => {
    cached ??= readMirrorStatus(pool)
      .catch(() => null)
      .finally(() => setImmediate(() => (cached = undefined)));
    return cached;
  };
  new Gauge({
    name: 'tillgate_mirror_events_total',
    help: 'Mirror changes by operation and result (applied, or skipped as duplicate/out of order)',
    labelNames: ['operation', 'result'],
    registers: [registry],
    async collect() {
      const s = await status();
      if (!s) return;
      for (const [op, n] of Object.entries(s.applied)) this.set({ operation: op, result: 'applied' }, n);
      for (const [op, n] of Object.entries(s.skipped)) this.set({ operation: op, result: 'skipped' }, n);
    },
  });
  new Gauge({
    name: 'tillgate_mirror_last_applied_timestamp_seconds',
    help: 'When the mirror last applied a change (Unix seconds)',
    registers: [registry],
    async collect() {
      const s = await status();
      if (s?.lastAppliedAt) this.set(Date.parse(s.lastAppliedAt) / 1000);
    },
  });
  new Gauge({
    name: 'tillgate_mirror_lag_ms',
    help: "Lag of the last applied change: commit time minus the row's $updatedAt, ms",
    registers: [registry],
    async collect() {
      const s = await status();
      if (s?.lagMs !== null && s?.lagMs !== undefined) this.set(s.lagMs);
    },
  });
  new Gauge({
    name: 'tillgate_mirror_dead_letters',
    help: 'Mirror dead letters waiting for npm run mirror:replay',
    registers: [registry],
    async collect() {
      const s = await status();
      if (s) this.set(s.deadLetters);
    },
  });
}

/**
 * A `/health/ready` probe: resolves with the status when the mirror tables answer and pending
 * dead letters are at most `maxDeadLetters` (default 1,000); rejects otherwise, naming the reason.
 */
export function mirrorReadinessCheck(pool: Pool, maxDeadLetters = 1000): () => Promise<MirrorStatus> {
  return async () => {
    const s = await readMirrorStatus(pool);
    if (s.deadLetters > maxDeadLetters) throw new Error(`${s.deadLetters} mirror dead letters pending (run npm run mirror:replay)`);
    return s;
  };
}
