/**
 * Turns a bearer JWT into an RBAC {@link Actor}: the JWT is verified (and cached) by
 * `jwt-verifier.ts`, then the user's staff profile (row `staff/<userId>` of the `pos` database)
 * and compiled role are attached. Profiles are cached in process per user and revalidated when
 * the user's revocation epoch moves (every role, store or status change bumps it), so an
 * authenticated request normally costs no network round trip.
 *
 * Store scope: a staff member works in the store of their profile; a role that may be global
 * (SuperAdmin, Admin) acts in every store (core/rbac `mayBeGlobal`).
 *
 * Reads about another staff member (`GET /users/:id`) use {@link ActorResolver.readStaffRow}: rows
 * cached in process for at most {@link STAFF_ROW_TTL_MS}, dropped at once when the user's epoch
 * moves (role, store, status, PIN, password changes, from any gateway, via pub/sub) or when this
 * gateway writes the row ({@link ActorResolver.forgetStaff}). Changes made elsewhere to fields
 * that do not affect access (name, email, last login) show within that time.
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

interface ProfileEntry {
  profile: StaffProfile;
  /** The user's revocation epoch when the profile was read. */
  epoch: number;
}

/** A `staff` row as Appwrite returns it (system fields and columns; no secrets are kept there). Shared: read-only. */
export type StaffRow = Readonly<Record<string, unknown>> & { readonly $id: string; readonly $createdAt: string };

/** How long {@link ActorResolver.readStaffRow} may answer from memory, ms (bounds staleness of edits made outside this gateway). */
export const STAFF_ROW_TTL_MS = 2_000;

/** The caller of a request. Shared by the requests of the same JWT while nothing changes: read-only. */
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
  /** {@link resolve}'s answer when it needs no I/O (everything cached and current), else undefined. */
  resolveCached(jwt: string): ResolvedUser | undefined;
  /**
   * True while `user` (an answer of {@link resolve}) is still what resolve would answer for its
   * JWT, checked in process: verification current (expiry, epoch), same profile entry and role
   * registry. Lets a caller that kept `user` for the same JWT skip hashing it again.
   */
  isCurrent(user: ResolvedUser): boolean;
  /** Loads a profile (uncached) — for handlers that act on another user. */
  loadProfile(userId: string): Promise<StaffProfile | undefined>;
  /** Builds the actor of a profile with the current role registry. */
  actorOf(profile: StaffProfile): Actor;
  /**
   * The staff row of `userId` for reads about another user: cached as described in the module
   * comment; concurrent misses share one Appwrite read. undefined when there is no such row
   * (never cached).
   * @throws AppError UPSTREAM_UNAVAILABLE / DEPENDENCY_UNAVAILABLE (Appwrite / Redis down).
   */
  readStaffRow(userId: string): Promise<StaffRow | undefined>;
  /** {@link readStaffRow}'s answer when cached and current (no I/O), else undefined. */
  cachedStaffRow(userId: string): StaffRow | undefined;
  /** Drops what is cached about `userId` (row and profile): call after writing their staff row. */
  forgetStaff(userId: string): void;
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
  const profiles = new LRUCache<string, ProfileEntry>({ max: options.maxEntries ?? 10_000, ttl: 5 * 60_000 });
  // The resolved user of each verified JWT (the verifier hands out the same object for as long as
  // it is cached), rebuilt when the profile entry or the role registry changes. The common
  // request then allocates nothing here, and handlers can memoize per resolved user.
  const resolved = new WeakMap<VerifiedJwt, { entry: ProfileEntry; registry: RoleRegistry; user: ResolvedUser }>();
  const rows = new LRUCache<string, { row: StaffRow; epoch: number }>({ max: options.maxEntries ?? 10_000, ttl: STAFF_ROW_TTL_MS });
  const rowLoads = new Map<string, { epoch: number; generation: number; load: Promise<StaffRow | undefined> }>();
  // Bumped by every forgetStaff: a read that started before a write must not cache what it saw.
  let generation = 0;

  /** The resolved user kept for a (current) verification, if its profile entry and registry are still the current ones. */
  function currentMemo(verified: VerifiedJwt) {
    const memo = resolved.get(verified);
    if (!memo || memo.registry !== options.roles()) return undefined;
    const entry = profiles.get(verified.userId);
    return entry === memo.entry && entry.epoch === options.epochs.known(verified.userId) ? memo : undefined;
  }

  async function loadRow(userId: string, epoch: number): Promise<StaffRow | undefined> {
    const started = generation;
    let row: StaffRow;
    try {
      row = (await options.appwrite.tablesDB.getRow({ databaseId: options.databaseId, tableId: 'staff', rowId: userId })) as unknown as StaffRow;
    } catch (e) {
      if (isAppwriteError(e, 'row_not_found')) return undefined;
      throw toAppError(e, 'staff member');
    }
    if (generation === started) rows.set(userId, { row, epoch });
    return row;
  }

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

  function actorIn(registry: RoleRegistry, profile: StaffProfile): Actor {
    const role = registry.get(profile.role);
    if (!role) throw new AppError('FORBIDDEN', 'Your role is not known to this deployment; ask an administrator.');
    return { userId: profile.userId, role, storeIds: profile.storeId ? [profile.storeId] : [], global: role.mayBeGlobal, active: profile.isActive };
  }
  const actorOf = (profile: StaffProfile): Actor => actorIn(options.roles(), profile);

  return {
    loadProfile,
    actorOf,
    async readStaffRow(userId) {
      const epoch = options.epochs.known(userId) ?? (await options.epochs.current(userId));
      const hit = rows.get(userId);
      if (hit && hit.epoch === epoch) return hit.row;
      // Join a read in flight only if it started under the same epoch and after the last write.
      const pending = rowLoads.get(userId);
      if (pending && pending.epoch === epoch && pending.generation === generation) return pending.load;
      const load = loadRow(userId, epoch);
      const mine = { epoch, generation, load };
      rowLoads.set(userId, mine);
      const done = () => {
        if (rowLoads.get(userId) === mine) rowLoads.delete(userId);
      };
      load.then(done, done);
      return load;
    },
    forgetStaff(userId) {
      generation++;
      rows.delete(userId);
      profiles.delete(userId);
    },
    resolveCached(jwt) {
      const verified = options.verifier.verifyCached?.(jwt);
      return verified ? currentMemo(verified)?.user : undefined;
    },
    isCurrent(user) {
      return options.verifier.isCurrent?.(user.verified) === true && currentMemo(user.verified)?.user === user;
    },
    cachedStaffRow(userId) {
      const hit = rows.get(userId);
      return hit && hit.epoch === options.epochs.known(userId) ? hit.row : undefined;
    },
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
      const registry = options.roles();
      const memo = resolved.get(verified);
      if (memo && memo.entry === entry && memo.registry === registry) return memo.user;
      const user: ResolvedUser = { verified, profile: entry.profile, actor: actorIn(registry, entry.profile) };
      resolved.set(verified, { entry, registry, user });
      return user;
    },
  };
}
