/**
 * Applies a batch of mirror changes inside one MariaDB transaction (the caller's): the
 * idempotent, version-guarded keyed upsert of Debezium's JDBC sink, plus the change log.
 *
 * Per mirror table of the batch:
 * 1. the newest change per row id wins within the batch (core/mirror/events.ts version order);
 * 2. a winner is written only when strictly newer than what is stored: duplicates (equal
 *    version) and late, out-of-order changes (older) change nothing, and a delete, which ranks
 *    above the live row of the same version, cannot be undone by a late copy of that update.
 *    The upsert checks this in SQL for every row it meets ({@link upsertSql}). Which changes were
 *    skipped is known either by reading the stored versions first with `SELECT … FOR UPDATE`
 *    (the row, and for hard-delete tables its tombstone), or, for a table with soft deletes in an
 *    `optimistic` batch, from the upsert's own counts: when they show a row left unchanged, the
 *    batch is rolled back and applied again reading first ({@link ApplyOptions});
 * 3. upserts and soft deletes (`deleted_at` set) are one multi-row
 *    `INSERT … ON DUPLICATE KEY UPDATE`; hard deletes remove the row and keep a tombstone in
 *    `mirror_tombstones`.
 * Every distinct change (applied or not) is recorded once in `mirror_change_log`
 * (`INSERT IGNORE` on its unique key: table, row id, `$updatedAt`, `$sequence`, action), with its
 * payload stripped of secrets ({@link logChanges}). Applied/skipped counts go to `mirror_stats`
 * outside the transaction ({@link addStats}, {@link flushStats}), so concurrent batches do not
 * queue on its rows.
 * @module
 */
import mysql, { type ResultSetHeader, type RowDataPacket } from 'mysql2';
import { compareVersions, type MirrorEvent, type MirrorOperation, type MirrorVersion } from '../../core/mirror/events.js';
import { mapRow, MirrorMappingError, type SqlValue } from '../../core/mirror/map-row.js';
import { secretKeys, stripSecrets } from '../../core/mirror/schema.js';
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

/** How {@link applyChanges} reads the stored versions. */
export interface ApplyOptions {
  /**
   * Skip the `SELECT … FOR UPDATE` for tables with soft deletes when a table's batch has at least
   * two rows: the SQL guard of the upsert alone decides, and the statement's counts (affected
   * rows, and "Duplicates" of its info) prove that every row was inserted or updated. If one was
   * left unchanged (a duplicate or stale change), {@link OptimisticConflict} is thrown and the
   * caller rolls back and applies the batch again without this option, which tells which change
   * was skipped. Default false.
   */
  optimistic?: boolean;
}

/** Thrown by {@link applyChanges} with `optimistic` when a row of the batch was not newer than the stored one. */
export class OptimisticConflict extends Error {
  override name = 'OptimisticConflict';
}

/**
 * True when the multi-row upsert of `rows` rows inserted or updated every one: each inserted row
 * counts 1 affected row, each updated row 2, and each row left unchanged 1 with mysql2's default
 * CLIENT_FOUND_ROWS (0 without it), so only with none unchanged is `affectedRows` = `rows` +
 * Duplicates (the rows that met an existing key, from the statement's info).
 */
function everyRowWritten(ok: ResultSetHeader, rows: number): boolean {
  const m = /Records: (\d+)\s+Duplicates: (\d+)/.exec(ok.info ?? '');
  return m !== null && Number(m[1]) === rows && ok.affectedRows === rows + Number(m[2]);
}

const q = (name: string): string => `\`${name.replace(/`/g, '``')}\``;

/**
 * A DATETIME(3) value (`2026-11-23 10:00:00.123`, UTC), for the times the writer formats itself:
 * `now` once per batch (`mirrored_at`, soft `deleted_at`) rather than by mysql2 per row, and the
 * change log's times in its text statement (its prepared chunks send Dates). Outside years 0-9999 the Date itself
 * is returned (mysql2 formats it, in UTC on the mirror's pools).
 */
function sqlDatetime(ms: number): string | Date {
  const d = new Date(ms);
  const iso = d.toISOString();
  return iso.length === 24 ? `${iso.slice(0, 10)} ${iso.slice(11, 23)}` : d;
}

/** {@link sqlDatetime} as an SQL literal (a Date through mysql2's escaping, in UTC). */
function datetimeLiteral(ms: number): string {
  const v = sqlDatetime(ms);
  return typeof v === 'string' ? `'${v}'` : mysql.escape(v, false, 'Z');
}

const JSON_LITERAL_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', "'": "\\'", '\0': '\\0', '\n': '\\n', '\r': '\\r', '\x1a': '\\Z' };

