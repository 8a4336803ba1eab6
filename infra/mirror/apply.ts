/**
 * Applies a batch of mirror changes inside one MariaDB transaction (the caller's): the
 * idempotent, version-guarded keyed upsert of Debezium's JDBC sink, plus the change log.
 *
 * Per mirror table of the batch:
 * 1. the newest change per row id wins within the batch (core/mirror/events.ts version order);
 * 2. the stored versions are read with `SELECT … FOR UPDATE` (the row, and for hard-delete
 *    tables its tombstone), so concurrent writers serialize per row;
 * 3. a winner is written only when strictly newer than what is stored: duplicates (equal
 *    version) and late, out-of-order changes (older) change nothing, and a delete, which ranks
 *    above the live row of the same version, cannot be undone by a late copy of that update;
 * 4. upserts and soft deletes (`deleted_at` set) are one multi-row
 *    `INSERT … ON DUPLICATE KEY UPDATE`; hard deletes remove the row and keep a tombstone in
 *    `mirror_tombstones`.
 * Every distinct change (applied or not) is recorded once in `mirror_change_log`
 * (`INSERT IGNORE` on `event_key`), with its payload stripped of secrets. Applied/skipped counts
 * go to `mirror_stats` outside the transaction ({@link addStats}, {@link flushStats}), so
 * concurrent batches do not queue on its rows.
 * @module
 */
import type { RowDataPacket } from 'mysql2';
import { compareVersions, type MirrorEvent, type MirrorOperation, type MirrorVersion } from '../../core/mirror/events.js';
import { mapRow, MirrorMappingError, type SqlValue } from '../../core/mirror/map-row.js';
import { stripSecrets } from '../../core/mirror/schema.js';
import { withTransaction, type Pool, type PoolConnection } from '../mariadb.js';
import type { CatalogEntry, MirrorCatalog } from './catalog.js';

export interface ApplyResult {
  /** Changes written to the mirror. */
  applied: MirrorEvent[];
  /** Duplicates and changes older than the stored version. */
  skipped: MirrorEvent[];
  /** Changes of tables that have no mirror table (not in `collections/`). */
  unmapped: MirrorEvent[];
  /** Changes whose row cannot be mapped (a bad system field); they belong in the dead-letter table. */
  rejected: { event: MirrorEvent; error: string }[];
}

const q = (name: string): string => `\`${name.replace(/`/g, '``')}\``;

interface Stored {
  version: MirrorVersion;
}

function toVersion(updatedAt: unknown, sequence: unknown, deleted: boolean): MirrorVersion {
  const ms = updatedAt instanceof Date ? updatedAt.getTime() : Date.parse(String(updatedAt));
  return { updatedAtMs: ms, sequence: BigInt(String(sequence ?? 0)), deleted };
}

async function readStored(conn: PoolConnection, e: CatalogEntry, ids: string[]): Promise<Map<string, Stored>> {
  const out = new Map<string, Stored>();
  const seq = e.hasSequence ? '`sequence`' : '0';
  const softCol = e.live.has('deleted_at') ? '`deleted_at` IS NOT NULL' : '0';
  const [rows] = await conn.query<RowDataPacket[]>(`SELECT id, updated_at, ${seq} AS seq, ${softCol} AS d FROM ${q(e.table.name)} WHERE id IN (?) FOR UPDATE`, [ids]);
  for (const r of rows) out.set(String(r.id), { version: toVersion(r.updated_at, r.seq, Number(r.d) === 1) });
  if (e.table.deletes === 'hard') {
    const [tombs] = await conn.query<RowDataPacket[]>('SELECT row_id, updated_at, sequence FROM mirror_tombstones WHERE table_name = ? AND row_id IN (?) FOR UPDATE', [e.table.name, ids]);
    for (const t of tombs) {
      const v = toVersion(t.updated_at, t.sequence, true);
      const cur = out.get(String(t.row_id));
      if (!cur || compareVersions(v, cur.version) > 0) out.set(String(t.row_id), { version: v });
    }
  }
  return out;
}

/**
 * Multi-row upsert whose update half re-checks the version in SQL, so a row inserted by another
 * writer after this one read the stored versions is still never overwritten by an older change.
 * The first assignment evaluates the guard once into a session variable; MariaDB applies an
 * update's assignments left to right (MariaDB docs, "UPDATE").
 */
