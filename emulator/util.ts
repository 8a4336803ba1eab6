/**
 * Small primitives shared by the emulator's routes: Appwrite's timestamps, ids and secrets.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { invalidParam } from './errors.js';

/** Appwrite's datetime format: ISO-8601 UTC with milliseconds and `+00:00`. */
export function isoNow(ms: number = Date.now()): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

/** Normalizes any ISO-8601 datetime to Appwrite's format; null when unparseable. */
export function toAppwriteDate(value: string): string | null {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : isoNow(ms);
}

let lastMs = 0;
let counter = 0;
/** A 20-character id ordered by creation time, like Appwrite's `ID.unique()`. */
export function uniqueId(): string {
  const ms = Date.now();
  counter = ms === lastMs ? counter + 1 : 0;
  lastMs = ms;
  const time = ms.toString(16).padStart(12, '0');
  const seq = (counter & 0xff).toString(16).padStart(2, '0');
  return `${time}${seq}${randomBytes(3).toString('hex')}`;
}

const UID = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,35}$/;
/**
 * Resolves a custom id param (`unique()` → generated) and validates it like Appwrite's UID
 * validator: at most 36 chars of a-z, A-Z, 0-9, period, hyphen, underscore, not starting with a
 * special char.
 * @throws AppwriteError general_argument_invalid (400)
 */
export function resolveId(name: string, value: unknown): string {
  if (value === 'unique()' || value === 'ID.unique()') return uniqueId();
  if (typeof value !== 'string' || !UID.test(value)) {
    throw invalidParam(
      name,
      'Parameter must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, period, hyphen, and underscore. Can\'t start with a special char',
    );
  }
  return value;
}

/** Validates an id that names an existing resource (path params). */
export const isValidUid = (v: string): boolean => UID.test(v);

/** A random secret of `bytes` bytes as hex. */
export function randomSecret(bytes = 128): string {
  return randomBytes(bytes).toString('hex');
}

/** SHA-256 hex digest: secrets are stored only as their digest. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
