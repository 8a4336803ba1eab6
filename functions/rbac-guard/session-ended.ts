/**
 * The second duty of `rbac-guard`: when a user's access ends outside the gateway (a session
 * deleted with the SDK's `account.deleteSession`, sessions ended or the user blocked or deleted in
 * the Appwrite console), bump the user's revocation epoch so every gateway drops its cached
 * verification of their JWTs at once (infra/revocation-epochs.ts). Without it a cached JWT of an
 * ended session would be honoured until its cache entry expires (at most the JWT's 900 s).
 * A bump only forces re-verification: JWTs of the user's other, still valid sessions are
 * verified again against Appwrite and keep working. Idempotent in effect: a duplicated delivery
 * bumps once more, which again only forces a re-verification.
 * @module
 */
import type { Redis } from 'ioredis';
import { parseEventName } from '../../core/appwrite-events.js';
import { bumpRevocationEpoch } from '../../infra/revocation-epochs.js';

export interface SessionEndedResult {
  /** The user whose epoch was bumped, or null when the event does not end access. */
  revokedUserId: string | null;
  epoch: number | null;
}

/**
 * @param eventName `x-appwrite-event`.
 * @throws AppError DEPENDENCY_UNAVAILABLE when Redis cannot answer (the execution fails and
 *   Appwrite logs it; the cached entry still expires with the JWT).
 */
export async function revokeOnAccessEnded(eventName: string, redis: Redis, prefix: string): Promise<SessionEndedResult> {
  const e = parseEventName(eventName);
  // `users.<id>.sessions.delete` (every session at once, as the emulator names it) is honoured too.
  const ended = e.kind === 'user' && ((e.resource === 'session' && e.action === 'delete') || (e.resource === 'user' && ['delete', 'update.status', 'sessions.delete'].includes(e.action)));
  if (!ended) return { revokedUserId: null, epoch: null };
  return { revokedUserId: e.userId, epoch: await bumpRevocationEpoch(redis, prefix, e.userId) };
}
