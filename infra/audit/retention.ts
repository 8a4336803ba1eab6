/**
 * Audit log retention (`npm run audit:retention`; issue 7 item 5): moves the oldest entries of
 * `audit_log` into a gzip-compressed JSON Lines archive file with a signed manifest
 * (infra/audit/archive.ts), then deletes them from MariaDB, keeping the chain verifiable.
 *
 * ## Which entries
 * A contiguous prefix of the live chain (archives must join without gaps): from the first live
 * seq up to the entry before the first one that is recent, where an entry is recent when its
 * `occurredAt` or `receivedAt` is later than the cutoff. The cutoff is `now - AUDIT_HOT_DAYS`
 * (default 90) and, unless `force`, never later than `now - 365 days`: without `--force` no entry
 * younger than a year leaves MariaDB.
 *
 * ## PCI DSS v4 10.5.1 (retain audit logs 12 months, the latest 3 months immediately available)
 * The latest AUDIT_HOT_DAYS (keep it >= 90; a warning is logged otherwise) stay in MariaDB, where
 * `GET /api/v1/audit`, the export and `npm run audit:verify` reach them at once. Older entries are
 * not destroyed but moved into archive files in AUDIT_ARCHIVE_DIR, each with a manifest (seq range,
 * first prev_hash, last hash, SHA-256, HMAC signature), readable with `zcat | jq` and verifiable
 * on their own (`npm run audit:retention -- --verify-archives`). Operators keep that folder (on
 * storage with its own backup or WORM copy, PCI DSS 10.3.3) for at least 12 months from each
 * entry's date; only then may files be pruned, oldest first.
 *
 * ## Order of work (nothing is deleted that is not safely archived)
 * 1. MariaDB named lock (one run at a time); stale files of a crashed run are set aside.
 * 2. The whole live chain is verified first: a broken chain is never archived (that would
 *    launder tampering) and the run fails, audited.
 * 3. The range is streamed page by page into `<file>.partial`, fsynced, renamed, folder fsynced.
 * 4. The file is read back: SHA-256, and every line chained from the anchor's hash to the last
 *    hash MariaDB holds for the range. Only then is the manifest written (fsync).
 * 5. One transaction: the anchor is still the one the run started from, the range's last hash is
 *    unchanged, delete exactly the range (and its console outbox rows), move the signed anchor,
 *    record the archive in `audit_archives`. Any difference rolls back.
 * 6. The run is audited (`audit.retention`, actor `system:audit-retention`), success or failure.
 *
 * ## Privileges
 * The application user cannot delete audit entries (infra/audit/verify.ts). Run retention with a
 * maintenance account, e.g. `MARIADB_URL=mysql://tillgate_maint:…@db/tillgate npm run audit:retention`:
 * ```sql
 * GRANT SELECT, INSERT, DELETE ON tillgate.audit_log TO 'tillgate_maint'@'%';
 * GRANT SELECT, INSERT, UPDATE, DELETE ON tillgate.audit_console_outbox TO 'tillgate_maint'@'%';
 * GRANT SELECT, INSERT ON tillgate.audit_checkpoints TO 'tillgate_maint'@'%';
 * GRANT SELECT, UPDATE ON tillgate.audit_head TO 'tillgate_maint'@'%';
 * GRANT SELECT, INSERT, UPDATE ON tillgate.audit_archive_anchor TO 'tillgate_maint'@'%';
 * GRANT SELECT, INSERT ON tillgate.audit_archives TO 'tillgate_maint'@'%';
 * ```
 * @module
 */
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { GENESIS_HASH, signCheckpoint } from '../../core/audit/chain.js';
import { toSqlDateTime } from '../../core/audit/entry.js';
import { AppError } from '../../core/errors.js';
import type { Logger } from '../logger.js';
import type { Pool } from '../mariadb.js';
import type { AuditAppender } from './appender.js';
import { ARCHIVE_FORMAT, archiveFileName, listManifests, manifestFileName, scanArchiveFile, signManifest, writeArchiveFile, writeManifest, type ArchiveManifest, type ArchiveRow } from './archive.js';
import { readAuditAnchor, verifyAuditChain } from './verify.js';
import { sqlToIso } from './write-batch.js';

