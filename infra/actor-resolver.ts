/**
 * Turns a bearer JWT into an RBAC {@link Actor}: the JWT is verified (and cached) by
 * `jwt-verifier.ts`, then the user's staff profile (row `staff/<userId>` of the `pos` database)
 * and compiled role are attached. Profiles are cached in process per user and revalidated when
 * the user's revocation epoch moves (every role, store or status change bumps it), so an
 * authenticated request normally costs no network round trip.
 *
 * Store scope: a staff member works in the store of their profile; a role that may be global
 * (SuperAdmin, Admin) acts in every store (core/rbac `mayBeGlobal`).
 * @module
 */
import { LRUCache } from 'lru-cache';
import type { Actor, RoleRegistry } from '../core/rbac/index.js';
import { AppError } from '../core/errors.js';
import { isAppwriteError, toAppError, type AppwriteAdmin } from './appwrite.js';
import type { JwtVerifier, VerifiedJwt } from './jwt-verifier.js';
import type { RevocationEpochs } from './revocation-epochs.js';

/** The fields of a `staff` row the gateway needs. */
export interface StaffProfile {
  userId: string;
  storeId: string;
  role: string;
  displayName: string;
  isActive: boolean;
}

export interface ResolvedUser {
  verified: VerifiedJwt;
  profile: StaffProfile;
  actor: Actor;
}

export interface ActorResolver {
  /**
   * @throws AppError UNAUTHENTICATED (bad/revoked JWT), FORBIDDEN (no staff profile or unknown
   *   role), UPSTREAM_UNAVAILABLE / DEPENDENCY_UNAVAILABLE (Appwrite / Redis down).
   */
  resolve(jwt: string): Promise<ResolvedUser>;
  /** Loads a profile (uncached) — for handlers that act on another user. */
  loadProfile(userId: string): Promise<StaffProfile | undefined>;
  /** Builds the actor of a profile with the current role registry. */
  actorOf(profile: StaffProfile): Actor;
}

export interface ActorResolverOptions {
  verifier: JwtVerifier;
  appwrite: AppwriteAdmin;
  epochs: RevocationEpochs;
  databaseId: string;
  /** The current role registry (built-ins + custom roles). */
  roles: () => RoleRegistry;
  maxEntries?: number;
}

export function createActorResolver(options: ActorResolverOptions): ActorResolver {
  const profiles = new LRUCache<string, { profile: StaffProfile; epoch: number }>({ max: options.maxEntries ?? 10_000, ttl: 5 * 60_000 });

  async function loadProfile(userId: string): Promise<StaffProfile | undefined> {
    try {
      const row = await options.appwrite.tablesDB.getRow({ databaseId: options.databaseId, tableId: 'staff', rowId: userId });
      const r = row as unknown as Record<string, unknown>;
      return {
        userId: String(r.userId ?? userId),
        storeId: String(r.storeId ?? ''),
        role: String(r.role ?? ''),
        displayName: String(r.displayName ?? ''),
        isActive: r.isActive !== false,
      };
    } catch (e) {
      if (isAppwriteError(e, 'row_not_found')) return undefined;
      throw toAppError(e, 'staff profile');
    }
  }

  function actorOf(profile: StaffProfile): Actor {
    const role = options.roles().get(profile.role);
    if (!role) throw new AppError('FORBIDDEN', 'Your role is not known to this deployment; ask an administrator.');
    return { userId: profile.userId, role, storeIds: profile.storeId ? [profile.storeId] : [], global: role.mayBeGlobal, active: profile.isActive };
  }

  return {
    loadProfile,
    actorOf,
    async resolve(jwt) {
      const verified = await options.verifier.verify(jwt);
      const epoch = options.epochs.known(verified.userId) ?? (await options.epochs.current(verified.userId));
      let entry = profiles.get(verified.userId);
      if (!entry || entry.epoch !== epoch) {
        const profile = await loadProfile(verified.userId);
        if (!profile) throw new AppError('FORBIDDEN', 'This account has no staff profile.');
        entry = { profile, epoch };
        profiles.set(verified.userId, entry);
      }
      return { verified, profile: entry.profile, actor: actorOf(entry.profile) };
    },
  };
}
