/**
 * Per-user revocation epochs (DESIGN.md "Gateway authentication"): a counter in Redis that is
 * bumped on logout-all, role, PIN, status or password change. Every verified-JWT cache entry
 * remembers the epoch it was verified under; an entry whose epoch is older than the user's
 * current one is discarded, so a revoked JWT is refused on the very next request.
 *
 * Each gateway keeps the epochs it has seen in process and learns of bumps through Redis
 * pub/sub, so the common request needs no round trip. If the subscription drops, every locally
 * known epoch is forgotten (entries then re-check Redis) until it is back: fail safe.
 * @module
 */
import type { Redis } from 'ioredis';
import { keyspace, redisUnavailable, whenReady } from './redis.js';

export interface RevocationEpochs {
  /** Current epoch of `userId`: from memory when known, else read from Redis (0 when never bumped). */
  current(userId: string): Promise<number>;
  /** The epoch known in process, or undefined (then {@link current} must ask Redis). */
  known(userId: string): number | undefined;
  /** Increments the epoch, publishes it to every gateway, returns the new value. */
  bump(userId: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * @param redis commands connection (shared).
 * @param subscriber a dedicated connection for SUBSCRIBE (a subscribed connection can run nothing else).
 * @param prefix key prefix, e.g. `tillgate:`.
 * @throws AppError DEPENDENCY_UNAVAILABLE from current/bump when Redis cannot answer.
 */
export async function createRevocationEpochs(redis: Redis, subscriber: Redis, prefix: string): Promise<RevocationEpochs> {
  const key = keyspace(prefix);
  const channel = key('epochs');
  const epochs = new Map<string, number>();
  let subscribed = false;

  subscriber.on('message', (ch: string, message: string) => {
    if (ch !== channel) return;
    const sep = message.lastIndexOf(':');
    const userId = message.slice(0, sep);
    const value = Number(message.slice(sep + 1));
    if (!userId || !Number.isInteger(value)) return;
    if ((epochs.get(userId) ?? -1) < value) epochs.set(userId, value);
  });
  const forget = () => {
    subscribed = false;
    epochs.clear();
  };
  subscriber.on('close', forget);
  subscriber.on('end', forget);
  subscriber.on('ready', () => {
    subscriber.subscribe(channel).then(() => {
      subscribed = true;
    }, forget);
  });
  try {
    await whenReady(subscriber, 2000);
    await subscriber.subscribe(channel);
    subscribed = true;
  } catch {
    forget();
  }

  return {
    known: (userId) => (subscribed ? epochs.get(userId) : undefined),
    async current(userId) {
      const local = subscribed ? epochs.get(userId) : undefined;
      if (local !== undefined) return local;
      try {
        const v = Number((await redis.get(key('epoch', userId))) ?? '0');
        if (subscribed && (epochs.get(userId) ?? -1) < v) epochs.set(userId, v);
        return subscribed ? (epochs.get(userId) ?? v) : v;
      } catch (e) {
        throw redisUnavailable(e);
      }
    },
    async bump(userId) {
      const v = await bumpRevocationEpoch(redis, prefix, userId);
      if ((epochs.get(userId) ?? -1) < v) epochs.set(userId, v);
      return v;
    },
    async close() {
      await subscriber.unsubscribe(channel).catch(() => undefined);
    },
  };
}

/**
 * Increments `userId`'s epoch in Redis and publishes it to every gateway, for processes that
 * revoke without serving requests (the `pin-login` function's quick switch).
 * @returns the new epoch.
 * @throws AppError DEPENDENCY_UNAVAILABLE when Redis cannot answer.
 */
export async function bumpRevocationEpoch(redis: Redis, prefix: string, userId: string): Promise<number> {
  const key = keyspace(prefix);
  try {
    const v = await redis.incr(key('epoch', userId));
    await redis.publish(key('epochs'), `${userId}:${v}`);
    return v;
  } catch (e) {
    throw redisUnavailable(e);
  }
}
