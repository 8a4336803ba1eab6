/**
 * Weak-PIN policy for staff PINs (issue 6 item 1), pure and deterministic.
 *
 * Sources of the rules:
 * - NIST SP 800-63B §5.1.1.2 (memorized secrets): verifiers SHALL compare a new secret against a
 *   blocklist of values known to be commonly used, expected or compromised, including
 *   "repetitive or sequential characters (e.g. 'aaaaaa', '1234abcd')" and context-specific
 *   words. The deny list (`denyList`) is that context-specific part (store number, phone
 *   extension); a store wanting stronger PINs raises `minLength` towards 8.
 * - PCI PIN Security Requirements / ISO 9564-1 (PIN length and selection): 4 to 12 digits,
 *   and the issuer should advise against easily guessed PINs: sequences, repeated digits,
 *   personal dates. Tillgate keeps 4-8 digits (issue 6).
 * - Bonneau, Preibusch, Anderson, "A birthday present every eleven wallets? The security of
 *   customer-chosen banking PINs" (FC 2012): runs, repeats, pairs (1122), short repeated units
 *   (1212) and years 19xx/20xx dominate chosen 4-digit PINs; the built-in list below holds the
 *   remaining top-ranked PINs none of the rules covers.
 *
 * No reason or error ever contains the PIN itself.
 * @module
 */
import * as z from 'zod';
import { AppError } from '../errors.js';

/** Why a PIN was refused. Stable, machine-readable; safe to send to the client. */
export type PinWeakness =
  | 'NOT_DIGITS'
  | 'TOO_SHORT'
  | 'TOO_LONG'
  | 'SEQUENCE'
  | 'REPEATED_DIGIT'
  | 'REPEATING_PATTERN'
  | 'YEAR'
  | 'COMMON'
  | 'DENY_LISTED'
  | 'REUSED';

/** Human-readable text per {@link PinWeakness}; never mentions the PIN. */
export const PIN_WEAKNESS_MESSAGES: Readonly<Record<PinWeakness, string>> = {
  NOT_DIGITS: 'The PIN must contain digits only.',
  TOO_SHORT: 'The PIN is shorter than the store minimum.',
  TOO_LONG: 'The PIN is longer than the store maximum.',
  SEQUENCE: 'The PIN is a run of consecutive digits (such as 1234 or 9876).',
  REPEATED_DIGIT: 'The PIN repeats a single digit (such as 1111).',
  REPEATING_PATTERN: 'The PIN repeats a short pattern (such as 1212, 123123 or 1122).',
  YEAR: 'A 4-digit PIN must not be a year between 1900 and 2099.',
  COMMON: 'The PIN is one of the most commonly chosen PINs.',
  DENY_LISTED: 'The PIN is on the store deny list.',
  REUSED: 'The PIN was used recently; choose one not among the last 3.',
};

/** Absolute bounds of a PIN length (issue 6: 4 to 8 digits). */
export const PIN_LENGTH_BOUNDS = { min: 4, max: 8 } as const;

/** How many previous PINs a new PIN must differ from (issue 6 item 1: "never reused from the last 3"). */
export const PIN_HISTORY_DEPTH = 3;

/**
 * Frequently chosen 4-digit PINs that no rule below already refuses: keypad columns and
 * corners (2580, 1470, 1379), odd/even steps (1357, 2468) and keypad words (5683 "LOVE"), as
 * ranked in Bonneau et al. 2012 and the DataGenetics PIN analysis (2012).
 */
export const COMMON_PINS: readonly string[] = ['2580', '0852', '1470', '0741', '3690', '0963', '1004', '6969', '5683', '1357', '2468', '1379', '1397'];

/** Validated store PIN policy. */
export const pinPolicySchema = z
  .object({
    /** Fewest digits, 4-8 (default 4, issue 6). */
    minLength: z.number().int().min(PIN_LENGTH_BOUNDS.min).max(PIN_LENGTH_BOUNDS.max).default(4),
    /** Most digits, 4-8 (default 8). */
    maxLength: z.number().int().min(PIN_LENGTH_BOUNDS.min).max(PIN_LENGTH_BOUNDS.max).default(8),
    /** PINs refused in addition to the built-in rules (digits only, each 1-8 digits). */
    denyList: z.array(z.string().regex(/^[0-9]{1,8}$/, 'deny-list entries are 1-8 digits')).max(10_000).default([]),
  })
  .refine((p) => p.minLength <= p.maxLength, { message: 'minLength must not exceed maxLength', path: ['minLength'] });

export type PinPolicy = Readonly<z.output<typeof pinPolicySchema>>;

/** The policy when a store sets nothing: 4-8 digits, built-in rules only. */
export const DEFAULT_PIN_POLICY: PinPolicy = Object.freeze({ minLength: 4, maxLength: 8, denyList: [] });

/**
 * Validates a store's PIN policy (from config or a store row).
 * @throws AppError VALIDATION_FAILED with `details.issues` when a bound or entry is invalid.
 */
