/**
 * Terminal records and single-use enrollment codes. A code is 10 characters of an unambiguous
 * alphabet (no 0/O, 1/I/L: read aloud or typed on a till without confusion; ~49 bits), valid
 * 10 minutes, and stored only as its SHA-256 (issue 6 item 2).
 * @module
 */
import { createHash, randomInt } from 'node:crypto';
import { ID } from 'node-appwrite';
import { toAppError, type AppwriteAdmin } from '../appwrite.js';

/** Characters of enrollment codes: digits and capitals without 0, O, 1, I, L. */
export const ENROLLMENT_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const ENROLLMENT_CODE_LENGTH = 10;
/** Lifetime of an enrollment code, ms (10 minutes). */
export const ENROLLMENT_TTL_MS = 10 * 60_000;

/** A fresh enrollment code. */
export function newEnrollmentCode(): string {
  let code = '';
  for (let i = 0; i < ENROLLMENT_CODE_LENGTH; i++) code += ENROLLMENT_ALPHABET[randomInt(ENROLLMENT_ALPHABET.length)];
  return code;
}

/** SHA-256 hex of a code or credential secret (what the database keeps). */
export function secretDigest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export interface NewTerminal {
  storeId: string;
  name: string;
  idleLockMinutes?: number;
  lockAfterSale?: boolean;
  allowedRoles?: string[];
}

/**
 * Creates a `pending` terminal with an enrollment code.
 * @returns the terminal id, the code (shown once, never stored) and its expiry (ISO).
 */
export async function createTerminal(appwrite: AppwriteAdmin, databaseId: string, t: NewTerminal, now = Date.now()): Promise<{ terminalId: string; enrollmentCode: string; expiresAt: string }> {
  const enrollmentCode = newEnrollmentCode();
  const expiresAt = new Date(now + ENROLLMENT_TTL_MS).toISOString();
  try {
    const row = await appwrite.tablesDB.createRow({
      databaseId,
      tableId: 'terminals',
      rowId: ID.unique(),
      data: {
        storeId: t.storeId,
        name: t.name,
        status: 'pending',
        enrollmentCodeHash: secretDigest(enrollmentCode),
        enrollmentExpiresAt: expiresAt,
        idleLockMinutes: t.idleLockMinutes ?? 5,
        lockAfterSale: t.lockAfterSale ?? false,
        allowedRoles: t.allowedRoles ?? [],
      },
    });
    return { terminalId: row.$id, enrollmentCode, expiresAt };
  } catch (e) {
    throw toAppError(e, 'terminal');
  }
}