/**
 * The output of JSON.stringify as an SQL string literal. JSON text holds no raw control
 * characters (JSON.stringify escapes them), so in practice only `\` and `'` are escaped, with
 * the backslash escapes mysql2 uses for every other value; a payload of a few hundred bytes per
 * change then costs one scan instead of mysql2's escaping of each `"`.
 */
function jsonLiteral(json: string): string {
  return `'${json.replace(/[\\'\0\n\r\x1a]/g, (c) => JSON_LITERAL_ESCAPES[c]!)}'`;
}

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
 * Multi-row upsert whose update half checks the version in SQL: the only check of an optimistic
 * batch, and in a batch that read first it still keeps a row inserted by another writer after
 * that read from being overwritten by an older change. The first assignment evaluates the guard
 * once into a session variable; MariaDB applies an update's assignments left to right (MariaDB
 * docs, "UPDATE").
 */
function upsertSql(e: CatalogEntry, columns: string[]): string {
  const v = (c: string) => `VALUES(${q(c)})`;
  const seq = e.hasSequence ? ` OR (${v('updated_at')} = \`updated_at\` AND (${v('sequence')} > \`sequence\` OR (${v('sequence')} = \`sequence\` AND ${v('deleted_at')} IS NOT NULL AND \`deleted_at\` IS NULL)))` : ` OR (${v('updated_at')} = \`updated_at\` AND ${v('deleted_at')} IS NOT NULL AND \`deleted_at\` IS NULL)`;
  const guard = `(${v('updated_at')} > \`updated_at\`${seq})`;
  const updates = [`\`id\` = IF((@tg_mirror_newer := ${guard}), \`id\`, \`id\`)`, ...columns.filter((c) => c !== 'id').map((c) => `${q(c)} = IF(@tg_mirror_newer, ${v(c)}, ${q(c)})`)];
  return `INSERT INTO ${q(e.table.name)} (${columns.map(q).join(', ')}) VALUES ? ON DUPLICATE KEY UPDATE ${updates.join(', ')}`;
}

async function applyTable(conn: PoolConnection, catalog: MirrorCatalog, e: CatalogEntry, events: MirrorEvent[], now: Date, nowSql: string | Date, optimistic: boolean, result: ApplyResult): Promise<void> {
  const winners = new Map<string, MirrorEvent>();
  for (const ev of events) {
    const cur = winners.get(ev.rowId);
    if (!cur || compareVersions(ev.version, cur.version) > 0) winners.set(ev.rowId, ev);
  }
  // Unread: a single row has no "Duplicates" count to prove it was written; hard-delete tables need their tombstones.
  const unread = optimistic && e.table.deletes === 'soft' && winners.size >= 2;
  let writes: MirrorEvent[];
  if (unread) writes = [...winners.values()];
  else {
    const stored = await readStored(conn, e, [...winners.keys()]);
    writes = [];
    for (const w of winners.values()) {
      const s = stored.get(w.rowId);
      if (!s || compareVersions(w.version, s.version) > 0) writes.push(w);
    }
  }
  const written = new Set<MirrorEvent>();
  const columns = e.table.columns.map((c) => c.name).filter((n) => e.live.has(n));
  const mirroredAtAt = columns.indexOf('mirrored_at');
  const deletedAtAt = columns.indexOf('deleted_at');
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
      const tuple = columns.map((c) => values[c] ?? null);
      // `now`, formatted once per batch.
      if (mirroredAtAt >= 0) tuple[mirroredAtAt] = nowSql;
      if (deletedAtAt >= 0 && w.operation === 'delete') tuple[deletedAtAt] = nowSql;
      upserts.push(tuple);
      written.add(w);
    } catch (err) {
      if (!(err instanceof MirrorMappingError)) throw err;
      result.rejected.push({ event: w, error: err.message });
    }
  }
  if (upserts.length > 0) {
    const [ok] = await conn.query<ResultSetHeader>(upsertSql(e, columns), [upserts]);
    if (unread && !everyRowWritten(ok, upserts.length)) throw new OptimisticConflict(`a change of ${e.table.name} was not newer than the stored row`);
  }
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

/** Columns of a change-log row, in the order of {@link logChanges}' values. */
const LOG_COLUMNS = 'table_name, row_id, updated_at, sequence, action, event_name, payload, applied_at';
/** Change-log rows per prepared statement. */
const LOG_CHUNK = 100;
/** The prepared statement writing {@link LOG_CHUNK} change-log rows (mysql2 prepares it once per connection). */
const LOG_CHUNK_SQL = `INSERT IGNORE INTO mirror_change_log (${LOG_COLUMNS}) VALUES ${Array(LOG_CHUNK).fill('(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`;

