/**
 * The `audit` function's work for one Appwrite event (issue 7 item 3): record a change made to
 * Appwrite users or `pos` rows, typically OUTSIDE the gateway (console edits, direct SDK writes),
 * in the hash-chained audit log.
 *
 * - Event names (DESIGN.md): both row families, `databases.<db>.tables.<t>.rows.<id>.<action>`
 *   and `databases.<db>.collections.<t>.documents.<id>.<action>`, and `users.<id>[.<sub>.<subId>].<action>[.<detail>]`.
 * - Actions: `row.created`, `row.updated` (an upsert is `row.created` when `$createdAt` equals
 *   `$updatedAt`), `row.deleted`; every user event is `user.external_change` with the event's
 *   suffix (`create`, `update.labels`, `sessions.create`, …) in `metadata.change`.
 * - Actor: the session user (`x-appwrite-user-id`) or, when empty (API key or console),
 *   `{ type: 'apikey', id: 'apikey' }`. Target: `{ type: <tableId>, id: <rowId> }` or `{ type: 'user', id }`.
 *   Store: the row's `storeId` (the row's own id for the `stores` table).
 * - Content: secret columns (collections' `secret: true`) and the user/session/token `password`,
 *   `hash`, `hashOptions` and `secret` are dropped before anything else (DESIGN.md "Event payloads
 *   can carry secrets"; their names are kept in `metadata.omittedFields`); what is left is
 *   masked by core/audit/mask.ts. A create is recorded as `changes` (before `null`), a delete as
 *   `changes` (after `null`). An update is recorded as `metadata.after`: Appwrite events carry only
 *   the new state, and an audit log must not claim a "before" it does not know.
 * - Idempotent: `sourceEventKey` = SHA-256 of (resource, id, action, `$updatedAt` or `$createdAt`),
 *   or of the stripped payload when it has neither, so a duplicated delivery yields one entry.
 * - Skipped: rows of other databases, and `audit_logs` (the console copy of this very log: auditing
 *   it would loop). Gateway writes are NOT skipped: they use an API key like any other server
 *   script, so they are recorded with actor `apikey` next to the gateway's own, richer entries.
 *
 * Answers `{ status: 'recorded' | 'duplicate' | 'ignored', … }` (200), `VALIDATION_FAILED` (400)
 * for a malformed event, `DEPENDENCY_UNAVAILABLE` (503) when MariaDB cannot store the entry.
 * @module
 */
import { createHash } from 'node:crypto';
import { stripSecrets } from '../../collections/index.js';
import { parseEventName } from '../../core/appwrite-events.js';
import { canonicalJson } from '../../core/audit/canonical-json.js';
import type { AuditEntryInput } from '../../core/audit/entry.js';
import { AppError } from '../../core/errors.js';
import type { AuditAppender } from '../../infra/audit/appender.js';
import { drainAuditSpool, spoolAuditEntries } from '../../infra/audit/spool.js';
import type { Logger } from '../../infra/logger.js';
import type { ExecutionContext } from '../_runtime/define-function.js';

export interface AuditFunctionResources {
  appender: AuditAppender;
  /** The audited Appwrite database (`pos`). */
  databaseId: string;
  /** Where entries wait when MariaDB stays down (infra/audit/spool.ts). */
  spoolDir: string;
  /** How long one execution keeps retrying a failed append before spooling it, ms (default 8,000: inside the function's 15 s timeout). */
  retryBudgetMs?: number;
  log: Logger;
}

export interface AuditFunctionAnswer {
  /** `spooled`: MariaDB stayed down; the entry waits in the spool and is written by a later execution. */
  status: 'recorded' | 'duplicate' | 'ignored' | 'spooled';
  action?: string;
  seq?: number;
  reason?: string;
}

/** Tables whose changes are never recorded by this function. */
export const UNAUDITED_TABLES: ReadonlySet<string> = new Set(['audit_logs']);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const IDENT = /^[^\p{Cc}]{1,128}$/u;
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** Drops secrets; returns the remaining fields (system `$` fields removed) and the names dropped. */
function contentOf(source: string, payload: Record<string, unknown>): { fields: Record<string, unknown>; omitted: string[] } {
  const kept = stripSecrets(source, payload);
  const omitted = Object.keys(payload).filter((k) => !(k in kept));
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(kept)) if (!k.startsWith('$') && v !== undefined) fields[k] = v;
  return { fields, omitted };
}

const when = (p: Record<string, unknown>): string | undefined =>
  typeof p.$updatedAt === 'string' ? p.$updatedAt : typeof p.$createdAt === 'string' ? p.$createdAt : undefined;

/**
 * Builds the audit entry for one event, or says why there is none. Pure apart from hashing.
 * @param eventName `x-appwrite-event`.
 * @param userId `x-appwrite-user-id` ('' for API keys and the console).
 * @throws AppError VALIDATION_FAILED when the event is malformed (no name, payload not an object,
 *   payload `$id` not the event's row).
 */
