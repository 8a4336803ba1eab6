/**
 * Verification of Appwrite JWTs for the gateway (DESIGN.md "Gateway authentication").
 *
 * A JWT is signed with the Appwrite server's private key, so the gateway verifies it by calling
 * `account.get()` with it, then caches the answer until the JWT's `exp`:
 * 1. in process (lru-cache, bounded), so the common request costs no network round trip;
 * 2. in Redis (`jwt:<sha256>`), shared by every gateway, with TTL = time to expiry.
 * Each entry keeps the user's revocation epoch at verification time and is valid only while the
 * epoch is unchanged (see `revocation-epochs.ts`). Only the JWT's SHA-256 is ever stored.
 * @module
 */
import { hash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { AppError } from '../core/errors.js';
import { isAppwriteError, isUpstreamDown, type AppwriteAdmin } from './appwrite.js';
import { keyspace } from './redis.js';
import type { RevocationEpochs } from './revocation-epochs.js';

/** What a verified JWT tells about its holder. */
export interface VerifiedJwt {
  userId: string;
  sessionId: string | undefined;
  email: string;
  name: string;
  labels: string[];
  /** JWT expiry, ms since the epoch. */
  expiresAt: number;
  /** SHA-256 hex of the JWT. */
  jwtHash: string;
}

interface Entry extends VerifiedJwt {
  epoch: number;
}

export interface JwtVerifier {
  /**
   * @throws AppError UNAUTHENTICATED (malformed, expired, revoked or refused by Appwrite),
   *   UPSTREAM_UNAVAILABLE (Appwrite unreachable), DEPENDENCY_UNAVAILABLE (Redis down on a miss).
   */
  verify(jwt: string): Promise<VerifiedJwt>;
  /**
   * The in-process answer for `jwt` when it needs no I/O (cached, unexpired, epoch known in
   * process and unchanged), else undefined: then call {@link verify}. Lets the common request
   * skip a promise. Optional for stand-ins that never verify (the pin-login function).
   */
  verifyCached?(jwt: string): VerifiedJwt | undefined;
  /**
   * True while a verification this verifier returned still holds without asking anyone: the
   * JWT has not expired and the user's revocation epoch, known in process, is the one it was
   * verified under. Optional like {@link verifyCached}.
   */
  isCurrent?(verified: VerifiedJwt): boolean;
  /** Drops a JWT from both caches (logout of this session). */
  forget(jwtHash: string): Promise<void>;
}

export interface JwtVerifierOptions {
  appwrite: AppwriteAdmin;
  redis: Redis;
  epochs: RevocationEpochs;
  prefix: string;
  /** Most JWTs kept in process (default 10,000). */
  maxEntries?: number;
  now?: () => number;
}

const unauthenticated = (why: string, cause?: unknown) =>
  new AppError('UNAUTHENTICATED', why, cause === undefined ? {} : { cause });

/** Reads `exp` (s), `userId`, `sessionId` from the JWT payload without checking the signature (Appwrite does). */
function claimsOf(jwt: string): { exp: number; userId: string; sessionId: string | undefined } {
  const part = jwt.split('.')[1];
  if (!part || jwt.split('.').length !== 3) throw unauthenticated('The bearer token is not a JWT.');
  try {
    const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { exp?: unknown; userId?: unknown; sessionId?: unknown };
    if (typeof claims.exp !== 'number' || typeof claims.userId !== 'string') throw new Error('claims');
    return { exp: claims.exp, userId: claims.userId, sessionId: typeof claims.sessionId === 'string' ? claims.sessionId : undefined };
  } catch (e) {
    throw unauthenticated('The bearer token is not a valid Appwrite JWT.', e);
  }
}

export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const now = options.now ?? Date.now;
  const key = keyspace(options.prefix);
  const local = new LRUCache<string, Entry>({ max: options.maxEntries ?? 10_000 });

  async function fromAppwrite(jwt: string, jwtHash: string, claims: ReturnType<typeof claimsOf>): Promise<Entry> {
    const epoch = await options.epochs.current(claims.userId);
    let user;
    try {
      user = await options.appwrite.accountForJwt(jwt).get();
    } catch (e) {
      if (isUpstreamDown(e)) throw new AppError('UPSTREAM_UNAVAILABLE', 'Appwrite is unavailable; retry shortly.', { cause: e, retryAfterSeconds: 5 });
      if (isAppwriteError(e)) throw unauthenticated('The session behind this token has ended or the token is invalid.', e);
      throw e;
    }
    if (user.$id !== claims.userId) throw unauthenticated('The token does not belong to its user.');
    return {
      userId: user.$id,
      sessionId: claims.sessionId,
      email: user.email,
      name: user.name,
      labels: user.labels,
      expiresAt: claims.exp * 1000,
      jwtHash,
      epoch,
    };
  }

  const isCurrent = (e: Entry): boolean => e.expiresAt > now() && e.epoch === options.epochs.known(e.userId);

  return {
    verifyCached(jwt) {
      const hit = local.get(hash('sha256', jwt, 'hex'));
      return hit && isCurrent(hit) ? hit : undefined;
    },
    isCurrent: (verified) => isCurrent(verified as Entry),
    async verify(jwt) {
      // Hash first: a cache hit needs neither the claims parsed nor anything but the entry.
      // (crypto.hash: the one-shot SHA-256, without a Hash object per call.)
      const jwtHash = hash('sha256', jwt, 'hex');
      const hit = local.get(jwtHash);
      if (hit) {
        if (hit.expiresAt <= now()) {
          local.delete(jwtHash);
          throw unauthenticated('The token has expired.');
        }
        const epoch = options.epochs.known(hit.userId) ?? (await options.epochs.current(hit.userId));
        if (hit.epoch === epoch) return hit;
        // Epoch moved (a revocation for this user): ask Appwrite again, which refuses the JWT of
        // an ended session while the user's other sessions stay valid.
        local.delete(jwtHash);
      }
      const claims = claimsOf(jwt);
      if (claims.exp * 1000 <= now()) throw unauthenticated('The token has expired.');

      const cached = hit ? null : await options.redis.get(key('jwt', jwtHash)).catch(() => null);
      if (cached) {
        const entry = JSON.parse(cached) as Entry;
        const epoch = await options.epochs.current(entry.userId);
        if (entry.epoch === epoch && entry.expiresAt > now()) {
          local.set(jwtHash, entry, { ttl: entry.expiresAt - now() });
          return entry;
        }
      }

      const entry = await fromAppwrite(jwt, jwtHash, claims);
      const ttl = entry.expiresAt - now();
      if (ttl > 0) {
        local.set(jwtHash, entry, { ttl });
        await options.redis.set(key('jwt', jwtHash), JSON.stringify(entry), 'PX', ttl).catch(() => undefined);
      }
      return entry;
    },
    async forget(jwtHash) {
      local.delete(jwtHash);
      await options.redis.del(key('jwt', jwtHash)).catch(() => undefined);
    },
  };
}
