/**
 * Reading the audit log: filters over the indexed columns (each served by an index of the
 * 20261123130000_audit_log migration), newest first by default, keyset pagination by `seq` (the
 * cursor is the last seq of a page, opaque to callers: no OFFSET, so a page costs the same at any
 * depth and entries appended meanwhile never shift a page), and page-by-page iteration for
 * streamed exports (memory bounded by one page whatever the table size).
 * @module
 */
import type { RowDataPacket } from 'mysql2';
import type { Pool } from '../mariadb.js';

/** Filters of {@link queryAudit}; all given ones must hold (AND). Values are matched exactly unless said otherwise. */
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

/** `desc`: newest first (default); `asc`: oldest first. */
export type AuditOrder = 'asc' | 'desc';

export interface AuditPage {
  entries: Record<string, unknown>[];
  /** Pass back as `cursor` for the next (older) page; null at the end. */
  nextCursor: string | null;
}

const toSql = (iso: string) => new Date(iso).toISOString().replace('T', ' ').replace('Z', '');

function where(f: AuditFilters, cursor: number | undefined, order: AuditOrder): { sql: string; args: unknown[] } {
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
    parts.push(order === 'desc' ? 'seq < ?' : 'seq > ?');
    args.push(cursor);
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', args };
}

/**
 * One page of at most `limit` entries (the caller bounds it; the gateway allows 1..200), each the
 * stored entry plus its `seq` and chain `hash`. `cursor` is the `nextCursor` a previous page with
 * the same filters and order returned; a cursor that is not a decimal seq is ignored.
 * `from`/`to` must be ISO-8601 date-times (the gateway validates them).
 * @throws the driver's error when MariaDB cannot be read.
 */
export async function queryAudit(pool: Pool, f: AuditFilters, limit: number, cursor?: string, order: AuditOrder = 'desc'): Promise<AuditPage> {
  const c = cursor !== undefined && /^\d{1,19}$/.test(cursor) ? Number(cursor) : undefined;
  const w = where(f, c !== undefined && Number.isSafeInteger(c) ? c : undefined, order);
  const [rows] = await pool.query<RowDataPacket[]>(`SELECT seq, entry, hash FROM audit_log ${w.sql} ORDER BY seq ${order === 'desc' ? 'DESC' : 'ASC'} LIMIT ?`, [...w.args, limit]);
  const entries = rows.map((r) => ({ seq: Number(r.seq), hash: String(r.hash), ...(typeof r.entry === 'string' ? (JSON.parse(r.entry) as object) : (r.entry as object)) }));
  return { entries, nextCursor: rows.length === limit ? String(rows[rows.length - 1]!.seq) : null };
}

/**
 * Every matching entry in `order`, read `pageSize` rows at a time (for streamed exports): yields
 * one page's entries at a time and reads the next page only when the consumer asks for it.
 * @throws the driver's error when MariaDB cannot be read (entries already yielded stay yielded).
 */
export async function* iteratePages(pool: Pool, f: AuditFilters, pageSize = 500, order: AuditOrder = 'desc'): AsyncGenerator<Record<string, unknown>[]> {
  let cursor: string | undefined;
  for (;;) {
    const page = await queryAudit(pool, f, pageSize, cursor, order);
    if (page.entries.length > 0) yield page.entries;
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}

/** Every matching entry in `order`, one at a time; see {@link iteratePages}. */
export async function* iterateAudit(pool: Pool, f: AuditFilters, pageSize = 500, order: AuditOrder = 'desc'): AsyncGenerator<Record<string, unknown>> {
  let cursor: string | undefined;
  for (;;) {
    const page = await queryAudit(pool, f, pageSize, cursor, order);
    yield* page.entries;
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}
