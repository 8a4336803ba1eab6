/**
 * Reconciliation (issue 8 item 4): compares Appwrite and the MariaDB mirror page by page (ids
 * and versions) and repairs what differs:
 * - missing: in Appwrite, not live in MariaDB → upserted from Appwrite;
 * - stale: live in MariaDB with an older version → upserted from Appwrite;
 * - orphaned: live in MariaDB, gone from Appwrite → deleted per the table's rule (soft: `deleted_at`,
 *   hard: removed with a tombstone).
 * Every candidate is fetched again from Appwrite before it is repaired, so a change that landed
 * while the sweep ran is not mistaken for a difference. Repairs go through the same
 * version-guarded write as events ({@link applyChanges}): a repair can never overwrite a newer
 * change. What the guard refuses (MariaDB holds a version newer than Appwrite's, or a tombstone
 * for a row Appwrite still has) is reported as still different.
 * Tombstones older than `tombstoneRetentionDays` are pruned at the end.
 * @module
 */
import type { RowDataPacket } from 'mysql2';
import { changeFromResource, compareVersions, type MirrorEvent, type MirrorVersion } from '../../core/mirror/events.js';
import type { Logger } from '../logger.js';
import type { Pool, PoolConnection } from '../mariadb.js';
import { applyChanges, mirrorTransaction } from './apply.js';
import type { CatalogEntry, MirrorCatalog } from './catalog.js';
import type { MirrorSource } from './source.js';

/** One table's line of the parity report. */
export interface ReconcileTableReport {
  /** Appwrite table id, or `users`. */
  source: string;
  /** MariaDB table. */
  table: string;
  /** Rows (users) in Appwrite during the sweep. */
  appwrite: number;
  /** Live (not deleted) rows in MariaDB after the repairs. */
  mariadb: number;
  missing: number;
  stale: number;
  orphaned: number;
  repaired: number;
  /** Differences left after the repairs (the guard refused, or `repair` was off). */
  stillDifferent: number;
}

export interface ReconcileReport {
  tables: ReconcileTableReport[];
  /** Sum of `stillDifferent`: 0 means exact parity. */
  differences: number;
  /** Sum of `repaired`. */
  repaired: number;
  durationMs: number;
}

export interface ReconcileOptions {
  pool: Pool;
  catalog: MirrorCatalog;
  source: MirrorSource;
  /** Appwrite table ids (or `users`) to check; default every mirrored source. */
  sources?: readonly string[];
  /** Rows per Appwrite page (default 500). */
  pageSize?: number;
  /** Repair differences (default true); false only reports them. */
  repair?: boolean;
  /** Tombstones older than this are pruned, days (default 7; 0 keeps them). */
  tombstoneRetentionDays?: number;
  log?: Logger;
}

const q = (name: string): string => `\`${name.replace(/`/g, '``')}\``;

interface StoredState {
  version: MirrorVersion;
}

function versionOfRow(updatedAt: unknown, seq: unknown, deleted: boolean): MirrorVersion {
  return { updatedAtMs: updatedAt instanceof Date ? updatedAt.getTime() : Date.parse(String(updatedAt)), sequence: BigInt(String(seq ?? 0)), deleted };
}

async function readStates(db: Pool | PoolConnection, e: CatalogEntry, ids: readonly string[], lock = false): Promise<Map<string, StoredState>> {
  const out = new Map<string, StoredState>();
  if (ids.length === 0) return out;
  const seq = e.hasSequence ? '`sequence`' : '0';
  const [rows] = await db.query<RowDataPacket[]>(`SELECT id, updated_at, ${seq} AS seq, deleted_at IS NOT NULL AS d FROM ${q(e.table.name)} WHERE id IN (?)${lock ? ' FOR UPDATE' : ''}`, [ids]);
  for (const r of rows) out.set(String(r.id), { version: versionOfRow(r.updated_at, r.seq, Number(r.d) === 1) });
  if (e.table.deletes === 'hard') {
    const [t] = await db.query<RowDataPacket[]>(`SELECT row_id, updated_at, sequence FROM mirror_tombstones WHERE table_name = ? AND row_id IN (?)${lock ? ' FOR UPDATE' : ''}`, [e.table.name, ids]);
    for (const r of t) {
      const v = versionOfRow(r.updated_at, r.sequence, true);
      const cur = out.get(String(r.row_id));
      if (!cur || compareVersions(v, cur.version) > 0) out.set(String(r.row_id), { version: v });
    }
  }
  return out;
}

type Verdict = 'same' | 'missing' | 'stale' | 'conflict';

function judge(appwrite: MirrorVersion, stored: StoredState | undefined): Verdict {
  if (!stored) return 'missing';
  const c = compareVersions(appwrite, stored.version);
  if (c === 0) return 'same';
  if (c > 0) return stored.version.deleted ? 'missing' : 'stale';
  return 'conflict';
}