/** Entries younger than this many days are archived only with `force` (PCI DSS v4 10.5.1: 12 months). */
export const RETENTION_GUARD_DAYS = 365;
/** PCI DSS v4 10.5.1: at least three months immediately available. */
export const MIN_HOT_DAYS = 90;
const DAY_MS = 86_400_000;
const LOCK = 'tillgate_audit_retention';

export interface RetentionOptions {
  /** A pool of the maintenance account (needs DELETE on audit_log; see the module doc). */
  pool: Pool;
  /** Records the run (`audit.retention`). */
  appender: AuditAppender;
  log: Logger;
  /** AUDIT_ARCHIVE_DIR; created when missing. */
  archiveDir: string;
  /** AUDIT_HOT_DAYS (days, >= 1). */
  hotDays: number;
  /** AUDIT_CHECKPOINT_KEY (>= 32 characters): signs the anchor and the manifest, checks checkpoints. */
  checkpointKey: string;
  /** Lift the 365-day guard (`--force`). */
  force?: boolean;
  /** Compute and report the range, write nothing (`--dry-run`). */
  dryRun?: boolean;
  /** Most entries per run (default 1,000,000); the rest waits for the next run. */
  maxEntries?: number;
  /** Rows per page read from MariaDB (default 2000). */
  pageSize?: number;
  now?: () => Date;
}

export interface RetentionReport {
  status: 'archived' | 'nothing_to_archive' | 'dry_run';
  /** Entries whose occurredAt and receivedAt are both before this were eligible (UTC ISO). */
  cutoff: string;
  forced: boolean;
  /** The range archived (or, for a dry run, that would be). */
  range?: { firstSeq: number; lastSeq: number; entries: number };
  manifest?: ArchiveManifest;
}

type Row = RowDataPacket & Record<string, unknown>;

async function* readRange(pool: Pool, first: number, last: number, pageSize: number): AsyncGenerator<ArchiveRow> {
  let after = first - 1;
  while (after < last) {
    const [rows] = await pool.query<Row[]>(
      'SELECT seq, prev_hash, hash, CAST(entry AS CHAR) AS entry, CAST(occurred_at AS CHAR) AS occurred_at FROM audit_log WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?',
      [after, last, pageSize],
    );
    if (rows.length === 0) return;
    for (const r of rows) yield { seq: Number(r.seq), prevHash: String(r.prev_hash), hash: String(r.hash), entryJson: String(r.entry), occurredAt: sqlToIso(String(r.occurred_at)) };
    after = Number(rows[rows.length - 1]!.seq);
  }
}

/** Sets aside what a crashed run left: `.partial` files, and archives never committed (beyond the anchor). */
async function setAsideStale(dir: string, anchorSeq: number, log: Logger): Promise<void> {
  for (const n of await readdir(dir)) if (n.endsWith('.partial')) await rm(join(dir, n), { force: true });
  for (const n of await listManifests(dir)) {
    const m = /^audit-(\d+)-(\d+)-/.exec(n);
    if (m && Number(m[1]) > anchorSeq) {
      const data = n.replace(/\.manifest\.json$/, '.jsonl.gz');
      for (const f of [n, data]) await rename(join(dir, f), join(dir, `${f}.uncommitted`)).catch(() => undefined);
      log.warn({ manifest: n }, 'audit retention: set aside an archive a crashed run never committed');
    }
  }
}

/** The range to archive: from the first live seq to the entry before the first recent one. */
async function findRange(pool: Pool, afterSeq: number, cutoff: Date, maxEntries: number): Promise<{ firstSeq: number; lastSeq: number } | undefined> {
  const at = toSqlDateTime(cutoff.toISOString());
  const [[firstRow], [recentRow]] = await Promise.all([
    pool.query<Row[]>('SELECT MIN(seq) AS s, MAX(seq) AS m FROM audit_log WHERE seq > ?', [afterSeq]).then(([r]) => r),
    pool.query<Row[]>('SELECT MIN(seq) AS s FROM audit_log WHERE seq > ? AND (occurred_at >= ? OR received_at >= ?)', [afterSeq, at, at]).then(([r]) => r),
  ]);
  if (firstRow?.s === null || firstRow?.s === undefined) return undefined;
  const firstSeq = Number(firstRow.s);
  const end = recentRow?.s === null || recentRow?.s === undefined ? Number(firstRow.m) : Number(recentRow.s) - 1;
  const lastSeq = Math.min(end, firstSeq + maxEntries - 1);
  return lastSeq >= firstSeq ? { firstSeq, lastSeq } : undefined;
}

