/**
 * PIN credentials in the `staff_credentials` table (no client permissions at all): the keyed
 * lookup index `HMAC-SHA256(PIN_PEPPER, storeId:pin)` (unique per store, so a lookup is one
 * indexed query and PINs are unique within a store) and the bcrypt hash of the peppered PIN,
 * plus the last hashes for the "not reused from the last 3" rule. The PIN itself is never stored.
 * @module
 */
import { Query } from 'node-appwrite';
import { AppError } from '../../core/errors.js';
import { PIN_HISTORY_DEPTH, assertPinAcceptable, pinPolicyError, type PinPolicy } from '../../core/pin/policy.js';
import { pinLookupIndex } from '../../core/pin/lookup.js';
import { isAppwriteError, toAppError, type AppwriteAdmin } from '../appwrite.js';
import type { PinHasher } from '../pin-hasher.js';

export interface SetPinInput {
  userId: string;
  storeId: string;
  pin: string;
  pepper: string;
  /** bcrypt cost (default: the hasher's). */
  cost?: number;
  policy?: PinPolicy;
}

/**
 * Sets (or replaces) a staff member's PIN after the policy, uniqueness and reuse checks.
 * @throws AppError PIN_POLICY_VIOLATION (weak PIN), PIN_REUSED (one of the last 3),
 *   PIN_IN_USE (another staff member of the store has it), UPSTREAM_UNAVAILABLE.
 */
export async function setPin(appwrite: AppwriteAdmin, databaseId: string, hasher: PinHasher, input: SetPinInput): Promise<void> {
  assertPinAcceptable(input.pin, input.policy);
  const pinIndex = pinLookupIndex(input.pepper, input.storeId, input.pin);
  try {
    const clash = await appwrite.tablesDB.listRows({ databaseId, tableId: 'staff_credentials', queries: [Query.equal('storeId', input.storeId), Query.equal('pinIndex', pinIndex), Query.limit(1)] });
    const other = clash.rows.find((r) => (r as unknown as { userId: string }).userId !== input.userId);
    if (other) throw new AppError('PIN_IN_USE', 'This PIN is already used in this store; choose another.');
    let current: { pinHash: string; pinHistory?: string[] } | undefined;
    try {
      current = (await appwrite.tablesDB.getRow({ databaseId, tableId: 'staff_credentials', rowId: input.userId })) as unknown as { pinHash: string; pinHistory?: string[] };
    } catch (e) {
      if (!isAppwriteError(e, 'row_not_found')) throw e;
    }
    const history = current ? [current.pinHash, ...(current.pinHistory ?? [])].slice(0, PIN_HISTORY_DEPTH) : [];
    if (history.length && (await hasher.isReused(input.pepper, input.pin, history))) throw pinPolicyError(['REUSED']);
    const pinHash = await hasher.hashPin(input.pepper, input.pin, input.cost);
    await appwrite.tablesDB.upsertRow({
      databaseId,
      tableId: 'staff_credentials',
      rowId: input.userId,
      data: { userId: input.userId, storeId: input.storeId, pinHash, pinIndex, pinHistory: history, pinUpdatedAt: new Date().toISOString() },
      permissions: [],
    });
  } catch (e) {
    if (e instanceof AppError) throw e;
    if (isAppwriteError(e, 'row_already_exists')) throw new AppError('PIN_IN_USE', 'This PIN is already used in this store; choose another.', { cause: e });
    throw toAppError(e, 'PIN credential');
  }
}
