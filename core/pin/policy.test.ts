import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors.js';
import { DEFAULT_PIN_POLICY, assertPinAcceptable, checkPin, parsePinPolicy, pinPolicyError, type PinWeakness } from './policy.js';

const reasons = (pin: unknown, policy = DEFAULT_PIN_POLICY): PinWeakness[] => {
  const r = checkPin(pin, policy);
  return r.ok ? [] : r.reasons;
};

describe('checkPin', () => {
  it.each(['4829', '5170', '385920', '90817263', '1479', '2749'])('accepts %s', (pin) => {
    expect(checkPin(pin)).toEqual({ ok: true });
  });

  it.each([
    ['12a4', ['NOT_DIGITS']],
    ['', ['NOT_DIGITS', 'TOO_SHORT']],
    [' 4829', ['NOT_DIGITS']],
    ['482', ['TOO_SHORT']],
    ['482917365', ['TOO_LONG']],
  ] as const)('format: %j → %j', (pin, expected) => {
    expect(reasons(pin)).toEqual(expected);
  });

  it('treats a non-string as not digits', () => {
    expect(reasons(4829)).toEqual(['NOT_DIGITS', 'TOO_SHORT']);
    expect(reasons(null)).toContain('NOT_DIGITS');
  });

  it.each(['1234', '9876', '012345', '3456789', '87654321', '7890', '8901', '9012', '1098', '0987'])('run %s is a SEQUENCE', (pin) => {
    expect(reasons(pin)).toContain('SEQUENCE');
  });
  it.each(['1235', '2468', '1243', '9875', '13579'])('%s is not a SEQUENCE', (pin) => {
    expect(reasons(pin)).not.toContain('SEQUENCE');
  });

  it.each(['1111', '000000', '99999999'])('%s is a REPEATED_DIGIT', (pin) => {
    expect(reasons(pin)).toEqual(['REPEATED_DIGIT']);
  });
  it.each(['1112', '0001', '5550555'])('%s is not a REPEATED_DIGIT', (pin) => {
    expect(reasons(pin)).not.toContain('REPEATED_DIGIT');
  });

  it.each(['1212', '123123', '12121', '4747', '1122', '5599', '112233', '38273827'])('%s is a REPEATING_PATTERN', (pin) => {
    expect(reasons(pin)).toContain('REPEATING_PATTERN');
  });
  it.each(['1213', '123124', '1123', '1221', '4829'])('%s is not a REPEATING_PATTERN', (pin) => {
    expect(reasons(pin)).not.toContain('REPEATING_PATTERN');
  });

  it.each(['1900', '1987', '2000', '2024', '2099'])('4-digit year %s is refused', (pin) => {
    expect(reasons(pin)).toContain('YEAR');
  });
  it.each(['1899', '2100', '198700', '19870'])('%s is not a YEAR', (pin) => {
    expect(reasons(pin)).not.toContain('YEAR');
  });

  it('refuses the built-in common PINs (keypad column 2580, keypad word 5683)', () => {
    expect(reasons('2580')).toEqual(['COMMON']);
    expect(reasons('5683')).toEqual(['COMMON']);
    expect(reasons('2581')).toEqual([]);
  });

  it('applies the store deny list and length bounds', () => {
    const policy = parsePinPolicy({ minLength: 6, maxLength: 6, denyList: ['482917', '5170'] });
    expect(reasons('482917', policy)).toEqual(['DENY_LISTED']);
    expect(reasons('482916', policy)).toEqual([]);
    expect(reasons('4829', policy)).toEqual(['TOO_SHORT']);
    expect(reasons('5170')).toEqual([]); // default policy has no deny list
  });

  it('lists every weakness at once', () => {
    expect(reasons('1234', parsePinPolicy({ minLength: 6, denyList: ['1234'] }))).toEqual(['TOO_SHORT', 'SEQUENCE', 'DENY_LISTED']);
    expect(reasons('2012')).toEqual(['YEAR']);
    expect(reasons('2020')).toEqual(['REPEATING_PATTERN', 'YEAR']);
  });
});

describe('parsePinPolicy', () => {
  it('fills defaults and rejects impossible bounds', () => {
    expect(parsePinPolicy({})).toEqual({ minLength: 4, maxLength: 8, denyList: [] });
    for (const bad of [{ minLength: 3 }, { maxLength: 9 }, { minLength: 7, maxLength: 5 }, { denyList: ['12ab'] }, { minLength: 4.5 }]) {
      const e = (() => { try { parsePinPolicy(bad); } catch (x) { return x; } return null; })();
      expect(isAppError(e) && e.code).toBe('VALIDATION_FAILED');
    }
  });
});

describe('assertPinAcceptable / pinPolicyError', () => {
  it('throws PIN_POLICY_VIOLATION with reason codes and never the PIN', () => {
    let err: unknown;
    try {
      assertPinAcceptable('987654');
    } catch (e) {
      err = e;
    }
    expect(isAppError(err) && err.code).toBe('PIN_POLICY_VIOLATION');
    expect(isAppError(err) && err.status).toBe(400);
    const text = JSON.stringify({ m: (err as Error).message, d: isAppError(err) ? err.details : null });
    expect(text).toContain('SEQUENCE');
    expect(text).not.toContain('987654');
    expect(() => assertPinAcceptable('4829')).not.toThrow();
  });

  it('answers PIN_REUSED (409) for reuse alone', () => {
    const e = pinPolicyError(['REUSED']);
    expect(e.code).toBe('PIN_REUSED');
    expect(e.status).toBe(409);
    expect(pinPolicyError(['REUSED', 'YEAR']).code).toBe('PIN_POLICY_VIOLATION');
  });
});
