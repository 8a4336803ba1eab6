/**
 * Projection of a staff profile into Appwrite user labels, so that Appwrite's own table
 * permissions (`Role.label('manager')`, `label:store42`) agree with Tillgate's RBAC.
 *
 * Appwrite's rule (server OpenAPI 1.8, `PUT /users/{userId}/labels`): at most 1000 labels, each
 * 1..36 characters of `[A-Za-z0-9]`, replaced as a whole on update. Hence:
 * - role label: `superadmin`, `admin`, `manager`, `cashier`; a custom role `<name>` becomes
 *   `role<name>`;
 * - store label: `store<storeId>`.
 * An identifier that is alphanumeric and short enough to give a label of at most 35 characters is
 * used as is. Any other (with `-`, `_`, `.`, or too long) becomes exactly 36 characters: the prefix,
 * the identifier's first alphanumerics and at least 16 hex digits of its SHA-256. Direct labels are
 * at most 35 characters and hashed ones exactly 36, so the two forms never collide.
 *
 * The four role names and the prefixes `role` and `store` are reserved for Tillgate: drift repair
 * replaces such labels and keeps every other label a user carries.
 * @module
 */
import { createHash } from 'node:crypto';
import { isBuiltInRoleName } from './roles.js';

/** Appwrite's limits on user labels. */
export const LABEL_MAX_LENGTH = 36;
export const LABELS_MAX_COUNT = 1000;
const ALNUM = /^[A-Za-z0-9]+$/;
const OWNED = /^(?:role|store)[A-Za-z0-9]+$/;

/** The part of a staff profile that labels depend on. */
export interface LabelProfile {
  /** Role name: built-in (`manager`) or custom. */
  readonly role: string;
  readonly storeIds: readonly string[];
}

/** How a user's labels differ from the profile's projection. */
export interface LabelDrift {
  readonly inSync: boolean;
  /** The labels the profile projects to. */
  readonly expected: readonly string[];
  /** Expected labels the user lacks. */
  readonly missing: readonly string[];
  /** Tillgate-owned labels (role or store) the user carries but should not. */
  readonly unexpected: readonly string[];
  /** The full list to write back with `users.updateLabels`: foreign labels kept, owned ones corrected. */
  readonly repaired: readonly string[];
}

function project(prefix: string, id: string): string {
  if (id.length > 0 && prefix.length + id.length < LABEL_MAX_LENGTH && ALNUM.test(id)) return prefix + id;
  const readable = id.replace(/[^A-Za-z0-9]/g, '').slice(0, LABEL_MAX_LENGTH - prefix.length - 16);
  const hash = createHash('sha256').update(id, 'utf8').digest('hex');
  return (prefix + readable + hash).slice(0, LABEL_MAX_LENGTH);
}

/** The label of a role: the built-in name itself, or `role<name>` for a custom role. */
export function roleLabel(roleName: string): string {
  return isBuiltInRoleName(roleName) ? roleName : project('role', roleName);
}

/** The label of a store: `store<storeId>` (hashed form when the id is not short and alphanumeric). */
export function storeLabel(storeId: string): string {
  return project('store', storeId);
}

/** True for a label Tillgate manages (a role or store label); others are left alone on repair. */
export function isTillgateLabel(label: string): boolean {
  return isBuiltInRoleName(label) || OWNED.test(label);
}

/**
 * The labels a profile projects to: the role label first, then one per store in the profile's
 * order, without duplicates. Every label matches `[A-Za-z0-9]{1,36}`.
 */
export function labelsFor(profile: LabelProfile): string[] {
  return [...new Set([roleLabel(profile.role), ...profile.storeIds.map(storeLabel)])];
}

/**
 * Compares a user's current Appwrite labels with the profile's projection (order is ignored;
 * Appwrite may return labels in any order).
 * @returns what is missing, what is unexpected, and the corrected full list.
 */
export function labelsDrift(profile: LabelProfile, labels: readonly string[]): LabelDrift {
  const expected = labelsFor(profile);
  const want = new Set(expected);
  const have = new Set(labels);
  const missing = expected.filter((l) => !have.has(l));
  const unexpected = [...have].filter((l) => !want.has(l) && isTillgateLabel(l));
  const foreign = [...have].filter((l) => !isTillgateLabel(l));
  return {
    inSync: missing.length === 0 && unexpected.length === 0,
    expected,
    missing,
    unexpected,
    repaired: [...expected, ...foreign],
  };
}
