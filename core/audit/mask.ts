/**
 * Masking of credentials before anything reaches the audit log. PCI DSS v4 10.3 and OWASP ASVS 5.0
 * V16.2.5 forbid authentication secrets in logs; Appwrite event payloads carry some (a token's
 * plaintext secret, a session secret, the user's password hash: DESIGN.md "Event payloads can carry
 * secrets"), so every `changes` and `metadata` value passes through here.
 *
 * A key is sensitive, case-insensitively and at any depth, when one of its words (split on
 * camelCase, `_`, `-`, `.` and spaces) is a credential word (`pin`, `password`, `secret`, `token`,
 * `hash`, `credential`, `jwt`, `cookie`, `salt`, `otp`, ...), when two consecutive words name one
 * (`api key`, `private key`, `enrollment code`, ...), or when the whole key is `key` or `code`
 * (names `infra/logger.ts` redacts too). `shipping` or `spinner`
 * contain "pin" but are not sensitive: words are compared, not substrings.
 * @module
 */

/** What a masked value becomes. */
export const MASKED = '[MASKED]';

const SENSITIVE_WORDS = new Set([
  'pin', 'pins', 'password', 'passwords', 'passwd', 'pwd', 'passphrase', 'passcode',
  'secret', 'secrets', 'token', 'tokens', 'hash', 'hashes', 'hashed', 'credential', 'credentials',
  'jwt', 'jwts', 'apikey', 'cookie', 'cookies', 'authorization', 'otp', 'totp', 'pepper', 'salt',
  'privatekey', 'signature', 'bearer',
]);

const SENSITIVE_PAIRS = new Set([
  'api key', 'private key', 'secret key', 'access key', 'signing key', 'encryption key', 'appwrite key',
  'checkpoint key', 'enrollment code', 'recovery code', 'recovery codes', 'backup code', 'backup codes',
  'verification code', 'auth code',
]);

const SENSITIVE_WHOLE = new Set(['key', 'code', 'keys', 'codes']);

/** Splits a key into lower-case words: `pinHash` → pin, hash; `x-appwrite-key` → x, appwrite, key. */
function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s_.\-:/]+/)
    .filter((w) => w.length > 0);
}

/** True when values stored under `key` must never be written to the audit log. */
export function isSensitiveKey(key: string): boolean {
  const ws = words(key);
  if (ws.length === 0) return false;
  if (SENSITIVE_WHOLE.has(ws.join(''))) return true;
  for (let i = 0; i < ws.length; i++) {
    if (SENSITIVE_WORDS.has(ws[i]!)) return true;
    if (i > 0 && SENSITIVE_PAIRS.has(`${ws[i - 1]} ${ws[i]}`)) return true;
  }
  return false;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Returns a deep copy of `value` where the value of every sensitive key (see module doc) is
 * {@link MASKED}, whatever its type. `null` stays `null` (that a secret is unset is not a secret);
 * members whose value is `undefined` are dropped, as JSON would.
 * Arrays and nested objects are walked; other values are copied as they are. Pure; never throws
 * except on cyclic input (RangeError from the recursion).
 */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    out[k] = isSensitiveKey(k) ? (v === null ? null : MASKED) : maskSecrets(v);
  }
  return out;
}

/**
 * Masks a `changes` map `{ field: { before, after } }`: a sensitive field keeps its
 * `{ before, after }` shape (so a reader sees that a PIN changed) with both sides {@link MASKED}
 * unless `null`; other fields have their values masked deeply by {@link maskSecrets}.
 */
export function maskChanges(
  changes: Record<string, { before?: unknown; after?: unknown }>,
): Record<string, { before: unknown; after: unknown }> {
  const out: Record<string, { before: unknown; after: unknown }> = {};
  for (const [field, change] of Object.entries(changes)) {
    const before = change.before ?? null;
    const after = change.after ?? null;
    out[field] = isSensitiveKey(field)
      ? { before: before === null ? null : MASKED, after: after === null ? null : MASKED }
      : { before: maskSecrets(before), after: maskSecrets(after) };
  }
  return out;
}