async function commitDeletion(conn: PoolConnection, start: { seq: number; hash: string }, manifest: ArchiveManifest, key: string, now: Date): Promise<void> {
  await conn.beginTransaction();
  try {
    const anchor = await readAuditAnchor(conn);
    const anchorNow = anchor ? { seq: anchor.seq, hash: anchor.hash } : { seq: 0, hash: GENESIS_HASH };
    if (anchorNow.seq !== start.seq || anchorNow.hash !== start.hash) throw new AppError('CONFLICT', 'The retention anchor moved during the run.');
    const [lastRows] = await conn.query<Row[]>('SELECT hash FROM audit_log WHERE seq = ? FOR UPDATE', [manifest.lastSeq]);
    if (lastRows[0]?.hash !== manifest.lastHash) throw new AppError('CONFLICT', `Entry ${manifest.lastSeq} changed while it was archived.`);
    const [del] = await conn.query<ResultSetHeader>('DELETE FROM audit_log WHERE seq BETWEEN ? AND ?', [manifest.firstSeq, manifest.lastSeq]);
    if (del.affectedRows !== manifest.entries) throw new AppError('CONFLICT', 'The archived range changed while it was archived.');
    await conn.query('DELETE FROM audit_console_outbox WHERE seq <= ?', [manifest.lastSeq]);
    const createdAt = now.toISOString();
    const signature = signCheckpoint(key, manifest.lastSeq, manifest.lastHash, createdAt);
    await conn.query(
      'INSERT INTO audit_archive_anchor (id, seq, hash, created_at, signature, archive_file) VALUES (1, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE seq = VALUES(seq), hash = VALUES(hash), created_at = VALUES(created_at), signature = VALUES(signature), archive_file = VALUES(archive_file)',
      [manifest.lastSeq, manifest.lastHash, toSqlDateTime(createdAt), signature, manifest.file],
    );
    await conn.query(
      'INSERT INTO audit_archives (first_seq, last_seq, entries, first_prev_hash, last_hash, file, sha256, bytes, oldest_at, newest_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [manifest.firstSeq, manifest.lastSeq, manifest.entries, manifest.firstPrevHash, manifest.lastHash, manifest.file, manifest.sha256, manifest.bytes, toSqlDateTime(manifest.oldestAt), toSqlDateTime(manifest.newestAt), toSqlDateTime(manifest.createdAt)],
    );
    await conn.commit();
  } catch (e) {
    await conn.rollback().catch(() => undefined);
    throw e;
  }
}

async function archiveRange(o: RetentionOptions, conn: PoolConnection, start: { seq: number; hash: string }, range: { firstSeq: number; lastSeq: number }, now: Date): Promise<ArchiveManifest> {
  const file = archiveFileName(range.firstSeq, range.lastSeq, now);
  await writeArchiveFile(o.archiveDir, file, readRange(o.pool, range.firstSeq, range.lastSeq, o.pageSize ?? 2000));
  const scan = await scanArchiveFile(join(o.archiveDir, file), { seq: range.firstSeq, prevHash: start.hash });
  const [lastRows] = await o.pool.query<Row[]>('SELECT hash FROM audit_log WHERE seq = ?', [range.lastSeq]);
  const entries = range.lastSeq - range.firstSeq + 1;
  if (!scan.ok || scan.entries !== entries || scan.lastHash !== lastRows[0]?.hash || !scan.oldestAt || !scan.newestAt) {
    throw new AppError('INTERNAL', `The archive file ${file} did not verify after writing (${scan.problem ?? 'range or last hash differs'}); nothing was deleted.`);
  }
  const fields: Omit<ArchiveManifest, 'signature'> = {
    format: ARCHIVE_FORMAT, file, firstSeq: range.firstSeq, lastSeq: range.lastSeq, entries, firstPrevHash: start.hash, lastHash: scan.lastHash,
    sha256: scan.sha256, bytes: scan.bytes, oldestAt: scan.oldestAt, newestAt: scan.newestAt, createdAt: now.toISOString(),
  };
  const manifest: ArchiveManifest = { ...fields, signature: signManifest(o.checkpointKey, fields) };
  await writeManifest(o.archiveDir, manifest);
  await commitDeletion(conn, start, manifest, o.checkpointKey, now);
  return manifest;
}

