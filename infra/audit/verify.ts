/**
 * Verification of the stored audit chain (`npm run audit:verify`, `GET /api/v1/audit/verify`):
 * reads `audit_log` in pages of `pageSize` rows inside one consistent InnoDB snapshot (so entries
 * appended meanwhile neither show up half nor raise false alarms), feeds them to the pure
 * verifier of core/audit/verify.ts together with every checkpoint and the chain head, and checks
 * each checkpoint signature with AUDIT_CHECKPOINT_KEY.
 *
 * ## Making the table append-only (PCI DSS v4 10.3.2: audit logs protected from modification)
 *
 * The application connects as a user that can add to the log but not change it. With the
 * database `tillgate` and the user `tillgate_app`:
 *
 * ```sql
 * GRANT SELECT, INSERT ON tillgate.audit_log TO 'tillgate_app'@'%';
 * GRANT SELECT, INSERT ON tillgate.audit_checkpoints TO 'tillgate_app'@'%';
 * GRANT SELECT, UPDATE ON tillgate.audit_head TO 'tillgate_app'@'%';
 * GRANT SELECT, INSERT, UPDATE, DELETE ON tillgate.audit_console_outbox TO 'tillgate_app'@'%';
 * GRANT SELECT ON tillgate.audit_archive_anchor TO 'tillgate_app'@'%';
 * GRANT SELECT ON tillgate.audit_archives TO 'tillgate_app'@'%';
 * -- plus the grants of the mirror tables; never database-wide ALL, never DROP/ALTER on audit_*.
 * ```
 *
 * Migrations run as a separate owner user (DDL), and `npm run audit:retention` as a maintenance
 * user that additionally holds `DELETE ON tillgate.audit_log` and `INSERT, UPDATE` on
 * `audit_archive_anchor` and `audit_archives` (see infra/audit/retention.ts). UPDATE on `audit_head` is needed to move the
 * head; a user abusing it can only make verify report `HEAD_MISMATCH`/`GAP`, never hide an edit.
 * `test/audit/privileges.test.ts` proves these grants refuse UPDATE and DELETE on audit_log while
 * appending works.
 * @module
 */
import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { Checkpoint } from '../../core/audit/chain.js';
import { AUDIT_INDEX_COLUMNS, type AuditIndexColumns } from '../../core/audit/entry.js';
import { createChainVerifier, type ChainBreak } from '../../core/audit/verify.js';
import { sqlToIso } from './write-batch.js';

export interface AuditVerifyOptions {
  pool: Pool;
  /** AUDIT_CHECKPOINT_KEY; without it checkpoint signatures are not checked. */
  checkpointKey?: string;
  /** Rows per page (default 2000). */
  pageSize?: number;
  /**
   * Where the stored chain starts. Default: right after the retention anchor
   * (`audit_archive_anchor`, written by `npm run audit:retention`) when one exists, else seq 1
   * after the genesis hash.
   */
  start?: { seq: number; prevHash: string };
}

/** The retention anchor: the last archived entry (its seq and chain hash), signed like a checkpoint. */
export interface AuditAnchor {
  seq: number;
  hash: string;
  createdAt: string;
  signature: string;
  /** The archive file holding that entry. */
  archiveFile: string;
}

export interface AuditVerifyReport {
  ok: boolean;
  checkedEntries: number;
  firstBroken?: ChainBreak;
  /** The last checkpoint before any break whose signature and hash verified (needs the key). */
  lastVerifiedCheckpoint?: { seq: number; createdAt: string };
  /** Checkpoints whose signature was checked. */
  checkpointsVerified: number;
  /** The chain head as stored. */
  head: { seq: number; hash: string };
  /** True when no key was given, so checkpoint signatures were not checked. */
  signaturesUnchecked: boolean;
  /**
   * Present when older entries were archived: verification started at `anchor.seq + 1` from
   * `anchor.hash`, and the anchor's signature was checked like a checkpoint's (a forged or moved
   * anchor is reported as `CHECKPOINT_MISMATCH` at `anchor.seq`).
   */
  anchor?: AuditAnchor;
}

type Row = RowDataPacket & Record<string, unknown>;

const TIME_COLUMNS = new Set(['occurred_at', 'received_at']);
const SELECT_COLUMNS = AUDIT_INDEX_COLUMNS.map((c) => (TIME_COLUMNS.has(c) ? `CAST(${c} AS CHAR) AS ${c}` : c)).join(', ');

