/**
 * Backfill (issue 8 item 3; Debezium's initial snapshot): pages through Appwrite by cursor and
 * writes every row (and user) into the mirror with its real `$updatedAt`, through the same
 * version-guarded write as events, so a change event that is newer always supersedes the
 * snapshot and an older one never overwrites it.
 *
 * Resumable: after each page, in the same transaction as the page's rows, the checkpoint
 * `backfill:<source>` in `mirror_checkpoints` records the last `$id` written. A backfill killed
 * half-way resumes after that row; a page written twice (a crash between commit and exit
 * cannot lose one) changes nothing, because the writes are keyed upserts. When the cursor row
 * was deleted in the meantime, the table restarts from the beginning (still idempotent).
 * @module
 */
import type { RowDataPacket } from 'mysql2';
import { changeFromResource } from '../../core/mirror/events.js';
import type { Logger } from '../logger.js';
import type { Pool } from '../mariadb.js';
import { applyChanges, mirrorTransaction } from './apply.js';
import type { MirrorCatalog } from './catalog.js';
import { CursorGoneError, type MirrorSource } from './source.js';

export interface BackfillProgress {
  source: string;
  /** Rows written so far in this table, including those of a resumed earlier run. */
  done: number;
  /** Rows in Appwrite when the table started (an estimate: Appwrite counts at most 5,000). */
  total: number;
}

export interface BackfillTableReport {
  source: string;
  table: string;
  /** Rows read from Appwrite and written (or found current) in this run. */
  rows: number;
  /** Rows actually changed in MariaDB in this run. */
  applied: number;
  pages: number;
  /** True when this run continued from a checkpoint. */
  resumed: boolean;
}

export interface BackfillOptions {
  pool: Pool;
  catalog: MirrorCatalog;
  source: MirrorSource;
  /** Appwrite table ids (or `users`); default every mirrored source. */
  sources?: readonly string[];
  /** Rows per page (default 500). */
  pageSize?: number;
  /** Pause between pages, ms, to spare a production Appwrite (default 0). */
  throttleMs?: number;
  /** Ignore existing checkpoints and start every table from its first row. */
  restart?: boolean;
  onProgress?: (p: BackfillProgress) => void;
  log?: Logger;
}

/** Checkpoint name of one source's backfill. */
export const checkpointName = (source: string): string => `backfill:${source}`;

interface Checkpoint {
  cursor: string | null;
  done: boolean;
  written: number;
}

async function readCheckpoint(pool: Pool, name: string): Promise<Checkpoint | null> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT `cursor`, details FROM mirror_checkpoints WHERE name = ?', [name]);
  const r = rows[0];
  if (!r) return null;
  const details = (typeof r.details === 'string' ? JSON.parse(r.details) : (r.details ?? {})) as { done?: boolean; written?: number };
  return { cursor: r.cursor === null ? null : String(r.cursor), done: details.done === true, written: details.written ?? 0 };
}

const saveCheckpointSql =
  'INSERT INTO mirror_checkpoints (name, `cursor`, updated_at, details) VALUES (?, ?, NOW(3), ?) ON DUPLICATE KEY UPDATE `cursor` = VALUES(`cursor`), updated_at = VALUES(updated_at), details = VALUES(details)';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Backfills the chosen sources, one after the other.
 * @throws Error for an unknown source or a missing mirror table; Appwrite and MariaDB failures
 *   as they come (the checkpoint keeps what was done).
 */
export async function backfill(o: BackfillOptions): Promise<BackfillTableReport[]> {
  const pageSize = o.pageSize ?? 500;
  const entries = (o.sources ?? o.catalog.entries().map((e) => e.source)).map((s) => {
    const e = o.catalog.entry(s);
    if (!e) throw new Error(`"${s}" is not a mirrored table (known: ${o.catalog.entries().map((x) => x.source).join(', ')})`);
    if (e.live.size === 0) throw new Error(`mirror table ${e.table.name} does not exist: run npm run migrate`);
    return e;
  });
  const reports: BackfillTableReport[] = [];
  for (const e of entries) {
    const name = checkpointName(e.source);
    const cp = o.restart ? null : await readCheckpoint(o.pool, name);
    const resumed = cp !== null && !cp.done && cp.cursor !== null;
    let cursor = resumed ? cp.cursor : null;
    let done = resumed ? cp.written : 0;
    const report: BackfillTableReport = { source: e.source, table: e.table.name, rows: 0, applied: 0, pages: 0, resumed };
    const total = await o.source.count(e.source);
    o.onProgress?.({ source: e.source, done, total });
    if (resumed) o.log?.info({ source: e.source, after: cursor, written: done }, 'backfill resumes from its checkpoint');
    for (;;) {
      let page: Record<string, unknown>[];
      try {
        page = await o.source.page(e.source, cursor, pageSize);
      } catch (err) {
        if (!(err instanceof CursorGoneError) || cursor === null) throw err;
        o.log?.warn({ source: e.source, cursor }, 'backfill cursor row was deleted; restarting the table');
        cursor = null;
        done = 0;
        continue;
      }
      if (page.length === 0) break;
      const changes = page.map((r) => changeFromResource(e.source, 'upsert', r));
      const last = changes[changes.length - 1]!.rowId;
      const written = done + changes.length;
      const result = await mirrorTransaction(o.pool, async (conn) => {
        const r = await applyChanges(conn, o.catalog, changes);
        await conn.query(saveCheckpointSql, [name, last, JSON.stringify({ done: false, written })]);
        return r;
      });
      if (result.rejected.length > 0) o.log?.error({ source: e.source, rejected: result.rejected.map((x) => ({ id: x.event.rowId, error: x.error })) }, 'backfill rows could not be mapped');
      cursor = last;
      done = written;
      report.rows += changes.length;
      report.applied += result.applied.length;
      report.pages++;
      o.onProgress?.({ source: e.source, done, total: Math.max(total, done) });
      if (page.length < pageSize) break;
      if (o.throttleMs) await sleep(o.throttleMs);
    }
    await o.pool.query(saveCheckpointSql, [name, cursor, JSON.stringify({ done: true, written: done, completedAt: new Date().toISOString() })]);
    reports.push(report);
  }
  return reports;
}