/**
 * Runs retention once (see the module doc for the rules and the order of work).
 * @returns what was archived, or `nothing_to_archive`.
 * @throws AppError VALIDATION_FAILED (bad options: key under 32 characters, hotDays < 1);
 *   CONFLICT (another run holds the lock, or the data changed during the run: nothing deleted);
 *   INTERNAL (the live chain is broken, or the archive file did not verify: nothing deleted);
 *   the driver's or file system's error. Every failure after the start is audited as
 *   `audit.retention` with outcome `failure`.
 */
export async function runRetention(o: RetentionOptions): Promise<RetentionReport> {
  if (o.checkpointKey.length < 32) throw new AppError('VALIDATION_FAILED', 'Retention needs AUDIT_CHECKPOINT_KEY (at least 32 characters) to sign the archive anchor.');
  if (!Number.isInteger(o.hotDays) || o.hotDays < 1) throw new AppError('VALIDATION_FAILED', 'AUDIT_HOT_DAYS must be a positive integer.');
  const maxEntries = o.maxEntries ?? 1_000_000;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new AppError('VALIDATION_FAILED', 'maxEntries must be a positive integer.');
  if (o.hotDays < MIN_HOT_DAYS) o.log.warn({ hotDays: o.hotDays }, `AUDIT_HOT_DAYS below ${MIN_HOT_DAYS}: PCI DSS 10.5.1 wants three months immediately available`);
  const now = (o.now ?? (() => new Date()))();
  const forced = o.force === true;
  const hotCutoff = now.getTime() - o.hotDays * DAY_MS;
  const cutoff = new Date(forced ? hotCutoff : Math.min(hotCutoff, now.getTime() - RETENTION_GUARD_DAYS * DAY_MS));
  const report: RetentionReport = { status: 'nothing_to_archive', cutoff: cutoff.toISOString(), forced };
  const actor = { type: 'system' as const, id: 'audit-retention' };

  const conn = await o.pool.getConnection();
  try {
    const [lock] = await conn.query<Row[]>('SELECT GET_LOCK(?, 0) AS ok', [LOCK]);
    if (Number(lock[0]?.ok) !== 1) throw new AppError('CONFLICT', 'Another audit retention run is in progress.');
    try {
      const anchor = await readAuditAnchor(conn);
      const start = anchor ? { seq: anchor.seq, hash: anchor.hash } : { seq: 0, hash: GENESIS_HASH };
      const range = await findRange(o.pool, start.seq, cutoff, maxEntries);
      if (!range) return report;
      report.range = { ...range, entries: range.lastSeq - range.firstSeq + 1 };
      if (o.dryRun) return { ...report, status: 'dry_run' };
      try {
        await mkdir(o.archiveDir, { recursive: true });
        await setAsideStale(o.archiveDir, start.seq, o.log);
        const pre = await verifyAuditChain({ pool: o.pool, checkpointKey: o.checkpointKey });
        if (!pre.ok) {
          const b = pre.firstBroken!;
          throw new AppError('INTERNAL', `The audit chain is broken at seq ${b.seq} (${b.reason}); nothing was archived. Investigate with npm run audit:verify.`);
        }
        report.manifest = await archiveRange(o, conn, start, range, now);
        report.status = 'archived';
      } catch (e) {
        await o.appender
          .append({ action: 'audit.retention', outcome: 'failure', reason: (e instanceof Error ? e.message : String(e)).slice(0, 500), actor, metadata: { cutoff: report.cutoff, forced, firstSeq: range.firstSeq, lastSeq: range.lastSeq } })
          .catch((err: unknown) => o.log.error({ err }, 'audit retention failure could not be audited'));
        throw e;
      }
    } finally {
      await conn.query('SELECT RELEASE_LOCK(?)', [LOCK]).catch(() => undefined);
    }
  } finally {
    conn.release();
  }
  const m = report.manifest!;
  await o.appender.append({
    action: 'audit.retention',
    outcome: 'success',
    reason: `archived entries ${m.firstSeq}..${m.lastSeq} to ${m.file}`,
    actor,
    metadata: { cutoff: report.cutoff, forced, firstSeq: m.firstSeq, lastSeq: m.lastSeq, entries: m.entries, file: m.file, manifest: manifestFileName(m.file), sha256: m.sha256, lastEntryDigest: m.lastHash },
  });
  o.log.info({ firstSeq: m.firstSeq, lastSeq: m.lastSeq, entries: m.entries, file: m.file }, 'audit entries archived');
  return report;
}