function upsertSql(e: CatalogEntry, columns: string[], rowCount: number): string {
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const v = (c: string) => `VALUES(${q(c)})`;
  const seq = e.hasSequence ? ` OR (${v('updated_at')} = \`updated_at\` AND (${v('sequence')} > \`sequence\` OR (${v('sequence')} = \`sequence\` AND ${v('deleted_at')} IS NOT NULL AND \`deleted_at\` IS NULL)))` : ` OR (${v('updated_at')} = \`updated_at\` AND ${v('deleted_at')} IS NOT NULL AND \`deleted_at\` IS NULL)`;
  const guard = `(${v('updated_at')} > \`updated_at\`${seq})`;
  const updates = [`\`id\` = IF((@tg_mirror_newer := ${guard}), \`id\`, \`id\`)`, ...columns.filter((c) => c !== 'id').map((c) => `${q(c)} = IF(@tg_mirror_newer, ${v(c)}, ${q(c)})`)];
  return `INSERT INTO ${q(e.table.name)} (${columns.map(q).join(', ')}) VALUES ${Array(rowCount).fill(tuple).join(', ')} ON DUPLICATE KEY UPDATE ${updates.join(', ')}`;
}

async function applyTable(conn: PoolConnection, catalog: MirrorCatalog, e: CatalogEntry, events: MirrorEvent[], now: Date, result: ApplyResult): Promise<void> {
  const winners = new Map<string, MirrorEvent>();
  for (const ev of events) {
    const cur = winners.get(ev.rowId);
    if (!cur || compareVersions(ev.version, cur.version) > 0) winners.set(ev.rowId, ev);
  }
  const stored = await readStored(conn, e, [...winners.keys()]);
  const writes: MirrorEvent[] = [];
  for (const w of winners.values()) {
    const s = stored.get(w.rowId);
    if (!s || compareVersions(w.version, s.version) > 0) writes.push(w);
  }
  const written = new Set<MirrorEvent>();
  const columns = e.table.columns.map((c) => c.name).filter((n) => e.live.has(n));
  const upserts: SqlValue[][] = [];
  const hardDeletes: MirrorEvent[] = [];
  for (const w of writes) {
    if (w.operation === 'delete' && e.table.deletes === 'hard') {
      hardDeletes.push(w);
      written.add(w);
      continue;
    }
    try {
      const { values } = mapRow(e.table, catalog.sources, w.payload, { live: e.live, deletedAt: w.operation === 'delete' ? now : null, mirroredAt: now });
      upserts.push(columns.map((c) => values[c] ?? null));
      written.add(w);
    } catch (err) {
      if (!(err instanceof MirrorMappingError)) throw err;
      result.rejected.push({ event: w, error: err.message });
    }
  }
  if (upserts.length > 0) await conn.query(upsertSql(e, columns, upserts.length), upserts.flat());
  if (hardDeletes.length > 0) {
    // Each delete removes the row only at or below its own version (a newer re-creation stays).
    const seqCond = e.hasSequence ? ' OR (`updated_at` = ? AND `sequence` <= ?)' : ' OR `updated_at` = ?';
    const conds = hardDeletes.map(() => `(\`id\` = ? AND (\`updated_at\` < ?${seqCond}))`).join(' OR ');
    const params = hardDeletes.flatMap((d) => {
      const at = new Date(d.version.updatedAtMs);
      return e.hasSequence ? [d.rowId, at, at, d.version.sequence.toString()] : [d.rowId, at, at];
    });
    await conn.query(`DELETE FROM ${q(e.table.name)} WHERE ${conds}`, params);
    const tuples = hardDeletes.map((d) => [e.table.name, d.rowId, new Date(d.version.updatedAtMs), d.version.sequence.toString(), now]);
    const newer = '(VALUES(`updated_at`) > `updated_at` OR (VALUES(`updated_at`) = `updated_at` AND VALUES(`sequence`) >= `sequence`))';
    await conn.query(
      `INSERT INTO mirror_tombstones (table_name, row_id, updated_at, sequence, deleted_at) VALUES ?
       ON DUPLICATE KEY UPDATE \`row_id\` = IF((@tg_tomb_newer := ${newer}), \`row_id\`, \`row_id\`),
         \`deleted_at\` = IF(@tg_tomb_newer, VALUES(\`deleted_at\`), \`deleted_at\`), \`sequence\` = IF(@tg_tomb_newer, VALUES(\`sequence\`), \`sequence\`),
         \`updated_at\` = IF(@tg_tomb_newer, VALUES(\`updated_at\`), \`updated_at\`)`,
      [tuples],
    );
  }
  const rejected = new Set(result.rejected.map((r) => r.event));
  for (const ev of events) {
    if (written.has(ev)) result.applied.push(ev);
    else if (!rejected.has(ev)) result.skipped.push(ev);
  }
}