export function parsePinPolicy(input: unknown): PinPolicy {
  const r = pinPolicySchema.safeParse(input ?? {});
  if (!r.success) {
    throw new AppError('VALIDATION_FAILED', 'Invalid PIN policy.', {
      details: { issues: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
    });
  }
  return Object.freeze(r.data);
}

export type PinCheckResult = { ok: true } | { ok: false; reasons: PinWeakness[] };

const DIGITS = /^[0-9]+$/;

/**
 * Every step between neighbours is +1 (ascending) or every step is -1 (descending), counted
 * modulo 10 so that wrap-around runs like 7890, 8901, 9012 and 1098 count too: 7890 and 0987
 * follow the top row of a keyboard and rank among the most chosen PINs.
 */
export function isSequence(pin: string): boolean {
  if (pin.length < 3) return false;
  const step = (i: number) => (Number(pin[i + 1]) - Number(pin[i]) + 10) % 10;
  const first = step(0);
  if (first !== 1 && first !== 9) return false;
  for (let i = 1; i < pin.length - 1; i++) if (step(i) !== first) return false;
  return true;
}

/** One digit repeated throughout (1111, 000000). */
export function isRepeatedDigit(pin: string): boolean {
  return pin.length > 1 && [...pin].every((c) => c === pin[0]);
}

/**
 * A shorter unit repeated (1212, 123123, 12121: period p with 2 <= p <= length/2), or pairs of
 * doubled digits (1122, 5599, 112233). Single-digit repeats are {@link isRepeatedDigit}.
 */
export function isRepeatingPattern(pin: string): boolean {
  for (let p = 2; p <= pin.length / 2; p++) {
    let periodic = true;
    for (let i = p; i < pin.length && periodic; i++) periodic = pin[i] === pin[i - p];
    if (periodic) return true;
  }
  if (pin.length >= 4 && pin.length % 2 === 0) {
    let doubled = true;
    for (let i = 0; i < pin.length && doubled; i += 2) doubled = pin[i] === pin[i + 1];
    if (doubled) return true;
  }
  return false;
}

/** A 4-digit PIN between 1900 and 2099 (birth years, anniversaries). */
export function isYear(pin: string): boolean {
  if (pin.length !== 4) return false;
  const n = Number(pin);
  return n >= 1900 && n <= 2099;
}

/**
 * Checks a candidate PIN against the store policy. Reuse of the last
 * {@link PIN_HISTORY_DEPTH} PINs needs their hashes and is checked by the PIN hasher
 * (`infra/pin-hasher.ts`, reason `REUSED`).
 * @param pin the candidate as typed (a non-string counts as `NOT_DIGITS`).
 * @returns `{ ok: true }`, or every weakness found in a fixed order. When the PIN is not all
 *   digits only `NOT_DIGITS` (plus a length reason) is returned: pattern rules need digits.
 */
export function checkPin(pin: unknown, policy: PinPolicy = DEFAULT_PIN_POLICY): PinCheckResult {
  const reasons: PinWeakness[] = [];
  const s = typeof pin === 'string' ? pin : '';
  if (!DIGITS.test(s)) reasons.push('NOT_DIGITS');
  if (s.length < policy.minLength) reasons.push('TOO_SHORT');
  if (s.length > policy.maxLength) reasons.push('TOO_LONG');
  if (reasons[0] === 'NOT_DIGITS') return { ok: false, reasons };
  if (isSequence(s)) reasons.push('SEQUENCE');
  if (isRepeatedDigit(s)) reasons.push('REPEATED_DIGIT');
  else if (isRepeatingPattern(s)) reasons.push('REPEATING_PATTERN');
  if (isYear(s)) reasons.push('YEAR');
  if (COMMON_PINS.includes(s)) reasons.push('COMMON');
  if (policy.denyList.includes(s)) reasons.push('DENY_LISTED');
  return reasons.length === 0 ? { ok: true } : { ok: false, reasons };
}

/**
 * {@link checkPin} for the edge: throws instead of returning.
 * @throws AppError PIN_POLICY_VIOLATION (400) with `details.reasons` (codes and messages, no PIN).
 */
export function assertPinAcceptable(pin: unknown, policy: PinPolicy = DEFAULT_PIN_POLICY): void {
  const r = checkPin(pin, policy);
  if (!r.ok) throw pinPolicyError(r.reasons);
}

/** The {@link AppError} for refused PIN reasons (PIN_POLICY_VIOLATION, or PIN_REUSED alone). */
export function pinPolicyError(reasons: readonly PinWeakness[]): AppError {
  const details = { reasons: reasons.map((code) => ({ code, message: PIN_WEAKNESS_MESSAGES[code] })) };
  if (reasons.length === 1 && reasons[0] === 'REUSED') {
    return new AppError('PIN_REUSED', PIN_WEAKNESS_MESSAGES.REUSED, { details });
  }
  return new AppError('PIN_POLICY_VIOLATION', 'The PIN does not meet the PIN policy.', { details });
}
