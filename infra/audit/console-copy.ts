/**
 * The Appwrite console copy of the audit trail (issue 7 item 2): drains `audit_console_outbox`
 * in seq order and writes each entry to the Appwrite `audit_logs` table, so admins browse the
 * trail in the console. The authoritative, hash-chained log stays in MariaDB; this copy is a view.
 *
 * - Row id = the entry's id (a UUID, a valid Appwrite id), so a retry after a crash is idempotent:
 *   409 `row_already_exists` (and `row_unique_constraint_violation` of servers after 1.9.6, on the
 *   unique `entryId` index) count as done.
 * - Permissions: none on the row; the table's own apply (read by labels `admin` and `superadmin`,
 *   no client writes: collections/audit-logs.ts).
 * - Failure: the entry stays in the outbox with `attempts`, `last_error` and an exponential
 *   backoff (2 s, 4 s, … at most 5 min): nothing is lost while Appwrite is down. A transient
 *   failure (unreachable, 5xx, 429, our key refused) ends the pass, so later entries wait and
 *   order is kept; a failure particular to one entry (another 4xx) does not block the rest.
 * - Throughput: `concurrency` rows at a time (default 4); a started copier keeps draining while
 *   full batches come back, then polls every `intervalMs`.
 * @module
 */
import type { RowDataPacket } from 'mysql2';
import { isAppwriteError, isUpstreamDown, type AppwriteAdmin } from '../appwrite.js';
import type { Logger } from '../logger.js';
import type { Pool } from '../mariadb.js';

export interface ConsoleCopy {
  /**
   * One pass: copies up to `batch` entries (default 100) that are due now, in seq order.
   * @returns how many were copied (or found already copied).
   * @throws the driver's error when MariaDB cannot be read or updated (nothing is lost: the outbox row stays).
   */
  drainOnce(batch?: number): Promise<number>;
  /** Starts draining in the background every `intervalMs` (default 2000 ms); errors are logged, never thrown. */
  start(intervalMs?: number): void;
  /** Stops the background draining and waits for a pass in progress. */
  stop(): Promise<void>;
}

export interface ConsoleCopyOptions {
  /** Rows written to Appwrite at once (default 4). */
  concurrency?: number;
}

/** Backoff before attempt `attempts + 1`, ms: 2 s doubling, at most 5 min. */
export function consoleCopyBackoffMs(attempts: number): number {
  return Math.min(300_000, 1000 * 2 ** Math.min(Math.max(attempts, 1), 9));
}

const clip = (v: unknown, n: number) => (typeof v === 'string' ? v.slice(0, n) : undefined);
const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});

/** The `audit_logs` row of a stored entry (columns and sizes of collections/audit-logs.ts). */
export function consoleRow(seq: number, hash: string, e: Record<string, unknown>): Record<string, unknown> {
  const actor = obj(e.actor);
  const target = obj(e.target);
  const approver = obj(e.approver);
  const row: Record<string, unknown> = {
    entryId: e.id, seq, occurredAt: e.occurredAt, action: e.action, outcome: e.outcome, actorType: actor.type,
    actorId: clip(actor.id, 36), actorRole: clip(actor.role, 36), approverId: clip(approver.id, 36), targetType: clip(target.type, 64), targetId: clip(target.id, 255),
    storeId: clip(e.storeId, 36), terminalId: clip(e.terminalId, 36), hash, summary: clip(e.reason, 1024),
  };
  for (const k of Object.keys(row)) if (row[k] === undefined) delete row[k];
  return row;
}

/** True for failures that say nothing about the entry itself (retrying later may succeed for all). */
function isTransient(err: unknown): boolean {
  return isUpstreamDown(err) || isAppwriteError(err) && [401, 403, 408, 429].includes(err.code);
}

/**
 * Creates the copier for `databaseId`'s `audit_logs` table, using `appwrite` (an API key with
 * `rows.write`) and the outbox in `pool`.
 */
export function createConsoleCopy(pool: Pool, appwrite: AppwriteAdmin, databaseId: string, log: Logger, options: ConsoleCopyOptions = {}): ConsoleCopy {
  const concurrency = Math.max(1, options.concurrency ?? 4);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  /** Copies one row; returns 'done', 'failed' (entry-specific) or 'transient'. */
  async function copyOne(r: RowDataPacket): Promise<'done' | 'failed' | 'transient'> {
    const e = (typeof r.entry === 'string' ? JSON.parse(r.entry) : r.entry) as Record<string, unknown>;
    const rowId = typeof e.id === 'string' ? e.id : `audit-${String(r.seq)}`;
    try {
      await appwrite.tablesDB.createRow({ databaseId, tableId: 'audit_logs', rowId, data: consoleRow(Number(r.seq), String(r.hash), e) });
    } catch (err) {
      if (!isAppwriteError(err, 'row_already_exists', 'row_unique_constraint_violation')) {
        const attempts = Number(r.attempts) + 1;
        await pool.query('UPDATE audit_console_outbox SET attempts = ?, last_error = ?, next_attempt_at = DATE_ADD(CURRENT_TIMESTAMP(3), INTERVAL ? MICROSECOND) WHERE seq = ?', [
          attempts, (err instanceof Error ? err.message : String(err)).slice(0, 1000), consoleCopyBackoffMs(attempts) * 1000, r.seq,
        ]);
        const transient = isTransient(err);
        log.warn({ seq: Number(r.seq), attempts, transient }, 'audit console copy failed; will retry');
        return transient ? 'transient' : 'failed';
      }
    }
    await pool.query('DELETE FROM audit_console_outbox WHERE seq = ?', [r.seq]);
    return 'done';
  }

  async function drainOnce(batch = 100): Promise<number> {
    const [rows] = await pool.query<RowDataPacket[]>(
      'SELECT o.seq, o.attempts, l.entry, l.hash FROM audit_console_outbox o JOIN audit_log l ON l.seq = o.seq WHERE o.next_attempt_at <= CURRENT_TIMESTAMP(3) ORDER BY o.seq LIMIT ?',
      [batch],
    );
    let copied = 0;
    for (let i = 0; i < rows.length; i += concurrency) {
      const results = await Promise.all(rows.slice(i, i + concurrency).map(copyOne));
      copied += results.filter((x) => x === 'done').length;
      if (results.includes('transient')) break; // Appwrite is unwell: later entries wait, in order
    }
    return copied;
  }

  async function drainAll(batch: number): Promise<void> {
    try {
      while (!stopped && (await drainOnce(batch)) === batch);
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'audit console copy pass failed');
    }
  }

  return {
    drainOnce,
    start(intervalMs = 2000) {
      stopped = false;
      if (timer) clearInterval(timer);
      timer = setInterval(() => {
        running ??= drainAll(100).finally(() => {
          running = undefined;
        });
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
