/**
 * The staff directory: the operations that touch several Appwrite resources at once, so that
 * each leaves nothing half-created when a step fails (compensating deletes), used by the
 * gateway, the seed and the importers.
 *
 * A staff member = an Appwrite user (email + password, or an imported legacy hash, or no
 * password) + a `staff` row whose `$id` is the user id + the user's labels projected from role
 * and store (core/rbac `labelsFor`, so Appwrite table permissions agree with the gateway).
 * @module
 */
import { ID, type Models } from 'node-appwrite';
import { AppError } from '../../core/errors.js';
import { labelsFor } from '../../core/rbac/index.js';
import { toAppError, type AppwriteAdmin } from '../appwrite.js';

export interface NewStaff {
  /** Appwrite user id (default: generated). */
  userId?: string;
  email: string;
  name: string;
  role: string;
  storeId: string;
  /** Plain password (hashed by Appwrite), or omitted for a legacy hash or no password. */
  password?: string;
  /** A legacy hash to import as is (Appwrite `createSHAUser`), e.g. Sakila's SHA-1. */
  legacyHash?: { algorithm: 'sha1' | 'sha256' | 'sha512'; hash: string } | { algorithm: 'bcrypt'; hash: string };
  legacyStaffId?: number;
  isActive?: boolean;
}

export interface StaffRecord {
  userId: string;
  labels: string[];
  profile: Models.Row;
}

/**
 * Creates the Appwrite user, its labels and its staff profile; on any failure after the user was
 * created, deletes the user again (nothing half-created).
 * @throws AppError CONFLICT (email or id taken), VALIDATION_FAILED, UPSTREAM_UNAVAILABLE.
 */
export async function createStaff(appwrite: AppwriteAdmin, databaseId: string, s: NewStaff): Promise<StaffRecord> {
  const userId = s.userId ?? ID.unique();
  try {
    if (s.legacyHash?.algorithm === 'bcrypt') {
      await appwrite.users.createBcryptUser({ userId, email: s.email, password: s.legacyHash.hash, name: s.name });
    } else if (s.legacyHash) {
      await appwrite.users.createSHAUser({ userId, email: s.email, password: s.legacyHash.hash, passwordVersion: s.legacyHash.algorithm as never, name: s.name });
    } else {
      await appwrite.users.create({ userId, email: s.email, name: s.name, ...(s.password ? { password: s.password } : {}) });
    }
  } catch (e) {
    throw toAppError(e, 'user');
  }
  try {
    return await attachStaffProfile(appwrite, databaseId, userId, s);
  } catch (e) {
    await appwrite.users.delete({ userId }).catch(() => undefined);
    throw e;
  }
}

/**
 * The second half of {@link createStaff} for an Appwrite user that already exists: sets the
 * user's labels (role and store), creates the `staff` row (`$id` = user id, readable by the user
 * itself) and blocks the user when `isActive` is false. Importers use it to finish a staff member
 * whose run stopped between creating the user and writing the profile. Nothing is undone on
 * failure (the user is not this function's to delete).
 * @throws AppError CONFLICT (a profile with this id exists), VALIDATION_FAILED, NOT_FOUND (no such
 *   user), UPSTREAM_UNAVAILABLE.
 */
export async function attachStaffProfile(appwrite: AppwriteAdmin, databaseId: string, userId: string, s: Omit<NewStaff, 'userId' | 'password' | 'legacyHash'>): Promise<StaffRecord> {
  try {
    const labels = labelsFor({ role: s.role, storeIds: [s.storeId] });
    await appwrite.users.updateLabels({ userId, labels });
    const profile = await appwrite.tablesDB.createRow({
      databaseId,
      tableId: 'staff',
      rowId: userId,
      data: {
        userId,
        storeId: s.storeId,
        role: s.role,
        displayName: s.name,
        email: s.email,
        isActive: s.isActive ?? true,
        ...(s.legacyStaffId === undefined ? {} : { legacyStaffId: s.legacyStaffId }),
      },
      // Row security: the staff member may read their own profile.
      permissions: [`read("user:${userId}")`],
    });
    if (s.isActive === false) await appwrite.users.updateStatus({ userId, status: false });
    return { userId, labels, profile };
  } catch (e) {
    throw e instanceof AppError ? e : toAppError(e, 'staff profile');
  }
}

/** The fields of a profile an administrator may change. */
export interface StaffUpdate {
  name?: string;
  role?: string;
  storeId?: string;
}

/**
 * Updates the staff profile and, when role or store change, the user's labels (so Appwrite
 * table permissions follow). The name is also set on the Appwrite user.
 * @throws AppError NOT_FOUND, UPSTREAM_UNAVAILABLE.
 */
export async function updateStaff(appwrite: AppwriteAdmin, databaseId: string, userId: string, current: { role: string; storeId: string }, u: StaffUpdate): Promise<void> {
  try {
    const data: Record<string, unknown> = {};
    if (u.name !== undefined) data.displayName = u.name;
    if (u.role !== undefined) data.role = u.role;
    if (u.storeId !== undefined) data.storeId = u.storeId;
    if (Object.keys(data).length) await appwrite.tablesDB.updateRow({ databaseId, tableId: 'staff', rowId: userId, data });
    if (u.name !== undefined) await appwrite.users.updateName({ userId, name: u.name });
    if (u.role !== undefined || u.storeId !== undefined) {
      const user = await appwrite.users.get({ userId });
      const own = labelsFor({ role: u.role ?? current.role, storeIds: [u.storeId ?? current.storeId] });
      const previous = new Set(labelsFor({ role: current.role, storeIds: [current.storeId] }));
      await appwrite.users.updateLabels({ userId, labels: [...own, ...user.labels.filter((l) => !previous.has(l) && !own.includes(l))] });
    }
  } catch (e) {
    throw toAppError(e, 'staff member');
  }
}

/**
 * Deactivates (blocks the Appwrite user, ends every session, marks the profile inactive) or
 * reactivates a staff member. Blocking first means no new session can start meanwhile.
 */
export async function setStaffActive(appwrite: AppwriteAdmin, databaseId: string, userId: string, active: boolean): Promise<void> {
  try {
    await appwrite.users.updateStatus({ userId, status: active });
    if (!active) await appwrite.users.deleteSessions({ userId });
    await appwrite.tablesDB.updateRow({ databaseId, tableId: 'staff', rowId: userId, data: { isActive: active } });
  } catch (e) {
    throw toAppError(e, 'staff member');
  }
}

/** Hard delete (SuperAdmin): the Appwrite user, the profile and the PIN credential. */
export async function deleteStaff(appwrite: AppwriteAdmin, databaseId: string, userId: string): Promise<void> {
  const ignoreMissing = (e: unknown) => {
    if (!(e instanceof Error && 'code' in e && (e as { code: number }).code === 404)) throw toAppError(e, 'staff member');
  };
  await appwrite.tablesDB.deleteRow({ databaseId, tableId: 'staff_credentials', rowId: userId }).catch(ignoreMissing);
  await appwrite.tablesDB.deleteRow({ databaseId, tableId: 'staff', rowId: userId }).catch(ignoreMissing);
  await appwrite.users.delete({ userId }).catch(ignoreMissing);
}
