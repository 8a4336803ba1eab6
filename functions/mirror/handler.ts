/**
 * The `mirror` function's work for one event (issue 8 item 2): classify the event
 * (core/mirror/events.ts), and hand the change to the writer, which upserts it keyed by `$id`
 * under the version guard, records it in the change log, retries transient MariaDB failures and
 * dead-letters what still fails.
 *
 * Answers: `{ status: 'applied' | 'skipped' | 'ignored' | 'unmapped', … }` (200);
 * `VALIDATION_FAILED` (400) for a malformed event; `DEPENDENCY_UNAVAILABLE` (503) when the
 * change was dead-lettered, so the execution shows as failed in the console.
 * @module
 */
import { AppError } from '../../core/errors.js';
import { changeFromResource, parseMirrorEvent, type MirrorEvent } from '../../core/mirror/events.js';
import { USERS_SOURCE_ID } from '../../core/mirror/schema.js';
import { isAppwriteError, toAppError } from '../../infra/appwrite.js';
import type { MirrorWriter } from '../../infra/mirror/writer.js';
import type { ExecutionContext } from '../_runtime/define-function.js';

export interface MirrorResources {
  writer: MirrorWriter;
  /** The mirrored Appwrite database (`pos`). */
  databaseId: string;
}

export interface MirrorAnswer {
  status: 'applied' | 'skipped' | 'ignored' | 'unmapped';
  table?: string;
  rowId?: string;
  operation?: string;
  reason?: string;
}

async function fetchUser(ctx: ExecutionContext, userId: string, eventName: string): Promise<MirrorEvent | null> {
  try {
    const user = await ctx.appwrite.users.get({ userId });
    return changeFromResource(USERS_SOURCE_ID, 'update', user as unknown as Record<string, unknown>, eventName);
  } catch (e) {
    // Deleted since: its delete event carries the User model and removes it.
    if (isAppwriteError(e, 'user_not_found')) return null;
    throw toAppError(e);
  }
}

/**
 * Mirrors one event.
 * @throws AppError VALIDATION_FAILED (malformed event), DEPENDENCY_UNAVAILABLE (dead-lettered),
 *   UPSTREAM_UNAVAILABLE (a user could not be fetched from Appwrite).
 */
export async function mirrorEvent(payload: Record<string, unknown>, resources: MirrorResources, ctx: ExecutionContext): Promise<MirrorAnswer> {
  const parsed = parseMirrorEvent(ctx.event, payload, resources.databaseId);
  let event: MirrorEvent;
  switch (parsed.kind) {
    case 'ignored':
      return { status: 'ignored', reason: parsed.reason };
    case 'invalid':
      throw new AppError('VALIDATION_FAILED', `The event cannot be mirrored: ${parsed.reason}.`);
    case 'refetch-user': {
      const fetched = await fetchUser(ctx, parsed.userId, parsed.eventName);
      if (!fetched) return { status: 'ignored', reason: 'the user no longer exists' };
      event = fetched;
      break;
    }
    case 'change':
      event = parsed.event;
  }
  const outcome = await resources.writer.submit(event);
  if (outcome === 'dead_lettered') {
    throw new AppError('DEPENDENCY_UNAVAILABLE', 'The change could not be written to MariaDB and was dead-lettered; run npm run mirror:replay.');
  }
  ctx.log.debug({ table: event.source, rowId: event.rowId, operation: event.operation, outcome }, 'mirrored');
  return { status: outcome, table: event.source, rowId: event.rowId, operation: event.operation };
}
