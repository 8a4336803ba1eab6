/**
 * Validates emulator answers against Appwrite's OpenAPI response schemas.
 * PLACEHOLDER until the validator lands: accepts everything.
 */
import type { ResponseInfo } from '../../emulator/app.js';

/** @returns a list of human-readable violations (empty when the body matches its schema). */
export function validateResponse(info: ResponseInfo): string[] {
  void info;
  return [];
}
