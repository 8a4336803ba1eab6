/**
 * Password hashing and verification for the emulated Users/Account APIs.
 *
 * New passwords are hashed with argon2id (Appwrite's default proof, `hash: "argon2"`).
 * Imported users keep their legacy hash (bcrypt, SHA family, MD5, PHPass) and are verified
 * against it on login, as Appwrite 1.9 does (`Utopia\Auth\Hashes\*`); Appwrite keeps the
 * imported hash after a successful login, and so does the emulator.
 *
 * Argon2 cost: Appwrite's older `Auth::hash` defaults (memoryCost 2048 KiB, timeCost 4,
 * threads 3, as in the User model's `password` x-example `$argon2id$v=19$m=2048,t=4,p=3$...`).
 * The 1.9 `algoArgon2` x-example shows memoryCost 65536; the emulator keeps the cheaper figure so
 * tests stay fast (a documented difference; the encoded hash carries its own parameters, so
 * verification works for either).
 * @module
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { argon2id, argon2Verify } from 'hash-wasm';
import type { HashAlgorithm } from '../state.js';

/** Argon2id parameters for new passwords (KiB, iterations, lanes). */
export const ARGON2_OPTIONS = { memoryCost: 2048, timeCost: 4, threads: 3 } as const;

/** SHA versions `POST /users/sha` accepts (Appwrite's `passwordVersion` whitelist). */
export const SHA_VERSIONS = [
  'sha1', 'sha224', 'sha256', 'sha384', 'sha512/224', 'sha512/256', 'sha512',
  'sha3-224', 'sha3-256', 'sha3-384', 'sha3-512',
] as const;
export type ShaVersion = (typeof SHA_VERSIONS)[number];

/** A stored password: the hash string plus the `hash`/`hashOptions` fields of the User model. */
export interface StoredPassword {
  password: string;
  hash: HashAlgorithm;
  hashOptions: Record<string, unknown>;
}

/**
 * Hashes a plaintext password with argon2id ({@link ARGON2_OPTIONS}, 16-byte random salt,
 * 32-byte output) in PHC encoding.
 */
export async function hashPassword(plain: string): Promise<StoredPassword> {
  const encoded = await argon2id({
    password: plain,
    salt: randomBytes(16),
    parallelism: ARGON2_OPTIONS.threads,
    iterations: ARGON2_OPTIONS.timeCost,
    memorySize: ARGON2_OPTIONS.memoryCost,
    hashLength: 32,
    outputType: 'encoded',
  });
  return { password: encoded, hash: 'argon2', hashOptions: { type: 'argon2', ...ARGON2_OPTIONS } };
}

/** The `hash`/`hashOptions` pair recorded for an imported hash (Appwrite's `getName()`/`getOptions()`). */
export function importedOptions(algo: 'bcrypt' | 'md5' | 'phpass' | 'argon2' | 'sha', shaVersion?: ShaVersion): Omit<StoredPassword, 'password'> {
  switch (algo) {
    case 'argon2':
      return { hash: 'argon2', hashOptions: { type: 'argon2', ...ARGON2_OPTIONS } };
    case 'sha':
      return { hash: 'sha', hashOptions: { type: 'sha', version: shaVersion ?? 'sha3-512' } };
    case 'bcrypt':
      return { hash: 'bcrypt', hashOptions: { type: 'bcrypt', cost: 8 } };
    default:
      return { hash: algo, hashOptions: { type: algo } };
  }
}

function safeEqualText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Node's digest name for an Appwrite SHA version (`sha512/224` → `sha512-224`). */
function nodeDigest(version: string): string {
  return version.replace('/', '-');
}

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function phpassEncode64(input: Buffer, count: number): string {
  let out = '';
  let i = 0;
  do {
    let value = input[i++]!;
    out += ITOA64[value & 0x3f];
    if (i < count) value |= input[i]! << 8;
    out += ITOA64[(value >> 6) & 0x3f];
    if (i++ >= count) break;
    if (i < count) value |= input[i]! << 16;
    out += ITOA64[(value >> 12) & 0x3f];
    if (i++ >= count) break;
    out += ITOA64[(value >> 18) & 0x3f];
  } while (i < count);
  return out;
}

/** Portable PHPass (`$P$` / `$H$`, the WordPress/phpBB format): iterated salted MD5. */
function phpassPortable(plain: string, setting: string): string | null {
  const countLog2 = ITOA64.indexOf(setting[3] ?? '');
  if (countLog2 < 7 || countLog2 > 30) return null;
  const salt = setting.slice(4, 12);
  if (salt.length !== 8) return null;
  const pw = Buffer.from(plain, 'utf8');
  let hash = createHash('md5').update(Buffer.concat([Buffer.from(salt, 'binary'), pw])).digest();
  for (let n = 1 << countLog2; n > 0; n--) hash = createHash('md5').update(Buffer.concat([hash, pw])).digest();
  return setting.slice(0, 12) + phpassEncode64(hash, 16);
}

async function bcryptCompare(plain: string, stored: string): Promise<boolean> {
  // PHP writes `$2y$`; the algorithm is the same as `$2b$`.
  const normalized = stored.startsWith('$2y$') ? `$2b$${stored.slice(4)}` : stored;
  try {
    return await bcrypt.compare(plain, normalized);
  } catch {
    return false;
  }
}

/**
 * Verifies `plain` against a stored hash of algorithm `algo` (the User's `hash`) with options
 * `options` (its `hashOptions`). A malformed stored hash verifies as false, never throws.
 */
export async function verifyPassword(plain: string, stored: string, algo: HashAlgorithm, options: Record<string, unknown>): Promise<boolean> {
  if (!stored) return false;
  switch (algo) {
    case 'argon2':
      try {
        return await argon2Verify({ password: plain, hash: stored });
      } catch {
        return false;
      }
    case 'bcrypt':
      return bcryptCompare(plain, stored);
    case 'md5':
      return safeEqualText(createHash('md5').update(plain).digest('hex'), stored.toLowerCase());
    case 'sha': {
      const version = typeof options.version === 'string' ? options.version : 'sha3-512';
      try {
        return safeEqualText(createHash(nodeDigest(version)).update(plain).digest('hex'), stored.toLowerCase());
      } catch {
        return false;
      }
    }
    case 'phpass': {
      if (stored.startsWith('$2')) return bcryptCompare(plain, stored);
      if (!stored.startsWith('$P$') && !stored.startsWith('$H$')) return false;
      const computed = phpassPortable(plain, stored);
      return computed !== null && safeEqualText(computed, stored);
    }
    default:
      return false;
  }
}
