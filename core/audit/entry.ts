/**
 * The audit entry: what one line of the audit trail records. Fields follow PCI DSS v4 10.2.2
 * (user identification, type of event, date and time, success or failure, origination, identity
 * of affected data or resource) and OWASP ASVS 5.0 V16.2.1 (when, where, who, what).
 *
 * {@link auditEntrySchema} is the stored shape (strict: an unknown key is refused, so nothing
 * unmasked slips in under a new name). {@link createAuditEntry} is how producers build one: it
 * fills the id and times, normalizes timestamps to UTC with milliseconds and masks `changes` and
 * `metadata` (see mask.ts) before validating.
 * @module
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { AppError } from '../errors.js';
import { AUDIT_ACTIONS, AUDIT_ACTOR_TYPES, AUDIT_OUTCOMES } from './actions.js';
import { maskChanges, maskSecrets } from './mask.js';

/** UTC ISO-8601 with milliseconds and `Z`, the form `Date#toISOString` gives. */
const isoMs = z.iso.datetime({ precision: 3 });
/** An identifier: printable, no control characters; 128 characters at most (the column size). */
const ident = (max = 128) => z.string().min(1).max(max).regex(/^[^\p{Cc}]+$/u, 'must not contain control characters');
const text = (max: number) => z.string().max(max);

export const auditActorSchema = z.strictObject({
  type: z.enum(AUDIT_ACTOR_TYPES),
  id: ident(),
  role: ident(64).optional(),
  displayName: text(255).optional(),
});

export const auditApproverSchema = z.strictObject({
  id: ident(),
  role: ident(64),
  displayName: text(255),
});

export const auditTargetSchema = z.strictObject({
  /** What kind of thing: `user`, `terminal`, `role`, `store`, `row`, a table id, ... */
  type: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:/-]+$/, 'must be a simple name'),
  id: ident(),
});

export const auditChangeSchema = z.strictObject({ before: z.json(), after: z.json() });

/** The stored audit entry. Every string has a bound (the column size or a sane limit). */
export const auditEntrySchema = z.strictObject({
  id: z.uuid(),
  /** When the action happened (for Appwrite events: the event's own time). */
  occurredAt: isoMs,
  /** When Tillgate recorded it. */
  receivedAt: isoMs,
  action: z.enum(AUDIT_ACTIONS),
  outcome: z.enum(AUDIT_OUTCOMES),
  /** Why: a code such as `PIN_INVALID`, or a short human reason. */
  reason: z.string().min(1).max(500),
  actor: auditActorSchema,
  /** The manager whose override authorized the action (PCI DSS v4 10.2.1.5 elevation of privileges). */
  approver: auditApproverSchema.optional(),
  target: auditTargetSchema.optional(),
  storeId: ident().optional(),
  terminalId: ident().optional(),
  ip: z.union([z.ipv4(), z.ipv6()]).optional(),
  userAgent: text(512).optional(),
  requestId: ident().optional(),
  /** Per field before/after, credentials masked. */
  changes: z.record(z.string().min(1).max(128), auditChangeSchema).optional(),
  /** Any further detail, credentials masked. */
  metadata: z.record(z.string().min(1).max(128), z.json()).optional(),
  /** Idempotency key of an entry derived from an Appwrite event: the same key is stored once. */
  sourceEventKey: ident().optional(),
});

export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** What a producer supplies: id and times are optional, `changes` sides may be omitted. */
export type AuditEntryInput = Omit<AuditEntry, 'id' | 'occurredAt' | 'receivedAt' | 'changes' | 'metadata'> & {
  id?: string;
  /** Any ISO-8601 timestamp with an offset (Appwrite writes `+00:00`) or a Date; default now. */
  occurredAt?: string | Date;
  receivedAt?: string | Date;
  changes?: Record<string, { before?: unknown; after?: unknown }>;
  metadata?: Record<string, unknown>;
};

function toIsoMs(value: string | Date | undefined, fallback: Date): string | undefined {
  if (value === undefined) return fallback.toISOString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  // Only full date-times with an explicit offset: a local time would be ambiguous.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/**
 * Builds a stored {@link AuditEntry} from producer input: `id` defaults to a random UUID,
 * `occurredAt` and `receivedAt` to `now` and are normalized to UTC with milliseconds, `changes`
 * and `metadata` are masked (mask.ts). Pure apart from the random id.
 * @param now the clock reading to use, so tests can pass a fixed time.
 * @throws AppError `VALIDATION_FAILED` with `details.issues` (paths and messages, never values)
 *   when the input does not fit {@link auditEntrySchema}.
 */
export function createAuditEntry(input: AuditEntryInput, now: Date = new Date()): AuditEntry {
  const occurredAt = toIsoMs(input.occurredAt, now);
  const receivedAt = toIsoMs(input.receivedAt, now);
  const candidate: Record<string, unknown> = {
    ...input,
    id: input.id ?? randomUUID(),
    occurredAt: occurredAt ?? String(input.occurredAt),
    receivedAt: receivedAt ?? String(input.receivedAt),
  };
  if (input.changes !== undefined) {
    const isRecord = typeof input.changes === 'object' && input.changes !== null && !Array.isArray(input.changes);
    candidate.changes = isRecord ? maskChanges(input.changes) : input.changes;
  }
  if (input.metadata !== undefined) candidate.metadata = maskSecrets(input.metadata);
  for (const k of Object.keys(candidate)) if (candidate[k] === undefined) delete candidate[k];
  const parsed = auditEntrySchema.safeParse(candidate);
  if (!parsed.success) {
    throw new AppError('VALIDATION_FAILED', 'Invalid audit entry', {
      details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
    });
  }
  return parsed.data;
}

/** MariaDB `DATETIME(3)` text of an ISO-8601 UTC timestamp: `2026-11-23 13:00:00.000`. */
export function toSqlDateTime(iso: string): string {
  return iso.replace('T', ' ').replace(/Z$/, '');
}

/** The indexed columns of `audit_log` besides the chain, in INSERT order (see the migration). */
export const AUDIT_INDEX_COLUMNS = [
  'id', 'occurred_at', 'received_at', 'action', 'outcome', 'actor_type', 'actor_id', 'actor_role',
  'approver_id', 'target_type', 'target_id', 'store_id', 'terminal_id', 'ip', 'request_id', 'source_event_key',
] as const;

export type AuditIndexColumns = Record<(typeof AUDIT_INDEX_COLUMNS)[number], string | null>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const obj = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/**
 * The column values `audit_log` keeps next to the hashed entry for queries. Works on any parsed
 * stored entry (also one that no longer fits today's schema), so verification can prove the
 * columns still agree with what was hashed. Times become `DATETIME(3)` text (UTC).
 */
export function auditIndexColumns(entry: unknown): AuditIndexColumns {
  const e = obj(entry);
  const actor = obj(e.actor);
  const target = obj(e.target);
  const approver = obj(e.approver);
  const time = (v: unknown) => (typeof v === 'string' ? toSqlDateTime(v) : null);
  return {
    id: str(e.id),
    occurred_at: time(e.occurredAt),
    received_at: time(e.receivedAt),
    action: str(e.action),
    outcome: str(e.outcome),
    actor_type: str(actor.type),
    actor_id: str(actor.id),
    actor_role: str(actor.role),
    approver_id: str(approver.id),
    target_type: str(target.type),
    target_id: str(target.id),
    store_id: str(e.storeId),
    terminal_id: str(e.terminalId),
    ip: str(e.ip),
    request_id: str(e.requestId),
    source_event_key: str(e.sourceEventKey),
  };
}
