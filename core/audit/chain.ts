/**
 * The audit hash chain and its signed checkpoints (PCI DSS v4 10.3.4: audit logs are protected by
 * change-detection mechanisms; OWASP ASVS 5.0 V16.4.3 log integrity).
 *
 * - Link: `hash = hex(SHA-256(prev_hash || canonical_json(entry)))`, where `prev_hash` is the 64
 *   lower-case hex characters of the previous entry's hash (ASCII) and `canonical_json` is the
 *   UTF-8 of {@link canonicalJson}; the first entry's `prev_hash` is {@link GENESIS_HASH}.
 * - Checkpoint: `signature = hex(HMAC-SHA256(AUDIT_CHECKPOINT_KEY, seq || "|" || hash || "|" || created_at))`
 *   with `seq` in decimal and `created_at` as UTC ISO-8601 with milliseconds. The `|` separators
 *   make the message unambiguous. Anyone who can write the table can recompute the chain, but only
 *   the key holder can sign a checkpoint: a rewrite before a checkpoint is therefore detectable.
 * @module
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/** `prev_hash` of the first entry: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** A lower-case hex SHA-256 digest. */
export const HASH_PATTERN = /^[0-9a-f]{64}$/;

/**
 * The hash of one link: SHA-256 over `prevHash` (64 hex chars) followed by the canonical JSON of
 * `entry`. Returns 64 lower-case hex characters.
 * @throws TypeError when `prevHash` is not 64 lower-case hex characters or `entry` is not JSON data.
 */
export function chainHash(prevHash: string, entry: unknown): string {
  return chainHashOfJson(prevHash, canonicalJson(entry));
}

/** Like {@link chainHash} for an entry already in canonical JSON form. */
export function chainHashOfJson(prevHash: string, canonicalEntryJson: string): string {
  if (!HASH_PATTERN.test(prevHash)) throw new TypeError('chainHash: prevHash must be 64 lower-case hex characters');
  return createHash('sha256').update(prevHash, 'latin1').update(canonicalEntryJson, 'utf8').digest('hex');
}

/** A signed statement "the chain's entry `seq` has hash `hash`", made at `createdAt`. */
export interface Checkpoint {
  seq: number;
  hash: string;
  /** UTC ISO-8601 with milliseconds, e.g. `2026-11-23T13:00:00.000Z`. */
  createdAt: string;
  /** 64 hex characters of HMAC-SHA256. */
  signature: string;
}

/**
 * Signs a checkpoint: HMAC-SHA256 keyed with `key` (AUDIT_CHECKPOINT_KEY, at least 32 characters,
 * see core/config.ts) over `${seq}|${hash}|${createdAt}`. Returns 64 lower-case hex characters.
 */
export function signCheckpoint(key: string, seq: number, hash: string, createdAt: string): string {
  return createHmac('sha256', key).update(`${seq}|${hash}|${createdAt}`, 'utf8').digest('hex');
}

/** True when `checkpoint.signature` is the signature of its fields under `key` (constant-time compare). */
export function isCheckpointSignatureValid(key: string, checkpoint: Checkpoint): boolean {
  const expected = Buffer.from(signCheckpoint(key, checkpoint.seq, checkpoint.hash, checkpoint.createdAt), 'hex');
  const actual = Buffer.from(HASH_PATTERN.test(checkpoint.signature) ? checkpoint.signature : '', 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