/** Deletes orphans (live in MariaDB, absent from Appwrite) at their stored version; returns how many. */
async function deleteOrphans(pool: Pool, e: CatalogEntry, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  return mirrorTransaction(pool, async (conn) => {
    const states = await readStates(conn, e, ids, true);
    const live = ids.filter((id) => states.get(id)?.version.deleted === false);
    if (live.length === 0) return 0;
    if (e.table.deletes === 'soft') {
      await conn.query(`UPDATE ${q(e.table.name)} SET deleted_at = NOW(3), mirrored_at = NOW(3) WHERE id IN (?) AND deleted_at IS NULL`, [live]);
    } else {
      const tuples = live.map((id) => {
        const v = states.get(id)!.version;
        return [e.table.name, id, new Date(v.updatedAtMs), v.sequence.toString(), new Date()];
      });
      await conn.query('INSERT INTO mirror_tombstones (table_name, row_id, updated_at, sequence, deleted_at) VALUES ? ON DUPLICATE KEY UPDATE deleted_at = VALUES(deleted_at)', [tuples]);
      await conn.query(`DELETE FROM ${q(e.table.name)} WHERE id IN (?)`, [live]);
    }
    return live.length;
  });
}

async function reconcileTable(o: ReconcileOptions, e: CatalogEntry): Promise<ReconcileTableReport> {
  const pageSize = o.pageSize ?? 500;
  const repair = o.repair ?? true;
  const report: ReconcileTableReport = { source: e.source, table: e.table.name, appwrite: 0, mariadb: 0, missing: 0, stale: 0, orphaned: 0, repaired: 0, stillDifferent: 0 };
  const seen = new Set<string>();
  let after: string | null = null;
  for (;;) {
    const page = await o.source.page(e.source, after, pageSize);
    if (page.length === 0) break;
    after = String(page[page.length - 1]!.$id);
    const changes = page.map((r) => changeFromResource(e.source, 'upsert', r));
    for (const c of changes) seen.add(c.rowId);
    const states = await readStates(o.pool, e, changes.map((c) => c.rowId));
    const candidates = changes.filter((c) => judge(c.version, states.get(c.rowId)) !== 'same').map((c) => c.rowId);
    if (candidates.length === 0) continue;
    // Look again: the row may have changed (or been deleted) since the page was read.
    const fresh = (await o.source.fetch(e.source, candidates)).map((r) => changeFromResource(e.source, 'upsert', r));
    const freshStates = await readStates(o.pool, e, fresh.map((c) => c.rowId));
    const toRepair: MirrorEvent[] = [];
    for (const c of fresh) {
      const v = judge(c.version, freshStates.get(c.rowId));
      if (v === 'same') continue;
      if (v === 'missing') report.missing++;
      else if (v === 'stale') report.stale++;
      else report.stillDifferent++;
      if (v !== 'conflict') toRepair.push(c);
    }
    if (toRepair.length === 0) continue;
    if (!repair) {
      report.stillDifferent += toRepair.length;
      continue;
    }
    const result = await mirrorTransaction(o.pool, (conn) => applyChanges(conn, o.catalog, toRepair));
    report.repaired += result.applied.length;
    report.stillDifferent += result.skipped.length + result.rejected.length;
  }
  report.appwrite = seen.size;

  // Orphans: live MariaDB rows Appwrite did not list, confirmed absent by id.
  let last = '';
  for (;;) {
    const [rows] = await o.pool.query<RowDataPacket[]>(`SELECT id FROM ${q(e.table.name)} WHERE deleted_at IS NULL AND id > ? ORDER BY id LIMIT 1000`, [last]);
    if (rows.length === 0) break;
    last = String(rows[rows.length - 1]!.id);
    const candidates = rows.map((r) => String(r.id)).filter((id) => !seen.has(id));
    if (candidates.length === 0) continue;
    const present = new Set((await o.source.fetch(e.source, candidates)).map((r) => String(r.$id)));
    const orphans = candidates.filter((id) => !present.has(id));
    report.orphaned += orphans.length;
    if (!repair) report.stillDifferent += orphans.length;
    else report.repaired += await deleteOrphans(o.pool, e, orphans);
  }
  const [[count]] = await o.pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${q(e.table.name)} WHERE deleted_at IS NULL`);
  report.mariadb = Number(count?.n ?? 0);
  return report;
}

/**
 * Runs one sweep over the chosen sources.
 * @throws AppError VALIDATION_FAILED for an unknown source; Appwrite and MariaDB failures as they come.
 */
export async function reconcile(o: ReconcileOptions): Promise<ReconcileReport> {
  const started = Date.now();
  const entries = o.sources === undefined ? o.catalog.entries() : o.sources.map((s) => {
    const e = o.catalog.entry(s);
    if (!e) throw new Error(`"${s}" is not a mirrored table (known: ${o.catalog.entries().map((x) => x.source).join(', ')})`);
    return e;
  });
  const tables: ReconcileTableReport[] = [];
  for (const e of entries) {
    if (e.live.size === 0) throw new Error(`mirror table ${e.table.name} does not exist: run npm run migrate`);
    const r = await reconcileTable(o, e);
    o.log?.info(r, 'reconciled');
    tables.push(r);
  }
  const days = o.tombstoneRetentionDays ?? 7;
  if (days > 0 && (o.repair ?? true)) await o.pool.query('DELETE FROM mirror_tombstones WHERE deleted_at < NOW(3) - INTERVAL ? DAY', [days]);
  return {
    tables,
    differences: tables.reduce((n, t) => n + t.stillDifferent, 0),
    repaired: tables.reduce((n, t) => n + t.repaired, 0),
    durationMs: Date.now() - started,
  };
}
