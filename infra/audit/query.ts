/**
 * Reading the audit log: filters over the indexed columns, newest first, cursor pagination by
 * `seq` (an opaque cursor to callers), and page-by-page iteration for streamed exports.
 * @module
 */
import type { RowDataPacket } from 'mysql2';
import type { Pool } from '../mariadb.js';

export interface AuditFilters {
  actorId?: string;
  /** `auth.` matches every auth.* action; an exact name matches itself. */
  actionPrefix?: string;
  targetType?: string;
  targetId?: string;
  storeId?: string;
  /** Restrict to these stores (store-scoped readers). */
  storeIds?: readonly string[];
  terminalId?: string;
  outcome?: 'success' | 'failure' | 'denied';
  /** ISO-8601 bounds on `occurredAt` (inclusive from, exclusive to). */
  from?: string;
  to?: string;
}

export interface AuditPage {
  entries: Record<string, unknown>[];
  /** Pass back as `cursor` for the next (older) page; null at the end. */
  nextCursor: string | null;
}

const toSql = (iso: string) => new Date(iso).toISOString().replace('T', ' ').replace('Z', '');

function where(f: AuditFilters, cursor?: number): { sql: string; args: unknown[] } {
  const parts: string[] = [];
  const args: unknown[] = [];
  const eq = (col: string, v: string | undefined) => {
    if (v !== undefined) {
      parts.push(`${col} = ?`);
      args.push(v);
    }
  };
  eq('actor_id', f.actorId);
  eq('target_type', f.targetType);
  eq('target_id', f.targetId);
  eq('store_id', f.storeId);
  eq('terminal_id', f.terminalId);
  eq('outcome', f.outcome);
  if (f.actionPrefix) {
    parts.push(f.actionPrefix.endsWith('.') ? 'action LIKE ?' : 'action = ?');
    args.push(f.actionPrefix.endsWith('.') ? `${f.actionPrefix.replace(/[%_\\]/g, '\\$&')}%` : f.actionPrefix);
  }
  if (f.storeIds) {
    if (f.storeIds.length === 0) parts.push('1 = 0');
    else {
      parts.push(`store_id IN (${f.storeIds.map(() => '?').join(', ')})`);
      args.push(...f.storeIds);
    }
  }
  if (f.from) {
    parts.push('occurred_at >= ?');
    args.push(toSql(f.from));
  }
  if (f.to) {
    parts.push('occurred_at < ?');
    args.push(toSql(f.to));
  }
  if (cursor !== undefined) {
    parts.push('seq < ?');
    args.push(cursor);
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', args };
}

/** One page, newest first. `cursor` is the value a previous page returned. */
export async function queryAudit(pool: Pool, f: AuditFilters, limit: number, cursor?: string): Promise<AuditPage> {
  const c = cursor === undefined ? undefined : Number(cursor);
  const w = where(f, c !== undefined && Number.isSafeInteger(c) ? c : undefined);
  const [rows] = await pool.query<RowDataPacket[]>(`SELECT seq, entry, hash FROM audit_log ${w.sql} ORDER BY seq DESC LIMIT ?`, [...w.args, limit]);
  const entries = rows.map((r) => ({ seq: Number(r.seq), hash: String(r.hash), ...(typeof r.entry === 'string' ? (JSON.parse(r.entry) as object) : (r.entry as object)) }));
  return { entries, nextCursor: rows.length === limit ? String(rows[rows.length - 1]!.seq) : null };
}

/** Every matching entry, newest first, in pages of `pageSize` (for streamed exports). */
export async function* iterateAudit(pool: Pool, f: AuditFilters, pageSize = 500): AsyncGenerator<Record<string, unknown>> {
  let cursor: string | undefined;
  for (;;) {
    const page = await queryAudit(pool, f, pageSize, cursor);
    yield* page.entries;
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}
