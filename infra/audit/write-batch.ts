/**
 * One appender transaction: lock the chain head, skip entries already stored (by `id` or
 * `sourceEventKey`), link and insert the rest in one multi-row INSERT, write a signed checkpoint
 * when one is due, queue the console copies, move the head, commit. Either all of it is written
 * or, on any error, nothing is (ROLLBACK).
 *
 * The `SELECT ... FROM audit_head FOR UPDATE` row lock is what serializes every appender in every
 * process (InnoDB record lock, held until COMMIT), so seqs are consecutive and each entry links to
 * the one committed before it.
 * @module
 */
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { chainHashOfJson, signCheckpoint, type Checkpoint } from '../../core/audit/chain.js';
import { auditIndexColumns, AUDIT_INDEX_COLUMNS, toSqlDateTime, type AuditEntry } from '../../core/audit/entry.js';

/** The outcome for one entry of a batch. */
export interface AppendResult {
  seq: number;
  hash: string;
  id: string;
  /** True when the entry (same `id` or `sourceEventKey`) was already stored; nothing was written. */
  duplicate: boolean;
}

/** When a checkpoint is due: after `entries` new entries or `ms` milliseconds, whichever first. */
export interface CheckpointPolicy {
  key: string;
  entries: number;
  ms: number;
}

export interface BatchOutcome {
  results: AppendResult[];
  /** The checkpoint written in this transaction, if one was due. */
  checkpoint?: Checkpoint;
}

interface HeadRow extends RowDataPacket {
  seq: number | string;
  hash: string;
  last_checkpoint_seq: number | string;
  last_checkpoint_at: string | null;
}

interface ExistingRow extends RowDataPacket {
  seq: number | string;
  hash: string;
  id: string;
  source_event_key: string | null;
}

const INSERT_COLUMNS = ['seq', ...AUDIT_INDEX_COLUMNS, 'entry', 'prev_hash', 'hash'].join(', ');

/** `DATETIME(3)` text read back as UTC ISO-8601 with ms. */
export const sqlToIso = (s: string): string => `${s.replace(' ', 'T')}Z`;

/** Reads the head under its row lock. @throws Error when the migration has not run. */
async function lockHead(conn: PoolConnection): Promise<{ seq: number; hash: string; lastCpSeq: number; lastCpAt: string | null }> {
  const [rows] = await conn.query<HeadRow[]>(
    'SELECT seq, hash, last_checkpoint_seq, CAST(last_checkpoint_at AS CHAR) AS last_checkpoint_at FROM audit_head WHERE id = 1 FOR UPDATE',
  );
  const head = rows[0];
  if (!head) throw new Error('audit_head has no row: run the audit_log migration');
  return { seq: Number(head.seq), hash: head.hash, lastCpSeq: Number(head.last_checkpoint_seq), lastCpAt: head.last_checkpoint_at };
}

async function findExisting(conn: PoolConnection, items: readonly BatchItem[], checkAllIds: boolean): Promise<ExistingRow[]> {
  const ids = items.flatMap((i) => (checkAllIds || i.idSupplied ? [i.entry.id] : []));
  const keys = items.flatMap((i) => (i.entry.sourceEventKey === undefined ? [] : [i.entry.sourceEventKey]));
  // Locking reads see the latest committed rows whatever the transaction's snapshot.
  const byId = 'SELECT seq, hash, id, source_event_key FROM audit_log WHERE id IN (?) LOCK IN SHARE MODE';
  const byKey = 'SELECT seq, hash, id, source_event_key FROM audit_log WHERE source_event_key IN (?) LOCK IN SHARE MODE';
  if (ids.length === 0 && keys.length === 0) return [];
  if (keys.length === 0) return (await conn.query<ExistingRow[]>(byId, [ids]))[0];
  if (ids.length === 0) return (await conn.query<ExistingRow[]>(byKey, [keys]))[0];
  const [rows] = await conn.query<ExistingRow[]>(`(${byId}) UNION ALL (${byKey})`, [ids, keys]);
  return rows;
}

/** One entry to write, with its canonical JSON computed ahead (outside the head lock). */
export interface BatchItem {
  entry: AuditEntry;
  /** `canonicalJson(entry)`. */
  json: string;
  /**
   * True when the caller chose the id (it may already be stored by an earlier attempt). A
   * freshly generated random UUID cannot be, so its lookup is skipped on a first attempt.
   */
  idSupplied: boolean;
}

/**
 * Writes `items` (already validated and masked) in one transaction on a connection of `pool`.
 * Results are in the order of `items`. `outbox` also queues each new seq for the console copy.
 * `checkAllIds` (set on a retry, when an earlier attempt may have committed unseen) looks every
 * id up, not only the supplied ones.
 * @throws the driver's error after ROLLBACK; nothing of the batch is then stored.
 */
