/**
 * Replay of the dead-letter queue (issue 8 item 2, `npm run mirror:replay`): first moves the
 * spooled entries (written while MariaDB was down) into `mirror_dead_letter`, then re-applies
 * every pending entry, oldest first, through the same version-guarded write as events. Replaying
 * is safe at any time and any number of times: an entry older than what the mirror holds changes
 * nothing. A replayed entry gets `replayed_at`; one that fails again keeps pending with its
 * attempts counted up and the new error.
 * @module
 */
import type { RowDataPacket } from 'mysql2';
import { changeFromResource, MirrorEventError, type MirrorEvent, type MirrorOperation } from '../../core/mirror/events.js';
import type { Logger } from '../logger.js';
import type { Pool } from '../mariadb.js';
import { applyChanges, mirrorTransaction } from './apply.js';
import type { MirrorCatalog } from './catalog.js';
import { ingestSpool } from './dead-letter.js';
import { describeError, isTransientDbError } from './retry.js';

export interface ReplayReport {
  /** Entries moved from the spool into the table. */
  ingested: number;
  /** Spool lines that could not be read. */
  spoolSkipped: number;
  /** Pending entries replayed successfully (applied or found already current). */
  replayed: number;
  /** Of those, how many changed the mirror. */
  applied: number;
  /** Entries that failed again (still pending). */
  failed: number;
  /** Pending entries left. */
  pending: number;
}

export interface ReplayOptions {
  pool: Pool;
  catalog: MirrorCatalog;
  spoolDir: string;
  /** Entries per transaction (default 500). */
  batchSize?: number;
  log?: Logger;
}

const OPERATIONS: ReadonlySet<string> = new Set(['create', 'update', 'upsert', 'delete']);

interface Pending {
  id: number;
  event: MirrorEvent | null;
  problem: string;
}

function toPending(catalog: MirrorCatalog, r: RowDataPacket): Pending {
  const id = Number(r.id);
  const entry = catalog.byTableName(String(r.table_name));
  if (!entry) return { id, event: null, problem: `no mirror table ${String(r.table_name)}` };
  if (!OPERATIONS.has(String(r.action))) return { id, event: null, problem: `unknown action ${String(r.action)}` };
  try {
    const payload = (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>;
    return { id, event: changeFromResource(entry.source, String(r.action) as MirrorOperation, payload, r.event_name === null ? '' : String(r.event_name)), problem: '' };
  } catch (e) {
    if (e instanceof MirrorEventError || e instanceof SyntaxError) return { id, event: null, problem: e.message };
    throw e;
  }
}

async function markFailed(pool: Pool, ids: number[], error: string): Promise<void> {
  if (ids.length === 0) return;
  await pool.query('UPDATE mirror_dead_letter SET attempts = attempts + 1, last_failed_at = NOW(3), error = ? WHERE id IN (?)', [error.slice(0, 2000), ids]);
}

/**
 * Ingests the spool and replays every pending dead letter.
 * @throws the mysql2 error when MariaDB is unreachable (nothing is lost: spool files are kept and
 *   entries stay pending).
 */
export async function replayDeadLetters(o: ReplayOptions): Promise<ReplayReport> {
  const batchSize = o.batchSize ?? 500;
  const { ingested, skipped } = await ingestSpool(o.pool, o.spoolDir);
  const report: ReplayReport = { ingested, spoolSkipped: skipped, replayed: 0, applied: 0, failed: 0, pending: 0 };
  let last = 0;
  for (;;) {
    const [rows] = await o.pool.query<RowDataPacket[]>(
      'SELECT id, table_name, action, event_name, payload FROM mirror_dead_letter WHERE replayed_at IS NULL AND id > ? ORDER BY id LIMIT ?',
      [last, batchSize],
    );
    if (rows.length === 0) break;
    last = Number(rows[rows.length - 1]!.id);
    const pending = rows.map((r) => toPending(o.catalog, r));
    for (const bad of pending.filter((p) => p.event === null)) {
      await markFailed(o.pool, [bad.id], bad.problem);
      report.failed++;
    }
    const good = pending.filter((p): p is Pending & { event: MirrorEvent } => p.event !== null);
    if (good.length === 0) continue;
    try {
      const result = await mirrorTransaction(o.pool, async (conn) => {
        const r = await applyChanges(conn, o.catalog, good.map((p) => p.event));
        const rejected = new Set(r.rejected.map((x) => x.event));
        const done = good.filter((p) => !rejected.has(p.event)).map((p) => p.id);
        if (done.length > 0) await conn.query('UPDATE mirror_dead_letter SET replayed_at = NOW(3) WHERE id IN (?)', [done]);
        return { r, done: done.length };
      });
      report.replayed += result.done;
      report.applied += result.r.applied.length;
      for (const x of result.r.rejected) {
        const p = good.find((g) => g.event === x.event)!;
        await markFailed(o.pool, [p.id], x.error);
        report.failed++;
      }
    } catch (e) {
      if (isTransientDbError(e)) throw e;
      await markFailed(o.pool, good.map((p) => p.id), describeError(e));
      report.failed += good.length;
      o.log?.error({ err: e, count: good.length }, 'dead letters failed again');
    }
  }
  const [[count]] = await o.pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM mirror_dead_letter WHERE replayed_at IS NULL');
  report.pending = Number(count?.n ?? 0);
  return report;
}
