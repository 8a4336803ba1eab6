/**
 * Turns an Appwrite event (name + payload) into a mirror change: which mirror source (an
 * Appwrite table id, or `users`), which row, which operation, and the row's version. Pure.
 *
 * Event names (DESIGN.md "Appwrite facts"): both row families fire for every write,
 * `databases.<db>.tables.<t>.rows.<id>.<action>` and the legacy
 * `databases.<db>.collections.<t>.documents.<id>.<action>` (the `x-appwrite-event` header
 * carries either), with action `create`, `update`, `upsert` or `delete`. User events are
 * `users.<id>.create`, `users.<id>.update[.<field>]`, `users.<id>.delete`, and sub-resource
 * events (`users.<id>.sessions.<sid>.create`, `tokens`, …) that the mirror ignores.
 *
 * Version (issue 8 item 2): `$updatedAt` (ms), then `$sequence` (fixed at insert, so a row
 * re-created under the same `$id` has a larger one), then "deleted" above "live": a delete
 * carries the row as it was, with the same `$updatedAt` as its last update, and must win over
 * that update and over any late copy of it.
 * @module
 */
import { createHash } from 'node:crypto';
import { parseEventName } from '../appwrite-events.js';
import { USERS_SOURCE_ID } from './schema.js';

/** What a change does to the mirror. */
export type MirrorOperation = 'create' | 'update' | 'upsert' | 'delete';

/** A row version, compared by {@link compareVersions}. */
export interface MirrorVersion {
  /** `$updatedAt` in ms since the epoch. */
  updatedAtMs: number;
  /** `$sequence` (0 for users, which have none). */
  sequence: bigint;
  /** True for a delete (a tombstone or a soft-deleted row). */
  deleted: boolean;
}

/** One change to apply to the mirror. */
export interface MirrorEvent {
  /** Appwrite table id, or {@link USERS_SOURCE_ID}. */
  source: string;
  rowId: string;
  operation: MirrorOperation;
  /** The event name as received ('' for backfill, reconcile and replay writes). */
  eventName: string;
  version: MirrorVersion;
  /** The Appwrite resource (a Row or User model), secrets not yet stripped. */
  payload: Record<string, unknown>;
  /** Hex SHA-256 identifying this change: source, row, version and operation. */
  key: string;
}

export type ParsedMirrorEvent =
  | { kind: 'change'; event: MirrorEvent }
  /** The user changed but the payload is not a User model (e.g. `update.prefs` carries the prefs): fetch the user. */
  | { kind: 'refetch-user'; userId: string; eventName: string }
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; reason: string };

/** Thrown by {@link changeFromResource} when a resource lacks `$id` or a valid `$updatedAt`. */
export class MirrorEventError extends Error {
  override name = 'MirrorEventError';
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses an Appwrite datetime (`2026-11-23T10:00:00.123+00:00`) to ms; NaN when invalid. */
export function parseAppwriteDatetime(v: unknown): number {
  if (typeof v !== 'string' || v.length < 10) return Number.NaN;
  return Date.parse(v);
}

/** `$sequence` (a string in 1.9, a number in older servers) → bigint; 0 when absent. */
export function parseSequence(v: unknown): bigint {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^\d{1,19}$/.test(v)) return BigInt(v);
  if (v === undefined || v === null) return 0n;
  throw new MirrorEventError(`$sequence ${JSON.stringify(v)} is not a non-negative integer`);
}

/** Negative when `a` is older than `b`, 0 when equal, positive when newer. */
export function compareVersions(a: MirrorVersion, b: MirrorVersion): number {
  if (a.updatedAtMs !== b.updatedAtMs) return a.updatedAtMs < b.updatedAtMs ? -1 : 1;
  if (a.sequence !== b.sequence) return a.sequence < b.sequence ? -1 : 1;
  return Number(a.deleted) - Number(b.deleted);
}

/** The change key: hex SHA-256 of source, row id, `$updatedAt` (ms), `$sequence` and operation. */
export function changeKey(source: string, rowId: string, version: MirrorVersion, operation: MirrorOperation): string {
  return createHash('sha256').update(`${source}\u0000${rowId}\u0000${version.updatedAtMs}\u0000${version.sequence}\u0000${operation}`).digest('hex');
}

/**
 * Builds a change from a resource as the Appwrite API returns it (events, backfill, reconcile).
 * @throws MirrorEventError when `$id` or `$updatedAt` is missing or invalid.
 */
export function changeFromResource(source: string, operation: MirrorOperation, payload: Record<string, unknown>, eventName = ''): MirrorEvent {
  const rowId = payload.$id;
  if (typeof rowId !== 'string' || rowId.length === 0 || rowId.length > 36) throw new MirrorEventError('the payload has no valid $id');
  const updatedAtMs = parseAppwriteDatetime(payload.$updatedAt);
  if (Number.isNaN(updatedAtMs)) throw new MirrorEventError(`$updatedAt of ${source}/${rowId} is not a datetime`);
  const version: MirrorVersion = { updatedAtMs, sequence: source === USERS_SOURCE_ID ? 0n : parseSequence(payload.$sequence), deleted: operation === 'delete' };
  return { source, rowId, operation, eventName, version, payload, key: changeKey(source, rowId, version, operation) };
}

/** A User model has these fields (Appwrite `Model\User`); a Preferences or Session payload does not. */
function isUserModel(p: Record<string, unknown>, userId: string): boolean {
  return p.$id === userId && typeof p.$updatedAt === 'string' && 'registration' in p && 'labels' in p;
}

/**
 * Classifies one delivered event.
 * @param name the `x-appwrite-event` header (either row family, or a user event).
 * @param payload the event body (the resource model).
 * @param databaseId the mirrored database (`pos`); rows of other databases are ignored.
 */
export function parseMirrorEvent(name: string, payload: unknown, databaseId: string): ParsedMirrorEvent {
  const parsed = parseEventName(name);
  if (parsed.kind === 'other') return name === '' ? { kind: 'invalid', reason: 'no event name (x-appwrite-event is empty)' } : { kind: 'ignored', reason: `not a row or user event: ${name}` };
  if (!isRecord(payload)) return { kind: 'invalid', reason: 'the event payload is not a JSON object' };
  try {
    if (parsed.kind === 'row') {
      if (parsed.databaseId !== databaseId) return { kind: 'ignored', reason: `database ${parsed.databaseId} is not mirrored` };
      if (payload.$id !== parsed.rowId) return { kind: 'invalid', reason: `payload $id does not match row ${parsed.rowId} of the event name` };
      return { kind: 'change', event: changeFromResource(parsed.tableId, parsed.action, payload, name) };
    }
    if (parsed.resource !== 'user') return { kind: 'ignored', reason: `user ${parsed.resource} events change no mirrored field` };
    const operation: MirrorOperation = parsed.action === 'create' ? 'create' : parsed.action === 'delete' ? 'delete' : 'update';
    if (!isUserModel(payload, parsed.userId)) {
      return operation === 'delete' ? { kind: 'invalid', reason: 'a user delete event without the User model' } : { kind: 'refetch-user', userId: parsed.userId, eventName: name };
    }
    return { kind: 'change', event: changeFromResource(USERS_SOURCE_ID, operation, payload, name) };
  } catch (e) {
    if (e instanceof MirrorEventError) return { kind: 'invalid', reason: e.message };
    throw e;
  }
}