/**
 * Reads the retention anchor on `conn` (inside the caller's transaction, so in its snapshot).
 * @returns undefined when there is none, or when the 20261123140000_audit_archive migration has
 *   not run or the table is invisible to this user (then verification starts at the genesis hash:
 *   if entries were archived, that fails closed with a GAP at seq 1 rather than pass).
 */
export async function readAuditAnchor(conn: Pick<Pool, 'query'>): Promise<AuditAnchor | undefined> {
  // information_schema lists only tables this user holds a privilege on.
  const [exists] = await conn.query<Row[]>("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'audit_archive_anchor'");
  if (exists.length === 0) return undefined;
  try {
    const [rows] = await conn.query<Row[]>(
      'SELECT seq, hash, signature, archive_file, CAST(created_at AS CHAR) AS created_at FROM audit_archive_anchor WHERE id = 1',
    );
    const r = rows[0];
    if (!r) return undefined;
    return { seq: Number(r.seq), hash: String(r.hash), signature: String(r.signature), archiveFile: String(r.archive_file), createdAt: sqlToIso(String(r.created_at)) };
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ER_NO_SUCH_TABLE') return undefined;
    throw e;
  }
}

const asText = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
};

/**
 * Verifies the whole chain. Read-only; holds one connection for the duration.
 * @returns the report; `ok: false` with `firstBroken` naming the first broken link.
 * @throws the driver's error when MariaDB cannot be read (a failed read is not a verdict).
 */
export async function verifyAuditChain(options: AuditVerifyOptions): Promise<AuditVerifyReport> {
  const pageSize = Math.max(1, Math.min(options.pageSize ?? 2000, 50_000));
  const conn = await options.pool.getConnection();
  try {
    await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    const [headRows] = await conn.query<Row[]>('SELECT seq, hash FROM audit_head WHERE id = 1');
    const headRow = headRows[0];
    const head = headRow ? { seq: Number(headRow.seq), hash: String(headRow.hash) } : { seq: 0, hash: '0'.repeat(64) };
    const [cpRows] = await conn.query<Row[]>(
      'SELECT seq, hash, signature, CAST(created_at AS CHAR) AS created_at FROM audit_checkpoints ORDER BY seq',
    );
    const checkpoints: Checkpoint[] = cpRows.map((r) => ({
      seq: Number(r.seq),
      hash: String(r.hash),
      signature: String(r.signature),
      createdAt: sqlToIso(String(r.created_at)),
    }));
    const anchor = options.start ? undefined : await readAuditAnchor(conn);
    // The anchor is a signed statement "entry seq has hash h": checked like a checkpoint before the start.
    if (anchor) checkpoints.push({ seq: anchor.seq, hash: anchor.hash, createdAt: anchor.createdAt, signature: anchor.signature });
    const start = options.start ?? (anchor ? { seq: anchor.seq + 1, prevHash: anchor.hash } : undefined);
    const verifier = createChainVerifier({
      ...(options.checkpointKey !== undefined ? { checkpointKey: options.checkpointKey } : {}),
      ...(start ? { start } : {}),
      checkpoints,
    });

    let after = (start?.seq ?? 1) - 1;
    let going = true;
    while (going) {
      const [rows] = await conn.query<Row[]>(
        `SELECT seq, prev_hash, hash, CAST(entry AS CHAR) AS entry, ${SELECT_COLUMNS} FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?`,
        [after, pageSize],
      );
      for (const r of rows) {
        const columns = Object.fromEntries(AUDIT_INDEX_COLUMNS.map((c) => [c, asText(r[c])])) as AuditIndexColumns;
        going = verifier.push({
          seq: Number(r.seq),
          prevHash: String(r.prev_hash),
          hash: String(r.hash),
          entryJson: asText(r.entry) ?? '',
          columns,
        });
        if (!going) break;
        after = Number(r.seq);
      }
      if (rows.length < pageSize) break;
    }
    await conn.query('COMMIT');
    const result = verifier.finish(head);
    const report: AuditVerifyReport = {
      ok: result.ok,
      checkedEntries: result.checkedEntries,
      checkpointsVerified: result.checkpointsVerified,
      head,
      signaturesUnchecked: options.checkpointKey === undefined,
    };
    if (result.firstBroken) report.firstBroken = result.firstBroken;
    if (result.lastVerifiedCheckpoint) report.lastVerifiedCheckpoint = result.lastVerifiedCheckpoint;
    if (anchor) report.anchor = anchor;
    return report;
  } finally {
    conn.release();
  }
}