export async function writeBatch(
  pool: Pool,
  items: readonly BatchItem[],
  options: { checkpoint?: CheckpointPolicy; outbox: boolean; now: () => Date; checkAllIds?: boolean },
): Promise<BatchOutcome> {
  const conn = await pool.getConnection();
  let healthy = true;
  try {
    await conn.beginTransaction();
    const head = await lockHead(conn);
    const known = new Map<string, AppendResult>();
    for (const row of await findExisting(conn, items, options.checkAllIds ?? false)) {
      const r = { seq: Number(row.seq), hash: row.hash, id: row.id, duplicate: true };
      known.set(`id:${row.id}`, r);
      if (row.source_event_key !== null) known.set(`key:${row.source_event_key}`, r);
    }

    const results: AppendResult[] = [];
    const values: unknown[][] = [];
    let seq = head.seq;
    let prev = head.hash;
    for (const { entry, json } of items) {
      const seen = known.get(`id:${entry.id}`) ?? (entry.sourceEventKey === undefined ? undefined : known.get(`key:${entry.sourceEventKey}`));
      if (seen) {
        results.push({ ...seen });
        continue;
      }
      seq += 1;
      const hash = chainHashOfJson(prev, json);
      const cols = auditIndexColumns(entry);
      values.push([seq, ...AUDIT_INDEX_COLUMNS.map((c) => cols[c]), json, prev, hash]);
      const r = { seq, hash, id: entry.id, duplicate: false };
      results.push(r);
      known.set(`id:${entry.id}`, { ...r, duplicate: true });
      if (entry.sourceEventKey !== undefined) known.set(`key:${entry.sourceEventKey}`, { ...r, duplicate: true });
      prev = hash;
    }

    if (values.length === 0) {
      await conn.commit();
      return { results };
    }

    await conn.query(`INSERT INTO audit_log (${INSERT_COLUMNS}) VALUES ?`, [values]);
    if (options.outbox) {
      await conn.query('INSERT INTO audit_console_outbox (seq) VALUES ?', [values.map((v) => [v[0]])]);
    }

    let checkpoint: Checkpoint | undefined;
    const policy = options.checkpoint;
    const nowDate = options.now();
    if (policy) {
      // Before the first checkpoint only the entry count applies; the appender's timer covers time.
      const sinceMs = head.lastCpAt === null ? 0 : nowDate.getTime() - Date.parse(sqlToIso(head.lastCpAt));
      if (seq - head.lastCpSeq >= policy.entries || sinceMs >= policy.ms) {
        const createdAt = nowDate.toISOString();
        checkpoint = { seq, hash: prev, createdAt, signature: signCheckpoint(policy.key, seq, prev, createdAt) };
        await conn.query('INSERT INTO audit_checkpoints (seq, hash, signature, created_at) VALUES (?, ?, ?, ?)', [
          seq, prev, checkpoint.signature, toSqlDateTime(createdAt),
        ]);
      }
    }
    await conn.query(
      checkpoint
        ? 'UPDATE audit_head SET seq = ?, hash = ?, updated_at = ?, last_checkpoint_seq = ?, last_checkpoint_at = ? WHERE id = 1'
        : 'UPDATE audit_head SET seq = ?, hash = ?, updated_at = ? WHERE id = 1',
      checkpoint
        ? [seq, prev, toSqlDateTime(nowDate.toISOString()), checkpoint.seq, toSqlDateTime(checkpoint.createdAt)]
        : [seq, prev, toSqlDateTime(nowDate.toISOString())],
    );
    await conn.commit();
    return checkpoint ? { results, checkpoint } : { results };
  } catch (e) {
    try {
      await conn.rollback();
    } catch {
      healthy = false;
    }
    throw e;
  } finally {
    if (healthy) conn.release();
    else conn.destroy();
  }
}

/**
 * Signs a checkpoint of the current head if entries were appended since the last one (used by
 * the appender's timer so that a quiet chain's tail does not stay unsigned).
 * @returns the checkpoint written, or undefined when the head is already checkpointed.
 */
export async function checkpointHead(pool: Pool, key: string, now: () => Date): Promise<Checkpoint | undefined> {
  const conn = await pool.getConnection();
  let healthy = true;
  try {
    await conn.beginTransaction();
    const head = await lockHead(conn);
    if (head.seq === 0 || head.seq <= head.lastCpSeq) {
      await conn.commit();
      return undefined;
    }
    const createdAt = now().toISOString();
    const cp: Checkpoint = { seq: head.seq, hash: head.hash, createdAt, signature: signCheckpoint(key, head.seq, head.hash, createdAt) };
    await conn.query('INSERT INTO audit_checkpoints (seq, hash, signature, created_at) VALUES (?, ?, ?, ?)', [
      cp.seq, cp.hash, cp.signature, toSqlDateTime(createdAt),
    ]);
    await conn.query('UPDATE audit_head SET last_checkpoint_seq = ?, last_checkpoint_at = ? WHERE id = 1', [cp.seq, toSqlDateTime(createdAt)]);
    await conn.commit();
    return cp;
  } catch (e) {
    try {
      await conn.rollback();
    } catch {
      healthy = false;
    }
    throw e;
  } finally {
    if (healthy) conn.release();
    else conn.destroy();
  }
}
