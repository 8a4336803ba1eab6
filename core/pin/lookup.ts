/**
 * Keyed derivations of a PIN (issue 6 item 1), pure computation on `node:crypto`.
 *
 * Why a keyed lookup index `HMAC-SHA256(pepper, storeId:pin)`:
 * - O(1) login: the gateway finds the staff member with one indexed equality lookup on
 *   `staff_credentials.pinIndex` instead of running one bcrypt verification per staff member of
 *   the store (10,000 staff x ~94 ms would be minutes), so the cost of an attempt does not grow
 *   with the number of staff.
 * - No plaintext: the table never holds the PIN.
 * - Keyed: PINs have at most 10^8 values, so an unkeyed hash of them is reversed by enumeration
 *   in seconds. With the pepper (a server secret kept out of the database, `PIN_PEPPER`, >= 32
 *   characters) a stolen table alone cannot be brute-forced offline (OWASP Password Storage
 *   Cheat Sheet, "Peppering"). The store id in the message makes equal PINs of different stores
 *   index differently, and uniqueness of a PIN is enforced per store (issue 6).
 * @module
 */
import { createHmac } from 'node:crypto';
import { AppError } from '../errors.js';

const DIGITS = /^[0-9]{1,64}$/;

function assertInputs(pepper: string, pin: string): void {
  if (typeof pepper !== 'string' || pepper.length === 0) {
    throw new AppError('INTERNAL', 'The PIN pepper is not configured.');
  }
  if (typeof pin !== 'string' || !DIGITS.test(pin)) {
    throw new AppError('VALIDATION_FAILED', 'The PIN must contain digits only.');
  }
}

/**
 * The lookup index of a PIN in a store: lowercase hex HMAC-SHA256(pepper, `${storeId}:${pin}`),
 * 64 characters. The PIN is digits only, so the last `:` separates the parts unambiguously.
 * @throws AppError VALIDATION_FAILED when the PIN is not 1-64 digits or the store id is empty
 *   (the message never contains the PIN); INTERNAL when the pepper is empty.
 */
export function pinLookupIndex(pepper: string, storeId: string, pin: string): string {
  assertInputs(pepper, pin);
  if (typeof storeId !== 'string' || storeId.length === 0 || storeId.length > 255) {
    throw new AppError('VALIDATION_FAILED', 'The store id must be 1-255 characters.');
  }
  return createHmac('sha256', pepper).update(`${storeId}:${pin}`, 'utf8').digest('hex');
}

/**
 * The peppered PIN that bcrypt hashes: lowercase hex HMAC-SHA256(pepper, pin), 64 ASCII bytes.
 * Peppering before bcrypt (OWASP Password Storage Cheat Sheet) means a stolen bcrypt hash is
 * useless without the pepper; hex keeps the input inside bcrypt's 72-byte limit (longer input
 * is silently truncated by bcrypt) and free of NUL bytes, which raw HMAC bytes could contain.
 * @throws AppError as {@link pinLookupIndex}.
 */
export function pepperedPin(pepper: string, pin: string): string {
  assertInputs(pepper, pin);
  return createHmac('sha256', pepper).update(pin, 'utf8').digest('hex');
}
