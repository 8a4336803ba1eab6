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
    await appwrite.users.delete({ userId }).catch(() => undefined);
    throw e instanceof AppError ? e : toAppError(e, 'staff profile');
  }
}