/** Change-log rows (one per distinct key) of the changes that were not rejected. */
async function logChanges(conn: PoolConnection, catalog: MirrorCatalog, events: MirrorEvent[], now: Date): Promise<void> {
  const seen = new Set<string>();
  const tuples: SqlValue[][] = [];
  for (const ev of events) {
    const e = catalog.entry(ev.source);
    if (!e || seen.has(ev.key)) continue;
    seen.add(ev.key);
    const payload = JSON.stringify(stripSecrets(ev.source, ev.payload, catalog.sources));
    tuples.push([ev.key, e.table.name, ev.rowId, ev.operation, ev.eventName === '' ? null : ev.eventName.slice(0, 255), new Date(ev.version.updatedAtMs), payload, now]);
  }
  if (tuples.length === 0) return;
  await conn.query('INSERT IGNORE INTO mirror_change_log (event_key, table_name, row_id, action, event_name, updated_at, payload, applied_at) VALUES ?', [tuples]);
}

/** Counters of applied and skipped changes per operation, added to `mirror_stats` by {@link flushStats}. */
export type StatsDelta = Map<MirrorOperation, { applied: number; skipped: number; lag: number | null; at: Date | null }>;

/** Adds a batch's outcome to `delta` (lag = `committedAtMs` − `$updatedAt`, creates/updates/upserts only). */
export function addStats(delta: StatsDelta, result: ApplyResult, committedAtMs: number): void {
  const get = (op: MirrorOperation) => {
    let s = delta.get(op);
    if (!s) delta.set(op, (s = { applied: 0, skipped: 0, lag: null, at: null }));
    return s;
  };
  for (const ev of result.applied) {
    const s = get(ev.operation);
    s.applied++;
    s.at = new Date(committedAtMs);
    if (ev.operation !== 'delete') s.lag = committedAtMs - ev.version.updatedAtMs;
  }
  for (const ev of result.skipped) get(ev.operation).skipped++;
}

/**
 * Adds `delta` to `mirror_stats` (one statement, autocommit) and clears it. Counts added to
 * `delta` meanwhile stay for the next flush; when the statement fails (a deadlock between
 * writers flushing at once, MariaDB down) the counts go back into `delta`, so none is lost.
 * @throws the mysql2 error (after restoring the counts).
 */
export async function flushStats(db: Pool | PoolConnection, delta: StatsDelta): Promise<void> {
  if (delta.size === 0) return;
  const taken = [...delta];
  delta.clear();
  const tuples = taken.map(([op, s]) => [op, s.applied, s.skipped, s.at, s.lag]);
  try {
    await db.query(
      `INSERT INTO mirror_stats (operation, applied, skipped, last_applied_at, last_lag_ms) VALUES ?
       ON DUPLICATE KEY UPDATE applied = applied + VALUES(applied), skipped = skipped + VALUES(skipped),
         last_applied_at = COALESCE(VALUES(last_applied_at), last_applied_at), last_lag_ms = COALESCE(VALUES(last_lag_ms), last_lag_ms)`,
      [tuples],
    );
  } catch (e) {
    for (const [op, s] of taken) {
      const cur = delta.get(op);
      if (!cur) delta.set(op, s);
      else {
        cur.applied += s.applied;
        cur.skipped += s.skipped;
        cur.at ??= s.at;
        cur.lag ??= s.lag;
      }
    }
    throw e;
  }
}

/**
 * Applies `events` on `conn`, which must be inside a transaction the caller commits.
 * @param now the write time (`mirrored_at`, soft `deleted_at`, change-log `applied_at`).
 * @throws mysql2 errors (the caller retries transient ones and rolls back).
 */
export async function applyChanges(conn: PoolConnection, catalog: MirrorCatalog, events: readonly MirrorEvent[], now = new Date()): Promise<ApplyResult> {
  const result: ApplyResult = { applied: [], skipped: [], unmapped: [], rejected: [] };
  const bySource = new Map<string, MirrorEvent[]>();
  for (const ev of events) {
    const list = bySource.get(ev.source) ?? [];
    list.push(ev);
    bySource.set(ev.source, list);
  }
  // A fixed table order keeps lock acquisition order stable across writers (fewer deadlocks).
  for (const source of [...bySource.keys()].sort()) {
    const e = catalog.entry(source);
    const list = bySource.get(source)!;
    if (!e || e.live.size === 0) {
      result.unmapped.push(...list);
      continue;
    }
    await applyTable(conn, catalog, e, list, now, result);
  }
  const rejected = new Set(result.rejected.map((r) => r.event));
  await logChanges(conn, catalog, events.filter((ev) => !rejected.has(ev)), now);
  return result;
}

/**
 * Runs `fn` in a READ COMMITTED transaction: `SELECT … FOR UPDATE` then locks only the rows that
 * exist (no gap locks), so concurrent batches on different rows do not deadlock on the gaps
 * between ids; the SQL guard of the upsert covers a row another writer inserts meanwhile.
 */
export function mirrorTransaction<T>(pool: Pool, fn: (conn: PoolConnection) => Promise<T>): Promise<T> {
  return withTransaction(pool, fn, 'READ COMMITTED');
}
