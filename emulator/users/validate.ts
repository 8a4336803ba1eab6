/**
 * Parameter validators of the Users/Account APIs, with Appwrite 1.9's rules and messages
 * (`Utopia\Emails\Validator\Email`, `Appwrite\Auth\Validator\Phone`, `Password`, the labels
 * `ArrayList(Text(36, alphanumeric), 1000)`). Each failure answers 400 `general_argument_invalid`.
 * @module
 */
import type { Context } from 'hono';
import type { EmulatorEnv } from '../context.js';
import { fail, invalidParam } from '../errors.js';
import { obj, type Params, str } from '../params.js';
import type { UserRecord } from '../state.js';
import { isValidUid } from '../util.js';

/** Longest email accepted, characters (RFC 5321 path limit). */
const EMAIL_MAX = 254;
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
/** E.164: a leading `+` and at most 15 digits (Appwrite's Phone validator). */
const PHONE = /^\+[1-9]\d{6,14}$/;
/** Password length bounds, characters (Appwrite's `Password` validator: 8..256). */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;
/** Name length limit, characters (`Text(128)`). */
export const NAME_MAX = 128;
/** Labels: at most 1000 (`APP_LIMIT_ARRAY_LABELS_SIZE`), each 1–36 of `[A-Za-z0-9]`. */
export const LABELS_MAX = 1000;
const LABEL = /^[A-Za-z0-9]{1,36}$/;

/** True when `v` is an email address Appwrite accepts. */
export const isEmail = (v: string): boolean => v.length <= EMAIL_MAX && EMAIL.test(v);

/** A required (or, with `optional`, nullable) email param, lower-cased as Appwrite stores it. */
export function emailParam(p: Params, name: string, opts: { optional?: boolean; allowEmpty?: boolean } = {}): string | undefined {
  const v = str(p, name, { required: !opts.optional, allowEmpty: opts.allowEmpty ?? false });
  if (v === undefined) return undefined;
  if (v === '' && opts.allowEmpty) return '';
  if (!isEmail(v)) throw invalidParam(name, 'Value must be a valid email address');
  return v.toLowerCase();
}

/** An E.164 phone param (`allowEmpty` clears it). */
export function phoneParam(p: Params, name: string, opts: { optional?: boolean; allowEmpty?: boolean } = {}): string | undefined {
  const v = str(p, name, { required: !opts.optional, allowEmpty: opts.allowEmpty ?? false });
  if (v === undefined) return undefined;
  if (v === '' && opts.allowEmpty) return '';
  if (!PHONE.test(v)) throw invalidParam(name, "Phone number must start with a '+' can have a maximum of fifteen digits.");
  return v;
}

/** A password (plaintext or, on import endpoints, a hash): 8–256 characters. */
export function passwordParam(p: Params, name: string, opts: { optional?: boolean } = {}): string | undefined {
  const v = str(p, name, { required: !opts.optional, allowEmpty: true });
  if (v === undefined || (opts.optional && v === '')) return undefined;
  if (v.length < PASSWORD_MIN || v.length > PASSWORD_MAX) {
    throw invalidParam(name, `Password must be between ${PASSWORD_MIN} and ${PASSWORD_MAX} characters long.`);
  }
  return v;
}

/** A user name: at most 128 characters. */
export function nameParam(p: Params, opts: { required?: boolean } = {}): string | undefined {
  return str(p, 'name', { required: opts.required ?? false, max: NAME_MAX, allowEmpty: true });
}

/** The `labels` param of `PUT /users/{userId}/labels`, de-duplicated in order (Appwrite's `array_unique`). */
export function labelsParam(p: Params): string[] {
  const v = p.labels;
  if (v === undefined || v === null) fail('general_argument_invalid', 'Param "labels" is not optional.');
  if (!Array.isArray(v)) throw invalidParam('labels', 'Value must be a valid array and Value must be a valid string and at least 1 chars and no longer than 36 chars and only consist of alphanumeric chars');
  if (v.length > LABELS_MAX) throw invalidParam('labels', `Value must be a valid array no longer than ${LABELS_MAX} items`);
  for (const l of v) {
    if (typeof l !== 'string' || !LABEL.test(l)) {
      throw invalidParam('labels', 'Value must be a valid array and Value must be a valid string and at least 1 chars and no longer than 36 chars and only consist of alphanumeric chars');
    }
  }
  return [...new Set(v as string[])];
}

/**
 * The user named by the `userId` path param.
 * @throws AppwriteError 400 `general_argument_invalid` for an illegal id, 404 `user_not_found`.
 */
export function pathUser(c: Context<EmulatorEnv>): UserRecord {
  const id = c.req.param('userId') ?? '';
  if (!isValidUid(id)) throw invalidParam('userId', "UID must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, and underscore. Can't start with a leading underscore");
  const user = c.get('emu').state.users.get(id);
  if (!user) fail('user_not_found', 'User with the requested ID could not be found.');
  return user;
}

/** Whether another user already holds `email` (case-insensitive) or `phone`. */
export function conflictingUser(users: Iterable<UserRecord>, self: string | null, field: 'email' | 'phone', value: string): boolean {
  if (!value) return false;
  for (const u of users) if (u.$id !== self && u[field] === value) return true;
  return false;
}

/** Largest prefs object, characters of JSON (Appwrite's `Assoc` validator: 65535). */
export const PREFS_MAX_JSON = 65_535;

/** The `prefs` param: a JSON object of at most {@link PREFS_MAX_JSON} characters. */
export function prefsParam(p: Params): Record<string, unknown> {
  const prefs = obj(p, 'prefs', { required: true })!;
  if (JSON.stringify(prefs).length > PREFS_MAX_JSON) throw invalidParam('prefs', `Value must be a valid object no longer than ${PREFS_MAX_JSON} chars`);
  return prefs;
}
