import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors.js';
import { pepperedPin, pinLookupIndex } from './lookup.js';

const PEPPER = 'k'.repeat(32);

describe('pinLookupIndex', () => {
  it('is hex HMAC-SHA256(pepper, storeId:pin)', () => {
    const expected = createHmac('sha256', PEPPER).update('store1:4829').digest('hex');
    expect(pinLookupIndex(PEPPER, 'store1', '4829')).toBe(expected);
    expect(pinLookupIndex(PEPPER, 'store1', '4829')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs per store, per PIN and per pepper, and is stable', () => {
    const a = pinLookupIndex(PEPPER, 'store1', '4829');
    expect(pinLookupIndex(PEPPER, 'store1', '4829')).toBe(a);
    expect(pinLookupIndex(PEPPER, 'store2', '4829')).not.toBe(a);
    expect(pinLookupIndex(PEPPER, 'store1', '4828')).not.toBe(a);
    expect(pinLookupIndex('j'.repeat(32), 'store1', '4829')).not.toBe(a);
  });

  it('does not contain the PIN and rejects bad input without echoing it', () => {
    expect(pinLookupIndex(PEPPER, 's', '482917')).not.toContain('482917');
    for (const [pepper, store, pin] of [[PEPPER, 's', '48:29'], [PEPPER, 's', ''], [PEPPER, '', '4829'], ['', 's', '4829']] as const) {
      let err: unknown;
      try {
        pinLookupIndex(pepper, store, pin);
      } catch (e) {
        err = e;
      }
      expect(isAppError(err)).toBe(true);
      if (pin.length > 0) expect((err as Error).message).not.toContain(pin);
    }
  });
});

describe('pepperedPin', () => {
  it('is the 64-character hex HMAC of the PIN, within bcrypt\'s 72-byte limit', () => {
    const v = pepperedPin(PEPPER, '4829');
    expect(v).toBe(createHmac('sha256', PEPPER).update('4829').digest('hex'));
    expect(Buffer.byteLength(v)).toBe(64);
    // the bcrypt input is not the lookup index, so the index column never equals a hash input
    expect(v).not.toBe(pinLookupIndex(PEPPER, 'store1', '4829'));
  });
});