/**
 * Change-log rows (one per distinct change) of the changes that were not rejected, with
 * `INSERT IGNORE` on the log's unique key. Whole chunks of {@link LOG_CHUNK} rows go through a
 * prepared statement (binary protocol: the payloads, a few hundred bytes each, are neither
 * escaped here nor parsed as SQL text by MariaDB, and the two times travel as binary DATETIMEs,
 * 12 bytes each, written by mysql2 in UTC on the mirror's `timezone: 'Z'` pools, instead of
 * 23-character strings MariaDB parses: about 5 % more changes per second in bench/mirror.ts);
 * the rest, e.g. the few rows of a batch under a light load, in one text statement built here
 * from literals of known kinds (ids and event names through mysql2's escaping). The payload is
 * serialized directly when its table has no secret column present in it (else from a stripped
 * copy).
 */
async function logChanges(conn: PoolConnection, catalog: MirrorCatalog, events: readonly MirrorEvent[], nowMs: number): Promise<void> {
  const seen = new Set<string>();
  const logged: { table: string; ev: MirrorEvent; payload: string }[] = [];
  for (const ev of events) {
    const e = catalog.entry(ev.source);
    if (!e || seen.has(ev.key)) continue;
    seen.add(ev.key);
    const secret = secretKeys(ev.source, catalog.sources);
    let hasSecret = false;
    for (const k of secret) if (Object.hasOwn(ev.payload, k)) hasSecret = true;
    logged.push({ table: e.table.name, ev, payload: JSON.stringify(hasSecret ? stripSecrets(ev.source, ev.payload, catalog.sources) : ev.payload) });
  }
  const now = new Date(nowMs);
  const prepared = logged.length - (logged.length % LOG_CHUNK);
  for (let start = 0; start < prepared; start += LOG_CHUNK) {
    const params: (string | Date | null)[] = [];
    for (let i = start; i < start + LOG_CHUNK; i++) {
      const { table, ev, payload } = logged[i]!;
      params.push(table, ev.rowId, new Date(ev.version.updatedAtMs), ev.version.sequence.toString(), ev.operation, ev.eventName === '' ? null : ev.eventName.slice(0, 255), payload, now);
    }
    await conn.execute(LOG_CHUNK_SQL, params);
  }
  if (prepared === logged.length) return;
  const tableLiterals = new Map<string, string>();
  const nowLiteral = datetimeLiteral(nowMs);
  const rows: string[] = [];
  for (let i = prepared; i < logged.length; i++) {
    const { table, ev, payload } = logged[i]!;
    let tableLiteral = tableLiterals.get(table);
    if (tableLiteral === undefined) tableLiterals.set(table, (tableLiteral = mysql.escape(table)));
    const eventName = ev.eventName === '' ? 'NULL' : mysql.escape(ev.eventName.slice(0, 255));
    rows.push(`(${tableLiteral}, ${mysql.escape(ev.rowId)}, ${datetimeLiteral(ev.version.updatedAtMs)}, ${ev.version.sequence.toString()}, ${mysql.escape(ev.operation)}, ${eventName}, ${jsonLiteral(payload)}, ${nowLiteral})`);
  }
  await conn.query(`INSERT IGNORE INTO mirror_change_log (${LOG_COLUMNS}) VALUES ${rows.join(', ')}`);
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
  const at = new Date(committedAtMs);
  for (const ev of result.applied) {
    const s = get(ev.operation);
    s.applied++;
    s.at = at;
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
 * Applies `events` on `conn`, which must be inside a transaction the caller commits, on a
 * connection of a `createPool` pool (infra/mariadb.ts: `timezone: 'Z'`, so the DATETIMEs mysql2
 * writes from Dates are UTC).
 * @param now the write time (`mirrored_at`, soft `deleted_at`, change-log `applied_at`).
 * @throws mysql2 errors (the caller retries transient ones and rolls back); with
 *   `options.optimistic`, {@link OptimisticConflict} (the caller rolls back and applies again
 *   without it).
 */
export async function applyChanges(conn: PoolConnection, catalog: MirrorCatalog, events: readonly MirrorEvent[], now = new Date(), options: ApplyOptions = {}): Promise<ApplyResult> {
  const result: ApplyResult = { applied: [], skipped: [], unmapped: [], rejected: [] };
  const nowSql = sqlDatetime(now.getTime());
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
    await applyTable(conn, catalog, e, list, now, nowSql, options.optimistic === true, result);
  }
  const rejected = new Set(result.rejected.map((r) => r.event));
  await logChanges(conn, catalog, rejected.size === 0 ? events : events.filter((ev) => !rejected.has(ev)), now.getTime());
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