export function entryForEvent(eventName: string, payload: unknown, userId: string, databaseId: string): AuditEntryInput | { ignored: string } {
  if (eventName === '') throw new AppError('VALIDATION_FAILED', 'The event has no name (x-appwrite-event is empty).');
  const ev = parseEventName(eventName);
  if (ev.kind === 'other') return { ignored: `not a row or user event: ${eventName}` };
  if (!isRecord(payload)) throw new AppError('VALIDATION_FAILED', 'The event payload is not a JSON object.');
  const actor = userId !== '' && IDENT.test(userId) ? { type: 'user' as const, id: userId } : { type: 'apikey' as const, id: 'apikey' };
  const base = { outcome: 'success' as const, actor, metadata: { event: eventName } as Record<string, unknown> };

  if (ev.kind === 'row') {
    if (ev.databaseId !== databaseId) return { ignored: `database ${ev.databaseId} is not audited` };
    if (UNAUDITED_TABLES.has(ev.tableId)) return { ignored: `table ${ev.tableId} is not audited` };
    if (payload.$id !== ev.rowId) throw new AppError('VALIDATION_FAILED', `The payload $id does not match row ${ev.rowId} of the event name.`);
    const created = ev.action === 'create' || (ev.action === 'upsert' && payload.$createdAt === payload.$updatedAt);
    const action = ev.action === 'delete' ? 'row.deleted' : created ? 'row.created' : 'row.updated';
    const { fields, omitted } = contentOf(ev.tableId, payload);
    const storeId = ev.tableId === 'stores' ? ev.rowId : typeof fields.storeId === 'string' && IDENT.test(fields.storeId) ? fields.storeId : undefined;
    const version = when(payload) ?? canonicalJson(fields);
    const changes = action === 'row.updated' ? undefined : Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, action === 'row.deleted' ? { before: v, after: null } : { before: null, after: v }]));
    return {
      ...base,
      action,
      reason: `${ev.tableId} row ${ev.action} in Appwrite`,
      target: { type: ev.tableId, id: ev.rowId },
      ...(storeId ? { storeId } : {}),
      ...(action !== 'row.deleted' && typeof payload.$updatedAt === 'string' ? { occurredAt: payload.$updatedAt } : {}),
      ...(changes ? { changes } : {}),
      metadata: { ...base.metadata, ...(action === 'row.updated' ? { after: fields } : {}), ...(omitted.length ? { omittedFields: omitted } : {}) },
      sourceEventKey: sha256(`row\u0000${ev.databaseId}\u0000${ev.tableId}\u0000${ev.rowId}\u0000${action}\u0000${version}`),
    };
  }

  // users.<id>[.<sub>.<subId>].<action>[.<detail>]: the suffix after the user id says what changed.
  const suffix = /^users\.[^.]+\.(?:(sessions|tokens|targets|recovery|verification)\.[^.]+\.)?(.+)$/.exec(eventName);
  const change = suffix ? (suffix[1] ? `${suffix[1]}.${suffix[2]!}` : suffix[2]!) : ev.action;
  const { fields, omitted } = contentOf('users', payload);
  const version = when(payload) ?? canonicalJson(fields);
  const isUser = ev.resource === 'user';
  const occurredAt = isUser ? (typeof payload.$updatedAt === 'string' ? payload.$updatedAt : undefined) : typeof payload.$createdAt === 'string' && ev.action === 'create' ? payload.$createdAt : undefined;
  return {
    ...base,
    action: 'user.external_change',
    reason: `user ${change} in Appwrite`,
    target: { type: 'user', id: IDENT.test(ev.userId) ? ev.userId : 'unknown' },
    ...(occurredAt ? { occurredAt } : {}),
    ...(isUser && ev.action === 'create' ? { changes: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, { before: null, after: v }])) } : {}),
    metadata: {
      ...base.metadata,
      change,
      ...(isUser && ev.action !== 'create' ? { after: fields } : {}),
      ...(!isUser ? { resource: fields, ...(typeof payload.$id === 'string' ? { resourceId: payload.$id } : {}) } : {}),
      ...(omitted.length ? { omittedFields: omitted } : {}),
    },
    sourceEventKey: sha256(`user\u0000${eventName.replace(/^users\.[^.]+\./, '')}\u0000${ev.userId}\u0000${version}`),
  };
}

/**
 * Records one event.
 * @throws AppError VALIDATION_FAILED (malformed event); DEPENDENCY_UNAVAILABLE (MariaDB down:
 *   nothing stored; Appwrite does not retry, the event shows as a failed execution).
 */
export async function recordEvent(payload: unknown, resources: AuditFunctionResources, ctx: Pick<ExecutionContext, 'event' | 'userId' | 'log'>): Promise<AuditFunctionAnswer> {
  const entry = entryForEvent(ctx.event, payload, ctx.userId, resources.databaseId);
  if ('ignored' in entry) return { status: 'ignored', reason: entry.ignored };
  // Entries an earlier execution had to spool go first, so the chain keeps their order.
  // A spool that cannot be drained yet stays for a later execution.
  await drainAuditSpool(resources.spoolDir, resources.appender, resources.log).catch((err: unknown) => resources.log.warn({ err, spoolDir: resources.spoolDir }, 'audit spool not drained yet; kept for the next execution'));
  const budget = resources.retryBudgetMs ?? 8000;
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      const r = await resources.appender.append(entry);
      ctx.log.debug({ action: entry.action, seq: r.seq, duplicate: r.duplicate }, 'external change audited');
      return { status: r.duplicate ? 'duplicate' : 'recorded', action: entry.action, seq: r.seq };
    } catch (e) {
      if (!(e instanceof AppError) || e.code !== 'DEPENDENCY_UNAVAILABLE') throw e;
      const delay = Math.min(2000, 100 * 2 ** (attempt - 1));
      if (Date.now() - started + delay > budget) {
        // Appwrite does not retry a failed event execution: keep the entry on disk instead.
        await spoolAuditEntries(resources.spoolDir, [entry]);
        ctx.log.warn({ action: entry.action, attempts: attempt, spoolDir: resources.spoolDir }, 'audit log unavailable; entry spooled');
        return { status: 'spooled', action: entry.action };
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
